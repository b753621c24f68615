import MgvizExport
import MgvizFiles
import MgvizKit
import MgvizProcess
import MgvizRender
import MgvizSpec

// Every line the command prints about a failure, a warning or a note is worded here, in the
// command's terms (its flags: `--max-nodes`, `--focus NAME --depth K`), from the structured
// errors of the library and of the command itself; each error's exit status is chosen here too.

/// A path as messages show it: escaped, and cut to its last characters if it is very long.
/// Paths are shown up to 200 characters, keeping their end, where the file name is.
func shown(_ path: String) -> String { echo(path, limit: 200, keepingEnd: true) }

/// A command line that the command refuses before it reads any input. Its line ends in
/// "; see 'mgviz --help'", as ArgumentParser's own do, and its status is `ExitStatus.usage`.
enum UsageError: Error {
    case invalidOption(InvalidOption)
    /// `--max-layout-seconds` out of its range, which the command checks: the limit is its own.
    case layoutSecondsOutOfRange(Int)
    /// An option given without the one it goes with: `--depth` without `--focus`.
    case goesWith(String, String)
    /// An option given for an output format it is not for: `--dpi` for an SVG.
    case notForFormat(String, OutputFormat)
    /// An option for backward's ledger, given where none is written: `--notation` without
    /// `--explain` or a txt output; `formats` are those that write one.
    case ledgerOption(String, formats: [OutputFormat])
    case outputAndOutDir
    case outDirFromStandardInput
    case outDirIsNotAFolder(String)
    case severalInputsWithoutOutDir
    case explainWithoutBackward
    case explainWithFocus
    case standardInputWithoutOutput
    case unknownFormat(path: String)
    /// Markdown documents given together with specs.
    case documentsWithSpecs
    case outputForDocuments
    case explainForDocuments
    /// `--format` for documents, whose images are svg or png.
    case imageFormat(OutputFormat)
    /// `mgviz diff` takes two inputs, A and B.
    case differenceInputs(Int)
    case bothFromStandardInput
    /// What `mgviz diff` does not do: `--out-dir`, `--explain`.
    case notForDifference(String)
    /// An option only `mgviz diff` takes: `--only-changed`.
    case onlyForDifference(String)
    /// A training run's alarm threshold out of its range: `--dead-steps`, and the others.
    case deadStepsOutOfRange(Int)
    case thresholdOutOfRange(String, Double, ClosedRange<Double>)

    var message: String {
        switch self {
        case .invalidOption(let error): return error.message
        case .layoutSecondsOutOfRange(let seconds):
            return "\(CommandOption.named("max-layout-seconds").spelling) \(outOfRange(seconds, Settings.maxLayoutSecondsRange))"
        case .deadStepsOutOfRange(let steps):
            return "\(CommandOption.named("dead-steps").spelling) \(outOfRange(steps, AlarmThresholds.deadStepsRange))"
        case .thresholdOutOfRange(let name, let value, let allowed):
            return "\(CommandOption.named(name).spelling) \(outOfRange(value, allowed))"
        case .goesWith(let option, let other):
            let required = CommandOption.named(other)
            return "\(CommandOption.named(option).spelling) goes with \(required.spelling)\(required.valueName.map { " " + $0.uppercased() } ?? "")"
        case .notForFormat(let name, let format):
            let option = CommandOption.named(name)
            let formats = option.formats!
            return "\(option.spelling) is for \(formats.only.map { $0.rawValue.uppercased() }.joined(separator: ", ")) output; \(format.rawValue) \(formats.otherwise)"
        case .ledgerOption(let name, let formats):
            let outputs = formats.map { "--format \($0.rawValue)" }
            return "\(CommandOption.named(name).spelling) is for backward's ledger: give it with --explain or \(outputs.joined(separator: " or "))"
        case .outputAndOutDir: return "give -o or --out-dir, not both"
        case .outDirFromStandardInput: return "--out-dir names files after their specs: standard input has no name"
        case .outDirIsNotAFolder(let folder): return "--out-dir \(shown(folder)) is not a folder"
        case .severalInputsWithoutOutDir: return "several inputs need --out-dir (or give one input with -o)"
        case .explainWithoutBackward: return "--explain replays backward: drop --no-backward"
        case .explainWithFocus: return "--explain replays backward on the whole graph: drop --focus"
        case .standardInputWithoutOutput: return "reading a spec from standard input needs -o (a file, or - for standard output)"
        case .unknownFormat(let path): return DrawError.unknownFormat(path: path).message
        case .documentsWithSpecs: return "give Markdown documents (.md) on their own, without specs"
        case .outputForDocuments:
            return "a document's diagrams go beside it or into --out-dir, named after their blocks: -o does not apply"
        case .explainForDocuments: return "--explain is for a spec; a document's blocks are drawn, not explained"
        case .imageFormat(let format): return "--format \(format.rawValue): a Markdown image is svg or png"
        case .differenceInputs(let count):
            return "mgviz diff compares two graphs, A and B (mgviz diff A B -o diff.svg); \(count == 1 ? "1 input was" : "\(count) inputs were") given"
        case .bothFromStandardInput: return "mgviz diff reads at most one of A and B from standard input"
        case .notForDifference(let name): return "mgviz diff draws one difference to -o: \(CommandOption.named(name).spelling) does not apply"
        case .onlyForDifference(let name): return "\(CommandOption.named(name).spelling) draws the changes of a difference: use it with mgviz diff A B"
        }
    }
}

