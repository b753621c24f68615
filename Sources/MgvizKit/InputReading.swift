import Glibc
import MgvizFiles
import MgvizSpec

extension InputDocument {
    /// Reads the input at `path`: a spec or a dump, `-` for standard input, or the spec of a
    /// Markdown document's mgviz block, `guide.md#name`, named by its `id=` or, without one, by
    /// its image's name (`guide-3`). A file whose whole name is `path` is read as a file, `#`
    /// and all. Files are read within `Spec.maximumFileBytes`, documents within
    /// `MarkdownDocument.maximumBytes`. `format` says how a file is written; without it, its
    /// extension does (JSON for others); a block's spec is JSON when it starts with `{`.
    public init(reading path: String, format: InputFormat? = nil) throws(DrawError) {
        if let (document, name) = Self.blockReference(path) {
            let bytes: [UInt8]
            do { bytes = try InputFile.readRegularFile(document, limit: MarkdownDocument.maximumBytes) } catch { throw .file(error) }
            let markdown: MarkdownDocument
            do { markdown = try MarkdownDocument(bytes: bytes) } catch { throw .markdownLimit(error) }
            let stem = MarkdownImages.stem(of: document)
            guard let block = markdown.blocks.first(where: { $0.name(stem: stem) == name }) else {
                throw .noSuchBlock(name, document: document, names: markdown.blocks.map { $0.name(stem: stem) })
            }
            do { self = try InputDocument(bytes: block.content, format: block.specFormat) } catch { throw .spec(error) }
            return
        }
        let bytes: [UInt8]
        do { bytes = try InputFile.read(path, limit: Spec.maximumFileBytes) } catch { throw .file(error) }
        do { self = try InputDocument(bytes: consume bytes, format: format ?? InputFormat(path: path) ?? .json) } catch { throw .spec(error) }
    }

    /// The file `init(reading:format:)` reads for `path`: the document of a block, else `path`.
    package static func file(readFor path: String) -> String { blockReference(path)?.document ?? path }

    /// `guide.md#name` as the document and the block's name; nil for a file's path, or when a
    /// file has the whole name.
    private static func blockReference(_ path: String) -> (document: String, name: String)? {
        guard let hash = path.lastIndex(of: "#"), path[..<hash].hasSuffix(".md") else { return nil }
        var info = stat()
        guard stat(path, &info) != 0 else { return nil }
        return (String(path[..<hash]), String(path[path.index(after: hash)...]))
    }
}

extension MarkdownDocument.Block {
    /// What `guide.md#name` calls the block: its `id=`, or its image's name, `guide-3`.
    package func name(stem: String) -> String {
        words.first { $0.hasPrefix("id=") }.map { String($0.dropFirst(3)) } ?? "\(stem)-\(number)"
    }

    /// A block's spec is JSON when its first character is `{`, and a text spec otherwise.
    package var specFormat: InputFormat {
        let firstCharacter = content.first { ![0x20, 0x09, 0x0a, 0x0d].contains($0) }
        return firstCharacter == UInt8(ascii: "{") ? .json : .mg
    }
}
