import ArgumentParser
import Foundation
import Micrograd
import MgvizKit
import Synchronization

/// SIGPROFs this program's own handler has seen.
private let profilingTicks = Atomic<Int>(0)

/// A Swift program that draws through MgvizKit and owns its process: it profiles itself with
/// its own SIGPROF handler and timer, draws a graph whose layouts take CPU seconds in every
/// format, and then says whether the library left the process as the program set it: the
/// SIGPROF handler and timer, the SIGINT, SIGTERM and SIGHUP dispositions, the signal mask.
/// The test `Library.aProgramKeepsItsProcess` runs it: the library never ends a program, nor
/// takes or holds its signals.
struct LibraryProcess: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "library-process",
        abstract: "Draw through MgvizKit under this program's own profiling timer, and say whether the library left the process as it was.",
        shouldDisplay: false)

    @Argument(help: "The folder to draw into.")
    var folder: String

    /// What a program sets up of its process and expects to keep.
    struct ProcessState: Equatable {
        /// The handler of SIGPROF, SIGINT, SIGTERM and SIGHUP, each as an address.
        var handlers: [Int]
        /// The profiling timer's interval, in microseconds.
        var profilingInterval: Int
        var blocked: [Int32]

        static let signals = [SIGPROF, SIGINT, SIGTERM, SIGHUP]

        init() {
            handlers = Self.signals.map { signal in
                var action = sigaction()
                sigaction(signal, nil, &action)
                return unsafeBitCast(action.__sigaction_handler.sa_handler, to: Int.self)
            }
            var timer = itimerval()
            getitimer(__itimer_which_t(ITIMER_PROF.rawValue), &timer)
            profilingInterval = timer.it_interval.tv_sec * 1_000_000 + timer.it_interval.tv_usec
            var mask = sigset_t()
            pthread_sigmask(SIG_SETMASK, nil, &mask)
            blocked = (1..<32).filter { sigismember(&mask, $0) == 1 }
        }
    }

    func run() throws {
        signal(SIGPROF) { _ in profilingTicks.add(1, ordering: .relaxed) }
        var every = itimerval(it_interval: timeval(tv_sec: 0, tv_usec: 10_000), it_value: timeval(tv_sec: 0, tv_usec: 10_000))
        setitimer(__itimer_which_t(ITIMER_PROF.rawValue), &every, nil)
        let before = ProcessState()
        let graph = Graph()
        try graph.withScope {
            // 50 tanh neurons of 4 inputs each, summed: 750 nodes, whose layouts take about a
            // second of CPU here, a hundred ticks of the profiling timer.
            var loss = Value(0.0)
            for neuron in 0..<50 {
                let products = (0..<4).map { Value(Double(neuron % 7 - $0) / 10) * Value(Double($0) / 4) }
                loss = loss + products.reduce(Value(0.1), +).tanh()
            }
            loss.backward()
            for format in [OutputFormat.svg, .png, .html, .json] {
                try loss.draw(to: URL(fileURLWithPath: folder).appendingPathComponent("probe.\(format.rawValue)").path)
            }
        }
        let after = ProcessState()
        print("profiling ticks \(profilingTicks.load(ordering: .relaxed))")
        print(before == after ? "the process is as the program set it" : "the process changed: \(before) to \(after)")
    }
}
