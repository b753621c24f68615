import Foundation
import Micrograd
import Testing

@Suite struct GradientChecking {
    func sectionOne() -> (graph: Graph, inputs: [Value], output: Value) {
        let built = NotebookSection1.build()
        built.output.backward()
        return built
    }

    @Test func backwardPassesWithTheDefaults() {
        let (graph, inputs, f) = sectionOne()
        defer { withExtendedLifetime(graph) {} }
        let results = GradientCheck().run(output: f, inputs: inputs)
        #expect(results.map(\.verdict) == [.ok, .ok, .ok])
        // The numbers are the notebook's central differences.
        #expect(abs(results[0].numeric - -12.353553391353245) < 1e-8)
        #expect(results[1].autograd == inputs[1].grad)
    }

    @Test func defaultsAreThePublicConstants() {
        let check = GradientCheck()
        #expect(check.tolerance == GradientCheck.defaultTolerance && GradientCheck.defaultTolerance == 1e-5)
        #expect(check.step == GradientCheck.defaultStep && GradientCheck.defaultStep == 1e-6)
    }

    @Test func toleranceDecides() {
        let (graph, inputs, f) = sectionOne()
        defer { withExtendedLifetime(graph) {} }
        // Central differences are off by ~1e-9 here: a tolerance of 1e-12 cannot pass.
        let strict = GradientCheck(tolerance: 1e-12).run(output: f, inputs: inputs)
        #expect(strict.map(\.verdict) == [.wrong, .wrong, .wrong])
    }

    @Test func stepDecides() {
        let (graph, inputs, f) = sectionOne()
        defer { withExtendedLifetime(graph) {} }
        // With h = 0.5 the central difference of a curved f is far from its derivative.
        let coarse = GradientCheck(step: 0.5).run(output: f, inputs: inputs)
        #expect(coarse[0].verdict == .wrong && coarse[1].verdict == .wrong)
        #expect(abs(coarse[0].numeric - inputs[0].grad) > 0.1)
    }

    @Test func aWrongGradIsCaught() {
        let (graph, inputs, f) = sectionOne()
        defer { withExtendedLifetime(graph) {} }
        inputs[2].grad += 1e-3
        let results = GradientCheck().run(output: f, inputs: inputs)
        #expect(results.map(\.verdict) == [.ok, .ok, .wrong])
    }

    @Test func reluExactlyAtZeroIsNotDifferentiable() {
        let graph = Graph()
        let x = Value(0.0, label: "x", in: graph), w = Value(2.0, label: "w", in: graph)
        let unrelated = Value(5.0, label: "u", in: graph)
        let h = (x * w).relu()
        let y = h * 3 + x + unrelated * 2
        y.backward()
        let results = GradientCheck().run(output: y, inputs: [x, w, unrelated])
        #expect(results[0].verdict == .notDifferentiable(at: h))
        #expect(results[1].verdict == .notDifferentiable(at: h))
        #expect(results[2].verdict == .ok)
        // One-sided slopes differ at the kink: the central difference averages them.
        #expect(results[0].autograd == 1 && abs(results[0].numeric - 4) < 1e-6)
    }

    @Test func reluAwayFromZeroIsChecked() {
        let graph = Graph()
        let x = Value(-0.5, label: "x", in: graph)
        let y = x.relu() + x * x
        y.backward()
        #expect(GradientCheck().run(output: y, inputs: [x]).map(\.verdict) == [.ok])
    }
}
