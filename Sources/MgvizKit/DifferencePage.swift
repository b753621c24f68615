import MgvizExport

/// `mgviz diff A B -o d.html`: one self-contained page of a difference, apart from the
/// explorer page (`HTMLViewer`), which draws one graph: the difference's SVG inline, its dump
/// (with the `difference` object) as data, and Viewer/difference.js, whose buttons show A's
/// graph with A's numbers, B's with B's, or B with its changes.
package struct DifferencePage: Sendable {
    package init() {}

    /// The page for `diagram`, a difference, whose SVG rendering is `svg`.
    package func page(svg: [UInt8], diagram: Diagram) -> [UInt8] {
        var out = TextWriter(capacity: svg.count + 200 * diagram.nodes.count + 8_000)
        out.write("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
        out.write(diagram.title ?? "mgviz diff", escaping: .html)
        out.write("</title>\n<style>\n")
        out.write("body { font: 14px/1.4 system-ui, sans-serif; margin: 0; }\n")
        out.write("header { position: sticky; top: 0; background: #fff; padding: .5rem 1rem; border-bottom: 1px solid #dee2e6; }\n")
        out.write("header button { font: inherit; margin-right: .25rem; }\n")
        out.write("header button[aria-pressed=true] { background: #e8590c; color: #fff; border-color: #e8590c; }\n")
        out.write("#status { margin-left: 1rem; color: #495057; }\n#canvas { overflow: auto; padding: 1rem; }\n")
        out.write("</style>\n</head>\n<body>\n<header><span id=\"status\" role=\"status\"></span></header>\n<main id=\"canvas\">\n")
        // The SVG without its XML prolog and doctype, which are not allowed inside HTML.
        let text = String(decoding: svg, as: UTF8.self)
        out.write(string: text.firstRange(of: "<svg").map { String(text[$0.lowerBound...]) } ?? text)
        out.write("</main>\n<script type=\"application/json\" id=\"mgviz-data\">")
        out.write(scriptData: JSONExporter().exportBytes(diagram))
        out.write("</script>\n<script>\n")
        out.write(PackageResources.difference_js)
        out.write("</script>\n</body>\n</html>\n")
        return out.finish()
    }
}
