import ArgumentParser
import MgvizExport
import MgvizFiles
import MgvizKit
import MgvizRender
import MgvizSpec
import Micrograd

/// What the options set: the drawing's options, and what the command does around the drawing.
/// Each option's declaration (`CommandOption`) names the part it sets; a Markdown block's
/// words are read into one too.
struct Settings: Equatable {
    var options = DrawOptions()
    var outDir: String?
    var output: String?
    var format: OutputFormat?
    var inputFormat: InputFormat?
    var explain = false
    /// CPU seconds a layout may take before the command ends (`LayoutWatchdog`).
    var maxLayoutSeconds = 10
    static let maxLayoutSecondsRange = 1...86_400
    /// What sets off a training run's alarms.
    var alarms = AlarmThresholds()
    /// A Markdown block's: the name of its image file.
    var id: String?
    /// A Markdown block's `diff=`: the earlier graph it is drawn as its difference from.
    var comparedWith: String?
    /// The options given, by name, in order: some go only with others (`--step` with `--check`).
    var given: [String] = []

    func gave(_ name: String) -> Bool { given.contains(name) }
}

/// One option of the command, declared once, with everything that is said of it: its names,
/// its help and value name (ArgumentParser's `@Option`s in `Mgviz` take them from here), the
/// setting it sets, where it may be given, its valid range and the formats it is for.
/// `Invocation(arguments:)` reads the command line through this table, unknown options are
/// matched against it and negative numbers joined to the options it says take a value, and a
/// Markdown block reads the options it marks for blocks as `name=value`.
struct CommandOption: Sendable {
    /// Where an option may be given.
    struct Places: OptionSet, Sendable {
        let rawValue: Int
        static let commandLine = Places(rawValue: 1)
        /// A Markdown block's info string, as `name=value` (a flag, `name` or `name=false`).
        static let block = Places(rawValue: 2)
    }

    enum Kind: Sendable {
        /// Sets its setting as given (true), or as a block's `name=false` says; `isSet` says
        /// whether it is set as given.
        case flag(set: @Sendable (inout Settings, Bool) -> Void, isSet: @Sendable (Settings) -> Bool)
        /// Takes a value, shown as `<valueName>`: `read` converts it as ArgumentParser does
        /// and sets it, or says false when it does not convert; `choices` are the values it
        /// takes, if they are few; `expected` says what converts, for a block's message;
        /// `current` is the value now as text, nil when unset.
        case value(
            valueName: String, read: @Sendable (inout Settings, String) -> Bool, choices: @Sendable () -> [String],
            expected: @Sendable () -> String, current: @Sendable (Settings) -> String?)
    }

    /// `--name` on the command line, `name=` in a block.
    let name: String
    let shortName: Character?
    let help: String
    let kind: Kind
    let places: Places
    /// The values a block takes where it takes fewer than the command line, and what they are.
    var blockValues: (values: [String], expected: String)?
    /// Its valid range, where it has one: the one that DrawOptions checks for its options.
    var range: ValidRange?
    /// The option of DrawOptions whose check (`DrawOptions.validate`) refuses its value.
    var checkedAs: DrawOptions.Option?
    /// The formats it is for, where the command refuses it for others; `otherwise` says why.
    var formats: (only: [OutputFormat], otherwise: String)?
    /// For an option of backward's ledger: the formats that write one, besides `--explain`,
    /// which the command refuses it without.
    var ledgerFormats: [OutputFormat]?

    enum ValidRange: Equatable, Sendable {
        case integers(ClosedRange<Int>)
        case numbers(ClosedRange<Double>)
    }

    var takesValue: Bool {
        if case .value = kind { return true }
        return false
    }

    var valueName: String? {
        if case .value(let valueName, _, _, _, _) = kind { return valueName }
        return nil
    }

    /// The option in `settings` as text: its value, or for a flag whether it is set; nil for
    /// a value unset.
    func current(_ settings: Settings) -> String? {
        switch kind {
        case .value(_, _, _, _, let current): return current(settings)
        case .flag(_, let isSet): return isSet(settings) ? "true" : "false"
        }
    }

    /// `--name`.
    var spelling: String { "--" + name }

    /// Whether `argument` (without an `=value`) spells this option: `--name`, or `-o`.
    func isSpelled(_ argument: Substring) -> Bool {
        guard argument.hasPrefix("-") else { return false }
        let rest = argument.dropFirst()
        if rest.count == 1, let shortName { return rest.first == shortName }
        return rest.hasPrefix("-") && rest.dropFirst() == name
    }
}

