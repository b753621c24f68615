import MgvizExport

/// `-o graph.html`: one self-contained page (no network) that draws a graph of any size. Its
/// data are the diagram's nodes as columns, the page's tree of containers (a plate, a model's
/// parameters, calls, layers, neurons, named groups), and layouts that Graphviz made here, one
/// per structure of container (see `PageLayouts`); its plain JavaScript draws what is in view
/// as SVG, opens and closes containers, searches, switches a plate's example, replays backward
/// in micrograd's order (running grads on the nodes, each contribution on its edge, the
/// arithmetic in a panel) and quizzes on the grads. The page holds no layout engine.
///
/// The script and the style are Viewer/viewer.js and Viewer/viewer.css, embedded at build time.
package struct HTMLViewer: Sendable {
    package init() {}

    /// The page for `diagram`. `ledger` is backward on it, step by step, for the replay (nil:
    /// no replay); `quiz` opens the page in quiz mode, where an answer within `tolerance` of a
    /// grad is right. Each layout is laid out as `rankDirection` says and refused past
    /// `maximumNodes` items, as every layout format refuses a graph; the whole graph's level
    /// must lay out, or this throws as they do. `laysOut: false` leaves the layouts out (the
    /// fuzzer's page, which runs no Graphviz).
    package func page(
        diagram: Diagram, ledger: BackwardLedger?, quiz: Bool = false, tolerance: Double, palette: GradPalette? = nil,
        theme: Theme = .light, rankDirection: RankDirection = DOTExporter.defaultRankDirection,
        precision: Int = DOTExporter.defaultPrecision, maximumNodes: Int = LayoutCost.defaultMaximumValues, laysOut: Bool = true
    ) throws(DrawError) -> [UInt8] {
        let options = PageLayouts.Options(rankDirection: rankDirection, precision: precision, maximumNodes: maximumNodes, laysOut: laysOut)
        let nodes = PageNodes(diagram)
        let tree = PageTree(diagram, nodes: nodes)
        let looks = ClosedLook.looks(of: diagram, tree: tree, nodes: nodes)
        let layouts = try PageLayouts(diagram: diagram, tree: tree, nodes: nodes, looks: looks, options: options)
        let data = PageData(diagram: diagram, nodes: nodes, tree: tree, looks: looks, layouts: layouts, options: options, palette: palette, theme: theme)
        // A replay of more contributions than this is left out: its texts would make the page
        // tens of megabytes (about 300 bytes a contribution).
        let replay = ledger.flatMap { $0.contributionCount <= Self.maximumReplayContributions ? $0 : nil }
        var out = TextWriter(capacity: 120 * nodes.count + 300 * (replay?.contributionCount ?? 0) + 40_000)
        out.write("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        out.write("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
        out.write(diagram.title ?? "mgviz", escaping: .html)
        out.write("</title>\n<style>\n")
        out.write(PackageResources.viewer_css)
        out.write("</style>\n</head>\n<body class=\"")
        out.write(string: theme.rawValue)
        out.write("\">\n<header>\n")
        out.write(Self.controls)
        out.write("</header>\n")
        out.write(Self.stage)
        out.write("<script type=\"application/json\" id=\"mgviz-page\">")
        out.write(scriptData: data.bytes())
        out.write("</script>\n<script type=\"application/json\" id=\"mgviz-backward\">")
        out.write(scriptData: Self.backwardData(
            replay, of: diagram, quiz: quiz, tolerance: tolerance, palette: palette,
            leftOut: ledger != nil && replay == nil ? ledger!.contributionCount : nil))
        // The evaluator first: the page's nudge and update run micrograd's ops with it.
        out.write("</script>\n<script>\n")
        out.write(PackageResources.evaluator_js)
        out.write("</script>\n<script>\n")
        out.write(PackageResources.viewer_js)
        out.write("</script>\n</body>\n</html>\n")
        return out.finish()
    }

    /// The most contributions a page replays: 20,000 make about 6 MB of texts.
    package static let maximumReplayContributions = 20_000

    /// The replay's data, beside the dump: `{"quiz": false, "tolerance": 0.0001, "palette": null
    /// (or --color grad's: lowest and highest log10|grad|, minimumDepth, and the negative,
    /// positive, faint and dead colours), "output": "n6", "outputName": "L",
    /// "seed": 1.0, "seedText": "1.0000", "steps": [{"node": "n6", "grad": 1.0, "gradText":
    /// "1.0000", "name": "L", "handGrad": "1", "leaves": ["n5"],
    /// "uses": [{"operand": "n4", "slot": 0, "local": -2.0, "amount": -2.0, "total": -2.0,
    /// "localText": "-2.0000", "amountText": "-2.0000", "totalText": "-2.0000", "text":
    /// "d.grad += f.data * L.grad = -2 * 1 = -2", "operandName": "d", "handLocal": "-2",
    /// "handGrad": "1", "handAmount": "-2", "handTotal": "-2", "rule": "∂(a·b)/∂a = b",
    /// "localSymbol": "f"}]}, …]}`, steps in backward's order (a
    /// leaf's only under `--steps all`); `"steps": null` without a replay. `…Text` numbers are
    /// at the diagram's precision, as the records draw them; `hand…` numbers check by hand
    /// (`BackwardLedger`).
    static func backwardData(
        _ ledger: BackwardLedger?, of diagram: Diagram, quiz: Bool, tolerance: Double, palette: GradPalette?, leftOut: Int? = nil
    ) -> [UInt8] {
        TextWriter.bytes(capacity: 400 * (ledger?.contributionCount ?? 0) + 200) { out in
            out.write(quiz ? "{\"quiz\": true, \"tolerance\": " : "{\"quiz\": false, \"tolerance\": ")
            number(tolerance, &out)
            // --color grad's palette, for fills that follow the replay's running grads.
            if let palette {
                out.write(", \"palette\": {\"lowest\": ")
                number(palette.lowest, &out)
                out.write(", \"highest\": ")
                number(palette.highest, &out)
                out.write(", \"minimumDepth\": ")
                number(GradPalette.minimumDepth, &out)
                let colors = palette.colors
                for (key, color) in [("negative", colors.negative), ("positive", colors.positive), ("faint", colors.faint), ("dead", colors.dead)] {
                    out.write(string: ", \"\(key)\": \"\(GradPalette.hex(color))\"")
                }
                out.write("}")
            } else {
                out.write(", \"palette\": null")
            }
            guard let ledger else {
                out.write(", \"steps\": null")
                // A replay too long for a page: how long it would have been.
                if let leftOut {
                    out.write(", \"leftOut\": ")
                    out.write(leftOut)
                }
                out.write("}")
                return
            }
            let id = { (position: Int) in NodeNames.value(at: diagram.nameNumber(at: position)).description }
            out.write(", \"output\": ")
            text(id(ledger.output), &out)
            out.write(", \"outputName\": ")
            text(ledger.outputName, &out)
            out.write(", \"seed\": ")
            number(ledger.seed, &out)
            out.write(", \"seedText\": ")
            text(ledger.seedText, &out)
            out.write(", \"steps\": [")
            for (index, step) in ledger.steps.enumerated() {
                out.write(index == 0 ? "\n {\"node\": " : ",\n {\"node\": ")
                text(id(step.node), &out)
                out.write(", \"grad\": ")
                number(step.grad, &out)
                // Issue 26: the name drawn on the node, its grad as the quiz checks it by hand,
                // and the leaves whose grads it makes final. The chain rule's line is left for
                // the page to write from the names, the local rule and the hand numbers: a
                // page's bytes a node are held to 1 KB (`pageSizeGrowsAtMostLinearlyWithTheNodes`).
                for (key, value) in [("gradText", step.gradText), ("name", step.name), ("handGrad", step.handGrad)] {
                    out.write(string: ", \"\(key)\": ")
                    text(value, &out)
                }
                out.write(", \"leaves\": [")
                for (k, leaf) in step.leaves.enumerated() {
                    if k > 0 { out.write(", ") }
                    text(id(leaf), &out)
                }
                out.write("], \"uses\": [")
                for (k, use) in step.uses.enumerated() {
                    out.write(k == 0 ? "{\"operand\": " : ", {\"operand\": ")
                    text(id(use.operand), &out)
                    out.write(", \"slot\": ")
                    out.write(use.slot)
                    for (key, value) in [("local", use.local), ("amount", use.amount), ("total", use.total)] {
                        out.write(string: ", \"\(key)\": ")
                        number(value, &out)
                    }
                    for (key, value) in [
                        ("localText", use.localText), ("amountText", use.amountText), ("totalText", use.totalText), ("text", use.text),
                        ("operandName", use.operandName), ("handLocal", use.handLocal), ("handGrad", use.handGrad),
                        ("handAmount", use.handAmount), ("handTotal", use.handTotal), ("rule", use.rule), ("localSymbol", use.localSymbol),
                    ] {
                        out.write(string: ", \"\(key)\": ")
                        text(value, &out)
                    }
                    out.write("}")
                }
                out.write("]}")
            }
            out.write("]}")
        }
    }

    /// A number as JSON has it, or `"NaN"`, `"Infinity"`, `"-Infinity"`.
    private static func number(_ x: Double, _ out: inout TextWriter) {
        if x.isFinite { out.write(exact: x) } else { out.write(string: "\"\(spell(x))\"") }
    }

    private static func text(_ value: String, _ out: inout TextWriter) {
        out.write("\"")
        out.write(value, escaping: .json)
        out.write("\"")
    }

    /// The header's controls: the search, the view's, the replay's (the script removes them
    /// from a page without a replay), the quiz's button (removed from a page without grads), a
    /// plate's example (shown on a page with a plate), and the status line.
    static let controls: StaticString = """
        <div id="find" role="search">
        <input id="search" type="search" placeholder="search ( / )" aria-label="search nodes by name, label, op or group; /regex/ too" autocomplete="off" spellcheck="false" aria-controls="results">
        <ul id="results" role="listbox" aria-label="matches" hidden></ul>
        </div>
        <nav id="view" aria-label="view">
        <button id="fit" title="Fit the whole graph in view (f)">fit</button>
        <button id="reset" title="Back to the first view (0)">reset</button>
        <button id="zoom-out" title="Zoom out (-)" aria-label="zoom out">&#8722;</button>
        <button id="zoom-in" title="Zoom in (+)" aria-label="zoom in">+</button>
        <button id="open-all" title="Open every group">open all</button>
        <button id="close-all" title="Close every group">close all</button>
        </nav>
        <nav id="replay" aria-label="replay backward">
        <button id="replay-start" class="primary" title="Start backward again: the output's grad is the seed, every other grad 0">replay backward</button>
        <button id="first" title="Jump to the start (Home)" aria-label="jump to the start">|&#9664;</button>
        <button id="back" title="Step back (&#8592;)" aria-label="step back">&#9664; back</button>
        <button id="play" title="Play or pause (space)">play</button>
        <button id="forward" title="Step forward (&#8594;)" aria-label="step forward">step &#9654;</button>
        <button id="last" title="Jump to the end: the final grads (End)" aria-label="jump to the end">&#9654;|</button>
        <input id="slider" type="range" min="0" max="0" value="0" aria-label="backward step">
        <label title="Steps a second when playing">speed <select id="speed">
        <option value="0.25">0.25&#215;</option><option value="0.5">0.5&#215;</option><option value="1" selected>1&#215;</option>
        <option value="2">2&#215;</option><option value="4">4&#215;</option><option value="8">8&#215;</option>
        </select></label>
        <label title="On a graph too big to read whole, zoom to each step's nodes (a wheel or a drag turns it off)"><input id="follow" type="checkbox" checked> follow</label>
        </nav>
        <button id="quiz" title="Hide the grads and work them out yourself">quiz</button>
        <div id="example" hidden>
        <label for="example-slider">example</label>
        <input id="example-slider" type="range" min="0" max="0" value="0" aria-label="the plate's example">
        <input id="example-number" type="number" min="0" max="0" value="0" aria-label="the plate's example, by number">
        </div>
        <span id="status" role="status"></span>

        """

    /// The graph, the panel beside it (under it on a narrow screen), and the hover line.
    static let stage: StaticString = """
        <nav id="crumbs" aria-label="where you are"></nav>
        <div id="stage">
        <main id="canvas" tabindex="0" aria-label="the graph: arrow keys pan, + and - zoom, f fits, 0 resets">
        <svg id="drawing" xmlns="http://www.w3.org/2000/svg" tabindex="-1" aria-label="the graph"></svg>
        <canvas id="minimap" hidden aria-hidden="true"></canvas>
        <div id="legend" hidden></div>
        </main>
        <aside id="panel"></aside>
        </div>
        <footer id="info">Hover a node for its full-precision data and grad; click one to see its path to the output.</footer>

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
