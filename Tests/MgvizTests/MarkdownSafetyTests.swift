import Foundation
import MgvizKit
import Testing

private let start = MarkdownDocument.linkStart, end = MarkdownDocument.linkEnd

/// The link block mgviz writes for block `number` in the rewriting tests, each line after
/// `prefix` and ending in `lineEnd`.
private func linkBlock(_ number: Int, _ prefix: String = "", _ lineEnd: String = "\n") -> String {
    [start, "![d\(number)](d\(number).svg)", end].map { prefix + $0 + lineEnd }.joined()
}

/// A notice as `line kind`: `4 start` and `9 end` for markers, `2 unclosed` for a block.
private func brief(_ notice: MarkdownDocument.Notice) -> String {
    switch notice.kind {
    case .unclosedBlock: return "\(notice.line) unclosed"
    case .strayMarker(let marker): return "\(notice.line) \(marker == start ? "start" : "end")"
    }
}

/// `text` after a run whose block n links `![dn](dn.svg)`, and what mgviz warns about. A second
/// run must change nothing, and find every block with its link.
private func rewritten(_ text: String) throws -> (text: String, notices: [String]) {
    let document = try MarkdownDocument(bytes: Array(text.utf8))
    let links = document.blocks.map { "![d\($0.number)](d\($0.number).svg)" }
    let result = document.withLinks(links)
    let again = try MarkdownDocument(bytes: result)
    #expect(again.withLinks(links) == result, "a second run changed \(text.debugDescription)")
    #expect(zip(again.blocks, links).allSatisfy { again.hasLink($1, for: $0) })
    #expect(again.withoutLinkBlocks() == document.withoutLinkBlocks())
    return (String(decoding: result, as: UTF8.self), document.notices.map(brief))
}

/// Rewriting, byte for byte: where the link block goes, what is recognised as mgviz's own, and
/// that every other byte stays.
@Suite struct MarkdownRewriting {
    static let block = "```mgviz\nx = 1\n```\n"

    /// In a container the link block takes the closing fence's prefix, so that it stays in
    /// the container (the second run finds it as the block's sibling).
    @Test(arguments: [
        ("> Intro\n>\n> ```mgviz\n> x = 1\n> ```\n> after\n", "> Intro\n>\n> ```mgviz\n> x = 1\n> ```\n" + linkBlock(1, "> ") + "> after\n"),
        ("1. one\n\n   - two\n\n     ```mgviz\n     x = 1\n     ```\n   - three\n",
         "1. one\n\n   - two\n\n     ```mgviz\n     x = 1\n     ```\n" + linkBlock(1, "     ") + "   - three\n"),
        ("> - item\n>\n>   ~~~mgviz\n>   x = 1\n>   ~~~\n> - next\n", "> - item\n>\n>   ~~~mgviz\n>   x = 1\n>   ~~~\n" + linkBlock(1, ">   ") + "> - next\n"),
        ("- > ```mgviz\n  > x = 1\n  > ```\n- next\n", "- > ```mgviz\n  > x = 1\n  > ```\n" + linkBlock(1, "  > ") + "- next\n"),
        ("- ```mgviz\n  x = 1\n   ```\n", "- ```mgviz\n  x = 1\n   ```\n" + linkBlock(1, "   ")),
        ("-\t```mgviz\n \t x = 1\n \t ```\n", "-\t```mgviz\n \t x = 1\n \t ```\n" + linkBlock(1, " \t ")),
    ])
    func blocksInContainers(text: String, expected: String) throws {
        let document = try MarkdownDocument(bytes: Array(text.utf8))
        // cmark gives the content without the containers' prefixes (a tab they take part of
        // becomes spaces).
        #expect(document.blocks.map { String(decoding: $0.content, as: UTF8.self).trimmingCharacters(in: .whitespaces) } == ["x = 1\n"])
        #expect(try rewritten(text) == (expected, []))
    }

