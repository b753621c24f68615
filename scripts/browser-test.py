#!/usr/bin/env python3
"""Tests the HTML viewer in a real browser: headless Chromium driven over the DevTools
protocol (on a pipe, so no extra Python packages). With the mgviz binary it is given, it
writes its pages into a temp folder of its own (removed at the end): a graph with a reused
node (a = 3; b = a * a; c = b + b) as is, under --color grad, forward only (--no-backward)
and in quiz mode (--quiz), and samples/softmax.json as is and under --color grad. On them it
replays backward step by step and checks, after every step, the running grads on the nodes
against the ledger's totals, the contribution labels on the edges, the panel's arithmetic
and (under --color grad) the fills; then the opening state, stepping back, the keyboard,
play and the speed control, the quiz, the forward-only page, hover, tracing, zoom and pan.
It saves screenshots of a few states into SHOTS (opening, replay, color-replay, quiz,
forward-only .png).
Usage: scripts/browser-test.py MGVIZ SHOTS_FOLDER"""
import base64
import json
import math
import os
import shutil
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
        if self.session:
            self.call("Target.closeTarget", {"targetId": self.target}, session=False)
            self.session = None
        target = self.target = self.call("Target.createTarget", {"url": url}, session=False)["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True}, session=False)["sessionId"]
        # Loaded, and the viewer's script has run to its end (its last act fills the status).
        ready = """location.protocol === 'file:' && document.readyState === 'complete'
            && (document.getElementById('status')?.textContent ?? '') !== ''"""
        for _ in range(300):
            if self.evaluate(ready):
                self.call("Page.bringToFront")
                return
            time.sleep(0.1)
        raise RuntimeError("the page did not load")

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def key(self, key):
        """A real key press, as the keyboard makes it: the page's default actions happen too."""
        codes = {"ArrowRight": 39, "ArrowLeft": 37, "Home": 36, "End": 35, " ": 32}
        common = {"key": key, "code": "Space" if key == " " else key, "windowsVirtualKeyCode": codes[key], "nativeVirtualKeyCode": codes[key]}
        self.call("Input.dispatchKeyEvent", {"type": "keyDown", **common, **({"text": " "} if key == " " else {})})
        self.call("Input.dispatchKeyEvent", {"type": "keyUp", **common})

    def click_at(self, selector):
        """A real mouse click in the middle of the element: it takes the focus, as a click does."""
        x, y = self.evaluate(f"(r => [r.x + r.width / 2, r.y + r.height / 2])(document.querySelector('{selector}').getBoundingClientRect())")
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1})

    def screenshot(self, path):
        # After the view's glide to the current step (at most 300 ms), not in the middle of it.
        time.sleep(0.5)
        open(path, "wb").write(base64.b64decode(self.call("Page.captureScreenshot", {"format": "png"})["data"]))

    def close(self):
        try:
            self.call("Browser.close", session=False)
        except RuntimeError:
            pass
        self.process.wait(timeout=10)
        self.log.close()


# The page's state, as the tests read it from the DOM.
STATE = """(() => {
  const titleOf = g => g.querySelector('title')?.textContent;
  const grads = {}, fills = {};
  for (const g of document.querySelectorAll('#canvas g.node')) {
    const line = [...g.querySelectorAll('text')].find(t => t.textContent.startsWith('grad'));
    if (!line) continue;
    grads[titleOf(g)] = {text: line.textContent, classes: [...line.classList]};
    fills[titleOf(g)] = {fill: g.querySelector('polygon').getAttribute('fill'),
                         text: [...g.querySelectorAll('text')].map(t => t.getAttribute('fill'))};
  }
  const current = document.querySelector('#ledger li.current');
  return {
    grads, fills,
    slider: document.getElementById('slider') && Number(document.getElementById('slider').value),
    status: document.getElementById('status').textContent,
    current: [...document.querySelectorAll('#canvas g.node.current')].map(titleOf).sort(),
    flow: [...document.querySelectorAll('#canvas g.edge.flow')].map(g => g.id).sort(),
    labels: [...document.querySelectorAll('#flow-labels g.flow-label')].map(l => ({
      text: l.querySelector('text').textContent, edge: l.getAttribute('data-edge')})),
    panel: current && {
      heading: current.querySelector('h3').textContent,
      uses: [...current.querySelectorAll('.use')].map(u => ({code: u.querySelector('code').textContent,
                                                              total: u.querySelector('.total').textContent})),
    },
    playing: document.getElementById('play')?.textContent === 'pause',
  };
})()"""


