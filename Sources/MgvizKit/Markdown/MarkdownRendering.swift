import Glibc
import MgvizExport
import MgvizRender
import MgvizSpec

/// Where a document's blocks' images go, with what options, and the destination of each
/// link: all known before anything is drawn, so that a run whose images would overwrite a
/// document or each other is refused before it draws. Blocks with bad options are listed, one
/// error each, and get no image.
package struct MarkdownImages: Sendable {
    package struct Image: Sendable {
        package let block: MarkdownDocument.Block
        /// Where the file goes, as the command names it (beside the document, or in `outDir`).
        package let path: String
        /// The link's destination: the file's path from the document's folder, percent-encoded.
        let target: String
        let options: DrawOptions
        let format: OutputFormat
        let id: String?
        /// The alt text when the spec has no title.
        let fallbackTitle: String

        /// What drawing it costs, in tiny SVG blocks, for `MarkdownDocument.maximumBlocksPerRun`:
        /// a PNG's pixels, and its time, grow with the square of its dpi, so a PNG block at D
        /// dpi counts (D / 96)² times, and at least once (`mgviz-bench markdown`).
        package var cost: Int {
            guard format == .png else { return 1 }
            let scale = options.dotsPerInch / BitmapSize.defaultDotsPerInch
            return max(1, Int((scale * scale).rounded(.up)))
        }
    }

    package let images: [Image]
    /// The blocks whose options are bad.
    package let failures: [MarkdownError]

    /// The options a block may give, with the command's long option names.
    package static let optionNames = ["id", "format", "rankdir", "precision", "color", "theme", "collapse", "focus", "depth", "no-backward", "dpi", "max-nodes"]

    /// The images of `document`, which is at `path`, with `options` and `format` (svg or png)
    /// as the defaults a block's own options override. Diagrams go beside the document, or
    /// into `outDir`. Throws when an image's path cannot be written in a link.
    package init(
        _ document: MarkdownDocument, path: String, outDir: String? = nil, options: DrawOptions = DrawOptions(),
        format: OutputFormat = .svg
    ) throws(MarkdownLinkError) {
        let stem = Self.stem(of: path)
        let documentFolder = folder(of: path)
        var images: [Image] = []
        var failures: [MarkdownError] = []
        for block in document.blocks {
            let resolved: (DrawOptions, OutputFormat, String?)
            do { resolved = try Self.options(block, over: options, format: format) } catch {
                failures.append(error)
                continue
            }
            let (blockOptions, format, id) = resolved
            let name = (id ?? "\(stem)-\(block.number)") + "." + format.rawValue
            let file = outDir.map { joinedPath($0, name) } ?? (documentFolder == "." ? name : joinedPath(documentFolder, name))
            let target = outDir.map { relativePath(from: documentFolder, to: joinedPath($0, name)) } ?? name
            images.append(Image(
                block: block, path: file, target: try Self.linkTarget(target), options: blockOptions, format: format, id: id,
                fallbackTitle: id ?? "\(stem) diagram \(block.number)"))
        }
        self.images = images
        self.failures = failures
    }

    /// The image link line: `![alt](target)`, the alt text escaped so that the line is one
    /// image and nothing else, and stays one line.
    package static func link(alt: String, target: String) -> String { "![\(escapedAlt(alt))](\(target))" }

    /// The block's options over the defaults, its image format and its id.
    private static func options(
        _ block: MarkdownDocument.Block, over defaults: DrawOptions, format: OutputFormat
    ) throws(MarkdownError) -> (DrawOptions, OutputFormat, String?) {
        var options = defaults
        var format = format
        var id: String?
        func fail(_ message: String) -> MarkdownError { MarkdownError(line: block.line, message: message) }
        var given: Set<String> = []
        for word in block.words {
            // `key=value`; a bare word is a flag (`no-backward`).
            let parts = word.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let key = parts[0], value = parts.count == 2 ? parts[1] : nil
            guard !key.isEmpty else { throw fail("'\(echo(word))' has no option name before '='") }
            guard given.insert(key).inserted else { throw fail("the option \(echo(key)) is given twice") }
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

    /// The document's name without its extension.
    private static func stem(of path: String) -> String {
        let name = path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path
        guard let dot = name.lastIndex(of: "."), dot > name.startIndex else { return name }
        return String(name[..<dot])
    }

    /// Markdown's alt text on one line: every ASCII punctuation mark that could start markup
    /// (a bracket, a code span, an entity, a tag, emphasis) backslash-escaped, and line breaks
    /// and other control characters made spaces.
    private static func escapedAlt(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "[", "]", "\\", "*", "_", "`", "<", ">", "&", "!": escaped += "\\" + String(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: escaped += " "
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// A relative path as a link destination that a Markdown viewer resolves to the file:
    /// every byte but letters, digits, `-`, `.`, `_`, `~` and `/` percent-encoded as UTF-8
    /// (`#`, `?` and `%` would start a fragment, a query or an escape; a `:` in the first
    /// part, a scheme). Control characters have no place in a file's link.
    package static func linkTarget(_ path: String) throws(MarkdownLinkError) -> String {
        var encoded = ""
        for byte in path.utf8 {
            guard byte >= 0x20, byte != 0x7F else { throw .controlCharacter(path: path) }
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let digits = Array("0123456789ABCDEF".unicodeScalars)
                encoded.unicodeScalars.append(contentsOf: ["%", digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
            }
        }
        return encoded
    }
}

/// An image path that no Markdown link can hold.
package enum MarkdownLinkError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `path` is the image's path from the document's folder.
    case controlCharacter(path: String)

    package var description: String {
        switch self {
        case .controlCharacter(let path):
            return "the image path \(shown(path)) holds a control character, which a Markdown link cannot hold; rename the document or choose another --out-dir"
        }
    }
}

/// What rendering a document's blocks makes: each block's diagram, in the file its
/// `MarkdownImages` names, and the document with each image link in place. Blocks that fail
/// are listed, one error each, and make nothing.
package struct MarkdownRendering: Sendable {
    /// One block's diagram.
    package struct Diagram: Sendable {
        package let block: MarkdownDocument.Block
        /// Where the file goes, as the command names it.
        package let path: String
        package let bytes: [UInt8]
        /// The link between the markers: `![title](path from the document)`.
        package let link: String
        /// The drawing's NaN or infinity warning, and its WRONG `expect` entries, drawn in red.
        package let warnings: [String]
    }

    package let diagrams: [Diagram]
    /// The blocks that could not be drawn, in the document's order.
    package let failures: [MarkdownError]
    /// The document with every link in place; nil when a block failed.
    package let document: [UInt8]?

    /// Draws every image of `images`, the images of `document`.
    package init(_ document: MarkdownDocument, images: MarkdownImages) {
        var diagrams: [Diagram] = []
        var failures = images.failures
        for image in images.images {
            do throws(MarkdownError) {
                let (bytes, title, warnings) = try Self.draw(image)
                diagrams.append(Diagram(
                    block: image.block, path: image.path, bytes: bytes,
                    link: MarkdownImages.link(alt: title ?? image.fallbackTitle, target: image.target), warnings: warnings))
            } catch {
                failures.append(error)
            }
        }
        self.diagrams = diagrams
        self.failures = failures.sorted { $0.line < $1.line }
        self.document = failures.isEmpty ? document.withLinks(diagrams.map(\.link)) : nil
    }

    /// Draws every block of `document`, which is at `path`: `MarkdownImages` says where each
    /// image goes and with what options.
    package init(
        _ document: MarkdownDocument, path: String, outDir: String? = nil, options: DrawOptions = DrawOptions(),
        format: OutputFormat = .svg
    ) throws(MarkdownLinkError) {
        self.init(document, images: try MarkdownImages(document, path: path, outDir: outDir, options: options, format: format))
    }

    /// The image's diagram, its title and its warnings.
    private static func draw(_ image: MarkdownImages.Image) throws(MarkdownError) -> ([UInt8], String?, [String]) {
        let content = image.block.content
        let firstCharacter = content.first { ![0x20, 0x09, 0x0a, 0x0d].contains($0) }
        let inputFormat: InputFormat = firstCharacter == UInt8(ascii: "{") ? .json : .mg
        do throws(DrawError) {
            let document: InputDocument
            do { document = try InputDocument(bytes: content, format: inputFormat) } catch { throw .spec(error) }
            let drawing = try Drawing(document: document, options: image.options)
            let rendering = try drawing.rendered(as: image.format)
            let wrong = drawing.expectations.filter { !$0.isRight }.map {
                "\"expect\" is WRONG for \($0.isGrad ? "the grad of \($0.name)" : "the output"): expected \(exactText($0.expected)), computed \(exactText($0.computed))"
            }
            return (rendering.bytes, drawing.title, ([drawing.nonFinite?.description].compactMap { $0 } + wrong))
        } catch {
            throw MarkdownError(line: image.block.line, message: error.description)
        }
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
