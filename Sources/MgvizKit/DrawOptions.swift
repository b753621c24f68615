import Micrograd
import MgvizExport
import MgvizRender

/// How to draw: each option with its default, and its valid range where it has one, defined
/// here once. The command's options set these (Sources/mgviz/CommandOption.swift).
public struct DrawOptions: Sendable, Equatable {
    /// What `collapse` folds into single nodes: a model's neurons, layers or calls.
    public typealias Collapse = CollapseLevel

    /// How `--explain`, `--format txt` and the page write a contribution to a grad.
    public typealias Notation = BackwardNotation
    /// Which nodes get a step of their own in backward's ledger.
    public typealias Steps = BackwardSteps

    /// How a model run on a batch of examples is drawn.
    public enum BatchView: String, Sendable, CaseIterable {
        /// One example inside a plate, with what the examples share outside it.
        case plate
        /// Every example.
        case all
    }

    /// The options `validate()` can refuse.
    public enum Option: Sendable, CaseIterable {
        /// ``DrawOptions/precision``.
        case precision
        /// ``DrawOptions/gradientStep``.
        case gradientStep
        /// ``DrawOptions/gradientTolerance``.
        case gradientTolerance
        /// ``DrawOptions/maximumNodes``.
        case maximumNodes
        /// ``DrawOptions/focusDepth``.
        case focusDepth
        /// ``DrawOptions/example``.
        case example
        /// ``DrawOptions/dotsPerInch``.
        case dotsPerInch
        /// ``DrawOptions/checksGradients``.
        case checksGradients
        /// ``DrawOptions/onlyChanged``.
        case onlyChanged
    }

    /// `.leftToRight` as micrograd draws, or `.topToBottom`.
    public var rankDirection: RankDirection
    /// Decimals shown for data and grad; tooltips and the JSON dump have every digit.
    public var precision: Int
    /// 0 to 17 decimals: 17 significant digits tell any two doubles apart.
    public static let precisionRange = 0...17
    /// Fill colour by node kind, or by the grad's sign and size.
    public var coloring: Coloring
    /// Light, dark, or SVG that follows the reader's preference (`auto`: SVG and HTML only).
    public var theme: Theme
    /// Whether the HTML page follows the reader's light or dark preference although `theme`
    /// is light: so when no theme was asked for (issue 26), as the command sets it; an explicit
    /// `--theme light` keeps the page light.
    public var pageFollowsReader = false
    /// Whether the HTML page opens in quiz mode, the grads hidden for the learner to find.
    public var opensQuiz: Bool
    /// How close a quiz answer must be to the grad, when the spec's `expect` has no tolerance.
    public static let quizTolerance = 1e-4
    /// How backward's ledger writes each contribution: the notebook's code, or the chain rule
    /// in symbols.
    public var notation: Notation
    /// Whether a leaf gets a step of its own in backward's ledger, which adds nothing.
    public var backwardSteps: Steps
    /// Whether grads are drawn. A spec is run backward first; a `Value` is drawn with the grads
    /// it has.
    public var showsGradients: Bool
    /// Whether each input's grad is checked against the central difference.
    public var checksGradients: Bool
    /// The h of the central difference (f(x+h) - f(x-h)) / 2h.
    public var gradientStep: Double
    /// Positive and finite.
    public static let gradientStepRange = Double.leastNonzeroMagnitude...Double.greatestFiniteMagnitude
    /// Central (f(x+h) - f(x-h)) / 2h, or forward (f(x+h) - f(x)) / h.
    public var gradientMethod: FiniteDifference
    /// What the check allows: |autograd - numeric| <= T + T * |numeric|; and what a
    /// difference allows before it counts a number as changed: |b - a| <= T + T * |a|.
    public var gradientTolerance: Double
    /// 0 or more, and finite.
    public static let gradientToleranceRange = 0...Double.greatestFiniteMagnitude
    /// Draws each of a model's neurons, layers or calls as one node; nil draws them expanded.
    public var collapse: Collapse?
    /// A batch drawn as a plate showing one example, or whole.
    public var batch: BatchView
    /// The example the plate shows, 0-based; nil for the first.
    public var example: Int?
    /// 0 or more; an example past the batch's last is refused when the plate is drawn.
    public static let exampleRange = 0...Int.max
    /// Draws only the values within `focusDepth` ops of the node with this label or id.
    public var focus: String?
    /// How many ops from the focused node are drawn, each way.
    public var focusDepth: Int
    /// 0 (the node alone) or more.
    public static let focusDepthRange = 0...Int.max
    /// For a difference: draws only what changed and the values within `focusDepth` ops of it.
    public var onlyChanged: Bool
    /// Graphs with more values are not laid out (`OutputFormat.needsLayout`); dot and json have
    /// no limit. A layout that runs long despite the limits and `LayoutCost` cannot be stopped
    /// from here (libgvc cannot cancel one): the command ends its own process then.
    public var maximumNodes: Int
    /// At least one node.
    public static let maximumNodesRange = 1...Int.max
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
    /// An explanation of backward (`BackwardLedger.explanation`) is refused for a graph of more
    /// operand uses, the lines it would have, before it is built: each holds the notebook's arithmetic in four strings. At the limit it
    /// takes 0.6 to 0.7 s and 195 MB; the 2,000,000 lines of a 1,000,000-term sum took 7 s of CPU
    /// (17 s on a loaded machine) and 1.55 GB.
    public static let maximumExplanationLines = 250_000

