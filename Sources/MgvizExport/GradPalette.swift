import Glibc

/// `--color grad`: a diverging palette, blue for negative grads and red for positive ones,
/// deeper as log10|grad| goes from the diagram's smallest magnitude to its largest, in the
/// theme's colours.
package struct GradPalette {
    /// The palest shade, so the smallest grads still show their sign.
    package static let minimumDepth = 0.15

    package let colors: Theme.Colors
    /// The range of log10|grad| over the finite, non-zero grads.
    package let lowest: Double
    package let highest: Double

    package init(_ diagram: Diagram, colors: Theme.Colors) {
        self.colors = colors
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
    func fill(grad: Double?, data: Double) -> RGB? {
        guard let grad else { return nil }
        if grad == 0 { return data != 0 ? colors.dead : colors.faint }
        guard grad.isFinite else { return grad > 0 ? colors.positive : colors.negative }
        return color(sign: grad, magnitude: log10(abs(grad)))
    }

    private func color(sign: Double, magnitude: Double) -> RGB {
        let span = highest - lowest
        let t = span > 0 ? (magnitude - lowest) / span : 1
        let depth = Self.minimumDepth + (1 - Self.minimumDepth) * t
        let end = sign > 0 ? colors.positive : colors.negative, faint = colors.faint
        func mix(_ a: Int, _ b: Int) -> Int { Int((Double(a) + (Double(b) - Double(a)) * depth).rounded()) }
        return RGB(mix(faint.r, end.r), mix(faint.g, end.g), mix(faint.b, end.b))
    }

    package func hex(_ c: RGB) -> String {
        "#" + [c.r, c.g, c.b].map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// A row of swatches in a cluster of its own: the extremes and middle of each sign, and
    /// the grey of dead nodes.
    func legend() -> String {
        let middle = (lowest + highest) / 2
        var swatches: [(label: String, fill: RGB)] = []
        for magnitude in [highest, middle, lowest] { swatches.append(("-" + power(magnitude), color(sign: -1, magnitude: magnitude))) }
        swatches.append(("0 (data ≠ 0)", colors.dead))
        for magnitude in [lowest, middle, highest] { swatches.append(("+" + power(magnitude), color(sign: 1, magnitude: magnitude))) }
        var out = "  subgraph cluster_legend {\n"
        out += "    label=\"grad colour (log scale)\"; fontsize=10; color=\"\(colors.legendBorder)\";\n"
        for (index, swatch) in swatches.enumerated() {
            out += "    legend\(index) [shape=box, fontsize=9, height=0.25, fillcolor=\"\(hex(swatch.fill))\", fontcolor=\"\(swatch.fill.textColor)\", label=\"\(swatch.label)\"];\n"
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
    mutating func write(color: RGB) {
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
