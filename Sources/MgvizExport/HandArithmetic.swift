/// Numbers a learner can check by hand: `-0.001747 * -23.94 = 0.04182`, where fixed decimals
/// showed `-0.0017 * -23.9392 = 0.0418`, which is 0.0407 worked out. The result is shown with
/// the significant digits asked for; each factor with as many as it takes for the shown
/// factors' product to be within half a unit of the result's last digit.

/// `x` with `digits` significant digits (1 to 17), as plainly as it can be: its shortest text
/// when that has no more digits (`0.5`, `-3`, `20`), the exact value as far as a Double has
/// one; else rounded, in plain decimals from 0.0001 up to where the digits end before the
/// point (`0.04182`, `-23.94`, `1235`), and in Python's exponent notation outside
/// (`1.235e-05`, `1.250e+05` for 125001: `125000` would read as exact). Zero is `0`, without a sign; NaN and the
/// infinities are spelled out.
package func significantText(_ x: Double, digits: Int) -> String {
    precondition((1...17).contains(digits), "1 to 17 significant digits")
    guard x.isFinite else { return spell(x) }
    if x == 0 { return "0" }
    // A whole number of at most `digits` digits is itself (most sums' grads are 1).
    if x.magnitude < 1e15, x == x.rounded(.towardZero), String(Int(x.magnitude)).utf8.count <= digits { return String(Int(x)) }
    let short = shortText(x)
    if significantDigitCount(short) <= digits { return short }
    // d.ddde±XX, rounded once, by C: the digits and the exponent after rounding.
    let scientific = cFormat("%.*e", digits - 1, x)
    let mark = scientific.firstIndex(of: "e")!
    let exponent = Int(scientific[scientific.index(after: mark)...])!
    let negative = scientific.hasPrefix("-")
    let mantissa = scientific[..<mark].filter { $0 != "-" && $0 != "." }
    guard exponent >= -4, exponent < digits else {
        var text = String(scientific[..<mark]) + "e" + (exponent < 0 ? "-" : "+")
        text += (abs(exponent) < 10 ? "0" : "") + String(abs(exponent))
        return text
    }
    var text = negative ? "-" : ""
    if exponent < 0 {
        text += "0." + String(repeating: "0", count: -exponent - 1) + mantissa
    } else if exponent + 1 == mantissa.count {
        text += mantissa
    } else {
        text += mantissa.prefix(exponent + 1) + "." + mantissa.dropFirst(exponent + 1)
    }
    return text
}

/// How many significant digits a number's text shows: its digits from the first that is
/// not zero, before any exponent.
private func significantDigitCount(_ text: String) -> Int {
    var count = 0, started = false
    for byte in text.utf8 {
        if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") { break }
        guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { continue }
        if byte != UInt8(ascii: "0") { started = true }
        if started { count += 1 }
    }
    return count
}

/// The value of the last digit a number's text shows: 0.01 for `-23.94`, 1e-08 for
/// `1.235e-05`, 1 for `20`.
func lastDigitUnit(of text: String) -> Double {
    let mark = text.firstIndex { $0 == "e" || $0 == "E" }
    let exponent = mark.map { Int(text[text.index(after: $0)...]) ?? 0 } ?? 0
    let mantissa = mark.map { text[..<$0] } ?? text[...]
    let decimals = mantissa.firstIndex(of: ".").map { mantissa.distance(from: $0, to: mantissa.endIndex) - 1 } ?? 0
    return pow10(exponent - decimals)
}

private func pow10(_ n: Int) -> Double {
    var result = 1.0
    if n >= 0 { for _ in 0..<n { result *= 10 } } else { for _ in 0..<(-n) { result /= 10 } }
    return result
}

/// `left × right = product`, each as shown: the product with `digits` significant digits,
/// and the factors with `digits` or more, so that the product of the shown factors is
/// within half a unit of the product's last digit. The factors gain a digit at a time, to
/// 17, where they are the Doubles themselves.
package struct HandProduct: Sendable, Equatable {
    package let left: String
    package let right: String
    package let product: String

    package init(_ left: Double, _ right: Double, product: Double, digits: Int) {
        let digits = max(1, min(17, digits))
        let shown = significantText(product, digits: digits)
        self.product = shown
        guard left.isFinite, right.isFinite, product.isFinite, product != 0, let target = Double(shown) else {
            self.left = significantText(left, digits: digits)
            self.right = significantText(right, digits: digits)
            return
        }
        // Strictly inside, so that a reader's own multiplication, rounded differently, agrees.
        let allowed = 0.5 * lastDigitUnit(of: shown) * (1 - 1e-9)
        var k = digits
        var (a, b) = (significantText(left, digits: k), significantText(right, digits: k))
        while k < 17, let x = Double(a), let y = Double(b), abs(x * y - target) > allowed {
            k += 1
            (a, b) = (significantText(left, digits: k), significantText(right, digits: k))
        }
        self.left = a
        self.right = b
    }
}
