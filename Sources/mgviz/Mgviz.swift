import ArgumentParser
import CGraphviz
import Glibc
import MgvizExport
import MgvizFiles
import MgvizKit
import MgvizProcess
import MgvizRender
import MgvizSpec
import Micrograd

@main
struct Mgviz: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mgviz",
        abstract: "Draw a micrograd expression graph: every node's op, value and gradient.",
        discussion: """
            INPUT is one of:
              a JSON spec (format v1; see the README):
                {"inputs": {"x": 2.0}, "define": ["y = x**2 + exp(x)"], "output": "y"}
              a text spec (.mg), one statement per line, # for comments:
                x = 2.0
                y = x**2 + exp(x)
              a graph dump ("format": "mgviz-graph"), as mgviz -o g.json or
                Python's mgviz.dump writes it, drawn as given.
              a training run ("format": "mgviz-run"), as mgviz.Recorder saves it:
                its timeline with -o run.html, a kept step's graph with --step N,
                and its alarms on standard error.

            Examples:
              mgviz samples/softmax.json -o softmax.svg
              mgviz samples/neuron.json -o neuron.png --rankdir TB --precision 6
              mgviz samples/derivatives.json --check
              mgviz samples/softmax.mg -o softmax.svg
              cat spec.json | mgviz - -o - --format json
              mgviz diff before.json after.json -o diff.svg

            mgviz diff A B compares two graphs (any inputs, or a Markdown
            block: guide.md#name): it prints what differs to standard error,
            draws B with its changes marked with -o, and exits 0 when nothing
            differs beyond --tolerance, 1 when something does, 2 on any
            failure, as diff(1) does.

            Exit codes: \(ExitStatus.success.rawValue) success, \(ExitStatus.wrong.rawValue) a gradient check or an "expect" entry is WRONG,
            \(ExitStatus.usage.rawValue) usage error, \(ExitStatus.dataError.rawValue) bad spec or dump (or too big to lay out),
            \(ExitStatus.noInput.rawValue) unreadable input, \(ExitStatus.software.rawValue) rendering failed, \(ExitStatus.cannotCreate.rawValue) output not writable.
            """,
        version: "0.1.0 (Graphviz \(graphvizVersion))"
    )

    /// The version of the libgvc that mgviz runs with (the wheel's own, or the machine's), not
    /// of the headers it was built against; asked of a context with no plugins.
    private static var graphvizVersion: String {
        guard let context = gvContextPlugins(nil, 0) else { return "unknown" }
        defer { gvFreeContext(context) }
        return gvcVersion(context).map { String(cString: $0) } ?? "unknown"
    }

    /// Every failure ends here as one `mgviz: error: …` line, ArgumentParser's own included;
    /// only help and the version are printed as ArgumentParser lays them out.
    ///
    /// Every command line that runs is read by `Invocation(arguments:)`, through the option
    /// table; the others (help, the version, usage errors) go to ArgumentParser, which prints
    /// or words them. A command line that reads but does not validate is refused in
    /// ArgumentParser's format, as its `validate()` would have.
    static func main() {
        let arguments = joiningNegativeValues(Array(CommandLine.arguments.dropFirst()))
        // mgviz diff fails with 2 whatever the failure, as diff(1) does.
        let failure = { (status: Int32) in arguments.first == Invocation.differenceWord ? ExitStatus.trouble.rawValue : status }
        do {
            guard let invocation = Invocation(arguments: arguments) else {
                try refuseUnknownOptions(arguments)
                // Help or the version, which their commands print, or a usage error.
                var command = try parseAsRoot(arguments)
                try command.run()
                Glibc.exit(ExitStatus.success.rawValue)
            }
            do throws(UsageError) { try invocation.validate() } catch { throw ValidationError(error.message) }
            let status = invocation.run()
            Glibc.exit(status == .success || status == .wrong ? status.rawValue : failure(status.rawValue))
        } catch {
            let status = exitCode(for: error)
            guard status != .success else {
                print(fullMessage(for: error))
                Glibc.exit(0)
            }
            report(.error, "\(oneLine(message(for: error))); see 'mgviz --help'")
            Glibc.exit(failure(status.rawValue))
        }
    }

    /// ArgumentParser's message on one line: without its "Error: ", the help and usage it adds
    /// on later lines, and with a list of choices (`  - svg`) written `svg, png, …`.
    /// What it echoes of the arguments is escaped first, so that a value holding a newline or
    /// an escape sequence can neither split the line nor drive the terminal.
    private static func oneLine(_ message: String) -> String {
        var message = message
        // A whole argument, or the value of an `--option=value` one.
        let echoed = CommandLine.arguments.flatMap { argument in
            [argument] + (argument.hasPrefix("-") ? argument.split(separator: "=", maxSplits: 1).dropFirst().map(String.init) : [])
        }
        for argument in echoed.sorted(by: { $0.count > $1.count }) where escapingControlCharacters(argument) != argument {
            message = replacing(argument, with: escapingControlCharacters(argument), in: message)
        }
        var text = "", choices: [String] = []
        for line in message.split(separator: "\n") {
            if line.hasPrefix("Help:") || line.hasPrefix("Usage:") || line.hasPrefix("  See ") { break }
            if line.hasPrefix("  - ") {
                choices.append(String(line.dropFirst(4)))
            } else {
                text += (text.isEmpty ? "" : " ") + trimmingWhitespace(line)
            }
        }
        if text.hasPrefix("Error: ") { text.removeFirst(7) }
        if !choices.isEmpty { text += " " + choices.joined(separator: ", ") }
        // The caller adds "; see 'mgviz --help'": no sentence's full stop before it.
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// Reached only were ArgumentParser to read a command line that `Invocation(arguments:)`
    /// does not, which `PlainArguments.readsWhatArgumentParserReads` rules out.
    func run() throws {
        throw ValidationError("mgviz reads this command line otherwise than ArgumentParser does; please report it")
    }

    // ArgumentParser's view of the options, for help and usage errors: each takes its names,
    // help and value name from its declaration (`CommandOption`), its type from the setting
    // the declaration sets, and its default, which --help shows, from `Settings()`: the
    // defaults of DrawOptions and of the command.

    @Argument(help: ArgumentHelp(
        "The spec or graph dump, or - for standard input. Several with --out-dir: mgviz samples/*.json --out-dir docs --format svg",
        valueName: "input"))
    var inputs: [String]

    @Option(name: .declared("out-dir"), help: .declared("out-dir")) var outDir: String?
    @Option(name: .declared("output"), help: .declared("output")) var output: String?
    @Option(name: .declared("format"), help: .declared("format")) var format: OutputFormat?
    @Option(name: .declared("input-format"), help: .declared("input-format")) var inputFormat: InputFormat?
    @Option(name: .declared("rankdir"), help: .declared("rankdir")) var rankdir = Settings().options.rankDirection
    @Option(name: .declared("precision"), help: .declared("precision")) var precision = Settings().options.precision
    @Flag(name: .declared("no-backward"), help: .declared("no-backward")) var noBackward = false
    @Option(name: .declared("color"), help: .declared("color")) var color = Settings().options.coloring
    @Option(name: .declared("theme"), help: .declared("theme")) var theme = Settings().options.theme
    @Flag(name: .declared("check"), help: .declared("check")) var check = false
    @Flag(name: .declared("explain"), help: .declared("explain")) var explain = false
    @Option(name: .declared("notation"), help: .declared("notation")) var notation = Settings().options.notation
    @Option(name: .declared("steps"), help: .declared("steps")) var steps = Settings().options.backwardSteps
    @Flag(name: .declared("quiz"), help: .declared("quiz")) var quiz = false
    @Option(name: .declared("step"), help: .declared("step")) var step = Settings().options.gradientStep
    @Option(name: .declared("method"), help: .declared("method")) var method = Settings().options.gradientMethod
    @Option(name: .declared("tolerance"), help: .declared("tolerance")) var tolerance = Settings().options.gradientTolerance
    @Option(name: .declared("collapse"), help: .declared("collapse")) var collapse: DrawOptions.Collapse?
    @Option(name: .declared("batch"), help: .declared("batch")) var batch = Settings().options.batch
    @Option(name: .declared("example"), help: .declared("example")) var example: Int?
    @Option(name: .declared("focus"), help: .declared("focus")) var focus: String?
    @Option(name: .declared("depth"), help: .declared("depth")) var depth = Settings().options.focusDepth
    @Flag(name: .declared("only-changed"), help: .declared("only-changed")) var onlyChanged = false
    @Option(name: .declared("dead-steps"), help: .declared("dead-steps")) var deadSteps = Settings().alarms.deadSteps
    @Option(name: .declared("vanishing-ratio"), help: .declared("vanishing-ratio")) var vanishingRatio = Settings().alarms.vanishingRatio
    @Option(name: .declared("exploding-factor"), help: .declared("exploding-factor")) var explodingFactor = Settings().alarms.explodingFactor
    @Option(name: .declared("max-nodes"), help: .declared("max-nodes")) var maxNodes = Settings().options.maximumNodes
    @Option(name: .declared("max-layout-seconds"), help: .declared("max-layout-seconds")) var maxLayoutSeconds = Settings().maxLayoutSeconds
    @Option(name: .declared("dpi"), help: .declared("dpi")) var dpi = Settings().options.dotsPerInch
}

extension NameSpecification {
    /// The names of the declared option `name`: `--name`, and `-x` if it has a short one.
    static func declared(_ name: String) -> NameSpecification {
        let option = CommandOption.named(name)
        return option.shortName.map { [.customShort($0), .customLong(name)] } ?? [.customLong(name)]
    }
}

extension ArgumentHelp {
    /// The help and value name of the declared option `name`.
    static func declared(_ name: String) -> ArgumentHelp {
        let option = CommandOption.named(name)
        return ArgumentHelp(option.help, valueName: option.valueName)
    }
}

/// `text` with each `target` in it, left to right, replaced by `replacement`, matched byte for
/// byte.
private func replacing(_ target: String, with replacement: String, in text: String) -> String {
    String(decoding: Array(text.utf8).replacing(Array(target.utf8), with: Array(replacement.utf8)), as: UTF8.self)
}

