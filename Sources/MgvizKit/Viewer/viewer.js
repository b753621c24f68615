"use strict";
// The page's script. It holds no layout engine: every position comes from layouts that
// Graphviz made when the page was written (Sources/MgvizKit/Page/PageLayouts.swift), one per
// structure of container, and the script only places an opened container's inside in its box,
// stretching the layout around it where the box is bigger than the layout made room for.
// It draws, as SVG, what is in view, from the node table.
//
// Names the tests and the ledger use (NodeNames in Sources/MgvizExport/NodeNames.swift): a
// Value is "n3", its op "n3" + opSuffix; a closed container is "c5", its op "c5" + opSuffix.
const opSuffix = "_op";
const svgNS = "http://www.w3.org/2000/svg";
const $ = id => document.getElementById(id);

// ---- The data: the page's (PageData.swift) and backward's ledger (HTMLViewer.backwardData).
const page = JSON.parse($("mgviz-page").textContent);
const ledger = JSON.parse($("mgviz-backward").textContent);
function decode(text, Type) {
  if (text === null || text === undefined) return null;
  const binary = atob(text), bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Type(bytes.buffer);
}
const G = page.geometry;
const LR = page.rankdir === "LR";
const precision = page.precision;
const N = page.nodes.count;
const opOf = decode(page.nodes.op, Uint16Array), kindOf = decode(page.nodes.kind, Uint8Array);
const opName = i => page.nodes.opTable[opOf[i]];
const kindName = i => page.nodes.kinds[kindOf[i]];
const nameNumbers = decode(page.nodes.names, Int32Array);
const idOf = i => "n" + (nameNumbers ? nameNumbers[i] : i);
const nodeData = decode(page.nodes.data, Float64Array), nodeGrad = decode(page.nodes.grad, Float64Array);
const hasGrads = nodeGrad !== null;
const operandStart = decode(page.nodes.operandStart, Int32Array), operandList = decode(page.nodes.operands, Int32Array);
const containerOf = decode(page.nodes.container, Int32Array);
const folds = page.nodes.folds, problems = page.nodes.problems, edgeNotes = page.nodes.notes;
const indexOfId = new Map();
for (let i = 0; i < N; i++) indexOfId.set(idOf(i), i);
const operandsOf = i => operandList.subarray(operandStart[i], operandStart[i + 1]);
// The results that use each node.
const resultStart = new Int32Array(N + 1), resultList = new Int32Array(operandList.length);
{
  for (const operand of operandList) resultStart[operand + 1]++;
  for (let i = 0; i < N; i++) resultStart[i + 1] += resultStart[i];
  const filled = resultStart.slice();
  for (let i = 0; i < N; i++) for (const operand of operandsOf(i)) resultList[filled[operand]++] = i;
}
const resultsOf = i => resultList.subarray(resultStart[i], resultStart[i + 1]);

const containers = page.containers.map(c => ({ ...c, items: decode(c.items, Int32Array), children: [], depth: 0 }));
for (let c = 1; c < containers.length; c++) {
  containers[containers[c].parent].children.push(c);
  containers[c].depth = containers[containers[c].parent].depth + 1;
}
// Each node's and each container's index among its container's items.
const nodeItem = new Int32Array(N), containerItem = new Int32Array(containers.length);
containers.forEach(c => c.items.forEach((item, k) => { if (item >= 0) nodeItem[item] = k; else containerItem[~item] = k; }));
const classes = page.classes.map(k => {
  const edges = decode(k.edges, Int32Array), byEnds = new Map();
  for (let e = 0; e < edges.length / 2; e++) {
    const key = edges[2 * e] + ">" + edges[2 * e + 1];
    if (!byEnds.has(key)) byEnds.set(key, []);
    byEnds.get(key).push(e);
  }
  return {
    edges, byEnds, edgeLabels: k.edgeLabels, entry: decode(k.entry, Uint8Array), exit: decode(k.exit, Uint8Array),
    drawsOp: decode(k.drawsOp, Uint8Array), fieldStart: decode(k.fieldStart, Int32Array), fields: decode(k.fields, Float32Array),
    closed: k.closed, allOpen: k.allOpen, levelOpen: k.levelOpen, singles: new Map(k.singles),
  };
});
const layouts = page.layouts.map(l => ({
  width: l.width, height: l.height, boxes: new Set(l.boxes),
  records: decode(l.records, Float32Array), ops: decode(l.ops, Float32Array), entries: decode(l.entries, Float32Array),
  exits: decode(l.exits, Float32Array), points: decode(l.points, Float32Array), labels: decode(l.labels, Float32Array),
  edgeStart: decode(l.edgeStart, Int32Array),
}));
const canOpen = c => classes[containers[c].class].closed >= 0;

// ---- The plate: every example's numbers and varying labels, and the example shown.
const plate = page.plate && {
  ...page.plate, members: decode(page.plate.members, Int32Array), data: decode(page.plate.data, Float64Array),
  grad: decode(page.plate.grad, Float64Array), noteEdges: decode(page.plate.noteEdges, Int32Array),
  noteAmounts: decode(page.plate.noteAmounts, Float64Array),
};
const plateColumn = new Int32Array(N).fill(-1);
if (plate) plate.members.forEach((node, m) => { plateColumn[node] = m; });
const noteColumn = new Map();
if (plate) plate.noteEdges.forEach((edge, e) => noteColumn.set(edge, e));
let example = plate ? plate.shown : 0;
// The ledger is backward on the example the page was written with.
const ledgerExample = example;

