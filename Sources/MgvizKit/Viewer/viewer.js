"use strict";
// The names Graphviz puts in each group's <title>, made by NodeNames in
// Sources/MgvizExport/NodeNames.swift (the viewer's contract): a Value is "n3", its op
// "n3" + opSuffix, an edge "tail->head". A test checks that opSuffix matches.
const opSuffix = "_op";
const opName = id => id + opSuffix;
const edgeName = (tail, head) => `${tail}->${head}`;
const svgNS = "http://www.w3.org/2000/svg";

// The two data blocks HTMLViewer writes: the mgviz-graph dump, and backward's ledger.
const data = JSON.parse(document.getElementById("mgviz-data").textContent);
const ledger = JSON.parse(document.getElementById("mgviz-backward").textContent);
const svg = document.querySelector("#canvas svg");
// --color grad's legend: its swatches give the range of the grads away, so a quiz hides it.
const legend = [...svg.querySelectorAll("g.cluster")].find(g => g.querySelector("title")?.textContent === "cluster_legend");
const graph = svg.querySelector("g.graph") || svg;
const $ = id => document.getElementById(id);

// Every group by its title; an op that uses one operand twice (a * a) has two edge groups
// with the same title, in operand order.
const byTitle = {};
for (const g of svg.querySelectorAll("g.node, g.edge")) {
  const title = g.querySelector("title");
  if (!title) continue;
  (byTitle[title.textContent] ||= []).push(g);
}
const group = key => byTitle[key]?.[0];
const nodes = Object.fromEntries(data.nodes.map(n => [n.id, n]));
// Grads and data are numbers, or "NaN", "Infinity", "-Infinity", or null (not computed).
const num = x => x === null || x === undefined ? null : Number(x);
const name = id => nodes[id]?.label || id;
const hasGrads = data.nodes.some(n => n.grad !== null);
const steps = ledger.steps;
const N = steps ? steps.length : 0;
const palette = ledger.palette;

// The operand edges into each op, in operand order.
const operandEdges = {};
for (const e of data.edges) (operandEdges[e.to] ||= []).push(e.from);
const operandsOf = id => operandEdges[id] || [];
// The SVG group of the slot-th operand edge of `id`: the k-th of the groups titled
// operand->id_op, k counting the earlier slots that use the same operand.
function operandEdge(id, operand, slot) {
  const k = operandsOf(id).slice(0, slot).filter(from => from === operand).length;
  return byTitle[edgeName(operand, opName(id))]?.[k];
}

// Each Value's record as drawn: its fill, its texts' colours, and its grad line.
const records = {};
for (const n of data.nodes) {
  const g = group(n.id);
  if (!g) continue;
  const texts = [...g.querySelectorAll("text")];
  const gradLine = texts.find(t => t.textContent.startsWith("grad"));
  const shape = g.querySelector("polygon, ellipse");
  records[n.id] = {
    g, texts, gradLine, shape,
    prefix: gradLine ? gradLine.textContent.match(/^grad\s*/)[0] : "grad ",
    drawn: gradLine?.textContent,
    fill: shape?.getAttribute("fill"),
    textFills: texts.map(t => t.getAttribute("fill")),
    stroke: shape?.getAttribute("stroke"),
    strokeWidth: shape?.getAttribute("stroke-width"),
    // Outlined red for its final grad alone, NaN or infinite while its data is finite: the
    // outline follows the grad the page shows, so that a replay does not show it early.
    gradAlarm: !!shape?.hasAttribute("stroke-width") && Number.isFinite(num(n.data)) && n.grad !== null && !Number.isFinite(num(n.grad)),
  };
}
// A node's outline when nothing marks it: that of a node drawn without a width of its own.
const plainStroke = Object.values(records).find(r => r.shape && !r.shape.hasAttribute("stroke-width"))?.stroke ?? "black";
function outline(id, alarmed) {
  const r = records[id];
  if (!r?.gradAlarm) return;
  r.shape.setAttribute("stroke", alarmed ? r.stroke : plainStroke);
  if (alarmed) r.shape.setAttribute("stroke-width", r.strokeWidth);
  else r.shape.removeAttribute("stroke-width");
}
// The SVG's own tooltips carry the final grads; the page's hover line replaces them, so that
// neither the replay nor the quiz gives the final grads away early.
for (const a of svg.querySelectorAll("a")) {
  a.removeAttributeNS("http://www.w3.org/1999/xlink", "title");
  a.removeAttribute("title");
}
// The drawing's background, around it too (the dark theme's).
const background = graph.querySelector(":scope > polygon")?.getAttribute("fill");
if (background && background !== "white" && background !== "#ffffff") $("canvas").style.background = background;

