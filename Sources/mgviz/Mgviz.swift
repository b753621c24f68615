import ArgumentParser
import Foundation
import MgvizKit
import MgvizSpec

@main
struct Mgviz: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mgviz",
        abstract: "Draw a micrograd expression graph: every node's op, value and gradient.",
        discussion: """
            INPUT is a JSON spec (format v1; see the README):
              {"title": "…", "inputs": {"x": 2.0}, "define": ["y = x**2 + exp(x)"], "output": "y"}

            Examples:
              mgviz samples/softmax.json -o softmax.svg
              mgviz samples/neuron.json -o neuron.png --rankdir TB --precision 6
              mgviz samples/derivatives.json --check
              cat spec.json | mgviz - -o - --format json

            Exit codes: \(ExitStatus.success.rawValue) success, \(ExitStatus.wrong.rawValue) a gradient check or an "expect" entry is WRONG,
            \(ExitStatus.usage.rawValue) usage error, \(ExitStatus.dataError.rawValue) bad spec (or too big to lay out), \(ExitStatus.noInput.rawValue) unreadable input,
            \(ExitStatus.software.rawValue) rendering failed, \(ExitStatus.cannotCreate.rawValue) output not writable.
            """,
        version: "0.1.0"
    )

    /// Every failure ends here as one `mgviz: error: …` line, ArgumentParser's own included;
    /// only help and the version are printed as ArgumentParser lays them out.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let exit as ExitCode {
            Glibc.exit(exit.rawValue)
        } catch {
            let status = exitCode(for: error)
            guard status != .success else {
                print(fullMessage(for: error))
                Glibc.exit(0)
            }
            report(.error, "\(oneLine(message(for: error))); see 'mgviz --help'")
            Glibc.exit(status.rawValue)
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
            message = message.replacingOccurrences(of: argument, with: escapingControlCharacters(argument))
        }
        var text = "", choices: [String] = []
        for line in message.split(separator: "\n") {
            if line.hasPrefix("Help:") || line.hasPrefix("Usage:") || line.hasPrefix("  See ") { break }
            if line.hasPrefix("  - ") {
                choices.append(String(line.dropFirst(4)))
            } else {
                text += (text.isEmpty ? "" : " ") + line.trimmingCharacters(in: .whitespaces)
            }
        }
        if text.hasPrefix("Error: ") { text.removeFirst(7) }
        return choices.isEmpty ? text : text + " " + choices.joined(separator: ", ")
    }

    @Argument(help: ArgumentHelp(
        "The spec file, or - for standard input. Several with --out-dir: mgviz samples/*.json --out-dir docs --format svg",
        valueName: "input"))
    var inputs: [String]

    @Option(help: ArgumentHelp(
        "Batch mode: write each INPUT's diagram into this folder (created if missing), named after it. Files whose bytes would not change are not rewritten. Example: --out-dir docs",
        valueName: "folder"))
    var outDir: String?

    @Option(
        name: [.short, .customLong("output")],
        help: ArgumentHelp(
            "Where to write, or - for standard output. Default: INPUT's name with .svg, in the current folder. Example: -o out.png",
            valueName: "output"))
    var output: String?

    @Option(help: ArgumentHelp(
        "The output format; by default it comes from OUTPUT's extension (svg for -). Example: --format json",
        valueName: "format"))
    var format: OutputFormat?

    @Option(help: "Layout direction: LR (left to right, as micrograd draws) or TB (top to bottom). Example: --rankdir TB")
    var rankdir: RankDirection = DrawOptions().rankDirection

    @Option(help: "Decimals shown for data and grad (\(DrawOptions.precisionRange.lowerBound) to \(DrawOptions.precisionRange.upperBound)); tooltips always have full precision. Example: --precision 6")
    var precision: Int = DrawOptions().precision

    @Flag(help: "Forward only: do not run backward, and show no grads.")
    var noBackward = false

    @Option(help: "Fill colour by node kind, or by the grad's sign and log-scaled size, with dead (zero-grad) nodes grey. Example: --color grad")
    var color: Coloring = DrawOptions().coloring

    @Flag(help: "Check every input's grad against the central difference (f(x+h) - f(x-h)) / 2h; prints OK or WRONG per input and exits 1 on any WRONG. Writes a diagram only with -o. Example: --check")
    var check = false

    @Option(help: "The h of --check. Example: --step 1e-4")
    var step: Double = DrawOptions().gradientStep

    @Option(help: "What --check allows: |autograd - numeric| <= T + T * |numeric|. Example: --tolerance 1e-7")
    var tolerance: Double = DrawOptions().gradientTolerance

    @Option(help: "Draw each neuron of a spec's \"mlp\" as one node with its activation's data and grad. Example: --collapse neurons")
    var collapse: DrawOptions.Collapse?

    @Option(help: ArgumentHelp(
        "Draw only the values within --depth ops of the node with this label (or id, like n42), on both sides; each cut edge gets a stub saying how many nodes lie beyond it. Backward still runs on the whole graph. Example: --focus h1 --depth 2",
        valueName: "name"))
    var focus: String?

    @Option(help: "With --focus: how many ops away from the focused node to draw (default \(DrawOptions().focusDepth)). Example: --depth 3")
    var depth: Int?

    @Option(help: "Refuse to lay out (svg, png, pdf) graphs with more nodes than this; .dot and .json have no limit. Example: --max-nodes 5000")
    var maxNodes: Int = DrawOptions().maximumNodes

    @Option(help: "Stop a layout (svg, png, pdf, html) that has used this many seconds of CPU, with exit 65: the last guard for shapes the cost estimate does not foresee. Example: --max-layout-seconds 60")
    var maxLayoutSeconds: Int = DrawOptions.commandLayoutSeconds

    @Option(help: ArgumentHelp(
        "PNG resolution in dots per inch (default \(Int(DrawOptions().dotsPerInch))). A big graph is drawn at less, to stay within \(DrawOptions.maximumPixels / 1_000_000) megapixels; mgviz says so. Example: --dpi 192",
        valueName: "n"))
    var dpi: Double?

    /// The options the flags describe.
    private var options: DrawOptions {
        var options = DrawOptions(
            rankDirection: rankdir, precision: precision, coloring: color, showsGradients: !noBackward,
            checksGradients: check, gradientStep: step, gradientTolerance: tolerance, collapse: collapse, focus: focus,
            maximumNodes: maxNodes, maximumLayoutSeconds: maxLayoutSeconds)
        if let depth { options.focusDepth = depth }
        if let dpi { options.dotsPerInch = dpi }
        return options
    }

    func validate() throws {
        if depth != nil && focus == nil { throw ValidationError("--depth goes with --focus NAME") }
        do { try options.validate() } catch { throw ValidationError(error.description) }
        if let outDir {
            guard output == nil else { throw ValidationError("give -o or --out-dir, not both") }
            guard !inputs.contains("-") else { throw ValidationError("--out-dir names files after their specs: standard input has no name") }
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: outDir, isDirectory: &isFolder), !isFolder.boolValue {
                throw ValidationError("--out-dir \(shown(outDir)) is not a folder")
            }
        } else if inputs.count != 1 {
            throw ValidationError("several inputs need --out-dir (or give one input with -o)")
        }
        if inputs == ["-"] && output == nil && !check {
            throw ValidationError("reading a spec from standard input needs -o (a file, or - for standard output)")
        }
        for input in inputs {
            let format: OutputFormat
            do { format = try resolvedFormat(outputPath(for: input)) } catch { throw ValidationError(error.description) }
            if dpi != nil && format != .png { throw ValidationError("--dpi is for PNG output; \(format.rawValue) has no pixels") }
        }
    }

    /// Where INPUT's diagram goes: -o, or its name with the format's extension in --out-dir
    /// (or in the current folder).
    private func outputPath(for input: String) -> String {
        if let output { return output }
        let stem = URL(fileURLWithPath: input).deletingPathExtension().lastPathComponent
        let name = stem + "." + (format ?? .svg).rawValue
        return outDir.map { joinedPath($0, name) } ?? name
    }

    private func resolvedFormat(_ outputPath: String) throws(DrawError) -> OutputFormat {
        if let format { return format }
        if outputPath == "-" { return .svg }
        guard let format = OutputFormat(path: outputPath) else { throw .unknownFormat(path: outputPath) }
        return format
    }

    func run() throws {
        TemporaryFile.removeOnSignals()
        let outputs = inputs.map(outputPath(for:))
        do throws(CommandError) {
            if writesDiagrams { try checkOutputsAreDistinct(outputs) }
            if let outDir, !OutputFile.makeFolder(outDir) { throw .cannotCreateFolder(outDir, reason: systemError()) }
        } catch {
            report(.error, error.description)
            throw ExitCode(error.exitStatus.rawValue)
        }
        // Batch mode exits with the first failure's status.
        var status = ExitStatus.success
        for (input, output) in zip(inputs, outputs) {
            if inputs.count > 1 { FileHandle.standardOutput.write(Data("== \(shown(input))\n".utf8)) }
            let outcome = draw(input, to: output)
            if status == .success { status = outcome }
        }
        if status != .success { throw ExitCode(status.rawValue) }
    }

    /// --check alone only prints its verdicts.
    private var writesDiagrams: Bool { !check || output != nil || outDir != nil }

    /// Refuses, before anything is written, an output that is a spec (its own or another) or
    /// that another spec's output is too, whatever links and relative paths lead there.
    private func checkOutputsAreDistinct(_ outputs: [String]) throws(CommandError) {
        // The first spec with each identity, in a table, so that a batch of n specs costs O(n).
        var specs: [FileIdentity: Int] = [:]
        for (index, input) in inputs.enumerated() {
            if let identity = FileIdentity(input: input), specs[identity] == nil { specs[identity] = index }
        }
        var written: [FileIdentity: Int] = [:]
        for (i, output) in outputs.enumerated() {
            guard let identity = FileIdentity(output: output) else { continue }
            if let spec = specs[identity] {
                guard spec != i else { throw .outputIsItsSpec(inputs[i], isBatch: outDir != nil) }
                throw .outputIsAnotherSpec(output, of: inputs[i], spec: inputs[spec])
            }
            if let first = written[identity] { throw .outputsCollide(output, inputs[first], inputs[i]) }
            written[identity] = i
        }
    }

    /// One spec to one output; returns the exit code it earns. Errors are reported here, so
    /// that batch mode goes on to the next spec.
    private func draw(_ input: String, to outputPath: String) -> ExitStatus {
        var name = input
        do throws(DrawError) {
            let bytes: [UInt8]
            do { (bytes, name) = try InputFile.read(input) } catch { throw .file(error) }
            let spec: Spec
            // Consumed, as is the spec by Drawing: a big spec's bytes are not kept while it is drawn.
            do { spec = try Spec(bytes: consume bytes) } catch { throw .spec(error) }
            let drawing = try Drawing(spec: consume spec, options: options)
            // Reports go to stdout, unless the diagram does.
            Report(toStandardError: output == "-").print(drawing)
            if let warning = drawing.nonFinite { report(.warning, warning.description) }
            // A focus on a missing name is an error even when --check alone writes nothing.
            _ = try drawing.diagram
            if writesDiagrams {
                if drawing.suggestsCollapsing {
                    report(.note, "\(shown(name)): the model's graph has \(drawing.checkedDiagram.nodes.count) nodes; --collapse neurons draws each neuron as one node")
                }
                // DOT and JSON go into the file as they are made; the layout formats are rendered whole.
                try drawing.write(as: try resolvedFormat(outputPath), to: outputPath, inputName: name) { report(.note, $0) }
            }
            return drawing.isCorrect ? .success : .wrong
        } catch {
            report(.error, (error.namesInput ? "\(shown(name)): " : "") + error.description)
            return error.exitStatus
        }
    }
}