def block(page, element_id):
    """A JSON data block of the page, as its script reads it."""
    text = open(page).read().split(f'id="{element_id}">', 1)[1].split("</script>", 1)[0]
    return json.loads(text)


def edge_groups(page):
    """The SVG's edge groups by title, in document order: {title: [id, ...]}."""
    groups = {}
    svg = open(page).read()
    for part in svg.split('<g id="')[1:]:
        group_id, rest = part.split('"', 1)
        if 'class="edge"' not in rest.split(">", 1)[0]:
            continue
        title = rest.split("<title>", 1)[1].split("</title>", 1)[0].replace("&#45;", "-").replace("&gt;", ">")
        groups.setdefault(title, []).append(group_id)
    return groups


class Replay:
    """What the page should show after each step, from the ledger (micrograd's backward)."""

    def __init__(self, page):
        self.data, self.ledger = block(page, "mgviz-data"), block(page, "mgviz-backward")
        self.steps = self.ledger["steps"]
        self.nodes = {n["id"]: n for n in self.data["nodes"]}
        self.edges = edge_groups(page)
        self.operands = {}
        for e in self.data["edges"]:
            self.operands.setdefault(e["to"], []).append(e["from"])
        self.in_ledger = {self.ledger["output"]} | {s["node"] for s in self.steps} | {u["operand"] for s in self.steps for u in s["uses"]}

    def name(self, node_id):
        return self.nodes[node_id]["label"] or node_id

    def running(self, k):
        """{node: (value, text)} after step k; nodes not reached yet are absent."""
        grads = {self.ledger["output"]: (float(self.ledger["seed"]), self.ledger["seedText"])}
        for step in self.steps[:k]:
            for use in step["uses"]:
                grads[use["operand"]] = (float(use["total"]), use["totalText"])
        return grads

    def edge_of(self, step, use):
        """The id of the slot-th operand edge's group of the step's node."""
        earlier = self.operands[step["node"]][:use["slot"]].count(use["operand"])
        return self.edges[f"{use['operand']}->{step['node']}_op"][earlier]

    def fill(self, grad, value):
        """GradPalette's fill and text colour, as the Swift side computes them."""
        p = self.ledger["palette"]
        if grad == 0:
            fill = p["dead"] if value != 0 else p["faint"]
        elif not math.isfinite(grad):
            fill = p["positive"] if grad > 0 else p["negative"]
        else:
            span = p["highest"] - p["lowest"]
            t = (math.log10(abs(grad)) - p["lowest"]) / span if span > 0 else 1
            t = min(1, max(0, t))
            depth = p["minimumDepth"] + (1 - p["minimumDepth"]) * t
            end, faint = p["positive"] if grad > 0 else p["negative"], p["faint"]
            channel = lambda i: math.floor(int(faint[i:i + 2], 16) + (int(end[i:i + 2], 16) - int(faint[i:i + 2], 16)) * depth + 0.5)
            fill = "#" + "".join(f"{channel(i):02x}" for i in (1, 3, 5))
        linear = [(c / 255) / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in (int(fill[i:i + 2], 16) for i in (1, 3, 5))]
        luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
        return fill, "#000000" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#ffffff"


def grad_value(text):
    return float(text.split(None, 1)[1].replace("nan", "NaN").replace("inf", "Infinity"))


