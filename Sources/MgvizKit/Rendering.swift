import Micrograd
import MgvizExport
import MgvizFiles
import MgvizRender
import MgvizSpec

/// A drawing's bytes in one format.
public struct Rendering: Sendable {
    /// The file's contents.
    public var bytes: [UInt8]
    /// For a PNG drawn at less than `DrawOptions.dotsPerInch` to stay within the pixel cap
    /// (`DrawOptions.maximumPixels`, `BitmapSize.maximumSide`), the resolution it was drawn at.
    public var reducedDotsPerInch: Double?

    package init(bytes: [UInt8], reducedDotsPerInch: Double? = nil) {
        self.bytes = bytes
        self.reducedDotsPerInch = reducedDotsPerInch
    }
}

extension Drawing {
    /// The diagram as `format`: DOT and the JSON dump are written directly, SVG, PNG and PDF
    /// are laid out and rendered by Graphviz in this process, and the HTML page is built around
    /// the SVG. A layout runs to its end: the limits (`DrawOptions.maximumNodes`, `LayoutCost`)
    /// refuse before it starts what is known to be slow.
    public func rendered(as format: OutputFormat) throws(DrawError) -> Rendering {
        let diagram = try diagram
        let exporter = options.dotExporter
        if options.theme == .auto && (format == .png || format == .pdf) { throw .autoThemeNeedsSVG(format) }
        guard let renderFormat = format.renderFormat else {
            if format == .txt { try checkExplanationSize() }
            return Rendering(bytes: TextWriter.bytes(capacity: 400 * diagram.count + 400) { export(diagram, as: format, to: &$0) })
        }
        // The page lays each container out on its own, and checks each layout's size.
        if format == .html { return Rendering(bytes: diagram.comparison == nil ? try page(of: diagram) : try differencePage()) }
        guard diagram.nodes.count <= options.maximumNodes else {
            throw .tooManyNodes(count: diagram.nodes.count, maximum: options.maximumNodes, format: format)
        }
        let cost = diagram.layoutCost
        guard !cost.isTooCostly else {
            let canCollapse = options.collapse == nil && diagram.hasNeurons
            throw .tooCostlyToLayOut(cost, canCollapse: canCollapse)
        }
        let dot = exporter.export(diagram)
        let size = options.bitmapSize
        func render() throws(RenderError) -> Rendering {
            if format == .png {
                let (png, used) = try Renderer().renderPNG(dot, size: size)
                return Rendering(bytes: Array(png), reducedDotsPerInch: used < size.dotsPerInch ? used : nil)
            }
            var rendered = Array(try Renderer().render(dot, to: renderFormat))
            if options.theme == .auto { rendered = withDarkModeStyle(rendered) }
            return Rendering(bytes: rendered)
        }
        let rendering: Rendering
        do throws(RenderError) {
            rendering = try render()
        } catch .resolutionTooLow(let dotsPerInch, let size) {
            throw .resolutionTooLow(dotsPerInch: dotsPerInch, size: size)
        } catch {
            throw .render(error)
        }
        return rendering
    }
}

extension Drawing {
    /// The HTML page of `diagram`, this drawing's.
    private func page(of diagram: Diagram) throws(DrawError) -> [UInt8] {
        let tolerance = evaluation?.expect?.tolerance ?? DrawOptions.quizTolerance
        return try HTMLViewer().page(
            diagram: diagram, ledger: backwardLedger, quiz: options.opensQuiz, tolerance: tolerance,
            palette: options.coloring == .grad ? GradPalette(diagram, colors: options.theme.colors) : nil,
            theme: options.pageFollowsReader && options.theme == .light ? .auto : options.theme, rankDirection: options.rankDirection, precision: options.precision,
            maximumNodes: options.maximumNodes)
    }
}

extension Drawing {
    /// A difference's page: its SVG, drawn as for `-o d.svg`, with buttons that show A, B or
    /// the differences (`DifferencePage`).
    private func differencePage() throws(DrawError) -> [UInt8] {
        DifferencePage().page(svg: try rendered(as: .svg).bytes, diagram: try diagram)
    }
}

extension Drawing {
    /// Writes the diagram to `path` as `format`. DOT and the JSON dump go into the file as they
    /// are made, a buffer at a time, so that a graph of millions of nodes is never whole in
    /// memory; the layout formats are rendered as `rendered(as:)` renders them, then written
    /// (`write(_:to:)`). Either way a file at `path` is replaced whole, and only once the
    /// drawing is complete; byte for byte, what is written is what `rendered(as:)` returns.
    public func write(as format: OutputFormat, to path: String) throws(DrawError) {
        guard !format.needsLayout else { return try Self.write(rendered(as: format), to: path) }
        let diagram = try diagram
        if format == .txt { try checkExplanationSize() }
        do {
            try OutputFile.write(to: path) { out in export(diagram, as: format, to: &out) }
        } catch {
            throw .file(error)
        }
    }

    /// Writes a rendering to `path`, replacing a file there whole through a temp file beside it,
    /// so that a failure or a kill never leaves a partial file; `-` is standard output.
    public static func write(_ rendering: Rendering, to path: String) throws(DrawError) {
        do { try OutputFile.write(rendering.bytes, to: path) } catch { throw .file(error) }
    }

    /// DOT, the JSON dump or the text, to a writer that keeps it or drains it to a file. The
    /// caller refuses a text whose ledger is over `DrawOptions.maximumExplanationLines`.
    private func export(_ diagram: Diagram, as format: OutputFormat, to out: inout TextWriter) {
        switch format {
        case .json: JSONExporter().write(diagram, to: &out)
        case .txt:
            TextDescription(precision: options.precision, notation: options.notation)
                .write(diagram, summary: Self.summary(of: diagram), ledger: backwardLedger, to: &out)
        default: options.dotExporter.write(diagram, to: &out)
        }
    }
}

extension Value {
    /// This value's graph drawn as `format`, with the grads it holds now (call `backward()`
    /// first to see them).
    public func rendered(as format: OutputFormat, options: DrawOptions = DrawOptions(), title: String? = nil) throws(DrawError) -> [UInt8] {
        try Drawing(output: self, title: title, options: options).rendered(as: format).bytes
    }

    /// Writes this value's graph to `path`, in the format its extension names unless `format`
    /// is given. A file there is replaced whole, and only once the drawing is complete.
    public func draw(
        to path: String, format: OutputFormat? = nil, options: DrawOptions = DrawOptions(), title: String? = nil
    ) throws(DrawError) {
        guard let format = format ?? OutputFormat(path: path) else { throw .unknownFormat(path: path) }
        try Drawing(output: self, title: title, options: options).write(as: format, to: path)
    }
}

extension Drawing {
    /// The SVG with `Theme.darkModeStyle` as the first child of its root element, where a
    /// `<style>` applies to the whole drawing, also where the SVG is shown as an image.
    func withDarkModeStyle(_ svg: [UInt8]) -> [UInt8] {
        let root = Array("<svg".utf8)
        guard let start = svg.firstRange(of: root), let end = svg[start.upperBound...].firstIndex(of: UInt8(ascii: ">")) else {
            return svg
        }
        // On the line after the root's start tag.
        var insertion = svg.index(after: end)
        if insertion < svg.endIndex, svg[insertion] == UInt8(ascii: "\n") { insertion += 1 }
        return Array(svg[..<insertion]) + Array(Theme.darkModeStyle(coloring: options.coloring).utf8) + Array(svg[insertion...])
    }
}
