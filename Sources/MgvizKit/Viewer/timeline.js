"use strict";
// The timeline page (TimelinePage.swift): the step slider moves the marker of every chart,
// shows the step's loss, and the graph of the nearest step at or before it that kept one,
// its parameter nodes showing the slider's step's data and grad (and fill, under --color grad).
(() => {
  const run = JSON.parse(document.getElementById("mgviz-run").textContent);
  const slider = document.getElementById("step");
  const text = document.getElementById("status");
  const lossLabel = document.getElementById("loss-at");
  const graphs = [...document.querySelectorAll("#graphs > .graph")];
  const actualSize = document.getElementById("actual-size");
  actualSize.addEventListener("click", () => {
    const pressed = actualSize.getAttribute("aria-pressed") !== "true";
    actualSize.setAttribute("aria-pressed", String(pressed));
    document.getElementById("graphs").classList.toggle("actual-size", pressed);
  });
  const markers = [...document.querySelectorAll("svg.chart")].map(svg => ({
    line: svg.querySelector("line.at"), width: svg.viewBox.baseVal.width, steps: Number(svg.dataset.steps) }));
  const parameterIndex = new Map(run.parameters.map((name, k) => [name, k]));
  // Each graph's parameter nodes, found when it is laid out: its node whose label is the
  // parameter's name, where one node alone has it, with its kept numbers to put back.
  const nodes = new Map();
  const lossText = loss => typeof loss === "number" ? loss.toPrecision(6) : loss;

  function lineOf(node, word) {
    return [...node.querySelectorAll("text")].find(t => t.textContent.startsWith(word + " "));
  }

  function parameterNodes(graph) {
    const byName = new Map();
    for (const node of graph.querySelectorAll("g.node")) {
      const label = node.querySelector("text")?.textContent;
      if (!parameterIndex.has(label)) continue;
      byName.set(label, byName.has(label) ? null : node);
    }
    const found = [];
    for (const [name, node] of byName) {
      const data = node && lineOf(node, "data"), grad = node && lineOf(node, "grad");
      if (!data || !grad) continue;
      const box = node.querySelector("polygon, path"), link = node.querySelector("a");
      found.push({ k: parameterIndex.get(name), texts: [...node.querySelectorAll("text")], data, grad, box, link,
                   kept: { data: data.textContent, grad: grad.textContent, fill: box?.getAttribute("fill"),
                           color: data.getAttribute("fill"), title: link?.getAttribute("xlink:title") } });
    }
    return found;
  }

  // A dead unit's neuron, outlined in a graph kept from its step on.
  function markDead(graph) {
    for (const cluster of graph.querySelectorAll("g.cluster")) {
      const name = cluster.querySelector("text")?.textContent;
      const dead = run.dead.find(d => d.unit === name && d.step <= Number(graph.dataset.step));
      if (!dead) continue;
      cluster.classList.add("dead");
      const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
      title.textContent = `${name}: dead since step ${dead.step}`;
      cluster.append(title);
    }
  }

  // Lays a graph out from its template (once), hidden until shown.
  function inflate(graph) {
    const template = graph.querySelector("template");
    if (template) {
      graph.classList.add("off");
      graph.replaceChildren(template.content);
    }
    if (!nodes.has(graph)) {
      markDead(graph);
      nodes.set(graph, parameterNodes(graph));
    }
  }

  // The parameters of the shown graph at `step`: its numbers, or the kept ones at its own step.
  function showParameters(graph, step) {
    const kept = Number(graph.dataset.step) === step;
    const numbers = kept ? null : run.numbers[step - 1].split(" ");
    const fills = kept || !run.fills ? null : run.fills[step - 1].split(" ");
    for (const p of nodes.get(graph)) {
      const data = kept ? p.kept.data : `data ${numbers[2 * p.k]}`, grad = kept ? p.kept.grad : `grad ${numbers[2 * p.k + 1]}`;
      // A text set lays its SVG out again: only those that change.
      if (p.data.textContent !== data) p.data.textContent = data;
      if (p.grad.textContent !== grad) p.grad.textContent = grad;
      if (p.link) {
        p.link.setAttribute("xlink:title", kept ? p.kept.title : `${p.kept.title.split("\n")[0]}\n${data} (step ${step}, rounded)\n${grad}`);
      }
      if (fills) {
        const fill = fills[p.k];
        p.box?.setAttribute("fill", "#" + fill.slice(0, 6));
        for (const t of p.texts) t.setAttribute("fill", fill.endsWith("w") ? "#ffffff" : "#000000");
      } else if (run.fills) {
        if (p.kept.fill !== null) p.box?.setAttribute("fill", p.kept.fill);
        for (const t of p.texts) {
          if (p.kept.color === null) t.removeAttribute("fill"); else t.setAttribute("fill", p.kept.color);
        }
      }
    }
  }

  function show(step) {
    slider.value = step;
    const loss = run.loss[step - 1];
    text.textContent = `${step} of ${run.loss.length}: loss ${lossText(loss)}`;
    for (const { line, width, steps } of markers) {
      const x = steps > 1 ? (step - 1) / (steps - 1) * width : 0;
      line.setAttribute("x1", x);
      line.setAttribute("x2", x);
    }
    const at = run.loss.length > 1 ? (step - 1) / (run.loss.length - 1) : 0;
    lossLabel.textContent = `step ${step}: ${lossText(loss)}`;
    lossLabel.style.left = `${100 * at}%`;
    lossLabel.style.transform = `translateX(-${100 * at}%)`;
    const shown = run.graphSteps.filter(s => s <= step).pop() ?? run.graphSteps[0];
    const graph = graphs.find(g => Number(g.dataset.step) === shown);
    inflate(graph);
    for (const g of graphs) {
      g.classList.toggle("off", g !== graph);
      g.setAttribute("aria-hidden", g !== graph);
    }
    showParameters(graph, step);
    document.getElementById("graph-title").textContent = `graph at step ${shown}` + (shown === step ? "" : `, its parameters at step ${step}`);
    document.getElementById("graph-note").textContent = shown === step ? "" : nodes.get(graph).length > 0
      ? `Parameters show step ${step}'s data and grad; every other node shows step ${shown}'s, the nearest step at or before ${step} that kept the whole graph.`
      : `Every node shows step ${shown}'s numbers, the nearest step at or before ${step} that kept the whole graph: this drawing has no parameter nodes to show step ${step}'s.`;
  }

  slider.addEventListener("input", () => show(Number(slider.value)));
  for (const a of document.querySelectorAll("#alarms a")) {
    a.addEventListener("click", event => { event.preventDefault(); show(Number(a.dataset.step)); });
  }
  show(Number(slider.value));
  document.body.dataset.ready = "true";
  // The graphs not shown are laid out once the page has shown, one a task, so that the
  // slider finds them ready. The page notes when it first showed (the frame after this
  // script, its graph laid out and painted) and when all its graphs were laid out, in ms from
  // navigation, for benchmarks/timeline_page.py.
  window.addEventListener("load", () => {
    const waiting = graphs.filter(g => g.querySelector("template"));
    const next = () => {
      const graph = waiting.shift();
      if (!graph) { document.body.dataset.graphs = Math.round(performance.now()); return; }
      inflate(graph);
      // Laid out now, beneath the graph shown, rather than at the slider's first move.
      graph.getBoundingClientRect();
      setTimeout(next, 0);
    };
    requestAnimationFrame(() => setTimeout(() => { document.body.dataset.shown = Math.round(performance.now()); next(); }, 0));
  });
})();