/// A failure of the command itself, before any spec is drawn.
enum CommandError: Error {
    /// An input's output is the input itself; `isBatch` when --out-dir named it.
    case outputIsItsSpec(String, isBatch: Bool)
    case outputIsAnotherSpec(String, of: String, spec: String)
    /// Two inputs would write one output.
    case outputsCollide(String, String, String)
    case cannotCreateFolder(String, reason: String)
    /// A document that is a FIFO, a device, a socket or a folder.
    case documentIsNotAFile(FileError)
    /// One document named twice, through links or relative paths.
    case documentGivenTwice(String, String)
    /// A document's block whose image would overwrite a document of the run (`document`).
    case imageIsADocument(MarkdownImages.Image, of: String, document: String)
    /// Two blocks that would write one image: each with its document.
    case imagesCollide(first: (MarkdownImages.Image, of: String), second: (MarkdownImages.Image, of: String))
    /// A block's image path where no image file can be written.
    case imageCannotBeWritten(MarkdownImages.Image, of: String, FileError)
    /// A document whose images' paths no Markdown link can hold.
    case imagesCannotBeLinked(document: String, MarkdownLinkError)
    /// A run's documents hold more blocks than one run draws; `document`, whose blocks count
    /// as `cost` (PNG blocks by their dpi), brings the run's count to `runCost`.
    case tooManyBlocks(document: String, blocks: Int, cost: Int, runCost: Int, limit: Int)

    var message: String {
        switch self {
        case .outputIsItsSpec(let input, let isBatch):
            return "\(shown(input)): the output would overwrite the spec itself; choose another \(isBatch ? "--out-dir" : "-o")"
        case .outputIsAnotherSpec(let output, let input, let spec):
            return "the output \(shown(output)) of \(shown(input)) would overwrite the spec \(shown(spec)); choose another --out-dir"
        case .outputsCollide(let output, let first, let second):
            return "\(shown(first)) and \(shown(second)) would both write \(shown(output)); rename one or run them separately"
        case .cannotCreateFolder(let folder, let reason):
            return "cannot create the --out-dir folder \(shown(folder)): \(reason)"
        case .documentIsNotAFile(let error):
            return "\(error.message); a Markdown document must be one"
        case .documentGivenTwice(let first, let second):
            return "\(shown(first)) and \(shown(second)) are one document; give it once"
        case .imageIsADocument(let image, let document, let overwritten):
            return "\(shown(document)): the mgviz block at line \(image.block.line) would write its image \(shown(image.path)) over the document \(shown(overwritten)) (they are one file); give the block another id= or choose another --out-dir"
        case .imagesCollide(let first, let second) where first.of == second.of:
            return "\(shown(first.of)): the mgviz blocks at lines \(first.0.block.line) and \(second.0.block.line) would both write \(shown(second.0.path)); give one another id="
        case .imagesCollide(let first, let second):
            return "\(shown(first.of)) (the mgviz block at line \(first.0.block.line)) and \(shown(second.of)) (line \(second.0.block.line)) would both write \(shown(second.0.path)); give one another id=, or run them separately"
        case .imageCannotBeWritten(let image, let document, let error):
            return "\(shown(document)): the mgviz block at line \(image.block.line): \(error.message)"
        case .imagesCannotBeLinked(let document, let error):
            return "\(shown(document)): \(error.message)"
        case .tooManyBlocks(let document, let blocks, let cost, let runCost, let limit):
            let counted = cost == blocks ? "" : ", which count as \(cost) (a PNG block at D dpi counts as (D/96)² blocks)"
            return cost == runCost
                ? "\(shown(document)) has \(blocks) mgviz blocks\(counted), over the limit of \(limit) a run; split the document"
                : "\(shown(document)) has \(blocks) mgviz blocks\(counted), which bring the run to \(runCost), over the limit of \(limit) a run; run the documents in smaller groups"
        }
    }

