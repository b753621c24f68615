import ArgumentParser
import Glibc
import MgvizExport
import MgvizKit
import Micrograd
import MgvizSpec

/// What a command line asks for, and the command itself: `Mgviz` (ArgumentParser) fills it
/// in, or `init(plainArguments:)` does for the plain forms.
struct Invocation: Equatable {
    var inputs: [String] = []
    var outDir: String?
    var output: String?
    var format: OutputFormat?
    var inputFormat: InputFormat?
    var rankdir = DrawOptions().rankDirection
    var precision = DrawOptions().precision
    var noBackward = false
    var color = DrawOptions().coloring
    var theme = DrawOptions().theme
    var check = false
    var explain = false
    var quiz = false
    /// Nil unless given, as are method and tolerance: they go with --check.
    var step: Double?
    var method: FiniteDifference?
    var tolerance: Double?
    var collapse: DrawOptions.Collapse?
    var batch = DrawOptions().batch
    var example: Int?
    var focus: String?
    var depth: Int?
    var maxNodes = DrawOptions().maximumNodes
    var maxLayoutSeconds = DrawOptions.commandLayoutSeconds
    var dpi: Double?

    /// The values of the options not given: the defaults `--help` shows.
    static let defaults = Invocation()

    /// The options the flags describe.
    var options: DrawOptions {
        var options = DrawOptions(
            rankDirection: rankdir, precision: precision, coloring: color, theme: theme, opensQuiz: quiz, showsGradients: !noBackward,
            checksGradients: check, collapse: collapse, batch: batch, example: example, focus: focus,
            maximumNodes: maxNodes, maximumLayoutSeconds: maxLayoutSeconds)
        if let step { options.gradientStep = step }
        if let method { options.gradientMethod = method }
        if let tolerance { options.gradientTolerance = tolerance }
        if let depth { options.focusDepth = depth }
        if let dpi { options.dotsPerInch = dpi }
        return options
    }

    func validate() throws {
        if isMarkdown { return try validateDocuments() }
        if depth != nil && focus == nil { throw ValidationError("--depth goes with --focus NAME") }
        if !check, let stray = [("--step", step != nil), ("--method", method != nil), ("--tolerance", tolerance != nil)].first(where: \.1) {
            throw ValidationError("\(stray.0) goes with --check")
        }
        do { try options.validate() } catch { throw ValidationError(error.description) }
        if let outDir {
            guard output == nil else { throw ValidationError("give -o or --out-dir, not both") }
            guard !inputs.contains("-") else { throw ValidationError("--out-dir names files after their specs: standard input has no name") }
            var info = stat()
            if stat(outDir, &info) == 0, (info.st_mode & S_IFMT) != S_IFDIR {
                throw ValidationError("--out-dir \(shown(outDir)) is not a folder")
            }
        } else if inputs.count != 1 {
            throw ValidationError("several inputs need --out-dir (or give one input with -o)")
        }
        if explain && noBackward { throw ValidationError("--explain replays backward: drop --no-backward") }
        if explain && focus != nil { throw ValidationError("--explain replays backward on the whole graph: drop --focus") }
        if inputs == ["-"] && output == nil && !check && !explain {
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
        let stem = fileStem(input)
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
        if isMarkdown { return try runDocuments() }
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
            if inputs.count > 1 { writeAll("== \(shown(input))\n", to: STDOUT_FILENO) }
            let outcome = draw(input, to: output)
            if status == .success { status = outcome }
        }
        if status != .success { throw ExitCode(status.rawValue) }
    }

