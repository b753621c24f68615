import Foundation
import MgvizKit
import MgvizProcess
import Testing

/// Issue 5: the HTML viewer's page, and batch mode. The viewer's behaviour in a real browser
/// is tested by scripts/browser-test.py, which the test command runs.
@Suite struct Viewer {
    @Test func pageIsSelfContained() throws {
        let result = try runMgviz([sample("softmax").path, "-o", "-", "--format", "html"])
        #expect(result.status == MgvizProcess.ExitStatus.success.rawValue)
        let page = String(decoding: result.stdout, as: UTF8.self)
        #expect(page.hasPrefix("<!DOCTYPE html>") && page.contains("<svg id=\"drawing\"") && !page.contains("<?xml"))
        // Nothing is fetched: the only URLs are XML namespaces.
        let urls = page.components(separatedBy: "http").dropFirst().map { String($0.prefix(30)) }
        #expect(urls.allSatisfy { $0.hasPrefix("://www.w3.org/") }, "\(urls)")
        #expect(!page.contains("src=") && !page.contains("<link"))
        for control in ["replay-start", "first", "back", "play", "forward", "last", "slider", "speed", "follow", "quiz", "panel",
                        "search", "fit", "reset", "zoom-in", "zoom-out", "open-all", "close-all", "crumbs", "minimap", "example-slider", "example-number"] {
            #expect(page.contains("id=\"\(control)\""), "\(control)")
        }
        #expect(page.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"))
        // The title names the tab, and the page's data: the script draws it once.
        #expect(!page.contains("<h1>") && page.contains("<title>softmax + negative log likelihood</title>"))
        // The page's data block: the node table, with softmax's 16 values and their numbers.
        let json = page.components(separatedBy: "id=\"mgviz-page\">")[1].components(separatedBy: "</script>")[0]
        let data = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let nodes = try #require(data["nodes"] as? [String: Any])
        #expect(nodes["count"] as? Int == 16 && data["title"] as? String == "softmax + negative log likelihood")
        let column = try #require(nodes["grad"] as? String)
        let grads = try #require(Data(base64Encoded: column))
        let first = grads.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        #expect(Double(bitPattern: UInt64(littleEndian: first)) == 0.041772570515350445)
    }

    /// Issue 25: the page holds no layout engine. Every position it draws comes from libgvc at
    /// export time (scripts/browser-test.py checks each record against its layout): its
    /// scripts are the evaluator and the viewer, with none of a layout engine's marks, and the
    /// page's scripts and style are a fixed size whatever the graph.
    @Test func pageHoldsNoLayoutEngine() throws {
        func page(_ name: String) throws -> String {
            String(decoding: try runMgviz([sample(name).path, "-o", "-", "--format", "html"]).stdout, as: UTF8.self)
        }
        let small = try page("neuron"), big = try page("moons_batch")
        func code(_ page: String) -> [String] {
            // The scripts that run: every <script> but the JSON data blocks.
            page.components(separatedBy: "<script").dropFirst().filter { !$0.hasPrefix(" type=\"application/json\"") }
                .map { $0.components(separatedBy: "</script>")[0] }
        }
        let scripts = code(big)
        // Issue 26: the evaluator (nudge and update), then the viewer.
        #expect(scripts.count == 2 && code(small) == scripts, "two scripts, the same on every page")
        let script = scripts.joined()
        #expect(script.utf8.count < 150_000, "the viewer is \(script.utf8.count) bytes")
        for mark in ["WebAssembly", "Worker(", "dagre", "elkjs", "ELK", "Viz(", "viz.js", "d3.", "forceSimulation", "cytoscape",
                     "graphlib", "import(", "eval(", "new Function"] {
            #expect(!script.contains(mark), "the page's script holds \(mark)")
        }
        // What differs between the pages is data: the style and the markup around it are one.
        let style = { (page: String) in page.components(separatedBy: "<style>")[1].components(separatedBy: "</style>")[0] }
        #expect(style(small) == style(big))
    }

