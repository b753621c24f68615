/// A user's string as it may appear inside a one-line message.
///
/// Names, keys, numbers and paths come from files and command lines that anyone can write:
/// a newline would split the message, an escape sequence would drive the terminal (`ESC[2J`
/// clears it), an invisible character would make two different names look alike, and a
/// 10,000-character name would flood it. So control characters, line and paragraph
/// separators, bidirectional overrides and the byte-order mark are written as escapes (`\n`,
/// `\r`, `\t`, `\0`, `\u{1B}`, `\u{FEFF}`), backslashes are doubled so that the escapes stay unambiguous, and
/// a string longer than `limit` Unicode scalars is cut with an ellipsis: after its first
/// `limit` scalars, or, with `keepingEnd` (for paths, whose file name is at the end),
/// before its last `limit`.
package func echo(_ text: some StringProtocol, limit: Int = 60, keepingEnd: Bool = false) -> String {
    let scalars = Array(text.unicodeScalars)
    let kept = scalars.count <= limit ? scalars[...] : keepingEnd ? scalars.suffix(limit) : scalars.prefix(limit)
    var result = ""
    for scalar in kept {
        if scalar == "\\" { result += "\\\\" } else { appendEscaped(scalar, to: &result) }
    }
    guard scalars.count > limit else { return result }
    return keepingEnd ? "…" + result : result + "…"
}

/// `line` with every character that could split it or drive a terminal written as an escape;
/// nothing else changes. The last guard before a message is printed.
package func escapingControlCharacters(_ line: String) -> String {
    guard line.unicodeScalars.contains(where: needsEscape) else { return line }
    var result = ""
    for scalar in line.unicodeScalars { appendEscaped(scalar, to: &result) }
    return result
}

/// C0 and C1 controls, DEL, the line and paragraph separators, the bidirectional formatting
/// characters that can make a line read in another order than it is written, and U+FEFF:
/// the byte-order mark that editors put at the start of a file, invisible wherever else it
/// ends up (`'\u{FEFF}x' is not a valid name` rather than `'x' is not a valid name`).
private func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0..<0x20, 0x7f...0x9f, 0x2028, 0x2029, 0x200e, 0x200f, 0x202a...0x202e, 0x2066...0x2069, 0xfeff: return true
    default: return false
    }
}

private func appendEscaped(_ scalar: Unicode.Scalar, to result: inout String) {
    guard needsEscape(scalar) else {
        result.unicodeScalars.append(scalar)
        return
    }
    switch scalar {
    case "\n": result += "\\n"
    case "\r": result += "\\r"
    case "\t": result += "\\t"
    case "\0": result += "\\0"
    default: result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
    }
}
