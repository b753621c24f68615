import Foundation
import MgvizKit
import MgvizProcess
import Testing

/// Issue 6: limits, and output that survives a kill.
@Suite struct Reliability {
    @Test func inputOverTheSizeLimit() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let big = folder.appendingPathComponent("big.json")
        FileManager.default.createFile(atPath: big.path, contents: nil)
        let handle = try FileHandle(forWritingTo: big)
        try handle.truncate(atOffset: 64 << 20 + 1)
        try handle.close()
        let result = try runMgviz(["big.json", "-o", "out.svg"], in: folder)
        #expect(result.status == MgvizProcess.ExitStatus.dataError.rawValue)
        #expect(result.stderr == "mgviz: error: big.json: the file is 67108865 bytes, over the limit of 67108864\n")
        // Standard input is held to the same limit.
        let piped = try runMgviz(["-", "-o", "-", "--format", "json"], stdin: Data(count: 64 << 20 + 1))
        #expect(piped.status == MgvizProcess.ExitStatus.dataError.rawValue && piped.stderr.hasPrefix("mgviz: error: <stdin>: the file is "))
    }

    @Test func longFlatSumExportsWithoutRecursion() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let terms = Array(repeating: "x", count: 200_000).joined(separator: " + ")
        try Data(#"{"inputs": {"x": 0.5}, "define": ["y = \#(terms)"]}"#.utf8).write(to: folder.appendingPathComponent("sum.json"))
        for format in ["json", "dot"] {
            let result = try runMgviz(["sum.json", "-o", "out.\(format)"], in: folder)
            #expect(result.status == MgvizProcess.ExitStatus.success.rawValue, "\(format): \(result.stderr)")
        }
        let dump = try Dump(Data(contentsOf: folder.appendingPathComponent("out.json")))
        #expect(dump.nodes.count == 200_000 && dump.nodes.last?.data.value == 100_000)
        #expect(dump.nodes.first?.grad?.value == 200_000)
    }

    /// A real SIGKILL while the output is being written: the target keeps its old contents.
    /// The temp file, which nothing could remove, is removed by the next write into the folder.
    @Test func killNineMidWriteLeavesTheTargetWhole() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let terms = Array(repeating: "x", count: 150_000).joined(separator: " * 1 + ")
        try Data(#"{"inputs": {"x": 0.5}, "define": ["y = \#(terms)"]}"#.utf8).write(to: folder.appendingPathComponent("slow.json"))
        let target = folder.appendingPathComponent("out.dot")
        try Data("precious".utf8).write(to: target)
        let process = try launchMgviz(["slow.json", "-o", "out.dot"], in: folder)
        // Wait for the temp file to appear beside the target: the write has begun.
        let deadline = Date().addingTimeInterval(120)
        var sawTemporary = false
        while Date() < deadline && process.isRunning {
            let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            if names.contains(where: { $0.hasPrefix(".mgviz-") }) {
                sawTemporary = true
                break
            }
            usleep(200)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(sawTemporary, "the write never started")
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(try String(contentsOf: target, encoding: .utf8) == "precious")
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".mgviz-") }
        #expect(left.count == 1, "\(left)")
        try Data(contentsOf: sample("neuron")).write(to: folder.appendingPathComponent("neuron.json"))
        let next = try runMgviz(["neuron.json", "-o", "neuron.dot"], in: folder)
        #expect(next.status == MgvizProcess.ExitStatus.success.rawValue && next.stderr.isEmpty, "\(next.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["neuron.dot", "neuron.json", "out.dot", "slow.json"])
        #expect(try String(contentsOf: target, encoding: .utf8) == "precious")
    }
}