    /// Only the block's next three siblings, with blank lines alone before and between them,
    /// are its link block; every other marker stays, with a warning naming its line.
    @Test(arguments: [
        // A stray end marker further down: the heading and paragraph before it stay.
        (block + "\(start)\n![old](old.svg)\n# Keep this heading\n\nAnd this paragraph.\n\(end)\n",
         block + linkBlock(1) + "\(start)\n![old](old.svg)\n# Keep this heading\n\nAnd this paragraph.\n\(end)\n", ["4 start", "9 end"]),
        (block + "\(start)\n![old](old.svg)\n\(end)\n# Heading\n\nText.\n\(end)\n", block + linkBlock(1) + "# Heading\n\nText.\n\(end)\n", ["10 end"]),
        // An unpaired start marker; text between the markers; an empty pair.
        (block + "\(start)\n", block + linkBlock(1) + "\(start)\n", ["4 start"]),
        (block + "\(start)\n![old](old.svg)\nA caption.\n\(end)\n", block + linkBlock(1) + "\(start)\n![old](old.svg)\nA caption.\n\(end)\n", ["4 start", "7 end"]),
        (block + "\(start)\n\(end)\n", block + linkBlock(1) + "\(start)\n\(end)\n", ["4 start", "5 end"]),
        (block + "\(start)\nnot an image\n\(end)\n", block + linkBlock(1) + "\(start)\nnot an image\n\(end)\n", ["4 start", "6 end"]),
        // Two pairs: the second is not the block's.
        (block + "\(start)\n![old](old.svg)\n\(end)\n\(start)\n![two](two.svg)\n\(end)\n", block + linkBlock(1) + "\(start)\n![two](two.svg)\n\(end)\n", ["7 start", "9 end"]),
        // A paragraph, a link reference definition or a block quote before the pair.
        (block + "Text.\n\(start)\n![d1](d1.svg)\n\(end)\n", block + linkBlock(1) + "Text.\n\(start)\n![d1](d1.svg)\n\(end)\n", ["5 start", "7 end"]),
        (block + "[r]: /url\n\(start)\n![d1](d1.svg)\n\(end)\n", block + linkBlock(1) + "[r]: /url\n\(start)\n![d1](d1.svg)\n\(end)\n", ["5 start", "7 end"]),
        (block + "> \(start)\n> ![d1](d1.svg)\n> \(end)\n", block + linkBlock(1) + "> \(start)\n> ![d1](d1.svg)\n> \(end)\n", ["4 start", "6 end"]),
        // Markers inside another fence are code; in an HTML block or inline they are warned
        // about; in a code span they are text.
        ("````markdown\n```mgviz\nx = 1\n```\n\(start)\n````\n", "````markdown\n```mgviz\nx = 1\n```\n\(start)\n````\n", []),
        ("<details>\n\(end)\n</details>\n\nText \(start) inline, and `\(start)` in code.\n", "<details>\n\(end)\n</details>\n\nText \(start) inline, and `\(start)` in code.\n", ["2 end", "5 start"]),
        // Blank lines before and inside a current link block (as formatters write) stay; a
        // stale one is rewritten whole.
        (block + "\n\(start)\n\n![d1](d1.svg)\n\n\(end)\nafter\n", block + "\n\(start)\n\n![d1](d1.svg)\n\n\(end)\nafter\n", []),
        (block + "\n\n\(start)\n\n![old](old.svg)\n\n\(end)\nafter\n", block + "\n\n" + linkBlock(1) + "after\n", []),
        (block + "\(start)   \n  ![old](old.svg)\n \(end)\nafter\n", block + linkBlock(1) + "after\n", []),
    ])
    func markers(text: String, expected: String, notices: [String]) throws {
        #expect(try rewritten(text) == (expected, notices))
    }

