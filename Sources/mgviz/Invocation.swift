import Glibc
import MgvizExport
import MgvizFiles
import MgvizKit
import MgvizProcess
import MgvizRender
import MgvizSpec

/// What a command line asks for, and the command itself: `init(arguments:)` reads it through
/// the option table.
struct Invocation: Equatable {
    var inputs: [String] = []
    var settings = Settings()
    /// `mgviz diff A B`: the command line's first word is `diff`.
    var isDifference = false

    /// The options the command line describes.
    var options: DrawOptions {
        var options = settings.options
        // The page follows the reader's dark theme unless a theme was asked for (issue 26).
        options.pageFollowsReader = !settings.gave("theme")
        return options
    }
    var check: Bool { options.checksGradients }
    var explain: Bool { settings.explain }
    var outDir: String? { settings.outDir }
    var output: String? { settings.output }
    var format: OutputFormat? { settings.format }

    func validate() throws(UsageError) {
        if isDifference { return try validateDifference() }
        if settings.gave("only-changed") { throw .onlyForDifference("only-changed") }
        if isMarkdown { return try validateDocuments() }
        if settings.gave("depth") && !settings.gave("focus") { throw .goesWith("depth", "focus") }
        // --step also chooses a training run's step, which only its input tells (`drawRun`).
        if !check, let stray = ["method", "tolerance"].first(where: settings.gave) { throw .goesWith(stray, "check") }
        try validate(options)
        if let outDir {
            guard output == nil else { throw .outputAndOutDir }
            guard !inputs.contains("-") else { throw .outDirFromStandardInput }
            var info = stat()
            if stat(outDir, &info) == 0, (info.st_mode & S_IFMT) != S_IFDIR { throw .outDirIsNotAFolder(outDir) }
        } else if inputs.count != 1 {
            throw .severalInputsWithoutOutDir
        }
        if explain && !options.showsGradients { throw .explainWithoutBackward }
        if explain && options.focus != nil { throw .explainWithFocus }
        if inputs == ["-"] && output == nil && !check && !explain { throw .standardInputWithoutOutput }
        for input in inputs {
            let format: OutputFormat
            do { format = try resolvedFormat(outputPath(for: input)) } catch { throw .unknownFormat(path: outputPath(for: input)) }
            for option in CommandOption.commandLine where settings.gave(option.name) {
                if let formats = option.formats, !formats.only.contains(format) { throw .notForFormat(option.name, format) }
                if let formats = option.ledgerFormats, !explain, !formats.contains(format) {
                    throw .ledgerOption(option.name, formats: formats)
                }
            }
        }
    }

    /// `options`' own checks, and that of --max-layout-seconds where they made it when
    /// DrawOptions held the limit (after --max-nodes), so that of two bad values the same one
    /// is named.
    func validate(_ options: DrawOptions) throws(UsageError) {
        let layoutSeconds: UsageError? =
            Settings.maxLayoutSecondsRange.contains(settings.maxLayoutSeconds) ? nil : .layoutSecondsOutOfRange(settings.maxLayoutSeconds)
        do { try options.validate() } catch {
            let checkedEarlier: [DrawOptions.Option] = [.precision, .gradientStep, .gradientTolerance, .maximumNodes]
            if let layoutSeconds, !checkedEarlier.contains(error.option) { throw layoutSeconds }
            throw .invalidOption(error)
        }
        if let layoutSeconds { throw layoutSeconds }
        try validateAlarms()
    }

