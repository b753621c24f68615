import MgvizExport
import MgvizFiles
import MgvizKit
import MgvizRender
import MgvizSpec

extension MarkdownImages.Settings {
    /// A Markdown block's settings: its words read as options (`CommandOption`s given for
    /// blocks) over `defaults`, the document's. A word is `name=value`, or a flag's bare name;
    /// a flag takes `=true` or `=false` too.
    init(reading block: MarkdownDocument.Block, over defaults: MarkdownImages.Settings) throws(BlockOptionError) {
        var settings = Settings(options: defaults.options, format: defaults.format, id: defaults.id, comparedWith: defaults.comparedWith)
        for word in block.words {
            let parts = word.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let name = parts[0], value = parts.count == 2 ? parts[1] : nil
            guard !name.isEmpty else { throw .noName(word: word) }
            guard !settings.gave(name) else { throw .givenTwice(name) }
            settings.given.append(name)
            guard let option = CommandOption.block.first(where: { $0.name == name }) else { throw .unknown(name) }
            switch option.kind {
            case .flag(let set, _):
                switch value {
                case nil, "true": set(&settings, true)
                case "false": set(&settings, false)
                default: throw .flagValue(name)
                }
            case .value(_, let read, _, let expected, _):
                guard let value else { throw .needsValue(name) }
                if let (values, expectation) = option.blockValues, !values.contains(value) {
                    throw .badValue(name, value: value, expected: expectation)
                }
                guard read(&settings, value) else { throw .badValue(name, value: value, expected: expected()) }
            }
        }
        do { try settings.options.validate() } catch { throw .invalid(error) }
        self.init(options: settings.options, format: settings.format ?? defaults.format, id: settings.id, comparedWith: settings.comparedWith)
    }
}

extension MarkdownImages {
    /// The images of `document`, which is at `path`, each block's settings read from its words
    /// over `defaults`; and the blocks whose words are refused, which get none.
    static func reading(
        _ document: MarkdownDocument, path: String, outDir: String?, over defaults: Settings
    ) throws(MarkdownLinkError) -> (MarkdownImages, refused: [BlockFailure]) {
        var refused: [BlockFailure] = []
        let images = try MarkdownImages(document, path: path, outDir: outDir) { block in
            do throws(BlockOptionError) {
                return try Settings(reading: block, over: defaults)
            } catch {
                refused.append(.options(line: block.line, error))
                return nil
            }
        }
        return (images, refused)
    }
}

extension MarkdownRendering {
    /// Every block that made no image, in the document's order: those `refused` for their
    /// words, and those whose drawing failed.
    func failures(with refused: [BlockFailure]) -> [BlockFailure] {
        (refused + failures.map(BlockFailure.drawing)).sorted { $0.line < $1.line }
    }
}
