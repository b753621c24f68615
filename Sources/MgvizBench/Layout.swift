import ArgumentParser
import Foundation
import MgvizExport
import MgvizKit
import MgvizRender
import MgvizSpec

/// A diagram shape of issue 10 at one size, written `shape:size` on the command line.
enum LayoutShape: Equatable, CustomStringConvertible, ExpressibleByArgument {
    /// `a + a + … + a`: every add takes the one leaf, so its edges span more and more ranks.
    case hub(terms: Int)
    /// `tanh(a) + tanh(a) + …`: one leaf fans out to an op per term.
    case fanOut(terms: Int)
    /// `x0 + x1 + …`: a leaf per term, each on its own rank.
    case inputs(terms: Int)
    /// `x1 = tanh(a)`, `x2 = tanh(x1)`, …: many ranks, no long edges.
    case chain(length: Int)
    /// An expanded MLP with a clustered neuron each, and a squared-error loss.
    case mlp(sizes: [Int])

    /// Sizes around 100, 300, 1,000, 3,000 and 10,000 values, and MLPs of about 100, 1,000,
    /// 3,500 and 10,000.
    static let standard: [LayoutShape] =
        [100, 300, 1_000, 3_000, 10_000].map { hub(terms: $0) }
        + [50, 150, 500, 1_500, 5_000].map { fanOut(terms: $0) }
        + [50, 150, 500, 1_500, 5_000].map { inputs(terms: $0) }
        + [100, 300, 1_000, 3_000, 10_000].map { chain(length: $0) }
        + [[2, 8, 1], [2, 16, 16, 1], [3, 32, 32, 1], [10, 50, 50, 1]].map { mlp(sizes: $0) }

    init?(argument: String) {
        let parts = argument.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return nil }
        if parts[0] == "mlp" {
            let sizes = parts[1].split(separator: "-").compactMap { Int($0) }
            guard sizes.count >= 2, sizes.count == parts[1].split(separator: "-").count, sizes.allSatisfy({ $0 > 0 }) else { return nil }
            self = .mlp(sizes: sizes)
            return
        }
        guard let size = Int(parts[1]), size >= 2 else { return nil }
        switch parts[0] {
        case "hub": self = .hub(terms: size)
        case "fan-out": self = .fanOut(terms: size)
        case "inputs": self = .inputs(terms: size)
        case "chain": self = .chain(length: size)
        default: return nil
        }
    }

    var description: String {
        switch self {
        case .hub(let terms): return "hub:\(terms)"
        case .fanOut(let terms): return "fan-out:\(terms)"
        case .inputs(let terms): return "inputs:\(terms)"
        case .chain(let length): return "chain:\(length)"
        case .mlp(let sizes): return "mlp:" + sizes.map(String.init).joined(separator: "-")
        }
    }

    /// The spec, so that the diagram is built exactly as the CLI builds it.
    var spec: String {
        func sum(_ terms: some Sequence<String>) -> String { "[\"y = " + terms.joined(separator: " + ") + "\"]" }
        switch self {
        case .hub(let terms):
            return "{\"inputs\": {\"a\": 0.5}, \"define\": \(sum(repeatElement("a", count: terms)))}"
        case .fanOut(let terms):
            return "{\"inputs\": {\"a\": 0.5}, \"define\": \(sum(repeatElement("tanh(a)", count: terms)))}"
        case .inputs(let terms):
            let inputs = (0..<terms).map { "\"x\($0)\": \(Double($0 % 7) / 7)" }.joined(separator: ", ")
            return "{\"inputs\": {\(inputs)}, \"define\": \(sum((0..<terms).map { "x\($0)" }))}"
        case .chain(let length):
            let links = (1..<length).map { "\"x\($0) = tanh(\($0 == 1 ? "a" : "x\($0 - 1)"))\"" }
            return "{\"inputs\": {\"a\": 0.5}, \"define\": [\(links.joined(separator: ", "))]}"
        case .mlp(let sizes):
            let names = (1...sizes[0]).map { "x\($0)" }
            let inputs = names.enumerated().map { "\"\($1)\": \(Double($0 % 5) / 5 - 0.5)" }.joined(separator: ", ")
            let outputs = (1...sizes.last!).map { "\"y\($0)\"" }.joined(separator: ", ")
            let loss = (1...sizes.last!).map { "(y\($0) - 1.0)**2" }.joined(separator: " + ")
            return """
                {"inputs": {\(inputs)}, "mlp": {"sizes": \(sizes), "activation": "relu", "seed": 1, \
                "inputs": [\(names.map { "\"\($0)\"" }.joined(separator: ", "))], "outputs": [\(outputs)]}, \
                "define": ["loss = \(loss)"]}
                """
        }
    }

    /// Evaluated and run backward, as `mgviz` does before drawing.
    func diagram() throws -> Diagram {
        try Drawing(spec: Spec(bytes: Array(spec.utf8))).diagram
    }
}

