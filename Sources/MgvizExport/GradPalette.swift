import Glibc

/// `--color grad`: a diverging palette, blue for negative grads and red for positive ones,
/// deeper as log10|grad| goes from the diagram's smallest magnitude to its largest.
struct GradPalette {
    static let negative = (r: 0x21, g: 0x66, b: 0xac)
    static let positive = (r: 0xb2, g: 0x18, b: 0x2b)
    static let faint = (r: 0xf7, g: 0xf7, b: 0xf7)
    /// A grad of exactly 0 on a node whose data is not: a dead ReLU or an unused branch.
    static let dead = "#9e9e9e"
    /// The palest shade, so the smallest grads still show their sign.
    static let minimumDepth = 0.15

    /// The range of log10|grad| over the finite, non-zero grads.
    let lowest: Double
    let highest: Double

    init(_ diagram: Diagram) {
        let magnitudes = diagram.nodes.compactMap { $0.grad }.filter { $0.isFinite && $0 != 0 }.map { log10(abs($0)) }
        lowest = magnitudes.min() ?? 0
        highest = magnitudes.max() ?? 0
    }

    func fill(for node: Diagram.Node) -> String? {
        guard let grad = node.grad else { return nil }
        if grad == 0 { return node.data != 0 ? Self.dead : hex(Self.faint) }
        guard grad.isFinite else { return hex(grad > 0 ? Self.positive : Self.negative) }
        return color(sign: grad, magnitude: log10(abs(grad)))
    }

    private func color(sign: Double, magnitude: Double) -> String {
        let span = highest - lowest
        let t = span > 0 ? (magnitude - lowest) / span : 1
        let depth = Self.minimumDepth + (1 - Self.minimumDepth) * t
        let end = sign > 0 ? Self.positive : Self.negative
        func mix(_ a: Int, _ b: Int) -> Int { Int((Double(a) + (Double(b) - Double(a)) * depth).rounded()) }
        return hex((mix(Self.faint.r, end.r), mix(Self.faint.g, end.g), mix(Self.faint.b, end.b)))
    }

    private func hex(_ c: (r: Int, g: Int, b: Int)) -> String {
        "#" + [c.r, c.g, c.b].map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// A row of swatches in a cluster of its own: the extremes and middle of each sign, and
    /// the grey of dead nodes.
    func legend() -> String {
        let middle = (lowest + highest) / 2
        var swatches: [(label: String, fill: String, fontColor: String)] = []
        for magnitude in [highest, middle, lowest] {
            swatches.append(("-" + power(magnitude), color(sign: -1, magnitude: magnitude), magnitude == highest ? "white" : "black"))
        }
        swatches.append(("0 (data ≠ 0)", Self.dead, "black"))
        for magnitude in [lowest, middle, highest] {
            swatches.append(("+" + power(magnitude), color(sign: 1, magnitude: magnitude), magnitude == highest ? "white" : "black"))
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