    /// Options with the command's defaults, but for those given.
    public init(
        rankDirection: RankDirection = DOTExporter.defaultRankDirection,
        precision: Int = DOTExporter.defaultPrecision,
        coloring: Coloring = DOTExporter.defaultColoring,
        theme: Theme = DOTExporter.defaultTheme,
        opensQuiz: Bool = false,
        notation: Notation = .code,
        backwardSteps: Steps = .ops,
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
        dotsPerInch: Double = BitmapSize.defaultDotsPerInch,
        onlyChanged: Bool = false
    ) {
        self.rankDirection = rankDirection
        self.precision = precision
        self.coloring = coloring
        self.theme = theme
        self.opensQuiz = opensQuiz
        self.notation = notation
        self.backwardSteps = backwardSteps
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
        self.dotsPerInch = dotsPerInch
        self.onlyChanged = onlyChanged
    }

    /// Throws for the first option out of its range, or given with another that leaves it
    /// nothing to do.
    public func validate() throws(InvalidOption) {
        guard Self.precisionRange.contains(precision) else { throw .integer(.precision, precision, allowed: Self.precisionRange) }
        guard Self.gradientStepRange.contains(gradientStep) else {
            throw .number(.gradientStep, gradientStep, allowed: Self.gradientStepRange)
        }
        guard Self.gradientToleranceRange.contains(gradientTolerance) else {
            throw .number(.gradientTolerance, gradientTolerance, allowed: Self.gradientToleranceRange)
        }
        guard Self.maximumNodesRange.contains(maximumNodes) else {
            throw .integer(.maximumNodes, maximumNodes, allowed: Self.maximumNodesRange)
        }
        guard Self.focusDepthRange.contains(focusDepth) else { throw .integer(.focusDepth, focusDepth, allowed: Self.focusDepthRange) }
        if let example {
            guard Self.exampleRange.contains(example) else { throw .integer(.example, example, allowed: Self.exampleRange) }
            guard batch == .plate else { throw .exampleWithoutPlate }
        }
        guard Self.dotsPerInchRange.contains(dotsPerInch) else {
            throw .number(.dotsPerInch, dotsPerInch, allowed: Self.dotsPerInchRange)
        }
        if checksGradients && !showsGradients { throw .checkWithoutGradients }
        if onlyChanged && focus != nil { throw .onlyChangedWithFocus }
    }

    /// The exporter these options describe.
    var dotExporter: DOTExporter { DOTExporter(rankDirection: rankDirection, precision: precision, coloring: coloring, theme: theme) }

    /// The bitmap size these options ask for.
    var bitmapSize: BitmapSize { BitmapSize(dotsPerInch: dotsPerInch, minimumDotsPerInch: Self.minimumUsefulDotsPerInch) }
}

/// An option out of its valid range, or given with another that leaves it nothing to do.
public enum InvalidOption: Error, Equatable, Sendable {
    /// A whole-number option outside `allowed`.
    case integer(DrawOptions.Option, Int, allowed: ClosedRange<Int>)
    /// A number option outside `allowed`, whose bounds are finite: NaN and the infinities are
    /// outside every such range.
    case number(DrawOptions.Option, Double, allowed: ClosedRange<Double>)
    /// `example` picks the example a plate shows, and `batch` is `.all`, which draws no plate.
    case exampleWithoutPlate
    /// `checksGradients` compares backward's grads, and `showsGradients` is false.
    case checkWithoutGradients
    /// `onlyChanged` and `focus` each choose what is drawn: one of them.
    case onlyChangedWithFocus

    /// The option refused.
    public var option: DrawOptions.Option {
        switch self {
        case .integer(let option, _, _), .number(let option, _, _): return option
        case .exampleWithoutPlate: return .example
        case .checkWithoutGradients: return .checksGradients
        case .onlyChangedWithFocus: return .onlyChanged
        }
    }
}
