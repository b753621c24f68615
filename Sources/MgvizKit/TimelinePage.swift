import MgvizExport
import MgvizSpec

/// `mgviz run.mgviz-run -o run.html`: one self-contained page of a training run. A step
/// slider drives a marker on the loss curve (its axes labelled: the loss's least and greatest,
/// the first and last step, the marker's step and loss) and on a small chart of every
/// parameter's grad over the steps (grouped by layer and neuron, each saying its range), and
/// drives the graph: it shows the graph of the nearest step at or before it that kept one
/// (each drawn as `mgviz` draws it, plate and groups included), whose parameter nodes show the
/// slider's step's data and grad (and, under `--color grad`, its grad's colour in that graph's
/// palette), while the other nodes keep the kept step's numbers, as the page says. The alarms
/// are listed, each a link to its step, and ticked on the loss curve; a dead unit's neuron is
/// outlined in red in the graphs from its step on.
///
/// Only the graph the page opens at is laid out at load: the others wait in `<template>`s
/// (parsed, never laid out) and the script lays them out after the page has shown, or when the
/// slider reaches one first. The demo's two plate SVGs of 2 MB took 1.69 s to open together.
///
/// The script and the style are Viewer/timeline.js and Viewer/timeline.css.
package struct TimelinePage {
    /// A graph the run kept: its SVG rendering, and the palette its nodes are filled from under
    /// `--color grad` (nil under `--color kind`), which colours its parameters at other steps.
    package struct KeptGraph {
        package var svg: [UInt8]
        package var palette: GradPalette?

        package init(svg: [UInt8], palette: GradPalette?) {
            self.svg = svg
            self.palette = palette
        }
    }

    /// The decimals the graphs show for data and grad, which the parameters' numbers match.
    let precision: Int

    package init(precision: Int) {
        self.precision = precision
    }

    /// The page for `run`, whose graphs at `run.graphSteps` are `graphs`.
    package func page(run: TrainingRun, graphs: [KeptGraph], alarms: [TrainingAlarm]) -> [UInt8] {
        var out = TextWriter(capacity: graphs.reduce(0) { $0 + $1.svg.count } + 200 * run.parameters.count + 60 * run.steps.count * (run.parameters.count + 1) + 8_000)
        out.write("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
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
        out.write("</section>\n<section id=\"loss\">\n<h2>loss</h2>\n<div class=\"plot\">\n<div class=\"y-axis\"><span>")
        let losses = run.steps.map(\.loss)
        let lossRange = Self.range(losses)
        out.write(Self.scaleText(lossRange.upperBound), escaping: .html)
        out.write("</span><span>")
        out.write(Self.scaleText(lossRange.lowerBound), escaping: .html)
        out.write("</span></div>\n<div class=\"area\">")
        Self.chart(losses, width: 640, height: 160, ticks: alarms.map(\.step), stretches: true, &out)
        out.write("<span id=\"loss-at\" class=\"at-label\"></span></div>\n<div class=\"x-axis\"><span>step 1</span><span>step ")
        out.write(run.steps.count)
        out.write("</span></div>\n</div>\n")
        out.write("</section>\n<section id=\"graph\">\n<h2 id=\"graph-title\">graph</h2>\n<p><button id=\"actual-size\" type=\"button\" aria-pressed=\"false\">actual size</button> <span id=\"graph-note\"></span></p>\n<div id=\"graphs\">\n")
        // The page opens at the last step, so at the last kept graph; the others wait unlaid.
        for (k, (step, graph)) in zip(run.graphSteps, graphs).enumerated() {
            out.write("<div class=\"graph\" data-step=\"")
            out.write(step + 1)
            out.write(k == graphs.count - 1 ? "\">\n" : "\"><template>\n")
            // The SVG without its XML prolog and doctype, which are not allowed inside HTML.
            let text = String(decoding: graph.svg, as: UTF8.self)
            out.write(string: text.firstRange(of: "<svg").map { String(text[$0.lowerBound...]) } ?? text)
            out.write(k == graphs.count - 1 ? "</div>\n" : "</template></div>\n")
        }
        out.write("</div>\n</section>\n<section id=\"grads\">\n<h2>grads by parameter</h2>\n")
        for layer in run.layers {
            out.write("<h3>")
            out.write(layer.name ?? "parameters", escaping: .html)
            out.write("</h3>\n<div class=\"layer\">\n")
            for k in layer.parameters {
                let grads = run.steps.map { $0.grad[k] }
                let range = Self.range(grads)
                out.write("<figure><figcaption>")
                out.write(run.parameters[k].name, escaping: .html)
                out.write("</figcaption>")
                Self.chart(grads, width: 120, height: 36, ticks: [], stretches: false, &out)
                out.write("<p class=\"scale\">")
                out.write(Self.scaleText(range.lowerBound), escaping: .html)
                out.write(" to ")
                out.write(Self.scaleText(range.upperBound), escaping: .html)
                out.write("</p></figure>\n")
            }
            out.write("</div>\n")
        }
        out.write("</section>\n<script type=\"application/json\" id=\"mgviz-run\">")
        out.write(scriptData: data(run, graphs: graphs, alarms: alarms))
        out.write("</script>\n<script>\n")
        out.write(PackageResources.timeline_js)
        out.write("</script>\n</body>\n</html>\n")
        return out.finish()
    }

    /// The least and greatest finite values (0...0 for none): a chart's scale.
    static func range(_ values: [Double]) -> ClosedRange<Double> {
        let finite = values.filter(\.isFinite)
        return (finite.min() ?? 0)...(finite.max() ?? 0)
    }

    /// A scale's end in four significant digits (`0.01662`, `-3.2e-07`): grads span decades.
    static func scaleText(_ x: Double) -> String { cFormat("%.4g", x) }

    /// A line chart of `values` over the steps, scaled to `range(values)`, with a marker line
    /// (`.at`) the script moves and a red tick at each of `ticks`. A chart that `stretches`
    /// fills its box's width, its lines kept thin by the style, so that labels outside it keep
    /// their size on a phone; the others are drawn at `width` by `height`.
    static func chart(_ values: [Double], width: Int, height: Int, ticks: [Int], stretches: Bool, _ out: inout TextWriter) {
        let scale = range(values)
        let low = scale.lowerBound, high = scale.upperBound
        let span = high > low ? high - low : 1
        let steps = max(values.count - 1, 1)
        func x(_ step: Int) -> Double { Double(step) / Double(steps) * Double(width) }
        func y(_ value: Double) -> Double { Double(height) - (value - low) / span * Double(height) }
        out.write("<svg class=\"chart\" viewBox=\"0 0 ")
        out.write(width)
        out.write(" ")
        out.write(height)
        if stretches {
            out.write("\" preserveAspectRatio=\"none")
        } else {
            out.write("\" width=\"")
            out.write(width)
            out.write("\" height=\"")
            out.write(height)
        }
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
    /// "graphSteps": [1, 100], "dead": [{"unit": "L1 N12", "step": 2}], "parameters": ["L1 N1 w1",
    /// ...], "numbers": ["0.2300 -0.0100 ...", ...], "fills": ["a5d8ff ffc9c9w ...", ...]}`, steps
    /// from 1. `numbers` has a string a step: each parameter's data and grad as its graph node
    /// shows them (`precision` decimals), space-separated. `fills` (null under `--color kind`)
    /// has each parameter's fill at that step in the palette of the graph shown at it, `w` after
    /// it where its text is white.
    func data(_ run: TrainingRun, graphs: [KeptGraph], alarms: [TrainingAlarm]) -> [UInt8] {
        let palettes = graphs.compactMap(\.palette)
        return TextWriter.bytes(capacity: 24 * run.steps.count * (2 + 3 * run.parameters.count) + 32 * run.parameters.count + 64) { out in
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
            out.write("], \"parameters\": [")
            for (k, parameter) in run.parameters.enumerated() {
                out.write(k > 0 ? ", \"" : "\"")
                out.write(parameter.name, escaping: .json)
                out.write("\"")
            }
            // Numbers are digits, '-', '.', or printf's nan and inf: nothing to escape.
            out.write("], \"numbers\": [")
            for (k, step) in run.steps.enumerated() {
                out.write(k > 0 ? ", \"" : "\"")
                for p in run.parameters.indices {
                    if p > 0 { out.write(" ") }
                    out.write(drawn: step.data[p], decimals: precision)
                    out.write(" ")
                    out.write(drawn: step.grad[p], decimals: precision)
                }
                out.write("\"")
            }
            out.write("], \"fills\": ")
            if palettes.count == graphs.count, !graphs.isEmpty {
                out.write("[")
                let kept = run.graphSteps
                for (k, step) in run.steps.enumerated() {
                    let palette = palettes[kept.lastIndex { $0 <= k } ?? 0]
                    out.write(k > 0 ? ", \"" : "\"")
                    for p in run.parameters.indices {
                        if p > 0 { out.write(" ") }
                        // A parameter has a grad, so the palette has a fill for it.
                        let fill = palette.fill(grad: step.grad[p], data: step.data[p])!
                        out.write(string: String(GradPalette.hex(fill).dropFirst()))
                        if "\(fill.textColor)" == "#ffffff" { out.write("w") }
                    }
                    out.write("\"")
                }
                out.write("]")
            } else {
                out.write("null")
            }
            out.write("}")
        }
    }
}
