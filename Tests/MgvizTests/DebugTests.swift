import Foundation
import MgvizKit
import MgvizProcess
import Testing

/// Issue 4 end to end: --check, "expect", --color grad, NaN alarms and --max-nodes.
@Suite struct Debugging {
    func output(_ result: RunResult) -> String { String(decoding: result.stdout, as: UTF8.self) }

    @Test func checkPrintsTheNotebooksVerdicts() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try runMgviz([sample("derivatives").path, "--check"], in: folder)
        #expect(result.status == MgvizProcess.ExitStatus.success.rawValue && result.stderr.isEmpty)
        #expect(output(result) == """
            OK    a  autograd -12.3535533906  numeric -12.3535533914
            OK    b  autograd  10.2569902711  numeric  10.2569902740
            OK    c  autograd   0.0625000000  numeric   0.0625000003

            """)
        // Without -o, --check writes no diagram.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test func toleranceAndStepOptions() throws {
        let strict = try runMgviz([sample("softmax").path, "--check", "--tolerance", "1e-12"])
        #expect(strict.status == MgvizProcess.ExitStatus.wrong.rawValue)
        #expect(output(strict).split(separator: "\n").allSatisfy { $0.hasPrefix("WRONG ") })
        let coarse = try runMgviz([sample("derivatives").path, "--check", "--step", "0.5"])
        #expect(coarse.status == MgvizProcess.ExitStatus.wrong.rawValue)
        // By hand: -(2.5³ - 1.5³) - (√2.5 - √1.5) = -12.6063939587.
        #expect(output(coarse).hasPrefix("WRONG a  autograd -12.3535533906  numeric -12.6063939587"))
        let loose = try runMgviz([sample("derivatives").path, "--check", "--step", "0.5", "--tolerance", "0.5"])
        #expect(loose.status == MgvizProcess.ExitStatus.success.rawValue)
    }

    /// What only --check uses is refused without it, rather than silently ignored, in both
    /// ways the command line is read (plain, and `--name=value` through ArgumentParser).
    @Test(arguments: [["--step", "1e-4"], ["--method", "forward"], ["--tolerance", "1e-7"]])
    func checkOptionsWithoutCheck(option: [String]) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for given in [option, [option.joined(separator: "=")]] {
            let result = try runMgviz([sample("derivatives").path, "-o", "out.svg"] + given, in: folder)
            #expect(result.status == MgvizProcess.ExitStatus.usage.rawValue)
            #expect(result.stderr == "mgviz: error: \(option[0]) goes with --check; see 'mgviz --help'\n", "\(given)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    /// A negative number after an option is its value, refused for what it is, not taken
    /// for an option with the value missing.
    @Test func negativeValuesAreRefusedForWhatTheyAre() throws {
        for (arguments, message) in [
            (["--precision", "-1"], "--precision must be from 0 to 17, got -1"),
            (["--check", "--step", "-1e-3"], "--step must be a positive number, got -0.001"),
            (["--focus", "x", "--depth", "-2"], "--depth must be 0 or more, got -2"),
            (["--max-nodes", "-3"], "--max-nodes must be positive, got -3"),
        ] {
            let result = try runMgviz([sample("softmax").path] + arguments)
            #expect(result.status == MgvizProcess.ExitStatus.usage.rawValue)
            #expect(result.stderr == "mgviz: error: \(message); see 'mgviz --help'\n", "\(arguments)")
        }
        // After --, a negative number is an input like any other.
        let input = try runMgviz(["--precision", "3", "--", "-1"])
        #expect(input.status == MgvizProcess.ExitStatus.noInput.rawValue && input.stderr.contains("-1"))
    }

    @Test func wrongInputsAreMarkedOnTheDiagram() throws {
        let result = try runMgviz([sample("neuron").path, "--check", "--tolerance", "0", "-o", "-", "--format", "dot"])
        #expect(result.status == MgvizProcess.ExitStatus.wrong.rawValue)
        let dot = output(result)
        // Verdicts go to stderr when the diagram goes to stdout.
        #expect(result.stderr.contains("WRONG x1  autograd"))
        #expect(dot.contains("n0 [shape=record, fillcolor=\"#cfe2ff\", color=\"#d00000\", penwidth=3, label=\"{x1|data 2.0000|grad -1.5000|numeric\\ grad -1.5000}\""))
        #expect(dot.contains("numeric grad = -1.4999999999"))
    }

    /// Found by the fuzzer: an output that is an input (here through an alias).
    @Test func checkWhenTheOutputIsAnInput() throws {
        let spec = #"{"inputs": {"x": 1}, "define": ["xpe = x"]}"#
        let result = try runMgviz(["-", "--check"], stdin: Data(spec.utf8))
        #expect(result.status == MgvizProcess.ExitStatus.success.rawValue)
        #expect(output(result) == "OK    x  autograd 1.0000000000  numeric 1.0000000000\n")
    }

    @Test func reluAtZeroIsSkippedNotWrong() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let spec = #"{"inputs": {"x": 0.0, "w": 2.0}, "define": ["h = relu(x * w)", "y = h * 3 + x"]}"#
        let result = try runMgviz(["-", "--check", "-o", "out.json"], stdin: Data(spec.utf8), in: folder)
        #expect(result.status == MgvizProcess.ExitStatus.success.rawValue)
        #expect(output(result) == """
            SKIP  x  autograd 1.0000000000  numeric 4.0000000000  not differentiable here: ReLU of 0.0 at 'h'
            SKIP  w  autograd 0.0000000000  numeric 0.0000000000  not differentiable here: ReLU of 0.0 at 'h'

