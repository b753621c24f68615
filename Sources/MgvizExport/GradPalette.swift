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

    /// The range of log10|grad| of each sign, where that sign occurs, for the legend.
    let negatives: ClosedRange<Double>?
    let positives: ClosedRange<Double>?
    /// Whether some node is dead: grad exactly 0, data not.
    let hasDead: Bool

    package init(_ diagram: Diagram, colors: Theme.Colors) {
        self.colors = colors
        var negatives: ClosedRange<Double>?, positives: ClosedRange<Double>?
        var hasDead = false
        for position in 0..<diagram.count {
            guard let grad = diagram.grad(at: position) else { continue }
            if grad == 0 && diagram.data(at: position) != 0 { hasDead = true }
            guard grad.isFinite && grad != 0 else { continue }
            let magnitude = log10(abs(grad))
            func widened(_ range: ClosedRange<Double>?) -> ClosedRange<Double> {
                range.map { min($0.lowerBound, magnitude)...max($0.upperBound, magnitude) } ?? magnitude...magnitude
            }
            if grad < 0 { negatives = widened(negatives) } else { positives = widened(positives) }
        }
        lowest = min(negatives?.lowerBound ?? .infinity, positives?.lowerBound ?? .infinity)
            .isFinite ? min(negatives?.lowerBound ?? .infinity, positives?.lowerBound ?? .infinity) : 0
        highest = max(negatives?.upperBound ?? -.infinity, positives?.upperBound ?? -.infinity)
            .isFinite ? max(negatives?.upperBound ?? -.infinity, positives?.upperBound ?? -.infinity) : 0
        self.negatives = negatives
        self.positives = positives
        self.hasDead = hasDead
    }

    /// The fill of a node with this grad and data; nil without grads.
    package func fill(grad: Double?, data: Double) -> Color? {
        guard let grad else { return nil }
        if grad == 0 { return data != 0 ? colors.dead : colors.faint }
        guard grad.isFinite else { return grad > 0 ? colors.positive : colors.negative }
        return color(sign: grad, magnitude: log10(abs(grad)))
    }

    private func color(sign: Double, magnitude: Double) -> Color {
        let span = highest - lowest
        // A diagram's own grads lie in its range; another step's, coloured in this diagram's
        // palette on the timeline page, take the nearest end of it.
        let t = span > 0 ? min(max((magnitude - lowest) / span, 0), 1) : 1
        let depth = Self.minimumDepth + (1 - Self.minimumDepth) * t
        let end = sign > 0 ? colors.positive : colors.negative, faint = colors.faint
        func mix(_ a: Int, _ b: Int) -> Int { Int((Double(a) + (Double(b) - Double(a)) * depth).rounded()) }
        return Color(mix(faint.r, end.r), mix(faint.g, end.g), mix(faint.b, end.b))
    }

    package static func hex(_ c: Color) -> String { c.hex }

    /// The legend's title.
    package static let legendTitle = "grad colour (log scale)"

    /// The legend's swatches, for what occurs only: the extremes and the middle of each
    /// sign's magnitudes (one swatch where they are all equal), and the grey of dead nodes if
    /// there are any.
    package var swatches: [(label: String, fill: Color)] {
        /// The distinct magnitudes to show for a range, largest first; equal labels merged.
        func magnitudes(_ range: ClosedRange<Double>) -> [Double] {
            var shown: [Double] = []
            for magnitude in [range.upperBound, (range.lowerBound + range.upperBound) / 2, range.lowerBound]
            where !shown.contains(where: { power($0) == power(magnitude) }) {
                shown.append(magnitude)
            }
            return shown
        }
        var swatches: [(label: String, fill: Color)] = []
        for magnitude in negatives.map(magnitudes) ?? [] { swatches.append(("-" + power(magnitude), color(sign: -1, magnitude: magnitude))) }
        if hasDead { swatches.append(("0 (data ≠ 0)", colors.dead)) }
        for magnitude in (positives.map(magnitudes) ?? []).reversed() { swatches.append(("+" + power(magnitude), color(sign: 1, magnitude: magnitude))) }
        return swatches
    }

    /// `swatches` in a row, in a cluster of their own.
    func legend() -> String {
        let swatches = self.swatches
        guard !swatches.isEmpty else { return "" }
        var out = "  subgraph cluster_legend {\n"
        out += "    label=\"\(Self.legendTitle)\"; fontsize=10; color=\"\(colors.legendBorder)\";\n"
        for (index, swatch) in swatches.enumerated() {
            out += "    legend\(index) [shape=box, fontsize=9, height=0.25, fillcolor=\"\(Self.hex(swatch.fill))\", fontcolor=\"\(swatch.fill.textColor)\", label=\"\(swatch.label)\"];\n"
        }
        if swatches.count > 1 { out += "    " + swatches.indices.map { "legend\($0)" }.joined(separator: " -> ") + " [style=invis];\n" }
        out += "  }\n"
        return out
    }

    /// 10^m in two significant digits: `0.042`, `24`, `1.2e+03`.
    private func power(_ magnitude: Double) -> String { cFormat("%.2g", pow(10, magnitude)) }
}

extension TextWriter {
    /// `#rrggbb`, in lower case.
    mutating func write(color: Color) {
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
