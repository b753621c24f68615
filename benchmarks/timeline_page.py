#!/usr/bin/env python3
"""A training run's timeline page in headless Chromium (issue 27's targets: a 100-step
recording of the demo drawn to a page of at most 5 MB that opens within 1.5 s of a blank page,
and whose slider moves the graph in at most 0.1 s a step). Draws RUN (an .mgviz-run, as
scripts/make-run-samples.py writes the demo's) with MGVIZ into a temp folder, then prints the
page's size, the median time from navigation to the page having shown (the frame after its
script ran, its graph laid out and painted, as the page notes it) over `--runs` loads, the
median time until the graphs not shown at load are laid out too (in the background, after the
page has shown, as the page notes it), the time of a slider step to the first
kept graph made at once after a load (the script lays it out then), and the median time of a
slider step (set, input event, layout forced) over every step. Saves SHOTS/timeline-demo.png
when SHOTS is given.

Usage: python3 benchmarks/timeline_page.py MGVIZ RUN [--runs 5] [--shots FOLDER]
"""
import argparse
import importlib.util
import os
import shutil
import statistics
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
_spec = importlib.util.spec_from_file_location("browser_test", os.path.join(ROOT, "scripts", "browser-test.py"))
browser_test = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(browser_test)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mgviz")
    parser.add_argument("run")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--shots")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="mgviz-bench-timeline-")
    browser = None
    try:
        page = os.path.join(folder, "run.html")
        start = time.perf_counter()
        subprocess.run([args.mgviz, args.run, "-o", page], check=True, capture_output=True)
        drawn = time.perf_counter() - start
        browser = browser_test.Browser()
        opens, ready = [], []
        # Each load is a new tab, blank until the page's bytes come; its times are from navigation.
        for _ in range(args.runs):
            browser.open("file://" + page)
            while not browser.evaluate("document.body.dataset.graphs"):
                time.sleep(0.1)
            opens.append(int(browser.evaluate("document.body.dataset.shown")) / 1000)
            ready.append(int(browser.evaluate("document.body.dataset.graphs")) / 1000)
        step = "(s => { const t = performance.now(); s.value = 1; s.dispatchEvent(new Event('input')); document.body.getBoundingClientRect(); return performance.now() - t; })(document.getElementById('step'))"
        browser.open("file://" + page)
        first = browser.evaluate(step)
        while not browser.evaluate("document.body.dataset.graphs"):
            time.sleep(0.1)
        steps = browser.evaluate("Number(document.getElementById('step').max)")
        moves = browser.evaluate("""(() => {
          const slider = document.getElementById('step'), times = [];
          for (let s = 1; s <= Number(slider.max); s++) {
            const t = performance.now();
            slider.value = s;
            slider.dispatchEvent(new Event('input'));
            document.body.getBoundingClientRect();
            times.push(performance.now() - t);
          }
          return times;
        })()""")
        if args.shots:
            os.makedirs(args.shots, exist_ok=True)
            browser.evaluate("(s => { s.value = s.max; s.dispatchEvent(new Event('input')); })(document.getElementById('step'))")
            browser.screenshot(os.path.join(args.shots, "timeline-demo.png"))
        size = os.path.getsize(page)
        print("page: %s bytes (target 5 MB: ratio %.2f), drawn in %.1f s" % (format(size, ","), size / 5e6, drawn))
        print("opens in %.3f s, median of %d (target 1.5 s: ratio %.2f); load %s"
              % (statistics.median(opens), len(opens), statistics.median(opens) / 1.5, open("/proc/loadavg").read().split()[0]))
        print("the other graphs laid out %.3f s after navigation, median of %d; a step to the first kept graph at once after a load: %.0f ms"
              % (statistics.median(ready), len(ready), first))
        print("slider step: median %.1f ms, slowest %.1f ms over %d steps (target 100 ms)"
              % (statistics.median(moves), max(moves), steps))
    finally:
        if browser:
            browser.close()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
