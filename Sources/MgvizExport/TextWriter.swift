/// Appends text to a byte buffer. The exporters write millions of short pieces for a big
/// graph, which String concatenation makes ten times slower.
package struct TextWriter {
    package private(set) var bytes: [UInt8] = []

    package init(capacity: Int) { bytes.reserveCapacity(capacity) }

    package mutating func append(_ byte: UInt8) { bytes.append(byte) }

    package mutating func write(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    package mutating func write(_ bytes: [UInt8]) { self.bytes.append(contentsOf: bytes) }

    package mutating func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    package mutating func write(_ number: Int) {
        if number < 0 { bytes.append(UInt8(ascii: "-")) }
        // Least significant digit first, then turned around in place.
        let start = bytes.count
        var rest = number.magnitude
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        } while rest > 0
        bytes[start...].reverse()
    }

    /// The id of the node at `position`: `n` and its position, or, in a focused diagram,
    /// its position in the whole one, so that ids can be looked up and focused on again.
    package mutating func write(node position: Int, of diagram: Diagram) {
        write(diagram.nodes[position].id)
    }

    /// Writes `text` with each byte that `escape` maps replaced. Every character that needs
    /// escaping in DOT, record labels or JSON is ASCII, so UTF-8 passes through untouched.
    package mutating func write(_ text: String, escaping escape: Escape) {
        var text = text
        text.withUTF8 { utf8 in
            var run = 0
            for (i, byte) in utf8.enumerated() {
                guard let replacement = escape.replacement(byte) else { continue }
                bytes.append(contentsOf: utf8[run..<i])
                write(replacement)
                run = i + 1
            }
            bytes.append(contentsOf: utf8[run...])
        }
    }

    package enum Escape {
        /// Inside a DOT double-quoted string: quotes and backslashes escaped, newlines as `\n`.
        case dotString
        /// A record field drawn literally: record syntax and spaces escaped as well.
        case recordField
        /// Inside a JSON string.
        case json
        /// HTML text.
        case html

        package func replacement(_ byte: UInt8) -> String? {
            switch (self, byte) {
            case (.html, UInt8(ascii: "&")): return "&amp;"
            case (.html, UInt8(ascii: "<")): return "&lt;"
            case (.html, UInt8(ascii: ">")): return "&gt;"
            case (.html, _): return nil
            case (_, UInt8(ascii: "\"")): return "\\\""
            case (_, UInt8(ascii: "\\")): return "\\\\"
            case (.json, 0x0a): return "\\n"
            case (.json, 0x0d): return "\\r"
            case (.json, 0x09): return "\\t"
            case (.json, 0..<0x20):
                let hex = String(byte, radix: 16)
                return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            case (.dotString, 0x0a): return "\\n"
            case (.dotString, 0x0d): return ""
            case (.recordField, 0x0a), (.recordField, 0x0d): return "\\ "
            case (.recordField, UInt8(ascii: "{")), (.recordField, UInt8(ascii: "}")), (.recordField, UInt8(ascii: "|")),
                 (.recordField, UInt8(ascii: "<")), (.recordField, UInt8(ascii: ">")), (.recordField, UInt8(ascii: " ")):
                return "\\" + String(UnicodeScalar(byte))
            default: return nil
            }
        }
    }

    package var string: String { String(decoding: bytes, as: UTF8.self) }
}