// --color grad: a node's fill for grad g, as GradPalette computes it in Swift.
const rgb = hex => [1, 3, 5].map(i => parseInt(hex.slice(i, i + 2), 16));
const hex = channels => "#" + channels.map(c => c.toString(16).padStart(2, "0")).join("");
function paletteFill(grad, value) {
  if (grad === 0) return value !== 0 ? palette.dead : palette.faint;
  if (!Number.isFinite(grad)) return grad > 0 ? palette.positive : palette.negative;
  const span = palette.highest - palette.lowest;
  // A running grad may lie outside the final grads' range: it takes the nearer end.
  const t = Math.min(1, Math.max(0, span > 0 ? (Math.log10(Math.abs(grad)) - palette.lowest) / span : 1));
  const depth = palette.minimumDepth + (1 - palette.minimumDepth) * t;
  const end = rgb(grad > 0 ? palette.positive : palette.negative), faint = rgb(palette.faint);
  return hex(faint.map((f, i) => Math.round(f + (end[i] - f) * depth)));
}
function textColor(fill) {
  const [r, g, b] = rgb(fill).map(c => c / 255).map(c => c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) ? "#000000" : "#ffffff";
}
function paint(id, fill) {
  const r = records[id];
  if (!r?.shape) return;
  if (fill === null) {  // as drawn
    r.shape.setAttribute("fill", r.fill);
    r.texts.forEach((t, i) => r.textFills[i] === null ? t.removeAttribute("fill") : t.setAttribute("fill", r.textFills[i]));
    return;
  }
  r.shape.setAttribute("fill", fill);
  const color = textColor(fill);
  for (const t of r.texts) t.setAttribute("fill", color);
}
function setGrad(id, text, classes) {
  const r = records[id];
  if (!r?.gradLine) return;
  const shown = text === null ? r.drawn : r.prefix + text;
  if (r.gradLine.textContent !== shown) r.gradLine.textContent = shown;
  for (const c of ["pending", "updated", "hidden-grad", "right", "revealed"]) r.gradLine.classList.toggle(c, classes.includes(c));
}

// The replay. Before step 1 the output's grad is the seed and every other grad 0; step k runs
// the _backward of steps[k-1].node, adding each use's amount to its operand's grad.
const inLedger = new Set();
if (steps) {
  inLedger.add(ledger.output);
  for (const s of steps) {
    inLedger.add(s.node);
    for (const u of s.uses) inLedger.add(u.operand);
  }
}
// Zero at the diagram's precision: as many decimals as the seed's text has.
const zeroText = (() => {
  const decimals = /\.(\d+)$/.exec(ledger.seedText ?? "");
  return decimals ? "0." + "0".repeat(decimals[1].length) : "0";
})();
function runningAt(k) {
  const grads = new Map([[ledger.output, { value: num(ledger.seed), text: ledger.seedText }]]);
  for (let i = 0; i < k; i++) {
    for (const u of steps[i].uses) grads.set(u.operand, { value: num(u.total), text: u.totalText });
  }
  return grads;
}

// The page's state: "final" (the grads as drawn), "replay" (after `step` steps), or "quiz".
let mode = "final", step = N, timer = null, hovered = null, running = new Map();
const quiz = { right: 0, attempted: 0, solved: new Set(), revealed: new Set(), selected: null };

