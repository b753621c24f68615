import Glibc

/// `--color grad`: a diverging palette, blue for negative grads and red for positive ones,
/// deeper as log10|grad| goes from the diagram's smallest magnitude to its largest.
struct GradPalette {
    typealias Color = (r: Int, g: Int, b: Int)
    static let negative: Color = (0x21, 0x66, 0xac)
    static let positive: Color = (0xb2, 0x18, 0x2b)
    static let faint: Color = (0xf7, 0xf7, 0xf7)
    /// A grad of exactly 0 on a node whose data is not: a dead ReLU or an unused branch.
    static let dead: Color = (0x9e, 0x9e, 0x9e)
    /// The palest shade, so the smallest grads still show their sign.
    static let minimumDepth = 0.15

    /// The range of log10|grad| over the finite, non-zero grads.
    let lowest: Double
    let highest: Double

    init(_ diagram: Diagram) {
        var lowest = Double.infinity, highest = -Double.infinity
        for position in 0..<diagram.count {
            guard let grad = diagram.grad(at: position), grad.isFinite && grad != 0 else { continue }
            let magnitude = log10(abs(grad))
            lowest = min(lowest, magnitude)
            highest = max(highest, magnitude)
        }
        self.lowest = lowest.isFinite ? lowest : 0
        self.highest = highest.isFinite ? highest : 0
    }

    /// The fill of a node with this grad and data; nil without grads.
    func fill(grad: Double?, data: Double) -> Color? {
        guard let grad else { return nil }
        if grad == 0 { return data != 0 ? Self.dead : Self.faint }
        guard grad.isFinite else { return grad > 0 ? Self.positive : Self.negative }
        return color(sign: grad, magnitude: log10(abs(grad)))
    }

    private func color(sign: Double, magnitude: Double) -> Color {
        let span = highest - lowest
        let t = span > 0 ? (magnitude - lowest) / span : 1
        let depth = Self.minimumDepth + (1 - Self.minimumDepth) * t
        let end = sign > 0 ? Self.positive : Self.negative
        func mix(_ a: Int, _ b: Int) -> Int { Int((Double(a) + (Double(b) - Double(a)) * depth).rounded()) }
        return (mix(Self.faint.r, end.r), mix(Self.faint.g, end.g), mix(Self.faint.b, end.b))
    }

    private func hex(_ c: Color) -> String {
        "#" + [c.r, c.g, c.b].map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// A row of swatches in a cluster of its own: the extremes and middle of each sign, and
    /// the grey of dead nodes.
    func legend() -> String {
        let middle = (lowest + highest) / 2
        var swatches: [(label: String, fill: String, fontColor: String)] = []
        for magnitude in [highest, middle, lowest] {
            swatches.append(("-" + power(magnitude), hex(color(sign: -1, magnitude: magnitude)), magnitude == highest ? "white" : "black"))
        }
        swatches.append(("0 (data ≠ 0)", hex(Self.dead), "black"))
        for magnitude in [lowest, middle, highest] {
            swatches.append(("+" + power(magnitude), hex(color(sign: 1, magnitude: magnitude)), magnitude == highest ? "white" : "black"))
        }
        var out = "  subgraph cluster_legend {\n"
        out += "    label=\"grad colour (log scale)\"; fontsize=10; color=\"#bbbbbb\";\n"
        for (index, swatch) in swatches.enumerated() {
            out += "    legend\(index) [shape=box, fontsize=9, height=0.25, fillcolor=\"\(swatch.fill)\", fontcolor=\"\(swatch.fontColor)\", label=\"\(swatch.label)\"];\n"
        }
        out += "    " + swatches.indices.map { "legend\($0)" }.joined(separator: " -> ") + " [style=invis];\n"
        out += "  }\n"
        return out
    }

    /// 10^m in two significant digits: `0.042`, `24`, `1.2e+03`.
    private func power(_ magnitude: Double) -> String { cFormat("%.2g", pow(10, magnitude)) }
}

extension TextWriter {
    /// `#rrggbb`, in lower case.
    mutating func write(color: GradPalette.Color) {
        append(UInt8(ascii: "#"))
        write(hexByte: color.r)
        write(hexByte: color.g)
        write(hexByte: color.b)
    }

    private mutating func write(hexByte value: Int) {
        let digits: StaticString = "0123456789abcdef"
        append(digits.utf8Start[value >> 4])
        append(digits.utf8Start[value & 15])
    }
}
