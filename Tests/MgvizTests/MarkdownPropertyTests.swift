import Foundation
import MgvizKit
import Testing

/// Random documents from a seeded generator that knows, line by line, what it wrote: text,
/// headings, fences (mgviz and others, backticks and tildes, indented, some never closed), link
/// blocks right after mgviz blocks and markers in every other arrangement, inside block quotes
/// and list items, with LF, CRLF or both, a byte order mark, and no final line end. From what
/// it wrote it works out, without mgviz's parser, what the document must become: the same
/// bytes with each mgviz block's link block in place, and which lines mgviz warns about.
@Suite struct MarkdownProperties {
    /// Fixed links, so that documents are rewritten without drawing.
    static func link(_ number: Int) -> String { "![d\(number)](d\(number).svg)" }

    @Test func rewritingKeepsEveryOtherByteAndASecondRunChangesNothing() throws {
        var random = SplitMix64(seed: 22)
        for round in 0..<1500 {
            var generator = DocumentGenerator(random: random, link: Self.link)
            let generated = generator.document()
            random = generator.random
            let original = generated.bytes
            let document = try MarkdownDocument(bytes: original)
            let context = Comment(rawValue: "round \(round): \(String(decoding: original, as: UTF8.self).debugDescription)")
            #expect(document.blocks.map(\.line) == generated.blockLines, context)
            #expect(document.blocks.map(\.number) == generated.blockNumbers, context)
            #expect(document.notices.map { "\($0.line) \($0.kind)" }.sorted() == generated.notices.sorted(), context)

            let links = document.blocks.map { Self.link($0.number) }
            let rewritten = document.withLinks(links)
            #expect(rewritten == generated.expected, context)
            // The document minus mgviz's own link blocks is the original minus its own.
            let again = try MarkdownDocument(bytes: rewritten)
            #expect(again.withoutLinkBlocks() == generated.withoutLinkBlocks, context)
            #expect(document.withoutLinkBlocks() == generated.withoutLinkBlocks, context)
            // A second run finds each block with its link, and changes nothing.
            #expect(zip(again.blocks, links).allSatisfy { again.hasLink($1, for: $0) }, context)
            #expect(again.withLinks(links) == rewritten, context)
        }
    }

    /// The whole command over generated documents with real specs, in one run: each
    /// document becomes what the generator expects, with the links mgviz writes, and a
    /// second run writes nothing.
    @Test func theCommandKeepsEveryOtherByte() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var random = SplitMix64(seed: 2026)
        var documents: [(url: URL, generated: GeneratedDocument)] = []
        for k in 0..<24 {
            let stem = "doc\(k)"
            // Every block draws y = x * 2 (written either way round), which its alt text says.
            var generator = DocumentGenerator(random: random) { "![a graph of 3 values: y = x \\* 2, from x](\(stem)-\($0).svg)" }
            let generated = generator.document()
            random = generator.random
            let url = folder.appendingPathComponent("\(stem).md")
            try Data(generated.bytes).write(to: url)
            documents.append((url, generated))
        }
        let first = try runMgviz(documents.map(\.url.path), in: folder)
        #expect(first.status == 0, "\(first.stderr)")
        for (url, generated) in documents {
            #expect(Array(try Data(contentsOf: url)) == generated.expected, "\(url.lastPathComponent)")
            for number in generated.blockNumbers {
                let image = url.deletingPathExtension().path + "-\(number).svg"
                #expect(FileManager.default.fileExists(atPath: image), "\(image)")
            }
        }
        let second = try runMgviz(documents.map(\.url.path), in: folder)
        #expect(second.status == 0)
        let said = String(decoding: second.stdout, as: UTF8.self).split(separator: "\n")
        #expect(said.count == documents.count && said.allSatisfy { $0.hasSuffix("all current") }, "\(said)")
        for (url, generated) in documents {
            #expect(Array(try Data(contentsOf: url)) == generated.expected)
        }
    }
}