// Nudge and update (issue 26): the values after the reader's update steps, or null for the
// drawn ones. Only where the evaluator runs: one graph, no plate, nothing folded.
let live = null;
function dataOf(i) {
  if (live) return live.data[i];
  const m = plateColumn[i];
  return m >= 0 ? plate.data[example * plate.members.length + m] : nodeData[i];
}
function finalGradOf(i) {
  if (!hasGrads) return null;
  if (live) return live.grads[i];
  const m = plateColumn[i];
  return m >= 0 && plate.grad ? plate.grad[example * plate.members.length + m] : nodeGrad[i];
}
function labelOf(i) {
  const m = plateColumn[i];
  if (m >= 0 && plate.labels[m]) return plate.labels[m][example];
  return page.nodes.labels[i] ?? "";
}
// A node's name, as drawn on it (issue 26: every node has one; an id is never shown to the reader).
const name = i => labelOf(i).replace(/^= /, "") || (opName(i) ? `${opName(i)} of ${operandsOf(i).length} values` : "a value");
// A name as one operand of the chain rule's symbols: `(e0 + e1)` where it is not one already,
// as ValueNames.atom writes it in Swift: an identifier with indices, or a call of one whose
// parentheses close at its end.
function atom(text) {
  if (/^[A-Za-z_][\w.\[\]]*$/.test(text) || text === "…") return text;
  const call = /^[A-Za-z_]\w*\(/.exec(text);
  if (call && text.endsWith(")")) {
    let depth = 0;
    for (let k = call[0].length - 1; k < text.length; k++) {
      depth += text[k] === "(" ? 1 : text[k] === ")" ? -1 : 0;
      if (depth === 0) return k === text.length - 1 ? text : `(${text})`;
    }
  }
  return `(${text})`;
}

// ---- Numbers as the diagram draws them (FixedDigits in Swift): exactly `precision` digits,
// rounded half to even from the exact binary value, as C's printf; an exact zero unsigned;
// a number that only rounds to zero `≈0` or `≈-0`; NaN and the infinities spelled out.
const pow10 = [];
for (let d = 0, p = 1n; d <= 17; d++, p *= 10n) pow10.push(p);
const scratch = new DataView(new ArrayBuffer(8));
function fixed(x, decimals) {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "Infinity" : "-Infinity";
  scratch.setFloat64(0, x);
  const bits = scratch.getBigUint64(0);
  const negative = bits >> 63n === 1n, exponent = Number((bits >> 52n) & 0x7ffn);
  let significand = bits & 0xfffffffffffffn;
  if (exponent) significand |= 1n << 52n;
  const shift = (exponent ? exponent : 1) - 1075;  // the value is significand × 2^shift
  let scaled = significand * pow10[decimals];
  if (shift >= 0) scaled <<= BigInt(shift);
  else {
    const s = BigInt(-shift), remainder = scaled & ((1n << s) - 1n), half = 1n << (s - 1n);
    scaled >>= s;
    if (remainder > half || (remainder === half && (scaled & 1n) === 1n)) scaled += 1n;
  }
  let digits = scaled.toString().padStart(decimals + 1, "0");
  if (decimals > 0) digits = digits.slice(0, -decimals) + "." + digits.slice(-decimals);
  return (negative ? "-" : "") + digits;
}
function drawn(x) {
  if (x === 0) return fixed(0, precision);
  const text = fixed(x, precision);
  return /^-?[0.]*$/.test(text) ? (x < 0 ? "≈-0" : "≈0") : text;
}
// Full precision, as the hover line and the search list show it: JSON's digits.
const exact = x => Number.isFinite(x) ? String(x) : Number.isNaN(x) ? "NaN" : x > 0 ? "Infinity" : "-Infinity";

// ---- Colours.
const prefersDark = page.darkColors && window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
let colors = prefersDark?.matches ? page.darkColors : page.colors;
const rgb = hex => [1, 3, 5].map(i => parseInt(hex.slice(i, i + 2), 16));
const toHex = channels => "#" + channels.map(c => c.toString(16).padStart(2, "0")).join("");
function textColor(fill) {
  if (!/^#[0-9a-f]{6}$/i.test(fill)) return colors.text;
  const [r, g, b] = rgb(fill).map(c => c / 255).map(c => c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) ? "#000000" : "#ffffff";
}
// --color grad: a fill for grad g, as GradPalette computes it in Swift.
const palette = ledger.palette;
function paletteFill(grad, value) {
  if (grad === 0) return value !== 0 ? palette.dead : palette.faint;
  if (!Number.isFinite(grad)) return grad > 0 ? palette.positive : palette.negative;
  const span = palette.highest - palette.lowest;
  // A running grad may lie outside the final grads' range: it takes the nearer end.
  const t = Math.min(1, Math.max(0, span > 0 ? (Math.log10(Math.abs(grad)) - palette.lowest) / span : 1));
  const depth = palette.minimumDepth + (1 - palette.minimumDepth) * t;
  const end = rgb(grad > 0 ? palette.positive : palette.negative), faint = rgb(palette.faint);
  return toHex(faint.map((f, i) => Math.round(f + (end[i] - f) * depth)));
}
const kindFill = kind => colors[kind === "op" ? "value" : kind];

// ---- The page's state.
const steps = ledger.steps;
const S = steps ? steps.length : 0;
let mode = "final";  // "final": the grads as drawn; "replay": after `step` steps; "quiz"
let step = S, timer = null, running = new Map();
const quiz = { right: 0, attempted: 0, solved: new Set(), revealed: new Set(), misses: new Map(), selected: null, feedback: null };
let open = new Set([0]);   // the containers open; the root always is
let traced = null;         // the nodes on a clicked node's path to the output
let found = null;          // the item a search chose
let located = 0;           // the container the breadcrumb shows
const inLedger = new Set();
if (steps) {
  inLedger.add(indexOfId.get(ledger.output));
  for (const s of steps) {
    inLedger.add(indexOfId.get(s.node));
    for (const u of s.uses) inLedger.add(indexOfId.get(u.operand));
  }
}
// Zero at the diagram's precision.
const zeroText = fixed(0, precision);

// ---- What is open, and what stands for each node: itself, or the closed container it is in.
// Items are numbers: a node i ≥ 0, a container c as ~c.
let visibleAs = new Int32Array(containers.length);  // per container: itself if open, else the closed one that shows it, as ~c
function updateVisibility() {
  visibleAs[0] = 0;
  for (let c = 1; c < containers.length; c++) {
    const parent = containers[c].parent, up = visibleAs[parent];
    if (up !== parent) visibleAs[c] = up;            // inside a closed container
    else visibleAs[c] = open.has(c) ? c : ~c;
  }
}
const isOpenShown = c => visibleAs[c] === c;
function rep(i) {
  const c = containerOf[i], v = visibleAs[c];
  return v === c ? i : v;
}
// The item standing for a container: itself when closed and shown, else what shows it.
function repOfContainer(c) {
  const v = visibleAs[c];
  return v === c ? null : v;
}
const parentOfItem = item => item >= 0 ? containerOf[item] : containers[~item].parent;
const itemIndex = item => item >= 0 ? nodeItem[item] : containerItem[~item];

// ---- Composition: each open container's inside, in its class's layout, boxes placed.
let scene = null;  // {width, height, items: Map(item -> geometry), boxes: Map(c -> box), places: Map(c -> placed)}
const titleLines = [page.title, ...page.lines].filter(t => t !== null && t !== undefined && t !== "");
const titleHeight = titleLines.length ? 8 + 16 * 1.2 + (titleLines.length - 1) * 16 * 1.2 + 8 : 0;

function compose(c) {
  const container = containers[c], cls = classes[container.class], items = container.items;
  const kids = [];
  items.forEach((item, k) => { if (item < 0 && isOpenShown(~item)) kids.push(k); });
  // The layout made for what is open: one container, or all of them all the way down; or
  // else the closed one, stretched around each open box.
  let L = layouts[cls.closed];
  if (kids.length === 1 && cls.singles.has(kids[0])) L = layouts[cls.singles.get(kids[0])];
  else if (kids.length && cls.allOpen >= 0 && fullyOpen(c)) L = layouts[cls.allOpen];
  else if (kids.length > 1 && kids.length === containers[c].children.length && cls.levelOpen >= 0) L = layouts[cls.levelOpen];
  const place = {
    c, L, cls, width: L.width, height: L.height,
    records: Float64Array.from(L.records), ops: Float64Array.from(L.ops),
    entries: Float64Array.from(L.entries), exits: Float64Array.from(L.exits),
    points: Float64Array.from(L.points), labels: Float64Array.from(L.labels), boxes: new Map(), subs: new Map(),
    // Where the layout's top left corner went: stretching moves the things left of a box left.
    left: 0, top: 0,
  };
  for (const k of kids) {
    const sub = compose(~items[k]);
    const need = { width: sub.width + 2 * G.boxMargin, height: sub.height + G.boxMargin + G.boxLabelBand };
    let box = rectOf(place.records, k);
    if (!L.boxes.has(k) && !Number.isNaN(place.ops[4 * k])) box = union(box, rectOf(place.ops, k));
    const dw = Math.max(0, need.width - box.width), dh = Math.max(0, need.height - box.height);
    if (dw || dh) stretch(place, box, dw, dh);
    place.boxes.set(k, { x: box.x - dw / 2, y: box.y - dh / 2, width: box.width + dw, height: box.height + dh });
    place.subs.set(k, sub);
  }
  return place;
}
const fullyOpen = c => containers[c].children.every(k => isOpenShown(k) && fullyOpen(k));
function rectOf(array, k) {
  const [x, y, w, h] = array.subarray(4 * k, 4 * k + 4);
  return { x: x - w / 2, y: y - h / 2, width: w, height: h };
}
function union(a, b) {
  const x = Math.min(a.x, b.x), y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}
// Makes room for a box to grow by (dw, dh), about its centre: what lies left of the centre
// moves left by half, what lies right moves right by half, and likewise up and down; each
// node moves whole, by its centre, and each point of a spline alone. No two things that did
// not overlap come to overlap, things on one line with the box stay on it, and the box's
// edges stay on its sides.
function stretch(place, box, dw, dh) {
  const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
  const moveX = x => x > cx ? dw / 2 : x < cx ? -dw / 2 : 0, moveY = y => y > cy ? dh / 2 : y < cy ? -dh / 2 : 0;
  const shift = (array, step) => {
    for (let k = 0; k < array.length; k += step) {
      array[k] += moveX(array[k]);
      array[k + 1] += moveY(array[k + 1]);
    }
  };
  shift(place.records, 4);
  shift(place.ops, 4);
  shift(place.entries, 2);
  shift(place.exits, 2);
  shift(place.points, 2);
  shift(place.labels, 2);
  for (const other of place.boxes.values()) {
    other.x += moveX(other.x + other.width / 2);
    other.y += moveY(other.y + other.height / 2);
  }
  place.left -= dw / 2;
  place.top -= dh / 2;
  place.width += dw;
  place.height += dh;
}

// The absolute origin of each placed container, and every visible item's geometry.
function layOutScene() {
  updateVisibility();
  const root = compose(0);
  const origin = new Map(), places = new Map(), boxes = new Map(), geometry = new Map();
  const rootWidth = Math.max(root.width, ...titleLines.map(t => textWidth(t, 16) + 16));
  const walk = (place, x, y) => {
    // The placed layout's corner is (left, top) in its own coordinates.
    x -= place.left;
    y -= place.top;
    origin.set(place.c, { x, y });
    places.set(place.c, place);
    const items = containers[place.c].items;
    items.forEach((item, k) => {
      if (place.subs.has(k)) {
        const box = place.boxes.get(k), c = ~item;
        boxes.set(c, { x: x + box.x, y: y + box.y, width: box.width, height: box.height });
        walk(place.subs.get(k), x + box.x + G.boxMargin, y + box.y + G.boxLabelBand);
        return;
      }
      const r = rectOf(place.records, k);
      const g = { item, c: place.c, k, x: x + r.x, y: y + r.y, width: r.width, height: r.height, op: null };
      if (!Number.isNaN(place.ops[4 * k])) {
        const o = rectOf(place.ops, k);
        g.op = { x: x + o.x, y: y + o.y, width: o.width, height: o.height };
      }
      geometry.set(item, g);
    });
  };
  // Room beside the drawing for a focus's stubs, on the sides they stand.
  const stubs = page.cuts.length ? 130 : 0;
  walk(root, (rootWidth - root.width) / 2 + (LR ? stubs : 0), titleHeight + (LR ? 0 : stubs));
  scene = {
    width: rootWidth + (LR ? 2 * stubs : 0), height: root.height + titleHeight + (LR ? 0 : 2 * stubs), origin, places, boxes, geometry,
  };
  scene.edges = visibleEdges();
  scene.index = spatialIndex();
}

// ---- Edges: one per operand use between two nodes in view, one per pair where a closed
// container is either end; each drawn through the layouts: out of the containers its source
// is in (through their exit ports), along the edge of the level both ends are in, into the
// containers its target is in (through their entry ports).
function visibleEdges() {
  const edges = new Map();
  for (let v = 0; v < N; v++) {
    const to = rep(v), operands = operandsOf(v);
    for (let s = 0; s < operands.length; s++) {
      const u = operands[s], from = rep(u);
      if (from === to) continue;
      const key = from >= 0 && to >= 0 ? `${v}:${s}` : `${from}>${to}`;
      let edge = edges.get(key);
      if (!edge) {
        // Between two nodes: the how-many-th use of that operand it is, as the layout's edges.
        let occurrence = 0;
        if (from >= 0 && to >= 0) for (let t = 0; t < s; t++) if (operands[t] === u) occurrence++;
        edge = { key, from, to, occurrence, uses: [] };
        edges.set(key, edge);
      }
      edge.uses.push(operandStart[v] + s);
    }
  }
  for (const edge of edges.values()) edge.path = edgePath(edge);
  return [...edges.values()];
}
// The container both ends are in, and the chain of items from each end up to it.
function edgePath(edge) {
  const up = [], down = [];
  let a = edge.from, b = edge.to, ca = parentOfItem(a), cb = parentOfItem(b);
  while (ca !== cb) {
    if (containers[ca].depth >= containers[cb].depth) { up.push([ca, a]); a = ~ca; ca = containers[ca].parent; }
    else { down.push([cb, b]); b = ~cb; cb = containers[cb].parent; }
  }
  const pieces = [];
  for (const [c, item] of up) pieces.push(portSpline(c, item, "exit"));
  pieces.push(levelSpline(ca, a, b, a === edge.from && b === edge.to ? edge.occurrence : 0));
  for (const [c, item] of down.reverse()) pieces.push(portSpline(c, item, "entry"));
  return joined(pieces.filter(p => p && p.length >= 2));
}
// A spline of container c's layout, in absolute points.
function splineOf(c, e) {
  const place = scene.places.get(c), o = scene.origin.get(c), L = place.L;
  const points = [];
  for (let p = L.edgeStart[e]; p < L.edgeStart[e + 1]; p++) points.push([o.x + place.points[2 * p], o.y + place.points[2 * p + 1]]);
  return points;
}
function levelSpline(c, a, b, occurrence) {
  const place = scene.places.get(c), list = place.cls.byEnds.get(itemIndex(a) + ">" + itemIndex(b));
  return list && list[occurrence] !== undefined ? splineOf(c, list[occurrence]) : null;
}
// Splines come in this order (PageLayouts.Layout): the class's edges, each drawn op's edge
// into its record, each entry port's edge, each exit port's edge.
function portSpline(c, item, side) {
  const place = scene.places.get(c), cls = place.cls, k = itemIndex(item), n = cls.drawsOp.length;
  let e = cls.edges.length / 2;
  for (let j = 0; j < n; j++) if (cls.drawsOp[j] && !place.L.boxes.has(j)) e++;
  for (let j = 0; j < n; j++) {
    if (cls.entry[j]) { if (side === "entry" && j === k) return splineOf(c, e); e++; }
  }
  for (let j = 0; j < n; j++) {
    if (cls.exit[j]) { if (side === "exit" && j === k) return splineOf(c, e); e++; }
  }
  return null;
}
function opSpline(c, k) {
  const place = scene.places.get(c), cls = place.cls;
  let e = cls.edges.length / 2;
  for (let j = 0; j < k; j++) if (cls.drawsOp[j] && !place.L.boxes.has(j)) e++;
  return splineOf(c, e);
}
// Pieces joined into one path: a curve from each piece's end to the next one's start, leaving
// and arriving along the direction the graph runs.
function joined(pieces) {
  if (!pieces.length) return null;
  const path = pieces[0].slice();
  for (const next of pieces.slice(1)) {
    const [px, py] = path[path.length - 1], [qx, qy] = next[0];
    if (Math.hypot(qx - px, qy - py) > 0.5) {
      const d = LR ? Math.max(Math.abs(qx - px) / 2, 6) : Math.max(Math.abs(qy - py) / 2, 6);
      path.push(LR ? [px + d, py] : [px, py + d], LR ? [qx - d, qy] : [qx, qy - d], [qx, qy]);
    }
    path.push(...next.slice(1));
  }
  return path;
}
// An edge into a node stops where its arrow begins; the arrow, 7 points long, ends at the node.
function arrow(path) {
  const [x, y] = path[path.length - 1];
  let k = path.length - 2;
  while (k > 0 && Math.hypot(path[k][0] - x, path[k][1] - y) < 0.01) k--;
  const [px, py] = path[Math.max(0, k)];
  const length = Math.hypot(x - px, y - py) || 1, ux = (x - px) / length, uy = (y - py) / length;
  const tip = [x + 7 * ux, y + 7 * uy], w = 2.45;
  return [[x - uy * w, y + ux * w], tip, [x + uy * w, y - ux * w]];
}
const pathData = points => "M" + points[0][0].toFixed(2) + "," + points[0][1].toFixed(2) +
  (points.length > 1 ? "C" + points.slice(1).map(p => p[0].toFixed(2) + "," + p[1].toFixed(2)).join(" ") : "");

// A grid of the items, so that drawing what is in view does not look at everything.
function spatialIndex() {
  const cell = 400, grid = new Map();
  const add = (x0, y0, x1, y1, entry) => {
    for (let gx = Math.floor(x0 / cell); gx <= Math.floor(x1 / cell); gx++) {
      for (let gy = Math.floor(y0 / cell); gy <= Math.floor(y1 / cell); gy++) {
        const key = gx + "," + gy;
        if (!grid.has(key)) grid.set(key, []);
        grid.get(key).push(entry);
      }
    }
  };
  for (const g of scene.geometry.values()) {
    const r = g.op ? union(g, g.op) : g;
    add(r.x, r.y, r.x + r.width, r.y + r.height, g);
  }
  for (const edge of scene.edges) {
    if (!edge.path) continue;
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const [x, y] of edge.path) { x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y); }
    edge.bounds = { x0, y0, x1: x1 + 8, y1: y1 + 8 };
    add(x0 - 8, y0 - 8, x1 + 8, y1 + 8, edge);
  }
  return {
    query(x0, y0, x1, y1) {
      const seen = new Set();
      for (let gx = Math.floor(x0 / cell); gx <= Math.floor(x1 / cell); gx++) {
        for (let gy = Math.floor(y0 / cell); gy <= Math.floor(y1 / cell); gy++) {
          for (const entry of grid.get(gx + "," + gy) || []) seen.add(entry);
        }
      }
      return seen;
    },
  };
}

// ---- Text widths, for the title and the labels on edges.
const measure = document.createElement("canvas").getContext("2d");
function textWidth(text, size, bold) {
  measure.font = `${bold ? "bold " : ""}${size}px Helvetica, Arial, sans-serif`;
  return measure.measureText(text).width;
}