    /// Line ends, a byte order mark, a missing final line end and trailing spaces are kept;
    /// the link block takes the closing fence's line end.
    @Test(arguments: [
        ("Intro\r\n```mgviz\r\nx = 1\r\n```\r\nafter\r\n", "Intro\r\n```mgviz\r\nx = 1\r\n```\r\n" + linkBlock(1, "", "\r\n") + "after\r\n"),
        ("```mgviz\r\nx\r\n```\r\n\(start)\r\n![old](old.svg)\r\n\(end)\r\n", "```mgviz\r\nx\r\n```\r\n" + linkBlock(1, "", "\r\n")),
        ("a\n```mgviz\nx\n```\r\nb\n", "a\n```mgviz\nx\n```\r\n" + linkBlock(1, "", "\r\n") + "b\n"),
        ("```mgviz\rx\r```\rafter\r", "```mgviz\rx\r```\r" + linkBlock(1, "", "\r") + "after\r"),
        ("\u{FEFF}```mgviz\nx = 1\n```\n", "\u{FEFF}```mgviz\nx = 1\n```\n" + linkBlock(1)),
        // No final line end: the link block starts with one, and ends without.
        ("```mgviz\nx = 1\n```", "```mgviz\nx = 1\n```\n\(start)\n![d1](d1.svg)\n\(end)"),
        ("Intro\r\n```mgviz\r\nx\r\n```", "Intro\r\n```mgviz\r\nx\r\n```\r\n\(start)\r\n![d1](d1.svg)\r\n\(end)"),
        ("```mgviz\nx\n```\n\(start)\n![old](old.svg)\n\(end)", "```mgviz\nx\n```\n\(start)\n![d1](d1.svg)\n\(end)"),
        ("```mgviz\nx\n```\n\n\n\(start)\n![old](old.svg)\n\(end)\n", "```mgviz\nx\n```\n\n\n" + linkBlock(1)),
        ("Text  \n\t\n```mgviz  \nx = 1 \n```   \nmore\t\n", "Text  \n\t\n```mgviz  \nx = 1 \n```   \n" + linkBlock(1) + "more\t\n"),
    ])
    func lineEnds(text: String, expected: String) throws {
        #expect(try rewritten(text) == (expected, []))
    }

    @Test func aByteOrderMarkIsNotALine() throws {
        let document = try MarkdownDocument(bytes: Array("\u{FEFF}```mgviz id=a\nx = 1\n```\n\n```mgviz\ny = 2\n```\n".utf8))
        #expect(document.blocks.map(\.line) == [1, 5])
        #expect(document.blocks.map(\.words) == [["id=a"], []])
    }

    /// A fence that no closing fence ends, in its container or in the document, is neither
    /// drawn nor linked; the blocks after it keep their numbers.
    @Test(arguments: [
        ("Text\n```mgviz\nx = 1\n", "Text\n```mgviz\nx = 1\n", ["2 unclosed"], [Int]()),
        // The item ends at a line that is not indented; that line opens another fence.
        ("- ```mgviz\n  x = 1\n```\nnot mgviz\n```\n\n```mgviz\ny = 2\n```\n", "- ```mgviz\n  x = 1\n```\nnot mgviz\n```\n\n```mgviz\ny = 2\n```\n" + linkBlock(2), ["1 unclosed"], [7]),
        ("> ```mgviz\n> x = 1\n\n```mgviz\nx = 2\n```\n", "> ```mgviz\n> x = 1\n\n```mgviz\nx = 2\n```\n" + linkBlock(2), ["1 unclosed"], [4]),
    ])
    func unclosedBlocks(text: String, expected: String, notices: [String], lines: [Int]) throws {
        #expect(try MarkdownDocument(bytes: Array(text.utf8)).blocks.map(\.line) == lines)
        #expect(try rewritten(text) == (expected, notices))
    }