function clearMarks() {
  for (const g of svg.querySelectorAll(".current, .flow, .receives")) g.classList.remove("current", "flow", "receives");
  labels.replaceChildren();
}

// The contribution labels on the edges the gradient flows along, placed where they cover
// the least of the records (their grad lines above all) and of each other.
const labels = document.createElementNS(svgNS, "g");
labels.setAttribute("id", "flow-labels");
graph.appendChild(labels);
let obstacles = null, fixed = null;
function boxesOfNodes() {
  // The drawing does not move: its boxes are measured once.
  fixed ||= [
    ...[...svg.querySelectorAll("g.node")].map(g => ({ g, box: g.getBBox(), weight: 1 })),
    ...Object.values(records).filter(r => r.gradLine).map(r => ({ box: r.gradLine.getBBox(), weight: 4 })),
    ...[...graph.querySelectorAll(":scope > text")].map(t => ({ box: t.getBBox(), weight: 2 })),
  ];
  const boxes = fixed.map(o => o.g?.classList.contains("current") ? { box: o.box, weight: 3 } : o);
  for (const g of svg.querySelectorAll("g.edge.flow")) boxes.push({ box: g.getBBox(), weight: 0.5 });
  return boxes;
}
const overlap = (a, b) => Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)) *
  Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
function addLabel(edge, text, tooltip) {
  const path = edge?.querySelector("path");
  if (!path) return;
  obstacles ||= boxesOfNodes();
  const mid = path.getPointAtLength(path.getTotalLength() / 2);
  const label = document.createElementNS(svgNS, "g");
  label.setAttribute("class", "flow-label");
  label.setAttribute("data-edge", edge.id);
  const title = document.createElementNS(svgNS, "title");
  title.textContent = tooltip;
  const leader = document.createElementNS(svgNS, "line");
  const rect = document.createElementNS(svgNS, "rect");
  const words = document.createElementNS(svgNS, "text");
  words.textContent = text;
  words.setAttribute("text-anchor", "middle");
  label.append(title, leader, rect, words);
  labels.appendChild(label);
  const size = words.getBBox(), pad = 3;
  const w = size.width + 2 * pad, h = size.height + 2 * pad;
  let best = null;
  for (const dy of [0, -1, 1, -2, 2, -3, 3]) {
    for (const dx of [0, -0.5, 0.5]) {
      const cx = mid.x + dx * w, cy = mid.y + dy * (h + 2);
      const box = { x: cx - w / 2, y: cy - h / 2, width: w, height: h };
      let cost = Math.hypot(dx * w, dy * (h + 2)) * 0.5;
      for (const o of obstacles) cost += o.weight * overlap(box, o.box);
      if (!best || cost < best.cost) best = { cost, cx, cy, box };
    }
  }
  rect.setAttribute("x", best.box.x);
  rect.setAttribute("y", best.box.y);
  rect.setAttribute("width", w);
  rect.setAttribute("height", h);
  rect.setAttribute("rx", 3);
  words.setAttribute("x", best.cx);
  words.setAttribute("y", best.cy - size.y - size.height / 2);
  for (const [k, v] of [["x1", mid.x], ["y1", mid.y], ["x2", best.cx], ["y2", best.cy]]) leader.setAttribute(k, v);
  obstacles.push({ box: best.box, weight: 6 });
}

