#!/usr/bin/env python3
"""The HTML page's targets (issue 25), in headless Chromium, each page beside a blank page in
one run: its size, and its time to interactive (from the navigation's start to the first view
drawn with the search listening: the script marks the body ready at its end; for a page of
an mgviz without that mark, the end of its load with its status line filled). The pages, the
blank one and (given --before) the same inputs drawn by another mgviz are loaded in turn,
interleaved, --runs times; the medians are printed with their ratios and the targets.

On the demo's batch (samples/moons_batch.json, 65,818 values drawn as a plate), also: opening
each group that the first view shows closed (the time from the click's handler to the next
frame drawn), and switching the plate's example.

Inputs, written into the temp folder --work: the batch; a chain of 10,000 values (x0 = 0.5,
x[k] = tanh(x[k-1])); and MLP(3, [32, 32, 1]) on one point, traced with the model by the
Python bridge (python/ of this checkout, with the PyPI micrograd of --python's venv).

Usage: benchmarks/page.py --mgviz MGVIZ --work DIR [--before OTHER_MGVIZ] [--runs N] [--python PY]
"""
import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

# The browser driver of the browser tests.
_spec = importlib.util.spec_from_file_location("browser_test", os.path.join(REPO, "scripts", "browser-test.py"))
browser_test = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(browser_test)

# Installed before any page's script: notes the moment the page is interactive.
READY_WATCH = """(() => {
  const note = () => {
    if (window.__interactive !== undefined || document.readyState === 'loading') return;
    const body = document.body;
    if (!body) return;
    const marked = body.dataset.ready === 'true';
    const old = document.getElementById('status')?.textContent && !document.querySelector('script#mgviz-page');
    const blank = !document.getElementById('status') && document.readyState === 'complete';
    if (marked || old || blank) window.__interactive = performance.now();
  };
  new MutationObserver(note).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  document.addEventListener('readystatechange', note);
  window.addEventListener('load', note);
})()"""

MLP_SCRIPT = """
import random, sys
sys.path.insert(0, sys.argv[2])
import mgviz
from micrograd import nn
random.seed(1337)
model = nn.MLP(3, [32, 32, 1])
out = model([0.5, -1.0, 2.0])
loss = (out - 1.0) ** 2
loss.backward()
mgviz.dump(loss, sys.argv[1], model=model, title="MLP(3, [32, 32, 1]), squared error")
"""


class Timer(browser_test.Browser):
    def await_value(self, expression, timeout=120):
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True,
                                                "timeout": timeout * 1000})
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def load(self, path, timeout=120):
        """Milliseconds from the navigation's start to the page's interactive moment."""
        if self.session:
            self.call("Target.closeTarget", {"targetId": self.target}, session=False)
        self.target = self.call("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": self.target, "flatten": True}, session=False)["sessionId"]
        self.call("Emulation.setDeviceMetricsOverride", {"width": 1280, "height": 800, "deviceScaleFactor": 1, "mobile": False})
        self.call("Page.enable")
        self.call("Page.addScriptToEvaluateOnNewDocument", {"source": READY_WATCH})
        self.call("Page.navigate", {"url": "file://" + path})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                value = self.evaluate("window.__interactive")
            except RuntimeError:
                value = None
            if value is not None:
                return value
            time.sleep(0.05)
        raise RuntimeError(f"{path}: not interactive within {timeout} s")

    def frame_after(self, action):
        """Milliseconds from before `action` (JavaScript) to the next frame drawn after it."""
        return self.await_value(f"""(async () => {{ const t = performance.now(); {action};
            await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0))); return performance.now() - t; }})()""")


def make_inputs(mgviz, work, python):
    inputs = {"batch (65,818 values)": os.path.join(REPO, "samples", "moons_batch.json")}
    chain = os.path.join(work, "chain.mg")
    with open(chain, "w") as out:
        out.write("# a chain of 10,000 values\nx0 = 0.5\n")
        out.writelines(f"x{k} = tanh(x{k - 1})\n" for k in range(1, 10_000))
    inputs["chain (10,000 values)"] = chain
    mlp = os.path.join(work, "mlp.json")
    subprocess.run([python, "-c", MLP_SCRIPT, mlp, os.path.join(REPO, "python")], check=True)
    inputs["MLP(3, [32, 32, 1])"] = mlp
    return inputs


