import Micrograd
import MgvizExport
import MgvizRender

/// How to draw: every option of the `mgviz` command, each with its default and its valid
/// range defined here once; `Option.flag` gives each one's spelling on the command line.
public struct DrawOptions: Sendable, Equatable {
    /// What `collapse` folds into single nodes: a model's neurons, layers or calls.
    public typealias Collapse = CollapseLevel

    /// How a model run on a batch of examples is drawn.
    public enum BatchView: String, Sendable, CaseIterable {
        /// One example inside a plate, with what the examples share outside it.
        case plate
        /// Every example.
        case all
    }

    /// The options `validate()` can refuse.
    public enum Option: Sendable, CaseIterable {
        case precision, checksGradients, gradientStep, gradientTolerance, focusDepth, dotsPerInch, example
        case maximumNodes, maximumLayoutSeconds

        /// The option as the command spells it.
        public var flag: String {
            switch self {
            case .precision: return "--precision"
            case .checksGradients: return "--check"
            case .gradientStep: return "--step"
            case .gradientTolerance: return "--tolerance"
            case .focusDepth: return "--depth"
            case .dotsPerInch: return "--dpi"
            case .example: return "--example"
            case .maximumNodes: return "--max-nodes"
            case .maximumLayoutSeconds: return "--max-layout-seconds"
            }
        }
    }

    /// `.leftToRight` as micrograd draws, or `.topToBottom`.
    public var rankDirection: RankDirection
    /// Decimals shown for data and grad; tooltips and the JSON dump have every digit.
    public var precision: Int
    public static let precisionRange = 0...17
    /// Fill colour by node kind, or by the grad's sign and size.
    public var coloring: Coloring
    /// Light, dark, or SVG that follows the reader's preference (`auto`: SVG and HTML only).
    public var theme: Theme
    /// Whether the HTML page opens in quiz mode, the grads hidden for the learner to find.
    public var opensQuiz: Bool
    /// How close a quiz answer must be to the grad, when the spec's `expect` has no tolerance.
    public static let quizTolerance = 1e-4
    /// Whether grads are drawn. A spec is run backward first; a `Value` is drawn with the grads
    /// it has. `false` is the command's `--no-backward`.
    public var showsGradients: Bool
    /// Whether each input's grad is checked against the central difference, as `--check` does.
    public var checksGradients: Bool
    /// The h of the central difference (f(x+h) - f(x-h)) / 2h.
    public var gradientStep: Double
    /// Central (f(x+h) - f(x-h)) / 2h, or forward (f(x+h) - f(x)) / h.
    public var gradientMethod: FiniteDifference
    /// What the check allows: |autograd - numeric| <= T + T * |numeric|.
    public var gradientTolerance: Double
    public var collapse: Collapse?
    /// A batch drawn as a plate showing one example, or whole.
    public var batch: BatchView
    /// The example the plate shows, 0-based; nil for the first.
    public var example: Int?
    /// Draws only the values within `focusDepth` ops of the node with this label or id.
    public var focus: String?
    public var focusDepth: Int
    /// Graphs with more values are not laid out (svg, png, pdf, html); dot and json have no limit.
    public var maximumNodes: Int
    /// CPU seconds (of the whole process) a layout may take before the process ends with
    /// `ExitStatus.dataError`; nil for no limit, the default, since a library caller may not
    /// afford to lose its process: it relies on the refusals of `LayoutCost`.
    public var maximumLayoutSeconds: Int?
    public static let layoutSecondsRange = 1...86_400
    /// The command's limit, which it sets unless told otherwise.
    public static let commandLayoutSeconds = 10
    /// PNG resolution; a big graph is drawn at less, to stay within `BitmapSize`'s pixel cap.
    public var dotsPerInch: Double
    /// From `minimumUsefulDotsPerInch`: below it Graphviz draws nothing, or text no one reads.
    public static let dotsPerInchRange = minimumUsefulDotsPerInch...2400.0
    /// A PNG has at most this many pixels: a bigger drawing is drawn at less than `dotsPerInch`.
    public static let maximumPixels = BitmapSize.defaultMaximumPixels
    /// Below this a PNG's text is a few pixels high at best: such a PNG is refused.
    public static let minimumUsefulDotsPerInch = 10.0
    /// Past this many nodes an expanded model is more wires than lesson (the lecture's
    /// MLP(3, [4, 4, 1]) with its loss has 120), so collapsing it is suggested.
    public static let collapseSuggestedAbove = 500
    /// A gradient check of more work (`GradientCheck.work`: inputs × nodes) is refused before
    /// it starts. The op slowest to evaluate again is a power with a float exponent (about
    /// 100 ns a node in a check; sin 55, tanh 70, a sum 18): 200 inputs before 200,000 of
    /// them, at the limit, take 3.9 s of CPU; at 200,000,000 they took 10.8 s.
    public static let maximumCheckWork = 40_000_000
    /// `--explain` refuses a graph of more operand uses, the lines it would print, before it
    /// builds them: each holds the notebook's arithmetic in four strings. At the limit it
    /// takes 0.6 to 0.7 s and 195 MB; the 2,000,000 lines of a 1,000,000-term sum took 7 s of CPU
    /// (17 s on a loaded machine) and 1.55 GB.
    public static let maximumExplanationLines = 250_000