// Shows the state after step k of the replay (0 to N).
function show(k) {
  mode = "replay";
  step = Math.max(0, Math.min(k, N));
  running = runningAt(step);
  const current = step > 0 ? steps[step - 1] : null;
  const updated = new Set(current ? current.uses.map(u => u.operand) : []);
  for (const id of inLedger) {
    const r = running.get(id);
    setGrad(id, r ? r.text : zeroText, [...(r ? [] : ["pending"]), ...(updated.has(id) ? ["updated"] : [])]);
    // A node backward has not reached is neutral, not the grey of a dead one.
    if (palette) paint(id, r ? paletteFill(r.value, num(nodes[id]?.data)) : palette.faint);
    outline(id, r ? !Number.isFinite(r.value) : false);
  }
  clearMarks();
  obstacles = null;
  if (current) {
    for (const key of [current.node, opName(current.node)]) group(key)?.classList.add("current");
    if (current.uses.length) group(edgeName(opName(current.node), current.node))?.classList.add("flow");
    for (const u of current.uses) {
      operandEdge(current.node, u.operand, u.slot)?.classList.add("flow");
      group(u.operand)?.classList.add("receives");
    }
    for (const u of current.uses) {
      const amount = /^[-+]/.test(u.amountText) ? u.amountText : "+" + u.amountText;
      addLabel(operandEdge(current.node, u.operand, u.slot), `× ${u.localText} → ${amount}`,
        `${u.text}  (${name(u.operand)}.grad now ${u.totalText})`);
    }
  } else {
    group(ledger.output)?.classList.add("current");
  }
  updateControls();
  showLedger();
  follow(current ? [current.node, opName(current.node), ...current.uses.map(u => u.operand)] : [ledger.output]);
  $("status").textContent = step === 0
    ? `step 0 of ${N}: ${name(ledger.output)}.grad = ${ledger.seedText}, every other grad 0`
    : `step ${step} of ${N}: ${name(current.node)}._backward()`;
  refreshHover();
}

// The opening state: every data and grad as drawn, the final ones.
function showFinal() {
  mode = "final";
  step = N;
  for (const id of Object.keys(records)) {
    setGrad(id, null, []);
    paint(id, null);
    outline(id, true);
  }
  clearMarks();
  updateControls();
  const panel = $("panel");
  panel.replaceChildren();
  panel.append(heading("h2", "Backward's final grads"));
  panel.append(paragraph(steps
    ? `Every grad as backward left it. Press “replay backward” to start again from ${name(ledger.output)}.grad = ${ledger.seedText} ` +
      `and every other grad 0, and watch the ${N} steps add each contribution up, in micrograd's order.`
    : "This page has no replay."));
  if (hasGrads) panel.append(paragraph("Or press “quiz” to work the grads out yourself."));
  panel.append(paragraph("Hover a node for its exact numbers; click one for its path to the output; wheel to zoom, drag to pan."));
  $("status").textContent = steps ? `backward done: the final grads (${N} steps)` : forwardOnlyNote();
  refreshHover();
}

function forwardOnlyNote() {
  return hasGrads
    ? "no replay: this drawing is a part (--focus) of a larger graph, and backward ran over all of it"
    : "forward only (drawn with --no-backward): there are no grads to replay";
}

function heading(tag, text) { const h = document.createElement(tag); h.textContent = text; return h; }
function paragraph(text, className) { const p = document.createElement("p"); p.textContent = text; if (className) p.className = className; return p; }

// The panel: the ledger up to this step, in the notebook's terms, the current step last.
function showLedger() {
  const panel = $("panel");
  panel.replaceChildren();
  panel.append(heading("h2", `Backward, step ${step} of ${N}`));
  const log = document.createElement("ol");
  log.id = "ledger";
  log.start = 0;
  const start = document.createElement("li");
  start.className = "step" + (step === 0 ? " current" : "");
  start.append(heading("h3", "start"), code(`${name(ledger.output)}.grad = ${ledger.seedText}`),
    paragraph("the seed; every other grad is 0", "note"));
  log.append(start);
  const first = Math.max(0, step - 200);  // a long replay lists its last 200 steps
  for (let i = first; i < step; i++) {
    const s = steps[i];
    const item = document.createElement("li");
    item.value = i + 1;
    item.className = "step" + (i === step - 1 ? " current" : "");
    const title = heading("h3", `${name(s.node)}._backward()`);
    title.append(" ", Object.assign(document.createElement("span"), { className: "grad", textContent: `  ${name(s.node)}.grad = ${s.gradText}` }));
    item.append(title);
    if (!s.uses.length) {
      item.append(paragraph(nodes[s.node]?.op ? `${name(s.node)} passes nothing on` : `${name(s.node)} is a leaf: its _backward does nothing`, "note"));
    }
    for (const u of s.uses) {
      const line = document.createElement("div");
      line.className = "use";
      line.append(equation(u.text), " ", Object.assign(document.createElement("span"), {
        className: "total", textContent: `(${name(u.operand)}.grad now ${u.totalText})`,
      }));
      item.append(line);
    }
    log.append(item);
  }
  panel.append(log);
  if (step === N) panel.append(paragraph("Backward is done: every grad is final.", "note"));
  log.querySelector(".current")?.scrollIntoView({ block: "nearest" });
}
function code(text) { const c = document.createElement("code"); c.textContent = text; return c; }
// A use's text, `a.grad += a.data * b.grad = 3.0000 * 2.0000 = 6.0000`, as it is, in two
// parts that wrap as wholes: the rule, and its numbers from the first " = " on.
function equation(text) {
  const c = document.createElement("code");
  const cut = text.indexOf(" = ");
  const parts = cut < 0 ? [text] : [text.slice(0, cut), text.slice(cut + 1)];
  parts.forEach((part, i) => {
    if (i) c.append(" ");
    c.append(Object.assign(document.createElement("span"), { textContent: part }));
  });
  return c;
}

