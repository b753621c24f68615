"use strict";
// A difference's page (mgviz diff A B -o d.html, DifferencePage.swift): the difference's SVG
// and buttons that show A, B or the differences. It reads only the SVG and the dump's
// "difference" (docs/diff.md): B's nodes marked "added", A's removed nodes drawn under
// NodeNames.removed's names (a4, a4_op), and the edges found only in A or only in B.
(() => {
  const data = JSON.parse(document.getElementById("mgviz-data").textContent);
  const difference = data.difference;
  const svg = document.querySelector("#canvas svg");
  if (!difference || !svg) return;
  const base = name => name.endsWith("_op") ? name.slice(0, -3) : name;
  const added = new Set(difference.nodes.filter(n => n.marks.includes("added")).map(n => n.id));
  const isRemoved = name => /^a\d+$/.test(base(name));
  const onlyInA = new Set(difference.edgesOnlyInA.map(e => `${e.from}->${e.to}`));
  const onlyInB = new Set(difference.edgesOnlyInB.map(e => `${e.from}->${e.to}`));
  // What each view hides: A has no node B added, B none A lost; the differences show both.
  const hiddenIn = { a: [], b: [] };
  for (const g of svg.querySelectorAll("g.node, g.edge")) {
    const title = g.querySelector("title")?.textContent;
    if (!title) continue;
    const [tail, head] = title.includes("->") ? title.split("->") : [title, title];
    const edge = `${tail}->${base(head)}`;
    // A node's edge from its own op belongs to the node.
    const inAOnly = isRemoved(tail) || isRemoved(head) || (tail !== head && onlyInA.has(edge) && g.querySelector("[stroke-dasharray]"));
    const inBOnly = added.has(base(tail)) || added.has(base(head)) || (tail !== head && onlyInB.has(edge) && !g.querySelector("[stroke-dasharray]"));
    if (inAOnly) hiddenIn.b.push(g);
    if (inBOnly) hiddenIn.a.push(g);
  }
  // Numbers drawn "before → after" show one side in A and in B.
  const changed = [...svg.querySelectorAll("g.node text")].filter(t => t.textContent.includes(" → "))
    .map(t => ({ t, both: t.textContent }));
  function show(view) {
    for (const g of [...hiddenIn.a, ...hiddenIn.b]) g.style.display = "";
    for (const g of hiddenIn[view] || []) g.style.display = "none";
    for (const { t, both } of changed) {
      const [before, after] = both.split(" → ");
      const lead = before.match(/^\S+\s/)?.[0] ?? "";
      t.textContent = view === "a" ? before : view === "b" ? lead + after : both;
    }
    for (const button of nav.querySelectorAll("button")) button.setAttribute("aria-pressed", String(button.value === view));
    document.getElementById("status").textContent = view === "a" ? "A" : view === "b" ? "B" : "B with its changes from A";
  }
  const nav = document.createElement("nav");
  nav.id = "difference-views";
  nav.setAttribute("aria-label", "difference views");
  for (const [view, text, title] of [["a", "A", "A's graph: B's additions hidden, A's numbers"],
    ["b", "B", "B's graph: A's removed nodes hidden, B's numbers"],
    ["both", "differences", "B with its changes from A"]]) {
    const button = document.createElement("button");
    button.value = view;
    button.textContent = text;
    button.title = title;
    button.addEventListener("click", () => show(view));
    nav.append(button);
  }
  document.querySelector("header").prepend(nav);
  show("both");
  document.body.dataset.ready = "true";
})();