    /// --check and --explain alone only print their lines.
    private var writesDiagrams: Bool { !(check || explain) || output != nil || outDir != nil }

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
            let document: InputDocument
            // Consumed, as is the document by Drawing: a big input's bytes are not kept while it is drawn.
            let format = inputFormat ?? InputFormat(path: input) ?? .json
            do { document = try InputDocument(bytes: consume bytes, format: format) } catch { throw .spec(error) }
            let drawing = try Drawing(document: consume document, options: options)
            // Reports go to stdout, unless the diagram does.
            Report(toStandardError: output == "-").print(drawing)
            if explain {
                // Counted before the ledger is built: it would hold every line's texts.
                let uses = try drawing.diagram.edgeCount
                guard uses <= DrawOptions.maximumExplanationLines else {
                    throw .explanationTooLong(lines: uses, maximum: DrawOptions.maximumExplanationLines)
                }
                // Focus and --no-backward are refused before; a dump may have no grads.
                guard let ledger = drawing.backwardLedger else { throw .explainNeedsGrads }
                let lines = ledger.explanation(in: try drawing.diagram).map { $0 + "\n" }.joined()
                writeAll(lines, to: output == "-" ? STDERR_FILENO : STDOUT_FILENO)
            }
            if let warning = drawing.nonFinite { report(.warning, warning.description) }
            if options.collapse != nil && !drawing.checkedDiagram.hasNeurons {
                report(.warning, "\(shown(name)): --collapse \(options.collapse!.rawValue) has nothing to collapse: the graph has no model neurons (a spec's \"mlp\" or \"batch\", a Swift model's calls, or a dump's groups)")
            }
            // A focus on a missing name is an error even when --check alone writes nothing.
            _ = try drawing.diagram
            if writesDiagrams {
                if let note = drawing.viewNote { report(.note, "\(shown(name)): \(note)") }
                if drawing.suggestsCollapsing {
                    report(.note, "\(shown(name)): the model's graph has \(try drawing.diagram.nodes.count) nodes; --collapse neurons draws each neuron as one node")
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


extension Invocation {
    /// Whether `validate` lets it run.
    var isValid: Bool { (try? validate()) != nil }

    /// Reads the plain forms of the command line as ArgumentParser would, much faster: inputs,
    /// `--name value` and `-o value` (each option once, its value a word that does not start
    /// with a dash, or `-`), and the flags, once each. Nil for anything else (help, the
    /// version, `--name=value`, `--`, a value the option's type refuses, an unknown or
    /// repeated option, no input), which is left to ArgumentParser. Values are converted by
    /// the same `init?(argument:)` that ArgumentParser calls.
    init?(plainArguments arguments: [String]) {
        // An array, not a Set: a Set<String> is one more generic type for the runtime to
        // instantiate at start-up, which costs more than these few comparisons.
        var given: [String] = []
        var index = arguments.startIndex
        /// The value after the option at `index`, if it is one ArgumentParser would take.
        func value<Value: ExpressibleByArgument>(_: Value.Type) -> Value? {
            let next = index + 1
            guard next < arguments.endIndex, Self.isValue(arguments[next]) else { return nil }
            index = next
            return Value(argument: arguments[next])
        }
        while index < arguments.endIndex {
            let argument = arguments[index]
            if Self.isValue(argument) {
                inputs.append(argument)
                index += 1
                continue
            }
            // "-o" and "--output" are one option.
            let option = argument == "-o" ? "--output" : argument
            guard !given.contains(option) else { return nil }
            given.append(option)
            switch argument {
            case "--out-dir": guard let folder = value(String.self) else { return nil }; outDir = folder
            case "-o", "--output": guard let path = value(String.self) else { return nil }; output = path
            case "--format": guard let format = value(OutputFormat.self) else { return nil }; self.format = format
            case "--input-format": guard let format = value(InputFormat.self) else { return nil }; inputFormat = format
            case "--rankdir": guard let direction = value(RankDirection.self) else { return nil }; rankdir = direction
            case "--precision": guard let decimals = value(Int.self) else { return nil }; precision = decimals
            case "--no-backward": noBackward = true
            case "--color": guard let coloring = value(Coloring.self) else { return nil }; color = coloring
            case "--theme": guard let look = value(Theme.self) else { return nil }; theme = look
            case "--check": check = true
            case "--explain": explain = true
            case "--quiz": quiz = true
            case "--step": guard let h = value(Double.self) else { return nil }; step = h
            case "--method": guard let estimate = value(FiniteDifference.self) else { return nil }; method = estimate
            case "--tolerance": guard let t = value(Double.self) else { return nil }; tolerance = t
            case "--collapse": guard let what = value(DrawOptions.Collapse.self) else { return nil }; collapse = what
            case "--batch": guard let view = value(DrawOptions.BatchView.self) else { return nil }; batch = view
            case "--example": guard let k = value(Int.self) else { return nil }; example = k
            case "--focus": guard let name = value(String.self) else { return nil }; focus = name
            case "--depth": guard let ops = value(Int.self) else { return nil }; depth = ops
            case "--max-nodes": guard let count = value(Int.self) else { return nil }; maxNodes = count
            case "--max-layout-seconds": guard let seconds = value(Int.self) else { return nil }; maxLayoutSeconds = seconds
            case "--dpi": guard let n = value(Double.self) else { return nil }; dpi = n
            default: return nil
            }
            index += 1
        }
        guard !inputs.isEmpty else { return nil }
    }

    /// Whether ArgumentParser reads `argument` as a value rather than an option: it does not
    /// start with a dash (as a Character: "-" with a combining mark is a value), or it is "-"
    /// or empty.
    private static func isValue(_ argument: String) -> Bool {
        argument.first != "-" || argument == "-"
    }
}
