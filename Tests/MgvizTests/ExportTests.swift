import Foundation
import Micrograd
import MgvizExport
import MgvizRender
import MgvizSpec
import Testing

@Suite struct Export {
    @Test(arguments: Export.renderings.map(\.sample)) func goldenDOT(_ name: String) throws {
        let golden = try String(
            contentsOf: packageRoot.appendingPathComponent("Tests/MgvizTests/Golden/\(name).dot"), encoding: .utf8)
        let dot = String(decoding: try runMgviz([sample(name).path, "-o", "-", "--format", "dot"]).stdout, as: UTF8.self)
        #expect(dot == golden, "DOT for samples/\(name).json changed; if intended, run scripts/render-samples.sh")
    }

    /// samples/renderings.tsv: sample, rendering in docs/, flags. It drives
    /// scripts/render-samples.sh too, so the two cannot disagree.
    static let renderings: [(sample: String, rendering: String, flags: [String])] = {
        let table = try! String(contentsOf: packageRoot.appendingPathComponent("samples/renderings.tsv"), encoding: .utf8)
        return table.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return (fields[0], fields[1], fields.count > 2 ? fields[2].split(separator: " ").map(String.init) : [])
        }
    }()

    @Test func everySampleIsRendered() throws {
        let samples = try FileManager.default.contentsOfDirectory(atPath: packageRoot.appendingPathComponent("samples").path)
            .filter { $0.hasSuffix(".json") && !$0.hasSuffix(".reference.json") }.map { String($0.dropLast(5)) }
        #expect(Set(samples) == Set(Self.renderings.map(\.sample)))
    }

    @Test func committedRenderingsAreCurrent() throws {
        for (name, rendering, flags) in Self.renderings {
            let committed = try Data(contentsOf: packageRoot.appendingPathComponent("docs/\(rendering)"))
            let format = URL(fileURLWithPath: rendering).pathExtension
            let result = try runMgviz([sample(name).path, "-o", "-", "--format", format] + flags)
            #expect(result.stdout == committed, "docs/\(rendering) is stale: run scripts/render-samples.sh")
        }
    }

    @Test func oneEdgePerOperand() throws {
        let evaluation = try evaluate(spec("s = x * x"))
        evaluation.output.backward()
        let diagram = Diagram(output: evaluation.output, title: nil, withGrad: true)
        #expect(diagram.nodes.map(\.label) == ["x", "s"])  // y does not reach the output
        #expect(diagram.nodes[1].operands == [0, 0])
        let dot = DOTExporter().export(diagram)
        #expect(dot.components(separatedBy: "n0 -> n1_op;").count == 3)
        let dump = try Dump(JSONExporter().export(diagram))
        #expect(dump.edges == [.init(from: "n0", to: "n1"), .init(from: "n0", to: "n1")])
    }

    @Test func jsonDumpMatchesTheEngine() throws {
        let evaluation = try evaluate(String(contentsOf: sample("softmax"), encoding: .utf8))
        evaluation.output.backward()
        let diagram = Diagram(output: evaluation.output, title: evaluation.title, withGrad: true)
        let dump = try Dump(JSONExporter().export(diagram))
        #expect(dump.format == "mgviz-graph" && dump.version == 1)
        #expect(dump.title == "softmax + negative log likelihood" && dump.output == "n15")
        #expect(dump.nodes.count == 16)
        // Every node, in creation order, with the engine's data and grad to the last bit.
        let engineNodes = (0..<evaluation.graph.count).map { evaluation.graph[$0] }
        for (node, value) in zip(dump.nodes, engineNodes) {
            #expect(node.data.value == value.data && node.grad?.value == value.grad)
            #expect(node.op == value.opName && node.label == (value.label ?? ""))
        }
        #expect(dump.nodes.map(\.kind) == Array(repeating: "input", count: 4)
            + Array(repeating: "op", count: 10) + ["constant", "op"])
        #expect(dump.nodes[0].grad?.value == 0.041772570515350445)
        #expect(dump.edges.count == 16 && dump.edges.first! == .init(from: "n0", to: "n4"))
    }

    @Test func forwardOnlyAndNonFiniteNumbers() throws {
        let evaluation = try evaluate(spec("l = log(y)", "z = exp(x * 1000) + l"))
        let diagram = Diagram(output: evaluation.output, title: nil, withGrad: false)
        let text = JSONExporter().export(diagram)
        let dump = try Dump(text)
        #expect(dump.nodes.allSatisfy { $0.grad == nil } && text.contains("\"grad\": null"))
        #expect(dump.title == nil && text.contains("\"title\": null"))
        #expect(dump.nodes.first { $0.label == "l" }?.data == .nonFinite("NaN"))
        #expect(dump.nodes.last?.data == .nonFinite("NaN"))
        #expect(dump.nodes.contains { $0.data == .nonFinite("Infinity") })
        let dot = DOTExporter().export(diagram)
        // Spelled out, with a thick red outline, in every colour mode.
        #expect(!dot.contains("grad") && dot.contains("{l|data NaN}") && dot.contains("data Infinity"))
        #expect(dot.contains("n2 [shape=record, fillcolor=\"#ffffff\", color=\"#d00000\", penwidth=3, label=\"{l|data NaN}\""))
    }

    @Test func precisionAndDirection() throws {
        let evaluation = try evaluate(spec("z = x / 3"))
        evaluation.output.backward()
        let diagram = Diagram(output: evaluation.output, title: nil, withGrad: true)
        let dot = DOTExporter(rankDirection: .topToBottom, precision: 7).export(diagram)
        #expect(dot.contains("rankdir=TB") && dot.contains("data 0.6666667|grad 1.0000000"))
        #expect(DOTExporter(precision: 0).export(diagram).contains("data 1|grad 1"))
    }

    @Test func exportIsDeterministic() throws {
        let a = DOTExporter().export(try sampleDiagram("softmax"))
        let b = DOTExporter().export(try sampleDiagram("softmax"))
        #expect(a == b)
        let svgA = try Renderer().render(a, to: .svg), svgB = try Renderer().render(b, to: .svg)
        #expect(svgA == svgB)
    }

    @Test func deepGraphExportsIteratively() throws {
        let graph = Graph()
        var y = Value(1.0, label: "x", in: graph)
        for _ in 0..<100_000 { y = y.tanh() }
        y.backward()
        let diagram = Diagram(output: y, title: nil, withGrad: true)
        #expect(diagram.nodes.count == 100_001)
        let json = JSONExporter().export(diagram)
        #expect(json.hasSuffix("{\"from\": \"n99999\", \"to\": \"n100000\"}]}\n"))
        let dot = DOTExporter().export(diagram)
        #expect(dot.contains("n99999 -> n100000_op;"))
    }
}

@testable import MgvizExport

@Suite struct NumberFormatting {
    /// The integer path must agree with C's printf to the last digit.
    @Test func fixedMatchesPrintf() {
        var random = SystemRandomNumberGenerator()
        var values: [Double] = [
            0, -0.0, 0.5, 1.5, 2.5, -2.5, 0.125, 2.675, 1.0005, 1e-7, -1e-300, 5e-324, 123456.789,
            0x1p52 + 0.5, 0x1p53 - 1, 0x1p53, 1e300, -.greatestFiniteMagnitude, 0.041772570515350445,
        ]
        for _ in 0..<3000 {
            let magnitude = Double.random(in: -30...17, using: &random)
            values.append(Double.random(in: -1...1, using: &random) * pow(10, magnitude))
        }
        for value in values {
            for decimals in 0...17 {
                let expected = cFormat("%.*f", decimals, value)
                let got = formatFixed(value, decimals: decimals)
                if got != expected {
                    Issue.record("\(value) at \(decimals): \(got) vs printf \(expected)")
                    return
                }
            }
        }
    }
}
