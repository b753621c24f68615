import Micrograd
import MgvizExport
import MgvizSpec

/// A graph made ready to draw: evaluated, run backward, checked, its wrong numbers marked,
/// then collapsed and focused as the options say. It is the one pipeline that the command,
/// the benchmarks, the fuzzer, the tests and Swift programs draw through:
///
///     spec or Value → graph → backward → checks → diagram → collapse, focus → format → bytes
///     dump → diagram → collapse, focus → format → bytes
public struct Drawing {
    /// The options the drawing was made with.
    public let options: DrawOptions
    /// The graph and its names, for a drawing of a spec.
    public let evaluation: Evaluation?
    /// The whole graph that reaches the output, with what the checks found wrong marked on it.
    public let checkedDiagram: Diagram
    /// What is drawn: `checkedDiagram`, collapsed and focused as the options say. A focus on a
    /// name the graph lacks throws here, after the checks, whose verdicts stand either way.
    public var diagram: Diagram {
        get throws(DrawError) { try drawn.get() }
    }
    private let drawn: Result<Diagram, DrawError>
    /// One verdict per input, in order, when `options.checksGradients`.
    public let gradientChecks: [GradientVerdict]
    /// One verdict per entry of a spec's `expect`.
    public let expectations: [ExpectationResult]
    /// Where a NaN or an infinity first appears, if anywhere.
    public let nonFinite: NonFiniteWarning?
    /// A model drawn neuron by neuron with more than `DrawOptions.collapseSuggestedAbove` nodes.
    public let suggestsCollapsing: Bool
    /// What the drawing chose that the options did not ask for: a plate too big to lay out
    /// expanded, drawn with its neurons collapsed.
    public let viewNote: String?
    /// Which engine node each of `checkedDiagram`'s nodes was copied from, and the graph's
    /// output, for a drawing of a spec or a Value.
    private let source: (output: Value, ids: ValueIDs)?

    /// The title drawn above the diagram.
    public var title: String? { checkedDiagram.title }

    /// backward step by step as micrograd runs it, on what is drawn: what `--explain` prints
    /// and the HTML page replays, with a leaf's step or not as `options.backwardSteps` says.
    /// Nil for a focused part, or a drawing without grads.
    package var backwardLedger: BackwardLedger? {
        guard let diagram = try? diagram else { return nil }
        return BackwardLedger(diagram, precision: options.precision, steps: options.backwardSteps)
    }

    /// `--explain`: one line per contribution, in `options.notation`, as
    /// `BackwardLedger.explanation` writes them, after the legend of the symbols. Refused, before the ledger is built, for a
    /// graph of more operand uses than `DrawOptions.maximumExplanationLines`; nil for a
    /// focused part or a drawing without grads.
    package func explanation() throws(DrawError) -> [String]? {
        try checkExplanationSize()
        guard let ledger = backwardLedger else { return nil }
        return (ledger.legend(options.notation).map { [$0] } ?? []) + ledger.explanation(options.notation)
    }

    /// Refuses a ledger of more lines than `DrawOptions.maximumExplanationLines`, counted
    /// before it is built: it would hold every line's texts.
    func checkExplanationSize() throws(DrawError) {
        let uses = try diagram.edgeCount
        guard uses <= DrawOptions.maximumExplanationLines else {
            throw .explanationTooLong(lines: uses, maximum: DrawOptions.maximumExplanationLines)
        }
    }

    /// For a difference (`init(document:comparedWith:options:)`): what differs between the
    /// whole graphs compared, the views drawn aside.
    public var differenceSummary: DifferenceSummary? { checkedDiagram.differenceSummary }

    /// Whether no check or expectation is WRONG.
    public var isCorrect: Bool {
        !gradientChecks.contains { $0.result.verdict == .wrong } && expectations.allSatisfy(\.isRight)
    }

    /// The position in `checkedDiagram` of the node `value` is, or nil if it is of another
    /// graph or does not reach the output.
    public func position(of value: Value) -> Int? {
        guard let source, value.graph === source.output.graph else { return nil }
        return source.ids.position(of: value.id)
    }

