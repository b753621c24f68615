/// The command's exit statuses, with the names and numbers of BSD's sysexits.h; all below
/// 128, which the shell keeps for deaths by signal.
package enum ExitStatus: Int32, Sendable {
    case success = 0
    /// A `--check` or `expect` entry is WRONG; for `mgviz diff`, the graphs differ.
    case wrong = 1
    /// `mgviz diff`'s status for any failure, bad input or usage, as diff(1) has it.
    case trouble = 2
    /// EX_USAGE: the command was used wrongly.
    case usage = 64
    /// EX_DATAERR: a bad spec, or a graph too big to lay out or draw.
    case dataError = 65
    /// EX_NOINPUT: the input cannot be read.
    case noInput = 66
    /// EX_SOFTWARE: Graphviz failed.
    case software = 70
    /// EX_CANTCREAT: the output cannot be written.
    case cannotCreate = 73
}
