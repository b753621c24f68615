import Glibc
import MgvizSpec

/// What rendering a document's blocks makes: each block's diagram, in a file named after
/// its `id` (or the document and the block's place), and the document with each image link
/// in place. Blocks that fail are listed, one error each, and make nothing.
public struct MarkdownRendering: Sendable {
    /// One block's diagram.
    public struct Diagram: Sendable {
        /// The block's line in the document.
        public let line: Int
        /// Where the file goes, as the command names it (beside the document, or in `outDir`).
        public let path: String
        public let bytes: [UInt8]
        /// The link between the markers: `![title](path from the document)`.
        public let link: String
        /// The drawing's NaN or infinity warning, and its WRONG `expect` entries, drawn in red.
        public let warnings: [String]
    }

    public let diagrams: [Diagram]
    /// The blocks that could not be drawn.
    public let failures: [MarkdownError]
    /// The document with every link in place; nil when a block failed.
    public let document: [UInt8]?

    /// The options a block may give, with the command's long option names.
    public static let optionNames = ["id", "format", "rankdir", "precision", "color", "theme", "collapse", "focus", "depth", "no-backward", "dpi", "max-nodes"]

    /// Draws every block of `document`, which is at `path`, with `options` and `format` (svg or
    /// png) as the defaults a block's own options override. Diagrams go beside the document,
    /// or into `outDir`.
    public init(
        _ document: MarkdownDocument, path: String, outDir: String? = nil, options: DrawOptions = DrawOptions(),
        format: OutputFormat = .svg
    ) {
        let stem = Self.stem(of: path)
        let documentFolder = folder(of: path)
        var diagrams: [Diagram] = []
        var failures: [MarkdownError] = []
        var namesUsed: [String: Int] = [:]
        for (index, block) in document.blocks.enumerated() {
            do throws(MarkdownError) {
                let (blockOptions, format, id) = try Self.options(block, over: options, format: format)
                let name = (id ?? "\(stem)-\(index + 1)") + "." + format.rawValue
                if let earlier = namesUsed[name] {
                    throw MarkdownError(line: block.line, message: "\(name) is the image of the block at line \(earlier) too; give this one another id=")
                }
                namesUsed[name] = block.line
                let (bytes, title, warnings) = try Self.draw(block, format: format, options: blockOptions)
                let file = outDir.map { joinedPath($0, name) } ?? (documentFolder == "." ? name : joinedPath(documentFolder, name))
                let target = outDir.map { relativePath(from: documentFolder, to: joinedPath($0, name)) } ?? name
                let alt = title ?? id ?? "\(stem) diagram \(index + 1)"
                diagrams.append(Diagram(
                    line: block.line, path: file, bytes: bytes, link: "![\(Self.escapedAlt(alt))](\(Self.escapedTarget(target)))",
                    warnings: warnings))
            } catch {
                failures.append(error)
            }
        }
        self.diagrams = diagrams
        self.failures = failures
        self.document = failures.isEmpty ? document.withLinks(diagrams.map(\.link)) : nil
    }