    /// Evaluates `spec` on a graph of its own, runs backward unless `options` say not to, and
    /// checks what `options` and the spec's `expect` ask for.
    /// The spec is consumed: its text, megabytes for a big graph, is let go once evaluated.
    public init(spec: consuming Spec, options: DrawOptions = DrawOptions()) throws(DrawError) {
        try Self.validate(options)
        let evaluation: Evaluation
        do { evaluation = try spec.evaluate() } catch { throw .spec(error) }
        _ = consume spec
        if !options.showsGradients && !(evaluation.expect?.grads.isEmpty ?? true) { throw .gradsWithoutBackward }
        if options.showsGradients { evaluation.output.backward() }
        try self.init(
            output: evaluation.output, title: evaluation.title, inputs: evaluation.inputs,
            expectations: evaluation.checkExpectations(), evaluation: evaluation, options: options)
    }

    /// Draws a dumped graph as given: data and grads are the file's, and nothing is evaluated
    /// again; which is why `--check`, which evaluates the graph again, needs a spec. A dump
    /// made without backward draws no grads.
    public init(dump: GraphDump, options: DrawOptions = DrawOptions()) throws(DrawError) {
        try Self.validate(options)
        guard !options.checksGradients else { throw .checkNeedsSpec }
        var options = options
        options.showsGradients = options.showsGradients && dump.hasGrads
        let checked = options.showsGradients || !dump.hasGrads ? dump.diagram : dump.diagram.withoutGrads()
        self.init(checked: checked, checks: [], expectations: [], evaluation: nil, source: nil, options: options)
    }

    /// Draws what an input file holds: a spec, evaluated, or a dump, as given; a training
    /// run as the graph of its last step that kept one.
    public init(document: consuming InputDocument, options: DrawOptions = DrawOptions()) throws(DrawError) {
        switch consume document {
        case .spec(let spec): try self.init(spec: spec, options: options)
        case .graph(let dump): try self.init(dump: dump, options: options)
        case .run(let run): try self.init(run: run, step: run.graphSteps.last!, options: options)
        }
    }

    /// Draws the graph a training run kept at `step` (0-based, one of `run.graphSteps`).
    public init(run: TrainingRun, step: Int, options: DrawOptions = DrawOptions()) throws(DrawError) {
        let dump: GraphDump
        do { dump = try run.graph(at: step) } catch { throw .spec(error) }
        try self.init(dump: dump, options: options)
    }

    /// Draws the graph `document` holds (B) as its difference from the one `earlier` holds
    /// (A): B's graph with its changes marked (`Diagram.difference(from:tolerance:)`, with
    /// `options.gradientTolerance`), and A's nodes that B lacks drawn faint. Each graph is
    /// made and viewed as `options` say (a batch's plate, collapsed neurons) before the views
    /// are compared; `checkedDiagram` is the difference of the whole graphs, whose summary
    /// `differenceSummary` gives. `focus` and `onlyChanged` then choose what of the difference
    /// is drawn. A difference compares the graphs as they are: `checksGradients` and
    /// `Coloring.grad` are refused.
    public init(
        document: consuming InputDocument, comparedWith earlier: consuming InputDocument, options: DrawOptions = DrawOptions()
    ) throws(DrawError) {
        let parts = try Self.partsOfDifference(options)
        let a = try Drawing(document: earlier, options: parts)
        try self.init(Drawing(document: document, options: parts), comparedWith: a, options: options)
    }

    /// The options each graph of a difference is drawn with: `options` without what chooses a
    /// part of the difference (`focus`, `onlyChanged`); refused where no difference can be drawn.
    package static func partsOfDifference(_ options: DrawOptions) throws(DrawError) -> DrawOptions {
        try validate(options)
        guard !options.checksGradients else { throw .checkInDifference }
        guard options.coloring == .kind else { throw .gradColoringInDifference }
        var parts = options
        parts.focus = nil
        parts.onlyChanged = false
        return parts
    }

    /// B's drawing with its views compared with A's, both drawn with `partsOfDifference(options)`.
    package init(_ b: Drawing, comparedWith a: Drawing, options: DrawOptions) {
        self.options = options
        evaluation = b.evaluation
        source = b.source
        gradientChecks = []
        expectations = b.expectations
        nonFinite = b.nonFinite
        suggestsCollapsing = b.suggestsCollapsing
        viewNote = b.viewNote
        let whole = b.checkedDiagram.difference(from: a.checkedDiagram, tolerance: options.gradientTolerance)
        checkedDiagram = whole
        do throws(DrawError) {
            let (viewOfB, viewOfA) = (try b.drawn.get(), try a.drawn.get())
            var viewed = whole
            // A plate or collapsed neurons: the views are compared, and keep the whole's summary.
            if viewOfB != b.checkedDiagram || viewOfA != a.checkedDiagram {
                viewed = viewOfB.difference(from: viewOfA, tolerance: options.gradientTolerance)
                viewed.setDifferenceSummary(whole.differenceSummary!)
            }
            drawn = Self.focused(viewed, options: options)
        } catch {
            drawn = .failure(error)
        }
    }