    /// cmark 0.30.2's inline parser is quadratic in image openers and links in one paragraph:
    /// over the limit, summed over paragraphs, a document is refused before it is parsed.
    @Test func bracketWorkOverTheLimitIsRefused() throws {
        let side = Int(Double(MarkdownDocument.maximumBracketWork).squareRoot())
        // Two paragraphs each at half the limit: accepted.
        let half = String(repeating: "![[]()", count: Int(Double(side) / 2.0.squareRoot()))
        #expect(throws: Never.self) { try MarkdownDocument(bytes: Array((half + "\n\n" + half).utf8)) }
        // One paragraph of both: twice the work, refused.
        let over = Array((half + "\n" + half).utf8)
        let work = 4 * (half.utf8.count / 6) * (half.utf8.count / 6)
        #expect(throws: MarkdownLimitError.tooMuchBracketWork(work, limit: MarkdownDocument.maximumBracketWork)) {
            try MarkdownDocument(bytes: over)
        }
    }

    @Test func documentsOverTheSizeLimitAreRefused() {
        let bytes = [UInt8](repeating: UInt8(ascii: "a"), count: MarkdownDocument.maximumBytes + 1)
        #expect(throws: MarkdownLimitError.tooLarge(bytes: bytes.count, limit: MarkdownDocument.maximumBytes)) {
            try MarkdownDocument(bytes: bytes)
        }
    }

    /// Link destinations: a path as a viewer resolves it; no control character.
    @Test func linkTargetsArePercentEncoded() throws {
        let document = try MarkdownDocument(bytes: Array("```mgviz\nx = 1\ny = x * 2\n```\n".utf8))
        let images = try MarkdownImages(document, path: "docs/a #1 50% ?`b` é.md", outDir: "docs/out (1):x")
        #expect(images.images.map(\.path) == ["docs/out (1):x/a #1 50% ?`b` é-1.svg"])
        let rendering = MarkdownRendering(document, images: images)
        #expect(rendering.diagrams.map(\.link) == ["![a graph of 3 values: y = x \\* 2, from x](out%20%281%29%3Ax/a%20%231%2050%25%20%3F%60b%60%20%C3%A9-1.svg)"])
        #expect(throws: MarkdownLinkError.controlCharacter(path: "new\nline-1.svg")) {
            try MarkdownImages(MarkdownDocument(bytes: Array("```mgviz\nx = 1\n```\n".utf8)), path: "new\nline.md")
        }
    }
}

/// The command: what it refuses before writing anything, and what it writes.
@Suite struct MarkdownCommand {
    static let block = "```mgviz id=img\nx = 1\ny = x * 2\n```\n"

    /// A folder holding `files` (name → text), and the folder's URL.
    func folder(_ files: [String: String]) throws -> URL {
        let folder = try temporaryFolder()
        for (name, text) in files {
            let url = folder.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        return folder
    }

    func text(_ url: URL) throws -> String { String(decoding: try Data(contentsOf: url), as: UTF8.self) }

    func names(_ folder: URL) throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() }

