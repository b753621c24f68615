import ArgumentParser
import Foundation
import Micrograd
import MgvizExport
import MgvizRender
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

            Exit codes: 0 success, 1 a gradient check or an "expect" entry is WRONG,
            64 usage error, 65 bad spec (or too big to lay out), 66 unreadable input,
            70 rendering failed, 73 output not writable.
            """,
        version: "0.1.0"
    )

    /// ArgumentParser's own messages echo what was typed (`The value 'x' is invalid for
    /// '--format'`), so they get the same escaping as mgviz's: a value holding a newline or
    /// an escape sequence cannot split the error or drive the terminal.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let status = exitCode(for: error)
            var text = fullMessage(for: error)
            if status == .success {
                print(text)
            } else if !text.isEmpty {
                // Its own layout has line breaks; only what it echoes of the arguments is escaped:
                // a whole argument, or the value of an `--option=value` one.
                let echoed = CommandLine.arguments.flatMap { argument in
                    [argument] + (argument.hasPrefix("-") ? argument.split(separator: "=", maxSplits: 1).dropFirst().map(String.init) : [])
                }
                for argument in echoed.sorted(by: { $0.count > $1.count }) where escapingControlCharacters(argument) != argument {
                    text = text.replacingOccurrences(of: argument, with: escapingControlCharacters(argument))
                }
                FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
            }
            Glibc.exit(status.rawValue)
        }
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
    var rankdir: DOTExporter.RankDirection = .LR

    @Option(help: "Decimals shown for data and grad (0 to 17); tooltips always have full precision. Example: --precision 6")
    var precision: Int = 4

    @Flag(help: "Forward only: do not run backward, and show no grads.")
    var noBackward = false

    @Option(help: "Fill colour by node kind, or by the grad's sign and log-scaled size, with dead (zero-grad) nodes grey. Example: --color grad")
    var color: DOTExporter.Coloring = .kind

    @Flag(help: "Check every input's grad against the central difference (f(x+h) - f(x-h)) / 2h; prints OK or WRONG per input and exits 1 on any WRONG. Writes a diagram only with -o. Example: --check")
    var check = false

    @Option(help: "The h of --check. Example: --step 1e-4")
    var step: Double = 1e-6

    @Option(help: "What --check allows: |autograd - numeric| <= T + T * |numeric|. Example: --tolerance 1e-7")
    var tolerance: Double = 1e-5

    @Option(help: "Draw each neuron of a spec's \"mlp\" as one node with its activation's data and grad. Example: --collapse neurons")
    var collapse: Collapse?

    @Option(help: ArgumentHelp(
        "Draw only the values within --depth ops of the node with this label (or id, like n42), on both sides; each cut edge gets a stub saying how many nodes lie beyond it. Backward still runs on the whole graph. Example: --focus h1 --depth 2",
        valueName: "name"))
    var focus: String?

    @Option(help: "With --focus: how many ops away from the focused node to draw (default \(Self.defaultDepth)). Example: --depth 3")
    var depth: Int?

    static let defaultDepth = 2

    @Option(help: "Refuse to lay out (svg, png, pdf) graphs with more nodes than this; .dot and .json have no limit. Example: --max-nodes 5000")
    var maxNodes: Int = LayoutCost.defaultMaximumValues

    @Option(help: "Stop a layout (svg, png, pdf, html) that has used this many seconds of CPU, with exit 65: the last guard for shapes the cost estimate does not foresee. Example: --max-layout-seconds 60")
    var maxLayoutSeconds: Int = 10

    @Option(help: ArgumentHelp(
        "PNG resolution in dots per inch (default \(Int(BitmapSize.defaultDotsPerInch))). A big graph is drawn at less, to stay within \(BitmapSize.defaultMaximumPixels / 1_000_000) megapixels; mgviz says so. Example: --dpi 192",
        valueName: "n"))
    var dpi: Double?

    func validate() throws {
        guard (0...17).contains(precision) else {
            throw ValidationError("--precision must be from 0 to 17, got \(precision)")
        }
        guard step > 0, step.isFinite else { throw ValidationError("--step must be a positive number, got \(step)") }
        guard tolerance >= 0, tolerance.isFinite else { throw ValidationError("--tolerance must be 0 or more, got \(tolerance)") }
        guard maxNodes > 0 else { throw ValidationError("--max-nodes must be positive, got \(maxNodes)") }
        guard (1...86_400).contains(maxLayoutSeconds) else {
            throw ValidationError("--max-layout-seconds must be from 1 to 86400, got \(maxLayoutSeconds)")
        }
        if let depth {
            guard focus != nil else { throw ValidationError("--depth goes with --focus NAME") }
            guard depth >= 0 else { throw ValidationError("--depth must be 0 or more, got \(depth)") }
        }
        if check && noBackward { throw ValidationError("--check compares backward's grads: drop --no-backward") }
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
            let format = try resolvedFormat(outputPath(for: input))
            if dpi != nil && format != .png { throw ValidationError("--dpi is for PNG output; \(format.rawValue) has no pixels") }
        }
        if let dpi, !(1...2400).contains(dpi) { throw ValidationError("--dpi must be from 1 to 2400, got \(dpi)") }
    }

    /// Where INPUT's diagram goes: -o, or its name with the format's extension in --out-dir
    /// (or in the current folder).
    private func outputPath(for input: String) -> String {
        if let output { return output }
        let stem = URL(fileURLWithPath: input).deletingPathExtension().lastPathComponent
        let name = stem + "." + (format ?? .svg).rawValue
        return outDir.map { joinedPath($0, name) } ?? name
    }

    private func resolvedFormat(_ outputPath: String) throws -> OutputFormat {
        if let format { return format }
        if outputPath == "-" { return .svg }
        let ext = URL(fileURLWithPath: outputPath).pathExtension.lowercased()
        guard let format = OutputFormat(rawValue: ext) else {
            throw ValidationError(
                "cannot tell the format of '\(outputPath)' from its extension; use .svg, .png, .pdf, .dot, .json or .html, or --format")
        }
        return format
    }

    func run() throws {
        TemporaryFile.removeOnSignals()
        let outputs = inputs.map(outputPath(for:))
        do throws(Failure) {
            if writesDiagrams { try checkOutputsAreDistinct(outputs) }
            if let outDir, !OutputFile.makeFolder(outDir) {
                throw Failure("cannot create the --out-dir folder \(shown(outDir)): \(systemError())", exitStatus: .cannotCreate)
            }
        } catch {
            printError("mgviz: error: \(error.message)")
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

    /// Past this many nodes an expanded model is more wires than lesson (the lecture's
    /// MLP(3, [4, 4, 1]) with its loss has 120).
    static let collapseSuggestedAbove = 500

    /// --check alone only prints its verdicts.
    private var writesDiagrams: Bool { !check || output != nil || outDir != nil }

    /// Refuses, before anything is written, an output that is a spec (its own or another) or
    /// that another spec's output is too, whatever links and relative paths lead there.
    private func checkOutputsAreDistinct(_ outputs: [String]) throws(Failure) {
        // The first spec with each identity, in a table, so that a batch of n specs costs O(n).
        var specs: [FileIdentity: Int] = [:]
        for (index, input) in inputs.enumerated() {
            if let identity = FileIdentity(input: input), specs[identity] == nil { specs[identity] = index }
        }
        var written: [FileIdentity: Int] = [:]
        for (i, output) in outputs.enumerated() {
            guard let identity = FileIdentity(output: output) else { continue }
            if let spec = specs[identity] {
                if spec == i {
                    throw Failure(
                        "\(shown(inputs[i])): the output would overwrite the spec itself; choose another \(outDir == nil ? "-o" : "--out-dir")",
                        exitStatus: .usage)
                }
                throw Failure(
                    "the output \(shown(output)) of \(shown(inputs[i])) would overwrite the spec \(shown(inputs[spec])); choose another --out-dir",
                    exitStatus: .usage)
            }
            if let first = written[identity] {
                throw Failure(
                    "\(shown(inputs[first])) and \(shown(inputs[i])) would both write \(shown(output)); rename one or run them separately",
                    exitStatus: .usage)
            }
            written[identity] = i
        }
    }

    /// One spec to one output; returns the exit code it earns. Errors are reported here, so
    /// that batch mode goes on to the next spec.
    private func draw(_ input: String, to outputPath: String) -> ExitStatus {
        let allRight: Bool
        do throws(Failure) {
            let (bytes, name) = try InputFile.read(input)
            let evaluation: Evaluation
            do { evaluation = try Spec(bytes: bytes, file: name).evaluate(file: name) } catch { throw Failure(error) }
            if noBackward && !(evaluation.expect?.grads.isEmpty ?? true) {
                throw Failure("\(shown(name)): \"expect\" has grads, which --no-backward does not compute", exitStatus: .usage)
            }
            if !noBackward { evaluation.output.backward() }
            var diagram = Diagram(
                output: evaluation.output, title: evaluation.title, withGrad: !noBackward,
                parameters: evaluation.parameters, neurons: evaluation.neurons)
            // Reports go to stdout, unless the diagram does.
            let report = Report(toStandardError: output == "-")
            let checked = check ? report.gradientCheck(evaluation, GradientCheck(tolerance: tolerance, step: step), marking: &diagram) : true
            let expected = report.expectations(evaluation, marking: &diagram)
            allRight = checked && expected
            if let origin = diagram.firstNonFinite() { printError("mgviz: warning: \(origin.message)") }
            if collapse == .neurons {
                diagram = diagram.collapsingNeurons()
            } else if writesDiagrams && !evaluation.neurons.isEmpty && diagram.nodes.count > Self.collapseSuggestedAbove && focus == nil {
                printError("mgviz: note: \(shown(name)): the model's graph has \(diagram.nodes.count) nodes; --collapse neurons draws each neuron as one node")
            }
            if let focus {
                do throws(FocusError) {
                    diagram = diagram.focusing(on: try diagram.position(named: focus), depth: depth ?? Self.defaultDepth)
                } catch {
                    throw Failure("\(shown(name)): \(error.message)", exitStatus: .usage)
                }
            }
            if writesDiagrams {
                let format = try! resolvedFormat(outputPath)  // validate() checked it
                try OutputFile.write(try render(diagram, as: format, file: name), to: outputPath)
            }
        } catch {
            printError("mgviz: error: \(error.message)")
            return error.exitStatus
        }
        return allRight ? .success : .wrong
    }

    /// Below this a PNG's text is a few pixels high at best: no use to anyone.
    static let minimumUsefulDotsPerInch = 10.0

    private var bitmapSize: BitmapSize {
        BitmapSize(dotsPerInch: dpi ?? BitmapSize.defaultDotsPerInch, minimumDotsPerInch: Self.minimumUsefulDotsPerInch)
    }

    /// A PNG drawn at less than --dpi because of the pixel cap is worth a note; one drawn too
    /// small to read is refused.
    private func checkResolution(_ used: Double, file: String) throws(Failure) {
        let size = bitmapSize
        let why = "to stay within \(size.maximumPixels / 1_000_000) megapixels and \(BitmapSize.maximumSide) pixels a side"
        guard used >= size.minimumDotsPerInch else {
            throw Failure(
                "\(shown(file)): the PNG would be drawn at \(fixedText(used, decimals: 2)) dpi \(why), too small to read; write .svg or .pdf, or draw a part with --focus NAME --depth K",
                exitStatus: .dataError)
        }
        if used < size.dotsPerInch {
            printError("mgviz: note: the PNG is drawn at \(fixedText(used, decimals: 0)) dpi, not \(fixedText(size.dotsPerInch, decimals: 0)), \(why); write .svg or .pdf for every detail")
        }
    }

    private func render(_ diagram: Diagram, as format: OutputFormat, file: String) throws(Failure) -> [UInt8] {
        let exporter = DOTExporter(rankDirection: rankdir, precision: precision, coloring: color)
        switch format {
        case .json: return JSONExporter().exportBytes(diagram)
        case .dot: return exporter.exportBytes(diagram)
        case .svg, .png, .pdf, .html:
            guard diagram.nodes.count <= maxNodes else {
                throw Failure(
                    "\(shown(file)): the graph has \(diagram.nodes.count) nodes, more than --max-nodes \(maxNodes) allows for a \(format.rawValue) layout (Graphviz slows down on big graphs); write .dot or .json instead, or raise --max-nodes",
                    exitStatus: .dataError)
            }
            let cost = diagram.layoutCost
            guard !cost.isTooCostly else {
                let wayOut = diagram.nodes.contains { $0.cluster != nil } && collapse == nil ? "collapse the model with --collapse neurons, " : ""
                throw Failure(
                    "\(shown(file)): this graph is likely to take dot over 10 s to lay out: \(cost.graphvizNodes) nodes, layout cost \(cost.score) (at most \(LayoutCost.refusalThreshold)), fan-out reach \(cost.fanOutReach) (at most \(LayoutCost.fanOutReachThreshold)); \(wayOut)draw a part with --focus NAME --depth K, or write .dot or .json",
                    exitStatus: .dataError)
            }
            let dot = exporter.export(diagram)
            let stopped = "mgviz: error: \(shown(file)): dot did not finish this layout within --max-layout-seconds \(maxLayoutSeconds) of CPU time; draw a part with --focus NAME --depth K, write .dot or .json, or raise the limit"
            let bytes: [UInt8], dotsPerInch: Double?
            do throws(RenderError) {
                (bytes, dotsPerInch) = try LayoutWatchdog.run(seconds: maxLayoutSeconds, message: escapingControlCharacters(stopped)) {
                    () throws(RenderError) -> ([UInt8], Double?) in
                    if format == .png {
                        let (png, used) = try Renderer().renderPNG(dot, size: bitmapSize)
                        return (Array(png), used)
                    }
                    let rendered = Array(try Renderer().render(dot, to: format.renderFormat!))
                    return (format == .html ? HTMLViewer().page(svg: rendered, diagram: diagram) : rendered, nil)
                }
            } catch {
                throw Failure(error.description, exitStatus: .software)
            }
            if let dotsPerInch { try checkResolution(dotsPerInch, file: file) }
            return bytes
        }
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case svg, png, pdf, dot, json
    /// A self-contained page around the SVG.
    case html

    /// The Graphviz format for the layout formats; nil for what mgviz writes itself.
    var renderFormat: Format? {
        switch self {
        case .svg, .html: return .svg
        case .png: return .png
        case .pdf: return .pdf
        case .dot, .json: return nil
        }
    }
}

extension DOTExporter.RankDirection: ExpressibleByArgument {}
extension DOTExporter.Coloring: ExpressibleByArgument {}

enum Collapse: String, ExpressibleByArgument, CaseIterable {
    case neurons
}

/// Every error and warning goes through here: one line, whatever the strings in it hold.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((escapingControlCharacters(line) + "\n").utf8))
}

extension FocusError {
    var message: String {
        switch self {
        case .unknownName(let name, let nearMatches):
            let hint = nearMatches.isEmpty ? "" : "; did you mean " + nearMatches.map { "'\(echo($0))'" }.joined(separator: ", ") + "?"
            return "--focus: no node is labelled '\(echo(name))' or has that id\(hint)"
        case .ambiguousName(let name, let ids, let count):
            return "--focus: \(count) nodes are labelled '\(echo(name))'; name one by its id: \(ids.joined(separator: ", "))\(count > ids.count ? ", …" : "")"
        }
    }
}
