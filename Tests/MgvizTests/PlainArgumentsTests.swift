import ArgumentParser
@testable import mgviz
import Testing

/// `Invocation(arguments:)` reads every command line that runs, through the option table,
/// without ArgumentParser; ArgumentParser only prints help and the version and words usage
/// errors. So for every command line, the two must agree: what the table reads, ArgumentParser
/// reads to the same values; what it leaves, ArgumentParser refuses (or answers with help).
@Suite struct PlainArguments {
    static let inputs = ["a.json", "-", "samples/softmax.json", "", "help", "-\u{301}x", "—x"]
    static let options: [(String, [String])] = [
        ("--out-dir", ["out", "-", ""]), ("-o", ["x.svg", "-", "x.png", "x.txt"]), ("--output", ["x.dot", "-"]),
        ("--format", ["svg", "json", "html", "SVG", "-"]), ("--rankdir", ["LR", "TB", "lr"]),
        ("--precision", ["6", "+3", "18", "x", "0x10", "-2"]), ("--color", ["grad", "kind", "Grad"]),
        ("--step", ["1e-4", "inf", "x", "0x1p-3", "1_0", "-1e-3"]), ("--tolerance", ["1e-7", ".5", "1e400"]),
        ("--collapse", ["neurons", "layers", "calls", "leaves"]), ("--batch", ["plate", "all", "every"]),
        ("--example", ["0", "17", "-1", "x"]), ("--focus", ["h1", "-", "x y", "-x"]), ("--depth", ["2", "0", "x"]),
        ("--max-nodes", ["5000", "0", "１"]), ("--max-layout-seconds", ["60", "0"]), ("--dpi", ["192", "0", "x"]),
        ("--input-format", ["mg", "json", "md", "MG"]), ("--method", ["forward", "central", "Forward"]),
        ("--theme", ["light", "dark", "auto", "night"]),
    ]
    static let flags = ["--check", "--no-backward", "--explain", "--quiz"]
    static let others = [
        "--", "--format=svg", "--precision=3", "-o=x.svg", "-o=", "--check=true", "--check=", "--focus=", "--focus=x", "-h", "--help", "-help", "--version",
        "-oout.svg", "--unknown", "-x", "---", "-1", "--Check", "--generate-completion-script", "--experimental-dump-help",
    ]

    /// Random command lines from a fixed seed: inputs, options with good and bad values or
    /// none, flags, and forms only ArgumentParser answers.
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
        // 2,000 lines: ArgumentParser's parse takes 7 ms each in a debug build.
        for raw in Self.commandLines(count: 2000) {
            // As main() gives them to both.
            let line = joiningNegativeValues(raw)
            let parsed = try? Mgviz.parseAsRoot(line)
            guard let invocation = Invocation(arguments: line) else {
                #expect(!(parsed is Mgviz), "\(line): ArgumentParser reads what the table does not")
                continue
            }
            read += 1
            let command = try #require(parsed as? Mgviz, "\(line): ArgumentParser refuses what the table reads")
            let restated = try #require(Invocation(arguments: Self.restated(command)), "\(line)")
            #expect(Self.observable(restated, of: command) == Self.observable(invocation, of: command), "\(line)")
        }
        // The generator reaches the command lines that run often enough to test them.
        #expect(read > 500, "\(read)")
    }

    @Test func leavesEverythingElseToArgumentParser() {
        for line in [
            [], ["--check"], ["a.json", "--help"], ["a.json", "--version"], ["a.json", "-o"], ["a.json", "-o", "--check"],
            ["a.json", "--format", "gif"], ["a.json", "--step", "-1"], ["a.json", "-oout.svg"], ["a.json", "--depth", "x"],
            ["a.json", "--check=yes"], ["a.json", "--colour", "grad"], ["a.json", "-h"],
        ] {
            #expect(Invocation(arguments: line) == nil, "\(line)")
        }
        #expect(Invocation(arguments: ["a.json", "-o", "-", "--check"])?.settings.options.checksGradients == true)
        #expect(Invocation(arguments: ["a.json", "--format=svg", "-o=-"])?.settings.output == "-")
        #expect(Invocation(arguments: ["a.json", "--", "-b.json", "--check"])?.inputs == ["a.json", "-b.json", "--check"])
        #expect(Invocation(arguments: ["a.json", "-o", "x.svg", "--output", "y.svg"])?.settings.output == "y.svg")
        #expect(Invocation(arguments: joiningNegativeValues(["a.json", "--precision", "-1"]))?.settings.options.precision == -1)
    }

    /// The command line that ArgumentParser's parse stands for, restated through the table's
    /// spellings: each option's property that ArgumentParser filled, as `--name value` (its
    /// property's name in kebab case is its declaration's), a flag that is set as `--name`, and
    /// the inputs after `--`.
    static func restated(_ command: Mgviz) -> [String] {
        var arguments: [String] = [], inputs: [String] = []
        for (property, value) in parsedProperties(command) {
            if property == "inputs" {
                inputs = value as? [String] ?? []
                continue
            }
            let name = CommandOption.named(kebabCase(property)).name
            switch unwrapped(value) {
            case nil: continue
            case let flag as Bool: if flag { arguments.append("--" + name) }
            case let argument as any ExpressibleByArgument:
                // Joined when the value starts with a dash, which only joined is a value.
                let text = argument.defaultValueDescription
                arguments += text.first == "-" && text != "-" ? ["--\(name)=\(text)"] : ["--" + name, text]
            case let other?: Issue.record("\(property) holds \(other)")
            }
        }
        return arguments + ["--"] + inputs
    }

    /// An invocation without what ArgumentParser cannot see: whether an option that has a
    /// default there was given.
    static func observable(_ invocation: Invocation, of command: Mgviz) -> Invocation {
        let defaulted = parsedProperties(command).filter { !($0.value is Bool) && isNotOptional($0.value) }.map { kebabCase($0.property) }
        var observable = invocation
        observable.settings.given = Array(Set(invocation.settings.given).subtracting(defaulted)).sorted()
        return observable
    }

    /// ArgumentParser's properties and the values it parsed into them.
    static func parsedProperties(_ command: Mgviz) -> [(property: String, value: Any)] {
        Mirror(reflecting: command).children.compactMap { child in
            guard let label = child.label, let parsed = child.value as? any ParsedProperty else { return nil }
            return (String(label.dropFirst()), parsed.parsedValue)
        }
    }

    static func kebabCase(_ name: String) -> String {
        name.reduce(into: "") { $0 += $1.isUppercase ? "-" + $1.lowercased() : String($1) }
    }

    static func unwrapped(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .optional else { return value }
        return mirror.children.first.map(\.value)
    }

    static func isNotOptional(_ value: Any) -> Bool { Mirror(reflecting: value).displayStyle != .optional }
}

/// An ArgumentParser property wrapper, read once parsed.
protocol ParsedProperty {
    var parsedValue: Any { get }
}

extension Option: ParsedProperty {
    var parsedValue: Any { wrappedValue }
}

extension Flag: ParsedProperty {
    var parsedValue: Any { wrappedValue }
}

extension Argument: ParsedProperty {
    var parsedValue: Any { wrappedValue }
}
