import Glibc

/// `x` with exactly `decimals` digits after the point, rounded half-to-even from its exact
/// binary value, as C's `%.*f` writes it, so the diagram matches micrograd's `%.4f`.
///
/// A big graph formats two numbers a node, and going through printf's varargs costs a few
/// microseconds each; this integer path costs a tenth of that. Values of 2^53 and over
/// (all integers) and NaN or infinities go through printf.
func formatFixed(_ x: Double, decimals: Int) -> String {
    let magnitude = x.magnitude
    guard x.isFinite, magnitude < 0x1p53, (0...17).contains(decimals) else { return cFormat("%.*f", decimals, x) }
    // magnitude = significand * 2^adjusted, exactly, with significand < 2^53; zero and
    // subnormals have no implicit bit and the smallest exponent.
    let significand = UInt128(magnitude.significandBitPattern | (magnitude.isNormal ? 1 << 52 : 0))
    let adjusted = magnitude.isNormal ? Int(magnitude.exponent) - 52 : -1074
    var power: UInt128 = 1
    for _ in 0..<decimals { power *= 10 }
    // scaled = magnitude * 10^decimals, as an integer rounded half to even.
    var scaled = significand * power
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
    var digits = String(scaled)
    if digits.count <= decimals { digits = String(repeating: "0", count: decimals - digits.count + 1) + digits }
    let sign = x.sign == .minus ? "-" : ""
    guard decimals > 0 else { return sign + digits }
    let point = digits.index(digits.endIndex, offsetBy: -decimals)
    return sign + digits[..<point] + "." + digits[point...]
}

/// C's printf formatting (no locale, unlike Foundation's String(format:) on some systems).
func cFormat(_ format: String, _ arguments: CVarArg...) -> String {
    withVaList(arguments) { args in
        var buffer = [CChar](repeating: 0, count: 512)
        let count = vsnprintf(&buffer, buffer.count, format, args)
        return String(decoding: buffer.prefix(Int(count)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