/// A generated document and what mgviz must make of it.
struct GeneratedDocument {
    var bytes: [UInt8]
    /// The document with every link block in place.
    var expected: [UInt8]
    /// The original without the link blocks mgviz recognises in it.
    var withoutLinkBlocks: [UInt8]
    /// The opening lines and numbers of the mgviz blocks mgviz draws.
    var blockLines: [Int]
    var blockNumbers: [Int]
    /// `line kind`, as `MarkdownDocument.Notice` spells them in the test.
    var notices: [String]
}

/// Writes a random document one line at a time, keeping for every line its text and line end,
/// and for every mgviz block where its closing fence is, what comes before the fence on that
/// line, and the lines of the link block that follows it, if any.
struct DocumentGenerator {
    var random: SplitMix64
    let link: (Int) -> String

    private struct Line {
        var text: String
        var end: String
    }

    private struct ClosedBlock {
        var opening: Int
        var closing: Int
        var number: Int
        /// The bytes before the closing fence on its line.
        var prefix: String
        /// The line indices of the link block that follows it, and of its three lines.
        var linkBlock: (range: Range<Int>, lines: [Int])?
    }

    /// One level of containers: its first line's marker and its other lines' prefix.
    private struct Container {
        var first: String
        var rest: String
        var started = false
    }

    private var lines: [Line] = []
    private var containers: [Container] = []
    private var closed: [ClosedBlock] = []
    private var notices: [String] = []
    private var fences = 0
    private var lineEnds: [String] = ["\n"]

    init(random: SplitMix64, link: @escaping (Int) -> String) {
        self.random = random
        self.link = link
    }