    /// Draws `output` as it stands: it is not run backward, so the grads drawn are the ones
    /// its graph holds (call `backward()` first). A gradient check covers its labelled leaves.
    public init(output: Value, title: String? = nil, options: DrawOptions = DrawOptions()) throws(DrawError) {
        try Self.validate(options)
        var inputs: [Value] = []
        if options.checksGradients {
            let graph = output.graph
            let reaches = graph.dependencies(of: output.id)
            inputs = reaches.indices.filter { reaches[$0] && graph[$0].op == .leaf && graph[$0].label != nil }.map { graph[$0] }
        }
        try self.init(output: output, title: title, inputs: inputs, expectations: [], evaluation: nil, options: options)
    }

    private static func validate(_ options: DrawOptions) throws(DrawError) {
        do { try options.validate() } catch { throw .invalidOption(error) }
    }

    /// Checks `output`'s grads as the options ask, and copies its graph into a diagram with
    /// what the checks and expectations found wrong marked on it.
    private init(
        output: Value, title: String?, inputs: [Value], expectations: [ExpectationResult], evaluation: Evaluation?,
        options: DrawOptions
    ) throws(DrawError) {
        var checks: [GradientCheck.Result] = []
        if options.checksGradients {
            guard GradientCheck.work(output: output, inputs: inputs) <= DrawOptions.maximumCheckWork else {
                throw .checkTooCostly(inputs: inputs.count, nodes: Int(output.id) + 1, maximum: DrawOptions.maximumCheckWork)
            }
            checks = GradientCheck(tolerance: options.gradientTolerance, step: options.gradientStep, method: options.gradientMethod)
                .run(output: output, inputs: inputs)
        }
        var problems: [Value: [Diagram.Problem]] = [:]
        for check in checks where check.verdict == .wrong {
            problems[check.input, default: []].append(.init(.numericGrad, check.numeric))
        }
        for expectation in expectations where !expectation.isRight {
            problems[expectation.value, default: []].append(.init(expectation.isGrad ? .expectedGrad : .expectedData, expectation.expected))
        }
        let (checked, ids) = Diagram.capturing(output: output, title: title, withGrad: options.showsGradients, problems: problems)
        self.init(
            checked: checked, checks: checks, expectations: expectations, evaluation: evaluation, source: (output, ids),
            options: options)
    }

    private init(
        checked: Diagram, checks: [GradientCheck.Result], expectations: [ExpectationResult], evaluation: Evaluation?,
        source: (output: Value, ids: ValueIDs)?, options: DrawOptions
    ) {
        self.options = options
        self.evaluation = evaluation
        self.source = source
        let nonFinite = checked.firstNonFinite().map { NonFiniteWarning($0, in: checked) }
        checkedDiagram = checked
        gradientChecks = checks.map { check in
            let kink: Int?
            if case .notDifferentiable(let node) = check.verdict, let source, node.graph === source.output.graph {
                kink = source.ids.position(of: node.id)
            } else {
                kink = nil
            }
            return GradientVerdict(check, in: checked, kinkPosition: kink, nonFinite: nonFinite)
        }
        self.expectations = expectations
        self.nonFinite = nonFinite
        let (viewed, note) = Self.view(of: checked, options: options)
        viewNote = note
        drawn = viewed.flatMap { Self.focused($0, options: options) }
        let drawnCount = (try? drawn.get())?.nodes.count ?? 0
        suggestsCollapsing = checked.hasNeurons && options.collapse == nil && options.focus == nil
            && drawnCount > DrawOptions.collapseSuggestedAbove
    }

    /// What `options` ask to be drawn of the whole diagram, focus aside: a batch's plate,
    /// collapsed; and a note when a plate too big to lay out expanded is drawn collapsed.
    private static func view(of checked: Diagram, options: DrawOptions) -> (Result<Diagram, DrawError>, note: String?) {
        var viewed = checked
        var note: String?
        if options.batch == .plate {
            do throws(PlateRefusal) {
                viewed = try checked.plate(showing: options.example ?? 0)
            } catch {
                // A graph that is no batch, or whose examples differ, is drawn whole, unless an
                // example was asked for.
                if options.example != nil || error.isAboutTheOptions { return (.failure(.plate(error)), nil) }
            }
        }
        var collapse = options.collapse
        if viewed.plate != nil && collapse == nil && options.focus == nil
            && (viewed.nodes.count > options.maximumNodes || viewed.layoutCost.isTooCostly) {
            // One example alone is too big to lay out: its neurons fold, as asking would.
            note = "one example's plate has \(viewed.nodes.count) nodes, too many to lay out expanded: drawn with the model's neurons collapsed"
            collapse = .neurons
        }
        if let level = collapse { viewed = viewed.collapsing(level) }
        return (.success(viewed), note)
    }

