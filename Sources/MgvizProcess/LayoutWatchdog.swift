import Glibc
import MgvizRender

/// The last guard against a layout that runs away.
///
/// `LayoutCost` refuses, before layout, the shapes known to be slow: edges across many ranks.
/// dot's running time has other causes it does not model (one value used by 2,400 ops on one
/// rank took 14.5 s; 1,600 products of 80 inputs, 18.6 s), and libgvc cannot cancel a layout,
/// so the command lays out under a limit on its process's CPU time. Past it the process prints
/// one line and exits 65: a signal handler may only write and exit, so the line is made before
/// the layout starts. The library never arms it: ending the process is the command's to do.
package enum LayoutWatchdog {
    /// One limited layout at a time: the timer, the handler and the line are process-wide.
    private static let running = Lock()
    private static let capacity = 4096
    nonisolated(unsafe) private static let line = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
    nonisolated(unsafe) private static var length = 0

    /// Runs `body`, ending the process with `message` if it uses more than `seconds` of CPU.
    package static func run<Result, Thrown: Error>(
        seconds: Int, message: String, _ body: () throws(Thrown) -> Result
    ) throws(Thrown) -> Result {
        running.lock()
        defer { running.unlock() }
        let bytes = Array((message + "\n").utf8.prefix(capacity))
        line.update(from: bytes, count: bytes.count)
        length = bytes.count
        signal(SIGPROF) { _ in
            _ = write(STDERR_FILENO, LayoutWatchdog.line, LayoutWatchdog.length)
            _exit(ExitStatus.dataError.rawValue)  // too big to lay out, as the other refusals
        }
        var limit = itimerval(it_interval: timeval(), it_value: timeval(tv_sec: seconds, tv_usec: 0))
        setitimer(__itimer_which_t(ITIMER_PROF.rawValue), &limit, nil)
        defer {
            var off = itimerval()
            setitimer(__itimer_which_t(ITIMER_PROF.rawValue), &off, nil)
        }
        return try body()
    }
}