    /// The block's options over the defaults, its image format and its id.
    private static func options(
        _ block: MarkdownDocument.Block, over defaults: DrawOptions, format: OutputFormat
    ) throws(MarkdownError) -> (DrawOptions, OutputFormat, String?) {
        var options = defaults
        var format = format
        var id: String?
        func fail(_ message: String) -> MarkdownError { MarkdownError(line: block.line, message: message) }
        for (key, value) in block.options {
            if key == "no-backward" {
                switch value {
                case nil, "true": options.showsGradients = false
                case "false": options.showsGradients = true
                default: throw fail("no-backward is a flag: write no-backward, or no-backward=true or false")
                }
                continue
            }
            guard Self.optionNames.contains(key) else {
                throw fail("unknown option '\(echo(key))' (a block takes: \(Self.optionNames.joined(separator: ", ")))")
            }
            guard let value else { throw fail("\(key) needs a value: \(key)=…") }
            func bad(_ expected: String) -> MarkdownError { fail("\(key)=\(echo(value)): expected \(expected)") }
            switch key {
            case "id":
                guard !value.isEmpty, !value.hasPrefix("."), value.utf8.allSatisfy({ isIDCharacter($0) }) else {
                    throw bad("letters, digits, '-', '_' and '.', not starting with '.' (it names the image file)")
                }
                id = value
            case "format":
                guard let image = OutputFormat(rawValue: value), image == .svg || image == .png else {
                    throw bad("svg or png, a format a Markdown image can show")
                }
                format = image
            case "rankdir":
                guard let direction = RankDirection(rawValue: value) else { throw bad("LR or TB") }
                options.rankDirection = direction
            case "precision":
                guard let decimals = Int(value) else { throw bad("a whole number") }
                options.precision = decimals
            case "color":
                guard let coloring = Coloring(rawValue: value) else { throw bad(Coloring.allCases.map(\.rawValue).joined(separator: " or ")) }
                options.coloring = coloring
            case "theme":
                guard let theme = Theme(rawValue: value) else { throw bad(Theme.allCases.map(\.rawValue).joined(separator: ", ")) }
                options.theme = theme
            case "collapse":
                guard let collapse = DrawOptions.Collapse(rawValue: value) else { throw bad("neurons") }
                options.collapse = collapse
            case "focus":
                options.focus = value
            case "depth":
                guard let depth = Int(value) else { throw bad("a whole number") }
                options.focusDepth = depth
            case "dpi":
                guard let dpi = Double(value) else { throw bad("a number") }
                options.dotsPerInch = dpi
            default:  // max-nodes
                guard let maximum = Int(value) else { throw bad("a whole number") }
                options.maximumNodes = maximum
            }
        }
        do { try options.validate() } catch { throw fail(error.description) }
        return (options, format, id)
    }

    /// The block's diagram, its title and its warnings.
    private static func draw(
        _ block: MarkdownDocument.Block, format: OutputFormat, options: DrawOptions
    ) throws(MarkdownError) -> ([UInt8], String?, [String]) {
        let firstCharacter = block.content.first { ![0x20, 0x09, 0x0a, 0x0d].contains($0) }
        let inputFormat: InputFormat = firstCharacter == UInt8(ascii: "{") ? .json : .mg
        do throws(DrawError) {
            let document: Document
            do { document = try Document(bytes: block.content, format: inputFormat) } catch { throw .spec(error) }
            let drawing = try Drawing(document: document, options: options)
            let rendering = try drawing.rendered(as: format)
            let wrong = drawing.expectations.filter { !$0.isRight }.map {
                "\"expect\" is WRONG for \($0.isGrad ? "the grad of \($0.name)" : "the output"): expected \(exactText($0.expected)), computed \(exactText($0.computed))"
            }
            return (rendering.bytes, drawing.title, ([drawing.nonFinite?.description].compactMap { $0 } + wrong))
        } catch {
            throw MarkdownError(line: block.line, message: error.description)
        }
    }

    /// The document's name without its extension.
    private static func stem(of path: String) -> String {
        let name = path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path
        guard let dot = name.lastIndex(of: "."), dot > name.startIndex else { return name }
        return String(name[..<dot])
    }

    /// Markdown's alt text: brackets, backslashes and emphasis marks escaped, one line.
    private static func escapedAlt(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "[", "]", "\\", "*", "_", "`": escaped += "\\" + String(character)
            case "\n", "\r\n", "\r": escaped += " "
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// A link target with the characters that would end it percent-encoded.
    private static func escapedTarget(_ path: String) -> String {
        var escaped = ""
        for scalar in path.unicodeScalars {
            switch scalar {
            case " ": escaped += "%20"
            case "(": escaped += "%28"
            case ")": escaped += "%29"
            case "<": escaped += "%3C"
            case ">": escaped += "%3E"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}

private func isIDCharacter(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
        || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        || byte == UInt8(ascii: ".")
}

/// `file` as a path relative to `folder`, both taken from the current folder when relative.
func relativePath(from folder: String, to file: String) -> String {
    func components(_ path: String) -> [Substring] {
        let absolute = path.hasPrefix("/") ? path : currentFolder() + "/" + path
        var parts: [Substring] = []
        for part in absolute.split(separator: "/") {
            switch part {
            case ".": continue
            case "..": _ = parts.popLast()
            default: parts.append(part)
            }
        }
        return parts
    }
    let from = components(folder), to = components(file)
    var common = 0
    while common < from.count, common < to.count - 1, from[common] == to[common] { common += 1 }
    let ups = Array(repeating: "..", count: from.count - common)
    return (ups + to[common...].map(String.init)).joined(separator: "/")
}
