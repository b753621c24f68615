import Glibc

/// `x` with exactly `decimals` digits after the point, rounded half-to-even from its exact
/// binary value, as C's `%.*f` writes it, so the diagram matches micrograd's `%.4f`.
///
/// A big graph formats two numbers a node, and going through printf's varargs costs a few
/// microseconds each; the integer path of `FixedDigits` costs a tenth of that. Values of 2^53
/// and over (all integers) and NaN or infinities go through printf.
func formatFixed(_ x: Double, decimals: Int) -> String {
    guard x.isFinite, x.magnitude < FixedDigits.largest, FixedDigits.decimals.contains(decimals) else {
        return cFormat("%.*f", decimals, x)
    }
    return String(unsafeUninitializedCapacity: FixedDigits.capacity) {
        FixedDigits.write(x, decimals: decimals, to: $0.baseAddress!)
    }
}

/// A number as a diagram draws it (the records, the ledger's texts): see `FixedDigits.writeDrawn`.
package func displayText(_ x: Double, decimals: Int) -> String {
    guard x.isFinite, x.magnitude < FixedDigits.largest, FixedDigits.decimals.contains(decimals) else {
        return fixedText(x, decimals: decimals)
    }
    return String(unsafeUninitializedCapacity: FixedDigits.capacity) {
        FixedDigits.writeDrawn(x, decimals: decimals, to: $0.baseAddress!)
    }
}

/// The integer path of `formatFixed`, writing its digits to memory: `TextWriter` writes them
/// straight into its buffer.
enum FixedDigits {
    /// Magnitudes below this have 53 significant bits or fewer, and at most 16 digits before the point.
    static let largest = 0x1p53
    static let decimals = 0...17
    /// The most bytes written: a sign, 16 digits, the point and 17 decimals, with room to spare.
    static let capacity = 40

    /// `write`, as a diagram draws a number: an exact zero without its sign (`-0.0000` would
    /// read as a rounded negative), and a number that is not zero but whose digits are all
    /// zeros as `≈0` or `≈-0`, so that it never looks like an exact zero, a dead ReLU's grad:
    /// at 0 decimals, 0.4999 is `≈0`. The digits are made once and looked at where they lie.
    static func writeDrawn(_ x: Double, decimals: Int, to out: UnsafeMutablePointer<UInt8>) -> Int {
        let length = write(x == 0 ? 0 : x, decimals: decimals, to: out)
        guard x != 0, UnsafeBufferPointer(start: out, count: length).allSatisfy({ $0 == UInt8(ascii: "0") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") })
        else { return length }
        let nearZero: StaticString = "≈0", nearNegativeZero: StaticString = "≈-0"
        let text = x < 0 ? nearNegativeZero : nearZero
        out.update(from: text.utf8Start, count: text.utf8CodeUnitCount)
        return text.utf8CodeUnitCount
    }

    /// Writes finite `x`, of magnitude below `largest`, with `decimals` in `decimals`; returns
    /// how many bytes it wrote.
    static func write(_ x: Double, decimals: Int, to out: UnsafeMutablePointer<UInt8>) -> Int {
        let magnitude = x.magnitude
        // A magnitude whose product with 10^decimals is a whole number, computed exactly (1.5
        // with 4 decimals: 15000), needs no rounding and no 128-bit arithmetic.
        let power = powersOfTen[decimals]
        let product = magnitude * power
        if product < 0x1p64, product == product.rounded(.towardZero), (-product).addingProduct(magnitude, power) == 0 {
            return write(UInt64(product), decimals: decimals, negative: x.sign == .minus, to: out)
        }
        // magnitude = significand * 2^adjusted, exactly, with significand < 2^53; zero and
        // subnormals have no implicit bit and the smallest exponent.
        let significand = UInt128(magnitude.significandBitPattern | (magnitude.isNormal ? 1 << 52 : 0))
        let adjusted = magnitude.isNormal ? Int(magnitude.exponent) - 52 : -1074
        // scaled = magnitude * 10^decimals, as an integer rounded half to even.
        var scaled = significand * UInt128(UInt64(power))
        if adjusted >= 0 {
            scaled <<= UInt128(adjusted)
        } else {
            let shift = -adjusted
            if shift >= 128 {
                scaled = 0  // below 2^-18 * 10^-17: rounds to zero
            } else {
                let remainder = scaled & ((1 << UInt128(shift)) - 1)
                let half: UInt128 = 1 << UInt128(shift - 1)
                scaled >>= UInt128(shift)
                if remainder > half || (remainder == half && scaled & 1 == 1) { scaled += 1 }
            }
        }
        if let small = UInt64(exactly: scaled) { return write(small, decimals: decimals, negative: x.sign == .minus, to: out) }
        return write(scaled, decimals: decimals, negative: x.sign == .minus, to: out)
    }

    /// `scaled`, the number times 10^decimals, with the point put back: its digits are written
    /// as one number, then the decimals moved one place right to make room for the point.
    private static func write(_ scaled: UInt64, decimals: Int, negative: Bool, to out: UnsafeMutablePointer<UInt8>) -> Int {
        let sign = negative ? 1 : 0
        // At least one digit before the point.
        let digits = max(Digits.count(of: scaled), decimals + 1)
        _ = Digits.write(scaled, minimumDigits: digits, endingAt: out + sign + digits)
        if negative { out[0] = UInt8(ascii: "-") }
        guard decimals > 0 else { return sign + digits }
        let point = out + sign + digits - decimals
        (point + 1).update(from: point, count: decimals)
        point.pointee = UInt8(ascii: ".")
        return sign + digits + 1
    }

    /// 10^0 to 10^17, each exact as a Double.
    private static let powersOfTen: [Double] = [
        1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
    ]

    /// `scaled`, the number times 10^decimals, with the point put back.
    private static func write(_ scaled: UInt128, decimals: Int, negative: Bool, to out: UnsafeMutablePointer<UInt8>) -> Int {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { reversed in
            // The digits of scaled, least significant first: below 2^53 * 10^17, so at most 33,
            // and one 128-bit division splits off the last 19.
            var length = 0
            func push(_ digits: UInt64, atLeast minimum: Int) {
                var rest = digits, pushed = 0
                repeat {
                    reversed[length] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
                    length += 1
                    pushed += 1
                    rest /= 10
                } while rest > 0 || pushed < minimum
            }
            if let small = UInt64(exactly: scaled) {
                push(small, atLeast: 1)
            } else {
                let (high, low) = scaled.quotientAndRemainder(dividingBy: 10_000_000_000_000_000_000)
                push(UInt64(low), atLeast: 19)
                push(UInt64(high), atLeast: 1)
            }
            // At least one digit before the point.
            while length <= decimals {
                reversed[length] = UInt8(ascii: "0")
                length += 1
            }
            var written = 0
            if negative {
                out[0] = UInt8(ascii: "-")
                written = 1
            }
            for i in stride(from: length - 1, through: 0, by: -1) {
                if i == decimals - 1 {
                    out[written] = UInt8(ascii: ".")
                    written += 1
                }
                out[written] = reversed[i]
                written += 1
            }
            return written
        }
    }
}

/// C's printf formatting (no locale, unlike Foundation's String(format:) on some systems).
package func cFormat(_ format: String, _ arguments: CVarArg...) -> String {
    withVaList(arguments) { args in
        var buffer = [CChar](repeating: 0, count: 512)
        let count = vsnprintf(&buffer, buffer.count, format, args)
        return String(decoding: buffer.prefix(Int(count)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