// ---- What a node shows: its fields (PageLayouts' Sizing.fields, in the same order), fill and outline.
function fieldsOfNode(i) {
  const texts = [], label = labelOf(i), fold = folds[i];
  if (label) texts.push({ text: label });
  if (fold?.lines) texts.push(...fold.lines.map(text => ({ text })));
  else {
    texts.push({ text: "data " + drawn(dataOf(i)) });
    if (hasGrads) texts.push({ text: "grad " + gradText(i).text, grad: true, classes: gradText(i).classes });
  }
  for (const note of fold?.notes ?? []) texts.push({ text: note });
  for (const [what, value] of problems[i] ?? []) texts.push({ text: what + " " + drawn(Number(value)) });
  return texts;
}
function fieldsOfContainer(c) {
  const look = containers[c].look, r = look.representative;
  if (r < 0) return [look.label, ...(look.lines ?? []), ...look.notes].map(text => ({ text }));
  const texts = [{ text: look.prefix !== null ? look.prefix + labelOf(r) : look.label }, { text: "data " + drawn(dataOf(r)) }];
  if (hasGrads) texts.push({ text: "grad " + gradText(r).text, grad: true, classes: gradText(r).classes });
  return [...texts, ...look.notes.map(text => ({ text }))];
}
// The grad a node shows now: the final one, the running one in the replay, `?` in the quiz.
function gradText(i) {
  if (mode === "replay" && plateShowsLedger() && inLedger.has(i)) {
    const r = running.get(i);
    return r ? { text: r.text, classes: updatedNow.has(i) ? ["updated"] : [] } : { text: zeroText, classes: ["pending"] };
  }
  if (mode === "quiz" && !known(i)) return { text: "?", classes: ["hidden-grad"] };
  const classes = mode === "quiz" ? (quiz.solved.has(i) ? ["right"] : quiz.revealed.has(i) ? ["revealed"] : []) : [];
  return { text: drawn(finalGradOf(i)), classes };
}
function gradValue(i) {
  if (mode === "replay" && plateShowsLedger() && inLedger.has(i)) return running.get(i)?.value ?? 0;
  return finalGradOf(i);
}
function fillOf(i, kind) {
  if (folds[i]?.dead) return colors.dead;
  if (palette && hasGrads) {
    if (mode === "quiz" && !known(i)) return palette.faint;
    if (mode === "replay" && plateShowsLedger() && inLedger.has(i) && !running.has(i)) return palette.faint;
    return paletteFill(gradValue(i), dataOf(i));
  }
  return i === page.output ? colors.output : kindFill(kind ?? kindName(i));
}
// A red outline for what a check found wrong or a number that is not finite; the grad's only
// for the grad the page shows, so that a replay or the quiz does not give it away.
function outlineOf(i) {
  const data = dataOf(i), grad = hasGrads ? gradValue(i) : 0;
  const gradShown = !(mode === "quiz" && !known(i)) && !(mode === "replay" && plateShowsLedger() && inLedger.has(i) && !running.has(i));
  if (problems[i] || !Number.isFinite(data) || (gradShown && !Number.isFinite(grad))) return { stroke: colors.alarm, width: 3 };
  if (palette && i === page.output) return { stroke: colors.outputOutline, width: 3 };
  return null;
}

// ---- Drawing what is in view, as SVG.
const svg = $("drawing"), canvas = $("canvas");
const view = { x: 0, y: 0, scale: 1 };
const esc = text => String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const f2 = x => Math.round(x * 100) / 100;
let marks = { current: new Set(), receives: new Set(), flow: new Set(), labels: [] };
let updatedNow = new Set();

function viewport() {
  const width = canvas.clientWidth || 1, height = canvas.clientHeight || 1;
  return { width, height, x0: view.x, y0: view.y, x1: view.x + width / view.scale, y1: view.y + height / view.scale };
}
function recordSvg(g, fields, fill, outline, cls) {
  const { x, y, width, height } = g, classInfo = classes[containers[g.c].class];
  const sizes = classInfo.fields.subarray(classInfo.fieldStart[g.k], classInfo.fieldStart[g.k + 1]);
  const stroke = outline ? outline.stroke : colors.outline, strokeWidth = outline ? outline.width : 1;
  const text = textColor(fill);
  let out = `<polygon fill="${fill}" stroke="${stroke}" stroke-width="${strokeWidth}" points="${f2(x)},${f2(y)} ${f2(x + width)},${f2(y)} ${f2(x + width)},${f2(y + height)} ${f2(x)},${f2(y + height)}"/>`;
  let at = 0;
  const total = [...sizes].reduce((a, b) => a + b, 0) || 1;
  fields.forEach((field, f) => {
    const size = (sizes[f] ?? 0) * (LR ? width : height) / total;
    const cx = LR ? x + at + size / 2 : x + width / 2, cy = LR ? y + height / 2 : y + at + size / 2;
    if (f > 0) {
      out += LR ? `<polyline fill="none" stroke="${stroke}" points="${f2(x + at)},${f2(y)} ${f2(x + at)},${f2(y + height)}"/>`
        : `<polyline fill="none" stroke="${stroke}" points="${f2(x)},${f2(y + at)} ${f2(x + width)},${f2(y + at)}"/>`;
    }
    const classes = [...(field.grad ? ["grad"] : []), ...(field.classes ?? [])].join(" ");
    out += `<text${classes ? ` class="${classes}"` : ""} text-anchor="middle" x="${f2(cx)}" y="${f2(cy + 0.3 * G.recordFont)}" fill="${text}">${esc(field.text)}</text>`;
    at += size;
  });
  return out;
}
function opSvg(op, text, id, cls, owner) {
  const rx = op.width / 2, ry = op.height / 2;
  return `<g class="node op${cls}" data-id="${id}${opSuffix}" aria-hidden="true"><title>${esc(`${text}: the op that makes ${owner}`)}</title>` +
    `<ellipse fill="${colors.op}" stroke="${colors.outline}" cx="${f2(op.x + rx)}" cy="${f2(op.y + ry)}" rx="${f2(rx)}" ry="${f2(ry)}"/>` +
    `<text text-anchor="middle" x="${f2(op.x + rx)}" y="${f2(op.y + ry + 0.3 * G.opFont)}" fill="${textColor(colors.op)}">${esc(text)}</text></g>`;
}
function itemId(item) { return item >= 0 ? idOf(item) : "c" + ~item; }
const itemName = item => item >= 0 ? name(item) : containers[~item].name;
// What a screen reader says for a node: `x1, data 2.0000, grad -1.5000`, the grad as shown now.
function accessibleName(i) {
  const fold = folds[i];
  if (fold?.lines) return [name(i), ...fold.lines].join(", ");
  return `${name(i)}, data ${drawn(dataOf(i))}` + (hasGrads ? `, grad ${gradSpoken(i)}` : "");
}
function gradSpoken(i) {
  const shown = gradText(i);
  if (shown.text === "?") return "unknown: find it";
  return shown.classes.includes("pending") ? `${shown.text}, not reached yet` : shown.text;
}
function itemClasses(item) {
  const list = [];
  if (marks.current.has(item)) list.push("current");
  if (marks.receives.has(item)) list.push("receives");
  if (quiz.selected === item && mode === "quiz") list.push("selected");
  if (found === item) list.push("found");
  if (traced) list.push(onPath(item) ? "onpath" : "offpath");
  return list.length ? " " + list.join(" ") : "";
}
function itemSvg(g) {
  const item = g.item, id = itemId(item), cls = itemClasses(item);
  if (item >= 0) {
    const label = name(item);
    let out = `<g class="node${cls}" data-id="${id}" tabindex="0" role="button" aria-label="${esc(accessibleName(item))}"><title>${esc(label)}</title>` +
      recordSvg(g, fieldsOfNode(item), fillOf(item), outlineOf(item)) + "</g>";
    if (g.op) {
      out += opSvg(g.op, opName(item), id, cls, label);
      out += edgeSvg({ key: id + "op", path: opSpline(g.c, g.k), from: id + opSuffix, to: id, op: true });
    }
    return out;
  }
  const c = ~item, look = containers[c].look, r = look.representative;
  let fill = look.dead ? colors.dead : r >= 0 ? fillOf(r, look.kind === "op" ? "value" : look.kind) : kindFill(look.kind);
  if (r >= 0 && !palette && r !== page.output && !look.dead) fill = kindFill(look.kind);
  const outline = r >= 0 ? outlineOf(r) : null;
  const openable = canOpen(c);
  let out = `<g class="node group${cls}${openable ? "" : " unopenable"}" data-id="${id}" data-container="${c}" tabindex="0" role="button" ` +
    `aria-label="${esc(containers[c].name)}: ${openable ? "press Enter to open" : "too big to open"}" aria-expanded="false"><title>${esc(containers[c].name)}</title>` +
    recordSvg(g, fieldsOfContainer(c), fill, outline) +
    (look.dead ? "" : "") + "</g>";
  if (g.op) {
    out += opSvg(g.op, look.op, id, cls, containers[c].name);
    out += edgeSvg({ key: id + "op", path: opSpline(g.c, g.k), from: id + opSuffix, to: id, op: true });
  }
  return out;
}
function edgeSvg(edge) {
  if (!edge.path || edge.path.length < 2) return "";
  const isFlow = marks.flow.has(edge.key), dim = traced && !edge.op && !edgeOnPath(edge);
  const stroke = colors.edge;
  const head = arrow(edge.path);
  const label = edge.op ? "" : `${itemName(edge.from)} → ${itemName(edge.to)}`;
  let out = `<g class="edge${isFlow ? " flow" : ""}${dim ? " offpath" : ""}${traced && !dim && !edge.op ? " onpath" : ""}" data-edge="${esc(edge.key)}" aria-hidden="true">${label ? `<title>${esc(label)}</title>` : ""}` +
    `<path fill="none" stroke="${stroke}" d="${pathData(edge.path)}"/>` +
    `<polygon fill="${stroke}" stroke="${stroke}" points="${head.map(p => f2(p[0]) + "," + f2(p[1])).join(" ")}"/>`;
  if (!edge.op) {
    // A binary power's edges say which operand is the base; a plate's edges what they carry.
    const words = edgeWords(edge);
    if (words) out += `<text class="edge-note" text-anchor="middle" x="${f2(words.x)}" y="${f2(words.y)}" fill="${colors.text}">${esc(words.text)}</text>`;
  }
  return out + "</g>";
}
// The words an edge carries: `base` or `exponent` on a binary power's (where the layout put
// them), and on a plate's edges the example's share of a parameter's grad, or `Σ over 100`.
function edgeWords(edge) {
  if (edge.uses.length !== 1) return null;
  const use = edge.uses[0], note = edgeNotes[use];
  const [x, y] = edge.path[edge.path.length - 1];
  const near = { x: x - (LR ? 22 : -10), y: y - (LR ? 8 : 16) };
  if (note) {
    if (note.examples) return { text: `Σ over ${note.examples}`, ...near };
    let amount = Number(note.amount);
    const column = noteColumn.get(use);
    if (column !== undefined) amount = plate.noteAmounts[example * plate.noteEdges.length + column];
    const text = drawn(amount);
    return { text: /^[-≈]/.test(text) && !text.startsWith("≈0") ? text : "+" + text, ...near };
  }
  const to = edge.to;
  if (to >= 0 && edge.from >= 0 && opName(to) === "**") {
    const slot = use - operandStart[to];
    return { text: slot === 0 ? "base" : "exponent", x: edge.path[Math.floor(edge.path.length / 2)][0], y: edge.path[Math.floor(edge.path.length / 2)][1] - 4 };
  }
  return null;
}
function boxSvg(c, box) {
  const container = containers[c], kind = container.kind;
  const stroke = kind === "neuron" ? colors.neuronBorder : colors.layerBorder;
  const dash = kind === "layer" ? ` stroke-dasharray="5,2"` : kind === "named" ? ` stroke-dasharray="1,5"` : "";
  const width = kind === "plate" ? 2 : 1, rx = kind === "plate" ? 8 : 0;
  const size = kind === "neuron" ? 10 : kind === "plate" ? 13 : 12;
  const cls = traced ? (containerOnPath(c) ? " onpath" : " offpath") : "";
  return `<g class="box${cls}" data-container="${c}"><rect fill="none" stroke="${stroke}" stroke-width="${width}"${dash} rx="${rx}" x="${f2(box.x)}" y="${f2(box.y)}" width="${f2(box.width)}" height="${f2(box.height)}"/>` +
    `<g class="box-label" data-container="${c}" tabindex="0" role="button" aria-expanded="true" aria-label="${esc(container.name)}: press Enter to close">` +
    `<title>close ${esc(container.name)}</title><rect class="hit" x="${f2(box.x)}" y="${f2(box.y)}" width="${f2(box.width)}" height="${G.boxLabelBand}" fill="transparent"/>` +
    `<text text-anchor="middle" x="${f2(box.x + box.width / 2)}" y="${f2(box.y + G.boxLabelBand - 7)}" font-size="${size}" fill="${colors.text}">${esc("▾ " + container.name)}</text></g></g>`;
}

