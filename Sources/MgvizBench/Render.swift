import ArgumentParser
import Foundation
import MgvizKit
import MgvizSpec

/// Resident set size now, in bytes (not the peak: this shows whether memory comes back).
func residentBytes() -> Int {
    guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
          let pages = statm.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
    else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render specs many times in this process; print the time per render and the growth of resident memory.",
        discussion: "Example: mgviz-bench render samples/*.json --count 1000 --format png")

    @Argument(help: "The specs to render, each once a round.")
    var specs: [String]

    @Option(help: "How many rounds.")
    var count: Int = 1000

    @Option(help: "svg, png or pdf.")
    var format: OutputFormat = .svg

    @Option(help: "neurons: draw each neuron of an \"mlp\" as one node, as mgviz --collapse neurons does.")
    var collapse: DrawOptions.Collapse?

    func validate() throws {
        guard count >= 2 else { throw ValidationError("--count must be at least 2") }
        guard [.svg, .png, .pdf].contains(format) else { throw ValidationError("--format must be svg, png or pdf") }
    }

    /// Plugins, fonts and caches load during the first rounds; growth is measured after.
    private var warmUp: Int { min(20, count - 1) }

    func run() throws {
        // The drawings mgviz makes: an "mlp" spec's layers and neurons are clusters.
        let drawings = try specs.map { path in
            try Drawing(spec: Spec(bytes: Array(Data(contentsOf: URL(fileURLWithPath: path)))), options: DrawOptions(collapse: collapse))
        }
        var seconds: [Double] = []
        var residentAfterWarmUp = 0
        for round in 1...count {
            for drawing in drawings {
                var stopwatch = Stopwatch()
                _ = try drawing.rendered(as: format)
                seconds.append(stopwatch.lap())
            }
            if round == warmUp { residentAfterWarmUp = residentBytes() }
        }
        print("renders \(count * drawings.count) format \(format.rawValue) seconds_per_render \(median(seconds))")
        let growth = residentBytes() - residentAfterWarmUp
        print("resident_growth_bytes_per_render \(Double(growth) / Double((count - warmUp) * drawings.count))")
    }
}

extension OutputFormat: ExpressibleByArgument {}
extension DrawOptions.Collapse: ExpressibleByArgument {}
