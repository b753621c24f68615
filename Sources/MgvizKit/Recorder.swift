import MgvizExport
import MgvizSpec
import Micrograd

/// Records a training run, step by step, as Python's `mgviz.Recorder` does (docs/timeline.md):
///
///     let recorder = Recorder(model: mlp)
///     for _ in 0..<100 {
///         let loss = ...; mlp.zeroGrad(); loss.backward()
///         recorder.record(loss)                  // after backward, before the update
///         for p in mlp.parameters { p.data -= 0.05 * p.grad }
///     }
///     try recorder.save(to: "run.mgviz-run")    // or recorder.draw(to: "run.html")
///
/// Each step keeps the loss and every parameter's data and grad; the whole graph is kept at
/// the first step, every `fullEvery`-th, the first whose numbers are not all finite, and the
/// last, each distinct structure once.
public final class Recorder {
    private let parameters: [Value]
    private let names: [TrainingRun.Parameter]
    private let fullEvery: Int?
    private let title: String?
    private var steps: [TrainingRun.Step] = []
    private var structures: [[UInt8]] = []
    private var structureOf: [String: Int] = [:]
    private var last: Value?
    private var nonFiniteSeen = false

    /// Records `parameters`, named `p1`, `p2`, … unless `names` are given.
    public init(parameters: [Value], names: [String]? = nil, fullEvery: Int? = nil, title: String? = nil) {
        precondition(fullEvery.map { $0 >= 1 } ?? true, "fullEvery is 1 or more")
        precondition(names.map { $0.count == parameters.count } ?? true, "one name per parameter")
        self.parameters = parameters
        self.names = (names ?? parameters.indices.map { "p\($0 + 1)" }).map { TrainingRun.Parameter(name: $0) }
        self.fullEvery = fullEvery
        self.title = title
    }

    /// Records an MLP's parameters, named and grouped as mgviz names them (`L1 N2 w1`, `L1 N2 b`).
    public init(model: MLP, fullEvery: Int? = nil, title: String? = nil) {
        precondition(fullEvery.map { $0 >= 1 } ?? true, "fullEvery is 1 or more")
        var parameters: [Value] = [], names: [TrainingRun.Parameter] = []
        for (l, layer) in model.layers.enumerated() {
            for (m, neuron) in layer.neurons.enumerated() {
                for (k, p) in (neuron.weights + [neuron.bias]).enumerated() {
                    parameters.append(p)
                    let name = "L\(l + 1) N\(m + 1) " + (k < neuron.weights.count ? "w\(k + 1)" : "b")
                    names.append(TrainingRun.Parameter(name: name, layer: l + 1, neuron: m + 1, nonlinear: neuron.activation == .relu))
                }
            }
        }
        self.parameters = parameters
        self.names = names
        self.fullEvery = fullEvery
        self.title = title
    }

    /// Records one step: `loss`'s data and each parameter's data and grad as they are now.
    public func record(_ loss: Value) throws(DrawError) {
        let step = TrainingRun.Step(loss: loss.data, data: parameters.map(\.data), grad: parameters.map(\.grad))
        let finite = step.loss.isFinite && step.data.allSatisfy(\.isFinite) && step.grad.allSatisfy(\.isFinite)
        let number = steps.count
        steps.append(step)
        if number == 0 || fullEvery.map({ number % $0 == 0 }) == true || (!finite && !nonFiniteSeen) {
            steps[number].graph = try graph(of: loss)
        }
        nonFiniteSeen = nonFiniteSeen || !finite
        last = loss
    }

    /// The graph of `loss` as the run keeps it: its structure, stored once, and its numbers.
    private func graph(of loss: Value) throws(DrawError) -> TrainingRun.StepGraph {
        let diagram = try Drawing(output: loss, title: title).checkedDiagram
        let nodes = diagram.nodes
        // The structure: every node's label, op, kind, operands and group, without numbers.
        let key = nodes.map { "\($0.label)\u{1}\($0.op)\u{1}\($0.kind)\u{1}\($0.operands)\u{1}\($0.group.map { "\($0)" } ?? "")" }
            .joined(separator: "\u{2}")
        let index: Int
        if let known = structureOf[key] {
            index = known
        } else {
            index = structures.count
            structureOf[key] = index
            structures.append(JSONExporter().exportBytes(diagram))
        }
        return TrainingRun.StepGraph(structure: index, data: nodes.map(\.data), grad: nodes.map { $0.grad ?? .nan })
    }