            """)
    }

    @Test func expectReportsAndMarks() throws {
        let result = try runMgviz([sample("wrong_expect").path, "-o", "-", "--format", "dot"])
        #expect(result.status == MgvizProcess.ExitStatus.wrong.rawValue)
        #expect(result.stderr == """
            OK    output  expected 6.336362190988558  computed 6.336362190988558
            OK    grad a  expected -12.353553390593273  computed -12.353553390593273
            WRONG grad b  expected 12.079250794881903  computed 10.25699027111255
            OK    grad c  expected 0.0625  computed 0.0625

            """)
        let dot = output(result)
        #expect(dot.contains("n1 [shape=record, fillcolor=\"#cfe2ff\", color=\"#d00000\", penwidth=3, label=\"{b|data 3.0000|grad 10.2570|expected\\ grad 12.0793}\""))
        #expect(dot.components(separatedBy: "#d00000").count == 2)  // only b is marked

        let right = #"{"inputs": {"x": 3.0}, "define": ["y = x * x"], "expect": {"output": 9, "grads": {"x": 6.0001}, "tolerance": 1e-3}}"#
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let passing = try runMgviz(["-", "-o", "out.json"], stdin: Data(right.utf8), in: folder)
        #expect(passing.status == MgvizProcess.ExitStatus.success.rawValue)
        #expect(output(passing) == "OK    output  expected 9.0  computed 9.0\nOK    grad x  expected 6.0001  computed 6.0\n")
        let forwardOnly = try runMgviz(["-", "-o", "out.json", "--no-backward"], stdin: Data(right.utf8), in: folder)
        #expect(forwardOnly.status == MgvizProcess.ExitStatus.usage.rawValue && forwardOnly.stderr == "mgviz: error: <stdin>: \"expect\" has grads, which --no-backward does not compute\n")
    }

    @Test func gradPaletteAndLegend() throws {
        let result = try runMgviz([sample("dead_relu").path, "-o", "-", "--format", "dot", "--color", "grad"])
        #expect(result.status == MgvizProcess.ExitStatus.success.rawValue)
        let dot = output(result)
        #expect(dot.contains("subgraph cluster_legend {"))
        #expect(dot.contains("label=\"grad colour (log scale)\""))
        // Each sign's own range: the negative grads' magnitudes go from 0.49 to 3.9, the
        // positive ones' from 0.975 to 1.95.
        for label in ["-3.9", "-1.4", "-0.49", "0 (data ≠ 0)", "+0.98", "+1.4", "+2"] {
            #expect(dot.contains("label=\"\(label)\"]"), "\(label)")
        }
        #expect(dot.contains("legend0 -> legend1 -> legend2 -> legend3 -> legend4 -> legend5 -> legend6 [style=invis]"))
        // The largest |grad| gets the full colour of its sign: w12's grad is -3.9.
        // Its text is white, which contrasts more with the deep blue than black does.
        #expect(dot.contains("n3 [shape=record, fillcolor=\"#2166ac\", fontcolor=\"#ffffff\", label=\"{w12|data -0.2500|grad -3.9000}\""))
        // The dead unit's weights: grad exactly 0 with data not 0, drawn grey, with black text.
        for name in ["w21", "w22", "b2"] {
            #expect(dot.contains("fillcolor=\"#9e9e9e\", fontcolor=\"#000000\", label=\"{\(name)|"), "\(name)")
        }
        let byKind = output(try runMgviz([sample("dead_relu").path, "-o", "-", "--format", "dot"]))
        #expect(!byKind.contains("legend") && !byKind.contains("#9e9e9e"))
    }

    @Test func nanAndInfinityWarnings() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let nan = try runMgviz([sample("nan").path, "-o", "out.dot"], in: folder)
        #expect(nan.status == MgvizProcess.ExitStatus.success.rawValue && nan.stderr == "mgviz: warning: NaN first appears at 'log(p)' (log of -0.5)\n")
        let overflow = #"{"inputs": {"x": 800.0}, "define": ["e = exp(x)", "y = e * 0 + x"]}"#
        let inf = try runMgviz(["-", "-o", "out.dot"], stdin: Data(overflow.utf8), in: folder)
        #expect(inf.stderr == "mgviz: warning: Infinity first appears at 'e' (exp of 800)\n")
        let sqrtAtZero = #"{"inputs": {"x": 0.0}, "define": ["r = x ** 0.5", "y = r * 2"]}"#
        let grad = try runMgviz(["-", "-o", "out.dot"], stdin: Data(sqrtAtZero.utf8), in: folder)
        #expect(grad.stderr == "mgviz: warning: grad Infinity first appears at 'x' (backward through **0.5 of 0)\n")
    }

    @Test func bigGraphsAreRefusedForLayoutOnly() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A chain: cheap to lay out for its size, so only the node count refuses it.
        let chain = String(repeating: "tanh(", count: 10_000) + "x" + String(repeating: ")", count: 10_000)
        let spec = folder.appendingPathComponent("big.json")
        try Data(#"{"inputs": {"x": 1}, "define": ["y = \#(chain)"]}"#.utf8).write(to: spec)
        let refused = try runMgviz(["big.json", "-o", "big.svg"], in: folder)
        #expect(refused.status == MgvizProcess.ExitStatus.dataError.rawValue)
        #expect(refused.stderr == "mgviz: error: big.json: the graph has 10001 nodes, more than --max-nodes 10000 allows for a svg layout (Graphviz slows down on big graphs); draw a part with --focus NAME --depth K, write .dot or .json instead, or raise --max-nodes\n")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("big.svg").path))
        for format in ["dot", "json"] {
            #expect(try runMgviz(["big.json", "-o", "out.\(format)"], in: folder).status == MgvizProcess.ExitStatus.success.rawValue, "\(format)")
        }
        let small = try runMgviz([sample("softmax").path, "-o", "-", "--max-nodes", "15"])
        #expect(small.status == MgvizProcess.ExitStatus.dataError.rawValue && small.stderr.contains("the graph has 16 nodes, more than --max-nodes 15"))
        #expect(try runMgviz([sample("softmax").path, "-o", "-", "--max-nodes", "16"]).status == MgvizProcess.ExitStatus.success.rawValue)
    }
}
