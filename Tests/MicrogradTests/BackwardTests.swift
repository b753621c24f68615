import Foundation
import Micrograd
import Testing

@Suite struct Backward {
    @Test func reusedIntermediateGetsEveryContribution() {
        let graph = Graph()
        let a = Value(3.0, in: graph)
        let b = a + a
        let c = b + b
        c.backward()
        #expect(a.grad == 4 && b.grad == 2 && c.data == 12)
        let square = Value(5.0, in: graph)
        (square * square).backward()
        #expect(square.grad == 10)
    }

    /// Backward takes a neuron's `sum + w * x` in one step; these shapes must not fool it.
    @Test func neuronShapedSumsWhosePartsAreReused() {
        let graph = Graph()
        let x0 = Value(2.0, in: graph), w0 = Value(3.0, in: graph), b = Value(1.0, in: graph)
        let x1 = Value(-1.0, in: graph), w1 = Value(4.0, in: graph)
        // A partial sum used again after the sum that extends it.
        let s1 = b + w0 * x0  // 7
        let s2 = s1 + w1 * x1  // 3
        let out = s1 * s2  // 21: d/ds1 = s2 + s1 = 10 through both uses
        out.backward()
        #expect(out.data == 21 && s1.grad == 10 && s2.grad == 7)
        #expect(w0.grad == 20 && x0.grad == 30 && b.grad == 10)
        #expect(w1.grad == -7 && x1.grad == 28)

        // A product made from the partial sum it is added to: s + s * w.
        graph.zeroGrad()
        let w = Value(3.0, in: graph)
        let s = b + w0 * x0  // 7
        let t = s + s * w  // 28: d/ds = 1 + w = 4, d/dw = s = 7
        t.backward()
        #expect(t.data == 28 && s.grad == 4 && w.grad == 7)
        #expect(w0.grad == 8 && x0.grad == 12 && b.grad == 4)
    }

    @Test func backwardAccumulatesUntilZeroGrad() {
        let graph = Graph()
        let a = Value(3.0, in: graph)
        let out = a * 2
        out.backward()
        out.backward()
        #expect(a.grad == 4)
        graph.zeroGrad()
        #expect(a.grad == 0 && out.grad == 0)
        out.backward()
        #expect(a.grad == 2)
    }

    @Test func nodesThatDoNotReachTheOutputAreLeftAlone() {
        let graph = Graph()
        let a = Value(3.0, in: graph)
        let unrelated = Value(1.0, in: graph)
        let side = unrelated * 5
        side.grad = 7  // a stale grad from some earlier pass
        let out = a * a
        out.backward()
        #expect(unrelated.grad == 0 && a.grad == 6)
    }

    @Test func millionOpChainIsIterative() {
        let nodes = 1_000_000
        var grad = 0.0, data = 0.0
        do {
            let graph = Graph()
            let x = Value(1.0, in: graph), factor = Value(1.000001, in: graph)
            var y = x
            for _ in 0..<(nodes - 2) { y = y * factor }
            #expect(graph.count == nodes)
            y.backward()
            grad = x.grad
            data = y.data
        }  // the graph is released here
        let expected = pow(1.000001, Double(nodes - 2))
        #expect(isClose(data, expected, relative: 1e-9))
        #expect(isClose(grad, expected, relative: 1e-9))
    }

    @Test func nanAndInfinityPropagate() {
        let graph = Graph()
        let x = Value(-0.5, in: graph)
        let y = x.log()
        let out = y * 2 + 1
        out.backward()
        #expect(y.data.isNaN && out.data.isNaN)
        #expect(x.grad == -4)  // the local derivative 1/x is finite
        let zero = Value(0.0, in: graph)
        let inverse = 1.0 / zero
        #expect(inverse.data == .infinity)
        let big = Value(1000.0, in: graph).exp()
        #expect(big.data == .infinity)
        (big * 0).backward()
        #expect(big.grad == 0)
    }

    @Test func truncateDropsLaterNodes() {
        let graph = Graph()
        let w = Value(2.0, label: "w", in: graph)
        let keep = graph.count
        let out = w ** 2 * Value(3.0, label: "x", in: graph)
        out.backward()
        #expect(w.grad == 12)
        graph.truncate(to: keep)
        #expect(graph.count == 1 && w.label == "w")
        let again = w ** 3
        #expect(again.opName == "**3" && again.data == 8)
    }

    @Test func forwardReevaluatesAfterLeafChanges() {
        let graph = Graph()
        let a = Value(2.0, in: graph)
        let out = (a * a).tanh()
        a.data = 0.5
        graph.forward()
        #expect(out.data == Foundation.tanh(0.25))
    }

    /// Found by the fuzzer: the output is the leaf itself, so nothing after it is re-evaluated.
    @Test func numericGradientOfALeafItselfAndOfAnOlderNode() {
        let graph = Graph()
        let older = Value(3.0, in: graph)
        let x = Value(2.0, in: graph)
        _ = x * x
        #expect(abs(x.numericGradient(withRespectTo: x) - 1) < 1e-9)
        #expect(abs(x.numericGradient(withRespectTo: x, method: .forward) - 1) < 1e-9)
        #expect(older.numericGradient(withRespectTo: x) == 0)
        #expect(x.data == 2 && older.data == 3)
    }

    @Test func dependenciesAreIndexedByNodeID() {
        let graph = Graph()
        let a = Value(1.0, in: graph), b = Value(2.0, in: graph)
        let unrelated = Value(3.0, in: graph)
        let c = a * b
        let d = c + a
        #expect(graph.dependencies(of: d.id) == [true, true, false, true, true])
        // From c on: a and b are older, so they stay false even though d uses them.
        #expect(graph.dependencies(of: d.id, from: c.id) == [false, false, false, true, true])
        #expect(graph.dependencies(of: unrelated.id, from: unrelated.id) == [false, false, true])
    }

    @Test func currentGraphScope() {
        let graph = Graph()
        let a = graph.withScope { Value(1.0, label: "a") }
        #expect(a.graph === graph)
        let b = Value(1.0)
        #expect(b.graph === Graph.current && b.graph !== graph)
    }
}