    public init(
        rankDirection: RankDirection = DOTExporter.defaultRankDirection,
        precision: Int = DOTExporter.defaultPrecision,
        coloring: Coloring = DOTExporter.defaultColoring,
        theme: Theme = DOTExporter.defaultTheme,
        opensQuiz: Bool = false,
        showsGradients: Bool = true,
        checksGradients: Bool = false,
        gradientStep: Double = GradientCheck.defaultStep,
        gradientMethod: FiniteDifference = GradientCheck.defaultMethod,
        gradientTolerance: Double = GradientCheck.defaultTolerance,
        collapse: Collapse? = nil,
        batch: BatchView = .plate,
        example: Int? = nil,
        focus: String? = nil,
        focusDepth: Int = 2,
        maximumNodes: Int = LayoutCost.defaultMaximumValues,
        maximumLayoutSeconds: Int? = nil,
        dotsPerInch: Double = BitmapSize.defaultDotsPerInch
    ) {
        self.rankDirection = rankDirection
        self.precision = precision
        self.coloring = coloring
        self.theme = theme
        self.opensQuiz = opensQuiz
        self.showsGradients = showsGradients
        self.checksGradients = checksGradients
        self.gradientStep = gradientStep
        self.gradientMethod = gradientMethod
        self.gradientTolerance = gradientTolerance
        self.collapse = collapse
        self.batch = batch
        self.example = example
        self.focus = focus
        self.focusDepth = focusDepth
        self.maximumNodes = maximumNodes
        self.maximumLayoutSeconds = maximumLayoutSeconds
        self.dotsPerInch = dotsPerInch
    }

    /// Throws for the first option out of its range.
    public func validate() throws(InvalidOption) {
        guard Self.precisionRange.contains(precision) else {
            throw InvalidOption(.precision, "must be from \(Self.precisionRange.lowerBound) to \(Self.precisionRange.upperBound), got \(precision)")
        }
        guard gradientStep > 0, gradientStep.isFinite else { throw InvalidOption(.gradientStep, "must be a positive number, got \(gradientStep)") }
        guard gradientTolerance >= 0, gradientTolerance.isFinite else {
            throw InvalidOption(.gradientTolerance, "must be 0 or more, got \(gradientTolerance)")
        }
        guard maximumNodes > 0 else { throw InvalidOption(.maximumNodes, "must be positive, got \(maximumNodes)") }
        if let maximumLayoutSeconds, !Self.layoutSecondsRange.contains(maximumLayoutSeconds) {
            throw InvalidOption(
                .maximumLayoutSeconds,
                "must be from \(Self.layoutSecondsRange.lowerBound) to \(Self.layoutSecondsRange.upperBound), got \(maximumLayoutSeconds)")
        }
        guard focusDepth >= 0 else { throw InvalidOption(.focusDepth, "must be 0 or more, got \(focusDepth)") }
        if let example {
            guard example >= 0 else { throw InvalidOption(.example, "must be 0 or more, got \(example)") }
            guard batch == .plate else { throw InvalidOption(.example, "picks the example a plate shows: drop --batch all") }
        }
        guard Self.dotsPerInchRange.contains(dotsPerInch) else {
            throw InvalidOption(.dotsPerInch, "must be from \(Int(Self.dotsPerInchRange.lowerBound)) to \(Int(Self.dotsPerInchRange.upperBound)), got \(dotsPerInch)")
        }
        if checksGradients && !showsGradients {
            throw InvalidOption(.checksGradients, "compares backward's grads: drop --no-backward")
        }
    }

    /// The exporter these options describe.
    var dotExporter: DOTExporter { DOTExporter(rankDirection: rankDirection, precision: precision, coloring: coloring, theme: theme) }

    /// The bitmap size these options ask for.
    var bitmapSize: BitmapSize { BitmapSize(dotsPerInch: dotsPerInch, minimumDotsPerInch: Self.minimumUsefulDotsPerInch) }
}

/// An option out of its valid range: `--precision must be from 0 to 17, got 18`.
public struct InvalidOption: Error, Equatable, Sendable, CustomStringConvertible {
    public var option: DrawOptions.Option
    /// What is wrong, after the option's name.
    public var problem: String

    public init(_ option: DrawOptions.Option, _ problem: String) {
        self.option = option
        self.problem = problem
    }

    public var description: String { "\(option.flag) \(problem)" }
}
