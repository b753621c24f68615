import ArgumentParser
import Foundation
import MgvizExport
import MgvizRender
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
        abstract: "Render one spec many times in this process; print the time per render and the growth of resident memory.",
        discussion: "Example: mgviz-bench render samples/softmax.json --count 1000 --format png")

    @Argument(help: "The spec to render.")
    var spec: String

    @Option(help: "How many renders.")
    var count: Int = 1000

    @Option(help: "svg, png or pdf.")
    var format: String = "svg"

    func validate() throws {
        guard count > warmUp else { throw ValidationError("--count must be over \(warmUp)") }
        guard Format(rawValue: format) != nil, format != "dot" else { throw ValidationError("--format must be svg, png or pdf") }
    }

    /// Plugins, fonts and caches load during the first renders.
    private let warmUp = 20

    func run() throws {
        let evaluation = try Spec(bytes: Array(Data(contentsOf: URL(fileURLWithPath: spec))), file: spec).evaluate(file: spec)
        evaluation.output.backward()
        let dot = DOTExporter().export(Diagram(output: evaluation.output, title: evaluation.title, withGrad: true))
        let renderer = Renderer()
        var seconds: [Double] = []
        var residentAfterWarmUp = 0
        for i in 1...count {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try renderer.render(dot, to: Format(rawValue: format)!)
            seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            if i == warmUp { residentAfterWarmUp = residentBytes() }
        }
        print("renders \(count) format \(format) seconds_per_render \(median(seconds))")
        let growth = residentBytes() - residentAfterWarmUp
        print("resident_growth_bytes_per_render \(Double(growth) / Double(count - warmUp))")
    }
}