    var exitStatus: ExitStatus {
        switch self {
        case .outputIsItsSpec, .outputIsAnotherSpec, .outputsCollide, .documentIsNotAFile, .documentGivenTwice, .imageIsADocument, .imagesCollide,
            .imageCannotBeWritten, .imagesCannotBeLinked:
            return .usage
        case .tooManyBlocks: return .dataError
        case .cannotCreateFolder: return .cannotCreate
        }
    }
}

/// A Markdown block's words that do not read as options.
enum BlockOptionError: Error {
    /// `=svg`.
    case noName(word: String)
    case givenTwice(String)
    /// A flag given a value other than true or false.
    case flagValue(String)
    case unknown(String)
    case needsValue(String)
    case badValue(String, value: String, expected: String)
    /// Read, but out of range, or given with an option that leaves it nothing to do.
    case invalid(InvalidOption)

    var message: String {
        switch self {
        case .noName(let word): return "'\(echo(word))' has no option name before '='"
        case .givenTwice(let name): return "the option \(echo(name)) is given twice"
        case .flagValue(let name): return "\(name) is a flag: write \(name), or \(name)=true or false"
        case .unknown(let name):
            return "unknown option '\(echo(name))' (a block takes: \(CommandOption.block.map(\.name).joined(separator: ", ")))"
        case .needsValue(let name): return "\(name) needs a value: \(name)=…"
        case .badValue(let name, let value, let expected): return "\(name)=\(echo(value)): expected \(expected)"
        case .invalid(let error): return error.message
        }
    }
}

/// A block of a Markdown document that makes no image: its words are not options, or its
/// drawing failed.
enum BlockFailure {
    case options(line: Int, BlockOptionError)
    case drawing(MarkdownError)

    var line: Int {
        switch self {
        case .options(let line, _): return line
        case .drawing(let error): return error.line
        }
    }

    /// `the mgviz block at line 12: line 3, column 9: unknown name 'z'`.
    var message: String {
        switch self {
        case .options(let line, let error): return "the mgviz block at line \(line): \(error.message)"
        case .drawing(let error): return "the mgviz block at line \(error.line): \(error.reason.message)"
        }
    }
}

