import Foundation
import MgvizExport
import MgvizKit
import MgvizSpec
import Micrograd
import Testing

/// Issue 27: training timelines. The Recorder's run read back step for step, and each alarm on
/// a run built to set it off, and on one just short of it.
@Suite struct TrainingRuns {
    /// MLP(2, [3, 1]) (ReLU, then linear) from seed 1, trained by SGD (lr 0.05) on two points
    /// for `steps` steps, squared error; what each step held, taken beside the recorder.
    /// The graph is returned too: it must outlive its Values.
    func train(steps: Int, fullEvery: Int?) throws -> (Recorder, [TrainingRun.Step], MLP, Graph) {
        let graph = Graph()
        let model = try MLP(inputs: 2, outputs: [3, 1], seed: 1, in: graph)
        let recorder = Recorder(model: model, fullEvery: fullEvery, title: "two points")
        var seen: [TrainingRun.Step] = []
        for _ in 0..<steps {
            var loss = Value(0.0, in: graph)
            for (x, y) in [([1.0, 2.0], 1.0), ([-1.0, 0.5], -1.0)] {
                let d = model(x.map { Value($0, in: graph) })[0] - y
                loss = loss + d * d
            }
            graph.zeroGrad()
            loss.backward()
            try recorder.record(loss)
            let parameters = model.parameters()
            seen.append(TrainingRun.Step(loss: loss.data, data: parameters.map(\.data), grad: parameters.map(\.grad)))
            for p in parameters { p.data -= 0.05 * p.grad }
        }
        return (recorder, seen, model, graph)
    }

