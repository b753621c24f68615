#!/usr/bin/env python3
"""Tests a training run's timeline page in a real browser (headless Chromium, as
browser-test.py drives it). In a temp folder of its own it makes a run of 5 steps of one
parameter-less graph (y = x*w + 1, w the parameter `p1`), kept whole at steps 1 and 5, whose
grads jump 200x at step 4, and draws it with mgviz to run.html. The slider opens at the last
step, moves every chart's marker and shows the nearest kept graph at or before its step; the
exploding alarm is listed and takes the slider to its step. Saves SHOTS/timeline.png.
Usage: scripts/browser-test-timeline.py MGVIZ SHOTS_FOLDER"""
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile

_spec = importlib.util.spec_from_file_location("browser_test", os.path.join(os.path.dirname(os.path.abspath(__file__)), "browser-test.py"))
browser_test = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(browser_test)

STATE = """(() => {
  const marker = document.querySelector('#loss svg.chart line.at');
  return {step: Number(document.getElementById('step').value), text: document.getElementById('status').textContent,
          x: Number(marker.getAttribute('x1')), title: document.getElementById('graph-title').textContent,
          shown: [...document.querySelectorAll('#graph .graph')].filter(g => getComputedStyle(g).visibility !== 'hidden').map(g => g.dataset.step),
          markers: new Set([...document.querySelectorAll('#grads svg.chart line.at')].map(l => l.getAttribute('x1'))).size,
          alarms: [...document.querySelectorAll('#alarms a')].map(a => a.textContent)};
})()"""


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
        grads = [2.0, 1.0, 0.5, 100.0, 90.0]
        steps = [{"loss": 3.0 - 0.25 * k, "data": [0.5 - 0.1 * k], "grad": [grads[k]],
                  "graph": dict(structure=0, **numbers) if k in (0, 4) else None} for k in range(5)]
        run = {"format": "mgviz-run", "version": 1, "title": "five steps",
               "parameters": [{"name": "p1", "layer": None, "neuron": None, "nonlinear": None}],
               "structures": [structure], "steps": steps}
        path = os.path.join(folder, "run.mgviz-run")
        json.dump(run, open(path, "w"))
        page = os.path.join(folder, "run.html")
        result = subprocess.run([mgviz, path, "-o", page], capture_output=True, text=True)
        check(result.returncode == 0 and "alarm: step 4: the grads exploded 200x in one step" in result.stderr,
              f"mgviz draws the run and says its alarm: {result.stderr!r}")
        browser = browser_test.Browser()
        browser.open("file://" + page)
        state = browser.evaluate(STATE)
        check(state["step"] == 5 and state["text"] == "5 of 5: loss 2.00000" and state["x"] == 640 and state["shown"] == ["5"]
              and state["title"] == "graph at step 5", f"the page opens at the last step: {state}")
        browser.evaluate("(s => { s.value = 3; s.dispatchEvent(new Event('input')); })(document.getElementById('step'))")
        state = browser.evaluate(STATE)
        check(state["x"] == 320 and state["shown"] == ["1"] and state["title"] == "graph at step 1 (the nearest kept at or before step 3)"
              and state["markers"] == 1, f"the slider moves every marker and shows the nearest kept graph: {state}")
        check(len(state["alarms"]) == 1 and state["alarms"][0].startswith("step 4: the grads exploded 200x"), f"the alarm is listed: {state['alarms']}")
        browser.evaluate("document.querySelector('#alarms a').click()")
        state = browser.evaluate(STATE)
        check(state["step"] == 4 and state["x"] == 480, f"an alarm takes the slider to its step: {state}")
        browser.screenshot(os.path.join(shots, "timeline.png"))
    finally:
        if browser:
            browser.close()
        shutil.rmtree(folder, ignore_errors=True)
    print("all checks passed" if not failures else f"{len(failures)} checks failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