extension DrawError {
    /// One line for the terminal; the caller puts the input's name in front where
    /// `namesInput` says so.
    var message: String {
        switch self {
        case .spec(let error): return error.description
        case .invalidOption(let error): return error.message
        case .gradsWithoutBackward: return "\"expect\" has grads, which --no-backward does not compute"
        case .autoThemeNeedsSVG(let format):
            return "--theme auto follows the reader's light or dark preference, which only SVG (and HTML) can; \(format.rawValue) takes --theme light or dark"
        case .explainNeedsGrads:
            return "--explain replays backward, and this dump has no grads (it was written with --no-backward); dump the graph with its grads"
        case .checkNeedsSpec:
            return "--check evaluates the graph again, and a dump (\"format\": \"\(GraphDump.format)\") is drawn as given, with no expressions; check the spec it came from"
        case .checkTooCostly(let inputs, let nodes, let maximum):
            return "--check evaluates the graph again for each input: \(inputs) inputs × \(nodes) nodes, over the limit of \(maximum); check a smaller spec (fewer inputs or nodes), or draw this one without --check"
        case .explanationTooLong(let lines, let maximum):
            return "backward's ledger (--explain, --format txt) has a line per operand use, and this graph has \(lines), over the limit of \(maximum); explain a smaller spec, or write the grads with -o graph.json"
        case .focus(let error): return error.message
        case .plate(let refusal): return refusal.message
        case .tooManyNodes(let count, let maximum, let format):
            return "the graph has \(count) nodes, more than --max-nodes \(maximum) allows for a \(format.rawValue) layout (Graphviz slows down on big graphs); draw a part with --focus NAME --depth K, write .dot or .json instead, or raise --max-nodes"
        case .tooCostlyToLayOut(let cost, let canCollapse):
            let wayOut = canCollapse ? "collapse the model with --collapse neurons, " : ""
            return "this graph is likely to take dot over 10 s to lay out: \(cost.graphvizNodes) nodes, layout cost \(cost.score) (at most \(LayoutCost.refusalThreshold)), fan-out reach \(cost.fanOutReach) (at most \(LayoutCost.fanOutReachThreshold)); \(wayOut)draw a part with --focus NAME --depth K, or write .dot or .json"
        case .resolutionTooLow(let dotsPerInch, let size):
            return "the PNG would be drawn at \(fixedText(dotsPerInch, decimals: 2)) dpi \(pixelLimits(size)), too small to read; write .svg or .pdf, or draw a part with --focus NAME --depth K"
        case .unknownFormat(let path):
            return "cannot tell the format of '\(shown(path))' from its extension; use .svg, .png, .pdf, .dot, .json or .html, or --format"
        case .render(let error): return error.message
        case .file(let error): return error.message
        case .checkInDifference:
            return "--check checks one spec's grads, and mgviz diff compares two graphs as they are; check each spec on its own"
        case .gradColoringInDifference: return "mgviz diff colours each node by how much it changed: drop --color grad"
        case .onlyChangedWithoutDifference:
            return "--only-changed draws the changes of a difference: use it with mgviz diff A B (or a Markdown block's diff=)"
        case .noSuchBlock(let name, let document, let names):
            let listed = names.isEmpty ? "it has none" : "its blocks are " + names.prefix(10).map { "'\(echo($0))'" }.joined(separator: ", ") + (names.count > 10 ? ", …" : "")
            return "\(shown(document)) has no mgviz block named '\(echo(name))' (a block is named by its id=, or else as its image is, guide-3); \(listed)"
        case .markdownLimit(let error): return error.description
        case .comparedWith(let path, let error): return "diff=\(shown(path)): \(error.message)"
        case .named(let name, let error): return "\(shown(name)): \(error.message)"
        case .noGraphAtStep(let asked, let steps, let kept):
            let listed = kept.prefix(10).map(String.init).joined(separator: ", ") + (kept.count > 10 ? ", …" : "")
            let step = asked == asked.rounded() && abs(asked) < 1e15 ? String(Int(asked)) : "\(asked)"
            return "--step \(step): the run has steps 1 to \(steps), and keeps the whole graph at steps \(listed) (Recorder's full_every= keeps more); draw one of those, or the timeline with -o run.html"
        }
    }

    /// Whether the message is about the input, so that the caller should name it first.
    var namesInput: Bool {
        switch self {
        case .spec, .gradsWithoutBackward, .checkNeedsSpec, .explainNeedsGrads, .checkTooCostly, .explanationTooLong, .focus, .plate,
             .tooManyNodes, .tooCostlyToLayOut, .resolutionTooLow, .noGraphAtStep:
            return true
        case .markdownLimit: return true
        case .named: return false
        case .invalidOption, .autoThemeNeedsSVG, .unknownFormat, .render, .file, .checkInDifference, .gradColoringInDifference,
             .onlyChangedWithoutDifference, .noSuchBlock, .comparedWith:
            return false
        }
    }

    var exitStatus: ExitStatus {
        switch self {
        case .spec, .checkTooCostly, .explanationTooLong, .tooManyNodes, .tooCostlyToLayOut, .resolutionTooLow: return .dataError
        case .invalidOption, .gradsWithoutBackward, .checkNeedsSpec, .explainNeedsGrads, .autoThemeNeedsSVG, .focus, .plate, .unknownFormat: return .usage
        case .render: return .software
        case .file(let error): return error.exitStatus
        case .checkInDifference, .gradColoringInDifference, .onlyChangedWithoutDifference, .noGraphAtStep: return .usage
        case .noSuchBlock: return .noInput
        case .markdownLimit: return .dataError
        case .comparedWith(_, let error), .named(_, let error): return error.exitStatus
        }
    }
}

extension InvalidOption {
    /// `--precision must be from 0 to 17, got 18`.
    var message: String {
        let option = CommandOption.all.first { $0.checkedAs == self.option }!
        switch self {
        case .integer(_, let value, let allowed): return "\(option.spelling) \(outOfRange(value, allowed))"
        case .number(_, let value, let allowed): return "\(option.spelling) \(outOfRange(value, allowed))"
        case .exampleWithoutPlate: return "\(option.spelling) picks the example a plate shows: drop --batch all"
        case .checkWithoutGradients: return "\(option.spelling) compares backward's grads: drop --no-backward"
        case .onlyChangedWithFocus: return "\(option.spelling) and --focus each choose what is drawn: give one"
        }
    }
}

