#!/usr/bin/env python3
"""Tests a difference's page in a real browser (headless Chromium, as browser-test.py drives
it): mgviz diff samples/dfdb_wrong.mg samples/dfdb_right.mg -o d.html, written into a temp
folder of its own. Its A, B and differences buttons: A hides the nodes and edges only in B
and shows A's numbers; B hides the edge only in A and shows B's; the differences show both
sides (`grad 1.0000 → 3.0000`). It saves a screenshot of each view into SHOTS
(diff-a, diff-b, diff-both .png).
Usage: scripts/browser-test-diff.py MGVIZ SHOTS_FOLDER"""
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile

_spec = importlib.util.spec_from_file_location("browser_test", os.path.join(os.path.dirname(os.path.abspath(__file__)), "browser-test.py"))
browser_test = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(browser_test)

# What is shown: the titles of the visible nodes and edges, and the text of n3's grad line
# (cos(3b), whose grad is 1 in A and 3 in B).
VIEW = """(() => {
  const shown = g => getComputedStyle(g).display !== 'none';
  const titles = [...document.querySelectorAll('#canvas g.node, #canvas g.edge')].filter(shown)
    .map(g => g.querySelector('title').textContent);
  const n3 = [...document.querySelectorAll('#canvas g.node')].find(g => g.querySelector('title').textContent === 'n3');
  return {titles, grad: [...n3.querySelectorAll('text')].map(t => t.textContent).find(t => t.startsWith('grad')),
          pressed: [...document.querySelectorAll('#difference-views button[aria-pressed=true]')].map(b => b.value)};
})()"""


def main():
    mgviz, shots = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    os.makedirs(shots, exist_ok=True)
    folder = tempfile.mkdtemp(prefix="mgviz-browser-test-diff-")
    failures = []

    def check(condition, what):
        print(("ok   " if condition else "FAIL ") + what)
        if not condition:
            failures.append(what)

    browser = None
    try:
        path = os.path.join(folder, "d.html")
        samples = os.path.join(repo, "samples")
        result = subprocess.run([mgviz, "diff", os.path.join(samples, "dfdb_wrong.mg"), os.path.join(samples, "dfdb_right.mg"), "-o", path],
                                capture_output=True, text=True)
        check(result.returncode == 1, f"mgviz diff exits 1 when the graphs differ: {result.returncode} {result.stderr[-200:]!r}")
        browser = browser_test.Browser()
        browser.open("file://" + path)
        click = lambda view: browser.evaluate(f"document.querySelector('#difference-views button[value={view}]').click()")
        both = browser.evaluate(VIEW)
        # B adds n4 (the 3) and n5 = cos(3b) * 3, and rewires dfdb (n9) to n5 from n3.
        only_in_b = {"n4", "n5", "n5_op", "n4->n5_op", "n3->n5_op", "n5_op->n5", "n5->n9_op"}
        check(only_in_b <= set(both["titles"]) and "n3->n9_op" in both["titles"] and both["grad"] == "grad 1.0000 → 3.0000"
              and both["pressed"] == ["both"], f"the page opens on the differences: {both}")
        browser.screenshot(os.path.join(shots, "diff-both.png"))
        click("a")
        a = browser.evaluate(VIEW)
        check(not (only_in_b & set(a["titles"])) and "n3->n9_op" in a["titles"] and a["grad"] == "grad 1.0000"
              and a["pressed"] == ["a"], f"A hides what only B has and shows A's grads: {a}")
        browser.screenshot(os.path.join(shots, "diff-a.png"))
        click("b")
        b = browser.evaluate(VIEW)
        check(only_in_b <= set(b["titles"]) and "n3->n9_op" not in b["titles"] and b["grad"] == "grad 3.0000",
              f"B hides the edge only A has and shows B's grads: {b}")
        browser.screenshot(os.path.join(shots, "diff-b.png"))
        click("both")
        check(browser.evaluate(VIEW) == both, "the differences come back as they opened")
    finally:
        if browser:
            browser.close()
        shutil.rmtree(folder, ignore_errors=True)
    print("all checks passed" if not failures else f"{len(failures)} checks failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
