import MgvizSpec

/// A Markdown document's mgviz blocks: every fenced code block whose info string starts with
/// the word `mgviz`, holding a JSON spec (its first character `{`) or a text spec, with
/// options after the word as `key=value`, spelled as the command's long options:
///
///     ```mgviz rankdir=TB color=grad format=png id=softmax
///     x = 2.0
///     y = x**2
///     ```
///
/// Blocks are found by CommonMark's rules (cmark, the reference parser), also inside block
/// quotes and list items. Right after each block goes its link block: a start marker line, the
/// image link, an end marker line, each after the closing fence's prefix (the containers' `> `
/// or indentation, and the fence's own), with the closing fence's line end; at the end of a
/// document without a final line end, it starts with one and ends without. The link block
/// already there is the block's next three siblings, with only blank lines before and between
/// them (as formatters write), from its start marker's line through its end marker's line.
/// Rendering inserts a link block, or rewrites the one there when its three lines differ, and
/// leaves every other byte as it was: the document minus its link blocks (`withoutLinkBlocks`)
/// stays what it was.
package struct MarkdownDocument: Sendable {
    package let bytes: [UInt8]
    package let blocks: [Block]
    /// What mgviz leaves as it is, and says so: blocks it cannot draw, markers not its own.
    package let notices: [Notice]

    /// The marker lines around an image link.
    package static let linkStart = CommonMarkOutline.linkStart
    package static let linkEnd = CommonMarkOutline.linkEnd

    /// The largest document read: cmark's tree takes up to 125 bytes of memory and 0.25 µs for
    /// each byte of the worst documents, 522 MB and 1 s at this size (`mgviz-bench markdown`).
    package static let maximumBytes = 4 << 20

    /// The most image openers times closing brackets, summed over runs of non-blank lines,
    /// that a document may hold: cmark 0.30.2's inline parser takes time proportional to it
    /// in each paragraph (CVE-2023-22486, fixed in cmark 0.30.3), 2 to 6 ns each here, so that
    /// a document at the limit parses in 0.3 to 1.2 s (`mgviz-bench markdown`).
    package static let maximumBracketWork = 200_000_000

    /// The most mgviz blocks one run draws, over all its documents, a PNG block counted by its
    /// dpi (`MarkdownImages.Image.cost`), so that one block at the highest dpi (2400, counted
    /// 625 times) fits: the slowest tiny block, a PNG at 96 dpi, took up to 11 ms to render
    /// and write (its fsync included) and 7 ms to check here, so that the largest run takes
    /// about 7 s (`mgviz-bench markdown`; docs/RELIABILITY.md).
    package static let maximumBlocksPerRun = 640

    package struct Block: Sendable {
        /// The opening fence's line in the document, 1-based.
        package let line: Int
        /// Its place among the document's mgviz blocks, from 1. Blocks that cannot be drawn
        /// count too, so that closing one does not rename the images after it.
        package let number: Int
        /// The words after `mgviz` in the info string: `key=value` options, or flags.
        package let words: [String]
        /// The lines between the fences, without the containers' prefixes and the fence's
        /// indentation, each ending in "\n".
        package let content: [UInt8]
        /// What the link block replaces: the one there now, or an empty range where it goes.
        let replaced: Range<Int>
        /// The link block's prefix and line end; whether it starts with a line end (after a
        /// closing fence that ends the document without one) and whether it ends with one.
        let prefix: ArraySlice<UInt8>
        let lineEnd: ArraySlice<UInt8>
        let startsWithLineEnd: Bool
        let endsWithLineEnd: Bool
        /// The link block there now, with the line end before it when it ends the document
        /// without one of its own, so that removing it gives the document without it.
        let existingLinkBlock: Range<Int>?
        /// Its three lines, without the blank lines between them: it is current when they are
        /// the ones mgviz writes.
        let existingLinkLines: [UInt8]?
    }

    /// Something mgviz leaves as it is, with its line.
    package struct Notice: Sendable, Equatable, CustomStringConvertible {
        package enum Kind: Sendable, Equatable {
            /// An mgviz block that no closing fence ends: neither drawn nor linked.
            case unclosedBlock
            /// A marker that is not part of the link block right after an mgviz block.
            case strayMarker(String)
        }

        package let line: Int
        package let kind: Kind

        /// Whether `--check` counts it as a failure: a block it cannot keep current.
        package var isFailure: Bool { kind == .unclosedBlock }

        package var description: String {
            switch kind {
            case .unclosedBlock:
                return "the mgviz block at line \(line) has no closing fence in its container, so it is neither drawn nor linked"
            case .strayMarker(let marker):
                return "line \(line): \(marker) is not part of the link block right after an mgviz block (a start marker line, one image line, an end marker line), so it is left as it is"
            }
        }
    }

    /// Finds the blocks, their link blocks and the markers that are not theirs. A UTF-8 byte
    /// order mark is kept, and skipped for parsing.
    package init(bytes: [UInt8]) throws(MarkdownLimitError) {
        guard bytes.count <= Self.maximumBytes else { throw .tooLarge(bytes: bytes.count, limit: Self.maximumBytes) }
        let work = Self.bracketWork(bytes)
        guard work <= Self.maximumBracketWork else { throw .tooMuchBracketWork(work, limit: Self.maximumBracketWork) }
        self.bytes = bytes
        let text = Lines(bytes)
        let outline = CommonMarkOutline(parsing: bytes[text.start...])
        var blocks: [Block] = []
        var notices: [Notice] = []
        var ownMarkers = Set<Int>()
        for (index, fence) in outline.fences.enumerated() {
            guard fence.isClosed else {
                notices.append(Notice(line: fence.startLine, kind: .unclosedBlock))
                continue
            }
            let close = fence.endLine
            var existing: (replaced: Range<Int>, removable: Range<Int>, lines: [UInt8], endsWithLineEnd: Bool)?
            if let (start, image, end) = fence.linkLines,
               [(close + 1)..<start, (start + 1)..<image, (image + 1)..<end].joined().allSatisfy(text.isBlank) {
                let block = text.range(of: start).lowerBound..<text.range(of: end).upperBound
                let endsWithLineEnd = !text.lineEnd(of: end).isEmpty
                let removable = endsWithLineEnd ? block : (block.lowerBound - text.lineEnd(of: start - 1).count)..<block.upperBound
                existing = (block, removable, [start, image, end].flatMap { bytes[text.range(of: $0)] }, endsWithLineEnd)
                ownMarkers.formUnion([start, end])
            }
            let closingEnd = text.lineEnd(of: close)
            let insertion = text.range(of: close).upperBound
            blocks.append(Block(
                line: fence.startLine, number: index + 1,
                words: fence.info.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().map(String.init),
                content: fence.literal,
                replaced: existing?.replaced ?? insertion..<insertion,
                prefix: Self.prefix(ofClosingFence: text.content(of: close)),
                lineEnd: closingEnd.isEmpty ? text.firstLineEnd : closingEnd,
                startsWithLineEnd: existing == nil && closingEnd.isEmpty,
                endsWithLineEnd: existing?.endsWithLineEnd ?? !closingEnd.isEmpty,
                existingLinkBlock: existing?.removable, existingLinkLines: existing?.lines))
        }
        for marker in outline.markers where !ownMarkers.contains(marker.line) {
            notices.append(Notice(line: marker.line, kind: .strayMarker(marker.text)))
        }
        self.blocks = blocks
        self.notices = notices.sorted { ($0.line, $0.description) < ($1.line, $1.description) }
    }

    /// What comes before a closing fence on its line (its containers' prefixes and its
    /// indentation): the fence is the run of backticks or tildes that ends the line, before
    /// spaces and tabs.
    private static func prefix(ofClosingFence line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var fenceStart = line.endIndex
        while fenceStart > line.startIndex, line[fenceStart - 1] == UInt8(ascii: " ") || line[fenceStart - 1] == UInt8(ascii: "\t") {
            fenceStart -= 1
        }
        let fenceCharacter = line[..<fenceStart].last
        while fenceStart > line.startIndex, line[fenceStart - 1] == fenceCharacter { fenceStart -= 1 }
        return line[..<fenceStart]
    }

    /// The link block that `block` gets for `link` (the image link line, without a line end).
    private func linkBlock(_ link: String, of block: Block) -> [UInt8] {
        let lineEnd = Array(block.lineEnd), prefix = Array(block.prefix)
        var result = block.startsWithLineEnd ? lineEnd : []
        result += prefix + Array(Self.linkStart.utf8) + lineEnd
        result += prefix + Array(link.utf8) + lineEnd
        result += prefix + Array(Self.linkEnd.utf8)
        if block.endsWithLineEnd { result += lineEnd }
        return result
    }

    /// Whether `block`'s link block is there with the lines mgviz writes for `link`, byte for
    /// byte, whatever blank lines are between them.
    package func hasLink(_ link: String, for block: Block) -> Bool {
        block.existingLinkLines == linkBlock(link, of: block)
    }

    /// The document with each block's link block holding `links[k]` (the image link line,
    /// without a line end), every other byte as it was: a current link block stays as it is.
    package func withLinks(_ links: [String]) -> [UInt8] {
        precondition(links.count == blocks.count)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count + 100 * blocks.count)
        var copied = 0
        for (block, link) in zip(blocks, links) where !hasLink(link, for: block) {
            result += bytes[copied..<block.replaced.lowerBound]
            result += linkBlock(link, of: block)
            copied = block.replaced.upperBound
        }
        result += bytes[copied...]
        return result
    }

    /// The document without its blocks' link blocks: what `withLinks` keeps.
    package func withoutLinkBlocks() -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var copied = 0
        for range in blocks.compactMap(\.existingLinkBlock) {
            result += bytes[copied..<range.lowerBound]
            copied = range.upperBound
        }
        result += bytes[copied...]
        return result
    }

    /// The sum, over runs of non-blank lines, of the image openers `![` times the closing
    /// brackets `]` in the run: a bound on cmark 0.30.2's work in a paragraph's links, since
    /// each link it closes walks back over every image opener still open before it. A blank
    /// line ends every paragraph, and a heading is one line, so no inline run crosses one.
    static func bracketWork(_ bytes: [UInt8]) -> Int {
        var work = 0, openers = 0, closers = 0
        var lineIsBlank = true
        var previous: UInt8 = 0
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                if lineIsBlank {
                    work += openers * closers
                    openers = 0
                    closers = 0
                }
                lineIsBlank = true
            case UInt8(ascii: " "), UInt8(ascii: "\t"):
                break
            default:
                lineIsBlank = false
                if byte == UInt8(ascii: "]") { closers += 1 }
                if byte == UInt8(ascii: "["), previous == UInt8(ascii: "!") { openers += 1 }
            }
            previous = byte
        }
        return work + openers * closers
    }
}

