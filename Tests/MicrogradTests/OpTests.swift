import Foundation
import Micrograd
import Testing

/// Every op's backward against central differences, at points of both signs.
@Suite struct OpGradients {
    static let points = [-2.5, -1.0, -0.3, 0.4, 1.0, 2.7]

    /// Checks d(out)/d(input) for every input of `build` at `point` against central differences.
    func check(_ name: String, at point: [Double], _ build: ([Value]) -> Value) {
        let graph = Graph()
        let inputs = point.map { Value($0, in: graph) }
        let out = build(inputs)
        out.backward()
        for input in inputs {
            let numeric = out.numericGradient(withRespectTo: input, step: 1e-6)
            #expect(
                isClose(input.grad, numeric, relative: 1e-6, absolute: 1e-7),
                "\(name) at \(point): autograd \(input.grad), numeric \(numeric)")
        }
    }

    @Test func unaryOps() {
        let ops: [(String, (Value) -> Value)] = [
            ("exp", { $0.exp() }), ("tanh", { $0.tanh() }), ("relu", { $0.relu() }),
            ("sigmoid", { $0.sigmoid() }), ("sin", { $0.sin() }), ("cos", { $0.cos() }),
            ("neg", { -$0 }), ("square", { $0 ** 2 }), ("cube", { $0 ** 3 }), ("inverse", { $0 ** -1 }),
        ]
        for (name, op) in ops {
            for x in Self.points { check(name, at: [x]) { op($0[0]) } }
        }
        for x in Self.points where x > 0 {
            check("log", at: [x]) { $0[0].log() }
            check("**2.5", at: [x]) { $0[0] ** 2.5 }
            check("**0.5", at: [x]) { $0[0] ** 0.5 }
        }
    }

    @Test func binaryOps() {
        let ops: [(String, ([Value]) -> Value)] = [
            ("+", { $0[0] + $0[1] }), ("*", { $0[0] * $0[1] }), ("-", { $0[0] - $0[1] }),
            ("/", { $0[0] / $0[1] }), ("k/", { 3.0 / $0[1] + $0[0] }), ("const", { 2 * $0[0] + 1.5 - $0[1] / 4 }),
        ]
        for (name, op) in ops {
            for x in Self.points {
                for y in Self.points { check(name, at: [x, y], op) }
            }
        }
        for x in Self.points where x > 0 {
            for y in Self.points { check("a**b", at: [x, y]) { $0[0] ** $0[1] } }
        }
    }

    @Test func valueExponentDerivative() {
        let graph = Graph()
        let a = Value(2.0, in: graph), b = Value(3.0, in: graph)
        let out = a ** b
        out.backward()
        #expect(out.data == 8)
        #expect(a.grad == 12)  // b * a^(b-1)
        #expect(isClose(b.grad, 8 * log(2.0), relative: 1e-15))  // a^b * ln a
        #expect(out.opName == "**" && out.operands.map(\.id) == [a.id, b.id])
    }

    @Test func zeroBaseHasNoLogTerm() {
        let graph = Graph()
        let a = Value(0.0, in: graph), b = Value(2.0, in: graph)
        (a ** b).backward()
        #expect(b.grad == 0)
        #expect(a.grad == 0)
    }

    @Test func reluFollowsMicrograd() {
        let graph = Graph()
        let values = [-1.0, 0.0, 2.0].map { Value($0, in: graph) }
        for v in values { v.relu().backward() }
        #expect(values.map { $0.relu().data } == [0, 0, 2])
        #expect(values.map(\.grad) == [0, 0, 1])  // 1 only where the output is > 0
    }
}

@Suite struct Structure {
    @Test func valuesAreEqualWhenTheyAreTheSameNode() {
        let graph = Graph(), other = Graph()
        let a = Value(2.0, in: graph), twin = Value(2.0, in: graph)
        let elsewhere = Value(2.0, in: other)
        #expect(a == graph[Int(a.id)] && a.operands == [] && (a * a).operands == [a, a])
        // The same data is not the same node, nor is the same id on another graph.
        #expect(a != twin && a.id == elsewhere.id && a != elsewhere)
        #expect(Set([a, twin, elsewhere, graph[0]]).count == 3)
        let names: [Value: String] = [a: "a", twin: "twin"]
        #expect(names[graph[1]] == "twin")
    }