def main():
    mgviz, shots = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    os.makedirs(shots, exist_ok=True)
    folder = tempfile.mkdtemp(prefix="mgviz-browser-test-")
    failures = []

    def check(condition, what):
        print(("ok   " if condition else "FAIL ") + what)
        if not condition:
            failures.append(what)

    def page(name, spec, *flags):
        path = os.path.join(folder, name + ".html")
        result = subprocess.run([mgviz, spec, "-o", path, *flags], capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"mgviz {spec} {' '.join(flags)}: {result.stderr}")
        return path

    browser = None
    try:
        reused = os.path.join(folder, "reused.mg")
        with open(reused, "w") as f:
            f.write("a = 3.0\nb = a * a\nc = b + b\n")
        softmax = os.path.join(repo, "samples", "softmax.json")
        pages = {
            "reused": page("reused", reused, "--steps", "all"), "reused-color": page("reused-color", reused, "--color", "grad"),
            "reused-forward": page("reused-forward", reused, "--no-backward"), "reused-quiz": page("reused-quiz", reused, "--quiz"),
            "softmax": page("softmax", softmax), "softmax-color": page("softmax-color", softmax, "--color", "grad"),
            "nan": page("nan", os.path.join(repo, "samples", "nan.json")),
        }
        browser = Browser()
        state = lambda: browser.evaluate(STATE)
        click = lambda element_id: browser.evaluate(f"document.getElementById('{element_id}').click()")

        def check_replay(name, with_palette=False):
            """Replays backward on the page one step at a time and checks every step."""
            replay = Replay(pages[name])
            steps, n = replay.steps, len(replay.steps)
            browser.open("file://" + pages[name])
            opening = state()
            drawn = {node: g["text"] for node, g in opening["grads"].items()}
            final = {s["node"]: s["gradText"] for s in steps}  # a node's grad is final when its _backward runs
            check(all(drawn[node] == "grad " + text for node, text in final.items() if node in drawn)
                  and all(not g["classes"] for g in opening["grads"].values()),
                  f"{name}: the page opens on every final grad, as drawn ({len(drawn)} nodes)")
            check(opening["current"] == [] and opening["labels"] == [] and opening["slider"] == n,
                  f"{name}: nothing is highlighted at the opening, and the slider is at the end")
            click("replay-start")
            problems = []
            for k in range(n + 1):
                if k:
                    click("forward")
                now = state()
                expected = replay.running(k)
                for node in replay.in_ledger:
                    shown = now["grads"].get(node)
                    if shown is None:
                        continue
                    if node in expected:
                        if shown["text"] != "grad " + expected[node][1] or "pending" in shown["classes"]:
                            problems.append(f"step {k}: {node} shows {shown['text']!r}, the ledger {expected[node][1]!r}")
                    elif grad_value(shown["text"]) != 0 or "pending" not in shown["classes"]:
                        problems.append(f"step {k}: {node}, not reached, shows {shown['text']!r} {shown['classes']}")
                    if with_palette:
                        # Not reached yet: the neutral faint fill, not the grey of a dead node.
                        fill = (replay.fill(expected[node][0], float(replay.nodes[node]["data"])) if node in expected
                                else replay.fill(0, 0.0))
                        got = now["fills"][node]
                        if got["fill"] != fill[0] or any(t != fill[1] for t in got["text"]):
                            problems.append(f"step {k}: {node}'s fill is {got}, its running grad's {fill}")
                if now["slider"] != k or not now["status"].startswith(f"step {k} of {n}"):
                    problems.append(f"step {k}: slider {now['slider']}, status {now['status']!r}")
                if k == 0:
                    if now["labels"] or now["panel"]["heading"] != "start":
                        problems.append(f"step 0: labels {now['labels']}, panel {now['panel']}")
                    continue
                step = steps[k - 1]
                node = step["node"]
                want_current = sorted([node] + ([node + "_op"] if replay.nodes[node]["op"] else []))
                if now["current"] != want_current:
                    problems.append(f"step {k}: highlighted {now['current']}, not {want_current}")
                want_labels = sorted((f"× {u['localText']} → {u['amountText'] if u['amountText'][0] in '+-' else '+' + u['amountText']}",
                                      replay.edge_of(step, u)) for u in step["uses"])
                got_labels = sorted((label["text"], label["edge"]) for label in now["labels"])
                if got_labels != want_labels:
                    problems.append(f"step {k}: edge labels {got_labels}, not {want_labels}")
                want_flow = sorted({replay.edge_of(step, u) for u in step["uses"]} |
                                   (set(replay.edges[f"{node}_op->{node}"]) if step["uses"] else set()))
                if now["flow"] != want_flow:
                    problems.append(f"step {k}: edges lit {now['flow']}, not {want_flow}")
                want_panel = [{"code": u["text"], "total": f"({replay.name(u['operand'])}.grad now {u['totalText']})"} for u in step["uses"]]
                if now["panel"]["uses"] != want_panel or not now["panel"]["heading"].startswith(f"{replay.name(node)}._backward()"):
                    problems.append(f"step {k}: panel {now['panel']}, not {want_panel}")
            check(not problems, f"{name}: after each of the {n} steps the nodes show the ledger's running grads (0, muted, before they are reached)"
                  f"{', with fills to match' if with_palette else ''}, the edges their contributions, the panel the arithmetic"
                  + "".join("\n       " + p for p in problems[:8]))
            end = state()
            check({node: g["text"] for node, g in end["grads"].items()} == drawn,
                  f"{name}: at the end of the replay every grad shown is the final one")
            check(all(abs(grad_value(drawn[node]) - float(replay.nodes[node]["grad"])) <= 0.51e-4 for node in drawn),
                  f"{name}: the final grads shown are the dump's grads")
            return replay

        # The graph with a reused node, step by step.
        replay = check_replay("reused")
        step1 = next(s for s in replay.steps if s["node"] == "n2")
        check([u["slot"] for u in step1["uses"]] == [0, 1] and len(replay.edges["n1->n2_op"]) == 2,
              "reused: b + b has two edges from b, and the ledger a use for each")
        # Step back, from the end.
        click("back")
        back = state()
        check(back["slider"] == len(replay.steps) - 1 and back["current"] == sorted(["n1", "n1_op"])
              and back["grads"]["n0"]["text"] == "grad 12.0000" and "updated" in back["grads"]["n0"]["classes"],
              f"reused: a step back from the end is b's step, a's grad 12 = 6 + 6 just added: {back['status']!r}")
        panel = back["panel"]["uses"]
        check([u["total"] for u in panel] == ["(a.grad now 6.0000)", "(a.grad now 12.0000)"]
              and panel[0]["code"] == "a.grad += a.data * b.grad = 3 * 2 = 6",
              f"reused: the panel adds a's two contributions up: {[u['total'] for u in panel]}")
        click("back")
        check(state()["grads"]["n0"]["text"] == "grad 0.0000" and state()["grads"]["n1"]["text"] == "grad 2.0000",
              "reused: one more step back, a's grad is 0 again and b's is 2 (1 + 1)")
        browser.screenshot(os.path.join(shots, "replay.png"))

        # The keyboard: real key presses.
        browser.open("file://" + pages["reused"])
        n = len(replay.steps)
        keys = []
        for key, want in [("Home", 0), ("ArrowRight", 1), ("ArrowRight", 2), ("ArrowLeft", 1), ("End", n), ("Home", 0)]:
            browser.key(key)
            keys.append((key, state()["slider"]))
        check(keys == [("Home", 0), ("ArrowRight", 1), ("ArrowRight", 2), ("ArrowLeft", 1), ("End", n), ("Home", 0)],
              f"the keyboard steps: {keys}")
        browser.key(" ")
        playing = state()["playing"]
        browser.key(" ")
        check(playing and not state()["playing"], "space plays, and space again pauses")
        browser.click_at("#play")  # the play button has the focus now: space must not press it as well
        time.sleep(0.1)
        browser.key(" ")
        time.sleep(0.3)
        check(not state()["playing"], "with the focus on the play button, space pauses once (not pause, then play again)")
        browser.evaluate("document.getElementById('speed').focus()")
        before = state()["slider"]
        browser.key("ArrowRight")
        check(state()["slider"] == before, "keys go to the speed control when it has the focus, not to the replay")

        # Play and the speed control, on softmax (16 steps).
        browser.open("file://" + pages["softmax"])
        interval = lambda: browser.evaluate("Number(document.getElementById('play').dataset.interval)")
        set_speed = lambda v: browser.evaluate(f"(s => {{ s.value = '{v}'; s.dispatchEvent(new Event('change')); }})(document.getElementById('speed'))")
        at_1x = interval()
        set_speed(8)
        at_8x = interval()
        set_speed(0.25)
        at_quarter = interval()
        check((at_1x, at_8x, at_quarter) == (1000, 125, 4000), f"the speed control sets the play interval: 1× {at_1x} ms, 8× {at_8x} ms, 0.25× {at_quarter} ms")
        set_speed(8)
        click("play")  # from the end: it starts over
        time.sleep(0.9)
        click("play")
        played = state()["slider"]
        time.sleep(0.4)
        check(4 <= played <= 8 and state()["slider"] == played and not state()["playing"],
              f"at 8× play ran {played} steps in 0.9 s (about 7), and pause held it there")
        set_speed(1)
        click("play")
        time.sleep(1.3)
        click("play")
        check(state()["slider"] == played + 1, f"at 1× it runs one step in 1.3 s: {played} -> {state()['slider']}")

        # The title appears once: drawn in the SVG, not repeated above it.
        title = block(pages["softmax"], "mgviz-data")["title"]
        count = browser.evaluate(f"[...document.querySelectorAll('body *')].filter(e => e.childElementCount === 0 && e.textContent === {json.dumps(title)}).length")
        check(count == 1 and browser.evaluate("document.title") == title, f"the title appears once on the page ({count}), and names the tab")

        # Follow: on a graph too big to read whole (softmax), each step zooms to its nodes.
        browser.open("file://" + pages["softmax"])
        box = "(b => [b.x, b.y, b.width, b.height])(document.querySelector('#canvas svg').viewBox.baseVal)"
        whole = browser.evaluate(box)
        click("replay-start")
        for _ in range(4):
            click("forward")
        time.sleep(0.5)
        followed = browser.evaluate(box)
        current = browser.evaluate("""(() => {
            const graph = document.querySelector('#canvas svg g.graph'), m = graph.transform.baseVal.consolidate().matrix;
            const b = document.querySelector('#canvas g.node.current').getBBox();
            const p = new DOMPoint(b.x, b.y).matrixTransform(m), q = new DOMPoint(b.x + b.width, b.y + b.height).matrixTransform(m);
            return [p.x, p.y, q.x, q.y]; })()""")
        inside = followed[0] <= current[0] and current[2] <= followed[0] + followed[2] and followed[1] <= current[1] and current[3] <= followed[1] + followed[3]
        check(followed[2] < 0.8 * whole[2] and inside, f"follow zooms to the step's nodes: {whole} -> {[round(x) for x in followed]}")
        browser.evaluate("""document.querySelector('#canvas svg').dispatchEvent(new WheelEvent('wheel',
            {deltaY: 100, clientX: 400, clientY: 300, bubbles: true, cancelable: true}))""")
        zoomed_out = browser.evaluate(box)
        click("forward")
        time.sleep(0.4)
        check(not browser.evaluate("document.getElementById('follow').checked") and browser.evaluate(box) == zoomed_out,
              "a wheel of the user's own turns follow off, and the view stays")

        # Hover, tracing, zoom and pan, as before.
        data = block(pages["softmax"], "mgviz-data")
        first = data["nodes"][0]["id"]
        node_group = f"[...document.querySelectorAll('#canvas g.node')].find(g => g.querySelector('title').textContent === '{first}')"
        browser.evaluate(f"{node_group}.dispatchEvent(new MouseEvent('click', {{bubbles: true}}))")
        on_path = browser.evaluate("[...document.querySelectorAll('g.node.onpath')].map(g => g.querySelector('title').textContent)")
        check(data["nodes"][-1]["id"] in on_path and first in on_path, f"clicking {first} traces its path to the output ({len(on_path)} nodes)")
        check(browser.evaluate("document.querySelector('#canvas svg').classList.contains('tracing')"), "the rest is dimmed")
        browser.evaluate("document.querySelector('#canvas svg').dispatchEvent(new MouseEvent('click', {bubbles: true}))")
        check(not browser.evaluate("document.querySelector('#canvas svg').classList.contains('tracing')"), "clicking the background clears it")
        click("last")
        browser.evaluate(f"{node_group}.dispatchEvent(new MouseEvent('mouseenter'))")
        info = browser.evaluate("document.getElementById('info').textContent")
        check(float(info.split("data ", 1)[1].split("\n", 1)[0]) == data["nodes"][0]["data"]
              and float(info.split("grad ", 1)[1].split(" ", 1)[0]) == data["nodes"][0]["grad"], f"hover shows the exact data and grad: {info!r}")
        check(not browser.evaluate("document.querySelector('#canvas svg a[*|title]')"), "the SVG's own tooltips (final grads) are gone")
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

        # Softmax's replay: reused nodes across steps (e3 feeds both total and p3).
        check_replay("softmax")

        # --color grad: fills follow the running grads, on both graphs.
        replay = check_replay("reused-color", with_palette=True)
        click("replay-start")
        click("forward")
        now = state()
        check(now["fills"]["n0"]["fill"] == replay.ledger["palette"]["faint"],
              f"reused-color: mid-replay a, not reached yet, is the neutral faint, not its final red: {now['fills']['n0']}")
        browser.evaluate("[...document.querySelectorAll('#canvas g.node')].find(g => g.querySelector('title').textContent === 'n0').dispatchEvent(new MouseEvent('mouseenter'))")
        info = browser.evaluate("document.getElementById('info').textContent")
        check("grad 0 (running" in info and "12" not in info.split("grad ", 1)[1], f"hover shows a's running grad, not its final one: {info!r}")
        replay = check_replay("softmax-color", with_palette=True)
        differs = [(k, u["operand"]) for k, s in enumerate(replay.steps, 1) for u in s["uses"]
                   if float(u["total"]) != 0 and u["totalText"] != next((t["gradText"] for t in replay.steps if t["node"] == u["operand"]), u["totalText"])]
        check(len(differs) > 0, f"softmax-color: the steps checked include running grads, not 0, that differ from the final ones: {differs[:3]}")
        click("replay-start")
        for _ in range(differs[0][0]):
            click("forward")
        browser.screenshot(os.path.join(shots, "color-replay.png"))

        # NaN: the -1 of -log(p) gets a NaN grad in step 1, and its red outline with it; the
        # log's NaN data is outlined throughout.
        browser.open("file://" + pages["nan"])
        outline = lambda node: browser.evaluate(
            f"(s => [s.getAttribute('stroke'), s.getAttribute('stroke-width')])([...document.querySelectorAll('#canvas g.node')]"
            f".find(g => g.querySelector('title').textContent === '{node}').querySelector('polygon'))")
        alarm = outline("n4")
        check(alarm == ["#d00000", "3"] and outline("n3") == alarm, f"nan: the NaN grad and the NaN data are outlined red at the opening: {alarm}")
        click("replay-start")
        check(outline("n4")[1] is None and outline("n4")[0] != "#d00000" and outline("n3") == alarm,
              f"nan: at step 0 the -1's grad is 0, and its outline is plain: {outline('n4')}; the log's data stays red")
        click("forward")
        check(state()["grads"]["n4"]["text"] == "grad NaN" and outline("n4") == alarm, f"nan: step 1 makes the grad NaN and the outline red: {outline('n4')}")
        click("quiz")
        check(outline("n4")[1] is None, f"nan: the quiz hides the red outline with the grad: {outline('n4')}")
        click("quiz")
        check(outline("n4") == alarm, "nan: leaving the quiz outlines it again")

        # Quiz: --quiz opens the page in it.
        browser.open("file://" + pages["reused-quiz"])
        quiz = lambda: browser.evaluate("document.getElementById('score').textContent")
        now = state()
        check(browser.evaluate("document.body.classList.contains('quiz')") and now["grads"]["n0"]["text"] == "grad ?"
              and now["grads"]["n1"]["text"] == "grad ?" and now["grads"]["n2"]["text"] == "grad 1.0000",
              f"--quiz opens in the quiz: grads hidden, the output's (the seed) given: {[g['text'] for g in now['grads'].values()]}")
        check(quiz().startswith("score 0 / 0"), f"the score starts at 0 / 0: {quiz()!r}")

        def answer(node, text):
            browser.evaluate(f"[...document.querySelectorAll('#canvas g.node')].find(g => g.querySelector('title').textContent === '{node}').dispatchEvent(new MouseEvent('click', {{bubbles: true}}))")
            browser.evaluate(f"document.getElementById('answer').value = {json.dumps(text)}")
            click("check")
            return browser.evaluate("document.querySelector('#question .feedback')?.textContent")
        said = answer("n1", "3")
        check(quiz().startswith("score 0 / 1") and state()["grads"]["n1"]["text"] == "grad ?", f"a wrong answer scores 0 / 1 and reveals nothing: {said!r}")
        said = answer("n1", "2.00005")
        check(quiz().startswith("score 1 / 2") and state()["grads"]["n1"]["text"] == "grad 2.0000", f"a right one (within 0.0001) scores 1 / 2 and shows the grad: {said!r}")
        browser.evaluate("[...document.querySelectorAll('#canvas g.node')].find(g => g.querySelector('title').textContent === 'n0').dispatchEvent(new MouseEvent('click', {bubbles: true}))")
        # Typing in the answer with real keys: the replay's keys are the input's there.
        browser.evaluate("document.getElementById('answer').focus()")
        browser.call("Input.insertText", {"text": "12"})
        browser.key("ArrowLeft")
        browser.key("Home")
        browser.call("Input.insertText", {"text": "-"})
        check(browser.evaluate("document.getElementById('answer').value") == "-12", "the quiz's input keeps its keys (← and Home move its cursor)")
        browser.screenshot(os.path.join(shots, "quiz.png"))
        click("reveal")
        check(state()["grads"]["n0"]["text"] == "grad 12.0000" and quiz().startswith("score 1 / 2"), f"reveal shows a's grad, the score unchanged: {quiz()!r}")
        click("quiz")
        check(not browser.evaluate("document.body.classList.contains('quiz')") and state()["grads"]["n0"]["text"] == "grad 12.0000",
              "leaving the quiz shows every grad again")
        # The quiz button, on a page that does not open in it; reveal all.
        browser.open("file://" + pages["reused-color"])
        click("quiz")
        now = state()
        palette = block(pages["reused-color"], "mgviz-backward")["palette"]
        check(now["grads"]["n0"]["text"] == "grad ?" and now["fills"]["n0"]["fill"] == palette["faint"],
              f"the quiz button hides the grads, and under --color grad their colours: {now['fills']['n0']}")
        legend_shown = "[...document.querySelectorAll('g.cluster')].filter(g => g.querySelector('title').textContent === 'cluster_legend').map(g => getComputedStyle(g).display)"
        check(browser.evaluate(legend_shown) == ["none"], "the quiz hides --color grad's legend, whose swatches give the grads' range away")
        click("reveal-all")
        now = state()
        check(all(g["text"] != "grad ?" for g in now["grads"].values()) and quiz().startswith("score 0 / 0"), "reveal all shows every grad")

        # Forward only: no replay, and the page says why.
        browser.open("file://" + pages["reused-forward"])
        missing = browser.evaluate("['replay', 'replay-start', 'play', 'slider', 'speed', 'forward', 'back', 'quiz'].filter(id => document.getElementById(id))")
        status = state()["status"]
        check(missing == [] and "forward only" in status, f"a forward-only page has no replay or quiz controls, and says why: {status!r}")
        browser.key("Home")
        check(state()["status"] == status, "and its keys do nothing")
        browser.screenshot(os.path.join(shots, "forward-only.png"))
        browser.open("file://" + pages["reused"])
        browser.screenshot(os.path.join(shots, "opening.png"))
    finally:
        if browser:
            browser.close()
        shutil.rmtree(folder, ignore_errors=True)
    for name in ["opening", "replay", "color-replay", "quiz", "forward-only"]:
        png = open(os.path.join(shots, name + ".png"), "rb").read()
        check(png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000, f"screenshot {shots}/{name}.png ({len(png)} bytes)")
    print(f"{len(failures) == 0 and 'all checks passed' or str(len(failures)) + ' checks failed'}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