extension OutputFormat: ExpressibleByArgument {}
extension RankDirection: ExpressibleByArgument {}
extension Coloring: ExpressibleByArgument {}
extension DrawOptions.Collapse: ExpressibleByArgument {}

/// Every error, warning and note goes through here, to standard error as one line.
func report(_ diagnostic: Diagnostic, _ message: String) {
    FileHandle.standardError.write(Data((diagnostic.line(message) + "\n").utf8))
}

/// A failure of the command itself, before any spec is drawn.
enum CommandError: Error, CustomStringConvertible {
    /// An input's output is the input itself; `isBatch` when --out-dir named it.
    case outputIsItsSpec(String, isBatch: Bool)
    case outputIsAnotherSpec(String, of: String, spec: String)
    /// Two inputs would write one output.
    case outputsCollide(String, String, String)
    case cannotCreateFolder(String, reason: String)

    var description: String {
        switch self {
        case .outputIsItsSpec(let input, let isBatch):
            return "\(shown(input)): the output would overwrite the spec itself; choose another \(isBatch ? "--out-dir" : "-o")"
        case .outputIsAnotherSpec(let output, let input, let spec):
            return "the output \(shown(output)) of \(shown(input)) would overwrite the spec \(shown(spec)); choose another --out-dir"
        case .outputsCollide(let output, let first, let second):
            return "\(shown(first)) and \(shown(second)) would both write \(shown(output)); rename one or run them separately"
        case .cannotCreateFolder(let folder, let reason):
            return "cannot create the --out-dir folder \(shown(folder)): \(reason)"
        }
    }

    var exitStatus: ExitStatus {
        switch self {
        case .outputIsItsSpec, .outputIsAnotherSpec, .outputsCollide: return .usage
        case .cannotCreateFolder: return .cannotCreate
        }
    }
}
