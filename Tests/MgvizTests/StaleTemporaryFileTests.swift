import Foundation
import MgvizKit
import MgvizProcess
import Testing

/// Issue 22: a run removes the temp files that killed runs left in the folder it writes to,
/// and nothing else: not a running write's (it is locked), not a link, a folder, a FIFO,
/// another user's file or a name that only looks like one.
extension OutputTargets {
    @Test func staleTemporaryFilesAreRemovedAndNothingElse() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(contentsOf: sample("neuron")).write(to: folder.appendingPathComponent("neuron.json"))
        func file(_ name: String, _ bytes: Data = Data("kept".utf8)) throws -> URL {
            let url = folder.appendingPathComponent(name)
            try bytes.write(to: url)
            return url
        }
        // What a kill -9 leaves: a big one mid-write, an empty one just made.
        let stale = [try file(".mgviz-abc123", Data(count: 1 << 20)), try file(".mgviz-XYZ789", Data())]
        for name in [".mgviz-abc12", ".mgviz-abc1234", ".mgviz-abc_12", ".mgviz-abc12.", "mgviz-abc123", ".mgviz-abc123.svg", "victim.svg"] {
            _ = try file(name)
        }
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent(".mgviz-lnk123").path, withDestinationPath: "victim.svg")
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent(".mgviz-dng123").path, withDestinationPath: "nowhere")
        // Another folder's stale file is that folder's to clean, when something is written there.
        try FileManager.default.createDirectory(at: folder.appendingPathComponent(".mgviz-dir123"), withIntermediateDirectories: false)
        _ = try file(".mgviz-dir123/.mgviz-abc123")
        #expect(mkfifo(folder.appendingPathComponent(".mgviz-fif123").path, 0o600) == 0)
        if getuid() == 0 {
            #expect(chown(try file(".mgviz-oth123").path, 65534, 65534) == 0)
        }
        let before = try snapshot(folder)

        let result = try runMgviz(["neuron.json", "-o", "out.svg"], in: folder)
        #expect(result.status == MgvizProcess.ExitStatus.success.rawValue && result.stderr.isEmpty, "\(result.stderr)")
        var expected = before
        for url in stale { expected[url.lastPathComponent] = nil }
        expected["out.svg"] = try reference("neuron")
        #expect(try snapshot(folder) == expected)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: folder.appendingPathComponent(".mgviz-lnk123").path) == "victim.svg")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: folder.appendingPathComponent(".mgviz-dng123").path) == "nowhere")
        if getuid() == 0 { #expect(status(folder.appendingPathComponent(".mgviz-oth123"))?.st_uid == 65534) }
    }

    /// A running write's temp file is locked, so another run writing into the same folder
    /// keeps it: the first run, stopped mid-write, is let go on afterwards and finishes its
    /// file. A temp file with bytes in it is one whose lock is taken: it is written only after.
    @Test func aRunningWritesTemporaryFileIsKept() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let terms = Array(repeating: "x", count: 40_000).joined(separator: " * 1 + ")
        try Data(#"{"inputs": {"x": 0.5}, "define": ["y = \#(terms)"]}"#.utf8).write(to: folder.appendingPathComponent("slow.json"))
        try Data(contentsOf: sample("neuron")).write(to: folder.appendingPathComponent("neuron.json"))
        let dot = try runMgviz(["slow.json", "-o", "-", "--format", "dot"], in: folder).stdout
        func temporaryFile() throws -> (name: String, size: Int)? {
            let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".mgviz-") }
            guard let name = names.first else { return nil }
            return (name, (try? FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(name).path)[.size] as? Int) ?? 0)
        }
        // The write can end before it is seen; then try again, until the deadline.
        let deadline = Date().addingTimeInterval(180)
        var caughtMidWrite = false
        while !caughtMidWrite && Date() < deadline {
            try? FileManager.default.removeItem(at: folder.appendingPathComponent("out.dot"))
            let process = try launchMgviz(["slow.json", "-o", "out.dot"], in: folder)
            var seen: (name: String, size: Int)?
            while process.isRunning && Date() < deadline {
                if let file = try temporaryFile(), file.size > 0 {
                    kill(process.processIdentifier, SIGSTOP)
                    seen = file
                    break
                }
                usleep(200)
            }
            guard let seen else {
                process.waitUntilExit()
                continue
            }
            // Stopped, or finished just before the stop: only a temp file still there counts.
            if try temporaryFile()?.name == seen.name {
                caughtMidWrite = true
                let other = try runMgviz(["neuron.json", "-o", "neuron.svg"], in: folder)
                #expect(other.status == MgvizProcess.ExitStatus.success.rawValue && other.stderr.isEmpty, "\(other.stderr)")
                let kept = try temporaryFile()
                #expect(kept?.name == seen.name && kept.map { $0.size >= seen.size } == true)
            }
            kill(process.processIdentifier, SIGCONT)
            process.waitUntilExit()
            #expect(process.terminationReason == .exit && process.terminationStatus == MgvizProcess.ExitStatus.success.rawValue)
            #expect(try Data(contentsOf: folder.appendingPathComponent("out.dot")) == dot)
            #expect(try temporaryFile() == nil)
        }
        #expect(caughtMidWrite, "no write was caught with its temp file")
        #expect(try Data(contentsOf: folder.appendingPathComponent("neuron.svg")) == (try reference("neuron")))
    }
}