    /// Issue 25: a page's size grows at most linearly with the nodes. Chains of 500, 1,000 and
    /// 2,000 values (one layout each) and running sums of 150, 300 and 600 squares: each
    /// doubling at most doubles what the nodes add to the page (a tenth of slack for the
    /// numbers' digits), and no node costs more than 1 KB.
    @Test func pageSizeGrowsAtMostLinearlyWithTheNodes() throws {
        func size(_ spec: String) throws -> Int {
            // The layouts' CPU limit raised: tests run side by side on a shared machine.
            let result = try runMgviz(["-", "--input-format", "mg", "-o", "-", "--format", "html", "--max-layout-seconds", "60"],
                                      stdin: Data(spec.utf8))
            #expect(result.status == MgvizProcess.ExitStatus.success.rawValue, "\(result.stderr)")
            return result.stdout.count
        }
        func chain(_ values: Int) -> String {
            "x0 = 0.5\n" + (1..<values).map { "x\($0) = tanh(x\($0 - 1))\n" }.joined()
        }
        func sum(_ terms: Int) -> String {
            // s[k] = s[k-1] + a[k] * a[k], a[k] = k / terms: three values a term.
            "s0 = 0.0\n" + (1...terms).map { "a\($0) = \(Double($0) / Double(terms))\ns\($0) = s\($0 - 1) + a\($0) * a\($0)\n" }.joined()
        }
        // A page of two values: the script, the style and the markup.
        let least = try size(chain(2))
        for (name, spec, unit, values) in [("chain", chain, 500, 500), ("sum", sum, 150, 450)] {
            let sizes = try [unit, 2 * unit, 4 * unit].map { try size(spec($0)) - least }
            #expect(sizes[1] <= 2 * sizes[0] * 11 / 10 && sizes[2] <= 2 * sizes[1] * 11 / 10, "\(name): \(sizes) bytes over the least page")
            #expect(sizes[2] / (4 * values) <= 1_000, "\(name): \(sizes[2] / (4 * values)) bytes a node")
        }
    }

    /// The replay's data block: quiz mode from --quiz, and no steps on a forward-only page.
    @Test func backwardBlockFollowsTheFlags() throws {
        func block(_ flags: [String]) throws -> [String: Any] {
            let result = try runMgviz([sample("neuron").path, "-o", "-", "--format", "html"] + flags)
            let page = String(decoding: result.stdout, as: UTF8.self)
            let json = page.components(separatedBy: "id=\"mgviz-backward\">")[1].components(separatedBy: "</script>")[0]
            return try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        }
        let plain = try block([]), quiz = try block(["--quiz"]), forward = try block(["--no-backward"])
        #expect(plain["quiz"] as? Bool == false && (plain["steps"] as? [Any])?.isEmpty == false)
        #expect(quiz["quiz"] as? Bool == true)
        #expect(forward["steps"] is NSNull)
    }

    @Test func scriptEndingTextInATitleCannotBreakOut() throws {
        let spec = #"{"title": "</script><b>x</b>", "inputs": {"x": 1}, "define": ["y = x * 2"]}"#
        let page = String(decoding: try runMgviz(["-", "-o", "-", "--format", "html"], stdin: Data(spec.utf8)).stdout, as: UTF8.self)
        #expect(page.components(separatedBy: "</script>").count == 5)  // the page's data, the replay's, the evaluator's and the viewer's
        #expect(page.contains("<title>&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;</title>"))
    }

    @Test func batchRendersManyAndRewritesNothingUnchanged() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let specs = ["softmax", "neuron", "mlp_lecture"].map { sample($0).path }
        let first = try runMgviz(specs + ["--out-dir", folder.path, "--format", "svg"])
        #expect(first.status == MgvizProcess.ExitStatus.success.rawValue)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(names == ["mlp_lecture.svg", "neuron.svg", "softmax.svg"])
        func stamps() throws -> [Date] {
            try names.map { try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent($0).path)[.modificationDate] as! Date }
        }
        let before = try stamps()
        let contents = try names.map { try Data(contentsOf: folder.appendingPathComponent($0)) }
        usleep(20_000)
        #expect(try runMgviz(specs + ["--out-dir", folder.path, "--format", "svg"]).status == MgvizProcess.ExitStatus.success.rawValue)
        #expect(try stamps() == before)
        // One process renders each the same as a process of its own.
        for (name, data) in zip(names, contents) {
            let alone = try runMgviz([sample(String(name.dropLast(4))).path, "-o", "-"]).stdout
            #expect(alone == data, "\(name)")
        }
    }

    @Test func batchGoesOnPastABadSpec() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bad = folder.appendingPathComponent("bad.json")
        try Data("{".utf8).write(to: bad)
        let result = try runMgviz([bad.path, sample("neuron").path, "--out-dir", folder.path])
        #expect(result.status == MgvizProcess.ExitStatus.dataError.rawValue)
        #expect(result.stderr.contains("bad.json: line 1, column 2: invalid JSON"))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("neuron.svg").path))
        let usage = try runMgviz([sample("neuron").path, sample("softmax").path, "-o", "x.svg"])
        #expect(usage.status == MgvizProcess.ExitStatus.usage.rawValue && usage.stderr.contains("several inputs need --out-dir"))
    }
}
