#!/usr/bin/env python3
"""Tests a training run's timeline page in a real browser (headless Chromium, as
browser-test.py drives it). In a temp folder of its own it makes a run of 5 steps of one
graph (y = x*w + 1, w the parameter), kept whole at steps 1 and 5, whose grads jump 200x at
step 4, and draws it with mgviz to run.html (and with --color grad to grad.html). Checks:
- the page opens at the last step with only that step's graph laid out, the other waiting in
  a template until the page has shown;
- the slider moves every chart's marker and shows the nearest kept graph at or before its
  step, whose parameter node shows the slider's step's data and grad (and, under --color
  grad, its fill in that graph's palette: x's fill for x's grad, the deepest for a grad past
  the palette's range), while the other nodes keep the kept step's numbers, as the page says;
- the loss curve labels its greatest and least loss, its first and last step, and the
  marker's step and loss; each grad chart says its range;
- at 1280x800 and 390x844 the page is no wider than the screen and every text outside the
  graphs is at least 11px with a contrast of at least 4.5:1;
- the exploding alarm is listed and takes the slider to its step.
Saves SHOTS/timeline.png, timeline-step3.png, timeline-grad.png and timeline-phone.png.
Usage: scripts/browser-test-timeline.py MGVIZ SHOTS_FOLDER"""
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

_spec = importlib.util.spec_from_file_location("browser_test", os.path.join(os.path.dirname(os.path.abspath(__file__)), "browser-test.py"))
browser_test = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(browser_test)

STATE = """(() => {
  const marker = document.querySelector('#loss svg.chart line.at');
  const node = label => [...document.querySelectorAll('#graphs > .graph:not(.off) g.node')].find(n => n.querySelector('text')?.textContent === label);
  const lines = label => { const n = node(label); return n ? [...n.querySelectorAll('text')].map(t => t.textContent) : null; };
  const fill = label => { const n = node(label); return n ? [n.querySelector('polygon').getAttribute('fill'), n.querySelector('text').getAttribute('fill')] : null; };
  return {step: Number(document.getElementById('step').value), text: document.getElementById('status').textContent,
          x: Number(marker.getAttribute('x1')), title: document.getElementById('graph-title').textContent,
          note: document.getElementById('graph-note').textContent,
          shown: [...document.querySelectorAll('#graphs > .graph')].filter(g => getComputedStyle(g).zIndex === '1' && g.getAttribute('aria-hidden') === 'false').map(g => g.dataset.step),
          markers: new Set([...document.querySelectorAll('#grads svg.chart line.at')].map(l => l.getAttribute('x1'))).size,
          alarms: [...document.querySelectorAll('#alarms a')].map(a => a.textContent),
          w: lines('w'), xNode: lines('x'), wFill: fill('w'), xFill: fill('x'),
          yAxis: [...document.querySelectorAll('#loss .y-axis span')].map(s => s.textContent),
          xAxis: [...document.querySelectorAll('#loss .x-axis span')].map(s => s.textContent),
          at: document.getElementById('loss-at').textContent,
          scales: [...document.querySelectorAll('#grads .scale')].map(s => s.textContent)};
})()"""

# Every text outside the graphs: its size, its contrast with the background behind it (WCAG),
# and whether it lies inside the screen's width; and whether the page is wider than the screen.
LEGIBILITY = """(() => {
  const rgb = c => c.match(/[\\d.]+/g).map(Number);
  const luminance = ([r, g, b]) => [r, g, b].map(c => c / 255).map(c => c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)
    .reduce((sum, c, k) => sum + c * [0.2126, 0.7152, 0.0722][k], 0);
  const background = e => {
    for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.length < 4 || c[3] > 0.5) return c; }
    return [255, 255, 255];
  };
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let t; (t = walker.nextNode());) {
    const e = t.parentElement;
    if (!t.textContent.trim() || e.closest('#graphs, script, style, title')) continue;
    const style = getComputedStyle(e), box = e.getBoundingClientRect();
    const [a, b] = [luminance(rgb(style.color)), luminance(background(e))];
    texts.push({text: t.textContent.trim().slice(0, 30), size: parseFloat(style.fontSize),
                contrast: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05), inside: box.right <= innerWidth + 0.5});
  }
  return {texts, width: document.documentElement.scrollWidth, screen: innerWidth,
          viewport: document.querySelector('meta[name=viewport]')?.content};
})()"""


