import MgvizExport
import MgvizSpec

/// `mgviz run.mgviz-run -o run.html`: one self-contained page of a training run. A step
/// slider drives a marker on the loss curve and on a small chart of every parameter's grad
/// over the steps (grouped by layer and neuron), and shows the graph of the nearest step at or
/// before it that kept its graph (each drawn as `mgviz` draws it, plate and groups included);
/// the alarms are listed, each a link to its step, and ticked on the loss curve, and a dead
/// unit's neuron is outlined in red in the graphs from its step on.
///
/// The script and the style are Viewer/timeline.js and Viewer/timeline.css.
package struct TimelinePage: Sendable {
    package init() {}

    /// The page for `run`, whose graphs at `run.graphSteps` are `graphs` (SVG renderings).
    package func page(run: TrainingRun, graphs: [[UInt8]], alarms: [TrainingAlarm]) -> [UInt8] {
        var out = TextWriter(capacity: graphs.reduce(0) { $0 + $1.count } + 200 * run.parameters.count + 40 * run.steps.count * (run.parameters.count + 1) + 8_000)
        out.write("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
        out.write(run.title ?? "mgviz training run", escaping: .html)
        out.write("</title>\n<style>\n")
        out.write(PackageResources.timeline_css)
        out.write("</style>\n</head>\n<body>\n<header>\n<h1>")
        out.write(run.title ?? "training run", escaping: .html)
        out.write("</h1>\n<label>step <input id=\"step\" type=\"range\" min=\"1\" max=\"")
        out.write(run.steps.count)
        out.write("\" value=\"")
        out.write(run.steps.count)
        out.write("\"></label> <output id=\"status\" role=\"status\"></output>\n</header>\n<section id=\"alarms\">\n<h2>alarms</h2>\n")
        if alarms.isEmpty {
            out.write("<p>none</p>\n")
        } else {
            out.write("<ul>\n")
            for alarm in alarms {
                out.write("<li><a href=\"#\" data-step=\"")
                out.write(alarm.step + 1)
                out.write("\">")
                out.write(alarm.description, escaping: .html)
                out.write("</a></li>\n")
            }
            out.write("</ul>\n")
        }
        out.write("</section>\n<section id=\"loss\">\n<h2>loss</h2>\n")
        Self.chart(run.steps.map(\.loss), width: 640, height: 160, ticks: alarms.map(\.step), &out)
        out.write("</section>\n<section id=\"graph\">\n<h2 id=\"graph-title\">graph</h2>\n<div id=\"graphs\">\n")
        for (step, svg) in zip(run.graphSteps, graphs) {
            out.write("<div class=\"graph\" data-step=\"")
            out.write(step + 1)
            out.write("\">\n")
            // The SVG without its XML prolog and doctype, which are not allowed inside HTML.
            let text = String(decoding: svg, as: UTF8.self)
            out.write(string: text.firstRange(of: "<svg").map { String(text[$0.lowerBound...]) } ?? text)
            out.write("</div>\n")
        }
        out.write("</div>\n</section>\n<section id=\"grads\">\n<h2>grads by parameter</h2>\n")
        for layer in run.layers {
            out.write("<h3>")
            out.write(layer.name ?? "parameters", escaping: .html)
            out.write("</h3>\n<div class=\"layer\">\n")
            for k in layer.parameters {
                out.write("<figure><figcaption>")
                out.write(run.parameters[k].name, escaping: .html)
                out.write("</figcaption>")
                Self.chart(run.steps.map { $0.grad[k] }, width: 120, height: 36, ticks: [], &out)
                out.write("</figure>\n")
            }
            out.write("</div>\n")
        }
        out.write("</section>\n<script type=\"application/json\" id=\"mgviz-run\">")
        out.write(scriptData: Self.data(run, alarms: alarms))
        out.write("</script>\n<script>\n")
        out.write(PackageResources.timeline_js)
        out.write("</script>\n</body>\n</html>\n")
        return out.finish()
    }

    /// A line chart of `values` over the steps, scaled to its finite values, with a marker
    /// line (`.at`) the script moves and a red tick at each of `ticks`.
    static func chart(_ values: [Double], width: Int, height: Int, ticks: [Int], _ out: inout TextWriter) {
        let finite = values.filter(\.isFinite)
        let low = finite.min() ?? 0, high = finite.max() ?? 0
        let span = high > low ? high - low : 1
        let steps = max(values.count - 1, 1)
        func x(_ step: Int) -> Double { Double(step) / Double(steps) * Double(width) }
        func y(_ value: Double) -> Double { Double(height) - (value - low) / span * Double(height) }
        out.write("<svg class=\"chart\" viewBox=\"0 0 ")
        out.write(width)
        out.write(" ")
        out.write(height)
        out.write("\" width=\"")
        out.write(width)
        out.write("\" height=\"")
        out.write(height)
        out.write("\" data-steps=\"")
        out.write(values.count)
        out.write("\">")
        for tick in ticks {
            out.write("<line class=\"alarm\" x1=\"")
            out.write(fixed: x(tick), decimals: 1)
            out.write("\" x2=\"")
            out.write(fixed: x(tick), decimals: 1)
            out.write("\" y1=\"0\" y2=\"")
            out.write(height)
            out.write("\"/>")
        }
        // A non-finite value breaks the line.
        out.write("<path d=\"")
        var drawing = false
        for (step, value) in values.enumerated() {
            guard value.isFinite else { drawing = false; continue }
            out.write(drawing ? "L" : "M")
            out.write(fixed: x(step), decimals: 1)
            out.write(",")
            out.write(fixed: y(value), decimals: 1)
            drawing = true
        }
        out.write("\"/><line class=\"at\" x1=\"0\" x2=\"0\" y1=\"0\" y2=\"")
        out.write(height)
        out.write("\"/><title>")
        out.write(displayText(low, decimals: 4), escaping: .html)
        out.write(" to ")
        out.write(displayText(high, decimals: 4), escaping: .html)
        out.write("</title></svg>")
    }

    /// The numbers the slider shows and the dead units the graphs mark: `{"loss": [...],
    /// "graphSteps": [1, 100], "dead": [{"unit": "L1 N12", "step": 2}]}`, steps from 1.
    static func data(_ run: TrainingRun, alarms: [TrainingAlarm]) -> [UInt8] {
        TextWriter.bytes(capacity: 24 * run.steps.count + 64) { out in
            out.write("{\"loss\": [")
            for (k, step) in run.steps.enumerated() {
                if k > 0 { out.write(", ") }
                if step.loss.isFinite { out.write(exact: step.loss) } else { out.write(string: "\"\(fixedText(step.loss, decimals: 0))\"") }
            }
            out.write("], \"graphSteps\": [")
            for (k, step) in run.graphSteps.enumerated() {
                if k > 0 { out.write(", ") }
                out.write(step + 1)
            }
            out.write("], \"dead\": [")
            var first = true
            for case .deadUnit(let unit, let since) in alarms {
                out.write(first ? "{\"unit\": \"" : ", {\"unit\": \"")
                out.write(unit, escaping: .json)
                out.write("\", \"step\": ")
                out.write(since + 1)
                out.write("}")
                first = false
            }
            out.write("]}")
        }
    }
}