    /// The part of `viewed` that `options` focus on: a node and its neighbours, or a
    /// difference's changes and theirs; all of it otherwise.
    private static func focused(_ viewed: Diagram, options: DrawOptions) -> Result<Diagram, DrawError> {
        if options.onlyChanged {
            guard viewed.comparison != nil else { return .failure(.onlyChangedWithoutDifference) }
            return .success(viewed.focusingOnChanges(depth: options.focusDepth))
        }
        guard let focus = options.focus else { return .success(viewed) }
        do throws(FocusError) {
            return .success(viewed.focusing(on: try viewed.position(named: focus), depth: options.focusDepth))
        } catch {
            return .failure(.focus(error))
        }
    }
}

/// A node as messages name it, by the name the drawing shows (`ValueNames`): its label,
/// `'p'`; or, unlabelled, the expression that made it, `'log(p3)'`, or its neuron, `'L1 N4'`;
/// or a constant, `the constant 2`. Ids (`n7`) are in tooltips, not in messages.
public struct NodeReference: Sendable, Equatable, CustomStringConvertible {
    /// `n7`, as the node's tooltip shows it.
    public var id: String
    /// The node's label; empty for none.
    public var label: String
    /// The node in a few words: `'p'`, `'log(p3)'`, `the constant 2`.
    public let description: String

    init(_ position: Int, in diagram: Diagram) {
        id = NodeNames.value(at: diagram.nameNumber(at: position))
        label = diagram.label(at: position)
        let names = diagram.valueNames
        let name = names.name(at: position)
        description = names.source(at: position) == .constant ? "the constant \(name)" : "'\(name)'"
    }
}

/// A gradient check's finding for one input, with the diagram's names.
public struct GradientVerdict: Sendable {
    /// The check's numbers and verdict.
    public let result: GradientCheck.Result
    /// The input's label.
    public let inputLabel: String
    /// Why a check was skipped or is NaN, in words: `not differentiable here: ReLU of 0.0 at n3`.
    public let note: String?

    init(_ result: GradientCheck.Result, in diagram: Diagram, kinkPosition: Int?, nonFinite: NonFiniteWarning?) {
        self.result = result
        inputLabel = result.input.label ?? ""
        switch result.verdict {
        case .ok, .wrong: note = nil
        case .notANumber: note = nonFinite?.description
        case .notDifferentiable(let kink):
            let place = kinkPosition.map { NodeReference($0, in: diagram).description } ?? "a node off the output's path"
            note = "not differentiable here: \(kink.opName) of \(exactText(kink.operands[0].data)) at \(place)"
        }
    }
}

/// Where a NaN or an infinity first appears, in the diagram's names:
/// `NaN first appears at the log of 'p' (log of -0.5)`.
public struct NonFiniteWarning: Sendable, CustomStringConvertible {
    /// Where the number is, which number, and what made it.
    public let origin: NonFiniteOrigin
    /// The node, named as the drawing shows it.
    public let node: NodeReference
    /// The warning, one line.
    public let description: String

    init(_ origin: NonFiniteOrigin, in diagram: Diagram) {
        self.origin = origin
        node = NodeReference(origin.position, in: diagram)
        /// `log of -0.5`, `* of 1e308 and 10`.
        func application(_ node: Diagram.Node) -> String {
            node.op + " of " + node.operands.map { shortText(diagram.nodes[$0].data) }.joined(separator: " and ")
        }
        let cause: String
        switch origin.cause {
        case .input: cause = "an input"
        case .op: cause = application(diagram.nodes[origin.position])
        case .backward(let consumer): cause = "backward through \(application(diagram.nodes[consumer]))"
        case .outputSeed: cause = "the output's seed"
        }
        let quantity = origin.quantity == .grad ? "grad " : ""
        description = "\(quantity)\(spell(origin.value)) first appears at \(node) (\(cause))"
    }
}
