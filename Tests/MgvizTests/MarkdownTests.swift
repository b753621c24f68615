import Foundation
import MgvizKit
import MgvizProcess
import Testing
@testable import mgviz

/// `mgviz guide.md`: diagrams from a document's mgviz blocks, their links kept after them.
@Suite struct MarkdownDocuments {
    static let lectureL = """
        # the lecture's L
        a = 2.0
        b = -3.0
        c = 10.0
        f = -2.0
        e = a*b
        d = e + c
        L = d * f
        """
    static let softmax = #"""
        {"title": "softmax", "inputs": {"x0": 0.0, "x1": 3.0},
         "define": ["e0 = exp(x0)", "e1 = exp(x1)", "p = e1 / (e0 + e1)", "loss = -log(p)"]}
        """#
    static let relu = """
        x = -1.5
        y = relu(x) + x**2
        """

    /// Prose, a table, a code block of another language, a text spec, a JSON spec with
    /// options, and a PNG coloured by grad.
    static let guide = """
        # A guide

        Some prose, and a table:

        | a | b |
        | - | - |
        | 1 | 2 |

        ```python
        print("not mgviz")
        ```

        ```mgviz
        \(lectureL)
        ```

        A JSON block with options:

        ```mgviz rankdir=TB precision=2 id=softmax
        \(softmax)
        ```

        ~~~mgviz color=grad format=png
        \(relu)
        ~~~
        The end, without a line end.
        """

    /// What the command draws for `spec` with `flags`, for comparison.
    func drawn(_ spec: String, as name: String, _ flags: [String], in folder: URL) throws -> Data {
        let file = folder.appendingPathComponent(name)
        try Data(spec.utf8).write(to: file)
        let result = try runMgviz([file.path, "-o", "-"] + flags)
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout
    }

    /// The file's inode and modification time: unchanged when nothing was written.
    func stamp(_ url: URL) throws -> [String] {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        return ["\(attributes[.systemFileNumber]!)", "\((attributes[.modificationDate] as! Date).timeIntervalSince1970)"]
    }

    @Test func blocksBecomeImagesWithLinksAndNothingElseChanges() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let document = folder.appendingPathComponent("guide.md")
        try Data(Self.guide.utf8).write(to: document)

        let first = try runMgviz([document.path], in: folder)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(String(decoding: first.stdout, as: UTF8.self) == """
            \(document.path): wrote \(folder.path)/guide-1.svg
            \(document.path): wrote \(folder.path)/softmax.svg
            \(document.path): wrote \(folder.path)/guide-3.png
            \(document.path): updated 3 image links

            """)
        // Each image is what the command draws from the block's spec and options.
        let reference = folder.appendingPathComponent("reference")
        try FileManager.default.createDirectory(at: reference, withIntermediateDirectories: true)
        #expect(try Data(contentsOf: folder.appendingPathComponent("guide-1.svg")) == drawn(Self.lectureL, as: "l.mg", ["--format", "svg"], in: reference))
        #expect(try Data(contentsOf: folder.appendingPathComponent("softmax.svg"))
            == drawn(Self.softmax, as: "s.json", ["--format", "svg", "--rankdir", "TB", "--precision", "2"], in: reference))
        let png = try Data(contentsOf: folder.appendingPathComponent("guide-3.png"))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(png == (try drawn(Self.relu, as: "r.mg", ["--format", "png", "--color", "grad"], in: reference)))

        // Every original line is still there, in order; the links follow their blocks.
        let updated = try String(contentsOf: document, encoding: .utf8)
        let original = Self.guide.split(separator: "\n", omittingEmptySubsequences: false)
        var remaining = updated.split(separator: "\n", omittingEmptySubsequences: false)[...]
        for line in original {
            guard let found = remaining.firstIndex(of: line) else {
                Issue.record("line lost: \(line)")
                break
            }
            remaining = remaining[(found + 1)...]
        }
        #expect(updated.components(separatedBy: "\n").count == original.count + 9)
        #expect(updated.contains("L = d * f\n```\n<!-- mgviz-image -->\n![the lecture's L](guide-1.svg)\n<!-- /mgviz-image -->\n"))
        #expect(updated.contains("\n```\n<!-- mgviz-image -->\n![softmax](softmax.svg)\n<!-- /mgviz-image -->\n\n~~~mgviz"))
        #expect(updated.hasSuffix("~~~\n<!-- mgviz-image -->\n![a graph of 4 values: y = relu(x) + x\\*\\*2, from x](guide-3.png)\n<!-- /mgviz-image -->\nThe end, without a line end."))

        // A second run writes nothing: no file is replaced or touched.
        let files = ["guide.md", "guide-1.svg", "softmax.svg", "guide-3.png"].map { folder.appendingPathComponent($0) }
        let before = try files.map(stamp)
        let second = try runMgviz([document.path], in: folder)
        #expect(second.status == 0 && String(decoding: second.stdout, as: UTF8.self) == "\(document.path): 3 diagrams, all current\n")
        #expect(try files.map(stamp) == before)

        // --check: current now; stale once a block changes, or an image goes; nothing written.
        let current = try runMgviz([document.path, "--check"], in: folder)
        #expect(current.status == 0 && String(decoding: current.stdout, as: UTF8.self) == "\(document.path): 3 diagrams, all current\n")
        try Data(updated.replacingOccurrences(of: "c = 10.0", with: "c = 11.0").utf8).write(to: document)
        try FileManager.default.removeItem(at: files[2])
        let changed = try Data(contentsOf: document)
        let stale = try runMgviz([document.path, "--check"], in: folder)
        #expect(stale.status == MgvizProcess.ExitStatus.wrong.rawValue)
        #expect(String(decoding: stale.stdout, as: UTF8.self) == """
            \(document.path): the mgviz block at line 13: \(folder.path)/guide-1.svg is stale
            \(document.path): the mgviz block at line 29: \(folder.path)/softmax.svg is missing

