import Glibc
import MgvizExport
import MgvizFiles
import MgvizRender
import MgvizSpec

/// Where a document's blocks' images go, with what settings, and the destination of each
/// link: all known before anything is drawn, so that a run whose images would overwrite a
/// document or each other is refused before it draws. The caller reads each block's settings
/// from its words (the command reads them as its options); a block it gives none gets no image.
package struct MarkdownImages: Sendable {
    /// What a block's image is drawn with.
    package struct Settings: Sendable, Equatable {
        package var options: DrawOptions
        /// svg or png: what a Markdown image shows.
        package var format: OutputFormat
        /// Names the image file, `ID.svg`; nil for the document's name and the block's number,
        /// `guide-3.svg`.
        package var id: String?
        /// `diff=`: the earlier graph the block is drawn as its difference from, as the block
        /// gives it: a file's path (from the document's folder) or a block's, `guide.md#name`,
        /// or `#name` for a block of the same document.
        package var comparedWith: String?

        package init(options: DrawOptions = DrawOptions(), format: OutputFormat = .svg, id: String? = nil, comparedWith: String? = nil) {
            self.options = options
            self.format = format
            self.id = id
            self.comparedWith = comparedWith
        }
    }

    package struct Image: Sendable {
        package let block: MarkdownDocument.Block
        /// Where the file goes (beside the document, or in the folder the caller names).
        package let path: String
        /// The link's destination: the file's path from the document's folder, percent-encoded.
        let target: String
        package let settings: Settings
        /// The path `diff=` names, from the current folder.
        let comparedWith: String?

        /// What drawing it costs, in tiny SVG blocks, for `MarkdownDocument.maximumBlocksPerRun`:
        /// a PNG's pixels, and its time, grow with the square of its dpi, so a PNG block at D
        /// dpi counts (D / 96)² times, and at least once (`mgviz-bench markdown`).
        package var cost: Int {
            guard settings.format == .png else { return 1 }
            let scale = settings.options.dotsPerInch / BitmapSize.defaultDotsPerInch
            return max(1, Int((scale * scale).rounded(.up)))
        }
    }

    package let images: [Image]

    /// The images of `document`, which is at `path`: `settings` gives each block's, in the
    /// document's order, or nil for a block that gets none (the caller refused its words).
    /// Diagrams go beside the document, or into `outDir`. Throws when an image's path cannot
    /// be written in a link.
    package init(
        _ document: MarkdownDocument, path: String, outDir: String? = nil,
        settings: (MarkdownDocument.Block) -> Settings? = { _ in Settings() }
    ) throws(MarkdownLinkError) {
        let stem = Self.stem(of: path)
        let documentFolder = folder(of: path)
        var images: [Image] = []
        for block in document.blocks {
            guard let blockSettings = settings(block) else { continue }
            let id = blockSettings.id
            let name = (id ?? "\(stem)-\(block.number)") + "." + blockSettings.format.rawValue
            let file = outDir.map { joinedPath($0, name) } ?? (documentFolder == "." ? name : joinedPath(documentFolder, name))
            let target = outDir.map { relativePath(from: documentFolder, to: joinedPath($0, name)) } ?? name
            let comparedWith = blockSettings.comparedWith.map { earlier in
                earlier.hasPrefix("#") ? path + earlier
                    : earlier.hasPrefix("/") || documentFolder == "." ? earlier : joinedPath(documentFolder, earlier)
            }
            images.append(Image(
                block: block, path: file, target: try Self.linkTarget(target), settings: blockSettings, comparedWith: comparedWith))
        }
        self.images = images
    }

    /// The image link line: `![alt](target)`, the alt text escaped so that the line is one
    /// image and nothing else, and stays one line.
    package static func link(alt: String, target: String) -> String { "![\(escapedAlt(alt))](\(target))" }

    /// The document's name without its extension.
    package static func stem(of path: String) -> String {
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
package enum MarkdownLinkError: Error, Sendable, Equatable {
    /// `path` is the image's path from the document's folder.
    case controlCharacter(path: String)
}

/// What rendering a document's blocks makes: each block's diagram, in the file its
/// `MarkdownImages` names, and the document with each image link in place. Blocks that fail
/// are listed, one error each, and make nothing.
package struct MarkdownRendering: Sendable {
    /// One block's diagram.
    package struct Diagram: Sendable {
        package let block: MarkdownDocument.Block
        /// Where the file goes, as `MarkdownImages` names it.
        package let path: String
        package let bytes: [UInt8]
        /// The link between the markers: `![title](path from the document)`, or for a spec
        /// without a title, `![a graph of 16 values: loss = -log(p3), from x0, x1, x2, x3](…)`
        /// (`Drawing.summary`).
        package let link: String
        /// The drawing's NaN or infinity warning, and its WRONG `expect` entries, drawn in red.
        package let warnings: [String]
    }

    package let diagrams: [Diagram]
    /// The blocks that could not be drawn, in the document's order.
    package let failures: [MarkdownError]
    /// The document with every link in place; nil unless every block has its diagram.
    package let document: [UInt8]?

    /// Draws every image of `images`, the images of `document`; `render` makes each one's
    /// bytes, as `Drawing.rendered(as:)` does unless the caller wraps it (the command limits
    /// each layout's CPU time).
    package init(
        _ document: MarkdownDocument, images: MarkdownImages,
        render: (Drawing, OutputFormat) throws(DrawError) -> Rendering = { drawing, format throws(DrawError) in try drawing.rendered(as: format) }
    ) {
        var diagrams: [Diagram] = []
        var failures: [MarkdownError] = []
        for image in images.images {
            do throws(DrawError) {
                let drawing = try Self.drawing(image)
                let rendering = try render(drawing, image.settings.format)
                // A spec without a title is described instead.
                let alt: String
                if let title = drawing.title { alt = title } else { alt = try drawing.summary }
                diagrams.append(Diagram(
                    block: image.block, path: image.path, bytes: rendering.bytes,
                    link: MarkdownImages.link(alt: alt, target: image.target),
                    warnings: Self.warnings(drawing)))
            } catch {
                failures.append(MarkdownError(line: image.block.line, reason: error))
            }
        }
        self.diagrams = diagrams
        self.failures = failures
        self.document = diagrams.count == document.blocks.count ? document.withLinks(diagrams.map(\.link)) : nil
    }

    /// Draws every block of `document`, which is at `path`, with the settings `settings` gives
    /// it: `MarkdownImages` says where each image goes.
    package init(
        _ document: MarkdownDocument, path: String, outDir: String? = nil,
        settings: (MarkdownDocument.Block) -> MarkdownImages.Settings? = { _ in MarkdownImages.Settings() }
    ) throws(MarkdownLinkError) {
        self.init(document, images: try MarkdownImages(document, path: path, outDir: outDir, settings: settings))
    }

    private static func warnings(_ drawing: Drawing) -> [String] {
        let wrong = drawing.expectations.filter { !$0.isRight }.map {
            "\"expect\" is WRONG for \($0.isGrad ? "the grad of \($0.name)" : "the output"): expected \(exactText($0.expected)), computed \(exactText($0.computed))"
        }
        return [drawing.nonFinite?.description].compactMap { $0 } + wrong
    }

    /// The image's spec, evaluated and checked as its options say: a JSON spec when its first
    /// character is `{`, else a text spec; drawn as its difference from the graph its `diff=`
    /// names, if it names one.
    private static func drawing(_ image: MarkdownImages.Image) throws(DrawError) -> Drawing {
        let document: InputDocument
        do { document = try InputDocument(bytes: image.block.content, format: image.block.specFormat) } catch { throw .spec(error) }
        guard let earlier = image.comparedWith else { return try Drawing(document: document, options: image.settings.options) }
        let earlierDocument: InputDocument
        do { earlierDocument = try InputDocument(reading: earlier) } catch { throw .comparedWith(path: earlier, error) }
        return try Drawing(document: document, comparedWith: earlierDocument, options: image.settings.options)
    }
}

/// A block that could not be drawn: its opening fence's line, and why.
package struct MarkdownError: Error, Sendable {
    package let line: Int
    package let reason: DrawError
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