    private func validateAlarms() throws(UsageError) {
        let alarms = settings.alarms
        guard AlarmThresholds.deadStepsRange.contains(alarms.deadSteps) else { throw .deadStepsOutOfRange(alarms.deadSteps) }
        for (name, value, allowed) in [
            ("vanishing-ratio", alarms.vanishingRatio, AlarmThresholds.vanishingRatioRange),
            ("exploding-factor", alarms.explodingFactor, AlarmThresholds.explodingFactorRange),
        ] where !allowed.contains(value) {
            throw .thresholdOutOfRange(name, value, allowed)
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

    func resolvedFormat(_ outputPath: String) throws(DrawError) -> OutputFormat {
        if let format { return format }
        if outputPath == "-" { return .svg }
        guard let format = OutputFormat(path: outputPath) else { throw .unknownFormat(path: outputPath) }
        return format
    }

    /// Runs what the command line asks for; returns the exit status.
    func run() -> ExitStatus {
        TemporaryFileCleanup.install()
        if isDifference { return runDifference() }
        if isMarkdown { return runDocuments() }
        let outputs = inputs.map(outputPath(for:))
        do throws(CommandError) {
            if writesDiagrams { try checkOutputsAreDistinct(outputs) }
            if let outDir, !OutputFile.makeFolder(outDir) { throw .cannotCreateFolder(outDir, reason: systemError()) }
        } catch {
            report(.error, error.message)
            return error.exitStatus
        }
        // Batch mode exits with the first failure's status.
        var status = ExitStatus.success
        for (input, output) in zip(inputs, outputs) {
            if inputs.count > 1 { writeAll("== \(shown(input))\n", to: STDOUT_FILENO) }
            let outcome = draw(input, to: output)
            if status == .success { status = outcome }
        }
        return status
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
        let name = input == "-" ? "<stdin>" : input
        do throws(DrawError) {
            let bytes: [UInt8]
            do { bytes = try InputFile.read(input, limit: Spec.maximumFileBytes) } catch { throw .file(error) }
            let document: InputDocument
            // Consumed, as is the document by Drawing: a big input's bytes are not kept while it is drawn.
            let format = settings.inputFormat ?? InputFormat(path: input) ?? .json
            do { document = try InputDocument(bytes: consume bytes, format: format) } catch { throw .spec(error) }
            if case .run(let run) = document { return try drawRun(run, name: name, to: outputPath) }
            if !check && settings.gave("step") {
                let error = UsageError.goesWith("step", "check")
                report(.error, error.message + "; see 'mgviz --help'")
                return .usage
            }
            let drawing = try Drawing(document: consume document, options: options)
            // Reports go to stdout, unless the diagram does.
            Report(toStandardError: output == "-").print(drawing)
            if explain {
                // Focus and --no-backward are refused before; a dump may have no grads.
                guard let explanation = try drawing.explanation() else { throw .explainNeedsGrads }
                // A label may hold anything: no line of it drives the terminal.
                let lines = explanation.map { escapingControlCharacters($0) + "\n" }.joined()
                writeAll(lines, to: output == "-" ? STDERR_FILENO : STDOUT_FILENO)
            }
            if let warning = drawing.nonFinite { report(.warning, warning.description) }
            if let collapse = options.collapse, !drawing.checkedDiagram.hasNeurons {
                report(.warning, "\(shown(name)): --collapse \(collapse.rawValue) has nothing to collapse: the graph has no model neurons (a spec's \"mlp\" or \"batch\", a Swift model's calls, or a dump's groups)")
            }
            // A focus on a missing name is an error even when --check alone writes nothing.
            _ = try drawing.diagram
            if writesDiagrams {
                if let note = drawing.viewNote { report(.note, "\(shown(name)): \(note)") }
                if drawing.suggestsCollapsing {
                    report(.note, "\(shown(name)): the model's graph has \(try drawing.diagram.nodes.count) nodes; --collapse neurons draws each neuron as one node")
                }
                try write(drawing, as: try resolvedFormat(outputPath), to: outputPath, inputName: name)
            }
            return drawing.isCorrect ? .success : .wrong
        } catch {
            report(.error, (error.namesInput ? "\(shown(name)): " : "") + error.message)
            return error.exitStatus
        }
    }

    /// A training run: its alarms on stderr, then its timeline page (html), or the graph of
    /// `--step N` (the last step by default) in any other format.
    private func drawRun(_ run: TrainingRun, name: String, to outputPath: String) throws(DrawError) -> ExitStatus {
        let alarms = run.alarms(settings.alarms, options: options)
        for alarm in alarms { report(.warning, "\(shown(name)): alarm: \(alarm.description)") }
        let format = try resolvedFormat(outputPath)
        let rendering = try run.rendered(
            as: format, step: settings.gave("step") ? options.gradientStep : nil, options: options, alarms: alarms
        ) { drawing, format throws(DrawError) in
            format.needsLayout ? try render(drawing, as: format, inputName: name) : try drawing.rendered(as: format)
        }
        if let used = rendering.reducedDotsPerInch { report(.note, reducedResolution(used, asked: options.dotsPerInch)) }
        try Drawing.write(rendering, to: outputPath)
        return .success
    }

    /// DOT and JSON go into the file as they are made; the layout formats are rendered whole,
    /// under --max-layout-seconds, and a reduced PNG is noted before it is written.
    func write(_ drawing: Drawing, as format: OutputFormat, to path: String, inputName: String) throws(DrawError) {
        guard format.needsLayout else { return try drawing.write(as: format, to: path) }
        let rendering = try render(drawing, as: format, inputName: inputName)
        if let used = rendering.reducedDotsPerInch { report(.note, reducedResolution(used, asked: options.dotsPerInch)) }
        try Drawing.write(rendering, to: path)
    }

    /// `drawing.rendered(as:)`, in a process that ends, with one line naming `inputName`, if
    /// the layout uses more than --max-layout-seconds of CPU: libgvc cannot cancel a layout.
    func render(_ drawing: Drawing, as format: OutputFormat, inputName: String?) throws(DrawError) -> Rendering {
        let line = Diagnostic.error.line((inputName.map { shown($0) + ": " } ?? "") + layoutTimedOut(seconds: settings.maxLayoutSeconds))
        return try LayoutWatchdog.run(seconds: settings.maxLayoutSeconds, message: line) { () throws(DrawError) -> Rendering in
            try drawing.rendered(as: format)
        }
    }
}
