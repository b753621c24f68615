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
        #expect(page.hasPrefix("<!DOCTYPE html>") && page.contains("<svg") && !page.contains("<?xml"))
        // Nothing is fetched: the only URLs are XML namespaces.
        let urls = page.components(separatedBy: "http").dropFirst().map { String($0.prefix(30)) }
        #expect(urls.allSatisfy { $0.hasPrefix("://www.w3.org/") }, "\(urls)")
        #expect(!page.contains("src=") && !page.contains("<link"))
        for control in ["replay-start", "first", "back", "play", "forward", "last", "slider", "speed", "follow", "quiz", "panel"] {
            #expect(page.contains("id=\"\(control)\""), "\(control)")
        }
        // The title is drawn in the SVG, and not repeated in a heading above it.
        #expect(!page.contains("<h1>") && page.components(separatedBy: ">softmax + negative log likelihood<").count == 3)  // <title> and the SVG's
        // The data block is the JSON dump.
        let json = page.components(separatedBy: "id=\"mgviz-data\">")[1].components(separatedBy: "</script>")[0]
        let dump = try Dump(json.replacingOccurrences(of: "<\\/", with: "</"))
        #expect(dump.nodes.count == 16 && dump.nodes[0].grad?.value == 0.041772570515350445)
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
        #expect(page.components(separatedBy: "</script>").count == 4)  // the dump's, the replay's and the code's
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