// Controls.
const speedBase = 1000;  // ms per step at 1×
const interval = () => speedBase / Number($("speed")?.value || 1);
function updateControls() {
  if (!steps) return;
  const replaying = mode !== "quiz";
  $("slider").value = step;
  $("back").disabled = !replaying || step === 0;
  $("first").disabled = !replaying || step === 0;
  $("forward").disabled = !replaying || step === N;
  $("last").disabled = !replaying || (step === N && mode === "final");
  $("play").disabled = $("slider").disabled = $("speed").disabled = !replaying;
  $("play").dataset.interval = interval();
}
function stop() {
  clearInterval(timer);
  timer = null;
  if (steps) $("play").textContent = "play";
}
function play() {
  if (timer) return stop();
  if (step >= N) show(0);
  $("play").textContent = "pause";
  timer = setInterval(tick, interval());
}
function tick() {
  show(step + 1);
  if (step >= N) stop();
}
const go = k => { stop(); show(k); };
if (steps) {
  $("slider").max = N;
  $("replay-start").onclick = () => { leaveQuiz(); go(0); };
  $("first").onclick = () => go(0);
  $("back").onclick = () => go(step - 1);
  $("forward").onclick = () => go(step + 1);
  $("last").onclick = () => go(N);
  $("play").onclick = play;
  $("slider").oninput = () => go(Number($("slider").value));
  $("speed").onchange = () => {
    $("play").dataset.interval = interval();
    if (timer) { clearInterval(timer); timer = setInterval(tick, interval()); }
  };
} else {
  $("replay")?.remove();
}
if (!hasGrads) $("quiz")?.remove();

// Keyboard: ← → step, space plays and pauses, Home and End jump; never while typing.
document.addEventListener("keydown", event => {
  if (!steps || mode === "quiz" || event.altKey || event.ctrlKey || event.metaKey) return;
  if (event.target.closest?.("input:not([type=range]), textarea, select, [contenteditable]")) return;
  const act = { ArrowRight: () => go(step + 1), ArrowLeft: () => go(step - 1), Home: () => go(0), End: () => go(N), " ": play }[event.key];
  if (!act) return;
  event.preventDefault();
  act();
});