    /// Runs mgviz, and fails the test instead of waiting for ever if it does not end.
    func runBounded(_ arguments: [String], in folder: URL) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = mgvizBinary
        process.arguments = arguments
        process.currentDirectoryURL = folder
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        var waited = 0
        while process.isRunning && waited < 600 {
            usleep(50_000)
            waited += 1
        }
        if process.isRunning {
            process.terminate()
            Issue.record("mgviz \(arguments) did not end within 30 s")
        }
        process.waitUntilExit()
        return (process.terminationStatus,
                String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self),
                String(decoding: error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    /// Whether the run was refused: `status`, `message` as its one line, the document as it
    /// was, and the folder holding what it held.
    func expectRefusal(
        _ arguments: [String], in folder: URL, status: Int32, message: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let before = try names(folder)
        let contents = try before.map { name -> Data? in
            let url = folder.appendingPathComponent(name)
            return (try? FileManager.default.attributesOfItem(atPath: url.path)[.type] as? FileAttributeType) == .typeRegular ? try Data(contentsOf: url) : nil
        }
        for check in [false, true] {
            let result = try runBounded(arguments + (check ? ["--check"] : []), in: folder)
            #expect(result.status == status, sourceLocation: sourceLocation)
            #expect(result.stderr == "mgviz: error: \(message)\n", sourceLocation: sourceLocation)
            #expect(result.stdout == "", sourceLocation: sourceLocation)
        }
        #expect(try names(folder) == before, sourceLocation: sourceLocation)
        let after = try before.map { name -> Data? in
            let url = folder.appendingPathComponent(name)
            return (try? FileManager.default.attributesOfItem(atPath: url.path)[.type] as? FileAttributeType) == .typeRegular ? try Data(contentsOf: url) : nil
        }
        #expect(after == contents, sourceLocation: sourceLocation)
    }

    @Test func anImageThatIsTheDocumentThroughALinkIsRefused() throws {
        let folder = try folder(["guide.md": Self.block])
        defer { try? FileManager.default.removeItem(at: folder) }
        let image = folder.appendingPathComponent("img.svg")
        let message = "guide.md: the mgviz block at line 1 would write its image img.svg over the document guide.md (they are one file); give the block another id= or choose another --out-dir"
        // A symbolic link, a chain of two, and a hard link.
        try FileManager.default.createSymbolicLink(atPath: image.path, withDestinationPath: "guide.md")
        try expectRefusal(["guide.md"], in: folder, status: 64, message: message)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: image.path) == "guide.md")
        try FileManager.default.removeItem(at: image)
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("other.md").path, withDestinationPath: "guide.md")
        try FileManager.default.createSymbolicLink(atPath: image.path, withDestinationPath: "other.md")
        try expectRefusal(["guide.md"], in: folder, status: 64, message: message)
        try FileManager.default.removeItem(at: image)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("other.md"))
        #expect(link(folder.appendingPathComponent("guide.md").path, image.path) == 0)
        try expectRefusal(["guide.md"], in: folder, status: 64, message: message)
        #expect(try text(folder.appendingPathComponent("guide.md")) == Self.block)
    }

    /// --out-dir names the document's folder through a link: the image there that links to the
    /// document is refused; without it the link is written from the document's folder and
    /// resolves to the image.
    @Test func anOutDirThatIsTheDocumentsFolderThroughALink() throws {
        let folder = try folder(["docs/guide.md": "```mgviz\nx = 1\ny = x * 2\n```\n"])
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("alias").path, withDestinationPath: "docs")
        let image = folder.appendingPathComponent("docs/guide-1.svg")
        try FileManager.default.createSymbolicLink(atPath: image.path, withDestinationPath: "guide.md")
        try expectRefusal(
            ["docs/guide.md", "--out-dir", "alias"], in: folder, status: 64,
            message: "docs/guide.md: the mgviz block at line 1 would write its image alias/guide-1.svg over the document docs/guide.md (they are one file); give the block another id= or choose another --out-dir")
        try FileManager.default.removeItem(at: image)
        let run = try runBounded(["docs/guide.md", "--out-dir", "alias"], in: folder)
        #expect(run.status == 0 && run.stderr == "")
        #expect(try text(folder.appendingPathComponent("docs/guide.md")) == "```mgviz\nx = 1\ny = x * 2\n```\n\(start)\n![a graph of 3 values: y = x \\* 2, from x](../alias/guide-1.svg)\n\(end)\n")
        let resolved = URL(string: "../alias/guide-1.svg", relativeTo: folder.appendingPathComponent("docs/guide.md"))!
        #expect(FileManager.default.fileExists(atPath: resolved.path) && resolved.standardizedFileURL.path == folder.appendingPathComponent("alias/guide-1.svg").path)
    }

    @Test func twoBlocksThatWouldWriteOneImageAreRefused() throws {
        let second = "```mgviz id=img\nx = 2\ny = x\n```\n"
        let folder = try folder(["guide.md": Self.block + "\n" + second, "a.md": Self.block, "b.md": second, "g.md": "```mgviz\nx = 1\n```\n", "h.md": "```mgviz id=g-1\nx = 1\n```\n"])
        defer { try? FileManager.default.removeItem(at: folder) }
        try expectRefusal(["guide.md"], in: folder, status: 64, message: "guide.md: the mgviz blocks at lines 1 and 6 would both write img.svg; give one another id=")
        try expectRefusal(["a.md", "b.md"], in: folder, status: 64, message: "a.md (the mgviz block at line 1) and b.md (line 1) would both write img.svg; give one another id=, or run them separately")
        // A default name and an id.
        try expectRefusal(["g.md", "h.md"], in: folder, status: 64, message: "g.md (the mgviz block at line 1) and h.md (line 1) would both write g-1.svg; give one another id=, or run them separately")
        // One document named twice.
        try expectRefusal(["a.md", "./a.md"], in: folder, status: 64, message: "a.md and ./a.md are one document; give it once")
    }

    /// Two names, one file: a folder reached through a link, the image there or not yet.
    @Test func twoNamesOfOneImageAreRefused() throws {
        let folder = try folder(["one/a.md": Self.block, "one/b.md": Self.block.replacingOccurrences(of: "x = 1", with: "x = 3")])
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("two").path, withDestinationPath: "one")
        let message = "one/a.md (the mgviz block at line 1) and two/b.md (line 1) would both write two/img.svg; give one another id=, or run them separately"
        try expectRefusal(["one/a.md", "two/b.md"], in: folder, status: 64, message: message)
        try Data("<svg/>".utf8).write(to: folder.appendingPathComponent("one/img.svg"))
        try expectRefusal(["one/a.md", "two/b.md"], in: folder, status: 64, message: message)
    }

    /// A FIFO given as a document is refused before it is opened (opening it would wait for a
    /// writer), as are a folder and an image path that is a FIFO; nothing is written.
    @Test func aDocumentOrImageThatIsNoFileIsRefusedWithoutWaiting() throws {
        let folder = try folder(["guide.md": Self.block])
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(mkfifo(folder.appendingPathComponent("pipe.md").path, 0o600) == 0)
        try expectRefusal(["pipe.md", "guide.md"], in: folder, status: 64, message: "pipe.md is a FIFO, not a regular file; a Markdown document must be one")
        try expectRefusal(["guide.md", "pipe.md"], in: folder, status: 64, message: "pipe.md is a FIFO, not a regular file; a Markdown document must be one")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("folder.md"), withIntermediateDirectories: false)
        try expectRefusal(["folder.md"], in: folder, status: 64, message: "folder.md is a folder, not a regular file; a Markdown document must be one")
        #expect(mkfifo(folder.appendingPathComponent("img.svg").path, 0o600) == 0)
        try expectRefusal(["guide.md"], in: folder, status: 64, message: "guide.md: the mgviz block at line 1: img.svg is a FIFO, not a regular file")
    }

    /// A name no link can hold is refused; `#`, `%`, `?`, spaces, backticks, parentheses and
    /// non-ASCII are percent-encoded, and the link resolves to the image.
    @Test func oddNames() throws {
        let source = "```mgviz\nx = 1\ny = x * 2\n```\n"
        let name = "g #1 50% ?`x` é"
        let folder = try folder(["gui\nde.md": source, "\(name).md": source])
        defer { try? FileManager.default.removeItem(at: folder) }
        try expectRefusal(
            ["gui\nde.md"], in: folder, status: 64,
            message: "gui\\nde.md: the image path gui\\nde-1.svg holds a control character, which a Markdown link cannot hold; rename the document or choose another --out-dir")
        try expectRefusal(
            ["\(name).md", "--out-dir", "im\tages"], in: folder, status: 64,
            message: "\(name).md: the image path im\\tages/\(name)-1.svg holds a control character, which a Markdown link cannot hold; rename the document or choose another --out-dir")

        let run = try runBounded(["\(name).md", "--out-dir", "out (1)"], in: folder)
        #expect(run.status == 0 && run.stderr == "")
        let target = "out%20%281%29/g%20%231%2050%25%20%3F%60x%60%20%C3%A9-1.svg"
        let document = folder.appendingPathComponent("\(name).md")
        #expect(try text(document) == source + "\(start)\n![a graph of 3 values: y = x \\* 2, from x](\(target))\n\(end)\n")
        // As a viewer resolves it: relative to the document, the percent escapes decoded.
        let resolved = try #require(URL(string: target, relativeTo: document))
        #expect(resolved.standardizedFileURL.path == folder.appendingPathComponent("out (1)/\(name)-1.svg").path)
        #expect(FileManager.default.fileExists(atPath: resolved.path))
        let again = try runBounded(["\(name).md", "--out-dir", "out (1)", "--check"], in: folder)
        #expect(again.status == 0 && again.stdout == "\(name).md: 1 diagram, all current\n")
    }

    /// A run draws at most `maximumBlocksPerRun` blocks, a PNG block counted by its dpi; over it
    /// the run is refused before anything is drawn, with the limit named.
    @Test func blocksOverTheLimitAreRefused() throws {
        let limit = MarkdownDocument.maximumBlocksPerRun
        let tiny = "```mgviz\nx = 1\n```\n\n"
        let folder = try folder([
            "big.md": String(repeating: tiny, count: limit + 1), "half.md": String(repeating: tiny, count: limit / 2),
            "rest.md": String(repeating: tiny, count: limit / 2 + 1), "fine.md": String(repeating: "```mgviz format=png dpi=960\nx = 1\n```\n\n", count: limit / 100 + 1),
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        try expectRefusal(["big.md"], in: folder, status: 65, message: "big.md has \(limit + 1) mgviz blocks, over the limit of \(limit) a run; split the document")
        try expectRefusal(
            ["half.md", "rest.md"], in: folder, status: 65,
            message: "rest.md has \(limit / 2 + 1) mgviz blocks, which bring the run to \(limit + 1), over the limit of \(limit) a run; run the documents in smaller groups")
        try expectRefusal(
            ["fine.md"], in: folder, status: 65,
            message: "fine.md has \(limit / 100 + 1) mgviz blocks, which count as \((limit / 100 + 1) * 100) (a PNG block at D dpi counts as (D/96)² blocks), over the limit of \(limit) a run; split the document")
    }

    /// Documents over the size or bracket limit are refused with the limit; the run's other
    /// documents go on.
    @Test func documentsOverTheParsingLimitsAreRefused() throws {
        let work = 15_000 * 15_000
        let folder = try folder([
            "brackets.md": String(repeating: "![[]()", count: 15_000), "guide.md": Self.block,
            "big.md": String(repeating: "a", count: MarkdownDocument.maximumBytes + 1),
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try runBounded(["big.md", "brackets.md", "guide.md"], in: folder)
        #expect(run.status == 65)
        #expect(run.stderr == """
            mgviz: error: big.md: the file is \(MarkdownDocument.maximumBytes + 1) bytes, over the limit of \(MarkdownDocument.maximumBytes)
            mgviz: error: brackets.md: its paragraphs pair image openers '![' with closing brackets ']' \(work) times, over the limit of \(MarkdownDocument.maximumBracketWork) (the Markdown parser's time grows with that product); split the paragraphs that hold most

            """)
        #expect(try text(folder.appendingPathComponent("guide.md")) == Self.block + "\(start)\n![a graph of 3 values: y = x \\* 2, from x](img.svg)\n\(end)\n")
    }

    /// An unclosed block is a warning: the others are drawn; --check fails.
    @Test func anUnclosedBlockIsAWarningAndACheckFailure() throws {
        let source = Self.block + "\n> ```mgviz\n> x = 2\n\nThe end.\n"
        let folder = try folder(["guide.md": source])
        defer { try? FileManager.default.removeItem(at: folder) }
        let warning = { (line: Int) in "mgviz: warning: guide.md: the mgviz block at line \(line) has no closing fence in its container, so it is neither drawn nor linked\n" }
        let run = try runBounded(["guide.md"], in: folder)
        #expect(run.status == 0 && run.stderr == warning(6))
        let drawn = Self.block + "\(start)\n![a graph of 3 values: y = x \\* 2, from x](img.svg)\n\(end)\n" + "\n> ```mgviz\n> x = 2\n\nThe end.\n"
        #expect(try text(folder.appendingPathComponent("guide.md")) == drawn)
        let check = try runBounded(["guide.md", "--check"], in: folder)
        // Three lines further down now, after the first block's link block.
        #expect(check.status == 1 && check.stderr == warning(9) && check.stdout == "")
        #expect(try names(folder) == ["guide.md", "img.svg"])
    }

    /// A stray end marker further down: nothing between is lost, and each marker that is not
    /// mgviz's gets one warning line.
    @Test func strayMarkersAreLeftWithAWarning() throws {
        let rest = "# Keep this heading\n\nAnd this paragraph.\n\(end)\n"
        let source = Self.block + "\(start)\n![a graph of 3 values: y = x \\* 2, from x](img.svg)\n\(end)\n\n" + rest
        let folder = try folder(["guide.md": source])
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try runBounded(["guide.md"], in: folder)
        #expect(run.status == 0)
        #expect(run.stdout == "guide.md: wrote img.svg\n")
        #expect(run.stderr == "mgviz: warning: guide.md: line 12: \(end) is not part of the link block right after an mgviz block (a start marker line, one image line, an end marker line), so it is left as it is\n")
        #expect(try text(folder.appendingPathComponent("guide.md")) == source)
    }
}