            """)
        #expect(try Data(contentsOf: document) == changed && !FileManager.default.fileExists(atPath: files[2].path))
    }

    @Test func aFreshDocumentIsStaleAndABadBlockTouchesNothing() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fresh = folder.appendingPathComponent("fresh.md")
        try Data("Intro\n\n```mgviz id=x\nx = 2.0\ny = x**2\n```\n".utf8).write(to: fresh)
        let check = try runMgviz([fresh.path, "--check"], in: folder)
        #expect(check.status == MgvizProcess.ExitStatus.wrong.rawValue)
        #expect(String(decoding: check.stdout, as: UTF8.self)
            == "\(fresh.path): the mgviz block at line 3: \(folder.path)/x.svg is missing; its image link is missing or out of date\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["fresh.md"])

        // A bad block: one line with the document, the block's line, and the place inside it.
        // Its document and images stay as they were; the next document goes on.
        let bad = folder.appendingPathComponent("bad.md")
        let badText = "# Bad\n\n```mgviz id=good\nx = 1\ny = x * 2\n```\n\n```mgviz\nx = 1\ny = x +\n```\n"
        try Data(badText.utf8).write(to: bad)
        let run = try runMgviz([bad.path, fresh.path], in: folder)
        #expect(run.status == MgvizProcess.ExitStatus.dataError.rawValue)
        #expect(run.stderr == "mgviz: error: \(bad.path): the mgviz block at line 8: line 2, column 8: expected a number, a name, a function or '(', got the end of the expression\n")
        #expect(try String(contentsOf: bad, encoding: .utf8) == badText)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("good.svg").path))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("x.svg").path))
        #expect(try String(contentsOf: fresh, encoding: .utf8).contains("```\n<!-- mgviz-image -->\n![a graph of 2 values: y = x\\*\\*2, from x](x.svg)\n<!-- /mgviz-image -->\n"))
    }

    @Test(arguments: [
        ("```mgviz colour=grad\nx = 1\n```\n", "the mgviz block at line 1: unknown option 'colour' (a block takes: id, format, rankdir, precision, no-backward, color, theme, collapse, batch, example, focus, depth, only-changed, diff, max-nodes, dpi)"),
        ("```mgviz format=pdf\nx = 1\n```\n", "the mgviz block at line 1: format=pdf: expected svg or png, a format a Markdown image can show"),
        ("```mgviz precision=99\nx = 1\n```\n", "the mgviz block at line 1: --precision must be from 0 to 17, got 99"),
        ("```mgviz id=../up\nx = 1\n```\n", "the mgviz block at line 1: id=../up: expected letters, digits, '-', '_' and '.', not starting with '.' (it names the image file)"),
        ("```mgviz id=a id=b\nx = 1\n```\n", "the mgviz block at line 1: the option id is given twice"),
        ("```mgviz =svg\nx = 1\n```\n", "the mgviz block at line 1: '=svg' has no option name before '='"),
        ("```mgviz\n{\"inputs\": {\"x\": \"1\"}, \"define\": [\"y = x\"]}\n```\n", "the mgviz block at line 1: \"inputs\".\"x\" (line 1, column 18): expected a number, got a string"),
    ])
    func blockErrors(text: String, message: String) throws {
        let document = try MarkdownDocument(bytes: Array(text.utf8))
        let (rendering, failures) = try commandRendering(document)
        #expect(failures == [message])
        #expect(rendering.document == nil)
    }

    /// A document drawn as the command draws it: each block's words read as its options.
    func commandRendering(_ document: MarkdownDocument) throws -> (MarkdownRendering, failures: [String]) {
        let (images, refused) = try MarkdownImages.reading(document, path: "doc.md", outDir: nil, over: MarkdownImages.Settings())
        let rendering = MarkdownRendering(document, images: images)
        return (rendering, rendering.failures(with: refused).map(\.message))
    }

    /// `batch=` and `example=` in a block draw what `--batch` and `--example` draw: the
    /// example a plate shows, or every example.
    @Test func blocksTakeBatchAndExample() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let spec = #"{"mlp": {"sizes": [2, 3, 1], "seed": 1}, "batch": {"inputs": [[0.5, 1], [2, -1], [1, 1]], "targets": [1, -1, 1], "loss": "hinge"}}"#
        try Data(spec.utf8).write(to: folder.appendingPathComponent("spec.json"))
        let blocks = [("plate", "", [String]()), ("all", " batch=all", ["--batch", "all"]), ("second", " example=1", ["--example", "1"])]
        let document = blocks.map { "```mgviz id=\($0.0)\($0.1)\n\(spec)\n```\n" }.joined(separator: "\n")
        try Data(document.utf8).write(to: folder.appendingPathComponent("guide.md"))
        let run = try runMgviz(["guide.md"], in: folder)
        #expect(run.status == MgvizProcess.ExitStatus.success.rawValue && run.stderr.isEmpty, "\(run.stderr)")
        var images: [Data] = []
        for (id, _, options) in blocks {
            let drawn = try runMgviz(["spec.json", "-o", "-"] + options, in: folder)
            images.append(try Data(contentsOf: folder.appendingPathComponent("\(id).svg")))
            #expect(images.last == drawn.stdout, "\(id)")
        }
        #expect(Set(images).count == 3)
    }

    /// cmark's tree and iterator are freed on every parse: a document of 64 KB, parsed 300 times
    /// in one process, grew resident memory by 1 MB a parse with its tree left unfreed, and by
    /// about 0.3 KB (the allocator's noise) with it freed.
    @Test func parsingStaysFlat() throws {
        let bench = mgvizBinary.deletingLastPathComponent().appendingPathComponent("mgviz-bench")
        let output = try run(bench, ["markdown-case", "mixed", "--count", "300"])
        #expect(output.hasPrefix("bytes 65487 accepted blocks 526 notices 526\n"), "\(output)")
        let perParse = Double(output.split(whereSeparator: \.isWhitespace).last!)!
        #expect(perParse < 4096, "\(output)")
    }

    /// Fences inside other fences are text, Windows line ends stay, and an old link is
    /// replaced in place.
    @Test func fencesLineEndsAndOldLinks() throws {
        let nested = "````markdown\n```mgviz\nnot = a block\n```\n````\n"
        #expect(try MarkdownDocument(bytes: Array(nested.utf8)).blocks.isEmpty)
        let windows = "Intro\r\n```mgviz id=w\r\nx = 1\r\ny = x*2\r\n```\r\nafter\r\n"
        let document = try MarkdownDocument(bytes: Array(windows.utf8))
        let rendered = try #require(try commandRendering(document).0.document)
        #expect(String(decoding: rendered, as: UTF8.self)
            == "Intro\r\n```mgviz id=w\r\nx = 1\r\ny = x*2\r\n```\r\n<!-- mgviz-image -->\r\n![a graph of 3 values: y = x \\* 2, from x](w.svg)\r\n<!-- /mgviz-image -->\r\nafter\r\n")
        // In a list item, the link keeps the block's indentation, and stays in the item.
        let listed = "- step one:\n\n  ```mgviz id=l\n  x = 1\n  y = x * 2\n  ```\n- step two\n"
        let inList = try #require(try commandRendering(MarkdownDocument(bytes: Array(listed.utf8))).0.document)
        #expect(String(decoding: inList, as: UTF8.self)
            == "- step one:\n\n  ```mgviz id=l\n  x = 1\n  y = x * 2\n  ```\n  <!-- mgviz-image -->\n  ![a graph of 3 values: y = x \\* 2, from x](l.svg)\n  <!-- /mgviz-image -->\n- step two\n")
        let stale = "```mgviz id=w\nx = 1\ny = x\n```\n<!-- mgviz-image -->\n![old](old.svg)\n<!-- /mgviz-image -->\nafter\n"
        let refreshed = try #require(try commandRendering(MarkdownDocument(bytes: Array(stale.utf8))).0.document)
        #expect(String(decoding: refreshed, as: UTF8.self)
            == "```mgviz id=w\nx = 1\ny = x\n```\n<!-- mgviz-image -->\n![a graph of 1 value: x, from x](w.svg)\n<!-- /mgviz-image -->\nafter\n")
    }
}
