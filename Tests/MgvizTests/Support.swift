import Foundation
import Micrograd
import MgvizExport
import MgvizKit
import MgvizProcess
import MgvizSpec

let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func sample(_ name: String) -> URL { packageRoot.appendingPathComponent("samples/\(name).json") }

/// Parses and evaluates a spec given as text, as the CLI does, without backward.
func evaluate(_ text: String) throws(SpecError) -> Evaluation {
    try Spec(bytes: Array(text.utf8)).evaluate()
}

/// A spec with the given inputs and define entries.
func spec(inputs: String = #"{"x": 2.0, "y": -3.0}"#, _ define: String...) -> String {
    let entries = define.map { "\"\($0)\"" }.joined(separator: ", ")
    return #"{"inputs": \#(inputs), "define": [\#(entries)]}"#
}

/// The error a spec raises, as one line.
func specError(_ text: String) -> String? {
    do {
        _ = try evaluate(text)
        return nil
    } catch {
        return "spec.json: \(error)"
    }
}

/// A sample drawn as the CLI draws it by default, or with `options`.
func sampleDrawing(_ name: String, options: DrawOptions = DrawOptions()) throws -> Drawing {
    try Drawing(spec: Spec(bytes: Array(Data(contentsOf: sample(name)))), options: options)
}

/// The diagram of a sample after backward, as the CLI draws it by default.
func sampleDiagram(_ name: String) throws -> Diagram { try sampleDrawing(name).diagram }

func isClose(_ a: Double, _ b: Double, relative: Double) -> Bool {
    abs(a - b) <= relative * max(abs(a), abs(b))
}

/// The built `mgviz` binary, beside the test bundle.
let mgvizBinary: URL = {
    var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("mgviz").path), folder.path != "/" {
        folder.deleteLastPathComponent()
    }
    return folder.appendingPathComponent("mgviz")
}()

struct RunResult {
    var status: Int32
    var stdout: Data
    var stderr: String
}

/// Runs the mgviz binary with `arguments`, feeding `stdin`.
func runMgviz(_ arguments: [String], stdin: Data = Data(), in folder: URL? = nil) throws -> RunResult {
    try runProgram(mgvizBinary, arguments, stdin: stdin, in: folder)
}

/// Runs `program` with `arguments`, feeding `stdin`, and collects what it printed.
func runProgram(_ program: URL, _ arguments: [String], stdin: Data = Data(), in folder: URL? = nil) throws -> RunResult {
    let process = Process()
    process.executableURL = program
    process.arguments = arguments
    if let folder { process.currentDirectoryURL = folder }
    let input = Pipe(), output = Pipe(), error = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = error
    try process.run()
    input.fileHandleForWriting.write(stdin)
    try input.fileHandleForWriting.close()
    // Read before waiting, so a large output cannot block the child; stderr is one line.
    let out = output.fileHandleForReading.readDataToEndOfFile()
    let err = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return RunResult(status: process.terminationStatus, stdout: out, stderr: String(decoding: err, as: UTF8.self))
}

/// Starts the mgviz binary in `folder` and returns at once, for tests that kill it mid-run.
func launchMgviz(_ arguments: [String], in folder: URL) throws -> Process {
    let process = Process()
    process.executableURL = mgvizBinary
    process.arguments = arguments
    process.currentDirectoryURL = folder
    try process.run()
    return process
}

func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("mgviz-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Runs a program and returns what it printed; a non-zero exit fails the calling test.
func run(_ program: URL, _ arguments: [String]) throws -> String {
    let result = try runProgram(program, arguments)
    struct Failed: Error { var status: Int32, stderr: String }
    guard result.status == MgvizProcess.ExitStatus.success.rawValue else { throw Failed(status: result.status, stderr: result.stderr) }
    return String(decoding: result.stdout, as: UTF8.self)
}

/// The JSON dump, decoded as another tool would read it (JSONDecoder parses doubles exactly).
struct Dump: Decodable {
    struct Node: Decodable {
        var id, label, op, kind: String
        var data: Number
        var grad: Number?
        var cluster: String?
    }
    struct Edge: Decodable, Equatable {
        var from, to: String
    }
    /// A number, or one of the strings "NaN", "Infinity", "-Infinity".
    enum Number: Decodable, Equatable {
        case finite(Double)
        case nonFinite(String)

        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) { self = .nonFinite(text) } else {
                self = .finite(try container.decode(Double.self))
            }
        }

        var value: Double? { if case .finite(let x) = self { return x } else { return nil } }
    }

    var format: String
    var version: Int
    var title: String?
    /// Null when a focus left the output out.
    var output: String?
    var nodes: [Node]
    var edges: [Edge]

    init(_ data: Data) throws { self = try JSONDecoder().decode(Dump.self, from: data) }
    init(_ text: String) throws { try self.init(Data(text.utf8)) }
}