let renderQueued = false, lastDetail = null;
function render() {
  renderQueued = false;
  if (!scene) return;
  const vp = viewport(), margin = 200 / view.scale;
  svg.setAttribute("viewBox", `${view.x} ${view.y} ${vp.width / view.scale} ${vp.height / view.scale}`);
  const focusedId = document.activeElement?.closest?.("#drawing [data-id], #drawing .box-label")?.getAttribute("data-id");
  const focusedBox = document.activeElement?.closest?.("#drawing .box-label")?.getAttribute("data-container");
  // Too small to read: outlines only, a path per fill.
  const detailed = view.scale * G.recordFont >= 3;
  const inView = scene.index.query(vp.x0 - margin, vp.y0 - margin, vp.x1 + margin, vp.y1 + margin);
  let out = "";
  if (titleLines.length) {
    titleLines.forEach((line, k) => {
      out += `<text class="title" text-anchor="middle" x="${f2(scene.width / 2)}" y="${f2(8 + 16 + k * 16 * 1.2)}" font-size="16" fill="${colors.text}">${esc(line)}</text>`;
    });
  }
  for (const [c, box] of scene.boxes) {
    if (box.x > vp.x1 + margin || box.y > vp.y1 + margin || box.x + box.width < vp.x0 - margin || box.y + box.height < vp.y0 - margin) continue;
    out += boxSvg(c, box);
  }
  if (detailed) {
    for (const entry of inView) if (entry.path !== undefined && entry.key !== undefined) out += edgeSvg(entry);
    for (const entry of inView) if (entry.item !== undefined) out += itemSvg(entry);
    out += cutsSvg();
  } else {
    const byFill = new Map();
    let lines = "";
    for (const entry of inView) {
      if (entry.item !== undefined) {
        const fill = entry.item >= 0 ? fillOf(entry.item) : kindFill(containers[~entry.item].look.kind);
        byFill.set(fill, (byFill.get(fill) ?? "") + `M${f2(entry.x)},${f2(entry.y)}h${f2(entry.width)}v${f2(entry.height)}h${f2(-entry.width)}z`);
      } else if (entry.path) {
        lines += pathData(entry.path);
      }
    }
    // Strokes a screen pixel wide at any zoom: a 10,000-value chain fitted stays a visible line.
    out += `<path fill="none" stroke="${colors.edge}" vector-effect="non-scaling-stroke" d="${lines}"/>`;
    for (const [fill, d] of byFill) out += `<path fill="${fill}" stroke="${colors.outline}" stroke-width="0.5" vector-effect="non-scaling-stroke" d="${d}"/>`;
  }
  out += `<g id="flow-labels"></g>`;
  svg.innerHTML = out;
  svg.classList.toggle("tracing", !!traced);
  lastDetail = detailed;
  if (detailed) placeFlowLabels();
  if (focusedId) svg.querySelector(`[data-id="${CSS.escape(focusedId)}"]`)?.focus({ preventScroll: true });
  else if (focusedBox) svg.querySelector(`.box-label[data-container="${focusedBox}"]`)?.focus({ preventScroll: true });
  drawMinimap();
}
// What the user did shows at once; what moves with a finger or the wheel, once a frame.
function requestRender() { render(); }
function queueRender() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(render);
}

// The stubs of a focus's cut edges: `⋯ 1204 more` beside the node, on the side cut.
function cutsSvg() {
  let out = "";
  for (const cut of page.cuts) {
    const item = rep(cut.node), g = scene.geometry.get(item);
    if (!g) continue;
    const before = cut.side === "operands";
    const anchor = before && g.op ? g.op : g;
    const width = textWidth(cut.text, 9) + 6;
    const x = LR ? (before ? anchor.x - width - 24 : g.x + g.width + 24) : anchor.x + anchor.width / 2 - width / 2;
    const y = LR ? anchor.y + anchor.height / 2 : before ? anchor.y - 30 : g.y + g.height + 30;
    const from = LR ? [before ? x + width : g.x + g.width, y] : [x + width / 2, before ? y + 4 : g.y + g.height];
    const to = LR ? [before ? anchor.x : x, y] : [x + width / 2, before ? anchor.y : y - 8];
    out += `<g class="cut"><title>${esc(cut.tooltip)}</title><line x1="${f2(from[0])}" y1="${f2(from[1])}" x2="${f2(to[0])}" y2="${f2(to[1])}" stroke="${colors.cutEdge}" stroke-dasharray="5,2"/>` +
      `<text x="${f2(x + width / 2)}" y="${f2(y + 3)}" text-anchor="middle" font-size="9" fill="${colors.cutText}">${esc(cut.text)}</text></g>`;
  }
  return out;
}

// ---- The view: pan, zoom, fit, and the first view.
const readableScale = 9 / G.recordFont;   // node text 9 px
function setView(x, y, scale, later) {
  // A view set stops the glide of the replay's following.
  cancelAnimationFrame(glide);
  view.scale = Math.min(8, Math.max(scale, leastScale()));
  view.x = x;
  view.y = y;
  if (later) queueRender(); else render();
}
function zoomAt(factor, px, py, later) {
  const vp = viewport();
  px ??= vp.width / 2;
  py ??= vp.height / 2;
  const wx = view.x + px / view.scale, wy = view.y + py / view.scale;
  const scale = Math.min(8, Math.max(view.scale * factor, leastScale()));
  setView(wx - px / scale, wy - py / scale, scale, later);
}
// Zoomed out at most to half the whole graph's fit (a 10,000-value chain fits at 0.0003).
const leastScale = () => Math.min(0.002, fitScale() / 2);
function fitScale(r = { x: 0, y: 0, width: scene.width, height: scene.height }) {
  const vp = viewport();
  return Math.min((vp.width - 24) / r.width, (vp.height - 24) / r.height);
}
function fitTo(r, most = 1.5) {
  const vp = viewport(), scale = Math.min(fitScale(r), most);
  setView(r.x + r.width / 2 - vp.width / scale / 2, r.y + r.height / 2 - vp.height / scale / 2, scale);
}
const fit = () => fitTo({ x: 0, y: 0, width: scene.width, height: scene.height });
function centreOn(r, scale = Math.max(view.scale, 1)) {
  const vp = viewport();
  setView(r.x + r.width / 2 - vp.width / scale / 2, r.y + r.height / 2 - vp.height / scale / 2, scale);
}
// The first view, and what reset goes back to: the whole graph if its text is readable so,
// else the output with 10 px text (a little above the least readable, so that more of what
// feeds it shows), with fit a key away.
function resetView() {
  if (fitScale() >= readableScale) return fit();
  const g = scene.geometry.get(rep(page.output >= 0 ? page.output : N - 1));
  const vp = viewport();
  if (!g) return fit();
  // The output at the right (LR) or bottom (TB) of the view, what feeds it before it.
  const scale = Math.min(1, 10 / G.recordFont);
  const x = LR ? g.x + g.width + 40 - vp.width / scale : g.x + g.width / 2 - vp.width / scale / 2;
  const y = LR ? g.y + g.height / 2 - vp.height / scale / 2 : g.y + g.height + 40 - vp.height / scale;
  setView(x, y, scale);
}
// Opens containers a level at a time from the top, the whole level or none, while the view
// holds at most a few hundred nodes; a model's parameters stay closed (they are many values
// that every example shares, summed up in their closed node).
const firstViewNodes = 150;
function openFirstView() {
  let level = containers[0].children.filter(c => containers[c].kind !== "parameters");
  // A graph readable whole when closed stays so; one that is not opens as far as the budget.
  layOutScene();
  const readableWhole = fitScale() >= readableScale;
  while (level.length) {
    const opened = level.filter(canOpen);
    opened.forEach(c => open.add(c));
    layOutScene();
    if (scene.geometry.size > firstViewNodes || (readableWhole && fitScale() < readableScale)) {
      opened.forEach(c => open.delete(c));
      break;
    }
    level = opened.flatMap(c => containers[c].children);
  }
  layOutScene();
}

// ---- Opening and closing.
function relayout(keep) {
  // Keep the thing opened or closed where it was on the screen.
  const before = keep !== undefined ? anchorOf(keep) : null;
  layOutScene();
  markStep();
  if (before) {
    const after = anchorOf(keep);
    if (after) setView(view.x + (after.x - before.x), view.y + (after.y - before.y), view.scale);
  }
  updateCrumbs();
  updateOpenAll();
  requestRender();
}
function anchorOf(c) {
  const box = scene.boxes.get(c) ?? scene.geometry.get(~c);
  return box && { x: box.x, y: box.y };
}
function openContainer(c) {
  if (!canOpen(c)) {
    $("status").textContent = `${containers[c].name} has too many nodes to lay out, and cannot be opened: draw it with --focus`;
    return;
  }
  for (let up = c; up > 0; up = containers[up].parent) open.add(up);
  // A container that holds one container and nothing else opens it too: a layer of one neuron.
  for (let only = c; containers[only].items.length === 1 && containers[only].items[0] < 0 && canOpen(~containers[only].items[0]);) {
    only = ~containers[only].items[0];
    open.add(only);
  }
  located = c;
  relayout(c);
  $("status").textContent = `opened ${containers[c].name}`;
}
function closeContainer(c) {
  open.delete(c);
  located = containers[c].parent;
  relayout(c);
  $("status").textContent = `closed ${containers[c].name}`;
  svg.querySelector(`[data-id="c${c}"]`)?.focus({ preventScroll: true });
}
const openAllLimit = () => page.maximumNodes;
function updateOpenAll() {
  const button = $("open-all"), total = containers[0].count;
  const none = containers.length === 1;
  button.disabled = none || total > openAllLimit();
  button.title = none ? "This graph has no groups" : total > openAllLimit()
    ? `${total} nodes open at once is over the limit of ${openAllLimit()}: open groups one by one`
    : "Open every group";
  $("close-all").disabled = none || open.size === 1;
}
function updateCrumbs() {
  const crumbs = $("crumbs");
  crumbs.replaceChildren();
  const path = [];
  for (let c = located; c >= 0; c = containers[c].parent) path.unshift(c);
  path.forEach((c, k) => {
    if (k) crumbs.append(Object.assign(document.createElement("span"), { className: "sep", textContent: "›" }));
    const button = Object.assign(document.createElement("button"), {
      className: "crumb", textContent: c === 0 ? "graph" : containers[c].name,
      title: c === 0 ? "Fit the whole graph" : `Show ${containers[c].name}`,
    });
    if (k === path.length - 1) button.setAttribute("aria-current", "location");
    button.onclick = () => {
      located = c;
      updateCrumbs();
      if (c === 0) return fit();
      const box = scene.boxes.get(c) ?? scene.geometry.get(~c);
      if (box) fitTo(box, 1.5);
    };
    crumbs.append(button);
  });
}

