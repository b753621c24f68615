import Foundation
import MgvizExport
import MgvizKit
import MgvizProcess
import MgvizSpec
import Testing

/// Issue 9: no input can spread an error over several lines, trap on a count, stop the
/// viewer's script, or get NaN called WRONG.
@Suite struct Hardening {
    func output(_ result: RunResult) -> String { String(decoding: result.stdout, as: UTF8.self) }

    @Test func echoEscapesAndShortens() {
        #expect(echo("a\nb\rc\td\0e\u{1B}[2J") == #"a\nb\rc\td\0e\u{1B}[2J"#)
        #expect(echo("\u{7F}\u{85}\u{2028}\u{2029}\u{202E}") == #"\u{7F}\u{85}\u{2028}\u{2029}\u{202E}"#)
        #expect(echo(#"back\slash"#) == #"back\\slash"#)
        #expect(echo("é✓ plain") == "é✓ plain")
        #expect(echo(String(repeating: "a", count: 60)) == String(repeating: "a", count: 60))
        #expect(echo(String(repeating: "a", count: 61)) == String(repeating: "a", count: 60) + "…")
        #expect(echo("folder/" + String(repeating: "x", count: 10) + "/spec.json", limit: 12, keepingEnd: true) == "…xx/spec.json")
        #expect(escapingControlCharacters("plain line") == "plain line")
        #expect(escapingControlCharacters("a\nb\\c") == #"a\nb\c"#)
    }