    /// Saved, then read back: the same steps, numbers bit for bit; graphs at the first step,
    /// every third and the last, one structure for all; the last graph has the last step's
    /// numbers, not the update made after it.
    @Test func recorderRoundTrip() throws {
        let (recorder, seen, model, graph) = try train(steps: 7, fullEvery: 3)
        defer { withExtendedLifetime(graph) {} }
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("run.mgviz-run").path
        try recorder.save(to: path)
        guard case .run(let run) = try InputDocument(reading: path) else { Issue.record("not read as a run"); return }
        #expect(run.title == "two points")
        #expect(run.parameters.map(\.name) == ["L1 N1 w1", "L1 N1 w2", "L1 N1 b", "L1 N2 w1", "L1 N2 w2", "L1 N2 b",
                                                "L1 N3 w1", "L1 N3 w2", "L1 N3 b", "L2 N1 w1", "L2 N1 w2", "L2 N1 w3", "L2 N1 b"])
        #expect(run.parameters.map(\.nonlinear) == Array(repeating: true, count: 9) + Array(repeating: false, count: 4))
        #expect(run.steps.map { TrainingRun.Step(loss: $0.loss, data: $0.data, grad: $0.grad) } == seen)
        #expect(run.graphSteps == [0, 3, 6] && run.structureSizes.count == 1)
        let last = try run.graph(at: 6).diagram
        #expect(last.nodes[last.output].data == seen[6].loss)
        let weight = last.nodes.first { $0.label == "L1 N1 w1" }!
        #expect(weight.data == seen[6].data[0] && weight.grad == seen[6].grad[0])
        #expect(model.parameters()[0].data != seen[6].data[0], "the update after the last step is not what the graph shows")
        // Its text is what save wrote, and reads back the same.
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(try recorder.text()))
    }

    /// A run of `grads` (per step, per parameter) for two ReLU units of L1 and one linear unit
    /// of L2, every parameter's data 1, its first step keeping a small graph.
    func run(grads: [[Double]], loss: [Double]? = nil, graph: Value? = nil) throws -> TrainingRun {
        let parameters = ["L1 N1 w1", "L1 N1 b", "L1 N2 w1", "L1 N2 b", "L2 N1 w1", "L2 N1 b"].map { name in
            let layer = Int(name.dropFirst().prefix(1))!, neuron = Int(name.dropFirst(4).prefix(1))!
            return TrainingRun.Parameter(name: name, layer: layer, neuron: neuron, nonlinear: layer == 1)
        }
        let tiny = Graph()
        defer { withExtendedLifetime(tiny) {} }
        let output = graph ?? (Value(2.0, in: tiny) * 3)
        output.backward()
        let diagram = try Drawing(output: output).diagram
        var steps = grads.enumerated().map { s, g in
            TrainingRun.Step(loss: loss?[s] ?? 1, data: Array(repeating: 1, count: 6), grad: g)
        }
        steps[0].graph = TrainingRun.StepGraph(structure: 0, data: diagram.nodes.map(\.data), grad: diagram.nodes.map { $0.grad! })
        let text = TrainingRun.text(title: nil, parameters: parameters, structures: [JSONExporter().exportBytes(diagram)], steps: steps)
        guard case .run(let run) = try InputDocument(bytes: text) else { throw CocoaError(.fileReadCorruptFile) }
        return run
    }

    /// Grads that a unit's loss gives: no multiple of the data (all 1).
    let alive: [Double] = [0.5, 0.25, 0.5, 0.25, 0.5, 0.25]

    /// L1 N2 gets no grad through its output at the last 5 steps at which others learn (the
    /// default k): grads of 0, or, as an L2 penalty alone gives them, one multiple of the
    /// data; dead since step 2 (0-based). Steps at which no unit learns (every grad one
    /// multiple of the data) do not count. At 4 steps, alive; at 3 (k = 3), dead since step 3. L2 N1 is linear: no grad there is no dead
    /// ReLU, only vanishing grads (0 / 2).
    @Test func deadUnits() throws {
        let dead: [Double] = [0.5, 0.25, 0, 0, 0.5, 0.25], penalised: [Double] = [0.5, 0.25, 2e-4, 2e-4, 0.5, 0.25]
        let resting: [Double] = Array(repeating: 0.3, count: 6)
        let five = try run(grads: [alive, alive, dead, penalised, resting, resting, dead, dead, penalised])
        #expect(five.alarms(AlarmThresholds(), options: DrawOptions()) == [.deadUnit(unit: "L1 N2", since: 2)])
        let four = try run(grads: [alive, alive, alive, dead, resting, dead, dead, penalised])
        #expect(four.alarms(AlarmThresholds(), options: DrawOptions()) == [])
        var three = AlarmThresholds()
        three.deadSteps = 3
        #expect(four.alarms(three, options: DrawOptions()) == [.deadUnit(unit: "L1 N2", since: 3)])
        let linear: [Double] = [0.5, 0.25, 0.5, 0.25, 0, 0]
        #expect(try run(grads: Array(repeating: linear, count: 6)).alarms(AlarmThresholds(), options: DrawOptions())
            == [.vanishingGrads(layer: "L2", step: 0, ratio: 0, steps: 6)])
    }

    /// MLP(2, [2, 1]) on (1, 1): L1 N1 (weights 1, 1) is alive, L1 N2 (weights -1, -1) is 0.
    /// Both get no grad for 5 steps while L2 learns; the graph kept at the last step tells the
    /// dead unit from the blocked one. (L1's grads vanish too: 0 / 6.)
    @Test func deadUnitsAreConfirmedByTheLastGraph() throws {
        let graph = Graph()
        defer { withExtendedLifetime(graph) {} }
        let model = try MLP(inputs: 2, outputs: [2, 1], parameters: [1, 1, 0, -1, -1, 0, 1, 1, 0], in: graph)
        let y = model([Value(1.0, in: graph), Value(1.0, in: graph)])[0]
        y.backward()
        let diagram = try Drawing(output: y).diagram
        let parameters = (0..<9).map { k in
            TrainingRun.Parameter(name: "p\(k + 1)", layer: k < 6 ? 1 : 2, neuron: k < 6 ? k / 3 + 1 : 1, nonlinear: k < 6)
        }
        var steps = (0..<5).map { _ in
            TrainingRun.Step(loss: 1, data: model.parameters().map(\.data), grad: [0, 0, 0, 0, 0, 0, 0.5, 0.25, 0.1])
        }
        steps[4].graph = TrainingRun.StepGraph(structure: 0, data: diagram.nodes.map(\.data), grad: diagram.nodes.map { $0.grad! })
        let text = TrainingRun.text(title: nil, parameters: parameters, structures: [JSONExporter().exportBytes(diagram)], steps: steps)
        guard case .run(let run) = try InputDocument(bytes: text) else { Issue.record("not a run"); return }
        #expect(run.alarms(AlarmThresholds(), options: DrawOptions())
            == [.deadUnit(unit: "L1 N2", since: 0), .vanishingGrads(layer: "L1", step: 0, ratio: 0, steps: 5)])
    }

    /// L2's Σ|grad| / Σ|data| = 2e-7 / 2 = 1e-7 < 1e-6 at steps 1 and 2; 2e-6 / 2 = 1e-6 is not below.
    @Test func vanishingGrads() throws {
        let small: [Double] = [0.5, 0.25, 0.5, 0.25, 1e-7, 1e-7]
        let vanishing = try run(grads: [alive, small, small])
        #expect(vanishing.alarms(AlarmThresholds(), options: DrawOptions()) == [.vanishingGrads(layer: "L2", step: 1, ratio: 1e-7, steps: 2)])
        let borderline: [Double] = [0.5, 0.25, 0.5, 0.25, 1e-6, 1e-6]
        #expect(try run(grads: [alive, borderline]).alarms(AlarmThresholds(), options: DrawOptions()) == [])
    }

    /// L1's grads grow 101 times in one step: exploding, at the default 100x; 99 times, not.
    @Test func explodingGrads() throws {
        let jump = alive.enumerated().map { $0.offset < 4 ? $0.element * 101 : $0.element }
        let alarms = try run(grads: [alive, jump]).alarms(AlarmThresholds(), options: DrawOptions())
        let norm = (0.5 * 0.5 * 2 + 0.25 * 0.25 * 2).squareRoot()
        guard alarms.count == 1, case .explodingGrads(let layer, let step, let factor, let before, let after) = alarms[0] else {
            Issue.record("expected one exploding alarm, got \(alarms)")
            return
        }
        #expect(layer == "L1" && step == 1 && abs(factor - 101) < 1e-9 && abs(before - norm) < 1e-12 && abs(after - 101 * norm) < 1e-9)
        let short = alive.enumerated().map { $0.offset < 4 ? $0.element * 99 : $0.element }
        #expect(try run(grads: [alive, short]).alarms(AlarmThresholds(), options: DrawOptions()) == [])
    }

    /// The first non-finite number: a grad at step 2; the loss at step 0, whose graph (log of
    /// -1) gives the origin as the drawing's warning finds it.
    @Test func nonFiniteNumbers() throws {
        let nan: [Double] = [0.5, 0.25, 0.5, .nan, 0.5, 0.25]
        let later = try run(grads: [alive, alive, nan, nan])
        #expect(later.alarms(AlarmThresholds(), options: DrawOptions()) == [.nonFinite(step: 2, what: "L1 N2 b's grad", origin: nil)])
        #expect(try run(grads: [alive, alive]).alarms(AlarmThresholds(), options: DrawOptions()) == [])
        let graph = Graph()
        defer { withExtendedLifetime(graph) {} }
        let x = Value(-1.0, in: graph)
        x.label = "x"
        let y = x.log() * 2
        let first = try run(grads: [alive, alive], loss: [.nan, 1], graph: y)
        let alarms = first.alarms(AlarmThresholds(), options: DrawOptions())
        let origin = try Drawing(output: y).nonFinite?.description
        #expect(origin != nil && alarms == [.nonFinite(step: 0, what: "the loss", origin: origin)])
    }

    /// A run is validated as a dump is: one line naming the place, exit 65, nothing written.
    /// The dump of 2 * 3 takes the lines before the steps' (line 11).
    @Test func badRunsAreRefused() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let tiny = Graph()
        defer { withExtendedLifetime(tiny) {} }
        let output = Value(2.0, in: tiny) * 3
        output.backward()
        let dump = String(decoding: JSONExporter().exportBytes(try Drawing(output: output).diagram), as: UTF8.self)
        let cases = [
            ("\"steps\": [{\"loss\": 1, \"data\": [1], \"grad\": [], \"graph\": null}]", "\"steps\".\"0\".\"grad\" (line 11, column 44): expected 1 number, one per parameter, got 0"),
            ("\"steps\": [{\"loss\": 1, \"data\": [1], \"grad\": [0], \"graph\": null}]", "\"steps\" (line 11, column 10): no step keeps its whole graph (a Recorder keeps the first and the last)"),
            ("\"steps\": [{\"loss\": 1, \"data\": [1], \"grad\": [0], \"graph\": {\"structure\": 1, \"data\": [], \"grad\": []}}]",
             "\"steps\".\"0\".\"graph\".\"structure\" (line 11, column 72): expected the index of one of the 1 structures, got 1"),
        ]
        for (steps, message) in cases {
            let text = "{\"format\": \"mgviz-run\", \"version\": 1, \"title\": null, \"parameters\": [{\"name\": \"p1\", \"layer\": null, \"neuron\": null, \"nonlinear\": null}],\n"
                + "\"structures\": [\(dump)],\n" + steps + "}\n"
            let path = try DifferenceCommand().write(text, "bad.mgviz-run", in: folder)
            let result = try runMgviz([path, "-o", folder.appendingPathComponent("x.svg").path])
            #expect(result.status == 65 && result.stderr == "mgviz: error: \(path): \(message)\n", "\(result.stderr)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["bad.mgviz-run"])
    }

    /// The command: the alarms on stderr, the page, the SVG of a kept step, a step that kept
    /// no graph refused with the steps that did, and a threshold out of range refused.
    @Test func theCommandDrawsARun() throws {
        let (recorder, seen, _, graph) = try train(steps: 4, fullEvery: nil)
        defer { withExtendedLifetime(graph) {} }
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("run.mgviz-run").path
        try recorder.save(to: path)
        let page = try runMgviz([path, "-o", folder.appendingPathComponent("run.html").path])
        #expect(page.status == 0)
        let html = try String(contentsOf: folder.appendingPathComponent("run.html"), encoding: .utf8)
        #expect(html.contains("id=\"mgviz-run\"") && html.components(separatedBy: "<div class=\"graph\"").count == 3)
        // Each step's parameters as the graph nodes show them (%.4f), which the slider puts in
        // the shown graph; only the last kept graph is laid out at load, the first waits.
        let numbers = seen.map { step in zip(step.data, step.grad).map { String(format: "%.4f %.4f", $0, $1) }.joined(separator: " ") }
        #expect(html.contains("\"numbers\": [" + numbers.map { "\"\($0)\"" }.joined(separator: ", ") + "], \"fills\": null}"))
        #expect(html.components(separatedBy: "<template>").count == 2 && html.contains("data-step=\"1\"><template>"))
        #expect(try runMgviz([path, "-o", folder.appendingPathComponent("s.svg").path, "--step", "1"]).status == 0)
        let refused = try runMgviz([path, "-o", folder.appendingPathComponent("x.svg").path, "--step", "2"])
        #expect(refused.status == 64 && refused.stderr.hasSuffix(
            "--step 2: the run has steps 1 to 4, and keeps the whole graph at steps 1, 4 (Recorder's full_every= keeps more); draw one of those, or the timeline with -o run.html\n"))
        let threshold = try runMgviz([path, "-o", folder.appendingPathComponent("x.svg").path, "--exploding-factor", "0.5"])
        #expect(threshold.status == 64 && threshold.stderr == "mgviz: error: --exploding-factor must be 1 or more, got 0.5; see 'mgviz --help'\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["run.html", "run.mgviz-run", "s.svg"])
    }
}
