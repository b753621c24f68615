import ArgumentParser
import Foundation
import Micrograd

@main
struct MgvizBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mgviz-bench",
        abstract: "Benchmarks for the Micrograd engine.",
        subcommands: [Moons.self, Memory.self, Chain.self, Render.self, Export.self, LayoutBench.self, LayoutCase.self, MarkdownBench.self, MarkdownCase.self, BatchBench.self]
    )
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/// Seconds between laps.
struct Stopwatch {
    private var start = DispatchTime.now().uptimeNanoseconds

    mutating func lap() -> Double {
        let now = DispatchTime.now().uptimeNanoseconds
        defer { start = now }
        return Double(now - start) / 1e9
    }
}

/// Peak resident set size of this process, in bytes.
func peakResidentBytes() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss * 1024
}

/// User plus system CPU seconds of this process (`RUSAGE_SELF`), or of its children that
/// have been waited for (`RUSAGE_CHILDREN`): on a loaded machine, steadier than wall time.
func cpuSeconds(_ who: __rusage_who) -> Double {
    var usage = rusage()
    getrusage(who.rawValue, &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

struct Moons: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train the micrograd demo MLP on the moons data and time each step.",
        discussion: "Example: mgviz-bench moons --data ../shared/data --steps 100")

    @Option(help: "Folder with moons.csv and mlp_2_16_16_1_init.json.")
    var data: String = "../shared/data"

    @Option(help: "How many full-batch SGD steps to run.")
    var steps: Int = 100

    func run() throws {
        let moons = try MoonsData(directory: URL(fileURLWithPath: data))
        var seconds: [Double] = []
        var nodes = 0
        try trainMoons(moons, steps: steps) { k, step in
            print("step \(k) loss \(step.loss) accuracy \(step.accuracy)")
            seconds.append(step.seconds)
            nodes = step.nodes
        }
        print("nodes_per_step \(nodes)")
        print("seconds_per_step \(median(seconds))")
    }
}

/// Builds a chain of `nodes` Values, each the product of the previous one and a fixed leaf.
func buildChain(nodes: Int, in graph: Graph) -> (input: Value, output: Value) {
    let x = Value(1.0, in: graph)
    let factor = Value(1.000001, in: graph)
    var y = x
    for _ in 0..<(nodes - 2) { y = y * factor }
    return (x, y)
}

struct Memory: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Peak resident memory per node of a large graph.",
        discussion: "Builds a chain of N nodes and divides the growth in peak RSS by N, after a 1,000-node warm-up.")

    @Option(help: "How many nodes to build.")
    var nodes: Int = 1_000_000

    func run() throws {
        // The first graph also faults in the engine's code and the allocator's first pages:
        // a fixed 100-200 KB that is no node's. 24 KB of nodes leave the peak where it was.
        _ = withExtendedLifetime(Graph()) { buildChain(nodes: 1_000, in: $0) }
        let before = peakResidentBytes()
        let graph = Graph()
        let chain = buildChain(nodes: nodes, in: graph)
        let after = peakResidentBytes()
        precondition(graph.count == nodes && chain.output.data > 0)
        print("nodes \(nodes)")
        print("bytes_per_node \(Double(after - before) / Double(nodes))")
    }
}

struct Chain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build, backprop and free a long chain of ops.")

    @Option(help: "How many nodes in the chain.")
    var nodes: Int = 1_000_000

    func run() throws {
        var stopwatch = Stopwatch()
        var grad = 0.0
        var build = 0.0, backward = 0.0
        do {
            let graph = Graph()
            let chain = buildChain(nodes: nodes, in: graph)
            build = stopwatch.lap()
            chain.output.backward()
            backward = stopwatch.lap()
            grad = chain.input.grad
        }
        let free = stopwatch.lap()
        print("nodes \(nodes) build_seconds \(build) backward_seconds \(backward) free_seconds \(free) input_grad \(grad)")
    }
}

/// Starts `executable` with `arguments` (argv[0] first), its standard output a pipe; returns
/// the child and the pipe's read end, which the caller closes.
func spawnWithOutputPipe(_ executable: String, _ arguments: [String]) throws -> (pid: pid_t, output: Int32) {
    var pipe: [Int32] = [0, 0]
    guard Glibc.pipe(&pipe) == 0 else { throw BenchError("pipe: \(String(cString: strerror(errno)))") }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, pipe[1], 1)
    posix_spawn_file_actions_addclose(&actions, pipe[0])
    posix_spawn_file_actions_addclose(&actions, pipe[1])
    let argv = arguments.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let status = posix_spawn(&pid, executable, &actions, nil, argv, environ)
    close(pipe[1])
    guard status == 0 else {
        close(pipe[0])
        throw BenchError("posix_spawn \(executable): \(String(cString: strerror(status)))")
    }
    return (pid, pipe[0])
}

/// What is left to read from `descriptor`, to its end.
func readToEnd(_ descriptor: Int32) -> [UInt8] {
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let count = read(descriptor, &buffer, buffer.count)
        if count < 0 && errno == EINTR { continue }
        guard count > 0 else { return bytes }
        bytes += buffer[..<count]
    }
}
