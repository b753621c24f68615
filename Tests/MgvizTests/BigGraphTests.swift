import Foundation
import MgvizExport
import MgvizKit
import MgvizProcess
import MgvizRender
import Testing

/// Issue 10: big graphs stay bounded. Layout times live in `mgviz-bench layout`, not here.
@Suite struct BigGraphs {
    /// Width and height from a PNG's IHDR chunk.
    func pixels(_ png: Data) -> (width: Int, height: Int) {
        let bytes = [UInt8](png)
        func word(_ at: Int) -> Int { bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        return (word(16), word(20))
    }

    @Test func bitmapSizeLowersTheResolutionOnlyPastTheCap() {
        let size = BitmapSize()
        #expect(size.dotsPerInch(width: 720, height: 720) == 96)  // 960 × 960 pixels
        // 72,000 × 72,000 points at 96 dpi would be 9.2e9 pixels: 1000 inches a side, with 8
        // pixels to spare for Graphviz's rounding, (1000·d + 8)² = 32e6.
        let lowered = size.dotsPerInch(width: 72_000, height: 72_000)
        #expect(abs(lowered - (32e6.squareRoot() - 8) / 1000) < 1e-9)
        #expect(abs((lowered * 1000 + 8) * (lowered * 1000 + 8) - 32e6) < 1e-3)
        // A long chain is thin: its width, not its area, sets the limit.
        #expect(size.dotsPerInch(width: 720_000, height: 36) == Double(BitmapSize.maximumSide - 8) * 72 / 720_000)
    }

    /// Graphviz's own "too large for cairo-renderer bitmaps" warning never shows: mgviz
    /// keeps each side within 32,767 pixels itself, and refuses a PNG too thin to read.
    @Test func aLongChainMakesAThinPNGOrNone() throws {
        func chain(_ length: Int) -> Data {
            Data(#"{"inputs": {"a": 0.5}, "define": ["b = \#(String(repeating: "tanh(", count: length))a\#(String(repeating: ")", count: length))"]}"#.utf8)
        }
        // 300 tanh make a drawing about 87,000 points wide: 32,759 pixels is 27 dpi.
        let thin = try runMgviz(["-", "-o", "-", "--format", "png"], stdin: chain(300))
        #expect(thin.status == MgvizProcess.ExitStatus.success.rawValue)
        #expect(pixels(thin.stdout).width <= BitmapSize.maximumSide)
        #expect(thin.stderr.hasPrefix("mgviz: note: the PNG is drawn at ") && !thin.stderr.contains("cairo"), "\(thin.stderr)")
        let tooThin = try runMgviz(["-", "-o", "-", "--format", "png"], stdin: chain(2000))
        #expect(tooThin.status == MgvizProcess.ExitStatus.dataError.rawValue && tooThin.stdout.isEmpty)
        #expect(tooThin.stderr.hasPrefix("mgviz: error: <stdin>: the PNG would be drawn at "))
        #expect(tooThin.stderr.hasSuffix(" dpi to stay within 32 megapixels and 32767 pixels a side, too small to read; write .svg or .pdf, or draw a part with --focus NAME --depth K\n"))
    }

    /// The expanded moons MLP once made a 1.16 GB PNG.
    @Test func bigPNGsStayWithinTheCap() throws {
        let result = try runMgviz([sample("moons_point").path, "-o", "-", "--format", "png"])
        #expect(result.status == MgvizProcess.ExitStatus.success.rawValue)
        let (width, height) = pixels(result.stdout)
        #expect(width * height <= BitmapSize.defaultMaximumPixels && width * height > BitmapSize.defaultMaximumPixels * 9 / 10)
        let notes = result.stderr.split(separator: "\n")
        #expect(notes.count == 2 && notes[0] == "mgviz: note: \(sample("moons_point").path): the model's graph has 984 nodes; --collapse neurons draws each neuron as one node")
        #expect(notes[1].hasPrefix("mgviz: note: the PNG is drawn at "))
        #expect(result.stderr.hasSuffix(" dpi, not 96, to stay within 32 megapixels and 32767 pixels a side; write .svg or .pdf for every detail\n"))
    }

    @Test func collapseIsSuggestedForBigModelsOnly() throws {
        let collapsed = try runMgviz([sample("moons_point").path, "-o", "-", "--format", "dot", "--collapse", "neurons"])
        #expect(collapsed.status == MgvizProcess.ExitStatus.success.rawValue && collapsed.stderr.isEmpty)
        let lecture = try runMgviz([sample("mlp_lecture").path, "-o", "-", "--format", "dot"])
        #expect(lecture.status == MgvizProcess.ExitStatus.success.rawValue && lecture.stderr.isEmpty)
    }

    @Test func dpiScalesThePNG() throws {
        let normal = pixels(try runMgviz([sample("softmax").path, "-o", "-", "--format", "png"]).stdout)
        let double = try runMgviz([sample("softmax").path, "-o", "-", "--format", "png", "--dpi", "192"])
        #expect(double.status == MgvizProcess.ExitStatus.success.rawValue && double.stderr.isEmpty)
        let sharp = pixels(double.stdout)
        #expect(abs(sharp.width - 2 * normal.width) <= 2 && abs(sharp.height - 2 * normal.height) <= 2)
        let half = pixels(try runMgviz([sample("softmax").path, "-o", "-", "--format", "png", "--dpi", "48"]).stdout)
        #expect(abs(2 * half.width - normal.width) <= 2)
        let svg = try runMgviz([sample("softmax").path, "-o", "-", "--dpi", "192"])
        #expect(svg.status == MgvizProcess.ExitStatus.usage.rawValue && svg.stderr == "mgviz: error: --dpi is for PNG output; svg has no pixels; see 'mgviz --help'\n")
        let zero = try runMgviz([sample("softmax").path, "-o", "-", "--format", "png", "--dpi", "0"])
        #expect(zero.status == MgvizProcess.ExitStatus.usage.rawValue && zero.stderr == "mgviz: error: --dpi must be from 10 to 2400, got 0.0; see 'mgviz --help'\n")
    }
}

/// Issue 10: an expanded model's layers stand in columns, neurons in order, not a staircase.
@Suite struct ModelLayout {
    /// Each neuron cluster's box in the SVG, by name: (x from, x to, y from, y to).
    func clusterBoxes(_ svg: String) throws -> [String: (Double, Double, Double, Double)] {
        let pattern = try Regex(#"<title>cluster_(L\d+_N\d+)</title>\n<polygon[^>]*points="([^"]+)""#)
        var boxes: [String: (Double, Double, Double, Double)] = [:]
        for match in svg.matches(of: pattern) {
            let points = match.output[2].substring!.split(separator: " ").map { $0.split(separator: ",").map { Double($0)! } }
            let xs = points.map { $0[0] }, ys = points.map { $0[1] }
            boxes[String(match.output[1].substring!)] = (xs.min()!, xs.max()!, ys.min()!, ys.max()!)
        }
        return boxes
    }

    @Test(arguments: ["LR", "TB"])
    func layersAreColumnsWithNeuronsInOrder(_ direction: String) throws {
        let result = try runMgviz([sample("mlp_lecture").path, "-o", "-", "--rankdir", direction])
        #expect(result.status == MgvizProcess.ExitStatus.success.rawValue)
        let boxes = try clusterBoxes(String(decoding: result.stdout, as: UTF8.self))
        #expect(boxes.count == 9)
        let acrossLayers = direction == "LR" ? { (box: (Double, Double, Double, Double)) in (box.0, box.1) } : { ($0.2, $0.3) }
        let withinLayer = direction == "LR" ? { (box: (Double, Double, Double, Double)) in box.2 } : { $0.0 }
        for layer in 1...2 {
            // Every neuron of this layer ends before any of the next one begins.
            let ends = (1...4).map { acrossLayers(boxes["L\(layer)_N\($0)"]!).1 }
            let nextStarts = (1...(layer == 1 ? 4 : 1)).map { acrossLayers(boxes["L\(layer + 1)_N\($0)"]!).0 }
            #expect(ends.max()! < nextStarts.min()!, "layer \(layer)")
            // Neurons 1 to 4 in order, down (LR) or across (TB).
            let positions = (1...4).map { withinLayer(boxes["L\(layer)_N\($0)"]!) }
            #expect(positions == positions.sorted(), "layer \(layer): \(positions)")
        }
    }

    @Test func alignmentEdgesAreInvisibleAndOnlyForExpandedModels() throws {
        let dot = String(decoding: try runMgviz([sample("mlp_lecture").path, "-o", "-", "--format", "dot"]).stdout, as: UTF8.self)
        #expect(dot.components(separatedBy: "[style=invis, weight=20];").count - 1 == 4 + 1)
        let collapsed = try runMgviz([sample("mlp_lecture").path, "-o", "-", "--format", "dot", "--collapse", "neurons"])
        #expect(!String(decoding: collapsed.stdout, as: UTF8.self).contains("weight=20"))
    }
}

/// Issue 10: the layout attributes chosen by measurement reach the DOT, above their threshold only.
@Suite struct LayoutTuning {
    func dot(_ spec: String, _ extra: [String] = []) throws -> String {
        String(decoding: try runMgviz(["-", "-o", "-", "--format", "dot"] + extra, stdin: Data(spec.utf8)).stdout, as: UTF8.self)
    }

    func sum(of term: String, _ count: Int) -> String {
        #"{"inputs": {"a": 0.5}, "define": ["b = \#(Array(repeating: term, count: count).joined(separator: " + "))"]}"#
    }

    @Test func smallGraphsKeepGraphvizDefaults() throws {
        for name in ["softmax", "derivatives", "neuron", "wrong_expect", "nan", "dead_relu", "mlp_lecture"] {
            let dot = String(decoding: try runMgviz([sample(name).path, "-o", "-", "--format", "dot"]).stdout, as: UTF8.self)
            #expect(!dot.contains("nslimit"), "\(name)")
        }
    }

    /// `a + a + … + a`, n terms: a and n-1 sums, each with its op. By hand, forward ranking:
    /// sum k's op at rank 2k-1 and a at rank 0, just before its first use, so the edge into
    /// sum k's op spans 2k-1 ranks, with 2k-2 virtual nodes (0 for both uses in the first
    /// sum); over k = 1 … n-1 that is (n-1)(n-2), and the backward ranking is the same.
    @Test func costOfASumOfOneLeaf() throws {
        for n in [10, 100, 200] {
            let evaluation = try evaluate(sum(of: "a", n))
            evaluation.output.backward()
            let cost = Diagram(output: evaluation.output, title: nil, withGrad: true).layoutCost
            #expect(cost.graphvizNodes == 2 * n - 1 && cost.sources == 1 && cost.ranks == 2 * n - 1)
            #expect(cost.virtualNodes == (n - 1) * (n - 2), "\(n): \(cost.virtualNodes)")
        }
    }

    @Test func bigGraphsGetTheTunedAttributes() throws {
        #expect(try dot(sum(of: "a", 20)).contains("nslimit") == false)
        let big = try dot(sum(of: "a", 100))
        #expect(big.contains("\n  graph [newrank=true, nslimit=0.1, nslimit1=2];\n"))
        // A chain has no virtual nodes, but 600 tanh are 1,201 Graphviz nodes.
        let chain = #"{"inputs": {"a": 0.5}, "define": ["b = \#(String(repeating: "tanh(", count: 600))a\#(String(repeating: ")", count: 600))"]}"#
        #expect(try dot(chain).contains("graph [newrank=true, nslimit=0.1, nslimit1=2];"))
        let moons = String(decoding: try runMgviz([sample("moons_point").path, "-o", "-", "--format", "dot"]).stdout, as: UTF8.self)
        #expect(moons.contains("graph [newrank=true, nslimit=0.1, nslimit1=2];"))
    }

    /// 1,600 products of pairs of 80 inputs, summed as a balanced tree: nothing the estimate
    /// sees is big, yet dot took 18.6 s, crossing edges. The CPU limit stops it.
    @Test func aRunawayLayoutIsStopped() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var define = (0..<1600).map { "p\($0) = x\($0 * 7 % 80) * x\($0 * 13 % 79)" }
        var level = (0..<1600).map { "p\($0)" }
        while level.count > 1 {
            var next: [String] = []
            for pair in stride(from: 0, to: level.count, by: 2) {
                guard pair + 1 < level.count else { next.append(level[pair]); continue }
                next.append("s\(define.count)")
                define.append("s\(define.count) = \(level[pair]) + \(level[pair + 1])")
            }
            level = next
        }
        let inputs = (0..<80).map { "\"x\($0)\": \(Double($0) / 80)" }.joined(separator: ", ")
        let entries = define.map { "\"\($0)\"" }.joined(separator: ", ")
        let spec = #"{"inputs": {\#(inputs)}, "define": [\#(entries)]}"#
        try Data(spec.utf8).write(to: folder.appendingPathComponent("fan.json"))
        let evaluation = try evaluate(spec)
        #expect(!Diagram(output: evaluation.output, title: nil, withGrad: false).layoutCost.isTooCostly)
        let stopped = try runMgviz(["fan.json", "-o", "fan.svg", "--max-layout-seconds", "1"], in: folder)
        #expect(stopped.status == MgvizProcess.ExitStatus.dataError.rawValue)
        #expect(stopped.stderr == "mgviz: error: fan.json: dot did not finish this layout within --max-layout-seconds 1 of CPU time; draw a part with --focus NAME --depth K, write .dot or .json, or raise the limit\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["fan.json"])
    }

    @Test func tooCostlyLayoutsAreRefusedBeforeLayout() throws {
        let refused = try runMgviz(["-", "-o", "-"], stdin: Data(sum(of: "a", 200).utf8))
        #expect(refused.status == MgvizProcess.ExitStatus.dataError.rawValue && refused.stdout.isEmpty)
        #expect(refused.stderr == "mgviz: error: <stdin>: this graph is likely to take dot over 10 s to lay out: 399 nodes, layout cost 39405 (at most 35000), fan-out reach 79800 (at most 30000); draw a part with --focus NAME --depth K, or write .dot or .json\n")
        // The same graph as DOT or JSON, and a part of it, are fine.
        #expect(try runMgviz(["-", "-o", "-", "--format", "json"], stdin: Data(sum(of: "a", 200).utf8)).status == MgvizProcess.ExitStatus.success.rawValue)
        #expect(try runMgviz(["-", "-o", "-", "--focus", "n100", "--depth", "1"], stdin: Data(sum(of: "a", 200).utf8)).status == MgvizProcess.ExitStatus.success.rawValue)
        // 150 uses of tanh(a): a cost under its limit, but one value used 150 times across 301
        // ranks (a at rank 0, tanh k's op at 1, the k-th sum's op at 2k + 1).
        let fan = try runMgviz(["-", "-o", "-"], stdin: Data(sum(of: "tanh(a)", 150).utf8))
        #expect(fan.status == MgvizProcess.ExitStatus.dataError.rawValue && fan.stderr.contains("layout cost 22055 (at most 35000), fan-out reach 45150 (at most 30000)"), "\(fan.stderr)")
        // MLP(3, [32, 32, 1]) spreads more virtual nodes over many: accepted.
        let mlp = #"{"inputs": {"x1": 0.1, "x2": 0.2, "x3": 0.3}, "mlp": {"sizes": [3, 32, 32, 1], "seed": 1, "inputs": ["x1", "x2", "x3"], "outputs": ["y"]}, "define": ["loss = (y - 1)**2"]}"#
        let model = try evaluate(mlp)
        let cost = Diagram(output: model.output, title: nil, withGrad: false).layoutCost
        #expect(!cost.isTooCostly && cost.virtualNodes > 30_000 && cost.fanOutReach < 10_000, "\(cost)")
        // A long chain has no edges across ranks: 10,000 values is well within.
        let chain = #"{"inputs": {"a": 0.5}, "define": ["b = \#(String(repeating: "tanh(", count: 5000))a\#(String(repeating: ")", count: 5000))"]}"#
        let evaluation = try evaluate(chain)
        evaluation.output.backward()
        #expect(Diagram(output: evaluation.output, title: nil, withGrad: true).layoutCost.virtualNodes == 0)
    }
}