struct LayoutBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "layout",
        abstract: "Time dot's layout of growing diagrams with Graphviz's default attributes and with the tuned ones, in a child process per measurement.",
        discussion: """
            Each cell is a median of --runs child processes: CPU seconds of layout and rendering \
            (after a warm-up render that loads the plugins and fonts), and the child's peak RSS. \
            A child past --limit CPU seconds is killed. "tunes": whether the CLI asks for the \
            tuned attributes; where it does not, both columns lay out the same DOT. "refused": \
            the CLI would not lay it out (layout cost over \(LayoutCost.refusalThreshold), fan-out \
            reach over \(LayoutCost.fanOutReachThreshold), or \
            over \(LayoutCost.defaultMaximumValues) values), so it is not run; \
            "skip": not run, as it would pass the limit: a smaller size of the shape passed it \
            in that column, or the same case's SVG did (PNG is the same layout, then drawn), \
            or the CLI refuses the case.
            Example: mgviz-bench layout --runs 3; mgviz-bench layout hub:100 mlp:2-16-16-1
            """)

    @Argument(help: "The cases, as shape:size (hub, fan-out and inputs: terms; chain: length) or mlp:2-16-16-1.")
    var cases: [LayoutShape] = LayoutShape.standard

    @Option(help: "Runs per cell; medians are printed.")
    var runs: Int = 1

    @Option(help: "CPU seconds after which a child is killed.")
    var limit: Double = 30

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
        guard limit > 0 else { throw ValidationError("--limit must be positive") }
    }

    func run() throws {
        let started = cpuSeconds(RUSAGE_CHILDREN)
        var stopwatch = Stopwatch()
        let table = LayoutTable()
        table.printHeader()
        // The columns in which an earlier (smaller) size of the shape passed the limit.
        var overLimit: Set<Column> = []
        var lastShape = ""
        for shape in cases {
            let name = String(shape.description.prefix { $0 != ":" })
            if name != lastShape { overLimit = [] }
            lastShape = name
            // The tuned SVG child runs first: it tells the size and score even when it refuses.
            var cells: [Column: Cell] = [:]
            var described: LayoutChild.Report?
            for column in Column.allCases {
                if described?.refused == true {
                    cells[column] = column.tuned ? .refused : .skipped
                    continue
                }
                // PNG lays the graph out as SVG does, and then draws it.
                let svgTimedOut = column.format == "png" && cells[column.tuned ? .svgTuned : .svgDefault]!.isTimedOut
                if overLimit.contains(column) || svgTimedOut {
                    cells[column] = .skipped
                    continue
                }
                var seconds: [Double] = [], peaks: [Double] = []
                for _ in 1...runs {
                    let outcome = try LayoutChild.run(shape, format: column.format, tuned: column.tuned, limit: limit)
                    described = described ?? outcome.report
                    if outcome.timedOut {
                        cells[column] = .timedOut(peakMB: outcome.peakMB)
                        overLimit.insert(column)
                        break
                    }
                    // The child said why on stderr; the other cells are still worth measuring.
                    guard !outcome.failed else {
                        cells[column] = .failed
                        break
                    }
                    guard let report = outcome.report else { throw BenchError("\(shape): the child said nothing") }
                    if report.refused {
                        cells[column] = .refused
                        break
                    }
                    seconds.append(report.seconds)
                    peaks.append(outcome.peakMB)
                    cells[column] = .measured(seconds: median(seconds), peakMB: median(peaks))
                }
            }
            table.printRow(shape, described, cells, limit: limit)
        }
        print(String(
            format: "total: %.0f s wall, %.0f s CPU in children", stopwatch.lap(), cpuSeconds(RUSAGE_CHILDREN) - started))
    }
}

