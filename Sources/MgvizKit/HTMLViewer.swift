import MgvizExport

/// `-o graph.html`: one self-contained page (no network) with the SVG inline, the JSON dump
/// as data, and a little plain JavaScript: pan and zoom, full-precision hover, a stepper that
/// replays backward in reverse topological order, and click-to-highlight the path to the output.
///
/// The script and the style are Viewer/viewer.js and Viewer/viewer.css, embedded at build
/// time; the script finds the SVG's parts by the names `NodeNames` makes.
public struct HTMLViewer: Sendable {
    public init() {}

    /// The page for `diagram`, whose SVG rendering (of the same diagram) is `svg`.
    public func page(svg: [UInt8], diagram: Diagram) -> [UInt8] {
        var out = TextWriter(capacity: svg.count + 300 * diagram.nodes.count + 16_000)
        out.write("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
        out.write(diagram.title ?? "mgviz", escaping: .html)
        out.write("</title>\n<style>\n")
        out.write(PackageResources.viewer_css)
        out.write("</style>\n</head>\n<body>\n<header>\n<h1>")
        out.write(diagram.title ?? "mgviz", escaping: .html)
        out.write("</h1>\n")
        out.write(Self.controls)
        out.write("</header>\n<main id=\"canvas\">\n")
        // The SVG without its XML prolog and doctype, which are not allowed inside HTML.
        let text = String(decoding: svg, as: UTF8.self)
        out.write(string: text.firstRange(of: "<svg").map { String(text[$0.lowerBound...]) } ?? text)
        out.write("</main>\n<aside id=\"info\">Hover a node for its full-precision data and grad; click one to see its path to the output.</aside>\n")
        out.write("<script type=\"application/json\" id=\"mgviz-data\">")
        out.write(scriptData: JSONExporter().exportBytes(diagram))
        out.write("</script>\n<script>\n")
        out.write(PackageResources.viewer_js)
        out.write("</script>\n</body>\n</html>\n")
        return out.finish()
    }

    static let controls: StaticString = """
        <nav>
        <button id="reset" title="Hide every grad again">reset</button>
        <button id="step" title="Process the next node of backward">step</button>
        <button id="play" title="Step on its own">play</button>
        <input id="slider" type="range" min="0" max="0" value="0" aria-label="backward step">
        <span id="status"></span>
        </nav>

        """
}

extension TextWriter {
    /// JSON inside a script element. HTML ends the element at `</script`, and `<!--` starts
    /// an escape state in which even that end tag is not seen, so no title or label may bring
    /// a `<` into it; `>` and `&` go too, and U+2028 and U+2029, which older JavaScript
    /// parsers take for line ends. Each is a JSON string escape, so the data parses the same.
    mutating func write(scriptData json: [UInt8]) {
        var index = 0
        while index < json.count {
            let byte = json[index]
            switch byte {
            case UInt8(ascii: "<"): write("\\u003c")
            case UInt8(ascii: ">"): write("\\u003e")
            case UInt8(ascii: "&"): write("\\u0026")
            // U+2028 and U+2029 in UTF-8: E2 80 A8 and E2 80 A9.
            case 0xe2 where index + 2 < json.count && json[index + 1] == 0x80 && (json[index + 2] == 0xa8 || json[index + 2] == 0xa9):
                write(json[index + 2] == 0xa8 ? "\\u2028" : "\\u2029")
                index += 2
            default: append(byte)
            }
            index += 1
        }
    }
}