extension CommandOption {
    /// Every option, in the order --help lists them; `id`, first, is a block's alone.
    static let all: [CommandOption] = [
        value(
            "id", \.id, places: .block, help: "The name of the block's image file: ID.svg or ID.png.",
            valid: { !$0.isEmpty && !$0.hasPrefix(".") && $0.utf8.allSatisfy(isIDCharacter) },
            expected: "letters, digits, '-', '_' and '.', not starting with '.' (it names the image file)"),
        value(
            "out-dir", \.outDir, valueName: "folder",
            help: "Batch mode: write each INPUT's diagram into this folder (created if missing), named after it. Files whose bytes would not change are not rewritten. Example: --out-dir docs"),
        value(
            "output", \.output, short: "o",
            help: "Where to write, or - for standard output. Default: INPUT's name with .svg, in the current folder. Example: -o out.png"),
        value(
            "format", \.format, places: [.commandLine, .block],
            help: "The output format; by default it comes from OUTPUT's extension (svg for -). Example: --format json",
            blockValues: ([OutputFormat.svg, .png].map(\.rawValue), "svg or png, a format a Markdown image can show")),
        value(
            "input-format", \.inputFormat, valueName: "format",
            help: "How INPUT is written: json (a spec or a graph dump) or mg (a text spec). Default: from INPUT's extension, .mg or .json; json for - and other names. Example: cat spec.mg | mgviz - -o - --input-format mg"),
        value(
            "rankdir", \.options.rankDirection, places: [.commandLine, .block],
            help: "Layout direction: LR (left to right, as micrograd draws) or TB (top to bottom). Example: --rankdir TB"),
        value(
            "precision", \.options.precision, places: [.commandLine, .block],
            help: "Decimals shown for data and grad (\(DrawOptions.precisionRange.lowerBound) to \(DrawOptions.precisionRange.upperBound)); tooltips always have full precision. Example: --precision 6",
            range: .integers(DrawOptions.precisionRange), checkedAs: .precision),
        flag(
            "no-backward", \.options.showsGradients, whenGiven: false, places: [.commandLine, .block],
            help: "Forward only: do not run backward, and show no grads."),
        value(
            "color", \.options.coloring, places: [.commandLine, .block],
            help: "Fill colour by node kind, or by the grad's sign and log-scaled size, with dead (zero-grad) nodes grey. Example: --color grad"),
        value(
            "theme", \.options.theme, places: [.commandLine, .block],
            help: "Colours: light (dark text on light fills), dark (light text on a dark background), or auto: one SVG whose colours follow the reader's light or dark preference, also where it is shown as an image. PNG and PDF take light or dark. Example: --theme auto"),
        flag(
            "check", \.options.checksGradients, checkedAs: .checksGradients,
            help: "Check every input's grad against the central difference (f(x+h) - f(x-h)) / 2h; prints OK or WRONG per input and exits 1 on any WRONG. Writes a diagram only with -o. Example: --check"),
        flag(
            "explain", \.explain,
            help: "Print backward as micrograd runs it, one line per contribution, every node by its name, the numbers with enough digits to check by hand: step 3  a.grad += b.data * d.grad = -3 * -2 = 6   (a.grad now 6). Writes a diagram only with -o. Example: --explain"),
        value(
            "notation", \.options.notation,
            help: "How --explain and --format txt write each contribution: code, the notebook's (a.grad += b.data * d.grad = -3 * -2 = 6), or symbols, the chain rule with the op's local rule (∂L/∂a += ∂L/∂d · ∂d/∂a = -2 × b = -2 × -3 = 6). Example: --explain --notation symbols",
            ledgerFormats: [.txt]),
        value(
            "steps", \.options.backwardSteps,
            help: "Which nodes' _backward --explain, --format txt and the HTML page's replay give a step: ops, those of the output and of every node made by an op (a leaf's does nothing: its grad is final at its last contribution, marked 'final'), or all, a leaf's too, as micrograd runs them. Example: --explain --steps all",
            ledgerFormats: [.txt, .html]),
        flag(
            "quiz", \.options.opensQuiz,
            help: "With -o page.html: open the page in quiz mode, the grads hidden for the learner to find. Example: -o quiz.html --quiz"),
        value(
            "step", \.options.gradientStep,
            help: "The h of --check; for a training run (.mgviz-run), the step whose graph is drawn, from 1 (the last by default). Example: --check --step 1e-4",
            range: .numbers(DrawOptions.gradientStepRange), checkedAs: .gradientStep),
        value(
            "method", \.options.gradientMethod,
            help: "The estimate --check compares with, as section 1 of the notebook computes both: central (f(x+h) - f(x-h)) / 2h, the default, whose error shrinks as h², or forward (f(x+h) - f(x)) / h, whose error shrinks as h. Example: --check --method forward"),
        value(
            "tolerance", \.options.gradientTolerance,
            help: "What --check allows: |autograd - numeric| <= T + T * |numeric|; for mgviz diff, what counts as no change: |b - a| <= T + T * |a|. Example: --check --tolerance 1e-7",
            range: .numbers(DrawOptions.gradientToleranceRange), checkedAs: .gradientTolerance),
        value(
            "collapse", \.options.collapse, places: [.commandLine, .block],
            help: "Fold a model's groups into one node each: neurons (each neuron, with its activation's data and grad), layers (each layer of each call), or calls (each application of the model to an example). Example: --collapse neurons"),
        value(
            "batch", \.options.batch, places: [.commandLine, .block],
            help: "A model run on a batch of examples: plate draws one example inside a box, with the parameters (their grads summed over the batch) and the sums outside; all draws every example. Example: --batch all"),
        value(
            "example", \.options.example, places: [.commandLine, .block],
            help: "The example a batch's plate shows, from \(DrawOptions.exampleRange.lowerBound) (default 0). Example: --example 17",
            range: .integers(DrawOptions.exampleRange), checkedAs: .example),
        value(
            "focus", \.options.focus, valueName: "name", places: [.commandLine, .block],
            help: "Draw only the values within --depth ops of the node with this label (or id, like n42), on both sides; each cut edge gets a stub saying how many nodes lie beyond it. Backward still runs on the whole graph. Example: --focus h1 --depth 2"),
        value(
            "depth", \.options.focusDepth, places: [.commandLine, .block],
            help: "With --focus: how many ops away from the focused node to draw. Example: --depth 3",
            range: .integers(DrawOptions.focusDepthRange), checkedAs: .focusDepth),
        flag(
            "only-changed", \.options.onlyChanged, checkedAs: .onlyChanged, places: [.commandLine, .block],
            help: "With mgviz diff: draw only what changed and the values within --depth ops of it, as --focus draws a part. Example: mgviz diff a.json b.json -o d.svg --only-changed --depth 1"),
        value(
            "diff", \.comparedWith, valueName: "file", places: .block,
            help: "Draw the block as its difference from this graph, as mgviz diff does: a spec or dump (from the document's folder), or a block, guide.md#name or #name in this document.",
            valid: { !$0.isEmpty }, expected: "a file's path, or a block's: guide.md#name, #name"),
        value(
            "dead-steps", \.alarms.deadSteps, valueName: "k",
            help: "A training run's alarm: a ReLU unit whose weights and bias got no grad at each of the last k steps is dead. Example: mgviz run.mgviz-run -o run.html --dead-steps 10",
            range: .integers(AlarmThresholds.deadStepsRange)),
        value(
            "vanishing-ratio", \.alarms.vanishingRatio, valueName: "r",
            help: "A training run's alarm: a layer's grads vanish at a step where the sum of their sizes over the sum of its data's is below r. Example: --vanishing-ratio 1e-8",
            range: .numbers(AlarmThresholds.vanishingRatioRange)),
        value(
            "exploding-factor", \.alarms.explodingFactor, valueName: "x",
            help: "A training run's alarm: a layer's grads explode at a step where their norm is x times the step before's or more. Example: --exploding-factor 1000",
            range: .numbers(AlarmThresholds.explodingFactorRange)),
        value(
            "max-nodes", \.options.maximumNodes, places: [.commandLine, .block],
            help: "Refuse to lay out (svg, png, pdf) graphs with more nodes than this; .dot and .json have no limit. Example: --max-nodes 5000",
            range: .integers(DrawOptions.maximumNodesRange), checkedAs: .maximumNodes),
        value(
            "max-layout-seconds", \.maxLayoutSeconds,
            help: "Stop a layout (svg, png, pdf, html) that has used this many seconds of CPU, with exit 65: the last guard for shapes the cost estimate does not foresee. Example: --max-layout-seconds 60",
            range: .integers(Settings.maxLayoutSecondsRange)),
        value(
            "dpi", \.options.dotsPerInch, valueName: "n", places: [.commandLine, .block],
            help: "PNG resolution in dots per inch. A big graph is drawn at less, to stay within \(DrawOptions.maximumPixels / 1_000_000) megapixels; mgviz says so. Example: --dpi 192",
            range: .numbers(DrawOptions.dotsPerInchRange), checkedAs: .dotsPerInch, formats: ([.png], "has no pixels")),
    ]

