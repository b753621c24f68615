import Micrograd
import Testing

@Suite struct Operators {
    /// Whether two graphs hold the same nodes: the same ops, names, data and operands.
    func sameTape(_ g: Graph, _ h: Graph) -> Bool {
        g.count == h.count && (0..<g.count).allSatisfy { id in
            g[id].opName == h[id].opName && g[id].op == h[id].op
                && g[id].data.bitPattern == h[id].data.bitPattern
                && g[id].operands.map(\.id) == h[id].operands.map(\.id)
        }
    }

    /// Builds with `byEnum` on one graph and `byOperator` on another, from the same leaves.
    func compare(_ byEnum: (Value, Value) -> Value, _ byOperator: (Value, Value) -> Value) -> Bool {
        let g = Graph(), h = Graph()
        _ = byEnum(Value(3.0, in: g), Value(2.0, in: g))
        _ = byOperator(Value(3.0, in: h), Value(2.0, in: h))
        return sameTape(g, h)
    }

    @Test func binaryOperatorsBuildWhatValuesOperatorsBuild() {
        #expect(BinaryOperator.allCases.map(\.rawValue) == ["+", "-", "*", "/", "**"])
        #expect(compare({ BinaryOperator.add($0, $1) }, { $0 + $1 }))
        #expect(compare({ BinaryOperator.subtract($0, $1) }, { $0 - $1 }))
        #expect(compare({ BinaryOperator.multiply($0, $1) }, { $0 * $1 }))
        #expect(compare({ BinaryOperator.divide($0, $1) }, { $0 / $1 }))
        #expect(compare({ BinaryOperator.power($0, $1) }, { $0 ** $1 }))
        #expect(compare({ a, _ in BinaryOperator.subtract(a, 2) }, { a, _ in a - 2.0 }))
        #expect(compare({ a, _ in BinaryOperator.divide(a, 4.0) }, { a, _ in a / 4.0 }))
        #expect(compare({ a, _ in BinaryOperator.add(a, 2) }, { a, _ in a + 2.0 }))
        #expect(compare({ _, b in BinaryOperator.subtract(5.0, b) }, { _, b in 5.0 - b }))
        #expect(compare({ _, b in BinaryOperator.divide(5.0, b) }, { _, b in 5.0 / b }))
        #expect(compare({ _, b in BinaryOperator.power(5.0, b) }, { _, b in 5.0 ** b }))
    }

    @Test func powerWithAConstantIsNamedAsPythonPrintsIt() {
        let graph = Graph()
        let a = Value(3.0, in: graph)
        #expect(BinaryOperator.power(a, 2).opName == "**2")
        #expect(BinaryOperator.power(a, 2.0).opName == "**2.0")
        #expect(BinaryOperator.power(a, -1).exponent == -1)
        // k ** b: the constant becomes a leaf, and the node is the binary **.
        let b = Value(2.0, in: graph)
        let power = BinaryOperator.power(5.0, b)
        #expect(power.opName == "**" && power.operands[1] == b && power.operands[0].data == 5 && power.data == 25)
    }

    @Test func plainNumbers() {
        #expect(BinaryOperator.allCases.map { $0(6.0, 4.0) } == [10, 2, 24, 1.5, 1296])
        let graph = Graph()  // a Graph must outlive its Values
        withExtendedLifetime(graph) { #expect(UnaryFunction.tanh(0.5) == Value(0.5, in: graph).tanh().data) }
    }

    @Test func unaryFunctionsAreNamedAsCalled() {
        #expect(UnaryFunction.allCases.map(\.rawValue) == ["exp", "log", "tanh", "relu", "sigmoid", "sin", "cos"])
        let graph = Graph()
        let x = Value(0.5, in: graph)
        for function in UnaryFunction.allCases {
            let out = x.applying(function)
            #expect(out.op == function.op && out.operands == [x] && UnaryFunction(rawValue: function.rawValue) == function)
            #expect(function(x).opName == out.opName && function(x).data == out.data)
        }
        #expect(x.applying(.relu).opName == "ReLU" && x.applying(.exp).data == x.exp().data)
    }
}
