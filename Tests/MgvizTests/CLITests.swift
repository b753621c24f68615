import CGraphviz
import Foundation
import MgvizKit
import MgvizProcess
import Testing

/// End to end: the built `mgviz` binary, as a user runs it.
@Suite struct CLI {
    @Test func rendersEachFormatFromTheExtension() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let checks: [(String, (Data) -> Bool)] = [
            ("svg", { String(decoding: $0, as: UTF8.self).contains("<svg") }),
            ("png", { $0.starts(with: [0x89, 0x50, 0x4e, 0x47]) }),
            ("pdf", { $0.starts(with: Array("%PDF-".utf8)) }),
            ("dot", { String(decoding: $0, as: UTF8.self).hasPrefix("digraph mgviz {") }),
            ("json", { (try? Dump($0))?.nodes.count == 16 }),
        ]
        for (ext, isRight) in checks {
            let out = folder.appendingPathComponent("softmax.\(ext)")
            let result = try runMgviz([sample("softmax").path, "-o", out.path])
            #expect(result.status == MgvizProcess.ExitStatus.success.rawValue && result.stderr.isEmpty, "\(ext): \(result.stderr)")
            #expect(isRight(try Data(contentsOf: out)), "\(ext)")
        }
        // No temp files are left beside the outputs.
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(left == ["softmax.dot", "softmax.json", "softmax.pdf", "softmax.png", "softmax.svg"])
    }

    @Test func defaultOutputIsTheInputNameAsSVG() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try runMgviz([sample("neuron").path], in: folder)
        #expect(result.status == MgvizProcess.ExitStatus.success.rawValue)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("neuron.svg").path))
    }

    @Test func standardInputAndOutput() throws {
        let spec = try Data(contentsOf: sample("softmax"))
        let result = try runMgviz(["-", "-o", "-", "--format", "json"], stdin: spec)
        #expect(result.status == MgvizProcess.ExitStatus.success.rawValue)
        let dump = try Dump(result.stdout)
        #expect(dump.nodes.last?.data.value == 2.1755153626167147)
        let svg = try runMgviz(["-", "-o", "-"], stdin: spec)
        #expect(String(decoding: svg.stdout, as: UTF8.self).contains("</svg>"))
    }

    @Test func formatOverridesTheExtension() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("graph.txt")
        #expect(try runMgviz([sample("neuron").path, "-o", out.path, "--format", "dot"]).status == MgvizProcess.ExitStatus.success.rawValue)
        #expect(try String(contentsOf: out, encoding: .utf8).hasPrefix("digraph"))
    }

    @Test func optionsReachTheOutput() throws {
        let path = sample("neuron").path
        let tb = try runMgviz([path, "-o", "-", "--format", "dot", "--rankdir", "TB", "--precision", "6"])
        let dot = String(decoding: tb.stdout, as: UTF8.self)
        #expect(dot.contains("rankdir=TB") && dot.contains("{o|data 0.707107|grad 1.000000}"))
        let forward = try runMgviz([path, "-o", "-", "--format", "json", "--no-backward"])
        let dump = try Dump(forward.stdout)
        #expect(dump.nodes.allSatisfy { $0.grad == nil })
        let forwardDOT = String(decoding: try runMgviz([path, "-o", "-", "--format", "dot", "--no-backward"]).stdout, as: UTF8.self)
        #expect(forwardDOT.contains("{o|data 0.7071}") && !forwardDOT.contains("|grad") && !forwardDOT.contains("grad ="))
    }

    @Test func sameSpecGivesIdenticalBytes() throws {
        for format in ["dot", "svg", "json"] {
            let a = try runMgviz([sample("softmax").path, "-o", "-", "--format", format]).stdout
            let b = try runMgviz([sample("softmax").path, "-o", "-", "--format", format]).stdout
            #expect(!a.isEmpty && a == b, "\(format)")
        }
    }

    @Test func helpAndVersion() throws {
        let help = String(decoding: try runMgviz(["--help"]).stdout, as: UTF8.self)
        for option in ["--output", "--format", "--rankdir", "--precision", "--no-backward", "--version", "Example:", "Exit codes"] {
            #expect(help.contains(option), "\(option)")
        }
        // The Graphviz it runs with, which here is the one whose headers it was built with.
        let version = try runMgviz(["--version"])
        #expect(version.status == MgvizProcess.ExitStatus.success.rawValue && String(decoding: version.stdout, as: UTF8.self) == "0.1.0 (Graphviz \(PACKAGE_VERSION))\n")
    }

    /// Bad input: one line on stderr, the right exit code, and the existing output untouched.
    @Test(arguments: [
        ("{\"inputs\": {\"x\": 1}, \"define\": [\"y = x +* 2\"]}", MgvizProcess.ExitStatus.dataError, "mgviz: error: spec.json: define[0] (y), column 8: expected a number, a name, a function or '(', got '*'"),
        ("{\"inputs\": {\"x\": 1}, \"define\": [\"y = q\"]}", MgvizProcess.ExitStatus.dataError, "mgviz: error: spec.json: define[0] (y), column 5: unknown name 'q' (expected an input or a name defined earlier)"),
        ("not json", MgvizProcess.ExitStatus.dataError, "mgviz: error: spec.json: line 1, column 1: invalid JSON: expected a JSON value (true, false or null?)"),
        ("", MgvizProcess.ExitStatus.dataError, "mgviz: error: spec.json: the file is empty (expected a JSON object with \"inputs\" and \"define\")"),
    ])
    func badSpecLeavesTheOutputAlone(_ text: String, _ status: MgvizProcess.ExitStatus, _ message: String) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("spec.json"), output = folder.appendingPathComponent("out.svg")
        try Data(text.utf8).write(to: input)
        try Data("precious".utf8).write(to: output)
        let result = try runMgviz(["spec.json", "-o", "out.svg"], in: folder)
        #expect(result.status == status.rawValue)
        #expect(result.stderr == message + "\n")
        #expect(try String(contentsOf: output, encoding: .utf8) == "precious")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["out.svg", "spec.json"])
    }

    @Test func unreadableInputAndUnwritableOutput() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = try runMgviz(["/nonexistent/spec.json", "-o", "x.svg"], in: folder)
        #expect(missing.status == MgvizProcess.ExitStatus.noInput.rawValue && missing.stderr == "mgviz: error: cannot read /nonexistent/spec.json: No such file or directory\n")
        let folderAsInput = try runMgviz(["/tmp", "-o", "x.svg"], in: folder)
        #expect(folderAsInput.status == MgvizProcess.ExitStatus.noInput.rawValue && folderAsInput.stderr == "mgviz: error: cannot read /tmp: not a regular file or a pipe\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
        let unwritable = try runMgviz([sample("neuron").path, "-o", "/nonexistent/out.svg"])
        #expect(unwritable.status == MgvizProcess.ExitStatus.cannotCreate.rawValue && unwritable.stderr == "mgviz: error: cannot write /nonexistent/out.svg: No such file or directory\n")
    }

    @Test func refusesToOverwriteTheSpec() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let spec = try Data(contentsOf: sample("neuron"))
        try spec.write(to: folder.appendingPathComponent("spec.json"))
        let result = try runMgviz(["spec.json", "-o", "./spec.json"], in: folder)
        #expect(result.status == MgvizProcess.ExitStatus.usage.rawValue && result.stderr == "mgviz: error: spec.json: the output would overwrite the spec itself; choose another -o\n")
        #expect(try Data(contentsOf: folder.appendingPathComponent("spec.json")) == spec)
    }

    @Test func usageErrorsHaveTheirOwnExitCode() throws {
        let unknownExtension = try runMgviz([sample("neuron").path, "-o", "out.gif"])
        #expect(unknownExtension.status == MgvizProcess.ExitStatus.usage.rawValue)
        #expect(unknownExtension.stderr.hasPrefix("mgviz: error: cannot tell the format of 'out.gif' from its extension"))
        let unknownFormat = try runMgviz([sample("neuron").path, "-o", "out.svg", "--format", "gif"])
        #expect(unknownFormat.status == MgvizProcess.ExitStatus.usage.rawValue && unknownFormat.stderr.contains("'gif' is invalid for '--format <format>'"))
        let precision = try runMgviz([sample("neuron").path, "-o", "-", "--precision", "40"])
        #expect(precision.status == MgvizProcess.ExitStatus.usage.rawValue && precision.stderr.contains("--precision must be from 0 to 17"))
        let noOutput = try runMgviz(["-"])
        #expect(noOutput.status == MgvizProcess.ExitStatus.usage.rawValue && noOutput.stderr.contains("needs -o"))
    }

    /// ArgumentParser's errors and mgviz's own come out in one format: one line, one prefix.
    @Test func everyUsageErrorIsOneLineInOneFormat() throws {
        let cases: [[String]] = [
            ["--bogus", sample("neuron").path],
            [sample("neuron").path, "--format", "gif", "-o", "x"],
            [sample("neuron").path, "--rankdir", "XX"],
            [sample("neuron").path, "--precision", "18"],
            [sample("neuron").path, "--check", "--no-backward"],
            [],
        ]
        for arguments in cases {
            let result = try runMgviz(arguments)
            #expect(result.status == MgvizProcess.ExitStatus.usage.rawValue, "\(arguments)")
            #expect(result.stderr.hasPrefix("mgviz: error: ") && result.stderr.hasSuffix("; see 'mgviz --help'\n"), "\(result.stderr)")
            #expect(result.stderr.utf8.count { $0 == UInt8(ascii: "\n") } == 1, "\(result.stderr)")
        }
        let choices = try runMgviz([sample("neuron").path, "--format", "gif", "-o", "x"])
        #expect(choices.stderr == "mgviz: error: The value 'gif' is invalid for '--format <format>'. Please provide one of the following: svg, png, pdf, dot, json, html, txt; see 'mgviz --help'\n")
        // No full stop before the "; see": ArgumentParser ends this sentence with one.
        let few = try runMgviz([sample("neuron").path, "--collapse", "leaves"])
        #expect(few.stderr == "mgviz: error: The value 'leaves' is invalid for '--collapse <collapse>'. Please provide one of 'neurons', 'layers' or 'calls'; see 'mgviz --help'\n")
    }
}