/// A document over a limit that keeps parsing it within seconds and memory.
/// A Markdown document over one of the limits mgviz reads documents within.
public enum MarkdownLimitError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The document has more bytes than `MarkdownDocument.maximumBytes`.
    case tooLarge(bytes: Int, limit: Int)
    /// Reading its brackets would take more steps than the limit allows.
    case tooMuchBracketWork(Int, limit: Int)

    /// The problem in words, without the document's name.
    public var description: String {
        switch self {
        case .tooLarge(let bytes, let limit):
            return "the document is \(bytes) bytes, over the limit of \(limit) for a Markdown document"
        case .tooMuchBracketWork(let work, let limit):
            return "its paragraphs pair image openers '![' with closing brackets ']' \(work) times, over the limit of \(limit) (the Markdown parser's time grows with that product); split the paragraphs that hold most"
        }
    }
}

/// A document's lines as cmark numbers them: split at "\n", "\r\n" or "\r", counted from 1
/// after a UTF-8 byte order mark, which cmark is not given.
private struct Lines {
    let bytes: [UInt8]
    /// Where the text cmark reads starts: past the byte order mark, if there is one.
    let start: Int
    /// Each line's first byte; line n starts at `starts[n - 1]`.
    private let starts: [Int]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var starts = [start]
        var offset = start
        while offset < bytes.count {
            let byte = bytes[offset]
            offset += 1
            guard byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") else { continue }
            if byte == UInt8(ascii: "\r"), offset < bytes.count, bytes[offset] == UInt8(ascii: "\n") { offset += 1 }
            if offset < bytes.count { starts.append(offset) }
        }
        self.starts = starts
    }

    /// Line `line`'s bytes with its line end.
    func range(of line: Int) -> Range<Int> {
        starts[line - 1]..<(line < starts.count ? starts[line] : bytes.count)
    }

    /// Line `line`'s line end: "\n", "\r\n", "\r", or none on a last line without one.
    func lineEnd(of line: Int) -> ArraySlice<UInt8> {
        let whole = range(of: line)
        let line = bytes[whole]
        switch line.last {
        case UInt8(ascii: "\n"): return line.suffix(line.dropLast().last == UInt8(ascii: "\r") ? 2 : 1)
        case UInt8(ascii: "\r"): return line.suffix(1)
        default: return line.suffix(0)
        }
    }

    /// Line `line`'s bytes without its line end.
    func content(of line: Int) -> ArraySlice<UInt8> {
        let whole = range(of: line)
        return bytes[whole.lowerBound..<(whole.upperBound - lineEnd(of: line).count)]
    }

    /// Whether line `line` is blank inside its containers: nothing but spaces, tabs and `>`.
    func isBlank(_ line: Int) -> Bool {
        content(of: line).allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: ">") }
    }

    /// The line end of the first line that has one, or "\n": what a block needs after a
    /// closing fence that ends the document.
    var firstLineEnd: ArraySlice<UInt8> {
        let ended = (1...starts.count).lazy.map(lineEnd(of:)).first { !$0.isEmpty }
        return ended ?? ArraySlice("\n".utf8)
    }
}