// ---- Search: by name, label, op or group, as plain text or /regex/.
const results = $("results"), search = $("search");
let matches = [], chosen = -1;
function matcher(text) {
  const regex = /^\/(.+)\/([a-z]*)$/.exec(text);
  if (regex) {
    try { const r = new RegExp(regex[1], regex[2].includes("i") ? "i" : ""); return s => r.test(s); } catch (error) { return error; }
  }
  const lower = text.toLowerCase();
  return s => s.toLowerCase().includes(lower);
}
function runSearch() {
  const text = search.value.trim();
  matches = [];
  chosen = -1;
  if (!text) { results.hidden = true; results.replaceChildren(); return; }
  const test = matcher(text);
  results.replaceChildren();
  if (test instanceof Error) {
    results.append(Object.assign(document.createElement("li"), { className: "none", textContent: `not a regular expression: ${test.message}` }));
    results.hidden = false;
    return;
  }
  const most = 50;
  let total = 0;
  for (let c = 1; c < containers.length; c++) {
    if (test(containers[c].name) || test(containers[c].kind)) { if (matches.length < most) matches.push({ container: c }); total++; }
  }
  for (let i = 0; i < N; i++) {
    const label = labelOf(i);
    let hit = test(idOf(i)) || (label && test(label)) || (opName(i) && test(opName(i)));
    let inExample = null;
    // A label another example of the plate has.
    if (!hit && plateColumn[i] >= 0 && plate.labels[plateColumn[i]]) {
      const labels = plate.labels[plateColumn[i]];
      for (let e = 0; e < labels.length && inExample === null; e++) if (test(labels[e])) inExample = e;
      hit = inExample !== null;
    }
    if (hit) { if (matches.length < most) matches.push({ node: i, example: inExample }); total++; }
  }
  if (!matches.length) {
    results.append(Object.assign(document.createElement("li"), { className: "none", textContent: `no node or group matches “${text}”` }));
  }
  matches.forEach((m, k) => {
    const li = document.createElement("li");
    li.id = "result-" + k;
    li.setAttribute("role", "option");
    if (m.container !== undefined) {
      const c = containers[m.container];
      li.textContent = `${c.kind} ${c.name}  (${c.count} node${c.count === 1 ? "" : "s"})`;
    } else {
      const i = m.node, e = m.example;
      const label = e !== null ? plate.labels[plateColumn[i]][e] : labelOf(i);
      const data = e !== null ? plate.data[e * plate.members.length + plateColumn[i]] : dataOf(i);
      const grad = e !== null && plate.grad ? plate.grad[e * plate.members.length + plateColumn[i]] : finalGradOf(i);
      const gradShown = mode === "quiz" && !known(i) ? "?" : grad === null ? "none" : exact(grad);
      li.textContent = `${e !== null ? label : name(i)}${opName(i) ? "  " + opName(i) : ""}  data ${exact(data)}  grad ${gradShown}` +
        (e !== null ? `  (example ${e})` : "");
    }
    li.onmousedown = event => { event.preventDefault(); choose(k); };
    results.append(li);
  });
  if (total > matches.length) {
    results.append(Object.assign(document.createElement("li"), { className: "none", textContent: `and ${total - matches.length} more: narrow the search` }));
  }
  results.hidden = false;
  search.setAttribute("aria-expanded", "true");
}
function highlightChoice(k) {
  chosen = k;
  [...results.querySelectorAll("li[role=option]")].forEach((li, j) => li.setAttribute("aria-selected", String(j === k)));
  if (k >= 0) search.setAttribute("aria-activedescendant", "result-" + k);
  results.querySelector(`#result-${k}`)?.scrollIntoView({ block: "nearest" });
}
function choose(k) {
  const m = matches[k];
  if (!m) return;
  results.hidden = true;
  search.setAttribute("aria-expanded", "false");
  if (m.example !== null && m.example !== undefined) setExample(m.example);
  if (m.container !== undefined) {
    const c = m.container;
    for (let up = containers[c].parent; up > 0; up = containers[up].parent) open.add(up);
    located = containers[c].parent;
    found = ~c;
  } else {
    const i = m.node;
    for (let c = containerOf[i]; c > 0; c = containers[c].parent) if (canOpen(c)) open.add(c);
    located = containerOf[i];
    found = null;
  }
  layOutScene();
  if (m.container === undefined) found = rep(m.node);
  updateCrumbs();
  updateOpenAll();
  const g = scene.geometry.get(found);
  if (g) centreOn(g.op ? union(g, g.op) : g, Math.max(view.scale, 1));
  $("status").textContent = `found ${m.container !== undefined ? containers[m.container].name : name(m.node)}`;
  requestRender();
  if (mode === "quiz" && found >= 0) selectInQuiz(found);
}
search.addEventListener("input", runSearch);
search.addEventListener("keydown", event => {
  const options = matches.length;
  if (event.key === "ArrowDown" && options) { event.preventDefault(); highlightChoice(Math.min(options - 1, chosen + 1)); }
  else if (event.key === "ArrowUp" && options) { event.preventDefault(); highlightChoice(Math.max(0, chosen - 1)); }
  else if (event.key === "Enter") { event.preventDefault(); choose(chosen >= 0 ? chosen : 0); }
  else if (event.key === "Escape") { results.hidden = true; search.blur(); canvas.focus(); }
});
search.addEventListener("blur", () => setTimeout(() => { if (document.activeElement !== search) results.hidden = true; }, 150));
search.addEventListener("focus", () => { if (search.value.trim()) runSearch(); });

// ---- The plate's example.
function setExample(k) {
  if (!plate) return;
  example = Math.max(0, Math.min(plate.count - 1, Math.round(k)));
  $("example-slider").value = example;
  $("example-number").value = example;
  if (mode === "replay" && example !== ledgerExample) leaveReplay();
  if (mode === "final") $("status").textContent = `example ${example} of ${plate.count}` + (example === ledgerExample ? "" : ` (the replay is of example ${ledgerExample})`);
  if (mode === "quiz") showQuiz();
  requestRender();
}
const plateShowsLedger = () => !plate || example === ledgerExample;
if (plate) {
  $("example").hidden = false;
  for (const id of ["example-slider", "example-number"]) {
    $(id).max = plate.count - 1;
    $(id).value = example;
  }
  $("example-slider").addEventListener("input", () => setExample(Number($("example-slider").value)));
  $("example-number").addEventListener("input", () => { if ($("example-number").value !== "") setExample(Number($("example-number").value)); });
}

