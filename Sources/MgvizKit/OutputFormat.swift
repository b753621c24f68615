import MgvizRender

/// What a drawing can be written as.
public enum OutputFormat: String, Sendable, CaseIterable {
    /// Scalable vector graphics, laid out by Graphviz with its built-in font metrics: the same
    /// bytes on every machine.
    case svg
    /// A bitmap, drawn by cairo at `DrawOptions.dotsPerInch`, lower for a big graph.
    case png
    /// A vector document, drawn by cairo.
    case pdf
    /// Graphviz's input, as mgviz writes it: no layout.
    case dot
    /// The `mgviz-graph` dump: every node's data and grad at full precision; no layout.
    case json
    /// A self-contained page around the SVG, with a backward stepper.
    case html
    /// Plain text: every value, each after its operands, and backward step by step, for a
    /// screen reader and for `diff`; no layout.
    case txt

    /// The format a path's extension names (`loss.svg`, `LOSS.PNG`), or nil.
    public init?(path: String) {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        self.init(rawValue: path[path.index(after: dot)...].lowercased())
    }

    /// Whether Graphviz lays it out: svg, png, pdf and html, which `DrawOptions.maximumNodes`
    /// and `LayoutCost` limit. DOT, the dump and the text are written as the diagram is walked.
    public var needsLayout: Bool { renderFormat != nil }

    /// The Graphviz format for the layout formats; nil for what mgviz writes itself.
    var renderFormat: RenderFormat? {
        switch self {
        case .svg, .html: return .svg
        case .png: return .png
        case .pdf: return .pdf
        case .dot, .json, .txt: return nil
        }
    }
}
