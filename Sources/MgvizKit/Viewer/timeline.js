"use strict";
// The timeline page (TimelinePage.swift): the step slider moves the marker of every chart,
// shows the step's loss, and the graph of the nearest step at or before it that kept one.
(() => {
  const run = JSON.parse(document.getElementById("mgviz-run").textContent);
  const slider = document.getElementById("step");
  const text = document.getElementById("status");
  const graphs = [...document.querySelectorAll("#graph .graph")];
  const markers = [...document.querySelectorAll("svg.chart")].map(svg => ({
    line: svg.querySelector("line.at"), width: svg.viewBox.baseVal.width, steps: Number(svg.dataset.steps) }));
  function show(step) {
    slider.value = step;
    const loss = run.loss[step - 1];
    text.textContent = `${step} of ${run.loss.length}: loss ${typeof loss === "number" ? loss.toPrecision(6) : loss}`;
    for (const { line, width, steps } of markers) {
      const x = steps > 1 ? (step - 1) / (steps - 1) * width : 0;
      line.setAttribute("x1", x);
      line.setAttribute("x2", x);
    }
    const shown = run.graphSteps.filter(s => s <= step).pop() ?? run.graphSteps[0];
    for (const g of graphs) g.classList.toggle("off", Number(g.dataset.step) !== shown);
    document.getElementById("graph-title").textContent = `graph at step ${shown}` + (shown === step ? "" : ` (the nearest kept at or before step ${step})`);
  }
  // A dead unit's neuron, outlined in each graph kept from its step on.
  for (const g of graphs) {
    for (const cluster of g.querySelectorAll("g.cluster")) {
      const name = cluster.querySelector("text")?.textContent;
      const dead = run.dead.find(d => d.unit === name && d.step <= Number(g.dataset.step));
      if (!dead) continue;
      cluster.classList.add("dead");
      const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
      title.textContent = `${name}: dead since step ${dead.step}`;
      cluster.append(title);
    }
  }
  slider.addEventListener("input", () => show(Number(slider.value)));
  for (const a of document.querySelectorAll("#alarms a")) {
    a.addEventListener("click", event => { event.preventDefault(); show(Number(a.dataset.step)); });
  }
  show(Number(slider.value));
  document.body.dataset.ready = "true";
})();