// ---- The replay. Before step 1 the output's grad is the seed and every other grad 0; step k
// runs the _backward of steps[k-1].node, adding each use's amount to its operand's grad.
function runningAt(k) {
  const grads = new Map([[indexOfId.get(ledger.output), { value: Number(ledger.seed), text: ledger.seedText }]]);
  for (let i = 0; i < k; i++) {
    for (const u of steps[i].uses) grads.set(indexOfId.get(u.operand), { value: Number(u.total), text: u.totalText });
  }
  return grads;
}
function backToDrawn() {
  if (!live) return;
  live = null;
  losses = [];
  $("status").textContent = "back to the drawn values";
}
function show(k) {
  backToDrawn();
  if (!plateShowsLedger()) setExample(ledgerExample);
  mode = "replay";
  step = Math.max(0, Math.min(k, S));
  running = runningAt(step);
  const current = step > 0 ? steps[step - 1] : null;
  updatedNow = new Set(current ? current.uses.map(u => indexOfId.get(u.operand)) : []);
  markStep();
  updateControls();
  showLedger();
  follow(current ? [rep(indexOfId.get(current.node)), ...current.uses.map(u => rep(indexOfId.get(u.operand)))] : [rep(indexOfId.get(ledger.output))]);
  $("status").textContent = step === 0
    ? `step 0 of ${S}: ${atom(name(indexOfId.get(ledger.output)))}.grad = ${ledger.seedText}, every other grad 0`
    : `step ${step} of ${S}: ${stepSpoken(current)}`;
  requestRender();
  refreshHover();
}
// What the step marks, on what stands for its nodes now: a step inside a closed container is
// shown at the container, and on its own nodes once it is opened.
function markStep() {
  marks = { current: new Set(), receives: new Set(), flow: new Set(), labels: [] };
  if (mode !== "replay") return;
  const current = step > 0 ? steps[step - 1] : null;
  if (current) {
    const node = indexOfId.get(current.node), at = rep(node);
    marks.current.add(at);
    if (current.uses.length && at >= 0) marks.flow.add(idOf(node) + "op");
    for (const u of current.uses) {
      const operand = indexOfId.get(u.operand), from = rep(operand);
      if (from === at) continue;
      const key = from >= 0 && at >= 0 ? `${node}:${u.slot}` : `${from}>${at}`;
      marks.flow.add(key);
      marks.receives.add(from);
      marks.labels.push({ key, text: edgeLabel(u), tooltip: `${u.text}  (${atom(u.operandName)}.grad now ${u.handTotal})` });
    }
  } else {
    marks.current.add(rep(indexOfId.get(ledger.output)));
  }
}
// A use's label on its edge, `× -2 → +6`: the local derivative, and what it adds to the
// operand's grad, with the digits that check by hand. The other examples' share of a plate's
// sum comes by no op, and has no local derivative.
function edgeLabel(u) {
  const amount = /^[-+]/.test(u.handAmount) ? u.handAmount : "+" + u.handAmount;
  return u.slot < 0 ? amount : `× ${u.handLocal} → ${amount}`;
}
// The chain rule for one use, in symbols with the drawing's names and the op's local rule:
// `∂L/∂a += ∂L/∂d · ∂d/∂a = -2 × b (= -3) = 6`, as `--explain --notation symbols` writes it.
function chainRule(step, u) {
  const top = "∂" + atom(ledger.outputName), of = atom(step.name), operand = atom(u.operandName);
  if (u.slot < 0) return `${top}/∂${operand} += ${u.text.split(" += ")[1]}`;
  const local = u.localSymbol && u.localSymbol !== u.handLocal ? `${u.localSymbol} (= ${u.handLocal})` : u.handLocal;
  return `${top}/∂${operand} += ${top}/∂${of} · ∂${of}/∂${operand} = ${u.handGrad} × ${local} = ${u.handAmount}`;
}
// What the status line (a live region) says of a step: its arithmetic, not only its name.
function stepSpoken(s) {
  if (!s.uses.length) return `${atom(s.name)}._backward() adds nothing`;
  return `${atom(s.name)}._backward(): ` + s.uses.map(u => u.slot < 0 ? u.text : `${atom(u.operandName)}.grad += ${u.handGrad} × ${u.handLocal} = ${u.handAmount}, now ${u.handTotal}`).join("; ");
}
// The contribution labels on the edges the gradient flows along, placed where they cover the
// least of the records (their grad lines above all) and of each other.
function placeFlowLabels() {
  if (!marks.labels.length) return;
  const group = $("flow-labels"), obstacles = [];
  const vp = viewport();
  for (const g of scene.index.query(vp.x0, vp.y0, vp.x1, vp.y1)) {
    if (g.item === undefined) continue;
    obstacles.push({ box: g, weight: marks.current.has(g.item) ? 3 : 1 });
    if (g.op) obstacles.push({ box: g.op, weight: 1 });
  }
  const overlap = (a, b) => Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)) *
    Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  for (const label of marks.labels) {
    const path = svg.querySelector(`g.edge[data-edge="${CSS.escape(label.key)}"] path`);
    if (!path) continue;
    const mid = path.getPointAtLength(path.getTotalLength() / 2);
    const w = textWidth(label.text, 10, true) + 6, h = 10 * 1.2 + 6;
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
    obstacles.push({ box: best.box, weight: 6 });
    const g = document.createElementNS(svgNS, "g");
    g.setAttribute("class", "flow-label");
    g.setAttribute("data-edge", label.key);
    g.innerHTML = `<title>${esc(label.tooltip)}</title><line x1="${f2(mid.x)}" y1="${f2(mid.y)}" x2="${f2(best.cx)}" y2="${f2(best.cy)}"/>` +
      `<rect x="${f2(best.box.x)}" y="${f2(best.box.y)}" width="${f2(w)}" height="${f2(h)}" rx="3"/>` +
      `<text text-anchor="middle" x="${f2(best.cx)}" y="${f2(best.cy + 3.5)}">${esc(label.text)}</text>`;
    group.append(g);
  }
}
function showFinal() {
  mode = "final";
  step = S;
  running = new Map();
  updatedNow = new Set();
  marks = { current: new Set(), receives: new Set(), flow: new Set(), labels: [] };
  updateControls();
  const panel = $("panel");
  panel.replaceChildren();
  panel.append(heading("h2", "Backward's final grads"));
  panel.append(paragraph(steps
    ? `Every grad as backward left it. Press “replay backward” to start again from ${atom(name(indexOfId.get(ledger.output)))}.grad = ${ledger.seedText} ` +
      `and every other grad 0, and watch the ${S} steps add each contribution up, in micrograd's order.`
    : "This page has no replay."));
  if (hasGrads) {
    const out = page.output >= 0 ? name(page.output) : "the output";
    panel.append(paragraph(`A node's grad is ∂${atom(out)}/∂node: how much ${out} moves per unit nudge of that node's data. ` +
      "Backward finds every grad by the chain rule, multiplying each op's local derivative into the grad that flows back to it."));
    panel.append(paragraph("Or press “quiz” to work the grads out yourself."));
  }
  if (containers.length > 1) panel.append(paragraph("Click a group (or focus it and press Enter) to open it in place; click its name to close it. “open all” opens every group."));
  if (plate) panel.append(paragraph(`The plate shows one of ${plate.count} examples: the slider or the number picks which. Outside the plate the grads are summed over every example.`));
  liveSection(panel);
  panel.append(paragraph("Search with /; f fits the graph, 0 goes back to the first view, + and − zoom, arrow keys pan the graph when it has the focus. Hover a node for its exact numbers; click one for its path to the output."));
  $("status").textContent = steps ? `backward done: the final grads (${S} steps)` : forwardOnlyNote();
  requestRender();
  refreshHover();
}
// ---- Nudge and update, with the evaluator (Viewer/evaluator.js, micrograd's ops forward and
// backward): the exercises notebook's section 1 and an update step, on the reader's own graph.
const Evaluator = globalThis.MgvizEvaluator;
// The graph as the evaluator takes it, or why it cannot run here.
const evaluation = (() => {
  if (!hasGrads) return { why: "This page has no grads (--no-backward): nudge and update need backward's." };
  if (plate) return { why: "The drawing shows one example of a batch's plate: nudge and update need the graph of one example (draw it with --example)." };
  if (page.cuts.length) return { why: "This drawing is a part (--focus) of a larger graph: nudge and update need all of it." };
  let folded = -1;
  for (let i = 0; i < N && folded < 0; i++) if (folds[i]) folded = i;
  if (folded >= 0) return { why: `${name(folded)} is folded (a collapsed neuron or group), and the evaluator runs ops, not folds: draw the graph without --collapse to nudge and update it.` };
  try {
    const nodes = [], edges = [];
    for (let i = 0; i < N; i++) {
      nodes.push({ id: String(i), op: opName(i) ?? "", kind: kindName(i), data: nodeData[i] });
      for (const operand of operandsOf(i)) edges.push({ from: String(operand), to: String(i) });
    }
    const graph = Evaluator.fromDump({ nodes, edges, output: String(page.output >= 0 ? page.output : N - 1) });
    return { graph, leaves: graph.ops.map((op, i) => i).filter(i => graph.ops[i] === ""), updated: Evaluator.updated(graph) };
  } catch (error) {
    const at = /^(\d+): /.exec(error.message);
    if (at) {
      const i = Number(at[1]);
      return { why: `${name(i)} is drawn as “${opName(i)}”, a collapsed neuron or group, and the evaluator runs micrograd's own ops: ` +
        "draw the graph without --collapse to nudge and update it." };
    }
    return { why: `The evaluator cannot run this graph: ${error.message}.` };
  }
})();
const outputNode = () => evaluation.graph.output;
let losses = [];
function liveLeafData() { return live ? live.leafData : evaluation.graph.leafData; }
function setLive(leafData) {
  const data = Evaluator.forward(evaluation.graph, leafData);
  live = { leafData, data, grads: Evaluator.backward(evaluation.graph, data) };
}
// What the nudge shows for a leaf and an h: the output before and after, Δoutput beside
// grad × h, and the numeric slope beside the grad.
function nudgeText(leaf, h) {
  const r = Evaluator.nudge(evaluation.graph, liveLeafData(), leaf, h);
  const out = name(outputNode()), x = name(leaf);
  return [`${x} += ${exact(h)}: ${out} goes from ${exact(r.before)} to ${exact(r.after)}`,
    `Δ${out} = ${exact(r.delta)}   grad × h = ${exact(r.grad)} × ${exact(h)} = ${exact(r.predicted)}`,
    `slope Δ${out} / h = ${exact(r.slope)}   ${atom(x)}.grad = ${exact(r.grad)}`];
}
function liveSection(panel) {
  panel.append(heading("h2", "Nudge and update"));
  if (evaluation.why) { panel.append(paragraph(evaluation.why, "note")); return; }
  const out = name(outputNode());
  // Nudge: pick a leaf and h.
  const nudge = document.createElement("div");
  nudge.id = "nudge";
  nudge.append(paragraph(`A grad says how ${out} moves when a value is nudged: nudge a leaf by h, run forward again, and compare.`));
  const select = Object.assign(document.createElement("select"), { id: "nudge-leaf" });
  select.setAttribute("aria-label", "the leaf to nudge");
  for (const i of evaluation.leaves) select.append(Object.assign(document.createElement("option"), { value: i, textContent: name(i) }));
  const slider = Object.assign(document.createElement("input"), { id: "nudge-slider", type: "range", min: -4, max: 0, step: 0.5, value: -3 });
  slider.setAttribute("aria-label", "h, as a power of ten");
  const field = Object.assign(document.createElement("input"), { id: "nudge-h", type: "text", inputMode: "decimal", value: "0.001", size: 8 });
  field.setAttribute("aria-label", "h");
  const result = Object.assign(document.createElement("pre"), { id: "nudge-result" });
  result.setAttribute("aria-live", "polite");
  const refresh = () => {
    const h = Number(field.value);
    result.textContent = Number.isFinite(h) && h !== 0 ? nudgeText(Number(select.value), h).join("\n") : "h is a number other than 0";
  };
  slider.oninput = () => { field.value = String(Number((10 ** Number(slider.value)).toPrecision(3))); refresh(); };
  field.oninput = refresh;
  select.onchange = refresh;
  const controls = document.createElement("div");
  controls.className = "live-controls";
  controls.append(select, " h ", slider, " ", field);
  nudge.append(controls, result);
  panel.append(nudge);
  refresh();
  // Update: p.data -= lr · p.grad.
  const update = document.createElement("div");
  update.id = "update";
  const which = evaluation.graph.kinds.some(kind => kind === "parameter") ? "the parameters" : "the leaves (there are no parameters)";
  update.append(paragraph(`What a grad is for: “Take a step” does p.data -= lr · p.grad for ${which}, runs forward and backward again, and plots ${out}.`));
  const lr = Object.assign(document.createElement("input"), { id: "lr", type: "text", inputMode: "decimal", value: "0.05", size: 6 });
  lr.setAttribute("aria-label", "the learning rate");
  const take = Object.assign(document.createElement("button"), { id: "take-step", type: "button", textContent: "Take a step" });
  const reset = Object.assign(document.createElement("button"), { id: "reset-steps", type: "button", textContent: "Reset" });
  const said = Object.assign(document.createElement("p"), { id: "update-result" });
  said.setAttribute("aria-live", "polite");
  take.onclick = () => {
    const rate = Number(lr.value);
    if (!Number.isFinite(rate)) { said.textContent = "the learning rate is a number"; return; }
    if (!losses.length) losses.push(Evaluator.forward(evaluation.graph, liveLeafData())[outputNode()]);
    setLive(Evaluator.step(evaluation.graph, liveLeafData(), rate));
    losses.push(live.data[outputNode()]);
    showFinal();
    $("take-step")?.focus();
  };
  reset.onclick = () => { live = null; losses = []; showFinal(); $("reset-steps")?.focus(); };
  const controls2 = document.createElement("div");
  controls2.className = "live-controls";
  controls2.append("lr ", lr, " ", take, " ", reset);
  update.append(controls2);
  said.textContent = losses.length
    ? `after ${losses.length - 1} step${losses.length === 2 ? "" : "s"}: ${out} = ${exact(losses[losses.length - 1])} (it was ${exact(losses[0])}); the graph shows the new data and grads`
    : `${out} = ${exact(Evaluator.forward(evaluation.graph, liveLeafData())[outputNode()])}, as drawn`;
  update.append(said);
  if (losses.length > 1) update.append(lossPlot(out));
  panel.append(update);
}
// The output over the steps taken, as a small line plot.
function lossPlot(out) {
  const width = 360, height = 110, pad = 24;
  const lo = Math.min(...losses), hi = Math.max(...losses), span = hi - lo || 1;
  const x = k => pad + (width - 2 * pad) * k / Math.max(1, losses.length - 1);
  const y = v => height - pad + (-(height - 2 * pad)) * (v - lo) / span;
  const plot = document.createElementNS(svgNS, "svg");
  plot.id = "loss-plot";
  plot.setAttribute("viewBox", `0 0 ${width} ${height}`);
  plot.setAttribute("role", "img");
  plot.setAttribute("aria-label", `${out} over ${losses.length - 1} steps, from ${exact(losses[0])} to ${exact(losses[losses.length - 1])}`);
  plot.innerHTML = `<polyline fill="none" stroke="currentColor" stroke-width="2" points="${losses.map((v, k) => f2(x(k)) + "," + f2(y(v))).join(" ")}"/>` +
    losses.map((v, k) => `<circle cx="${f2(x(k))}" cy="${f2(y(v))}" r="2.5" fill="currentColor"/>`).join("") +
    `<text x="2" y="${pad - 8}" font-size="11" fill="currentColor">${esc(out)} ${esc(drawn(hi))}</text>` +
    `<text x="2" y="${height - 4}" font-size="11" fill="currentColor">${esc(drawn(lo))}   steps 0 to ${losses.length - 1}</text>`;
  return plot;
}
function leaveReplay() {
  stop();
  showFinal();
}
function forwardOnlyNote() {
  if (ledger.leftOut) return `no replay: backward here has ${ledger.leftOut} contributions, over the page's ${20000}; draw a part (--focus) or a plate to replay it`;
  return hasGrads
    ? "no replay: this drawing is a part (--focus) of a larger graph, and backward ran over all of it"
    : "forward only (drawn with --no-backward): there are no grads to replay";
}
// What a step's lines and the edges' labels mean: the chain rule, said once above the ledger.
function chainRuleLegend() {
  const legend = document.createElement("details");
  legend.id = "how-to-read";
  legend.open = true;
  const top = "∂" + atom(ledger.outputName);
  legend.append(Object.assign(document.createElement("summary"), { textContent: "How to read a step: the chain rule" }),
    paragraph(`Each step runs one node n's _backward. For each operand a of n it adds, by the chain rule, ` +
      `${top}/∂a += ${top}/∂n · ∂n/∂a: n's grad times the local derivative ∂n/∂a of n's op (for a · b it is b, for a + b it is 1).`),
    paragraph("On the edge from a to n, “× 3 → +6” reads: the local derivative is 3, and 6 (n's grad × 3) is added to a's grad. " +
      "A node used twice gets a contribution from each use: its running total is in the panel and on the node."));
  return legend;
}
function heading(tag, text) { const h = document.createElement(tag); h.textContent = text; return h; }
function paragraph(text, className) { const p = document.createElement("p"); p.textContent = text; if (className) p.className = className; return p; }
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
// The panel: the ledger up to this step, in the notebook's terms, the current step last.
function showLedger() {
  const panel = $("panel");
  panel.replaceChildren();
  panel.append(heading("h2", `Backward, step ${step} of ${S}`));
  if (plate) panel.append(paragraph(`example ${ledgerExample}'s backward; the parameters' grads add every example's up`, "note"));
  const log = document.createElement("ol");
  log.id = "ledger";
  log.start = 0;
  panel.append(chainRuleLegend());
  const start = document.createElement("li");
  start.className = "step" + (step === 0 ? " current" : "");
  start.append(heading("h3", "start"), code(`${atom(name(indexOfId.get(ledger.output)))}.grad = ${ledger.seedText}`),
    paragraph("the seed; every other grad is 0", "note"));
  log.append(start);
  const first = Math.max(0, step - 200);  // a long replay lists its last 200 steps
  for (let i = first; i < step; i++) {
    const s = steps[i], node = indexOfId.get(s.node);
    const item = document.createElement("li");
    item.value = i + 1;
    item.className = "step" + (i === step - 1 ? " current" : "");
    const title = heading("h3", `${atom(s.name)}._backward()`);
    title.append(" ", Object.assign(document.createElement("span"), { className: "grad", textContent: `  ${atom(s.name)}.grad = ${s.handGrad}` }));
    item.append(title);
    if (!s.uses.length) {
      item.append(paragraph(opName(node) ? `${s.name} passes nothing on` : `${s.name} is a leaf: its _backward does nothing`, "note"));
    }
    const at = rep(node);
    if (at < 0) item.append(paragraph(`inside ${containers[~at].name}, closed: shown at the group`, "note"));
    for (const u of s.uses) {
      const line = document.createElement("div");
      line.className = "use";
      line.append(equation(u.text), " ", Object.assign(document.createElement("span"), {
        className: "total", textContent: `(${atom(u.operandName)}.grad now ${u.handTotal})`,
      }));
      if (i === step - 1) {
        const symbols = Object.assign(document.createElement("div"), { className: "symbols" });
        symbols.append(equation(chainRule(s, u)));
        line.append(symbols);
        if (u.slot >= 0) line.append(paragraph(`local derivative of ${opName(node) || "the op"}: ${u.rule}`, "rule"));
      }
      item.append(line);
    }
    if (s.leaves.length) {
      item.append(paragraph(`final now: ${s.leaves.map(id => atom(name(indexOfId.get(id))) + ".grad").join(", ")} (a leaf's own _backward adds nothing)`, "note"));
    }
    log.append(item);
  }
  panel.append(log);
  if (step === S) panel.append(paragraph("Backward is done: every grad is final.", "note"));
  log.querySelector(".current")?.scrollIntoView({ block: "nearest" });
}