    /// The run's text, the last step with its graph: traced now, with the parameters' data
    /// and grads put back as that step recorded them (the update since changed them).
    public func text() throws(DrawError) -> [UInt8] {
        precondition(!steps.isEmpty, "record(_:) a step first")
        var finished = steps
        if finished[finished.count - 1].graph == nil, let last {
            let recorded = finished[finished.count - 1]
            let now = parameters.map { ($0.data, $0.grad) }
            for (k, p) in parameters.enumerated() {
                p.data = recorded.data[k]
                p.grad = recorded.grad[k]
            }
            defer { for (p, (data, grad)) in zip(parameters, now) { p.data = data; p.grad = grad } }
            finished[finished.count - 1].graph = try graph(of: last)
        }
        return TrainingRun.text(title: title, parameters: names, structures: structures, steps: finished)
    }

    /// The run as `TrainingRun` reads it back.
    public func run() throws(DrawError) -> TrainingRun {
        guard case .run(let run) = try Self.document(try text()) else { preconditionFailure("a recorder writes a run") }
        return run
    }

    private static func document(_ bytes: [UInt8]) throws(DrawError) -> InputDocument {
        do { return try InputDocument(bytes: bytes) } catch { throw .spec(error) }
    }

    /// Writes the run to `path` (an .mgviz-run file), whole or not at all.
    public func save(to path: String) throws(DrawError) {
        try Drawing.write(Rendering(bytes: try text()), to: path)
    }

    /// Draws the run to `path`: the timeline page for .html, else the last step's graph.
    /// Returns the run's alarms under `thresholds`.
    @discardableResult
    public func draw(
        to path: String, options: DrawOptions = DrawOptions(), thresholds: AlarmThresholds = AlarmThresholds()
    ) throws(DrawError) -> [TrainingAlarm] {
        let run = try run()
        guard let format = OutputFormat(path: path) else { throw .unknownFormat(path: path) }
        let alarms = run.alarms(thresholds, options: options)
        try Drawing.write(try run.rendered(as: format, step: nil, options: options, alarms: alarms) { drawing, format throws(DrawError) in
            try drawing.rendered(as: format)
        }, to: path)
        return alarms
    }
}

extension TrainingRun {
    /// The alarms, each non-finite one with its origin as the drawing of its step finds it,
    /// each dead unit confirmed by the last graph kept in its dead steps where it has ReLUs.
    public func alarms(_ thresholds: AlarmThresholds, options: DrawOptions) -> [TrainingAlarm] {
        var drawings: [Int: Drawing?] = [:]
        func drawing(_ step: Int) -> Drawing? {
            if let drawn = drawings[step] { return drawn }
            let drawn = try? Drawing(run: self, step: step, options: options)
            drawings[step] = drawn
            return drawn
        }
        return alarms(thresholds, origin: { drawing($0)?.nonFinite?.description }, activeExamples: { drawing($0)?.checkedDiagram.activeExamples })
    }

    /// The run drawn as `format`: the timeline page for HTML without a `step`, else the graph
    /// of `step` (1-based, as asked; the last step by default), which must have kept it.
    /// `render` renders each drawing (the command's, under its layout watchdog).
    package func rendered(
        as format: OutputFormat, step asked: Double?, options: DrawOptions, alarms: [TrainingAlarm],
        render: (Drawing, OutputFormat) throws(DrawError) -> Rendering
    ) throws(DrawError) -> Rendering {
        if format == .html && asked == nil {
            var graphs: [TimelinePage.KeptGraph] = []
            for step in graphSteps {
                let drawing = try Drawing(run: self, step: step, options: options)
                // The page colours each step's parameters with the palette of the graph it shows.
                let palette = options.coloring == .grad ? GradPalette(try drawing.diagram, colors: options.theme.colors) : nil
                graphs.append(TimelinePage.KeptGraph(svg: try render(drawing, .svg).bytes, palette: palette))
            }
            return Rendering(bytes: TimelinePage(precision: options.precision).page(run: self, graphs: graphs, alarms: alarms))
        }
        let step = asked ?? Double(steps.count)
        guard step == step.rounded(), step >= 1, step <= Double(steps.count), steps[Int(step) - 1].graph != nil else {
            throw .noGraphAtStep(asked: step, steps: steps.count, kept: graphSteps.map { $0 + 1 })
        }
        return try render(try Drawing(run: self, step: Int(step) - 1, options: options), format)
    }
}
