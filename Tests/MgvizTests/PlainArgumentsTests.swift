@testable import mgviz
import Testing

/// `Invocation(plainArguments:)` reads the common command lines without ArgumentParser; for
/// every line it reads, ArgumentParser must read the same, or refuse it where `validate` does.
@Suite struct PlainArguments {
    static let inputs = ["a.json", "-", "samples/softmax.json", "", "help", "-\u{301}x", "—x"]
    static let options: [(String, [String])] = [
        ("--out-dir", ["out", "-", ""]), ("-o", ["x.svg", "-", "x.png", "x.txt"]), ("--output", ["x.dot", "-"]),
        ("--format", ["svg", "json", "html", "SVG", "-"]), ("--rankdir", ["LR", "TB", "lr"]),
        ("--precision", ["6", "+3", "18", "x", "0x10"]), ("--color", ["grad", "kind", "Grad"]),
        ("--step", ["1e-4", "inf", "x", "0x1p-3", "1_0"]), ("--tolerance", ["1e-7", ".5", "1e400"]),
        ("--collapse", ["neurons", "layers"]), ("--focus", ["h1", "-", "x y"]), ("--depth", ["2", "0", "x"]),
        ("--max-nodes", ["5000", "0", "１"]), ("--max-layout-seconds", ["60", "0"]), ("--dpi", ["192", "0", "x"]),
        ("--input-format", ["mg", "json", "md", "MG"]), ("--method", ["forward", "central", "Forward"]),
        ("--theme", ["light", "dark", "auto", "night"]),
    ]
    static let flags = ["--check", "--no-backward", "--explain", "--quiz"]
    static let others = [
        "--", "--format=svg", "-h", "--help", "-help", "--version", "-oout.svg", "--unknown", "-x", "---", "-1", "--Check",
        "--generate-completion-script", "--experimental-dump-help",
    ]

    /// Random command lines from a fixed seed: inputs, options with good and bad values or
    /// none, flags, and forms only ArgumentParser reads.
    static func commandLines(count: Int) -> [[String]] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
        return (0..<count).map { _ in
            var line: [String] = []
            for _ in 0..<next(7) {
                switch next(10) {
                case 0...2: line.append(inputs[next(inputs.count)])
                case 3...7:
                    let (name, values) = options[next(options.count)]
                    line.append(name)
                    if next(12) > 0 { line.append(values[next(values.count)]) }
                case 8: line.append(flags[next(flags.count)])
                default: line.append(others[next(others.count)])
                }
            }
            return line
        }
    }

    @Test func readsWhatArgumentParserReads() throws {
        var read = 0
        for line in Self.commandLines(count: 4000) {
            guard let plain = Invocation(plainArguments: line) else { continue }
            read += 1
            do {
                let command = try Mgviz.parseAsRoot(line)
                #expect((command as? Mgviz)?.invocation == plain, "\(line)")
            } catch {
                #expect(!plain.isValid, "\(line): ArgumentParser refuses it: \(error)")
            }
        }
        // The generator reaches the plain forms often enough to test them.
        #expect(read > 500, "\(read)")
    }

    @Test func leavesEverythingElseToArgumentParser() {
        for line in [
            [], ["--check"], ["a.json", "--help"], ["a.json", "--version"], ["a.json", "-o"], ["a.json", "-o", "--check"],
            ["a.json", "--format=svg"], ["a.json", "--", "-b.json"], ["a.json", "--check", "--check"],
            ["a.json", "-o", "x.svg", "--output", "y.svg"], ["a.json", "--format", "gif"], ["a.json", "--step", "-1"],
            ["a.json", "-oout.svg"], ["a.json", "--depth", "x"],
        ] {
            #expect(Invocation(plainArguments: line) == nil, "\(line)")
        }
        #expect(Invocation(plainArguments: ["a.json", "-o", "-", "--check"]) != nil)
    }
}
