#!/usr/bin/env python3
"""Tests the HTML viewer in a real browser: headless Chromium driven over the DevTools
protocol (on a pipe, so no extra Python packages). It loads a page that mgviz wrote, clicks
"step" N times, checks which grads the DOM shows and what is highlighted, clicks a node to
trace its path, checks reset, and saves a screenshot.
Usage: scripts/browser-test.py PAGE.html SCREENSHOT.png [STEPS]"""
import base64
import json
import os
import subprocess
import sys
import tempfile
import time


class Browser:
    def __init__(self):
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()

        def wire():  # Chromium reads commands on fd 3 and writes replies on fd 4.
            # Copies first: a pipe may already be fd 3 or 4, and dup2 onto itself would keep
            # it close-on-exec.
            reading, writing = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(reading, 3)
            os.dup2(writing, 4)

        # Chromium's chatter goes to an unnamed temporary file (gone when closed), not to the
        # null device, which as root would become a regular file if it were ever replaced.
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            ["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
             "--window-size=1400,700", "--no-first-run", "about:blank"],
            preexec_fn=wire, close_fds=False, stdout=self.log, stderr=subprocess.STDOUT)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.next_id = 0
        self.buffer = b""
        self.session = None

    def call(self, method, params=None, session=True):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self.to_chrome, json.dumps(message).encode() + b"\0")
        deadline = time.time() + 30
        while time.time() < deadline:
            while b"\0" not in self.buffer:
                chunk = os.read(self.from_chrome, 1 << 16)
                if not chunk:
                    raise RuntimeError("chromium closed the pipe")
                self.buffer += chunk
            raw, self.buffer = self.buffer.split(b"\0", 1)
            reply = json.loads(raw)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
        raise RuntimeError(f"{method}: no answer")

    def open(self, url):
        target = self.call("Target.createTarget", {"url": url}, session=False)["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True}, session=False)["sessionId"]
        # Loaded, and the viewer's script has run to its end (its last act fills the status).
        ready = """location.protocol === 'file:' && document.readyState === 'complete'
            && (document.getElementById('status')?.textContent ?? '') !== ''"""
        for _ in range(300):
            if self.evaluate(ready):
                return
            time.sleep(0.1)
        raise RuntimeError("the page did not load")

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def close(self):
        try:
            self.call("Browser.close", session=False)
        except RuntimeError:
            pass
        self.process.wait(timeout=10)
        self.log.close()


def main():
    page, screenshot = os.path.abspath(sys.argv[1]), sys.argv[2]
    steps = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    data = json.loads(open(page).read().split('id="mgviz-data">', 1)[1].split("</script>", 1)[0].replace("<\\/", "</"))
    order = [n["id"] for n in reversed(data["nodes"])]
    failures = []

    def check(condition, what):
        print(("ok   " if condition else "FAIL ") + what)
        if not condition:
            failures.append(what)

    browser = Browser()
    try:
        browser.open("file://" + page)
        shown = """[...document.querySelectorAll('#canvas g.node')].filter(g => [...g.querySelectorAll('text')]
            .some(t => t.textContent.startsWith('grad') && t.textContent !== 'grad ?')).map(g => g.querySelector('title').textContent)"""
        check(browser.evaluate(shown) == [], "before any step, no grad is shown")
        for _ in range(steps):
            browser.evaluate("document.getElementById('step').click()")
        now_shown = sorted(browser.evaluate(shown))
        check(now_shown == sorted(order[:steps]), f"after {steps} steps, exactly the last {steps} nodes in topological order show grads: {now_shown}")
        current = browser.evaluate("[...document.querySelectorAll('g.node.current')].map(g => g.querySelector('title').textContent)")
        expected_current = [order[steps - 1]] + ([order[steps - 1] + "_op"] if data["nodes"][-steps]["op"] else [])
        check(sorted(current) == sorted(expected_current), f"the node being processed is highlighted: {current}")
        flows = browser.evaluate("document.querySelectorAll('g.edge.flow').length")
        operands = [e for e in data["edges"] if e["to"] == order[steps - 1]]
        check(flows == len(operands) + (1 if operands else 0), f"its gradient's edges are highlighted: {flows}")
        node = next(n for n in data["nodes"] if n["id"] == order[steps - 1])
        text = browser.evaluate(f"""[...[...document.querySelectorAll('#canvas g.node')].find(g => g.querySelector('title').textContent === '{node["id"]}')
            .querySelectorAll('text')].map(t => t.textContent).find(t => t.startsWith('grad'))""")
        check(text.replace("\u00a0", " ").startswith("grad ") and text != "grad ?", f"its grad is filled in: {text}")
        check(browser.evaluate("document.getElementById('slider').value") == str(steps), "the slider follows the steps")
        status = browser.evaluate("document.getElementById('status').textContent")
        check(status.startswith(f"step {steps} of {len(order)}: {node['id']}"), f"the status names it: {status}")
        # Click the first input: its path to the output lights up, the rest dims.
        first = data["nodes"][0]["id"]
        browser.evaluate(f"""[...document.querySelectorAll('#canvas g.node')].find(g => g.querySelector('title').textContent === '{first}')
            .dispatchEvent(new MouseEvent('click', {{bubbles: true}}))""")
        on_path = browser.evaluate("[...document.querySelectorAll('g.node.onpath')].map(g => g.querySelector('title').textContent)")
        check(data["nodes"][-1]["id"] in on_path and first in on_path, f"clicking {first} traces its path to the output ({len(on_path)} nodes)")
        check(browser.evaluate("document.querySelector('#canvas svg').classList.contains('tracing')"), "the rest is dimmed")
        # Hover shows full precision.
        browser.evaluate(f"""[...document.querySelectorAll('#canvas g.node')].find(g => g.querySelector('title').textContent === '{first}')
            .dispatchEvent(new MouseEvent('mouseenter'))""")
        info = browser.evaluate("document.getElementById('info').textContent")
        shown_data = info.split("data ", 1)[1].split("\n", 1)[0]
        check(float(shown_data) == data["nodes"][0]["data"], f"hover shows the exact data: {info!r}")
        # Wheel zooms around the cursor; a drag pans.
        box = "(b => [b.x, b.y, b.width, b.height])(document.querySelector('#canvas svg').viewBox.baseVal)"
        before = browser.evaluate(box)
        browser.evaluate("""document.querySelector('#canvas svg').dispatchEvent(new WheelEvent('wheel',
            {deltaY: -100, clientX: 400, clientY: 300, bubbles: true, cancelable: true}))""")
        zoomed = browser.evaluate(box)
        check(zoomed[2] < before[2] and zoomed[3] < before[3], f"the wheel zooms in: {before} -> {zoomed}")
        browser.evaluate("""(c => { c.dispatchEvent(new MouseEvent('mousedown', {clientX: 500, clientY: 300, bubbles: true}));
            window.dispatchEvent(new MouseEvent('mousemove', {clientX: 400, clientY: 250}));
            window.dispatchEvent(new MouseEvent('mouseup', {})); })(document.getElementById('canvas'))""")
        panned = browser.evaluate(box)
        check(panned[0] > zoomed[0] and panned[1] > zoomed[1] and panned[2] == zoomed[2], f"a drag pans: {zoomed} -> {panned}")
        shot = browser.call("Page.captureScreenshot", {"format": "png"})["data"]
        open(screenshot, "wb").write(base64.b64decode(shot))
        browser.evaluate("document.getElementById('reset').click()")
        check(browser.evaluate(shown) == [], "reset hides every grad again")
        # Play steps on its own (every 0.5 s); pause stops it.
        slider = "Number(document.getElementById('slider').value)"
        browser.evaluate("document.getElementById('play').click()")
        time.sleep(1.3)
        browser.evaluate("document.getElementById('play').click()")
        played = browser.evaluate(slider)
        time.sleep(0.8)
        check(played >= 1 and browser.evaluate(slider) == played, f"play advanced to step {played}, and pause held it there")
    finally:
        browser.close()
    png = open(screenshot, "rb").read()
    check(png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000, f"screenshot saved to {screenshot} ({len(png)} bytes)")
    print(f"{len(failures) == 0 and 'all checks passed' or str(len(failures)) + ' checks failed'}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
