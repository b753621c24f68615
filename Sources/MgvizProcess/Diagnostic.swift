import Glibc
import MgvizSpec

/// How bad a line for the terminal is: every error, warning and note the command prints is
/// one line in this format.
package enum Diagnostic: String, Sendable {
    case error, warning, note

    /// `mgviz: error: spec.json: line 1, column 3: invalid JSON: …`, with every character
    /// that could split the line or drive a terminal escaped.
    package func line(_ message: String) -> String {
        escapingControlCharacters("mgviz: \(rawValue): \(message)")
    }
}

/// Every error, warning and note goes through here, to standard error as one line.
package func report(_ diagnostic: Diagnostic, _ message: String) {
    writeAll(diagnostic.line(message) + "\n", to: STDERR_FILENO)
}

/// Writes all of `text` to a descriptor, as one write(2) where it fits. A failed write is
/// dropped: these are the lines around the output, which has its own errors.
package func writeAll(_ text: String, to descriptor: Int32) {
    var text = text
    text.withUTF8 { bytes in
        var offset = 0
        while offset < bytes.count {
            let count = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return }
            offset += count
        }
    }
}
