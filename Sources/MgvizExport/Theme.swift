import Glibc

/// How a diagram is coloured.
public enum Theme: String, Sendable, CaseIterable {
    /// micrograd's look, dark text on light fills on white: the default.
    case light
    /// Light text on dark fills on a dark background.
    case dark
    /// The light drawing, with CSS inside the SVG that switches it to the dark colours when
    /// the reader's system prefers dark (`prefers-color-scheme`), also where the SVG is shown
    /// as an image. SVG (and the HTML page around it) only: a bitmap cannot switch.
    case auto

    /// The colours drawn into the DOT: auto's are light's, and its CSS turns them dark.
    package var colors: Colors { self == .dark ? .dark : .light }

    /// Every colour of one look. A text is readable on its fill in both: each text colour has
    /// a contrast ratio of at least 4.5:1 with every fill it is drawn on (WCAG AA); text on
    /// the grad palette's fills is black or white, whichever contrasts more.
    package struct Colors: Sendable, Equatable {
        /// The background; nil for Graphviz's white, left unwritten so light's DOT stays as it was.
        package var background: String?
        /// Labels, titles and cluster names; nil for Graphviz's black.
        package var text: String?
        /// Node outlines and a record's field lines; nil for Graphviz's black.
        package var outline: String?
        package var edge: String
        package var layerBorder: String
        package var neuronBorder: String
        package var legendBorder: String
        /// The stub on an edge that `--focus` cut, and its dashed edge.
        package var cutText: String
        package var cutEdge: String
        /// Fills by the role of a node; the README carries the legend.
        package var input: String
        package var constant: String
        package var parameter: String
        package var output: String
        package var value: String
        package var op: String
        /// The outline of a node that is wrong or not finite.
        package var alarm: String
        /// The outline that marks the output under `--color grad`, where its fill tells its grad.
        package var outputOutline: String
        /// `--color grad`: the ends of the diverging palette, the palest shade it starts from,
        /// and the grey of a zero grad on a node whose data is not zero.
        package var negative: Color
        package var positive: Color
        package var faint: Color
        package var dead: Color

        package static let light = Colors(
            background: nil, text: nil, outline: nil, edge: "#555555", layerBorder: "#868e96", neuronBorder: "#ced4da",
            legendBorder: "#bbbbbb", cutText: "#495057", cutEdge: "#adb5bd", input: "#cfe2ff", constant: "#e9ecef",
            parameter: "#d3f9d8", output: "#ffd8a8", value: "#ffffff", op: "#e5dbff", alarm: "#d00000", outputOutline: "#e8590c",
            negative: Color(0x21, 0x66, 0xac), positive: Color(0xb2, 0x18, 0x2b), faint: Color(0xf7, 0xf7, 0xf7),
            dead: Color(0x9e, 0x9e, 0x9e))

        package static let dark = Colors(
            background: "#1b1d21", text: "#e9ecef", outline: "#adb5bd", edge: "#adb5bd", layerBorder: "#868e96",
            neuronBorder: "#495057", legendBorder: "#6c757d", cutText: "#ced4da", cutEdge: "#6c757d", input: "#1f3b61",
            constant: "#343a40", parameter: "#1e4d2b", output: "#7c3f00", value: "#25282c", op: "#3d2f6b", alarm: "#ff6b6b",
            outputOutline: "#ff922b",
            negative: Color(0x43, 0x93, 0xc3), positive: Color(0xd6, 0x60, 0x4d), faint: Color(0x2f, 0x32, 0x37),
            // Lighter than every faint shade, so that the smallest grads never pass for dead.
            dead: Color(0x86, 0x8e, 0x96))
    }

    /// For `auto`: the CSS that turns the light SVG dark when the reader prefers dark. Each
    /// rule picks the elements Graphviz drew in one light colour by their attribute, which is
    /// why light leaves Graphviz's defaults (white, black) unwritten: `text:not([fill])` is
    /// every text drawn in the default colour. The grad palette's fills keep their colours,
    /// and so does the text on them, which is written explicitly.
    package static func darkModeStyle(coloring: Coloring) -> String {
        let light = Colors.light, dark = Colors.dark
        var rules = [
            ".graph > polygon[fill=\"white\"] { fill: \(dark.background!); }",
            "text:not([fill]) { fill: \(dark.text!); }",
            "[stroke=\"black\"] { stroke: \(dark.outline!); }",
        ]
        var fills = [(light.op, dark.op)]
        if coloring == .kind {
            fills += [
                (light.input, dark.input), (light.constant, dark.constant), (light.parameter, dark.parameter),
                (light.output, dark.output), (light.value, dark.value),
            ]
        }
        for (from, to) in fills { rules.append("[fill=\"\(from)\"] { fill: \(to); }") }
        let strokes = [
            (light.edge, dark.edge), (light.layerBorder, dark.layerBorder), (light.neuronBorder, dark.neuronBorder),
            (light.legendBorder, dark.legendBorder), (light.cutEdge, dark.cutEdge), (light.alarm, dark.alarm),
            (light.outputOutline, dark.outputOutline),
        ]
        for (from, to) in strokes {
            rules.append("[stroke=\"\(from)\"] { stroke: \(to); }")
            // Arrowheads are filled with their edge's colour.
            if from == light.edge || from == light.cutEdge { rules.append("polygon[fill=\"\(from)\"] { fill: \(to); }") }
        }
        rules.append("text[fill=\"\(light.cutText)\"] { fill: \(dark.cutText); }")
        return "<style>\n@media (prefers-color-scheme: dark) {\n" + rules.map { "  " + $0 + "\n" }.joined() + "}\n</style>\n"
    }
}

/// A colour as three 8-bit channels.
package struct Color: Sendable, Equatable {
    package var r, g, b: Int

    package init(_ r: Int, _ g: Int, _ b: Int) {
        self.r = r
        self.g = g
        self.b = b
    }

    /// WCAG's relative luminance.
    var luminance: Double {
        func linear(_ channel: Int) -> Double {
            let c = Double(channel) / 255
            return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    }

    /// Black or white, whichever contrasts more with this fill: at least 4.58:1 for any fill.
    package var textColor: StaticString { (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) ? "#000000" : "#ffffff" }
}
