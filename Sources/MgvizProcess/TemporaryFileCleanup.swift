import Glibc
import MgvizFiles

/// The temp file of a write under way (`TemporaryFile`) is removed when the command is
/// interrupted: a killed run leaves no `.mgviz-XXXXXX` beside its output, and its target keeps
/// its old bytes.
package enum TemporaryFileCleanup {
    private static let signals = [SIGINT, SIGTERM, SIGHUP]

    /// On SIGINT, SIGTERM and SIGHUP, removes the temp file and exits with 128 + the signal.
    /// A signal ignored at start-up stays ignored, as `nohup mgviz …` expects; one blocked by
    /// the parent's mask (Foundation's Process passes on its thread's) is unblocked, or a kill
    /// would wait until mgviz had finished and then be dropped. Call it before any write.
    package static func install() {
        _ = TemporaryFile.path.pointee  // allocated now, not in the handler
        var handled = sigset_t()
        sigemptyset(&handled)
        for signal in signals {
            var previous = sigaction()
            sigaction(signal, nil, &previous)
            if unsafeBitCast(previous.__sigaction_handler.sa_handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) {
                continue
            }
            sigaddset(&handled, signal)
        }
        TemporaryFile.signalsReadingPath = handled
        for signal in signals where sigismember(&handled, signal) == 1 {
            Glibc.signal(signal, removeTemporaryFileAndExit)
        }
        pthread_sigmask(SIG_UNBLOCK, &handled, nil)
    }
}

private func removeTemporaryFileAndExit(_ signal: Int32) {
    if TemporaryFile.path.pointee != 0 { unlink(TemporaryFile.path) }
    _exit(128 + signal)
}
