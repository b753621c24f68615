import Foundation
import Micrograd
import MgvizSpec
import Testing

@Suite struct SpecEvaluation {
    @Test func softmaxSampleMatchesTheNotebook() throws {
        let evaluation = try evaluate(String(contentsOf: sample("softmax"), encoding: .utf8))
        #expect(evaluation.graph.count == 16)
        #expect(evaluation.title == "softmax + negative log likelihood")
        evaluation.output.backward()
        #expect(isClose(evaluation.output.data, 2.1755153626167147, relative: 1e-12))
        let answer = [0.041772570515350445, 0.8390245074625319, 0.005653302662216329, -0.8864503806400986]
        for (i, expected) in answer.enumerated() {
            #expect(isClose(evaluation.values["x\(i)"]!.grad, expected, relative: 1e-12))
        }
    }

    @Test func derivativesSampleMatchesSection1() throws {
        let evaluation = try evaluate(String(contentsOf: sample("derivatives"), encoding: .utf8))
        evaluation.output.backward()
        #expect(evaluation.output.data == 6.336362190988558)
        let answer = ["a": -12.353553390593273, "b": 10.25699027111255, "c": 0.0625]
        for (name, expected) in answer {
            #expect(isClose(evaluation.values[name]!.grad, expected, relative: 1e-14))
        }
    }

    @Test func neuronSampleMatchesTheLecture() throws {
        let evaluation = try evaluate(String(contentsOf: sample("neuron"), encoding: .utf8))
        evaluation.output.backward()
        #expect(isClose(evaluation.output.data, 0.7071067811865476, relative: 1e-15))
        let grads = ["x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0, "n": 0.5]
        for (name, expected) in grads {
            #expect(abs(evaluation.values[name]!.grad - expected) < 1e-15, "\(name)")
        }
    }

    @Test func namesLabelTheirNodes() throws {
        let evaluation = try evaluate(spec("z = x * y", "w = z + 1"))
        #expect(evaluation.values["z"]!.label == "z")
        #expect(evaluation.output.label == "w" && evaluation.outputName == "w")
        #expect(evaluation.values["x"]!.label == "x")
    }

    @Test func outputDefaultsToTheLastName() throws {
        #expect(try evaluate(spec("a = x * y", "b = a + x")).outputName == "b")
        let chosen = try evaluate(#"{"inputs": {"x": 1}, "define": ["a = x * 2", "b = a + x"], "output": "a"}"#)
        #expect(chosen.output.data == 2)
    }
}

@Suite struct Grammar {
    /// Each value's evaluation, kept for the test's length: a Graph must outlive its Values.
    private final class Kept: @unchecked Sendable { var evaluations: [Evaluation] = [] }
    private let kept = Kept()

    func value(_ expression: String) throws -> Value {
        let evaluation = try evaluate(spec("r = \(expression)"))
        kept.evaluations.append(evaluation)
        return evaluation.output
    }

    @Test func pythonPrecedence() throws {
        #expect(try value("-x**2").data == -4)  // -(x**2)
        #expect(try value("x**-1").data == 0.5)
        #expect(try value("2**x**2").data == 16)  // right-associative: 2**(x**2)
        #expect(try value("x - y - 1").data == 4)  // left-associative
        #expect(try value("x / y / 2").data == 2.0 / -3.0 / 2.0)
        #expect(try value("-x * y").data == 6)
        #expect(try value("x + y * 2").data == -4)
        #expect(try value("(x + y) * 2").data == -2)
        #expect(try value("- - x").data == 2)
        #expect(try value("+x").data == 2)
        #expect(try value("x*-y").data == 6)
        #expect(try value("exp(x - 2) + log(x) * sin(0 * x) + cos(0 * y)").data == 2)
    }

    @Test func numberLiterals() throws {
        #expect(try value("x * 1e-3").data == 2e-3)
        #expect(try value("x * .5").data == 1)
        #expect(try value("x + 2.5E+2").data == 252)
        #expect(try value("x * 0.25").data == 0.5)
    }

    @Test func numbersFoldAndMakeNoNode() throws {
        let evaluation = try evaluate(spec("r = x * (2 * 3 - 1)"))
        #expect(evaluation.graph.count == 4)  // x, y, const 5, x * 5
        #expect(evaluation.output.operands[1].data == 5)
        let folded = try evaluate(spec("k = 2 ** 3 / 4", "r = x * k"))
        #expect(folded.output.data == 4)
    }

    @Test func powerNodesFollowPythonTypes() throws {
        #expect(try value("x ** 2").opName == "**2")
        #expect(try value("x ** 2.0").opName == "**2.0")
        #expect(try value("x ** -1").opName == "**-1")
        #expect(try value("x ** (1 / 2)").opName == "**0.5")
        #expect(try value("x ** (3 - 1)").opName == "**2")
        let binary = try value("x ** y")
        #expect(binary.opName == "**" && binary.operands.count == 2)
        let constantBase = try value("2 ** y")
        #expect(constantBase.opName == "**" && constantBase.operands[0].data == 2 && constantBase.operands[0].op == .leaf)
    }

    @Test func compositesMatchMicrograd() throws {
        let difference = try evaluate(spec("r = x - y"))
        #expect(difference.graph.count == 5)  // x, y, -1, y*-1, x + y*-1
        let quotient = try evaluate(spec("r = x / y"))
        #expect(quotient.graph.count == 4 && quotient.output.operands[1].opName == "**-1")
        let reciprocal = try evaluate(spec("r = 2 / x"))
        #expect(reciprocal.output.operands[0].opName == "**-1" && reciprocal.output.operands[1].data == 2)
        let negation = try evaluate(spec("r = -x"))
        #expect(negation.graph.count == 4 && negation.output.operands[1].data == -1)
    }

    @Test func flatSumOfTwentyThousandTerms() throws {
        let terms = (0..<20_000).map { $0 % 2 == 0 ? "x" : "y" }.joined(separator: " + ")
        let evaluation = try evaluate(spec("r = \(terms)"))
        #expect(evaluation.output.data == 10_000 * 2 + 10_000 * -3)
        evaluation.output.backward()
        #expect(evaluation.values["x"]!.grad == 10_000)
    }

    @Test func nestingOneHundredThousandDeep() throws {
        let depth = 100_000
        let parenthesised = String(repeating: "(", count: depth) + "x" + String(repeating: ")", count: depth)
        #expect(try value(parenthesised + " * y").data == -6)
        let calls = String(repeating: "relu(", count: depth) + "x" + String(repeating: ")", count: depth)
        let chain = try value(calls)
        #expect(chain.data == 2 && chain.graph.count == depth + 2)
        let negations = String(repeating: "-", count: depth) + "x"
        #expect(try value(negations).data == 2)
        let powers = Array(repeating: "x", count: 1000).joined(separator: " ** ")
        #expect(try value(powers).data.isInfinite)
    }
}
