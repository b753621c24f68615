import ArgumentParser
import Foundation
import MgvizExport
import MgvizRender
import MgvizSpec

@main
struct Mgviz: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mgviz",
        abstract: "Draw a micrograd expression graph: every node's op, value and gradient.",
        discussion: """
            INPUT is a JSON spec (format v1; see the README):
              {"title": "…", "inputs": {"x": 2.0}, "define": ["y = x**2 + exp(x)"], "output": "y"}

            Examples:
              mgviz samples/softmax.json -o softmax.svg
              mgviz samples/neuron.json -o neuron.png --rankdir TB --precision 6
              cat spec.json | mgviz - -o - --format json

            Exit codes: 0 success, 64 usage error, 65 bad spec, 66 unreadable input,
            70 rendering failed, 73 output not writable.
            """,
        version: "0.1.0"
    )

    @Argument(help: ArgumentHelp("The spec file, or - for standard input.", valueName: "input"))
    var input: String

    @Option(
        name: [.short, .customLong("output")],
        help: ArgumentHelp(
            "Where to write, or - for standard output. Default: INPUT's name with .svg, in the current folder. Example: -o out.png",
            valueName: "output"))
    var output: String?

    @Option(help: ArgumentHelp(
        "The output format; by default it comes from OUTPUT's extension (svg for -). Example: --format json",
        valueName: "format"))
    var format: OutputFormat?

    @Option(help: "Layout direction: LR (left to right, as micrograd draws) or TB (top to bottom). Example: --rankdir TB")
    var rankdir: DOTExporter.RankDirection = .LR

    @Option(help: "Decimals shown for data and grad (0 to 17); tooltips always have full precision. Example: --precision 6")
    var precision: Int = 4

    @Flag(help: "Forward only: do not run backward, and show no grads.")
    var noBackward = false

    func validate() throws {
        guard (0...17).contains(precision) else {
            throw ValidationError("--precision must be from 0 to 17, got \(precision)")
        }
        if input == "-" && output == nil {
            throw ValidationError("reading a spec from standard input needs -o (a file, or - for standard output)")
        }
        _ = try resolvedFormat()
    }

    private var outputPath: String {
        output ?? (URL(fileURLWithPath: input).deletingPathExtension().lastPathComponent + ".svg")
    }

    private func resolvedFormat() throws -> OutputFormat {
        if let format { return format }
        if outputPath == "-" { return .svg }
        let ext = URL(fileURLWithPath: outputPath).pathExtension.lowercased()
        guard let format = OutputFormat(rawValue: ext) else {
            throw ValidationError(
                "cannot tell the format of '\(outputPath)' from its extension; use .svg, .png, .pdf, .dot or .json, or --format")
        }
        return format
    }

    func run() throws {
        do {
            let (bytes, name) = try InputFile.read(input)
            let evaluation: Evaluation
            do { evaluation = try Spec(bytes: bytes, file: name).evaluate(file: name) } catch { throw Failure(error) }
            if !noBackward { evaluation.output.backward() }
            let diagram = Diagram(output: evaluation.output, title: evaluation.title, withGrad: !noBackward)
            let contents = try render(diagram, as: resolvedFormat())
            try OutputFile.write(contents, to: outputPath)
        } catch let failure as Failure {
            FileHandle.standardError.write(Data("mgviz: error: \(failure.message)\n".utf8))
            throw ExitCode(failure.exitCode)
        }
    }

    private func render(_ diagram: Diagram, as format: OutputFormat) throws(Failure) -> Data {
        let exporter = DOTExporter(rankDirection: rankdir, precision: precision)
        switch format {
        case .json: return Data(JSONExporter().export(diagram).utf8)
        case .dot: return Data(exporter.export(diagram).utf8)
        case .svg, .png, .pdf:
            do {
                return try Renderer().render(exporter.export(diagram), to: format.renderFormat!)
            } catch {
                throw Failure(error.description, exitCode: 70)
            }
        }
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case svg, png, pdf, dot, json

    /// The Graphviz format for the layout formats; nil for what mgviz writes itself.
    var renderFormat: Format? {
        switch self {
        case .svg: return .svg
        case .png: return .png
        case .pdf: return .pdf
        case .dot, .json: return nil
        }
    }
}

extension DOTExporter.RankDirection: ExpressibleByArgument {}
