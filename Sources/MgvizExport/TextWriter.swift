/// Appends text to a 64 KiB buffer and hands each full buffer on: to a growing array when the
/// bytes are wanted in memory, or to a `drain` (a file descriptor's `write(2)`) when they are
/// streamed to a file. A big graph is written as millions of short pieces, so every piece,
/// number and name goes straight into the buffer: no String or Array is made per node.
///
/// It is not copyable: it owns its buffer, and one writer is passed `inout` from the exporter
/// that fills it to the file or array that takes its bytes.
package struct TextWriter: ~Copyable {
    /// The size of the buffer, and the size of every `write(2)` but the last.
    package static let bufferSize = 1 << 16

    private let buffer: UnsafeMutablePointer<UInt8>
    private var count = 0
    /// Takes the bytes handed on; false when it could not, which stops the writer.
    private let drain: ((UnsafeRawBufferPointer) -> Bool)?
    /// Everything handed on so far, for a writer without a drain.
    private var collected: [UInt8] = []
    /// Set once the drain has refused bytes: later writes are dropped, and the exporters stop
    /// early. Whoever made the drain knows why it refused.
    package private(set) var failed = false

    /// A writer that keeps its bytes, for `finish()`; `capacity` is how many are expected.
    package init(capacity: Int) {
        buffer = .allocate(capacity: Self.bufferSize)
        drain = nil
        collected.reserveCapacity(capacity)
    }

    /// A writer that hands its bytes to `drain` as the buffer fills, and at `flush()`.
    package init(drain: @escaping (UnsafeRawBufferPointer) -> Bool) {
        buffer = .allocate(capacity: Self.bufferSize)
        self.drain = drain
    }

    deinit { buffer.deallocate() }

    /// Hands on what the buffer holds.
    package mutating func flush() {
        guard count > 0 else { return }
        hand(UnsafeRawBufferPointer(start: buffer, count: count))
        count = 0
    }

    /// Every byte written, for a writer without a drain.
    package consuming func finish() -> [UInt8] {
        precondition(drain == nil, "a draining writer hands its bytes on: call flush()")
        flush()
        return collected
    }

    /// The bytes `write` makes, collected in memory: what each exporter's `exportBytes` returns.
    package static func bytes(capacity: Int, _ write: (inout TextWriter) -> Void) -> [UInt8] {
        var out = TextWriter(capacity: capacity)
        write(&out)
        return out.finish()
    }

    private mutating func hand(_ bytes: UnsafeRawBufferPointer) {
        guard !failed else { return }
        if let drain {
            if !drain(bytes) { failed = true }
        } else {
            collected.append(contentsOf: bytes)
        }
    }

    /// Room for `bytes` more at the end of the buffer (at most `bufferSize`), flushing first if
    /// need be; the caller writes there and adds what it wrote to `count`.
    @inline(__always)
    private mutating func room(_ bytes: Int) -> UnsafeMutablePointer<UInt8> {
        if _slowPath(Self.bufferSize - count < bytes) { flush() }
        return buffer + count
    }

    @inline(__always)
    package mutating func append(_ byte: UInt8) {
        room(1).pointee = byte
        count += 1
    }

    /// Most pieces are a few bytes long and known when compiled: inlined, they are copied
    /// without a call.
    @inline(__always)
    package mutating func write(_ bytes: UnsafeRawBufferPointer) {
        if _fastPath(bytes.count <= Self.bufferSize - count), let start = bytes.baseAddress {
            UnsafeMutableRawPointer(buffer + count).copyMemory(from: start, byteCount: bytes.count)
            count += bytes.count
        } else {
            writeLarge(bytes)
        }
    }

    private mutating func writeLarge(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        flush()
        // A big piece (the SVG inside the HTML page, a whole rendering) goes on as it is.
        if bytes.count >= Self.bufferSize {
            hand(bytes)
        } else {
            UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
            count = bytes.count
        }
    }

    @inline(__always)
    package mutating func write(_ text: StaticString) {
        write(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    package mutating func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { write($0) }
    }

    /// A String's bytes. (Literals are StaticStrings: written with `write(_:)`, they cost no
    /// String, so this one has a label of its own.)
    package mutating func write(string text: String) {
        var text = text
        text.withUTF8 { write(UnsafeRawBufferPointer($0)) }
    }

    /// Decimal digits, with a minus sign for a negative number.
    package mutating func write(_ number: Int) {
        let start = room(20)
        var length = 0
        if number < 0 {
            start.pointee = UInt8(ascii: "-")
            length = 1
        }
        length += Digits.write(UInt64(number.magnitude), minimumDigits: 1, endingAt: start + length + Digits.count(of: UInt64(number.magnitude)))
        count += length
    }

    /// `exactText(x)`: the shortest digits that read back as `x`, as Swift prints a Double
    /// (`"\(x)"` goes through this same `write(to:)`), or NaN and the infinities spelled out.
    package mutating func write(exact x: Double) {
        guard x.isFinite else { return write(string: spell(x)) }
        // A whole number below 2^53 is printed as its digits and `.0`: a sum's data and grads
        // often are. (Zero is left to the standard library, for its sign.)
        if x != 0, x.magnitude < FixedDigits.largest, x == x.rounded(.towardZero) {
            write(Int(x))
            write(".0")
            return
        }
        // A whole number of sixteenths below 10^11 (1.5, -2.25, 0.0625) has at most 15 digits,
        // so those digits are its shortest: the whole part, the point, the sixteenths' digits.
        if x.magnitude >= 0.0625 && x.magnitude < 1e11 {
            let sixteenths = x.magnitude * 16
            if sixteenths == sixteenths.rounded(.towardZero) {
                if x < 0 { append(UInt8(ascii: "-")) }
                write(Int(sixteenths) / 16)
                append(UInt8(ascii: "."))
                write(Digits.sixteenths(Int(sixteenths) % 16))
                return
            }
        }
        // The longest is 24 bytes: -2.2250738585072014e-308.
        var digits = DigitSink(start: room(DigitSink.capacity))
        x.write(to: &digits)
        count += digits.count
    }

    /// `fixedText(x, decimals:)`: exactly `decimals` digits after the point.
    package mutating func write(fixed x: Double, decimals: Int) {
        guard x.isFinite, x.magnitude < FixedDigits.largest, FixedDigits.decimals.contains(decimals) else {
            return write(string: fixedText(x, decimals: decimals))
        }
        count += FixedDigits.write(x, decimals: decimals, to: room(FixedDigits.capacity))
    }

    /// `displayText(x, decimals:)`: a number as a diagram draws it, `≈0` for one that only
    /// rounds to zero.
    package mutating func write(drawn x: Double, decimals: Int) {
        guard x.isFinite, x.magnitude < FixedDigits.largest, FixedDigits.decimals.contains(decimals) else {
            return write(fixed: x, decimals: decimals)
        }
        count += FixedDigits.writeDrawn(x, decimals: decimals, to: room(FixedDigits.capacity))
    }

    /// Writes `text` with each byte that `escape` maps replaced. Every character that needs
    /// escaping in DOT, record labels or JSON is ASCII, so UTF-8 passes through untouched.
    package mutating func write(_ text: String, escaping escape: Escape) {
        var text = text
        text.withUTF8 { write($0, escaping: escape) }
    }

    private mutating func write(_ utf8: UnsafeBufferPointer<UInt8>, escaping escape: Escape) {
        var run = 0
        for i in utf8.indices {
            guard let replacement = escape.replacement(utf8[i]) else { continue }
            write(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: utf8[run..<i])))
            write(string: replacement)
            run = i + 1
        }
        write(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: utf8[run...])))
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
}