// Following the replay: on a graph too big to read whole, each step brings its nodes into
// view at a readable size. A wheel, a drag or a key of the user's own turns it off.
let glide = null;
function follow(items) {
  if (!$("follow")?.checked) return;
  const vp = viewport();
  if (fitScale() >= 0.9) return;
  const pad = 60, most = 1.5;
  const bounds = list => {
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const item of list) {
      const g = scene.geometry.get(item);
      if (!g) continue;
      const r = g.op ? union(g, g.op) : g;
      x0 = Math.min(x0, r.x); y0 = Math.min(y0, r.y); x1 = Math.max(x1, r.x + r.width); y1 = Math.max(y1, r.y + r.height);
    }
    return { x0, y0, x1, y1, scale: Math.min(vp.width / (x1 - x0 + 2 * pad), vp.height / (y1 - y0 + 2 * pad)) };
  };
  // The step's node and its operands, or, when they are too far apart to read together, the node.
  let { x0, y0, x1, y1, scale } = bounds(items);
  if (scale < readableScale) ({ x0, y0, x1, y1, scale } = bounds(items.slice(0, 1)));
  if (!Number.isFinite(x0)) return;
  scale = Math.min(most, Math.max(readableScale, scale));
  const target = { x: (x0 + x1) / 2 - vp.width / scale / 2, y: (y0 + y1) / 2 - vp.height / scale / 2, scale };
  const from = { ...view }, started = performance.now(), duration = Math.min(300, interval() * 0.6);
  cancelAnimationFrame(glide);
  const frame = now => {
    const t = Math.min(1, (now - started) / duration), ease = t * (2 - t);
    // Between the scales geometrically, so that the zoom feels even.
    const scale = from.scale * (target.scale / from.scale) ** ease;
    const cx = from.x + vp.width / from.scale / 2 + ((target.x + vp.width / target.scale / 2) - (from.x + vp.width / from.scale / 2)) * ease;
    const cy = from.y + vp.height / from.scale / 2 + ((target.y + vp.height / target.scale / 2) - (from.y + vp.height / from.scale / 2)) * ease;
    view.scale = scale;
    view.x = cx - vp.width / scale / 2;
    view.y = cy - vp.height / scale / 2;
    render();
    glide = t < 1 ? requestAnimationFrame(frame) : null;
  };
  glide = requestAnimationFrame(frame);
}
function manualView() {
  cancelAnimationFrame(glide);
  if ($("follow")) $("follow").checked = false;
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
  $("forward").disabled = !replaying || step === S;
  $("last").disabled = !replaying || (step === S && mode === "final");
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
  if (step >= S || mode !== "replay") show(0);
  $("play").textContent = "pause";
  timer = setInterval(tick, interval());
}
function tick() {
  show(step + 1);
  if (step >= S) stop();
}
const go = k => { stop(); show(k); };
if (steps) {
  $("slider").max = S;
  $("replay-start").onclick = () => { leaveQuiz(); go(0); };
  $("first").onclick = () => go(0);
  $("back").onclick = () => go(step - 1);
  $("forward").onclick = () => go(step + 1);
  $("last").onclick = () => go(S);
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

// ---- Quiz: the grads hidden; click a node, type its grad, and the page checks it against the
// grad, right when within the tolerance absolutely, or relatively for large grads.
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
// A fair check (issue 26): an answer is also right when it is the true grad to the precision
// the page shows for it (the ledger's hand digits, or the records' decimals), or the right
// arithmetic on the numbers the page shows: the sum, over the uses of the node, of the shown
// grad times the shown local derivative, to the digits the learner typed (at least as many
// decimals as the grad is shown with, so that "1" is not right for 0.84).
const usesInto = new Map(), stepOfNode = new Map();
if (steps) {
  for (const s of steps) {
    stepOfNode.set(indexOfId.get(s.node), s);
    for (const u of s.uses) {
      const operand = indexOfId.get(u.operand);
      if (!usesInto.has(operand)) usesInto.set(operand, []);
      usesInto.get(operand).push({ step: s, use: u });
    }
  }
}
const decimalsOf = text => { const m = /\.(\d+)/.exec(String(text).replace(/e.*$/i, "")); return m ? m[1].length : 0; };
// The grad as the ledger shows it by hand: the node's own step's, or its last contribution's total.
function handGradOf(i) {
  if (stepOfNode.has(i)) return stepOfNode.get(i).handGrad;
  const uses = usesInto.get(i);
  return uses ? uses[uses.length - 1].use.handTotal : null;
}
const within = (a, b, decimals) => Math.abs(a - b) <= 0.5 * 10 ** -decimals * (1 + 1e-9) + 1e-15;
function isFair(text, answer, i) {
  const grad = finalGradOf(i);
  if (isRight(answer, grad)) return true;
  if (!Number.isFinite(answer) || !plateShowsLedger()) return false;
  const hand = handGradOf(i), typed = decimalsOf(text);
  if (within(answer, grad, precision)) return true;
  if (hand !== null && typed >= decimalsOf(hand) && within(answer, grad, decimalsOf(hand))) return true;
  const uses = usesInto.get(i);
  if (!uses || typed < Math.min(precision, hand === null ? precision : decimalsOf(hand))) return false;
  // The shown factors: the ledger's hand digits, or the records' fixed decimals.
  const byHand = uses.reduce((sum, { use }) => sum + (use.slot < 0 ? Number(use.handAmount) : Number(use.handLocal) * Number(use.handGrad)), 0);
  const byRecords = uses.reduce((sum, { step, use }) => sum + (use.slot < 0 ? Number(use.amountText) : Number(use.localText) * Number(step.gradText)), 0);
  return within(answer, byHand, typed) || within(answer, byRecords, typed);
}
// A collapsed neuron's grad comes through weights folded into the next neuron, which the
// drawing does not show: the quiz skips it, and says so.
const microgradOp = /^(|\+|\*|\*\*|exp|log|tanh|ReLU|sigmoid|sin|cos|\*\*-?[0-9.eE+-]+)$/;
const throughFold = i => (usesInto.get(i) ?? []).some(({ step }) => {
  const n = indexOfId.get(step.node);
  return folds[n]?.lines || !microgradOp.test(opName(n) ?? "");
});
// The hint after a first wrong answer: where the grad comes from, the op's local rule and the
// numbers to use, named; the worked step after a second.
function hint(i) {
  const uses = usesInto.get(i);
  if (!uses) return `${atom(name(i))}.grad is backward's sum over every use of ${name(i)}: look at the nodes it feeds.`;
  return `${name(i)} is used ${uses.length === 1 ? "once" : uses.length + " times"}; its grad adds, for each use, the user's grad times the local derivative (the chain rule): ` +
    uses.map(({ step, use }) => use.slot < 0 ? use.text.split(" += ")[1]
      : `by ${step.name}: ${step.name}.grad × ∂${atom(step.name)}/∂${atom(name(i))}, where ${use.rule}, here ${use.localSymbol || use.handLocal}`).join("; ") + ".";
}
function workedStep(i) {
  const uses = usesInto.get(i);
  if (!uses) return `${atom(name(i))}.grad = ${drawn(finalGradOf(i))}`;
  const lines = uses.map(({ step, use }) => chainRule(step, use));
  return lines.join("\n") + `\nso ${atom(name(i))}.grad = ${uses.map(({ use }) => use.handAmount).join(" + ").replace(/\+ -/g, "- ")} = ${handGradOf(i)}`;
}
// The output's grad is given: it is the seed.
const outputIndex = ledger.output !== undefined ? indexOfId.get(ledger.output) : page.output;
const givenInQuiz = i => i === outputIndex;
const quizKey = i => plate && plateColumn[i] >= 0 ? `${i}@${example}` : String(i);
function known(i) { return givenInQuiz(i) || quiz.solved.has(quizKey(i)) || quiz.revealed.has(quizKey(i)); }
const askable = () => { const list = []; for (let i = 0; i < N; i++) if (hasGrads && !givenInQuiz(i) && !folds[i]?.lines && !throughFold(i)) list.push(i); return list; };
function enterQuiz() {
  stop();
  backToDrawn();
  mode = "quiz";
  marks = { current: new Set(), receives: new Set(), flow: new Set(), labels: [] };
  updateControls();
  $("quiz").textContent = "leave quiz";
  $("quiz").classList.add("on");
  $("quiz").setAttribute("aria-pressed", "true");
  document.body.classList.add("quiz");
  $("status").textContent = "quiz: click a node (or search for it) and type its grad";
  showQuiz();
  requestRender();
  refreshHover();
}
function leaveQuiz() {
  if (mode !== "quiz") return;
  mode = "final";
  quiz.selected = null;
  $("quiz").textContent = "quiz";
  $("quiz").classList.remove("on");
  $("quiz").setAttribute("aria-pressed", "false");
  document.body.classList.remove("quiz");
  requestRender();
}
function revealButton(i) {
  const reveal = Object.assign(document.createElement("button"), { id: "reveal", type: "button", textContent: "reveal" });
  reveal.onclick = () => { quiz.revealed.add(quizKey(i)); quiz.feedback = null; showQuiz(); requestRender(); };
  return reveal;
}
function showQuiz() {
  const panel = $("panel");
  panel.replaceChildren();
  panel.append(heading("h2", "Quiz: find each grad"));
  panel.append(paragraph(`Click a node, type its grad and press Enter. ${name(outputIndex)}.grad is given: ` +
    `it is backward's seed. An answer is right when it is the grad to the digits the page shows, or the right arithmetic on the numbers shown ` +
    `(within its last digit). Keyboard: Tab to a node, Enter, type the grad, Enter.`));
  const total = askable(), left = total.filter(i => !known(i)).length;
  const score = paragraph(`score ${quiz.right} / ${quiz.attempted}   ` +
    `(${quiz.solved.size} found, ${quiz.revealed.size} revealed, ${left} to go)`, "score");
  score.id = "score";
  panel.append(score);
  const question = document.createElement("div");
  question.id = "question";
  const i = quiz.selected;
  if (i === null || i === undefined) {
    question.append(paragraph("Click a node (or Tab to it and press Enter) to answer its grad.", "note"));
  } else if (throughFold(i) && !known(i)) {
    question.append(paragraph(`The quiz skips ${name(i)}: its grad comes through a collapsed neuron, whose weights this drawing does not show. ` +
      "Draw the graph without --collapse to work it out; reveal shows it.", "note"));
    question.append(revealButton(i));
  } else if (known(i)) {
    question.append(paragraph(`${atom(name(i))}.grad = ${drawn(finalGradOf(i))}` +
      (givenInQuiz(i) ? " (given)" : quiz.solved.has(quizKey(i)) ? " (you found it)" : " (revealed)")));
  } else {
    const form = document.createElement("form");
    form.id = "answer-form";
    const label = document.createElement("label");
    label.htmlFor = "answer";
    label.textContent = `${atom(name(i))}.grad = `;
    const input = Object.assign(document.createElement("input"), { id: "answer", type: "text", inputMode: "decimal", autocomplete: "off", spellcheck: false });
    const check = Object.assign(document.createElement("button"), { id: "check", type: "submit", textContent: "check" });
    form.append(label, input, " ", check, " ", revealButton(i));
    form.onsubmit = event => {
      event.preventDefault();
      answer(i, input.value);
    };
    question.append(form);
  }
  if (quiz.feedback) {
    question.append(paragraph(quiz.feedback.text, "feedback " + quiz.feedback.kind));
    if (quiz.feedback.more) question.append(Object.assign(paragraph(quiz.feedback.more, "worked"), { id: "worked" }));
  }
  panel.append(question);
  const all = Object.assign(document.createElement("button"), { id: "reveal-all", type: "button", textContent: "reveal all" });
  all.onclick = () => {
    for (const i of askable()) if (!known(i)) quiz.revealed.add(quizKey(i));
    quiz.feedback = null;
    showQuiz();
    requestRender();
  };
  panel.append(all);
  $("answer")?.focus({ preventScroll: true });
}
function answer(i, text) {
  const value = parseAnswer(text);
  if (value === undefined) {
    quiz.feedback = { kind: "wrong", text: `“${text}” is not a number.` };
    return showQuiz();
  }
  quiz.attempted += 1;
  if (isFair(text, value, i)) {
    quiz.right += 1;
    quiz.solved.add(quizKey(i));
    quiz.feedback = { kind: "right", text: `Right: ${atom(name(i))}.grad is ${handGradOf(i) ?? drawn(finalGradOf(i))} (exactly ${exact(finalGradOf(i))}).` };
    $("status").textContent = quiz.feedback.text;
    requestRender();
    showQuiz();
    // The keyboard goes back to the node answered, to Tab on to the next.
    svg.querySelector(`g.node[data-id="${CSS.escape(itemId(rep(i)))}"]`)?.focus({ preventScroll: true });
    return;
  }
  const misses = (quiz.misses.get(quizKey(i)) ?? 0) + 1;
  quiz.misses.set(quizKey(i), misses);
  quiz.feedback = misses === 1
    ? { kind: "wrong", text: `Not ${text.trim()}. Hint: ${hint(i)}` }
    : { kind: "wrong", text: `Not ${text.trim()}. The worked step:`, more: workedStep(i) };
  $("status").textContent = quiz.feedback.text + (quiz.feedback.more ? " " + quiz.feedback.more : "");
  showQuiz();
}
function selectInQuiz(item) {
  const i = item >= 0 ? item : containers[~item].look.representative;
  if (i === undefined || i < 0) return;
  quiz.selected = i;
  quiz.feedback = null;
  showQuiz();
  requestRender();
}
if (hasGrads) {
  $("quiz").setAttribute("aria-pressed", "false");
  $("quiz").onclick = () => {
    if (mode !== "quiz") return enterQuiz();
    leaveQuiz();
    showFinal();
  };
}

// ---- Hover: the exact numbers, and the grad the page is showing (the running one in the replay).
const info = $("info");
let hovered = null;
function refreshHover() { if (hovered !== null) hover(hovered); }
function hover(item) {
  hovered = item;
  if (item < 0) {
    const c = containers[~item], r = c.look.representative;
    info.textContent = `${c.kind} ${c.name}: ${c.count} node${c.count === 1 ? "" : "s"}${canOpen(~item) ? "; click to open" : "; too big to open"}` +
      (r >= 0 ? `\n${name(r)}  data ${exact(dataOf(r))}\ngrad ${hoverGrad(r)}` : "");
    return;
  }
  const i = item;
  const where = containerOf[i] > 0 ? "  in " + containers[containerOf[i]].name : "";
  info.textContent = `${name(i)}  ${opName(i) ? "op " + opName(i) + "  " : ""}${kindName(i)}${where}\n` +
    `data ${exact(dataOf(i))}\ngrad ${hoverGrad(i)}`;
}
function hoverGrad(i) {
  if (!hasGrads) return "not computed";
  if (mode === "replay" && plateShowsLedger() && inLedger.has(i)) {
    const r = running.get(i);
    return `${r ? r.value : 0} (running, after step ${step} of ${S}; ${r ? "so far" : "not reached yet"})`;
  }
  if (mode === "quiz" && !known(i)) return "? (quiz)";
  return exact(finalGradOf(i));
}

// ---- Tracing: a clicked node's path to the output, everything else dimmed.
function trace(i) {
  const onPathSet = new Set([i]);
  for (let v = i + 1; v < N; v++) {  // operands come first: a node is on the path if an operand is
    for (const u of operandsOf(v)) if (onPathSet.has(u)) { onPathSet.add(v); break; }
  }
  traced = onPathSet;
  requestRender();
  return onPathSet.size;
}
function onPath(item) {
  if (item >= 0) return traced.has(item);
  for (const i of traced) if (rep(i) === item) return true;
  return false;
}
function containerOnPath(c) {
  for (const i of traced) { for (let up = containerOf[i]; up > 0; up = containers[up].parent) if (up === c) return true; }
  return false;
}
function edgeOnPath(edge) {
  for (const use of edge.uses) {
    let v = 0, lo = 0, hi = N;
    while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (operandStart[mid] <= use) lo = mid; else hi = mid; }
    v = lo;
    if (traced.has(v) && traced.has(operandList[use])) return true;
  }
  return false;
}