// Quiz: the grads hidden; click a node, type its grad, and the page checks it against the
// final grad, right when within the tolerance absolutely, or relatively for large grads.
function parseAnswer(text) {
  const t = text.trim().toLowerCase().replace(/^\+/, "");
  if (t === "") return undefined;
  if (t === "nan" || t === "-nan") return NaN;
  if (/^-?inf(inity)?$/.test(t)) return t.startsWith("-") ? -Infinity : Infinity;
  const x = Number(t);
  return Number.isNaN(x) ? undefined : x;
}
function isRight(answer, grad) {
  if (Number.isNaN(grad) || Number.isNaN(answer)) return Number.isNaN(grad) && Number.isNaN(answer);
  if (!Number.isFinite(grad) || !Number.isFinite(answer)) return answer === grad;
  const error = Math.abs(answer - grad);
  return error <= ledger.tolerance || error <= ledger.tolerance * Math.abs(grad);
}
// Nodes whose grad the quiz asks: those with a grad, except the output, whose grad is the seed.
const givenInQuiz = id => id === (ledger.output ?? data.output);
const askable = data.nodes.filter(n => n.grad !== null && !givenInQuiz(n.id) && records[n.id]?.gradLine).map(n => n.id);

function enterQuiz() {
  stop();
  mode = "quiz";
  clearMarks();
  for (const id of Object.keys(records)) quizNode(id);
  updateControls();
  $("quiz").textContent = "leave quiz";
  $("quiz").classList.add("on");
  document.body.classList.add("quiz");
  if (legend) legend.style.display = "none";
  $("status").textContent = "quiz: click a node and type its grad";
  showQuiz();
  refreshHover();
}
function leaveQuiz() {
  if (mode !== "quiz") return;
  mode = "final";
  quiz.selected = null;
  $("quiz").textContent = "quiz";
  $("quiz").classList.remove("on");
  document.body.classList.remove("quiz");
  if (legend) legend.style.display = "";
  for (const g of svg.querySelectorAll(".selected")) g.classList.remove("selected");
}
function known(id) { return givenInQuiz(id) || quiz.solved.has(id) || quiz.revealed.has(id); }
function quizNode(id) {
  if (known(id)) {
    setGrad(id, null, quiz.solved.has(id) ? ["right"] : quiz.revealed.has(id) ? ["revealed"] : []);
    paint(id, null);
    outline(id, true);
  } else {
    setGrad(id, "?", ["hidden-grad"]);
    if (palette) paint(id, palette.faint);  // the colours would give the grads away
    outline(id, false);  // and so would a red outline
  }
}
function showQuiz() {
  const panel = $("panel");
  panel.replaceChildren();
  panel.append(heading("h2", "Quiz: find each grad"));
  panel.append(paragraph(`Click a node, type its grad and press Enter. ${name(ledger.output ?? data.output)}.grad is given: ` +
    `it is backward's seed. An answer is right within ${ledger.tolerance} of the grad (or that fraction of it, for large grads).`));
  const score = paragraph(`score ${quiz.right} / ${quiz.attempted}   ` +
    `(${quiz.solved.size} found, ${quiz.revealed.size} revealed, ${askable.filter(id => !known(id)).length} to go)`, "score");
  score.id = "score";
  panel.append(score);
  const question = document.createElement("div");
  question.id = "question";
  const id = quiz.selected;
  if (!id) {
    question.append(paragraph("Click a node to answer its grad.", "note"));
  } else if (known(id)) {
    question.append(paragraph(`${name(id)}.grad = ${records[id].drawn.slice(records[id].prefix.length)}` +
      (givenInQuiz(id) ? " (given)" : quiz.solved.has(id) ? " (you found it)" : " (revealed)")));
  } else {
    const form = document.createElement("form");
    form.id = "answer-form";
    const label = document.createElement("label");
    label.htmlFor = "answer";
    label.textContent = `${name(id)}.grad = `;
    const input = Object.assign(document.createElement("input"), { id: "answer", type: "text", inputMode: "decimal", autocomplete: "off", spellcheck: false });
    const check = Object.assign(document.createElement("button"), { id: "check", type: "submit", textContent: "check" });
    const reveal = Object.assign(document.createElement("button"), { id: "reveal", type: "button", textContent: "reveal" });
    reveal.onclick = () => { quiz.revealed.add(id); quizNode(id); showQuiz(); };
    form.append(label, input, " ", check, " ", reveal);
    form.onsubmit = event => {
      event.preventDefault();
      answer(id, input.value);
    };
    question.append(form);
  }
  if (quiz.feedback) question.append(paragraph(quiz.feedback.text, "feedback " + quiz.feedback.kind));
  panel.append(question);
  const all = Object.assign(document.createElement("button"), { id: "reveal-all", type: "button", textContent: "reveal all" });
  all.onclick = () => {
    for (const id of askable) if (!known(id)) quiz.revealed.add(id);
    quiz.feedback = null;
    for (const id of Object.keys(records)) quizNode(id);
    showQuiz();
  };
  panel.append(all);
  $("answer")?.focus();
}
function answer(id, text) {
  const value = parseAnswer(text);
  if (value === undefined) {
    quiz.feedback = { kind: "wrong", text: `“${text}” is not a number.` };
    return showQuiz();
  }
  quiz.attempted += 1;
  if (isRight(value, num(nodes[id].grad))) {
    quiz.right += 1;
    quiz.solved.add(id);
    quiz.feedback = { kind: "right", text: `Right: ${name(id)}.grad is ${nodes[id].grad}.` };
    quizNode(id);
  } else {
    quiz.feedback = { kind: "wrong", text: `Not ${text.trim()}: try again, or reveal it.` };
  }
  showQuiz();
}
function selectInQuiz(id) {
  for (const g of svg.querySelectorAll(".selected")) g.classList.remove("selected");
  group(id)?.classList.add("selected");
  quiz.selected = id;
  quiz.feedback = null;
  showQuiz();
}
if (hasGrads) {
  $("quiz").onclick = () => {
    if (mode !== "quiz") return enterQuiz();
    leaveQuiz();
    showFinal();
  };
}