/// Where `Double.write(to:)` puts a number's digits: straight into the writer's buffer.
/// The standard library hands a Double's text to `_writeASCII` as bytes; `write(_:)` takes
/// anything else it might hand over instead, so the text is the same either way.
private struct DigitSink: TextOutputStream {
    static let capacity = 64
    let start: UnsafeMutablePointer<UInt8>
    var count = 0

    init(start: UnsafeMutablePointer<UInt8>) { self.start = start }

    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { append(buffer) }

    mutating func write(_ string: String) {
        var string = string
        string.withUTF8 { append($0) }
    }

    private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        precondition(count + bytes.count <= Self.capacity, "a Double's text is at most 24 bytes")
        (start + count).update(from: bytes.baseAddress!, count: bytes.count)
        count += bytes.count
    }
}

/// Decimal digits of unsigned integers, two at a time.
enum Digits {
    /// The decimals of n/16.
    static func sixteenths(_ n: Int) -> StaticString {
        switch n {
        case 1: return "0625"
        case 2: return "125"
        case 3: return "1875"
        case 4: return "25"
        case 5: return "3125"
        case 6: return "375"
        case 7: return "4375"
        case 8: return "5"
        case 9: return "5625"
        case 10: return "625"
        case 11: return "6875"
        case 12: return "75"
        case 13: return "8125"
        case 14: return "875"
        case 15: return "9375"
        default: return "0"
        }
    }

    /// "00", "01", … "99", one after the other.
    private static let pairs: StaticString = "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"

    /// How many digits `value` has: 1 for 0.
    @inline(__always)
    static func count(of value: UInt64) -> Int {
        var digits = 1, rest = value
        while rest >= 10_000 {
            rest /= 10_000
            digits += 4
        }
        if rest >= 10 { digits += 1 }
        if rest >= 100 { digits += 1 }
        if rest >= 1_000 { digits += 1 }
        return digits
    }

    /// Writes `value`'s digits, zero-padded on the left to `minimumDigits`, so that the last
    /// is just before `end`; returns how many it wrote.
    @inline(__always)
    static func write(_ value: UInt64, minimumDigits: Int, endingAt end: UnsafeMutablePointer<UInt8>) -> Int {
        var cursor = end, rest = value
        do {
            let pairs = Self.pairs.utf8Start
            while rest >= 100 {
                let pair = Int(rest % 100) * 2
                rest /= 100
                cursor -= 2
                cursor[0] = pairs[pair]
                cursor[1] = pairs[pair + 1]
            }
            if rest >= 10 {
                cursor -= 2
                cursor[0] = pairs[Int(rest) * 2]
                cursor[1] = pairs[Int(rest) * 2 + 1]
            } else {
                cursor -= 1
                cursor[0] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest)
            }
        }
        while end - cursor < minimumDigits {
            cursor -= 1
            cursor[0] = UInt8(ascii: "0")
        }
        return end - cursor
    }
}