/// A format and a layout tuning: two measurements per format in each row.
enum Column: CaseIterable, Hashable {
    case svgTuned, svgDefault, pngTuned, pngDefault

    var format: String { self == .svgTuned || self == .svgDefault ? "svg" : "png" }
    var tuned: Bool { self == .svgTuned || self == .pngTuned }
    /// The order of the printed columns: default before tuned.
    static let printed: [Column] = [.svgDefault, .svgTuned, .pngDefault, .pngTuned]
}

enum Cell {
    case measured(seconds: Double, peakMB: Double)
    case timedOut(peakMB: Double)
    case refused
    case skipped
    case failed

    var isTimedOut: Bool {
        if case .timedOut = self { return true }
        return false
    }
}

/// One aligned line per case, printed as soon as its row is measured.
struct LayoutTable {
    private let widths = [16, 7, 8, 9, 5] + Array(repeating: [8, 7], count: 4).flatMap { $0 }

    private func line(_ fields: [String]) -> String {
        zip(fields, widths).enumerated().map { index, pair in
            let (field, width) = pair
            let padding = String(repeating: " ", count: max(0, width - field.count))
            return index == 0 ? field + padding : padding + field
        }.joined(separator: " ")
    }

    func printHeader() {
        print(line(["", "", "graphviz", "", "", "svg", "", "", "", "png", "", "", ""]))
        print(line(["case", "values", "nodes", "score", "tunes", "default", "MB", "tuned", "MB", "default", "MB", "tuned", "MB"]))
    }

    func printRow(_ shape: LayoutShape, _ report: LayoutChild.Report?, _ cells: [Column: Cell], limit: Double) {
        var fields = [shape.description] + (report.map { ["\($0.values)", "\($0.graphvizNodes)", "\($0.score)", $0.tunes ? "yes" : "no"] } ?? ["?", "?", "?", "?"])
        for column in Column.printed {
            switch cells[column]! {
            case .measured(let seconds, let peakMB):
                fields += [String(format: seconds < 10 ? "%.2f s" : "%.1f s", seconds), String(format: "%.0f", peakMB)]
            case .timedOut(let peakMB):
                fields += [String(format: ">%.0f s", limit), String(format: ">%.0f", peakMB)]
            case .refused:
                fields += ["refused", ""]
            case .skipped:
                fields += ["skip", ""]
            case .failed:
                fields += ["failed", ""]
            }
        }
        print(line(fields))
        fflush(nil)
    }
}

/// A measurement in a child process of this program, so that each has its own peak RSS and
/// can be killed at the limit.
enum LayoutChild {
    /// What the child prints: `values V nodes G score S tunes 0|1 refused 0|1 seconds T`.
    struct Report {
        var values: Int
        var graphvizNodes: Int
        var score: Int
        /// Whether the CLI asks for the tuned attributes.
        var tunes: Bool
        var refused: Bool
        var seconds: Double