    /// The option named `name`; every caller names one that is declared.
    static func named(_ name: String) -> CommandOption { all.first { $0.name == name }! }

    static var commandLine: [CommandOption] { all.filter { $0.places.contains(.commandLine) } }
    static var block: [CommandOption] { all.filter { $0.places.contains(.block) } }

    /// A flag that sets `keyPath` to `whenGiven` when given, and a block's `name=false` to the
    /// opposite.
    private static func flag(
        _ name: String, _ keyPath: WritableKeyPath<Settings, Bool> & Sendable, whenGiven: Bool = true,
        checkedAs: DrawOptions.Option? = nil, places: Places = .commandLine, help: String
    ) -> CommandOption {
        CommandOption(
            name: name, shortName: nil, help: help,
            kind: .flag(set: { $0[keyPath: keyPath] = $1 == whenGiven }, isSet: { $0[keyPath: keyPath] == whenGiven }), places: places,
            checkedAs: checkedAs)
    }

    /// An option whose value sets `keyPath`.
    private static func value<Value: ExpressibleByArgument>(
        _ name: String, _ keyPath: WritableKeyPath<Settings, Value> & Sendable, short: Character? = nil, valueName: String? = nil,
        places: Places = .commandLine, help: String, blockValues: (values: [String], expected: String)? = nil,
        range: ValidRange? = nil, checkedAs: DrawOptions.Option? = nil, formats: (only: [OutputFormat], otherwise: String)? = nil,
        ledgerFormats: [OutputFormat]? = nil
    ) -> CommandOption {
        let kind = Kind.value(
            valueName: valueName ?? name,
            read: { settings, text in
                guard let value = Value(argument: text) else { return false }
                settings[keyPath: keyPath] = value
                return true
            },
            choices: { Value.allValueStrings }, expected: { expectation(of: Value.self) },
            current: { $0[keyPath: keyPath].defaultValueDescription })
        return CommandOption(
            name: name, shortName: short, help: help, kind: kind, places: places, blockValues: blockValues, range: range,
            checkedAs: checkedAs, formats: formats, ledgerFormats: ledgerFormats)
    }