def draw(mgviz, source, out):
    # mgviz's notes (the plate's size) are kept, not shown.
    subprocess.run([mgviz, source, "-o", out], check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return os.path.getsize(out)


def median(values):
    return statistics.median(values)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mgviz", required=True)
    parser.add_argument("--before", help="another mgviz (main's) to draw the same inputs, for before/after")
    parser.add_argument("--work", required=True)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--python", default=sys.executable, help="a Python with the PyPI micrograd")
    args = parser.parse_args()
    work = args.work
    inputs = make_inputs(args.mgviz, work, args.python)
    blank = os.path.join(work, "blank.html")
    with open(blank, "w") as out:
        out.write("<!DOCTYPE html><html><head><meta charset='utf-8'><title>blank</title></head><body></body></html>\n")

    pages = []   # (input, which, path, bytes)
    for k, (name, source) in enumerate(inputs.items()):
        for which, binary in [("after", args.mgviz), ("before", args.before)]:
            if binary:
                path = os.path.join(work, f"{k}-{which}.html")
                pages.append((name, which, path, draw(binary, source, path)))

    browser = Timer()
    try:
        times = {path: [] for _, _, path, _ in pages}
        blanks = []
        for _ in range(args.runs):
            for _, _, path, _ in pages:
                blanks.append(browser.load(blank))
                times[path].append(browser.load(path))
        blank_ms = median(blanks)
        print(f"machine: {os.cpu_count()} cores, load {open('/proc/loadavg').read().split()[0]}; {args.runs} runs each, interleaved")
        print(f"blank page: interactive in {blank_ms:.0f} ms (median)")
        print()
        print("| page | size | interactive (median, range) | over blank | target |")
        print("| --- | --- | --- | --- | --- |")
        for name, which, path, size in pages:
            t = times[path]
            target = "≤ 5 MB, ≤ 1.5 s over blank" if name.startswith("batch") and which == "after" else ""
            print(f"| {name}, {which} | {size / 1e6:.2f} MB | {median(t) / 1000:.2f} s ({min(t) / 1000:.2f}–{max(t) / 1000:.2f}) "
                  f"| +{(median(t) - blank_ms) / 1000:.2f} s, {median(t) / blank_ms:.1f}× | {target} |")
        for name in inputs:
            sizes = {which: (size, median(times[path])) for n, which, path, size in pages if n == name}
            if "before" in sizes:
                (a, ta), (b, tb) = sizes["after"], sizes["before"]
                print(f"{name}: the page is {b / a:.1f}× smaller and interactive {tb / ta:.1f}× sooner than before")

        # The batch: opening groups, switching the example.
        batch = next(path for name, which, path, _ in pages if name.startswith("batch") and which == "after")
        opens, switches = [], []
        for _ in range(args.runs):
            browser.load(batch)
            closed = browser.evaluate("""[...scene.geometry.keys()].filter(i => i < 0 && canOpen(~i)).map(i => ~i)""")
            for c in closed:
                opens.append((browser.frame_after(f"openContainer({c})"), browser.evaluate(f"containers[{c}].name"),
                              browser.evaluate("scene.geometry.size")))
                browser.frame_after(f"closeContainer({c})")
            for k in range(1, 21):
                switches.append(browser.frame_after(f"setExample({k})"))
            open_all = browser.frame_after("document.getElementById('open-all').click()")
        worst = max(opens)
        print()
        print(f"batch, opening each of the {len(closed)} groups the first view shows closed ({args.runs} runs): "
              f"median {median([o[0] for o in opens]):.0f} ms, slowest {worst[0]:.0f} ms ({worst[1]}, {worst[2]} items drawn after); target ≤ 300 ms")
        print(f"batch, open all ({browser.evaluate('scene.geometry.size')} items): {open_all:.0f} ms (last run)")
        print(f"batch, switching the plate's example ({len(switches)} switches): median {median(switches):.1f} ms, "
              f"slowest {max(switches):.1f} ms; target ≤ 100 ms")
    finally:
        browser.close()


if __name__ == "__main__":
    main()