        init?(_ text: String) {
            let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
            let fields = Dictionary(stride(from: 0, to: words.count - 1, by: 2).map { (words[$0], words[$0 + 1]) }) { $1 }
            guard let values = fields["values"].flatMap(Int.init), let nodes = fields["nodes"].flatMap(Int.init),
                  let score = fields["score"].flatMap(Int.init), let tunes = fields["tunes"], let refused = fields["refused"]
            else { return nil }
            self.values = values
            graphvizNodes = nodes
            self.score = score
            self.tunes = tunes == "1"
            self.refused = refused == "1"
            seconds = fields["seconds"].flatMap(Double.init) ?? .nan
        }
    }

    struct Outcome {
        /// nil when the child was killed before it described the diagram.
        var report: Report?
        var timedOut: Bool
        /// The child exited with an error of its own.
        var failed: Bool
        /// The child's peak resident set size.
        var peakMB: Double
    }

    /// How often the child's CPU time is checked against the limit.
    static let pollMicroseconds: UInt32 = 20_000

    static func run(_ shape: LayoutShape, format: String, tuned: Bool, limit: Double) throws -> Outcome {
        let arguments = ["mgviz-bench", "layout-case", shape.description, "--format", format] + (tuned ? ["--tuned"] : [])
        // This very program; the parent stays small, as a spawned child's peak RSS starts at
        // its parent's.
        let (pid, output) = try spawnWithOutputPipe("/proc/self/exe", arguments)
        defer { close(output) }

        var timedOut = false
        var waitStatus: Int32 = 0
        var usage = rusage()
        // The wall-clock bound only matters on a machine so loaded that CPU time barely moves.
        var stopwatch = Stopwatch(), wall = 0.0
        while true {
            let waited = wait4(pid, &waitStatus, WNOHANG, &usage)
            if waited == pid { break }
            guard waited == 0 || errno == EINTR else { throw BenchError("wait4: \(String(cString: strerror(errno)))") }
            wall += stopwatch.lap()
            if !timedOut, cpuSeconds(of: pid) > limit || wall > 4 * limit {
                kill(pid, SIGKILL)
                timedOut = true
            }
            usleep(pollMicroseconds)
        }
        let exited = (waitStatus & 0x7f) == 0
        return Outcome(
            report: Report(String(decoding: readToEnd(output), as: UTF8.self)), timedOut: timedOut,
            failed: !timedOut && !(exited && (waitStatus >> 8) & 0xff == 0),
            peakMB: Double(usage.ru_maxrss) / 1024)
    }

    /// User and system CPU seconds of a running process, from /proc.
    static func cpuSeconds(of pid: pid_t) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let end = stat.lastIndex(of: ")")
        else { return 0 }
        // After the command name: state is field 3, utime 14 and stime 15.
        let fields = stat[stat.index(after: end)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}

/// The child side of `layout`: one layout and render, described on stdout.
struct LayoutCase: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "layout-case", abstract: "One measurement of `layout`, in its child process.", shouldDisplay: false)

    @Argument var shape: LayoutShape
    @Option var format: String
    @Flag var tuned = false

    func validate() throws {
        guard format == "svg" || format == "png" else { throw ValidationError("--format must be svg or png") }
    }

    func run() throws {
        let diagram = try shape.diagram()
        let cost = diagram.layoutCost
        // The CLI never lays these out, so neither do the tuned measurements.
        let refused = tuned && (cost.isTooCostly || diagram.nodes.count > LayoutCost.defaultMaximumValues)
        print("values \(diagram.nodes.count) nodes \(cost.graphvizNodes) score \(cost.score) tunes \(cost.isWorthTuning ? 1 : 0) refused \(refused ? 1 : 0)")
        fflush(nil)
        guard !refused else { return }
        let renderer = Renderer()
        let format = RenderFormat(rawValue: format)!
        // Plugins and fonts load on the first render; the figure is the layout and drawing.
        _ = try renderer.render("digraph { a }", to: format)
        let dot = DOTExporter(layoutTuning: tuned ? .bySize : .never).export(diagram)
        let before = cpuSeconds(RUSAGE_SELF)
        _ = try renderer.render(dot, to: format)
        let seconds = cpuSeconds(RUSAGE_SELF) - before
        print("seconds \(seconds)")
    }
}