// ---- Pointer and keys.
let drag = null, dragged = false;
const pointers = new Map();
canvas.addEventListener("pointerdown", event => {
  if (event.target.closest("#minimap")) return;
  pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
  if (pointers.size === 1) { drag = { x: event.clientX, y: event.clientY, moved: 0 }; dragged = false; }
  canvas.classList.add("dragging");
});
window.addEventListener("pointermove", event => {
  if (!pointers.has(event.pointerId)) return;
  const before = pointers.get(event.pointerId);
  pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
  if (pointers.size === 2) {
    // Pinch: the distance between two fingers zooms about their midpoint.
    const [a, b] = [...pointers.values()];
    const other = [...pointers.entries()].find(([id]) => id !== event.pointerId)[1];
    const was = Math.hypot(before.x - other.x, before.y - other.y), now = Math.hypot(a.x - b.x, a.y - b.y);
    const rect = canvas.getBoundingClientRect();
    if (was > 0) zoomAt(now / was, (a.x + b.x) / 2 - rect.left, (a.y + b.y) / 2 - rect.top, true);
    dragged = true;
    manualView();
    return;
  }
  if (!drag) return;
  view.x -= (event.clientX - drag.x) / view.scale;
  view.y -= (event.clientY - drag.y) / view.scale;
  drag.moved += Math.abs(event.clientX - drag.x) + Math.abs(event.clientY - drag.y);
  if (drag.moved > 4 && !dragged) {  // a drag is not a click
    dragged = true;
    manualView();
  }
  drag.x = event.clientX;
  drag.y = event.clientY;
  queueRender();
});
const release = event => {
  pointers.delete(event.pointerId);
  if (!pointers.size) { drag = null; canvas.classList.remove("dragging"); }
};
window.addEventListener("pointerup", release);
window.addEventListener("pointercancel", release);
canvas.addEventListener("wheel", event => {
  event.preventDefault();
  manualView();
  const rect = canvas.getBoundingClientRect();
  zoomAt(event.deltaY > 0 ? 1 / 1.15 : 1.15, event.clientX - rect.left, event.clientY - rect.top, true);
}, { passive: false });
function activate(target) {
  const label = target.closest(".box-label");
  if (label) return closeContainer(Number(label.dataset.container));
  const node = target.closest("g.node");
  if (!node) return false;
  const id = node.dataset.id.replace(/_op$/, "");
  if (id.startsWith("c")) {
    const c = Number(id.slice(1));
    if (mode === "quiz" && !canOpen(c)) return selectInQuiz(~c);
    return openContainer(c);
  }
  const i = indexOfId.get(id);
  if (mode === "quiz") return selectInQuiz(i);
  located = containerOf[i];
  updateCrumbs();
  trace(i);
  return true;
}
svg.addEventListener("click", event => {
  if (dragged) { dragged = false; return; }
  if (activate(event.target) === false) { traced = null; found = null; requestRender(); }
});
svg.addEventListener("mouseover", event => {
  const node = event.target.closest("g.node");
  if (!node) return;
  const id = node.dataset.id.replace(/_op$/, "");
  hover(id.startsWith("c") ? ~Number(id.slice(1)) : indexOfId.get(id));
});
svg.addEventListener("focusin", event => {
  const node = event.target.closest("g.node");
  if (node) {
    const id = node.dataset.id.replace(/_op$/, "");
    hover(id.startsWith("c") ? ~Number(id.slice(1)) : indexOfId.get(id));
  }
});
document.addEventListener("keydown", event => {
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  const typing = event.target.closest?.("input:not([type=range]), textarea, select, [contenteditable]");
  if (typing) return;
  const inGraph = !!event.target.closest?.("#canvas");
  const key = event.key;
  if ((key === "Enter" || key === " ") && event.target.closest?.("#drawing g.node, #drawing .box-label")) {
    event.preventDefault();
    activate(event.target);
    return;
  }
  const pan = 80 / view.scale;
  const viewKeys = {
    "/": () => { search.focus(); search.select(); },
    f: () => { manualView(); fit(); }, F: () => { manualView(); fit(); },
    0: () => { manualView(); resetView(); },
    "+": () => { manualView(); zoomAt(1.25); }, "=": () => { manualView(); zoomAt(1.25); },
    "-": () => { manualView(); zoomAt(0.8); }, _: () => { manualView(); zoomAt(0.8); },
    Escape: () => { traced = null; found = null; results.hidden = true; requestRender(); },
  };
  if (inGraph) {
    Object.assign(viewKeys, {
      ArrowLeft: () => { manualView(); setView(view.x - pan, view.y, view.scale); },
      ArrowRight: () => { manualView(); setView(view.x + pan, view.y, view.scale); },
      ArrowUp: () => { manualView(); setView(view.x, view.y - pan, view.scale); },
      ArrowDown: () => { manualView(); setView(view.x, view.y + pan, view.scale); },
    });
  }
  if (viewKeys[key]) {
    event.preventDefault();
    viewKeys[key]();
    return;
  }
  // ← → step the replay, space plays and pauses, Home and End jump.
  if (!steps || mode === "quiz") return;
  if (event.target.closest?.("button, select, input[type=range]") && (key === " " || key.startsWith("Arrow"))) {
    if (event.target.id !== "slider" || key === " ") return;
  }
  const act = { ArrowRight: () => go(step + 1), ArrowLeft: () => go(step - 1), Home: () => go(0), End: () => go(S), " ": play }[key];
  if (!act) return;
  event.preventDefault();
  act();
});
$("fit").onclick = () => { manualView(); fit(); };
$("reset").onclick = () => { manualView(); resetView(); };
$("zoom-in").onclick = () => { manualView(); zoomAt(1.25); };
$("zoom-out").onclick = () => { manualView(); zoomAt(0.8); };
$("open-all").onclick = () => {
  for (let c = 1; c < containers.length; c++) if (canOpen(c)) open.add(c);
  relayout();
  fit();
  $("status").textContent = "every group open";
};
$("close-all").onclick = () => {
  open = new Set([0]);
  located = 0;
  relayout();
  resetView();
  $("status").textContent = "every group closed";
};

// ---- The minimap, on graphs wider than two screens: the whole drawing, and the view on it.
const minimap = $("minimap");
function drawMinimap() {
  const vp = viewport();
  const wide = scene.width > 2 * vp.width / Math.max(readableScale, Math.min(1, view.scale)) || scene.height > 2 * vp.height / Math.max(readableScale, Math.min(1, view.scale));
  minimap.hidden = !wide;
  if (!wide) return;
  const most = Math.min(200, vp.width / 4), k = Math.min(most / scene.width, most / scene.height);
  const width = Math.max(40, Math.round(scene.width * k)), height = Math.max(30, Math.round(scene.height * k));
  const ratio = window.devicePixelRatio || 1;
  if (minimap.width !== width * ratio) { minimap.width = width * ratio; minimap.style.width = width + "px"; }
  if (minimap.height !== height * ratio) { minimap.height = height * ratio; minimap.style.height = height + "px"; }
  const context = minimap.getContext("2d");
  context.setTransform(ratio * k, 0, 0, ratio * k, 0, 0);
  context.fillStyle = colors.background;
  context.fillRect(0, 0, scene.width, scene.height);
  context.fillStyle = colors.edge;
  // A node or a view smaller than a pixel here still gets one: a chain a million points long
  // would otherwise leave the map empty.
  const pixel = 1 / k;
  for (const g of scene.geometry.values()) context.fillRect(g.x, g.y, Math.max(g.width, pixel), Math.max(g.height, pixel));
  context.strokeStyle = "#e8590c";
  context.lineWidth = 2 * pixel;
  context.strokeRect(view.x, view.y, Math.max(vp.width / view.scale, 3 * pixel), Math.max(vp.height / view.scale, 3 * pixel));
  minimap.dataset.scale = k;
}
minimap.addEventListener("pointerdown", event => {
  event.stopPropagation();
  const move = e => {
    const rect = minimap.getBoundingClientRect(), k = Number(minimap.dataset.scale), vp = viewport();
    manualView();
    setView((e.clientX - rect.left) / k - vp.width / view.scale / 2, (e.clientY - rect.top) / k - vp.height / view.scale / 2, view.scale, true);
  };
  move(event);
  const up = () => { window.removeEventListener("pointermove", move); window.removeEventListener("pointerup", up); };
  window.addEventListener("pointermove", move);
  window.addEventListener("pointerup", up);
});

// ---- --color grad's legend: its swatches give the range of the grads away, so a quiz hides it.
if (page.legend && hasGrads) {
  const legend = $("legend");
  legend.append(Object.assign(document.createElement("div"), { className: "legend-title", textContent: page.legend.title }));
  for (const [label, fill] of page.legend.swatches) {
    legend.append(Object.assign(document.createElement("span"), { className: "swatch", textContent: label, style: `background:${fill};color:${textColor(fill)}` }));
  }
  legend.hidden = false;
}

window.addEventListener("resize", () => queueRender());
prefersDark?.addEventListener?.("change", () => { colors = prefersDark.matches ? page.darkColors : page.colors; requestRender(); });

// ---- The first view.
if (!steps) document.body.classList.add("no-replay");
openFirstView();
updateCrumbs();
updateOpenAll();
resetView();
render();
if (ledger.quiz && hasGrads) enterQuiz(); else showFinal();
document.body.dataset.ready = "true";