    private mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }
    private mutating func pick<T>(_ options: [T]) -> T { options.randomElement(using: &random)! }

    /// The prefix of the next line: each container's first marker the first time, then its
    /// continuation. A blank line has no trailing spaces after its last `>`.
    private mutating func prefix(blank: Bool = false) -> String {
        var prefix = ""
        for k in containers.indices {
            prefix += containers[k].started ? containers[k].rest : containers[k].first
            containers[k].started = true
        }
        if blank { while prefix.last == " " { prefix.removeLast() } }
        return prefix
    }

    @discardableResult
    private mutating func line(_ text: String) -> Int {
        lines.append(Line(text: prefix() + text, end: pick(lineEnds)))
        return lines.count - 1
    }

    private mutating func blank() {
        lines.append(Line(text: prefix(blank: true) + (chance(20) ? "  " : ""), end: pick(lineEnds)))
    }

    private mutating func words() -> String {
        let vocabulary = ["alpha", "beta", "x = 1", "![pic](p.png)", "[link](a.md)", "*stress*", "`code`", "a_b", "mgviz", "~~~", "100%", "#tag"]
        var text = pick(["Some", "The", "A", "Then"])
        for _ in 0..<Int.random(in: 0...4, using: &random) {
            if chance(8) {
                let marker = pick([MarkdownDocument.linkStart, MarkdownDocument.linkEnd])
                notices.append("\(lines.count + 1) strayMarker(\"\(marker)\")")
                text += " " + marker
            } else {
                text += " " + pick(vocabulary)
            }
        }
        return text + (chance(20) ? "   " : "")
    }

    /// A marker on a line of its own: warned about unless it is in a link block.
    private mutating func strayMarker(_ marker: String) {
        notices.append("\(lines.count + 1) strayMarker(\"\(marker)\")")
        line(marker)
    }

    private mutating func otherFence(firstInItem: Bool) {
        let character = pick(["`", "~"]), length = Int.random(in: 3...5, using: &random)
        let fence = String(repeating: character, count: length)
        let indent = firstInItem ? "" : String(repeating: " ", count: Int.random(in: 0...3, using: &random))
        line(indent + fence + pick(["", "python", "mgvizz", "text mgviz", " json"]))
        for _ in 0..<Int.random(in: 0...3, using: &random) {
            line(pick(["code", "```mgviz", "~~~mgviz", MarkdownDocument.linkStart, MarkdownDocument.linkEnd, String(repeating: character, count: length - 1), ""]))
        }
        line(String(repeating: " ", count: Int.random(in: 0...3, using: &random)) + fence + pick(["", character, "  "]))
    }

    /// An mgviz block; `mayStayOpen` when nothing of its container follows it.
    private mutating func mgvizFence(firstInItem: Bool, mayStayOpen: Bool) {
        fences += 1
        let number = fences
        let character = pick(["`", "~"]), length = Int.random(in: 3...4, using: &random)
        let indent = firstInItem ? "" : String(repeating: " ", count: Int.random(in: 0...3, using: &random))
        let opening = line(indent + String(repeating: character, count: length) + pick(["mgviz", "mgviz rankdir=TB", "mgviz precision=2 "]))
        line("x = \(Int.random(in: 1...9, using: &random)).5")
        if chance(50) { line("y = x * 2") } else { line("y = 2 * x") }
        if mayStayOpen && chance(25) {
            notices.append("\(opening + 1) unclosedBlock")
            return
        }
        let closingIndent = String(repeating: " ", count: Int.random(in: 0...3, using: &random))
        let closing = line(closingIndent + String(repeating: character, count: length + Int.random(in: 0...1, using: &random)) + pick(["", " ", "\t"]))
        // Only the containers' continuations and the fence's indentation come before it: a
        // closing fence is never a container's first line.
        let prefix = String(lines[closing].text.prefix { $0 == " " || $0 == ">" })
        closed.append(ClosedBlock(opening: opening, closing: closing, number: number, prefix: prefix, linkBlock: after(number: number)))
    }

    /// What follows an mgviz block: nothing, its link block (after blank lines and with blank
    /// lines inside, current or stale, marker lines with a space of indentation or trailing
    /// spaces), or something that is not one, whose markers are warned about.
    private mutating func after(number: Int) -> (range: Range<Int>, lines: [Int])? {
        switch Int.random(in: 0..<10, using: &random) {
        case 0, 1, 2:
            return nil
        case 3, 4, 5:
            for _ in 0..<Int.random(in: 0...2, using: &random) { blank() }
            let isCurrent = chance(50)
            let start = line((isCurrent ? "" : pick(["", " "])) + MarkdownDocument.linkStart + (isCurrent ? "" : pick(["", "  "])))
            if chance(20) { blank() }
            let image = line(isCurrent || chance(30) ? link(number) : "![old](old.svg)")
            if chance(20) { blank() }
            let end = line((isCurrent ? "" : pick(["", " "])) + MarkdownDocument.linkEnd + (isCurrent ? "" : pick(["", " "])))
            if chance(15) {  // a second pair, which is not the block's
                strayMarker(MarkdownDocument.linkStart)
                line(link(number))
                strayMarker(MarkdownDocument.linkEnd)
            }
            return (start..<(end + 1), [start, image, end])
        case 6:  // unpaired start, then text
            strayMarker(MarkdownDocument.linkStart)
            line(words())
        case 7:  // text between the markers
            strayMarker(MarkdownDocument.linkStart)
            line(link(number))
            line(words())
            strayMarker(MarkdownDocument.linkEnd)
        case 8:  // an empty pair, or a line that is no image
            strayMarker(MarkdownDocument.linkStart)
            if chance(50) { line("not an image") }
            strayMarker(MarkdownDocument.linkEnd)
        default:  // a paragraph, or a link reference definition (no node), before the link block
            if chance(50) {
                line(words())
                blank()
            } else {
                line("[ref]: /url")
            }
            strayMarker(MarkdownDocument.linkStart)
            line(link(number))
            strayMarker(MarkdownDocument.linkEnd)
        }
        return nil
    }

    /// `count` pieces at the current level of containers.
    private mutating func body(depth: Int, count: Int) {
        for k in 0..<count {
            let first = k == 0 && !containers.isEmpty
            // A list item's first line holds its content right after the marker.
            let firstInItem = first && containers.last!.first != "> "
            let isLast = k == count - 1
            switch Int.random(in: 0..<10, using: &random) {
            case 0 where !first: blank()
            case 0, 1: line(words())
            case 2: line(pick(["# ", "## "]) + words())
            case 3: otherFence(firstInItem: firstInItem)
            case 4 where !first: strayMarker(pick([MarkdownDocument.linkStart, MarkdownDocument.linkEnd]))
            case 5 where depth < 2 && !first:
                let container = pick([Container(first: "> ", rest: "> "), Container(first: "- ", rest: "  "), Container(first: "1. ", rest: "   ")])
                blank()
                containers.append(container)
                body(depth: depth + 1, count: Int.random(in: 1...4, using: &random))
                containers.removeLast()
                // A blank line and a paragraph end the container for whatever follows.
                blank()
                line(words())
                blank()
            default:
                mgvizFence(firstInItem: firstInItem, mayStayOpen: isLast && (depth > 0 || atEnd))
            }
        }
    }

    /// Whether the top level is writing its last piece.
    private var atEnd = false

    mutating func document() -> GeneratedDocument {
        lineEnds = pick([["\n"], ["\r\n"], ["\n", "\r\n"]])
        let count = Int.random(in: 1...8, using: &random)
        body(depth: 0, count: count - 1)
        atEnd = true
        body(depth: 0, count: 1)
        if chance(30) { lines[lines.count - 1].end = "" }
        let bom: [UInt8] = chance(15) ? [0xEF, 0xBB, 0xBF] : []
        return GeneratedDocument(
            bytes: bom + lines.flatMap { Array(($0.text + $0.end).utf8) },
            expected: bom + expected(), withoutLinkBlocks: bom + withoutLinkBlocks(),
            blockLines: closed.map { $0.opening + 1 }, blockNumbers: closed.map(\.number), notices: notices)
    }

    /// The document with each block's link block in place: the one after it rewritten, or a
    /// new one after its closing fence, with the closing fence's prefix and line end.
    private func expected() -> [UInt8] {
        var out: [String] = []
        var next = 0
        let firstEnd = lines.map(\.end).first { !$0.isEmpty } ?? "\n"
        for block in closed {
            out += lines[next...block.closing].map { $0.text + $0.end }
            next = block.closing + 1
            let end = lines[block.closing].end.isEmpty ? firstEnd : lines[block.closing].end
            let linkBlock = [MarkdownDocument.linkStart, link(block.number), MarkdownDocument.linkEnd].map { block.prefix + $0 }
            if let (existing, three) = block.linkBlock {
                out += lines[next..<existing.lowerBound].map { $0.text + $0.end }
                // Every line end of it is the closing fence's, as long as it had one at all.
                let current = linkBlock.joined(separator: end) + (lines[existing.upperBound - 1].end.isEmpty ? "" : end)
                // Left as it is, blank lines and all, when its three lines are the ones mgviz writes.
                out += three.map { lines[$0].text + lines[$0].end }.joined() == current ? lines[existing].map { $0.text + $0.end } : [current]
                next = existing.upperBound
            } else if lines[block.closing].end.isEmpty {
                out.append(end + linkBlock.joined(separator: end))
            } else {
                out.append(linkBlock.joined(separator: end) + end)
            }
        }
        out += lines[next...].map { $0.text + $0.end }
        return Array(out.joined().utf8)
    }

    /// The original without the link blocks after mgviz blocks; one that ends the document
    /// without a line end takes the line end before it too.
    private func withoutLinkBlocks() -> [UInt8] {
        var kept = lines
        for range in closed.compactMap(\.linkBlock?.range).reversed() {
            if kept[range.upperBound - 1].end.isEmpty { kept[range.lowerBound - 1].end = "" }
            kept.removeSubrange(range)
        }
        return Array(kept.map { $0.text + $0.end }.joined().utf8)
    }
}

/// A small seeded generator (SplitMix64), so that every run draws the same documents.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
