import Micrograd
import Testing

/// Every number in shared/seed/micrograd_exercises.ipynb.
@Suite struct NotebookSection1 {
    /// f(a, b, c) = -a**3 + sin(3*b) - 1.0/c + b**2.5 - a**0.5, built from engine ops.
    static func f(_ a: Value, _ b: Value, _ c: Value) -> Value {
        -(a ** 3) + (3 * b).sin() - 1.0 / c + b ** 2.5 - a ** 0.5
    }

    static let answer = [-12.353553390593273, 10.25699027111255, 0.0625]

    /// The graph is returned too: a Graph must outlive its Values.
    static func build() -> (graph: Graph, inputs: [Value], output: Value) {
        let graph = Graph()
        let inputs = [2.0, 3.0, 4.0].map { Value($0, in: graph) }
        return (graph, inputs, f(inputs[0], inputs[1], inputs[2]))
    }

    @Test func valueAndBackward() {
        let (graph, inputs, f) = Self.build()
        defer { withExtendedLifetime(graph) {} }
        #expect(f.data == 6.336362190988558)
        f.backward()
        for (input, expected) in zip(inputs, Self.answer) {
            #expect(isClose(input.grad, expected, relative: 1e-14), "\(input.grad) vs \(expected)")
        }
    }

    @Test func forwardDifferenceMatchesTheNotebook() {
        let (graph, inputs, f) = Self.build()
        defer { withExtendedLifetime(graph) {} }
        // The notebook's printed forward-difference estimates for h = 1e-6.
        let notebook = [-12.353559348809995, 10.256991666679482, 0.062499984743169534]
        for (i, input) in inputs.enumerated() {
            let estimate = f.numericGradient(withRespectTo: input, step: 1e-6, method: .forward)
            #expect(abs(estimate - Self.answer[i]) < 1e-5)
            #expect(abs(estimate - notebook[i]) < 1e-8, "\(estimate) vs notebook \(notebook[i])")
        }
    }

    @Test func centralDifferenceIsCloserThanForward() {
        let (graph, inputs, f) = Self.build()
        defer { withExtendedLifetime(graph) {} }
        let notebook = [-12.353553391353245, 10.25699027401572, 0.06250000028629188]
        for (i, input) in inputs.enumerated() {
            let forward = f.numericGradient(withRespectTo: input, step: 1e-6, method: .forward)
            let central = f.numericGradient(withRespectTo: input, step: 1e-6, method: .central)
            #expect(abs(central - notebook[i]) < 1e-8, "\(central) vs notebook \(notebook[i])")
            #expect(abs(central - Self.answer[i]) < abs(forward - Self.answer[i]))
        }
    }

    @Test func numericGradientRestoresTheGraph() {
        let (graph, inputs, f) = Self.build()
        defer { withExtendedLifetime(graph) {} }
        _ = f.numericGradient(withRespectTo: inputs[1])
        #expect(inputs[1].data == 3.0)
        #expect(f.data == 6.336362190988558)
    }
}

@Suite struct NotebookSection2 {
    @Test func softmaxNegativeLogLikelihood() {
        let graph = Graph()
        let logits = [0.0, 3.0, -2.0, 1.0].map { Value($0, in: graph) }
        let counts = logits.map { $0.exp() }
        let denominator = pythonSum(counts)
        let probs = counts.map { $0 / denominator }
        let loss = -(probs[3].log())
        loss.backward()
        #expect(isClose(loss.data, 2.1755153626167147, relative: 1e-12))
        let answer = [0.041772570515350445, 0.8390245074625319, 0.005653302662216329, -0.8864503806400986]
        for (logit, expected) in zip(logits, answer) {
            #expect(isClose(logit.grad, expected, relative: 1e-12), "\(logit.grad) vs \(expected)")
        }
    }
}

/// The README's engine example, as written there.
@Test func readmeExample() {
    let graph = Graph()
    let loss = graph.withScope { () -> Value in
        let logits = [0.0, 3.0, -2.0, 1.0].map { Value($0, label: "x") }
        let counts = logits.map { $0.exp() }
        let total = counts[0] + counts[1] + counts[2] + counts[3]
        return -((counts[3] / total).log())
    }
    loss.backward()
    #expect(loss.data == 2.1755153626167147)
    #expect(graph[0].grad == 0.041772570515350445)
}