    @Test func subtractionIsAddOfNegation() {
        let graph = Graph()
        let a = Value(5.0, in: graph), b = Value(3.0, in: graph)
        let out = a - b
        #expect(graph.count == 5)  // a, b, const -1, b * -1, a + (b * -1)
        #expect(out.opName == "+" && out.data == 2)
        let negation = out.operands[1]
        #expect(out.operands[0].id == a.id && negation.opName == "*")
        #expect(negation.operands[0].id == b.id && negation.operands[1].data == -1)
        #expect(negation.operands[1].opName == "")
    }

    @Test func divisionIsMultiplicationByInverse() {
        let graph = Graph()
        let a = Value(6.0, in: graph), b = Value(3.0, in: graph)
        let out = a / b
        #expect(graph.count == 4)  // a, b, b**-1, a * b**-1
        #expect(out.opName == "*" && out.operands[0].id == a.id)
        #expect(out.operands[1].opName == "**-1" && out.operands[1].operands[0].id == b.id)
        #expect(out.operands[1].exponent == -1)
    }

    @Test func negationIsMultiplicationByMinusOne() {
        let graph = Graph()
        let a = Value(6.0, in: graph)
        let out = -a
        #expect(graph.count == 3)
        #expect(out.opName == "*" && out.operands[0].id == a.id && out.operands[1].data == -1)
    }

    @Test func constantOverValue() {
        // micrograd's __rtruediv__: other * self**-1, and __rmul__ puts the Value first.
        let graph = Graph()
        let a = Value(4.0, in: graph)
        let out = 2.0 / a
        #expect(graph.count == 4)  // a, a**-1, const 2, a**-1 * 2
        #expect(out.opName == "*" && out.data == 0.5)
        #expect(out.operands[0].opName == "**-1" && out.operands[1].data == 2)
    }

    @Test func constantsOnEitherSideBecomeLeaves() {
        let graph = Graph()
        let a = Value(4.0, in: graph)
        let sum = 1 + a, product = a * 3
        #expect(sum.operands[0].id == a.id && sum.operands[1].data == 1)
        #expect(product.operands[0].id == a.id && product.operands[1].data == 3)
        #expect(graph.count == 5)
    }

    @Test func powerNamesSpellPythonLiterals() {
        let graph = Graph()
        let a = Value(4.0, in: graph)
        #expect((a ** 2).opName == "**2")
        #expect((a ** -1).opName == "**-1")
        #expect((a ** 2.5).opName == "**2.5")
        #expect((a ** 2.0).opName == "**2.0")
        #expect((a ** 1e-5).opName == "**1e-05")
        let names = [a.exp(), a.log(), a.tanh(), a.relu(), a.sigmoid(), a.sin(), a.cos(), a + a, a * a].map(\.opName)
        #expect(names == ["exp", "log", "tanh", "ReLU", "sigmoid", "sin", "cos", "+", "*"])
    }

    @Test func operandsListEveryUse() {
        let graph = Graph()
        let a = Value(3.0, label: "a", in: graph)
        let square = a * a
        #expect(square.operands.map(\.id) == [a.id, a.id])
        #expect(a.label == "a" && square.label == nil)
    }

    @Test func pythonReprOfFloats() {
        let cases: [(Double, String)] = [
            (1e-5, "1e-05"), (1e16, "1e+16"), (0.0001, "0.0001"), (123456789.0, "123456789.0"),
            (1.5e300, "1.5e+300"), (-2.5e-7, "-2.5e-07"), (0.1, "0.1"), (100.0, "100.0"),
            (1e15, "1000000000000000.0"), (12345678901234567.0, "1.2345678901234568e+16"),
            (-0.0, "-0.0"), (.nan, "nan"), (-.infinity, "-inf"),
        ]
        for (x, repr) in cases { #expect(pythonRepr(x) == repr) }
    }
}