    /// An option whose value sets `keyPath`, which is nil until it is given; `valid` refuses
    /// what converts but does not do, and `expected` then says what does.
    private static func value<Value: ExpressibleByArgument>(
        _ name: String, _ keyPath: WritableKeyPath<Settings, Value?> & Sendable, short: Character? = nil, valueName: String? = nil,
        places: Places = .commandLine, help: String, blockValues: (values: [String], expected: String)? = nil,
        range: ValidRange? = nil, checkedAs: DrawOptions.Option? = nil, valid: @escaping @Sendable (Value) -> Bool = { _ in true },
        expected: String? = nil
    ) -> CommandOption {
        let kind = Kind.value(
            valueName: valueName ?? name,
            read: { settings, text in
                guard let value = Value(argument: text), valid(value) else { return false }
                settings[keyPath: keyPath] = value
                return true
            },
            choices: { Value.allValueStrings }, expected: { expected ?? expectation(of: Value.self) },
            current: { $0[keyPath: keyPath]?.defaultValueDescription })
        return CommandOption(
            name: name, shortName: short, help: help, kind: kind, places: places, blockValues: blockValues, range: range,
            checkedAs: checkedAs)
    }

    /// What converts to `Value`, in a block's message: its choices, or the kind of number.
    private static func expectation<Value: ExpressibleByArgument>(of _: Value.Type) -> String {
        let choices = Value.allValueStrings
        guard let last = choices.last else { return Value.self is any BinaryInteger.Type ? "a whole number" : "a number" }
        return choices.count == 1 ? last : choices.dropLast().joined(separator: ", ") + " or " + last
    }
}

/// The characters of a block's id, which names its image file.
private func isIDCharacter(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
        || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        || byte == UInt8(ascii: ".")
}

extension OutputFormat: ExpressibleByArgument {}
extension InputFormat: ExpressibleByArgument {}
extension RankDirection: ExpressibleByArgument {}
extension Coloring: ExpressibleByArgument {}
extension Theme: ExpressibleByArgument {}
extension FiniteDifference: ExpressibleByArgument {}
extension DrawOptions.Collapse: ExpressibleByArgument {}
extension DrawOptions.BatchView: ExpressibleByArgument {}
extension DrawOptions.Notation: ExpressibleByArgument {}
extension DrawOptions.Steps: ExpressibleByArgument {}