/// `must be from 0 to 17, got 18`, `must be 0 or more, got -1`, `must be positive, got 0`.
func outOfRange(_ value: Int, _ allowed: ClosedRange<Int>) -> String {
    let bounds: String
    switch (allowed.lowerBound, allowed.upperBound) {
    case (1, .max): bounds = "positive"
    case (let lower, .max): bounds = "\(lower) or more"
    case (let lower, let upper): bounds = "from \(lower) to \(upper)"
    }
    return "must be \(bounds), got \(value)"
}

/// `must be a positive number, got -0.001`, `must be from 10 to 2400, got 0.0`.
func outOfRange(_ value: Double, _ allowed: ClosedRange<Double>) -> String {
    let bounds: String
    switch (allowed.lowerBound, allowed.upperBound) {
    case (.leastNonzeroMagnitude, .greatestFiniteMagnitude): bounds = "a positive number"
    case (let lower, .greatestFiniteMagnitude): bounds = "\(Int(lower)) or more"
    case (let lower, let upper): bounds = "from \(Int(lower)) to \(Int(upper))"
    }
    return "must be \(bounds), got \(value)"
}

extension FocusError {
    /// One line, for the terminal; names are escaped and cut short.
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

extension PlateRefusal {
    var message: String {
        switch self {
        case .notABatch:
            return "--example: no model ran on a batch of examples here, so there is no plate to show one of"
        case .examplesDiffer(let example):
            return "--example: the examples are not all one computation (example \(example) differs from the others); draw them all with --batch all"
        case .sharedNodeUsesAnExample:
            return "--example: the examples meet other than in a sum over them; draw them all with --batch all"
        case .noSuchExample(let example, let count):
            return "--example \(example): the batch has \(count) examples, 0 to \(count - 1)"
        }
    }
}

extension FileError {
    var message: String {
        switch self {
        case .cannotRead(let path, let reason): return "cannot read \(shown(path)): \(reason)"
        case .tooLarge(let path, let bytes, let limit): return "\(shown(path)): the file is \(bytes) bytes, over the limit of \(limit)"
        case .cannotWrite("-", let reason): return "cannot write to standard output: \(reason)"
        case .cannotWrite(let path, let reason): return "cannot write \(shown(path)): \(reason)"
        case .outputIsAFolder(let path): return "cannot write \(shown(path)): it is a folder; to write into a folder use --out-dir \(shown(path))"
        case .outputIsABlockDevice(let path):
            return "cannot write \(shown(path)): it is a block device; mgviz writes only files, pipes and character devices"
        case .notARegularFile(let path, let kind): return "\(shown(path)) is \(kind), not a regular file"
        }
    }

    var exitStatus: ExitStatus {
        switch self {
        case .cannotRead: return .noInput
        case .tooLarge: return .dataError
        case .cannotWrite, .outputIsAFolder, .outputIsABlockDevice: return .cannotCreate
        // Only documents and their images must be files: the command line named the wrong one.
        case .notARegularFile: return .usage
        }
    }
}

extension MarkdownLinkError {
    var message: String {
        switch self {
        case .controlCharacter(let path):
            return "the image path \(shown(path)) holds a control character, which a Markdown link cannot hold; rename the document or choose another --out-dir"
        }
    }
}

/// The line printed when a layout runs past --max-layout-seconds; the process ends right after
/// it, from a signal handler.
func layoutTimedOut(seconds: Int) -> String {
    "dot did not finish this layout within --max-layout-seconds \(seconds) of CPU time; draw a part with --focus NAME --depth K, write .dot or .json, or raise the limit"
}

/// The note for a PNG drawn at less than asked, to stay within the pixel cap.
func reducedResolution(_ used: Double, asked: Double) -> String {
    "the PNG is drawn at \(fixedText(used, decimals: 0)) dpi, not \(fixedText(asked, decimals: 0)), \(pixelLimits(BitmapSize(dotsPerInch: asked))); write .svg or .pdf for every detail"
}

/// Why a PNG is drawn at less than asked.
private func pixelLimits(_ size: BitmapSize) -> String {
    "to stay within \(size.maximumPixels / 1_000_000) megapixels and \(BitmapSize.maximumSide) pixels a side"
}

extension RenderError {
    /// What failed, in the command's words: a PNG too small to read says how to draw it instead.
    var message: String {
        if case .resolutionTooLow(let dotsPerInch, let size) = self {
            return DrawError.resolutionTooLow(dotsPerInch: dotsPerInch, size: size).message
        }
        return description
    }
}
