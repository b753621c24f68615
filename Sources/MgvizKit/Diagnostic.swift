import MgvizSpec

/// How bad a line for the terminal is: every error, warning and note mgviz prints, the
/// command's and the library's, is one line in this format.
public enum Diagnostic: String, Sendable {
    case error, warning, note

    /// `mgviz: error: spec.json: line 1, column 3: invalid JSON: …`, with every character
    /// that could split the line or drive a terminal escaped.
    public func line(_ message: String) -> String {
        escapingControlCharacters("mgviz: \(rawValue): \(message)")
    }
}