// Hover: the exact numbers, and the grad the page is showing (the running one in the replay).
const info = $("info");
function refreshHover() { if (hovered) hover(hovered); }
function hover(id) {
  hovered = id;
  const n = nodes[id];
  let grad;
  if (n.grad === null) grad = "not computed";
  else if (mode === "replay" && inLedger.has(id)) {
    const r = running.get(id);
    grad = `${r ? r.value : 0} (running, after step ${step} of ${N}; ${r ? "so far" : "not reached yet"})`;
  } else if (mode === "quiz" && !known(id)) grad = "? (quiz)";
  else grad = String(n.grad);
  info.textContent = `${name(id)}${n.label ? " (" + id + ")" : ""}  ${n.op ? "op " + n.op + "  " : ""}${n.kind}${n.cluster ? "  " + n.cluster : ""}\n` +
    `data ${n.data}\ngrad ${grad}`;
}
for (const id of Object.keys(nodes)) {
  for (const key of [id, opName(id)]) {
    group(key)?.addEventListener("mouseenter", () => hover(id));
  }
}

// Click: the node's path to the output, everything else dimmed; click the background to clear.
// In the quiz a click picks the node to answer instead.
function trace(id) {
  const onPath = new Set([id]);
  for (const n of data.nodes) {  // topological order: a node is on the path if an operand is
    if (operandsOf(n.id).some(from => onPath.has(from))) onPath.add(n.id);
  }
  for (const g of svg.querySelectorAll(".onpath")) g.classList.remove("onpath");
  for (const n of onPath) {
    for (const key of [n, opName(n)]) group(key)?.classList.add("onpath");
    for (const from of new Set(operandsOf(n))) {
      if (onPath.has(from)) {
        for (const g of byTitle[edgeName(from, opName(n))] || []) g.classList.add("onpath");
        group(edgeName(opName(n), n))?.classList.add("onpath");
      }
    }
  }
  svg.classList.add("tracing");
  return onPath.size;
}
let dragged = false;
for (const id of Object.keys(nodes)) {
  for (const key of [id, opName(id)]) {
    group(key)?.addEventListener("click", event => {
      event.stopPropagation();
      if (dragged) { dragged = false; return; }
      if (mode === "quiz") selectInQuiz(id); else trace(id);
    });
  }
}
svg.addEventListener("click", () => {
  if (!dragged) svg.classList.remove("tracing");
  dragged = false;
});

