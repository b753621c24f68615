/// A small JSON reader that keeps object key order and the line and column of every value,
/// so that spec errors can point at the place.
struct JSONValue: Sendable {
    enum Kind: Sendable {
        case null
        case bool(Bool)
        case number(Double)
        case string(String)
        case array([JSONValue])
        /// Keys in file order.
        case object([(key: String, value: JSONValue)])
    }

    var kind: Kind
    /// Where the value starts, in 32 bits each: a document of millions of values holds one
    /// per value, and a 64 MiB file has fewer lines and columns than 2^32.
    private let line, column: UInt32

    var position: TextPosition { TextPosition(line: Int(line), column: Int(column)) }

    init(kind: Kind, line: Int, column: Int) {
        self.kind = kind
        self.line = UInt32(line)
        self.column = UInt32(column)
    }

    var typeName: String {
        switch kind {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

struct JSONSyntaxError: Error {
    var position: TextPosition
    var message: String
    /// The limit the document went over, when that is the problem.
    var exceeded: LimitExceeded?

    init(line: Int, column: Int, message: String) {
        position = TextPosition(line: line, column: column)
        self.message = message
    }
}

/// Its limits are counted as it reads, so that a document over one is refused where it goes
/// over, without reading the rest: `Spec.maximumJSONValues` values, and `Spec.maximumNames`
/// entries in the top-level members that hold a spec's names.
struct JSONReader {
    /// Deeper documents are refused rather than risking the stack; a spec needs 3 levels.
    static let maximumDepth = 64
    /// The top-level members whose entries are a spec's names, counted together.
    static let nameMembers = ["inputs", "define"]

    private let bytes: [UInt8]
    private var offset = 0
    private var line = 1
    private var lineStart = 0
    private var valueCount = 0
    private var nameCount = 0
    /// Set while the value of a top-level member in `nameMembers` begins.
    private var valueHoldsNames = false

    /// Parses the JSON text that starts at `start` in `bytes`, which are valid UTF-8; columns
    /// count from there.
    static func parse(_ bytes: [UInt8], from start: Int = 0) throws(JSONSyntaxError) -> JSONValue {
        var reader = JSONReader(bytes: bytes, start: start)
        reader.skipWhitespace()
        let value = try reader.value(depth: 0)
        reader.skipWhitespace()
        if reader.offset < bytes.count { throw reader.error("unexpected text after the JSON value") }
        return value
    }

    private init(bytes: [UInt8], start: Int) {
        self.bytes = bytes
        offset = start
        lineStart = start
    }

    private var column: Int { offset - lineStart + 1 }
    private var current: UInt8? { offset < bytes.count ? bytes[offset] : nil }

    private func error(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(line: line, column: column, message: message)
    }

    private func error(_ exceeded: LimitExceeded) -> JSONSyntaxError {
        var error = error(exceeded.description)
        error.exceeded = exceeded
        return error
    }

    /// Counts one more name, at the current place.
    private mutating func countName() throws(JSONSyntaxError) {
        nameCount += 1
        guard nameCount <= Spec.maximumNames else { throw error(LimitExceeded(.names, maximum: Spec.maximumNames, count: nameCount)) }
    }

    /// The character at the current place, echoed: `'['`, `'é'`, `'\u{FEFF}'`. The bytes are
    /// valid UTF-8, so a character's bytes (at most 4) decode to it whole.
    private func describeCurrent() -> String {
        guard offset < bytes.count else { return "the end of the file" }
        let scalar = String(decoding: bytes[offset..<min(offset + 4, bytes.count)], as: UTF8.self).unicodeScalars.first!
        return "'\(echo(String(scalar)))'"
    }

    private mutating func skipWhitespace() {
        while let byte = current {
            switch byte {
            case 0x20, 0x09, 0x0d: offset += 1
            case 0x0a: offset += 1; line += 1; lineStart = offset
            default: return
            }
        }
    }

    private mutating func value(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard depth < Self.maximumDepth else { throw error("JSON nests deeper than \(Self.maximumDepth) levels") }
        valueCount += 1
        guard valueCount <= Spec.maximumJSONValues else {
            throw error(LimitExceeded(.jsonValues, maximum: Spec.maximumJSONValues, count: valueCount))
        }
        let (startLine, startColumn) = (line, column)
        func located(_ kind: JSONValue.Kind) -> JSONValue { JSONValue(kind: kind, line: startLine, column: startColumn) }
        switch current ?? 0 {
        case UInt8(ascii: "{"): return located(try object(depth: depth))
        case UInt8(ascii: "["): return located(try array(depth: depth))
        case UInt8(ascii: "\""): return located(.string(try string()))
        case UInt8(ascii: "t"): try literal("true"); return located(.bool(true))
        case UInt8(ascii: "f"): try literal("false"); return located(.bool(false))
        case UInt8(ascii: "n"): try literal("null"); return located(.null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return located(.number(try number()))
        default: throw error("expected a JSON value, got \(describeCurrent())")
        }
    }

    private mutating func literal(_ word: String) throws(JSONSyntaxError) {
        let start = self
        for byte in word.utf8 {
            guard current == byte else { throw start.error("expected a JSON value (true, false or null?)") }
            offset += 1
        }
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws(JSONSyntaxError) {
        guard current == byte else { throw error("expected \(what), got \(describeCurrent())") }
        offset += 1
    }

    private mutating func object(depth: Int) throws(JSONSyntaxError) -> JSONValue.Kind {
        offset += 1
        let holdsNames = valueHoldsNames
        valueHoldsNames = false
        var members: [(key: String, value: JSONValue)] = []
        // A hash set, so that an object of n keys is read in O(n), not O(n²).
        var keys: Set<String> = []
        skipWhitespace()
        if current == UInt8(ascii: "}") { offset += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else { throw error("expected a key in quotes, got \(describeCurrent())") }
            if holdsNames { try countName() }
            let (keyLine, keyColumn) = (line, column)
            let key = try string()
            guard keys.insert(key).inserted else {
                throw JSONSyntaxError(line: keyLine, column: keyColumn, message: "duplicate key \"\(echo(key))\"")
            }
            skipWhitespace()
            try expect(UInt8(ascii: ":"), "':' after the key")
            skipWhitespace()
            valueHoldsNames = depth == 0 && Self.nameMembers.contains(key)
            members.append((key, try value(depth: depth + 1)))
            valueHoldsNames = false
            skipWhitespace()
            if current == UInt8(ascii: "}") { offset += 1; return .object(members) }
            try expect(UInt8(ascii: ","), "',' or '}' in the object")
        }
    }

    private mutating func array(depth: Int) throws(JSONSyntaxError) -> JSONValue.Kind {
        offset += 1
        let holdsNames = valueHoldsNames
        valueHoldsNames = false
        var elements: [JSONValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") { offset += 1; return .array(elements) }
        while true {
            skipWhitespace()
            if holdsNames { try countName() }
            elements.append(try value(depth: depth + 1))
            skipWhitespace()
            if current == UInt8(ascii: "]") { offset += 1; return .array(elements) }
            try expect(UInt8(ascii: ","), "',' or ']' in the array")
        }
    }

    private mutating func number() throws(JSONSyntaxError) -> Double {
        let start = offset
        func digits() -> Int {
            let from = offset
            while let byte = current, byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") { offset += 1 }
            return offset - from
        }
        if current == UInt8(ascii: "-") { offset += 1 }
        let integerStart = offset
        guard digits() > 0 else { throw error("expected a digit in the number") }
        if bytes[integerStart] == UInt8(ascii: "0") && offset - integerStart > 1 {
            throw JSONSyntaxError(line: line, column: integerStart - lineStart + 1, message: "numbers may not start with 0")
        }
        if current == UInt8(ascii: ".") {
            offset += 1
            guard digits() > 0 else { throw error("expected a digit after the decimal point") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            offset += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { offset += 1 }
            guard digits() > 0 else { throw error("expected a digit in the exponent") }
        }
        let end = offset
        guard let value = bytes.withUnsafeBufferPointer({ decimalValue(UnsafeBufferPointer(rebasing: $0[start..<end])) }) else {
            let text = String(decoding: bytes[start..<end], as: UTF8.self)
            throw JSONSyntaxError(line: line, column: start - lineStart + 1, message: "the number \(echo(text)) overflows a Double")
        }
        return value
    }

    /// The spec's bytes are valid UTF-8 (checked before parsing), so a string without escapes
    /// is made from its bytes in one step; one with escapes collects UTF-8 as it goes.
    private mutating func string() throws(JSONSyntaxError) -> String {
        offset += 1
        var unescaped: [UInt8] = []
        var hasEscapes = false
        var run = offset
        while true {
            guard let byte = current else { throw error("unterminated string") }
            switch byte {
            case UInt8(ascii: "\""):
                defer { offset += 1 }
                guard hasEscapes else { return String(decoding: bytes[run..<offset], as: UTF8.self) }
                unescaped.append(contentsOf: bytes[run..<offset])
                return String(decoding: unescaped, as: UTF8.self)
            case UInt8(ascii: "\\"):
                hasEscapes = true
                unescaped.append(contentsOf: bytes[run..<offset])
                offset += 1
                unescaped.append(contentsOf: String(try escape()).utf8)
                run = offset
            case 0..<0x20:
                throw error("control character in a string (write it as an escape)")
            default:
                offset += 1
            }
        }
    }

    private mutating func escape() throws(JSONSyntaxError) -> Unicode.Scalar {
        guard let byte = current else { throw error("unterminated string") }
        offset += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{8}"
        case UInt8(ascii: "f"): return "\u{c}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let high = try hex4()
            guard (0xd800..<0xdc00).contains(high) else {
                guard let scalar = Unicode.Scalar(high) else { throw error("lone surrogate \\u\(String(high, radix: 16))") }
                return scalar
            }
            guard current == UInt8(ascii: "\\") else { throw error("lone surrogate \\u\(String(high, radix: 16))") }
            offset += 1
            try expect(UInt8(ascii: "u"), "the low half of a surrogate pair")
            let low = try hex4()
            guard (0xdc00..<0xe000).contains(low),
                  let scalar = Unicode.Scalar(0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00))
            else { throw error("invalid surrogate pair") }
            return scalar
        default:
            offset -= 1
            throw error("invalid escape \\\(describeCurrent())")
        }
    }

    private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = current, let digit = UInt32(String(Unicode.Scalar(byte)), radix: 16) else {
                throw error("expected 4 hex digits after \\u")
            }
            value = value * 16 + digit
            offset += 1
        }
        return value
    }
}

/// The Double nearest the decimal number `text` spells (an optional sign, digits with at most
/// one point, an optional exponent: checked by the caller), as `Double(String)` gives it; nil
/// if it overflows. Specs hold millions of numbers, so most are read without a String or a
/// call to strtod, by Clinger's fast path: a mantissa of at most 15 digits and a power of ten
/// up to 1e22 are both exact in a Double, so one correctly rounded multiplication or division
/// of them is the nearest Double. Any other number takes the full conversion.
func decimalValue(_ text: UnsafeBufferPointer<UInt8>) -> Double? {
    var i = 0
    let isNegative = i < text.count && text[i] == UInt8(ascii: "-")
    if i < text.count && (text[i] == UInt8(ascii: "-") || text[i] == UInt8(ascii: "+")) { i += 1 }
    let signLength = i
    var mantissa: Int64 = 0
    var digits = 0
    var pointAt: Int?
    while i < text.count && text[i] | 0x20 != UInt8(ascii: "e") {
        if text[i] == UInt8(ascii: ".") {
            pointAt = i
        } else {
            if digits < 16 { mantissa = mantissa &* 10 &+ Int64(text[i] &- UInt8(ascii: "0")) }
            digits += 1
        }
        i += 1
    }
    // The digits after the point scale the mantissa down.
    var scale = pointAt.map { -(i - $0 - 1) } ?? 0
    if i < text.count {
        i += 1
        let exponentIsNegative = text[i] == UInt8(ascii: "-")
        if text[i] == UInt8(ascii: "-") || text[i] == UInt8(ascii: "+") { i += 1 }
        // Past 4 digits the exponent is left to the full conversion.
        if text.count - i <= 4 {
            let exponent = text[i...].reduce(0) { $0 * 10 + Int($1 &- UInt8(ascii: "0")) }
            scale += exponentIsNegative ? -exponent : exponent
        } else {
            scale = .max
        }
    }
    if digits <= 15 && abs(scale) <= 22 {
        let magnitude = scale >= 0 ? Double(mantissa) * powersOfTen[scale] : Double(mantissa) / powersOfTen[-scale]
        return isNegative ? -magnitude : magnitude
    }
    // Double(String) takes no "+".
    let unsigned = String(decoding: UnsafeBufferPointer(rebasing: text[(isNegative ? 0 : signLength)...]), as: UTF8.self)
    guard let value = Double(unsigned), value.isFinite else { return nil }
    return value
}

/// 1e0 through 1e22: the powers of ten a Double holds exactly.
private let powersOfTen: [Double] = (0...22).map { Double("1e\($0)")! }
