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
/// Right after each block goes its image link, between two marker comments; rendering
/// inserts it, or refreshes the one there, and leaves every other byte as it was.
public struct MarkdownDocument: Sendable {
    public let bytes: [UInt8]
    public let blocks: [Block]

    /// The marker lines around an image link.
    public static let linkStart = "<!-- mgviz-image -->"
    public static let linkEnd = "<!-- /mgviz-image -->"

    public struct Block: Sendable {
        /// The opening fence's line in the document, 1-based.
        public let line: Int
        /// The options after `mgviz`, in order.
        public let options: [(key: String, value: String?)]
        /// The lines between the fences, without the fence's indentation.
        public let content: [UInt8]
        /// Where the image link goes: just past the closing fence's line.
        let linkOffset: Int
        /// The link already there, from its start marker to past its end marker's line.
        let existingLink: Range<Int>?
        /// The document's line end at the closing fence: "\n" or "\r\n".
        let lineEnd: String
        /// The opening fence's indentation, which the link's lines take too, so that a block
        /// in a list item keeps its link in the item.
        let indent: Int
    }

    /// Finds the blocks. Fences follow CommonMark: three or more backticks or tildes, indented
    /// by at most three spaces, closed by a fence of the same character at least as long. Code
    /// inside other fences is not looked into.
    public init(bytes: [UInt8]) throws(MarkdownError) {
        self.bytes = bytes
        var lines: [Range<Int>] = []
        var start = 0
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            lines.append(start..<(offset + 1))
            start = offset + 1
        }
        if start < bytes.count { lines.append(start..<bytes.count) }

        var blocks: [Block] = []
        var index = 0
        while index < lines.count {
            guard let open = Fence(bytes[lines[index]]), !open.isClosingOnly else {
                index += 1
                continue
            }
            let isMgviz = open.info.first == "mgviz"
            var close = index + 1
            while close < lines.count, !(Fence(bytes[lines[close]]).map { $0.closes(open) } ?? false) { close += 1 }
            guard isMgviz else {
                index = close + 1
                continue
            }
            guard close < lines.count else {
                throw MarkdownError(line: index + 1, message: "the block is never closed (expected a closing \(String(repeating: Character(Unicode.Scalar(open.character)), count: open.length)))")
            }
            var content: [UInt8] = []
            for line in lines[(index + 1)..<close] { content += Self.dedented(bytes[line], by: open.indent) }
            let linkOffset = lines[close].upperBound
            let options = try Self.options(open.info.dropFirst(), line: index + 1)
            let existing = try Self.existingLink(after: close, lines: lines, bytes: bytes)
            let closing = bytes[lines[close]]
            let lineEnd = closing.count >= 2 && closing[closing.endIndex - 2] == UInt8(ascii: "\r") ? "\r\n" : "\n"
            blocks.append(Block(
                line: index + 1, options: options, content: content, linkOffset: linkOffset, existingLink: existing,
                lineEnd: lineEnd, indent: open.indent))
            index = close + 1
        }
        self.blocks = blocks
    }

    /// The document with each block's link set to `links[k]` (the lines between the
    /// markers, without line ends), every other byte as it was.
    public func withLinks(_ links: [String]) -> [UInt8] {
        precondition(links.count == blocks.count)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count + 100 * blocks.count)
        var copied = 0
        for (block, link) in zip(blocks, links) {
            result += bytes[copied..<block.linkOffset]
            // A closing fence on the last line, without a line end, gets one before the link.
            if block.linkOffset == bytes.count, bytes.last != UInt8(ascii: "\n") { result += Array(block.lineEnd.utf8) }
            let end = block.lineEnd, pad = String(repeating: " ", count: block.indent)
            result += Array((pad + Self.linkStart + end + pad + link + end + pad + Self.linkEnd + end).utf8)
            copied = block.existingLink?.upperBound ?? block.linkOffset
        }
        result += bytes[copied...]
        return result
    }

    /// The link a block has now, or nil.
    public func existingLink(of block: Block) -> String? {
        guard let range = block.existingLink else { return nil }
        let text = String(decoding: bytes[range], as: UTF8.self)
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
            .map { $0.drop { $0 == " " } }
        return lines.dropFirst().prefix { $0 != Self.linkEnd }.joined(separator: "\n")
    }

    private static func dedented(_ line: ArraySlice<UInt8>, by indent: Int) -> ArraySlice<UInt8> {
        var line = line
        var removed = 0
        while removed < indent, line.first == UInt8(ascii: " ") {
            line.removeFirst()
            removed += 1
        }
        return line
    }

    /// `key=value` words; a bare word is a flag (`no-backward`).
    private static func options(_ words: ArraySlice<String>, line: Int) throws(MarkdownError) -> [(key: String, value: String?)] {
        var options: [(key: String, value: String?)] = []
        for word in words {
            let parts = word.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let key = parts[0]
            guard !key.isEmpty else { throw MarkdownError(line: line, message: "'\(echo(word))' has no option name before '='") }
            guard !options.contains(where: { $0.key == key }) else {
                throw MarkdownError(line: line, message: "the option \(key) is given twice")
            }
            options.append((key, parts.count == 2 ? parts[1] : nil))
        }
        return options
    }

    /// The link region right after the closing fence at `close`, if its start marker is there.
    private static func existingLink(after close: Int, lines: [Range<Int>], bytes: [UInt8]) throws(MarkdownError) -> Range<Int>? {
        func text(_ k: Int) -> String {
            var line = String(decoding: bytes[lines[k]], as: UTF8.self)
            while let last = line.last, last == "\n" || last == "\r\n" || last == " " || last == "\t" { line.removeLast() }
            return String(line.drop { $0 == " " })
        }
        let first = close + 1
        guard first < lines.count, text(first) == linkStart else { return nil }
        for k in (first + 1)..<lines.count {
            if text(k) == linkEnd { return lines[first].lowerBound..<lines[k].upperBound }
            if Fence(bytes[lines[k]]) != nil || text(k) == linkStart { break }
        }
        throw MarkdownError(line: first + 1, message: "\(linkStart) has no \(linkEnd) after it; remove it, or close it, and run again")
    }
}

/// A problem with a document's block: the block's line in the document, and what.
public struct MarkdownError: Error, Sendable, CustomStringConvertible {
    public var line: Int
    public var message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    /// `the mgviz block at line 12: line 3, column 9: unknown name 'z'`.
    public var description: String { "the mgviz block at line \(line): \(message)" }
}

/// A code fence line: its character, length, indentation and info string's words.
private struct Fence {
    let character: UInt8
    let length: Int
    let indent: Int
    let info: [String]
    /// A backtick fence with a backtick in its info string cannot open a block.
    let isClosingOnly: Bool

    init?(_ line: ArraySlice<UInt8>) {
        var rest = line
        var indent = 0
        while rest.first == UInt8(ascii: " ") {
            rest.removeFirst()
            indent += 1
        }
        guard indent <= 3, let first = rest.first, first == UInt8(ascii: "`") || first == UInt8(ascii: "~") else { return nil }
        let run = rest.prefix { $0 == first }
        guard run.count >= 3 else { return nil }
        let infoBytes = rest[run.endIndex...]
        let info = String(decoding: infoBytes, as: UTF8.self)
        character = first
        length = run.count
        self.indent = indent
        self.info = info.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r\n" || $0 == "\r" }).map(String.init)
        isClosingOnly = first == UInt8(ascii: "`") && infoBytes.contains(UInt8(ascii: "`"))
    }

    /// Whether this line closes a block that `open` opened.
    func closes(_ open: Fence) -> Bool { character == open.character && length >= open.length && info.isEmpty }
}