// Pan and zoom by moving the viewBox.
const box = svg.viewBox.baseVal;
const whole = { x: box.x, y: box.y, width: box.width, height: box.height };

// Following the replay: on a graph too big to read whole, each step zooms to the nodes it
// involves and their labels. A wheel or a drag of the user's own turns it off.
let glide = null;
function follow(ids) {
  if (!$("follow")?.checked) return;
  const rect = svg.getBoundingClientRect();
  if (!rect.width || Math.min(rect.width / whole.width, rect.height / whole.height) >= 0.9) return;
  // The graph group's transform takes its coordinates (the boxes') to the viewBox's.
  const m = graph === svg ? new DOMMatrix() : graph.transform.baseVal.consolidate()?.matrix ?? new DOMMatrix();
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  const parts = [...ids.map(group), ...labels.querySelectorAll("g.flow-label")].filter(Boolean);
  for (const part of parts) {
    const b = part.getBBox();
    for (const [x, y] of [[b.x, b.y], [b.x + b.width, b.y + b.height]]) {
      const p = new DOMPoint(x, y).matrixTransform(m);
      x0 = Math.min(x0, p.x); y0 = Math.min(y0, p.y); x1 = Math.max(x1, p.x); y1 = Math.max(y1, p.y);
    }
  }
  if (!Number.isFinite(x0)) return;
  const pad = 40, most = 1.5;  // at most 1.5 screen pixels a point
  let width = Math.max(x1 - x0 + 2 * pad, rect.width / most), height = Math.max(y1 - y0 + 2 * pad, rect.height / most);
  if (width / height < rect.width / rect.height) width = height * rect.width / rect.height;
  else height = width * rect.height / rect.width;
  const target = { x: (x0 + x1) / 2 - width / 2, y: (y0 + y1) / 2 - height / 2, width, height };
  const from = { x: box.x, y: box.y, width: box.width, height: box.height };
  const start = performance.now(), duration = Math.min(300, interval() * 0.6);
  cancelAnimationFrame(glide);
  const frame = now => {
    const t = Math.min(1, (now - start) / duration), ease = t * (2 - t);
    for (const key of ["x", "y", "width", "height"]) box[key] = from[key] + (target[key] - from[key]) * ease;
    glide = t < 1 ? requestAnimationFrame(frame) : null;
  };
  glide = requestAnimationFrame(frame);
}
function manualView() {
  cancelAnimationFrame(glide);
  if ($("follow")) $("follow").checked = false;
}
svg.addEventListener("wheel", event => {
  event.preventDefault();
  manualView();
  const scale = event.deltaY > 0 ? 1.15 : 1 / 1.15;
  const rect = svg.getBoundingClientRect();
  const x = box.x + (event.clientX - rect.left) / rect.width * box.width;
  const y = box.y + (event.clientY - rect.top) / rect.height * box.height;
  box.x = x - (x - box.x) * scale; box.y = y - (y - box.y) * scale;
  box.width *= scale; box.height *= scale;
}, { passive: false });
let drag = null;
const canvas = $("canvas");
canvas.addEventListener("mousedown", event => {
  drag = { x: event.clientX, y: event.clientY, moved: 0 };
  dragged = false;
  canvas.classList.add("dragging");
});
window.addEventListener("mouseup", () => { drag = null; canvas.classList.remove("dragging"); });
window.addEventListener("mousemove", event => {
  if (!drag) return;
  const rect = svg.getBoundingClientRect();
  box.x -= (event.clientX - drag.x) / rect.width * box.width;
  box.y -= (event.clientY - drag.y) / rect.height * box.height;
  drag.moved += Math.abs(event.clientX - drag.x) + Math.abs(event.clientY - drag.y);
  if (drag.moved > 4 && !dragged) {  // a drag is not a click
    dragged = true;
    manualView();
  }
  drag.x = event.clientX;
  drag.y = event.clientY;
});

if (!steps) document.body.classList.add("no-replay");
if (ledger.quiz && hasGrads) enterQuiz(); else showFinal();