    @Test(arguments: [
        (#"{"inputs": {"x\nbad": 1}, "define": ["y = 1"]}"#,
         #"spec.json: "inputs"."x\nbad" (line 1, column 23): 'x\nbad' is not a valid name (expected letters, digits and _, not starting with a digit)"#),
        (#"{"inputs": {"x\r\u0000\u001b[2J": 1}, "define": ["y = 1"]}"#,
         #"spec.json: "inputs"."x\r\0\u{1B}[2J" (line 1, column 35): 'x\r\0\u{1B}[2J' is not a valid name (expected letters, digits and _, not starting with a digit)"#),
        (#"{"inputs": {"x": 1}, "define": ["y = 1"], "\u001b]0;owned\u0007": 1}"#,
         #"spec.json: line 1, column 67: unknown key "\u{1B}]0;owned\u{7}" (expected one of: title, inputs, mlp, batch, define, output, expect)"#),
        (#"{"inputs": {"x": 1}, "define": ["y = x \u001b[2J"]}"#,
         #"spec.json: define[0] (y), column 7: unexpected character '\u{1B}'"#),
        (#"{"inputs": {"x": 1}, "define": ["y = x"], "output": "a\nb"}"#,
         #"spec.json: "output": unknown name 'a\nb' (expected an input or a defined name)"#),
    ])
    func errorsEscapeWhatTheyEcho(_ text: String, _ message: String) {
        let error = specError(text)
        #expect(error == message)
        #expect(error.map { !$0.contains("\n") && !$0.contains("\r") && !$0.contains("\u{1B}") } ?? false)
    }

    @Test func longStringsAreShortenedInErrors() throws {
        let name = String(repeating: "a", count: 10_000)
        let error = try #require(specError(#"{"inputs": {"\#(name)": 1}, "define": ["y = 1"]}"#))
        #expect(error == "spec.json: \"inputs\".\"\(String(repeating: "a", count: 60))…\" (line 1, column 10017): the name is 10000 characters long, over the limit of 256")
        let digits = "1" + String(repeating: "0", count: 10_000)
        #expect(specError(#"{"inputs": {"x": \#(digits)}, "define": ["y = 1"]}"#)
            == "spec.json: line 1, column 18: invalid JSON: the number \(digits.prefix(60))… overflows a Double")
        #expect(specError(#"{"inputs": {"x": 1}, "define": ["y = x * \#(digits)"]}"#)
            == "spec.json: define[0] (y), column 9: the number \(digits.prefix(60))… overflows a Double")
    }

    /// Through the binary too: the file name is escaped, and the error is one line.
    @Test func theCommandLinePrintsOneLine() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(#"{"inputs": {"x\u001b[2J": 1}, "define": ["y = 1"]}"#.utf8).write(to: folder.appendingPathComponent("a\nb.json"))
        let result = try runMgviz(["a\nb.json", "-o", "out.svg"], in: folder)
        #expect(result.status == MgvizProcess.ExitStatus.dataError.rawValue)
        #expect(result.stderr == #"mgviz: error: a\nb.json: "inputs"."x\u{1B}[2J" (line 1, column 27): 'x\u{1B}[2J' is not a valid name (expected letters, digits and _, not starting with a digit)"# + "\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["a\nb.json"])
    }

    /// A path of a thousand characters is shown by its last 200, where the file name is.
    @Test func longPathsAreShortenedInErrors() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let deep = Array(repeating: String(repeating: "d", count: 250), count: 4).joined(separator: "/")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent(deep), withIntermediateDirectories: true)
        let output = deep + "/missing/out.svg"
        let result = try runMgviz([sample("neuron").path, "-o", output], in: folder)
        #expect(result.status == MgvizProcess.ExitStatus.cannotCreate.rawValue)
        #expect(result.stderr == "mgviz: error: cannot write …\(output.suffix(200)): No such file or directory\n")
    }

    /// ArgumentParser's messages echo option values too.
    @Test func optionValuesAreEscapedInUsageErrors() throws {
        let result = try runMgviz([sample("neuron").path, "-o", "-", "--format", "gi\nf\u{1B}[2J"])
        #expect(result.status == MgvizProcess.ExitStatus.usage.rawValue)
        #expect(result.stderr.hasPrefix(#"mgviz: error: The value 'gi\nf\u{1B}[2J' is invalid for '--format <format>'."#))
        #expect(!result.stderr.contains("\u{1B}") && !result.stderr.contains("gi\n"))
        for option in ["--format=x\u{1B}[2J", "--rankdir=x\nZZ", "--step=1\n2"] {
            let joined = try runMgviz([sample("neuron").path, "-o", "-", option])
            #expect(joined.status == MgvizProcess.ExitStatus.usage.rawValue && !joined.stderr.contains("\u{1B}") && !joined.stderr.contains("x\nZZ") && !joined.stderr.contains("1\n2"), "\(joined.stderr)")
        }
    }

    /// Sizes whose parameter count overflows Int once trapped with SIGILL; the node count they
    /// are now refused by overflows too, and is counted as such (issue 22).
    @Test func modelSizesThatOverflowAreAnError() throws {
        let spec = #"{"inputs": {"x": 1}, "mlp": {"sizes": [4294967296, 4294967296], "seed": 1, "inputs": ["x"], "outputs": ["y"]}, "define": ["z = y"]}"#
        let result = try runMgviz(["-", "-o", "-"], stdin: Data(spec.utf8))
        #expect(result.status == MgvizProcess.ExitStatus.dataError.rawValue)
        #expect(result.stderr == "mgviz: error: <stdin>: \"mlp\".\"sizes\" (line 1, column 39): the graph would have more nodes than an Int counts here, over the limit of 2000000 a spec may build\n")
        let many = #"{"inputs": {"x": 1}, "mlp": {"sizes": [1, 9007199254740992, 9007199254740992, 9007199254740992], "seed": 1, "inputs": ["x"], "outputs": ["y"]}, "define": ["z = y"]}"#
        #expect(specError(many)?.hasSuffix("the graph would have more nodes than an Int counts here, over the limit of 2000000 a spec may build") == true)
    }

    /// Once quadratic: 300,000 keys took over a minute. Timing belongs to the benchmark; this
    /// checks that every key is read, in order, and that a duplicate among them is still found.
    @Test func manyKeysParse() throws {
        let count = 300_000
        let inputs = (0..<count).map { "\"x\($0)\": \($0)" }.joined(separator: ", ")
        let spec = try Spec(bytes: Array(#"{"inputs": {\#(inputs)}, "define": ["y = x0 + x299999"]}"#.utf8))
        #expect(spec.inputs.count == count && spec.inputs.last == .init(name: "x299999", value: 299_999))
        let duplicated = #"{"inputs": {\#(inputs), "x150000": 1}, "define": ["y = x0"]}"#
        #expect(specError(duplicated)?.contains("invalid JSON: duplicate key \"x150000\"") == true)
    }

    /// `<!--<script>` in a title once stopped the page's script: HTML's script-data escape
    /// state hid the data island's end tag.
    @Test func theDataIslandHoldsNoMarkup() throws {
        let title = "<!--<script> & </script> \u{2028}\u{2029} >"
        let spec = #"{"title": "<!--<script> & </script> \u2028\u2029 >", "inputs": {"x": 1}, "define": ["y = x * 2"]}"#
        let result = try runMgviz(["-", "-o", "-", "--format", "html"], stdin: Data(spec.utf8))
        #expect(result.status == MgvizProcess.ExitStatus.success.rawValue)
        let page = output(result)
        let island = try #require(page.components(separatedBy: "id=\"mgviz-page\">").dropFirst().first?.components(separatedBy: "</script>").first)
        for forbidden in ["<", ">", "&", "\u{2028}", "\u{2029}"] { #expect(!island.contains(forbidden), "\(forbidden)") }
        #expect(island.contains(#"\u003c!--\u003cscript\u003e \u0026 \u003c/script\u003e \u2028\u2029 \u003e"#))
        let data = try #require(try JSONSerialization.jsonObject(with: Data(island.utf8)) as? [String: Any])
        #expect(data["title"] as? String == title)
        // The page's data, the replay's, the evaluator's and the viewer's.
        #expect(page.components(separatedBy: "</script>").count == 5)
    }

    @Test func checkGivesBothNaNAVerdictOfItsOwn() throws {
        let spec = #"{"inputs": {"x": -1.0}, "define": ["y = log(x) * x"]}"#
        let result = try runMgviz(["-", "--check"], stdin: Data(spec.utf8))
        #expect(result.status == MgvizProcess.ExitStatus.success.rawValue)
        #expect(output(result) == "NAN   x  autograd NaN  numeric NaN  NaN first appears at 'log(x)' (log of -1)\n")
    }

    @Test func checkCallsFiniteAgainstNaNWrong() throws {
        // d/dx log(x) at -1 is -1 by the chain rule, but log(-1 ± h) is NaN.
        let spec = #"{"inputs": {"x": -1.0, "w": 2.0}, "define": ["y = log(x) + w"]}"#
        let result = try runMgviz(["-", "--check"], stdin: Data(spec.utf8))
        #expect(result.status == MgvizProcess.ExitStatus.wrong.rawValue)
        #expect(output(result) == """
            WRONG x  autograd -1.0000000000  numeric NaN
            WRONG w  autograd  1.0000000000  numeric NaN

            """)
    }

    @Test func nonFiniteNumbersAreSpelledOut() throws {
        let nan = #"{"inputs": {"x": -1.0}, "define": ["y = log(x)"], "expect": {"output": 1.0}}"#
        let result = try runMgviz(["-", "-o", "-", "--format", "json"], stdin: Data(nan.utf8))
        #expect(result.status == MgvizProcess.ExitStatus.wrong.rawValue)
        #expect(result.stderr == "WRONG output  expected 1.0  computed NaN\nmgviz: warning: NaN first appears at 'y' (log of -1)\n")
        #expect(fixedText(-.nan, decimals: 4) == "NaN" && fixedText(.infinity, decimals: 2) == "Infinity")
        #expect(fixedText(-.infinity, decimals: 0) == "-Infinity" && exactText(-.nan) == "NaN")
        #expect(exactText(.infinity) == "Infinity" && exactText(0.1) == "0.1")
    }
}

/// Issue 9: the strings handed to Graphviz are bounded, so that it can neither crash (32,769
/// lines overflow its line counter) nor spend minutes on one label.
@Suite struct GraphvizLimits {
    @Test func titlesOverTheLimitsAreRefused() {
        let long = String(repeating: "W", count: 257)
        #expect(specError(#"{"title": "\#(long)", "inputs": {"x": 1}, "define": ["y = x"]}"#)
            == "spec.json: \"title\" (line 1, column 11): the title is 257 characters long, over the limit of 256")
        let lines = Array(repeating: "line", count: 11).joined(separator: "\\n")
        #expect(specError(#"{"title": "\#(lines)", "inputs": {"x": 1}, "define": ["y = x"]}"#)
            == "spec.json: \"title\" (line 1, column 11): the title has 11 lines, over the limit of 10")
        let crashing = Array(repeating: "", count: 32_769).joined(separator: "\\n")
        #expect(specError(#"{"title": "\#(crashing)", "inputs": {"x": 1}, "define": ["y = x"]}"#)
            == "spec.json: \"title\" (line 1, column 11): the title is 32768 characters long, over the limit of 256")
        let combining = "e" + String(repeating: "\u{301}", count: 300)
        #expect(specError(#"{"title": "\#(combining)", "inputs": {"x": 1}, "define": ["y = x"]}"#)?
            .hasSuffix("the title is 301 characters long, over the limit of 256") == true)
    }

    /// The worst title accepted (256 wide characters over 10 lines) lays out in every format.
    @Test(arguments: ["svg", "png", "pdf", "html"])
    func theLargestTitleAcceptedRenders(_ format: String) throws {
        let line = String(repeating: "W", count: 238)  // with 9 more lines and 9 newlines: 256
        let title = ([line] + Array(repeating: "W", count: 9)).joined(separator: "\\n")
        let spec = #"{"title": "\#(title)", "inputs": {"x": 1}, "define": ["y = x * 2"]}"#
        let result = try runMgviz(["-", "-o", "-", "--format", format], stdin: Data(spec.utf8))
        #expect(result.status == MgvizProcess.ExitStatus.success.rawValue && result.stderr.isEmpty && result.stdout.count > 1000, "\(result.stderr)")
    }
}
