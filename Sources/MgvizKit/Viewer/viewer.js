"use strict";
// The names Graphviz puts in each group's <title>, made by NodeNames in
// Sources/MgvizExport/NodeNames.swift (the viewer's contract): a Value is "n3", its op
// "n3" + opSuffix, an edge "tail->head". A test checks that opSuffix matches.
const opSuffix = "_op";
const opName = id => id + opSuffix;
const edgeName = (tail, head) => `${tail}->${head}`;
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
  for (const key of [id, opName(id)]) byTitle[key]?.classList.add("current");
  byTitle[edgeName(opName(id), id)]?.classList.add("flow");
  for (const from of operandsOf(id)) byTitle[edgeName(from, opName(id))]?.classList.add("flow");
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
  for (const key of [id, opName(id)]) {
    byTitle[key]?.addEventListener("mouseenter", () => {
      const n = nodes[id];
      info.textContent = `${label(id)}  ${n.op ? "op " + n.op + "  " : ""}${n.kind}${n.cluster ? "  " + n.cluster : ""}\n` +
        `data ${n.data}\ngrad ${n.grad === null ? "not computed" : n.grad}`;
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
    for (const key of [n, opName(n)]) byTitle[key]?.classList.add("onpath");
    for (const from of operandsOf(n)) {
      if (onPath.has(from)) {
        byTitle[edgeName(from, opName(n))]?.classList.add("onpath");
        byTitle[edgeName(opName(n), n)]?.classList.add("onpath");
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
