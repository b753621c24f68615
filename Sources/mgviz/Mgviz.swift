import ArgumentParser
import Glibc
import MgvizExport
import MgvizKit
import Micrograd
import MgvizRender
import MgvizSpec

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

            Examples:
              mgviz samples/softmax.json -o softmax.svg
              mgviz samples/neuron.json -o neuron.png --rankdir TB --precision 6
              mgviz samples/derivatives.json --check
              mgviz samples/softmax.mg -o softmax.svg
              cat spec.json | mgviz - -o - --format json

            Exit codes: \(ExitStatus.success.rawValue) success, \(ExitStatus.wrong.rawValue) a gradient check or an "expect" entry is WRONG,
            \(ExitStatus.usage.rawValue) usage error, \(ExitStatus.dataError.rawValue) bad spec or dump (or too big to lay out),
            \(ExitStatus.noInput.rawValue) unreadable input, \(ExitStatus.software.rawValue) rendering failed, \(ExitStatus.cannotCreate.rawValue) output not writable.
            """,
        version: "0.1.0"
    )

    /// Every failure ends here as one `mgviz: error: …` line, ArgumentParser's own included;
    /// only help and the version are printed as ArgumentParser lays them out.
    ///
    /// The plain command lines that most runs use (see `Invocation(plainArguments:)`) are read
    /// without ArgumentParser, whose parse costs more than the rest of a small drawing
    /// (milliseconds of runtime type lookups); anything else, and any that `validate` refuses,
    /// goes through it, so that help, the version and every usage error stay its own.
    static func main() {
        do {
            if let invocation = Invocation(plainArguments: Array(CommandLine.arguments.dropFirst())), invocation.isValid {
                try invocation.run()
            } else {
                let arguments = joiningNegativeValues(Array(CommandLine.arguments.dropFirst()))
                try refuseUnknownOptions(arguments[...])
                var command = try parseAsRoot(arguments)
                try command.run()
            }
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

    @Argument(help: ArgumentHelp(
        "The spec or graph dump, or - for standard input. Several with --out-dir: mgviz samples/*.json --out-dir docs --format svg",
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

    @Option(help: ArgumentHelp(
        "How INPUT is written: json (a spec or a graph dump) or mg (a text spec). Default: from INPUT's extension, .mg or .json; json for - and other names. Example: cat spec.mg | mgviz - -o - --input-format mg",
        valueName: "format"))
    var inputFormat: InputFormat?

    @Option(help: "Layout direction: LR (left to right, as micrograd draws) or TB (top to bottom). Example: --rankdir TB")
    var rankdir: RankDirection = Invocation.defaults.rankdir

    @Option(help: "Decimals shown for data and grad (\(DrawOptions.precisionRange.lowerBound) to \(DrawOptions.precisionRange.upperBound)); tooltips always have full precision. Example: --precision 6")
    var precision: Int = Invocation.defaults.precision

    @Flag(help: "Forward only: do not run backward, and show no grads.")
    var noBackward = Invocation.defaults.noBackward

    @Option(help: "Fill colour by node kind, or by the grad's sign and log-scaled size, with dead (zero-grad) nodes grey. Example: --color grad")
    var color: Coloring = Invocation.defaults.color

    @Option(help: "Colours: light (dark text on light fills), dark (light text on a dark background), or auto: one SVG whose colours follow the reader's light or dark preference, also where it is shown as an image. PNG and PDF take light or dark. Example: --theme auto")
    var theme: Theme = Invocation.defaults.theme

    @Flag(help: "Check every input's grad against the central difference (f(x+h) - f(x-h)) / 2h; prints OK or WRONG per input and exits 1 on any WRONG. Writes a diagram only with -o. Example: --check")
    var check = Invocation.defaults.check

    @Flag(help: "Print backward as micrograd runs it, one line per contribution: step 3  a.grad += b.data * d.grad = -3.0000 * -2.0000 = 6.0000   (a.grad now 6.0000). Writes a diagram only with -o. Example: --explain")
    var explain = Invocation.defaults.explain

    @Flag(help: "With -o page.html: open the page in quiz mode, the grads hidden for the learner to find. Example: -o quiz.html --quiz")
    var quiz = Invocation.defaults.quiz

    @Option(help: "The h of --check (default \(DrawOptions().gradientStep)). Example: --check --step 1e-4")
    var step: Double?

    @Option(help: "The estimate --check compares with, as section 1 of the notebook computes both: central (f(x+h) - f(x-h)) / 2h, the default, whose error shrinks as h², or forward (f(x+h) - f(x)) / h, whose error shrinks as h. Example: --check --method forward")
    var method: FiniteDifference?

    @Option(help: "What --check allows: |autograd - numeric| <= T + T * |numeric| (default \(DrawOptions().gradientTolerance)). Example: --check --tolerance 1e-7")
    var tolerance: Double?

    @Option(help: "Fold a model's groups into one node each: neurons (each neuron, with its activation's data and grad), layers (each layer of each call), or calls (each application of the model to an example). Example: --collapse neurons")
    var collapse: DrawOptions.Collapse?

    @Option(help: "A model run on a batch of examples: plate draws one example inside a box, with the parameters (their grads summed over the batch) and the sums outside; all draws every example. Example: --batch all")
    var batch: DrawOptions.BatchView = Invocation.defaults.batch

    @Option(help: "The example a batch's plate shows, from 0 (default 0). Example: --example 17")
    var example: Int?

    @Option(help: ArgumentHelp(
        "Draw only the values within --depth ops of the node with this label (or id, like n42), on both sides; each cut edge gets a stub saying how many nodes lie beyond it. Backward still runs on the whole graph. Example: --focus h1 --depth 2",
        valueName: "name"))
    var focus: String?

    @Option(help: "With --focus: how many ops away from the focused node to draw (default \(DrawOptions().focusDepth)). Example: --depth 3")
    var depth: Int?

    @Option(help: "Refuse to lay out (svg, png, pdf) graphs with more nodes than this; .dot and .json have no limit. Example: --max-nodes 5000")
    var maxNodes: Int = Invocation.defaults.maxNodes

    @Option(help: "Stop a layout (svg, png, pdf, html) that has used this many seconds of CPU, with exit 65: the last guard for shapes the cost estimate does not foresee. Example: --max-layout-seconds 60")
    var maxLayoutSeconds: Int = Invocation.defaults.maxLayoutSeconds

    @Option(help: ArgumentHelp(
        "PNG resolution in dots per inch (default \(Int(DrawOptions().dotsPerInch))). A big graph is drawn at less, to stay within \(DrawOptions.maximumPixels / 1_000_000) megapixels; mgviz says so. Example: --dpi 192",
        valueName: "n"))
    var dpi: Double?

    /// What the flags ask for.
    var invocation: Invocation {
        Invocation(
            inputs: inputs, outDir: outDir, output: output, format: format, inputFormat: inputFormat, rankdir: rankdir, precision: precision,
            noBackward: noBackward, color: color, theme: theme, check: check, explain: explain, quiz: quiz, step: step, method: method, tolerance: tolerance, collapse: collapse, batch: batch, example: example,
            focus: focus, depth: depth, maxNodes: maxNodes, maxLayoutSeconds: maxLayoutSeconds, dpi: dpi)
    }

    func validate() throws { try invocation.validate() }

    /// --help on lines long enough that each option's name and value stay on one: made once,
    /// and only for a command line that goes to ArgumentParser.
    private static let wideHelp = helpMessage(columns: 1000)

    /// ArgumentParser reports an unknown option only once validation passes, so `--colour grad`
    /// was told that `grad` made two inputs. Any `--name` it does not define is refused first,
    /// with the nearest it does.
    static func refuseUnknownOptions(_ arguments: ArraySlice<String>) throws {
        // Every option --help shows, and ArgumentParser's hidden ones.
        let known = wideHelp.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "-") })
            .filter { $0.hasPrefix("--") && $0.count > 2 }.map(String.init)
            + ["--generate-completion-script", "--experimental-dump-help"]
        for argument in arguments {
            if argument == "--" { return }
            guard argument.hasPrefix("--") else { continue }
            let name = String(argument.prefix { $0 != "=" })
            guard !known.contains(name) else { continue }
            let nearest = known.map { (option: $0, distance: editDistance(Array($0.unicodeScalars), Array(name.unicodeScalars))) }
                .min { $0.distance < $1.distance }
            let hint = nearest.flatMap { $0.distance <= 3 ? "; did you mean '\($0.option)'" : nil } ?? ""
            throw ValidationError("unknown option '\(name)'\(hint)")
        }
    }

    /// `--precision -1` as `--precision=-1`: ArgumentParser takes a negative number after an
    /// option for another option, and says the value is missing; joined, the value is read
    /// and refused for what it is ("must be from 0 to 17, got -1").
    static func joiningNegativeValues(_ arguments: [String]) -> [String] {
        // The options --help shows with a value: `--precision <precision>`, `-o <output>`.
        let words = wideHelp.split(whereSeparator: \.isWhitespace)
        let takesValue = Set(zip(words, words.dropFirst()).filter { $0.0.hasPrefix("-") && $0.1.hasPrefix("<") }.map { String($0.0) })
        var joined: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" {
                joined += arguments[index...]
                break
            }
            if takesValue.contains(argument), index + 1 < arguments.count, case let next = arguments[index + 1],
               next.count > 1, next.hasPrefix("-"), Double(next) != nil {
                joined.append(argument + "=" + next)
                index += 2
            } else {
                joined.append(argument)
                index += 1
            }
        }
        return joined
    }

    func run() throws { try invocation.run() }
}

extension OutputFormat: ExpressibleByArgument {}
extension InputFormat: ExpressibleByArgument {}
extension RankDirection: ExpressibleByArgument {}
extension Coloring: ExpressibleByArgument {}
extension Theme: ExpressibleByArgument {}
extension FiniteDifference: ExpressibleByArgument {}
extension DrawOptions.Collapse: ExpressibleByArgument {}
extension DrawOptions.BatchView: ExpressibleByArgument {}

/// Every error, warning and note goes through here, to standard error as one line.
func report(_ diagnostic: Diagnostic, _ message: String) {
    writeAll(diagnostic.line(message) + "\n", to: STDERR_FILENO)
}

/// Writes all of `text` to a descriptor, as one write(2) where it fits. A failed write is
/// dropped: these are the lines around the output, which has its own errors.
func writeAll(_ text: String, to descriptor: Int32) {
    var text = text
    text.withUTF8 { bytes in
        var offset = 0
        while offset < bytes.count {
            let count = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return }
            offset += count
        }
    }
}

/// `text` with each `target` in it, left to right, replaced by `replacement`, matched byte for
/// byte.
private func replacing(_ target: String, with replacement: String, in text: String) -> String {
    String(decoding: Array(text.utf8).replacing(Array(target.utf8), with: Array(replacement.utf8)), as: UTF8.self)
}

/// A failure of the command itself, before any spec is drawn.
enum CommandError: Error, CustomStringConvertible {
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
        case .documentIsNotAFile(let error):
            return "\(error); a Markdown document must be one"
        case .documentGivenTwice(let first, let second):
            return "\(shown(first)) and \(shown(second)) are one document; give it once"
        case .imageIsADocument(let image, let document, let overwritten):
            return "\(shown(document)): the mgviz block at line \(image.block.line) would write its image \(shown(image.path)) over the document \(shown(overwritten)) (they are one file); give the block another id= or choose another --out-dir"
        case .imagesCollide(let first, let second) where first.of == second.of:
            return "\(shown(first.of)): the mgviz blocks at lines \(first.0.block.line) and \(second.0.block.line) would both write \(shown(second.0.path)); give one another id="
        case .imagesCollide(let first, let second):
            return "\(shown(first.of)) (the mgviz block at line \(first.0.block.line)) and \(shown(second.of)) (line \(second.0.block.line)) would both write \(shown(second.0.path)); give one another id=, or run them separately"
        case .imageCannotBeWritten(let image, let document, let error):
            return "\(shown(document)): the mgviz block at line \(image.block.line): \(error)"
        case .imagesCannotBeLinked(let document, let error):
            return "\(shown(document)): \(error)"
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
