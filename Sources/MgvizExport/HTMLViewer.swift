/// `-o graph.html`: one self-contained page (no network) with the SVG inline, the JSON dump
/// as data, and a little plain JavaScript: pan and zoom, full-precision hover, a stepper that
/// replays backward in reverse topological order, and click-to-highlight the path to the output.
public struct HTMLViewer: Sendable {
    public init() {}

    /// The page for `diagram`, whose SVG rendering (of the same diagram) is `svg`.
    public func page(svg: [UInt8], diagram: Diagram) -> [UInt8] {
        var out = TextWriter(capacity: svg.count + 300 * diagram.nodes.count + 16_000)
        out.write("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
        out.write(diagram.title ?? "mgviz", escaping: .html)
        out.write("</title>\n<style>\n")
        out.write(Self.style)
        out.write("</style>\n</head>\n<body>\n<header>\n<h1>")
        out.write(diagram.title ?? "mgviz", escaping: .html)
        out.write("</h1>\n")
        out.write(Self.controls)
        out.write("</header>\n<main id=\"canvas\">\n")
        // The SVG without its XML prolog and doctype, which are not allowed inside HTML.
        let text = String(decoding: svg, as: UTF8.self)
        out.write(text.range(of: "<svg").map { String(text[$0.lowerBound...]) } ?? text)
        out.write("</main>\n<aside id=\"info\">Hover a node for its full-precision data and grad; click one to see its path to the output.</aside>\n")
        out.write("<script type=\"application/json\" id=\"mgviz-data\">")
        out.write(scriptData: JSONExporter().exportBytes(diagram))
        out.write("</script>\n<script>\n")
        out.write(Self.script)
        out.write("</script>\n</body>\n</html>\n")
        return out.bytes
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

    static let style: StaticString = """
        body { margin: 0; font: 14px Helvetica, Arial, sans-serif; display: grid; grid-template-rows: auto 1fr auto; height: 100vh; }
        header { padding: 6px 12px; border-bottom: 1px solid #ddd; display: flex; gap: 16px; align-items: center; flex-wrap: wrap; }
        h1 { font-size: 16px; margin: 0; }
        nav { display: flex; gap: 6px; align-items: center; }
        #slider { width: 240px; }
        main { overflow: hidden; cursor: grab; }
        main.dragging { cursor: grabbing; }
        main svg { width: 100%; height: 100%; }
        aside { padding: 6px 12px; border-top: 1px solid #ddd; font-family: Menlo, monospace; white-space: pre; min-height: 3.6em; }
        g.node.current > polygon, g.node.current > ellipse, g.node.current a > polygon, g.node.current a > ellipse { stroke: #e8590c; stroke-width: 4; }
        g.edge.flow > path { stroke: #e8590c; stroke-width: 3; }
        g.edge.flow > polygon { stroke: #e8590c; fill: #e8590c; }
        svg.tracing g.node:not(.onpath), svg.tracing g.edge:not(.onpath) { opacity: 0.2; }
        text.pending { fill: #adb5bd; }

        """

    static let script: StaticString = """
        "use strict";
        const data = JSON.parse(document.getElementById("mgviz-data").textContent);
        const svg = document.querySelector("#canvas svg");
        const byTitle = {};
        for (const g of svg.querySelectorAll("g.node, g.edge")) {
          const title = g.querySelector("title");
          if (title) byTitle[title.textContent] = g;
        }
        const nodes = Object.fromEntries(data.nodes.map(n => [n.id, n]));
        // Backward visits nodes in reverse topological order: the dump's order, reversed.
        const order = data.nodes.map(n => n.id).reverse();
        const gradText = {};
        for (const id of order) {
          const g = byTitle[id];
          const text = g && [...g.querySelectorAll("text")].find(t => t.textContent.startsWith("grad"));
          if (text) gradText[id] = { element: text, shown: text.textContent };
        }
        const hasGrads = data.nodes.some(n => n.grad !== null);
        const slider = document.getElementById("slider");
        const status = document.getElementById("status");
        slider.max = hasGrads ? order.length : 0;
        let step = 0, timer = null;

        function operandsOf(id) { return data.edges.filter(e => e.to === id).map(e => e.from); }
        function label(id) { return nodes[id].label ? `${id} '${nodes[id].label}'` : id; }

        // Step k: the first k nodes of backward are done; the k-th is being processed, and its
        // grad flows along the edges into its op and on to its operands.
        function show(k) {
          step = Math.max(0, Math.min(k, Number(slider.max)));
          slider.value = step;
          order.forEach((id, i) => {
            const t = gradText[id];
            if (!t) return;
            t.element.textContent = i < step ? t.shown : "grad ?";
            t.element.classList.toggle("pending", i >= step);
          });
          for (const g of svg.querySelectorAll(".current, .flow")) g.classList.remove("current", "flow");
          if (step === 0) {
            status.textContent = hasGrads ? `backward: ${order.length} nodes to process` : "forward only: no grads";
            return;
          }
          const id = order[step - 1];
          for (const key of [id, id + "_op"]) byTitle[key]?.classList.add("current");
          byTitle[`${id}_op->${id}`]?.classList.add("flow");
          for (const from of operandsOf(id)) byTitle[`${from}->${id}_op`]?.classList.add("flow");
          status.textContent = `step ${step} of ${order.length}: ${label(id)} grad ${nodes[id].grad}`;
        }

        function stop() { clearInterval(timer); timer = null; document.getElementById("play").textContent = "play"; }
        document.getElementById("reset").onclick = () => { stop(); show(0); };
        document.getElementById("step").onclick = () => show(step + 1);
        document.getElementById("play").onclick = () => {
          if (timer) return stop();
          if (step >= order.length) show(0);
          document.getElementById("play").textContent = "pause";
          timer = setInterval(() => { show(step + 1); if (step >= order.length) stop(); }, 500);
        };
        slider.oninput = () => { stop(); show(Number(slider.value)); };

        // Hover: the exact numbers.
        const info = document.getElementById("info");
        for (const id of Object.keys(nodes)) {
          for (const key of [id, id + "_op"]) {
            byTitle[key]?.addEventListener("mouseenter", () => {
              const n = nodes[id];
              info.textContent = `${label(id)}  ${n.op ? "op " + n.op + "  " : ""}${n.kind}${n.cluster ? "  " + n.cluster : ""}\\n` +
                `data ${n.data}\\ngrad ${n.grad === null ? "not computed" : n.grad}`;
            });
          }
        }

        // Click: the node's path to the output, everything else dimmed; click the background to clear.
        function trace(id) {
          const onPath = new Set([id]);
          for (const n of data.nodes) {  // topological order: a node is on the path if an operand is
            if (operandsOf(n.id).some(from => onPath.has(from))) onPath.add(n.id);
          }
          for (const g of svg.querySelectorAll(".onpath")) g.classList.remove("onpath");
          for (const n of onPath) {
            for (const key of [n, n + "_op"]) byTitle[key]?.classList.add("onpath");
            for (const from of operandsOf(n)) {
              if (onPath.has(from)) {
                byTitle[`${from}->${n}_op`]?.classList.add("onpath");
                byTitle[`${n}_op->${n}`]?.classList.add("onpath");
              }
            }
          }
          svg.classList.add("tracing");
          return onPath.size;
        }
        for (const id of Object.keys(nodes)) {
          byTitle[id]?.addEventListener("click", event => { event.stopPropagation(); trace(id); });
        }
        svg.addEventListener("click", () => svg.classList.remove("tracing"));

        // Pan and zoom by moving the viewBox.
        const box = svg.viewBox.baseVal;
        svg.addEventListener("wheel", event => {
          event.preventDefault();
          const scale = event.deltaY > 0 ? 1.15 : 1 / 1.15;
          const rect = svg.getBoundingClientRect();
          const x = box.x + (event.clientX - rect.left) / rect.width * box.width;
          const y = box.y + (event.clientY - rect.top) / rect.height * box.height;
          box.x = x - (x - box.x) * scale; box.y = y - (y - box.y) * scale;
          box.width *= scale; box.height *= scale;
        }, { passive: false });
        let drag = null;
        const canvas = document.getElementById("canvas");
        canvas.addEventListener("mousedown", event => { drag = { x: event.clientX, y: event.clientY }; canvas.classList.add("dragging"); });
        window.addEventListener("mouseup", () => { drag = null; canvas.classList.remove("dragging"); });
        window.addEventListener("mousemove", event => {
          if (!drag) return;
          const rect = svg.getBoundingClientRect();
          box.x -= (event.clientX - drag.x) / rect.width * box.width;
          box.y -= (event.clientY - drag.y) / rect.height * box.height;
          drag = { x: event.clientX, y: event.clientY };
        });
        show(0);

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