def move(browser, step):
    browser.evaluate(f"(s => {{ s.value = {step}; s.dispatchEvent(new Event('input')); }})(document.getElementById('step'))")


def main():
    mgviz, shots = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    os.makedirs(shots, exist_ok=True)
    folder = tempfile.mkdtemp(prefix="mgviz-browser-test-timeline-")
    failures = []

    def check(condition, what):
        print(("ok   " if condition else "FAIL ") + what)
        if not condition:
            failures.append(what)

    browser = None
    try:
        spec = os.path.join(folder, "g.mg")
        with open(spec, "w") as f:
            f.write("x = 2.0\nw = 0.5\ny = x*w + 1\n")
        dump = os.path.join(folder, "g.json")
        subprocess.run([mgviz, spec, "-o", dump], check=True, capture_output=True)
        structure = json.load(open(dump))
        numbers = {"data": [n["data"] for n in structure["nodes"]], "grad": [n["grad"] for n in structure["nodes"]]}
        w = [n["label"] for n in structure["nodes"]].index("w")
        grads = [2.0, 1.0, 0.5, 100.0, 90.0]
        data = [0.5 - 0.1 * k for k in range(5)]
        # The graph kept at step 5 has that step's parameter; its other nodes keep step 1's numbers.
        last = {"data": list(numbers["data"]), "grad": list(numbers["grad"])}
        last["data"][w], last["grad"][w] = data[4], grads[4]
        steps = [{"loss": 3.0 - 0.25 * k, "data": [data[k]], "grad": [grads[k]],
                  "graph": dict(structure=0, **(numbers if k == 0 else last)) if k in (0, 4) else None} for k in range(5)]
        run = {"format": "mgviz-run", "version": 1, "title": "five steps",
               "parameters": [{"name": "w", "layer": None, "neuron": None, "nonlinear": None}],
               "structures": [structure], "steps": steps}
        path = os.path.join(folder, "run.mgviz-run")
        json.dump(run, open(path, "w"))
        page = os.path.join(folder, "run.html")
        result = subprocess.run([mgviz, path, "-o", page], capture_output=True, text=True)
        check(result.returncode == 0 and "alarm: step 4: the grads exploded 200x in one step" in result.stderr,
              f"mgviz draws the run and says its alarm: {result.stderr!r}")
        html = open(page).read()
        templates = html.split("<template>")
        check(len(templates) == 2 and 'data-step="1"><template>' in html and "data 0.5000" in templates[1].split("</template>")[0]
              and 'name="viewport"' in html,
              "only the graph the page opens at is laid out at load: step 1's waits in a template; the page has a viewport")
        browser = browser_test.Browser()
        browser.open("file://" + page)
        state = browser.evaluate(STATE)
        check(state["step"] == 5 and state["text"] == "5 of 5: loss 2.00000" and state["x"] == 640 and state["shown"] == ["5"]
              and state["title"] == "graph at step 5" and state["note"] == "" and state["w"] == ["w", "data 0.1000", "grad 90.0000"],
              f"the page opens at the last step, its graph with its own numbers: {state}")
        check(state["yAxis"] == ["3", "2"] and state["xAxis"] == ["step 1", "step 5"] and state["at"] == "step 5: 2.00000"
              and state["scales"] == ["0.5 to 100"], f"the loss curve's axes and marker and the grad chart's range are labelled: {state}")
        for _ in range(50):
            if browser.evaluate("document.body.dataset.graphs"):
                break
            time.sleep(0.1)
        check(browser.evaluate("document.querySelectorAll('#graph template').length === 0 && [...document.querySelectorAll('#graphs > .graph')]"
                              ".map(g => g.querySelectorAll('g.node').length).join() === '7,7'"),
              "after the page has shown, the other graph is laid out too")
        browser.screenshot(os.path.join(shots, "timeline.png"))
        sizes = "[...document.querySelectorAll('#graphs > .graph svg')].map(s => getComputedStyle(s).maxWidth).join()"
        fitted = browser.evaluate(sizes)
        browser.evaluate("document.getElementById('actual-size').click()")
        actual = (browser.evaluate(sizes), browser.evaluate("document.getElementById('actual-size').getAttribute('aria-pressed')"))
        browser.evaluate("document.getElementById('actual-size').click()")
        check(fitted == "100%,100%" and actual == ("none,none", "true") and browser.evaluate(sizes) == fitted,
              f"'actual size' draws the graphs unshrunk, to scroll, and again fits them: {fitted} -> {actual}")
        move(browser, 3)
        state = browser.evaluate(STATE)
        check(state["x"] == 320 and state["shown"] == ["1"] and state["title"] == "graph at step 1, its parameters at step 3"
              and state["markers"] == 1 and state["at"] == "step 3: 2.50000",
              f"the slider moves every marker and shows the nearest kept graph: {state}")
        check(state["w"] == ["w", "data 0.3000", "grad 0.5000"] and state["xNode"] == ["x", "data 2.0000", "grad 0.5000"]
              and "step 3's data and grad" in state["note"] and "every other node shows step 1's" in state["note"],
              f"the parameter shows step 3's numbers, the others step 1's, as the page says: {state['w']}, {state['xNode']}, {state['note']!r}")
        browser.screenshot(os.path.join(shots, "timeline-step3.png"))
        move(browser, 1)
        state = browser.evaluate(STATE)
        check(state["w"] == ["w", "data 0.5000", "grad 2.0000"] and state["note"] == "", f"at a kept step the graph has its own numbers: {state}")
        check(len(state["alarms"]) == 1 and state["alarms"][0].startswith("step 4: the grads exploded 200x"), f"the alarm is listed: {state['alarms']}")
        browser.evaluate("document.querySelector('#alarms a').click()")
        state = browser.evaluate(STATE)
        check(state["step"] == 4 and state["x"] == 480 and state["w"] == ["w", "data 0.2000", "grad 100.0000"],
              f"an alarm takes the slider to its step: {state}")

        # Under --color grad, the parameter takes its step's grad's colour in the shown graph's palette.
        grad_page = os.path.join(folder, "grad.html")
        subprocess.run([mgviz, path, "-o", grad_page, "--color", "grad"], check=True, capture_output=True)
        browser.open("file://" + grad_page)
        move(browser, 1)
        kept = browser.evaluate(STATE)
        move(browser, 3)
        state = browser.evaluate(STATE)
        check(state["wFill"] == kept["xFill"] and state["wFill"] != kept["wFill"] and state["xFill"] == kept["xFill"],
              f"at step 3 w's grad (0.5) has x's colour in step 1's graph (x's grad is 0.5 there): {state['wFill']} against {kept}")
        move(browser, 4)
        state = browser.evaluate(STATE)
        check(state["wFill"] == kept["wFill"], f"a grad past the palette's range (100) takes its deepest colour, w's own at step 1 (2.0): {state['wFill']}")
        browser.screenshot(os.path.join(shots, "timeline-grad.png"))

        for size, name in [((1280, 800), "timeline.png"), ((390, 844), "timeline-phone.png")]:
            browser.open("file://" + page, size=size)
            move(browser, 3)
            legible = browser.evaluate(LEGIBILITY)
            small = [t for t in legible["texts"] if t["size"] < 11]
            faint = [t for t in legible["texts"] if t["contrast"] < 4.5]
            outside = [t for t in legible["texts"] if not t["inside"]]
            check(legible["width"] <= legible["screen"] and not small and not faint and not outside and legible["viewport"],
                  f"at {size[0]}x{size[1]} the page fits the screen ({legible['width']} px) and its {len(legible['texts'])} texts are legible:"
                  f" small {small}, faint {faint}, outside {outside}")
            if name == "timeline-phone.png":
                browser.screenshot(os.path.join(shots, name))
    finally:
        if browser:
            browser.close()
        shutil.rmtree(folder, ignore_errors=True)
    print("all checks passed" if not failures else f"{len(failures)} checks failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
