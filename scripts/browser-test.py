#!/usr/bin/env python3
"""Tests the HTML page in a real browser: headless Chromium driven over the DevTools protocol
(on a pipe, so no extra Python packages). With the mgviz binary it is given, it writes its
pages into a temp folder of its own (removed at the end).

The replay and the quiz, as before: a graph with a reused node (a = 3; b = a * a; c = b + b)
as is, under --color grad, forward only (--no-backward) and in quiz mode (--quiz), and
samples/softmax.json as is and under --color grad; on them it replays backward step by step
and checks, after every step, the running grads on the nodes against the ledger's totals, the
contribution labels on the edges, the panel's arithmetic and (under --color grad) the fills;
then the opening state, stepping back, the keyboard, play and the speed control, the quiz, the
forward-only page, hover, tracing, zoom and pan.

A graph of any size: the lecture's MLP and the demo's batch (samples/moons_batch.json, its
plate): opening and closing groups (nested), by click and by Enter, the breadcrumb, open all
and close all, search (text, /regex/, a label of another example, no match), fit, reset and
keyboard zoom and pan, the plate's example selector, a replay inside closed groups,
keyboard-only use from the first Tab, a 5,000-value chain fitted whole and up close at its output, the phone viewport
(390×844: the panel under the graph, the controls on one line, touch pan and pinch), that
every position drawn is the layout's, and that the first view is readable.

Issue 26, the page that teaches: names and no ids in anything a learner reads, the chain rule
in symbols in the panel, the live region's arithmetic, the fair quiz (right within the shown
precision, right from the shown values, a hint then the worked step, keyboard only, a collapsed
neuron skipped), accessible names, nudge and update against a Python micrograd on the dump,
contrast from the rendered styles in 35 states of both themes, and the theme that follows the
reader.

It saves screenshots into SHOTS: at 1280×800 (opening, replay, color-replay, quiz,
forward-only, batch, batch-open, lecture, chain-fit, chain, quiz-hint, nudge, update,
quiz-collapsed, dark-update, replay-symbols) and at 390×844 (phone-batch, phone-softmax,
phone-update, phone-replay-symbols).
Usage: scripts/browser-test.py MGVIZ SHOTS_FOLDER"""
import base64
import json
import math
import os
import shutil
import struct
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
             "--window-size=1280,800", "--no-first-run", "about:blank"],
            preexec_fn=wire, close_fds=False, stdout=self.log, stderr=subprocess.STDOUT)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.next_id = 0
        self.buffer = b""
        self.session = None
        self.size = (1280, 800)

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

    def open(self, url, size=None):
        """Opens the page in a new tab of `size` (width, height; a phone's when narrower than
        700) and waits until its script has drawn the first view."""
        if self.session:
            self.call("Target.closeTarget", {"targetId": self.target}, session=False)
            self.session = None
        self.size = size or (1280, 800)
        target = self.target = self.call("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True}, session=False)["sessionId"]
        width, height = self.size
        phone = width < 700
        self.call("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": phone})
        self.call("Emulation.setTouchEmulationEnabled", {"enabled": phone, "maxTouchPoints": 5 if phone else 1})
        self.call("Page.navigate", {"url": url})
        # Loaded, and the viewer's script has run to its end (its last act marks the body).
        ready = "location.protocol === 'file:' && document.readyState === 'complete' && document.body?.dataset.ready === 'true'"
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

    KEYS = {"ArrowRight": (39, "ArrowRight"), "ArrowLeft": (37, "ArrowLeft"), "ArrowUp": (38, "ArrowUp"), "ArrowDown": (40, "ArrowDown"),
            "Home": (36, "Home"), "End": (35, "End"), " ": (32, "Space"), "Enter": (13, "Enter"), "Tab": (9, "Tab"),
            "Escape": (27, "Escape"), "f": (70, "KeyF"), "0": (48, "Digit0"), "+": (187, "Equal"), "-": (189, "Minus"),
            "/": (191, "Slash")}

    def key(self, key, shift=False):
        """A real key press, as the keyboard makes it: the page's default actions happen too."""
        code, name = self.KEYS[key]
        common = {"key": key, "code": name, "windowsVirtualKeyCode": code, "nativeVirtualKeyCode": code, "modifiers": 8 if shift else 0}
        text = {" ": " ", "Enter": "\r", "f": "f", "0": "0", "+": "+", "-": "-", "/": "/"}.get(key)
        self.call("Input.dispatchKeyEvent", {"type": "keyDown" if text is None else "keyDown", **common, **({"text": text} if text else {})})
        self.call("Input.dispatchKeyEvent", {"type": "keyUp", **common})

    def type(self, text):
        self.call("Input.insertText", {"text": text})

    def centre_of(self, selector):
        return self.evaluate(f"(r => [r.x + r.width / 2, r.y + r.height / 2])(document.querySelector({json.dumps(selector)}).getBoundingClientRect())")

    def click_at(self, selector):
        """A real mouse click in the middle of the element: it takes the focus, as a click does."""
        x, y = self.centre_of(selector)
        self.click_xy(x, y)

    def click_xy(self, x, y):
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1})

    def drag(self, start, end):
        """A real mouse drag from `start` to `end`, in steps."""
        self.call("Input.dispatchMouseEvent", {"type": "mousePressed", "x": start[0], "y": start[1], "button": "left", "clickCount": 1})
        for k in range(1, 6):
            x, y = start[0] + (end[0] - start[0]) * k / 5, start[1] + (end[1] - start[1]) * k / 5
            self.call("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y, "button": "left", "buttons": 1})
        self.call("Input.dispatchMouseEvent", {"type": "mouseReleased", "x": end[0], "y": end[1], "button": "left", "clickCount": 1})

    def touch(self, tracks):
        """Fingers moving together: `tracks` is one list of (x, y) points per finger, all as long."""
        def points(k):
            return [{"x": track[k][0], "y": track[k][1], "id": n} for n, track in enumerate(tracks)]
        self.call("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": points(0)})
        for k in range(1, len(tracks[0])):
            self.call("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": points(k)})
            time.sleep(0.02)
        self.call("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})

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
  const titleOf = g => g.dataset.id;
  const grads = {}, fills = {};
  for (const g of document.querySelectorAll('#canvas g.node')) {
    const line = [...g.querySelectorAll('text')].find(t => t.textContent.startsWith('grad'));
    if (!line) continue;
    grads[titleOf(g)] = {text: line.textContent, classes: [...line.classList].filter(c => c !== 'grad')};
    fills[titleOf(g)] = {fill: g.querySelector('polygon').getAttribute('fill'),
                         text: [...g.querySelectorAll('text')].map(t => t.getAttribute('fill'))};
  }
  const current = document.querySelector('#ledger li.current');
  return {
    grads, fills,
    slider: document.getElementById('slider') && Number(document.getElementById('slider').value),
    status: document.getElementById('status').textContent,
    current: [...document.querySelectorAll('#canvas g.node.current')].map(titleOf).sort(),
    flow: [...document.querySelectorAll('#canvas g.edge.flow')].map(g => g.dataset.edge).sort(),
    labels: [...document.querySelectorAll('#flow-labels g.flow-label')].map(l => ({
      text: l.querySelector('text').textContent, edge: l.getAttribute('data-edge')})),
    panel: current && {
      heading: current.querySelector('h3').textContent,
      uses: [...current.querySelectorAll('.use')].map(u => ({code: u.querySelector('code').textContent,
                                                              total: u.querySelector('.total').textContent,
                                                              symbols: u.querySelector('.symbols')?.textContent,
                                                              rule: u.querySelector('.rule')?.textContent})),
    },
    playing: document.getElementById('play')?.textContent === 'pause',
  };
})()"""


def block(page, element_id):
    """A JSON data block of the page, as its script reads it."""
    text = open(page).read().split(f'id="{element_id}">', 1)[1].split("</script>", 1)[0]
    return json.loads(text)


def column(text, kind):
    """A base64 column of the page's data, as its script decodes it."""
    if text is None:
        return None
    raw = base64.b64decode(text)
    size = struct.calcsize(kind)
    return list(struct.unpack(f"<{len(raw) // size}{kind}", raw))


class PageData:
    """The page's nodes, containers and plate, decoded from its data block."""

    def __init__(self, page):
        self.page = block(page, "mgviz-page")
        nodes = self.page["nodes"]
        self.count = nodes["count"]
        names = column(nodes["names"], "i")
        self.ids = [f"n{names[i] if names else i}" for i in range(self.count)]
        self.index = {node_id: i for i, node_id in enumerate(self.ids)}
        ops = column(nodes["op"], "H")
        self.ops = [nodes["opTable"][k] for k in ops]
        self.labels = [nodes["labels"].get(str(i), "") for i in range(self.count)]
        self.data = column(nodes["data"], "d")
        self.grads = column(nodes["grad"], "d")
        start, operands = column(nodes["operandStart"], "i"), column(nodes["operands"], "i")
        self.operands = [operands[start[i]:start[i + 1]] for i in range(self.count)]
        self.container_of = column(nodes["container"], "i")
        self.containers = self.page["containers"]
        plate = self.page["plate"]
        self.plate = plate and {**plate, "members": column(plate["members"], "i"), "data": column(plate["data"], "d"),
                                "grad": column(plate["grad"], "d")}

    def container_named(self, name):
        return next(k for k, c in enumerate(self.containers) if c["name"] == name)


class Replay:
    """What the page should show after each step, from the ledger (micrograd's backward)."""

    def __init__(self, page):
        self.data, self.ledger = PageData(page), block(page, "mgviz-backward")
        self.steps = self.ledger["steps"]
        self.nodes = {self.data.ids[i]: {"label": self.data.labels[i], "op": self.data.ops[i], "data": self.data.data[i],
                                         "grad": self.data.grads[i] if self.data.grads else None} for i in range(self.data.count)}
        self.operands = {self.data.ids[i]: [self.data.ids[o] for o in self.data.operands[i]] for i in range(self.data.count)}
        self.in_ledger = {self.ledger["output"]} | {s["node"] for s in self.steps} | {u["operand"] for s in self.steps for u in s["uses"]}

    def name(self, node_id):
        return self.nodes[node_id]["label"].removeprefix("= ") or node_id

    def running(self, k):
        """{node: (value, text)} after step k; nodes not reached yet are absent."""
        grads = {self.ledger["output"]: (float(self.ledger["seed"]), self.ledger["seedText"])}
        for step in self.steps[:k]:
            for use in step["uses"]:
                grads[use["operand"]] = (float(use["total"]), use["totalText"])
        return grads

    def edge_of(self, step, use):
        """The key of the edge drawn for the use: the node's index and the operand's slot."""
        return f"{self.data.index[step['node']]}:{use['slot']}"

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


def atom(text):
    """A name as one operand, as ValueNames.atom documents it: `(e0 + e1)`, `log(p3)`, `x1`."""
    import re
    return text if re.fullmatch(r"[A-Za-z_][\w.\[\]]*|…|[A-Za-z_]\w*\([^()]*\)", text) else f"({text})"


def symbols(replay, step, use):
    """The chain rule for a use, as the panel should write it from the ledger (independently of
    the page's script)."""
    top, of, operand = "∂" + atom(replay.ledger["outputName"]), atom(step["name"]), atom(use["operandName"])
    local = f"{use['localSymbol']} (= {use['handLocal']})" if use["localSymbol"] and use["localSymbol"] != use["handLocal"] else use["handLocal"]
    return f"{top}/∂{operand} += {top}/∂{of} · ∂{of}/∂{operand} = {use['handGrad']} × {local} = {use['handAmount']}"


# Every text a learner reads: the panel, the status line, the hover line, tooltips, accessible
# names and the search list. None may name a node by its id (`n13`, `c5`, `n5_op`).
READABLE = """(() => [document.getElementById('panel').innerText, document.getElementById('status').textContent,
  document.getElementById('info').textContent, document.getElementById('results').innerText,
  ...[...document.querySelectorAll('title')].map(t => t.textContent),
  ...[...document.querySelectorAll('[aria-label]')].map(e => e.getAttribute('aria-label'))].join('\\n'))()"""


def ids_in(browser):
    import re
    return sorted(set(re.findall(r"\b[nc]\d+(?:_op)?\b", browser.evaluate(READABLE))))


def grad_value(text):
    return float(text.split(None, 1)[1].replace("nan", "NaN").replace("inf", "Infinity"))


class Micrograd:
    """micrograd's ops on a JSON dump (docs/dump.md), in Python: the reference the page's nudge
    and update steps are checked against, independent of its evaluator.js."""

    def __init__(self, dump_path):
        dump = json.load(open(dump_path))
        self.ids = [n["id"] for n in dump["nodes"]]
        index = {node_id: i for i, node_id in enumerate(self.ids)}
        self.ops = [n["op"] for n in dump["nodes"]]
        self.kinds = [n["kind"] for n in dump["nodes"]]
        self.labels = [n.get("label") or "" for n in dump["nodes"]]
        self.data = [float(n["data"]) for n in dump["nodes"]]
        self.operands = [[] for _ in dump["nodes"]]
        for edge in dump["edges"]:
            self.operands[index[edge["to"]]].append(index[edge["from"]])
        self.output = index[dump["output"]]

    def forward(self, leaves):
        data = list(leaves)
        for i, op in enumerate(self.ops):
            a = data[self.operands[i][0]] if self.operands[i] else 0.0
            b = data[self.operands[i][1]] if len(self.operands[i]) > 1 else 0.0
            if op == "":
                continue
            data[i] = {"+": lambda: a + b, "*": lambda: a * b, "tanh": lambda: math.tanh(a), "exp": lambda: math.exp(a),
                       "log": lambda: math.log(a), "ReLU": lambda: 0.0 if a < 0 else a}.get(op, lambda: a ** float(op[2:]))()
        return data

    def backward(self, data):
        grads = [0.0] * len(data)
        grads[self.output] = 1.0
        for i in range(self.output, -1, -1):
            op, ins = self.ops[i], self.operands[i]
            if op == "":
                continue
            a = data[ins[0]]
            local = {"+": lambda: [1.0, 1.0], "*": lambda: [data[ins[1]], a], "tanh": lambda: [1 - data[i] ** 2],
                     "exp": lambda: [data[i]], "log": lambda: [1 / a], "ReLU": lambda: [1.0 if data[i] > 0 else 0.0]}.get(
                op, lambda: [float(op[2:]) * a ** (float(op[2:]) - 1)])()
            for slot, operand in enumerate(ins):
                grads[operand] += local[slot] * grads[i]
        return grads

    def descend(self, lr, count):
        """The output after `count` steps of p.data -= lr * p.grad on the parameters (the inputs where there are none)."""
        leaves = list(self.data)
        moved = [i for i, op in enumerate(self.ops) if op == "" and self.kinds[i] == "parameter"] or \
            [i for i, op in enumerate(self.ops) if op == "" and self.kinds[i] == "input"]
        for _ in range(count):
            grads = self.backward(self.forward(leaves))
            for i in moved:
                leaves[i] -= lr * grads[i]
        return self.forward(leaves)[self.output]


def check_teaching(browser, pages, dumps, check, shots):
    """Issue 26: the fair quiz (right within the shown precision, right from the shown values,
    wrong with a hint then the worked step, keyboard only), accessible names, nudge and update
    against a Python micrograd, and where they cannot run."""
    state = lambda: browser.evaluate(STATE)
    click = lambda element_id: browser.evaluate(f"document.getElementById('{element_id}').click()")
    node = lambda node_id: f"document.querySelector('#canvas g.node[data-id=\"{node_id}\"]')"
    replay = Replay(pages["softmax-quiz"])
    data = replay.data
    browser.open("file://" + pages["softmax-quiz"])
    browser.key("f")
    score = lambda: browser.evaluate("document.getElementById('score').textContent")
    feedback = lambda: browser.evaluate("document.querySelector('#question .feedback')?.textContent") or ""

    def answer(node_id, text):
        browser.evaluate(f"{node(node_id)}.dispatchEvent(new MouseEvent('click', {{bubbles: true}}))")
        browser.evaluate(f"document.getElementById('answer').value = {json.dumps(text)}")
        click("check")
        return feedback()

    uses_into = {}
    for step in replay.steps:
        for use in step["uses"]:
            uses_into.setdefault(use["operand"], []).append((step, use))
    hand = {s["node"]: s["handGrad"] for s in replay.steps}
    decimals = lambda text: len(text.split(".", 1)[1]) if "." in text else 0
    # Right to the precision shown: the ledger's hand digits of a grad, not the exact grad.
    node_id = next(n for n in hand if n in uses_into and decimals(hand[n]) >= 3 and abs(float(hand[n]) - replay.nodes[n]["grad"]) > 1e-9)
    said = answer(node_id, hand[node_id])
    check(said.startswith("Right") and score().startswith("score 1 / 1"),
          f"quiz: {replay.name(node_id)}.grad answered as shown, {hand[node_id]} (exactly {replay.nodes[node_id]['grad']}), is right: {said!r}")
    # Right from the shown values: the records' factors multiplied, where that differs from the true grad at the shown decimals.
    precision = data.page["precision"]
    from_records = None
    for operand, uses in uses_into.items():
        if operand == replay.ledger["output"] or operand == node_id or replay.nodes[operand]["op"] is None:
            continue
        product = sum(float(u["localText"]) * float(s["gradText"]) for s, u in uses)
        text = f"{product:.{precision}f}"
        if text != f"{replay.nodes[operand]['grad']:.{precision}f}" and abs(float(text) - replay.nodes[operand]["grad"]) > 0.5 * 10 ** -precision:
            from_records = (operand, text)
            break
    check(from_records is not None, f"softmax has a grad whose shown factors multiply to another number at the shown decimals: {from_records}")
    if from_records:
        said = answer(*from_records)
        check(said.startswith("Right") and score().startswith("score 2 / 2"),
              f"quiz: {replay.name(from_records[0])}.grad answered as the shown factors multiply, {from_records[1]} "
              f"(the grad is {replay.nodes[from_records[0]]['grad']}), is right: {said!r}")
    # Wrong: a hint with the op's local rule and the names to use, then the worked step.
    target = next(n for n, uses in uses_into.items() if n not in (node_id, from_records and from_records[0]) and len(uses) == 1 and uses[0][1]["slot"] >= 0)
    step, use = uses_into[target][0]
    said = answer(target, "123")
    check("Hint" in said and use["rule"] in said and step["name"] in said and not browser.evaluate("!!document.getElementById('worked')"),
          f"quiz: a first wrong answer gets a hint with the local rule and the inputs: {said!r}")
    answer(target, "124")
    worked = browser.evaluate("document.getElementById('worked')?.textContent") or ""
    check(symbols(replay, step, use) in worked and worked.endswith(f"= {use['handTotal']}") and score().endswith("to go)"),
          f"quiz: a second wrong answer shows the worked step: {worked!r}")
    browser.screenshot(os.path.join(shots, "quiz-hint.png"))

    # Keyboard only: Tab to a node, Enter, type, Enter; the focus comes back to the node.
    browser.open("file://" + pages["softmax-quiz"])
    browser.key("f")
    goal = next(n for n in hand if n in uses_into and n != replay.ledger["output"])
    reached = False
    for _ in range(120):
        browser.key("Tab")
        if browser.evaluate("document.activeElement.dataset?.id") == goal:
            reached = True
            break
    browser.key("Enter")
    in_answer = browser.evaluate("document.activeElement.id") == "answer"
    browser.type(hand[goal])
    browser.key("Enter")
    check(reached and in_answer and score().startswith("score 1 / 1") and browser.evaluate("document.activeElement.dataset?.id") == goal,
          f"quiz by keyboard alone: Tab reaches {replay.name(goal)}, Enter asks, typing {hand[goal]} and Enter scores it, the focus returns: {score()!r}")

    # Accessible names: `x1, data 2.0000, grad -1.5000`, on every value.
    click("quiz")  # leaves the quiz: every grad shown
    names = browser.evaluate("[...document.querySelectorAll('#canvas g.node:not(.op):not(.group)')].map(g => [g.dataset.id, g.getAttribute('role'), g.getAttribute('tabindex'), g.getAttribute('aria-label')])")
    wrong = [n for n in names if n[1:3] != ["button", "0"] or n[3] != f"{replay.name(n[0])}, data {replay.nodes[n[0]]['data']:.{precision}f}, grad {replay.nodes[n[0]]['grad']:.{precision}f}"]
    check(names and not wrong, f"every value is focusable with role and name (“{names[0][3] if names else ''}”): {wrong[:3]}")

    # Nudge: Δoutput beside grad × h, the slope beside the grad, against a Python micrograd.
    reference = Micrograd(dumps["softmax"])
    browser.open("file://" + pages["softmax"])
    leaf = next(i for i, op in enumerate(reference.ops) if op == "" and reference.kinds[i] == "input" and reference.labels[i] == "x1")
    h = 0.001
    browser.evaluate(f"(s => {{ s.value = '{data.index[reference.ids[leaf]]}'; s.dispatchEvent(new Event('change')); }})(document.getElementById('nudge-leaf'))")
    browser.evaluate(f"(f => {{ f.value = '{h}'; f.dispatchEvent(new Event('input')); }})(document.getElementById('nudge-h'))")
    result = browser.evaluate("document.getElementById('nudge-result').textContent")
    before = reference.forward(reference.data)
    moved = list(reference.data)
    moved[leaf] += h
    delta = reference.forward(moved)[reference.output] - before[reference.output]
    grad = reference.backward(before)[leaf]
    numbers = lambda line, after: float(line.split(after, 1)[1].split()[0])
    lines = result.split("\n")
    shown_delta, shown_predicted = numbers(lines[1], " = "), float(lines[1].rsplit(" = ", 1)[1])
    shown_slope = numbers(lines[2], "/ h = ")
    check(abs(shown_delta - delta) <= 1e-12 and abs(shown_predicted - grad * h) <= 1e-12 and abs(shown_delta - shown_predicted) <= 10 * h * h
          and abs(shown_slope - grad) <= 10 * h,
          f"nudge x1 by {h}: Δ{reference.labels[reference.output]} {shown_delta} (Python {delta}) beside grad × h {shown_predicted}; slope {shown_slope} beside grad {grad}")
    browser.screenshot(os.path.join(shots, "nudge.png"))

    # Update: k steps of p.data -= lr · p.grad on the lecture's MLP, the loss against Python's.
    reference = Micrograd(dumps["lecture"])
    browser.open("file://" + pages["lecture"])
    lr, k = 0.05, 4
    browser.evaluate(f"document.getElementById('lr').value = '{lr}'")
    for _ in range(k):
        click("take-step")
    said = browser.evaluate("document.getElementById('update-result').textContent")
    loss = float(said.split(" = ", 1)[1].split(" ", 1)[0])
    want = reference.descend(lr, k)
    first = reference.forward(reference.data)[reference.output]
    points = browser.evaluate("document.querySelectorAll('#loss-plot circle').length")
    output_id = reference.ids[reference.output]
    shown = browser.evaluate(f"[...{node(output_id)}.querySelectorAll('text')].map(t => t.textContent)")
    check(abs(loss - want) <= 1e-12 * max(1, abs(want)) and want < first and points == k + 1 and f"data {want:.{precision}f}" in shown,
          f"update: after {k} steps at lr {lr} the loss is {loss} (Python micrograd {want}, from {first}), plotted ({points} points) and drawn: {said!r}")
    browser.screenshot(os.path.join(shots, "update.png"))
    click("reset-steps")
    shown = browser.evaluate(f"[...{node(output_id)}.querySelectorAll('text')].map(t => t.textContent)")
    check(f"data {first:.{precision}f}" in shown and not browser.evaluate("!!document.getElementById('loss-plot')"),
          f"Reset returns to the drawn values: {shown}")
    browser.open("file://" + pages["lecture"], size=(390, 844))
    browser.evaluate("document.getElementById('take-step').click(); document.getElementById('take-step').click()")
    browser.evaluate("document.getElementById('update').scrollIntoView()")
    browser.screenshot(os.path.join(shots, "phone-update.png"))

    # Where the evaluator cannot run, the page says so instead of offering it.
    for name, why in [("batch", "plate"), ("lecture-collapsed", "without --collapse")]:
        browser.open("file://" + pages[name])
        text = browser.evaluate("document.getElementById('panel').innerText")
        check(why in text and not browser.evaluate("!!document.getElementById('take-step')"), f"{name}: no nudge or update, and the panel says why ({why})")
    # A collapsed neuron's grad comes through weights it does not draw: the quiz skips it, and says so.
    click("quiz")
    skipped = browser.evaluate("""(() => { for (let i = 0; i < page.nodes.count; i++) if (throughFold(i)) return i; return null; })()""")
    if skipped is not None:
        browser.evaluate(f"selectInQuiz({skipped})")
    said = browser.evaluate("document.getElementById('question').innerText")
    check(skipped is not None and "The quiz skips" in said, f"lecture-collapsed: the quiz skips a grad that needs folded weights, and says so: {said!r}")
    browser.screenshot(os.path.join(shots, "quiz-collapsed.png"))


# Every text in view below 4.5:1 against what it is drawn on, from the rendered page's computed
# styles: HTML text over its ancestors' backgrounds, SVG text over its node's (or label's)
# fill, each with the opacities above it; inputs' own text too.
CONTRAST = """(() => {
  const parse = s => { const m = /rgba?\\(([^)]+)\\)/.exec(s || ''); if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const lum = c => { const f = x => { x /= 255; return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  const over = (top, bottom) => [0, 1, 2].map(k => top[k] * top[3] + bottom[k] * (1 - top[3])).concat(1);
  const opacityOf = e => { let o = 1; for (let x = e; x && x.nodeType === 1; x = x.parentElement) o *= Number(getComputedStyle(x).opacity); return o; };
  const page = parse(getComputedStyle(document.documentElement).backgroundColor);
  function background(e) {
    const layers = [];
    for (let x = e; x; x = x.parentElement) {
      const c = parse(getComputedStyle(x).backgroundColor);
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    let bg = page && page[3] > 0 ? page : [255, 255, 255, 1];
    for (const c of layers.reverse()) bg = over(c, bg);
    return bg;
  }
  const shown = e => { const r = e.getBoundingClientRect(), cs = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && cs.display !== 'none' && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth; };
  const fails = [], seen = new Set();
  const judge = (e, text, fg, bg) => {
    const r = ratio(over(fg, bg), bg);
    if (r < 4.5) fails.push(`${text.trim().slice(0, 40)} (${e.tagName}.${[...e.classList].join('.')}): ${r.toFixed(2)}`);
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    const e = t.parentElement;
    if (!t.textContent.trim() || !e || seen.has(e) || e.closest('svg, script, style, option') || !shown(e)) continue;
    seen.add(e);
    const fg = parse(getComputedStyle(e).color);
    fg[3] *= opacityOf(e);
    judge(e, t.textContent, fg, background(e));
  }
  for (const e of document.querySelectorAll('input:not([type=range]):not([type=checkbox]), select')) {
    if (!shown(e)) continue;
    const fg = parse(getComputedStyle(e).color);
    fg[3] *= opacityOf(e);
    judge(e, e.value || e.placeholder || e.id, fg, background(e));
    if (e.placeholder && !e.value) {
      const p = parse(getComputedStyle(e, '::placeholder').color);
      judge(e, e.placeholder, p, background(e));
    }
  }
  for (const e of document.querySelectorAll('svg text')) {
    if (!e.textContent.trim() || !shown(e)) continue;
    const cs = getComputedStyle(e), fg = parse(cs.fill);
    if (!fg) continue;
    fg[3] *= Number(cs.fillOpacity) * opacityOf(e);
    let bg = background(e.closest('svg'));
    const g = e.closest('g.node, g.flow-label');
    const shape = g && g.querySelector(':scope > polygon, :scope > ellipse, :scope > rect');
    if (shape) {
      const s = getComputedStyle(shape), f = parse(s.fill);
      if (f) { f[3] *= Number(s.fillOpacity) * opacityOf(shape); bg = over(f, bg); }
    }
    judge(e, e.textContent, fg, bg);
  }
  return fails;
})()"""


def check_contrast(browser, pages, check, shots):
    """Issue 26: every text at 4.5:1 or more, in both themes (the page following the reader's,
    and --theme dark) and in every state: the opening, the replay (unreached grads, running
    totals, the orange button), the quiz (hidden grads, a hint, a right answer), a traced path,
    disabled buttons, --color grad, nudge and update with the plot; and --theme light kept light."""
    click = lambda element_id: browser.evaluate(f"document.getElementById('{element_id}').click()")
    dark = lambda on: browser.call("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark" if on else "light"}]})
    problems, states = [], 0

    def judge(what):
        nonlocal states
        states += 1
        time.sleep(0.05)
        problems.extend(f"{what}: {fail}" for fail in browser.evaluate(CONTRAST))

    for theme, page_name, prefers_dark in [("light", "softmax", False), ("dark (reader's)", "softmax", True),
                                           ("dark (--theme dark)", "softmax-dark", False), ("light, --color grad", "softmax-color", False),
                                           ("dark (reader's), --color grad", "softmax-color", True)]:
        browser.open("file://" + pages[page_name])
        dark(prefers_dark)
        browser.key("f")
        judge(f"{theme}, opening")
        click("replay-start")
        for _ in range(3):
            click("forward")
        judge(f"{theme}, replay step 3 (unreached grads, running totals)")
        browser.evaluate("document.querySelector('#canvas g.node[data-id]').dispatchEvent(new MouseEvent('click', {bubbles: true}))")
        judge(f"{theme}, a traced path")
        browser.evaluate("document.querySelector('#canvas svg').dispatchEvent(new MouseEvent('click', {bubbles: true}))")
        click("last")
        judge(f"{theme}, the replay's end (disabled buttons)")
        click("quiz")
        node_id = browser.evaluate("[...document.querySelectorAll('#canvas g.node[data-id]')].map(g => g.dataset.id).find(id => !id.endsWith('_op') && (document.querySelector(`#canvas g.node[data-id=\"${id}\"] text.hidden-grad`)))")
        browser.evaluate(f"document.querySelector('#canvas g.node[data-id=\"{node_id}\"]').dispatchEvent(new MouseEvent('click', {{bubbles: true}}))")
        browser.evaluate("document.getElementById('answer').value = '123'; document.getElementById('check').click()")
        judge(f"{theme}, quiz with a hint")
        click("reveal-all")
        judge(f"{theme}, quiz all revealed")
        click("quiz")
        if browser.evaluate("!!document.getElementById('take-step')"):
            click("take-step")
            click("take-step")
            browser.evaluate("document.getElementById('loss-plot').scrollIntoView()")
            judge(f"{theme}, after two update steps (the plot)")
        if prefers_dark and page_name == "softmax":
            browser.screenshot(os.path.join(shots, "dark-update.png"))
    check(not problems and states == 35, f"contrast of every text is 4.5:1 or more, in {states} states of both themes: {problems[:6]}")

    # The page follows the reader's dark theme, unless --theme light was given.
    browser.open("file://" + pages["softmax"])
    dark(True)
    time.sleep(0.2)  # the page hears of the change as an event
    followed = browser.evaluate("[getComputedStyle(document.body).backgroundColor, colors === page.darkColors]")
    browser.open("file://" + pages["softmax-light"])
    dark(True)
    kept = browser.evaluate("[getComputedStyle(document.body).backgroundColor, page.darkColors]")
    check(followed == ["rgb(27, 29, 33)", True] and kept == ["rgb(255, 255, 255)", None],
          f"without --theme the page follows the reader's dark theme ({followed}); with --theme light it stays light ({kept})")
    dark(False)
    browser.open("file://" + pages["softmax"])
    click("replay-start")
    for _ in range(3):
        click("forward")
    browser.screenshot(os.path.join(shots, "replay-symbols.png"))
    browser.open("file://" + pages["softmax"], size=(390, 844))
    click("replay-start")
    for _ in range(3):
        click("forward")
    browser.screenshot(os.path.join(shots, "phone-replay-symbols.png"))


def check_groups(browser, pages, check, shots):
    """A graph of any size, on the demo's batch (its plate) and the lecture's MLP: containers
    opened and closed, the breadcrumb, open and close all, search, the view's keys, the plate's
    example, a replay inside closed groups, keyboard-only use, and the phone's viewport."""
    state = lambda: browser.evaluate(STATE)
    click = lambda element_id: browser.evaluate(f"document.getElementById('{element_id}').click()")
    data = PageData(pages["batch"])
    shown = lambda: set(browser.evaluate("[...scene.geometry.keys()].map(itemId)"))
    crumbs = lambda: browser.evaluate("[...document.querySelectorAll('#crumbs .crumb')].map(b => b.textContent)")
    def press(item_id):
        """Brings the item into view, as a user would, and clicks it."""
        browser.evaluate(f"(i => centreOn(scene.geometry.get(i), 1))([...scene.geometry.keys()].find(i => itemId(i) === '{item_id}'))")
        browser.evaluate(f"document.querySelector('#canvas [data-id=\"{item_id}\"]').dispatchEvent(new MouseEvent('click', {{bubbles: true}}))")

    def press_name(container):
        """Brings an open container's box into view and clicks its name."""
        browser.evaluate(f"(b => centreOn({{x: b.x, y: b.y, width: b.width, height: 40}}, 1))(scene.boxes.get({container}))")
        browser.evaluate(f"document.querySelector('#canvas .box-label[data-container=\"{container}\"]').dispatchEvent(new MouseEvent('click', {{bubbles: true}}))")
    names = [c["name"] for c in data.containers]
    call = names.index("MLP(x[0])")
    layer = next(k for k, c in enumerate(data.containers) if c["name"] == "L2" and c["parent"] == call)
    neuron = next(k for k, c in enumerate(data.containers) if c["name"] == "L2 N5" and c["parent"] == layer)
    members = {data.ids[i] for i in range(data.count) if data.container_of[i] == neuron}

    # The first view: the plate open down to the call's layers, the parameters closed; at most
    # a few hundred nodes; readable, or on the output.
    browser.open("file://" + pages["batch"])
    first = browser.evaluate("""({nodes: scene.geometry.size, open: [...open].filter(c => c).map(c => containers[c].name),
        text: view.scale * 11, fit: fitScale() * 11, output: (g => { const v = viewport(); return g.x >= v.x0 && g.x + g.width <= v.x1; })(scene.geometry.get(page.output))})""")
    check(first["nodes"] <= 300 and first["open"] == ["× 100 examples, showing x[0]", "MLP(x[0])", "L1", "L2", "L3"]
          and (first["fit"] >= 9 or (first["text"] >= 9 and first["output"])),
          f"batch: the first view opens the plate down to the call's layers ({first['nodes']} nodes), its text {first['text']:.1f} px, on the output")
    browser.screenshot(os.path.join(shots, "batch.png"))

    # Opening and closing, nested: a neuron of L2, then L2 closed and opened again.
    press(f"c{neuron}")
    opened = shown()
    check(members <= opened and f"c{neuron}" not in opened and browser.evaluate(f"scene.boxes.has({neuron})"),
          f"clicking the closed neuron L2 N5 opens it in place: its {len(members)} nodes are drawn, in its box")
    check(crumbs() == ["graph", "× 100 examples, showing x[0]", "MLP(x[0])", "L2", "L2 N5"], f"the breadcrumb shows where it is: {crumbs()}")
    press_name(layer)
    closed = shown()
    check(f"c{layer}" in closed and not (members & closed) and f"c{neuron}" not in closed,
          "clicking L2's name closes it: one node again, its neurons and their nodes gone")
    press(f"c{layer}")
    again = shown()
    check(members <= again and f"c{neuron}" not in again, "opening L2 again shows L2 N5 as it was left: open")
    press_name(neuron)
    check(f"c{neuron}" in shown(), "clicking L2 N5's name closes it again")
    # Enter on a focused closed group opens it.
    other = next(k for k, c in enumerate(data.containers) if c["name"] == "L1 N3" and data.containers[c["parent"]]["parent"] == call)
    browser.evaluate(f"(i => centreOn(scene.geometry.get(i), 1))(~{other})")
    browser.evaluate(f"document.querySelector('#canvas [data-id=\"c{other}\"]').focus()")
    browser.key("Enter")
    check(browser.evaluate(f"scene.boxes.has({other})"), "Enter on the focused L1 N3 opens it")
    browser.key("Enter" if browser.evaluate("document.activeElement?.classList.contains('box-label')") else "Escape")

    # Open all, close all.
    click("open-all")
    everything = browser.evaluate("[scene.geometry.size, [...scene.geometry.keys()].every(i => i >= 0)]")
    check(everything == [data.count, True], f"open all opens every group: all {data.count} nodes drawn ({everything})")
    browser.screenshot(os.path.join(shots, "batch-open.png"))
    click("close-all")
    roots = sum(1 for c in data.containers if c["parent"] == 0) + sum(1 for i in range(data.count) if data.container_of[i] == 0)
    check(browser.evaluate("scene.geometry.size") == roots and crumbs() == ["graph"], f"close all closes them: the top level's {roots} items")

    # Search: `/` focuses it; text, a group, /regex/ (a label of another example), no match.
    browser.evaluate("document.getElementById('canvas').focus()")
    browser.key("/")
    check(browser.evaluate("document.activeElement.id") == "search", "/ focuses the search box")
    results = lambda: browser.evaluate("[...document.querySelectorAll('#results li')].map(li => li.textContent)")
    browser.type("L2 N5")
    listed = results()
    check(any(r.startswith("neuron L2 N5 ") for r in listed), f"searching L2 N5 lists the neuron: {listed[:3]}")
    browser.evaluate("document.getElementById('search').value = ''")
    browser.type("total_loss")
    listed = results()
    total = data.labels.index("total_loss")
    said = lambda text, what: float(text.split(what + " ", 1)[1].split(" ", 1)[0])
    check(len(listed) == 1 and said(listed[0], "data") == data.data[total] and said(listed[0], "grad") == data.grads[total],
          f"searching total_loss lists it with its data and grad: {listed}")
    browser.evaluate("document.getElementById('search').value = ''")
    browser.type("/^x\\[17\\]\\[1\\]$/")
    listed = results()
    check(len(listed) == 1 and listed[0].startswith("x[17][1]  ") and "(example 17)" in listed[0], f"a /regex/ finds a label of example 17: {listed}")
    browser.key("Enter")
    chosen = browser.evaluate("""({example, found: itemId(found), label: labelOf(found), open: [...open].length,
        inView: (g => { const v = viewport(); return g.x >= v.x0 && g.x + g.width <= v.x1 && g.y >= v.y0 && g.y + g.height <= v.y1; })(scene.geometry.get(found)),
        marked: !!document.querySelector('#canvas g.node.found')})""")
    check(chosen["example"] == 17 and chosen["label"] == "x[17][1]" and chosen["inView"] and chosen["marked"],
          f"choosing it switches to example 17, opens the groups around it, centres and highlights it: {chosen}")
    browser.evaluate("document.getElementById('search').value = ''")
    browser.type("zzzz")
    check(results() == ["no node or group matches “zzzz”"], f"no match says so: {results()}")
    browser.evaluate("document.getElementById('search').value = ''")
    browser.type("/(/")
    check(len(results()) == 1 and results()[0].startswith("not a regular expression"), f"a broken regex says so: {results()}")
    browser.key("Escape")

    # The view's keys: f fits, 0 resets, + and - zoom, arrows pan when the graph has the focus.
    browser.open("file://" + pages["batch"])
    view = lambda: browser.evaluate("[view.x, view.y, view.scale]")
    opening = view()
    browser.evaluate("document.getElementById('canvas').focus()")
    browser.key("f")
    fitted = browser.evaluate("(v => [v.x0 <= 0.01, v.y0 <= 0.01, v.x1 >= scene.width - 0.01, v.y1 >= scene.height - 0.01])(viewport())")
    check(all(fitted), f"f fits the whole graph in view: {fitted}")
    browser.key("0")
    check(view() == opening, f"0 goes back to the first view: {view()} {opening}")
    browser.key("+")
    zoomed = view()
    browser.key("-")
    check(abs(zoomed[2] / opening[2] - 1.25) < 1e-9 and abs(view()[2] - opening[2]) < 1e-9, f"+ and - zoom in and out: {opening[2]:.3f} -> {zoomed[2]:.3f} -> {view()[2]:.3f}")
    slider = state()["slider"]
    browser.key("ArrowRight")
    browser.key("ArrowDown")
    moved = view()
    check(moved[0] > opening[0] and moved[1] > opening[1] and state()["slider"] == slider, f"arrows pan the graph when it has the focus, and leave the replay: {opening[:2]} -> {moved[:2]}")
    browser.evaluate("document.activeElement.blur()")
    browser.key("ArrowLeft")
    check(state()["slider"] == slider - 1, "elsewhere ← steps the replay back")

    # A 5,000-value chain: f fits all of it, drawn as outlines a pixel wide.
    browser.open("file://" + pages["chain"])
    browser.key("f")
    fitted = browser.evaluate("""(v => [v.x0 <= 0.01, v.y0 <= 0.01, v.x1 >= scene.width - 0.01, v.y1 >= scene.height - 0.01,
        document.querySelectorAll('#drawing path[vector-effect=non-scaling-stroke]').length])(viewport())""")
    check(all(fitted[:4]) and fitted[4] >= 2, f"chain: f fits all 5,000 values in view, in outlines a pixel wide: {fitted}")
    browser.screenshot(os.path.join(shots, "chain-fit.png"))
    # Up close at the output, far along: Graphviz's plain output, which the layouts were once
    # read from, rounded positions there to 7.2 or 72 pt, and edges fell to nothing and
    # values onto each other. Every edge drawn has length, and no two nodes overlap.
    browser.key("0")
    close = browser.evaluate("""(() => {
      const boxes = [...document.querySelectorAll('#canvas g.node')].map(g => g.getBBox()).sort((a, b) => a.x - b.x);
      let overlaps = 0;
      boxes.forEach((a, k) => {
        for (let j = k + 1; j < boxes.length && boxes[j].x < a.x + a.width - 0.01; j++) {
          const b = boxes[j];
          if (b.y < a.y + a.height - 0.01 && a.y < b.y + b.height - 0.01) overlaps++;
        }
      });
      const paths = [...document.querySelectorAll('#canvas g.edge path')];
      return [boxes.length, overlaps, paths.length, paths.filter(p => p.getTotalLength() < 1).length,
        Math.round(Math.min(...boxes.map(b => b.x)))];
    })()""")
    check(close[0] >= 5 and close[1] == 0 and close[2] >= 5 and close[3] == 0,
          f"chain: up close at the output ({close[4]} pt along), {close[0]} nodes with {close[1]} overlapping, {close[2]} edges with {close[3]} of no length")
    browser.screenshot(os.path.join(shots, "chain.png"))

    # The plate's example: the slider and the number field; the parameters' grads stay.
    browser.open("file://" + pages["batch"])
    last_layer = next(k for k, c in enumerate(data.containers) if c["name"] == "L3" and c["parent"] == call)
    score_neuron = next(k for k, c in enumerate(data.containers) if c["parent"] == last_layer)
    browser.evaluate(f"centreOn(scene.geometry.get(~{score_neuron}), 1)")
    member = lambda label: f"[...document.querySelectorAll('#canvas g.node')].find(g => [...g.querySelectorAll('text')].some(t => t.textContent === '{label}'))"
    fields = lambda label: browser.evaluate(f"[...{member(label)}.querySelectorAll('text')].map(t => t.textContent)")
    plate, width = data.plate, len(data.plate["members"])
    score = next(m for m, i in enumerate(plate["members"]) if data.labels[i] == "score[0]")
    parameters = "(c => { centreOn(scene.geometry.get(~c), 1); return document.querySelector(`#canvas [data-id=c${c}]`).textContent; })(containers.findIndex(c => c.kind === 'parameters'))"
    params_before = browser.evaluate(parameters)
    browser.evaluate(f"centreOn(scene.geometry.get(~{score_neuron}), 1)")
    browser.evaluate("(s => { s.value = 17; s.dispatchEvent(new Event('input')); })(document.getElementById('example-slider'))")
    shown_score = fields("L3 N1 score[17]")
    want = [f"L3 N1 score[17]", f"data {plate['data'][17 * width + score]:.4f}", f"grad {plate['grad'][17 * width + score]:.4f}"]
    check(shown_score == want, f"the slider switches to example 17: the score's closed neuron shows its numbers {shown_score} ({want})")
    params_after = browser.evaluate(parameters)
    check(params_after == params_before and "grad norm" in params_before, f"the parameters' batch grads stay: {params_after}")
    browser.evaluate(f"centreOn(scene.geometry.get(~{score_neuron}), 1)")
    browser.evaluate("document.getElementById('example-number').focus()")
    browser.evaluate("document.getElementById('example-number').select()")
    browser.type("42")
    check(browser.evaluate("[example, Number(document.getElementById('example-slider').value)]") == [42, 42] and fields("L3 N1 score[42]")[0] == "L3 N1 score[42]",
          "the number field switches to example 42, and the slider follows")
    click("replay-start")
    check(browser.evaluate("example") == 0 and state()["status"].startswith("step 0 of"), "the replay is example 0's: replay backward goes back to it")

    # A replay inside closed groups: a step of a node in a closed neuron is shown at the neuron.
    steps = block(pages["batch"], "mgviz-backward")["steps"]
    k = next(k for k, s in enumerate(steps, 1) if data.container_of[data.index[s["node"]]] == neuron)
    browser.evaluate(f"(s => {{ s.value = {k}; s.dispatchEvent(new Event('input')); }})(document.getElementById('slider'))")
    time.sleep(0.5)  # the view glides to the step
    now = state()
    note = browser.evaluate("document.querySelector('#ledger li.current .note')?.textContent")
    check(now["current"] == [f"c{neuron}", f"c{neuron}_op"] and note == "inside L2 N5, closed: shown at the group",
          f"step {k}, of a node inside the closed L2 N5, is shown at the neuron: {now['current']}, {note!r}")
    press(f"c{neuron}")
    check(browser.evaluate(f"[...marks.current].map(itemId)") == [steps[k - 1]["node"]], "opened, the step is marked on its own node")
    browser.evaluate(f"centreOn(scene.geometry.get(indexOfId.get('{steps[k - 1]['node']}')), 1)")
    now = state()
    check(now["current"] == sorted([steps[k - 1]["node"], steps[k - 1]["node"] + "_op"]), f"brought into view, it is drawn there: {now['current']}")
    click("last")

    # Keyboard only, from the first Tab: every control is reached, with a focus ring; in the
    # graph the arrows pan to a group, Tab reaches it and Enter opens it.
    browser.open("file://" + pages["batch"])
    focused = lambda: browser.evaluate("""(e => ({id: e.id || e.dataset?.id || e.getAttribute('aria-label') || e.tagName,
        outline: getComputedStyle(e).outlineStyle, width: parseFloat(getComputedStyle(e).outlineWidth)}))(document.activeElement)""")
    reached, rings = [], []
    for _ in range(30):
        browser.key("Tab")
        now = focused()
        reached.append(now["id"])
        rings.append(now["outline"] == "solid" and now["width"] >= 2)
        if now["id"] == "canvas":
            break
    controls = ["search", "fit", "reset", "zoom-out", "zoom-in", "open-all", "close-all", "replay-start", "first", "back", "play",
                "slider", "speed", "follow", "quiz", "example-slider", "example-number", "canvas"]
    check(reached[0] == "search" and all(c in reached for c in controls) and all(rings),
          f"Tab from the start reaches every control and the graph, each with a visible focus ring: {reached}")
    group = None
    for _ in range(40):
        if browser.evaluate("!!document.querySelector('#canvas g.node.group')"):
            break
        browser.key("ArrowLeft")
    for _ in range(60):
        browser.key("Tab")
        now = focused()["id"]
        if now.startswith("c") and now[1:].isdigit():
            group = int(now[1:])
            break
    ring = browser.evaluate("getComputedStyle(document.activeElement.querySelector('polygon')).stroke")
    browser.key("Enter")
    check(group is not None and browser.evaluate(f"scene.boxes.has({group})") and ring == "rgb(28, 126, 214)",
          f"the arrows pan the graph to a group, Tab reaches it (outlined {ring}) and Enter opens it: c{group}")

    # The lecture's MLP.
    browser.open("file://" + pages["lecture"])
    browser.screenshot(os.path.join(shots, "lecture.png"))

    # A phone: the viewport meta, the panel under the graph, the controls on one line, touch.
    browser.open("file://" + pages["batch"], size=(390, 844))
    layout = browser.evaluate("""(() => { const r = id => document.getElementById(id).getBoundingClientRect();
        const header = document.querySelector('header').getBoundingClientRect();
        // One line: every control crosses one horizontal line.
        const boxes = [...document.querySelector('header').children].filter(e => e.offsetParent).map(e => e.getBoundingClientRect());
        const rows = Math.max(...boxes.map(b => b.top)) < Math.min(...boxes.map(b => b.bottom)) ? 1 : 2;
        return {meta: document.querySelector('meta[name=viewport]')?.content, canvas: r('canvas').bottom, panel: r('panel').top,
                panelWidth: r('panel').width, width: innerWidth, header: header.height, rows}; })()""")
    check(layout["meta"] == "width=device-width, initial-scale=1" and layout["width"] == 390, f"the page has a viewport meta tag: {layout['meta']!r}")
    check(layout["panel"] >= layout["canvas"] - 1 and layout["panelWidth"] >= 380, f"on a phone the panel is under the graph: {layout}")
    check(layout["rows"] == 1 and layout["header"] <= 50, f"on a phone the controls fit one line: {layout['rows']} row, {layout['header']:.0f} px")
    before = view()
    x, y = browser.evaluate("(r => [r.x + r.width / 2, r.y + r.height / 2])(document.getElementById('canvas').getBoundingClientRect())")
    browser.touch([[(x, y), (x - 20, y - 10), (x - 60, y - 30), (x - 90, y - 40)]])
    time.sleep(0.1)
    panned = view()
    check(panned[0] > before[0] and panned[1] > before[1] and panned[2] == before[2], f"a finger pans: {before} -> {panned}")
    browser.touch([[(x - 10, y), (x - 30, y), (x - 60, y), (x - 80, y)], [(x + 10, y), (x + 30, y), (x + 60, y), (x + 80, y)]])
    time.sleep(0.1)
    pinched = view()
    check(pinched[2] > 2 * panned[2], f"two fingers apart zoom in: {panned[2]:.3f} -> {pinched[2]:.3f}")
    browser.key("0")
    browser.screenshot(os.path.join(shots, "phone-batch.png"))
    browser.open("file://" + pages["softmax"], size=(390, 844))
    check(browser.evaluate("view.scale * 11") >= 9, "on a phone softmax opens readable too")
    browser.screenshot(os.path.join(shots, "phone-softmax.png"))


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
        # A chain of 5,000 values, one layout too long to fit at the usual least zoom.
        chain = os.path.join(folder, "chain.mg")
        with open(chain, "w") as f:
            f.write("x0 = 0.5\n" + "".join(f"x{k} = tanh(x{k - 1})\n" for k in range(1, 5000)))
        softmax = os.path.join(repo, "samples", "softmax.json")
        pages = {
            "reused": page("reused", reused, "--steps", "all"), "reused-color": page("reused-color", reused, "--color", "grad"),
            "reused-forward": page("reused-forward", reused, "--no-backward"), "reused-quiz": page("reused-quiz", reused, "--quiz"),
            "softmax": page("softmax", softmax), "softmax-color": page("softmax-color", softmax, "--color", "grad"),
            "nan": page("nan", os.path.join(repo, "samples", "nan.json")),
            "lecture": page("lecture", os.path.join(repo, "samples", "mlp_lecture.json")),
            "batch": page("batch", os.path.join(repo, "samples", "moons_batch.json")),
            "chain": page("chain", chain),
            "softmax-quiz": page("softmax-quiz", softmax, "--quiz"),
            "softmax-dark": page("softmax-dark", softmax, "--theme", "dark"),
            "softmax-light": page("softmax-light", softmax, "--theme", "light"),
            "lecture-collapsed": page("lecture-collapsed", os.path.join(repo, "samples", "mlp_lecture.json"), "--collapse", "neurons"),
        }
        browser = Browser()
        state = lambda: browser.evaluate(STATE)
        click = lambda element_id: browser.evaluate(f"document.getElementById('{element_id}').click()")
        node = lambda node_id: f"document.querySelector('#canvas g.node[data-id=\"{node_id}\"]')"
        box = "(b => [b.x, b.y, b.width, b.height])(document.querySelector('#canvas svg').viewBox.baseVal)"

        def show_everything():
            """Every node in view, drawn in full: fit, and no following of the replay."""
            browser.evaluate("document.getElementById('follow') && (document.getElementById('follow').checked = false)")
            browser.key("f")

        def check_replay(name, with_palette=False):
            """Replays backward on the page one step at a time and checks every step."""
            replay = Replay(pages[name])
            steps, n = replay.steps, len(replay.steps)
            browser.open("file://" + pages[name])
            show_everything()
            opening = state()
            drawn = {node: g["text"] for node, g in opening["grads"].items()}
            final = {s["node"]: s["gradText"] for s in steps}  # a node's grad is final when its _backward runs
            check(len(drawn) == replay.data.count and all(drawn[node] == "grad " + text for node, text in final.items() if node in drawn)
                  and all(not g["classes"] for g in opening["grads"].values()),
                  f"{name}: the page opens on every final grad, as drawn ({len(drawn)} of {replay.data.count} nodes)")
            check(opening["current"] == [] and opening["labels"] == [] and opening["slider"] == n,
                  f"{name}: nothing is highlighted at the opening, and the slider is at the end")
            click("replay-start")
            problems, seen_ids = [], set()
            for k in range(n + 1):
                if k:
                    click("forward")
                now = state()
                expected = replay.running(k)
                # The step's nodes hovered, so that the hover line is read too.
                if k:
                    browser.evaluate(f"{node(steps[k - 1]['node'])}?.dispatchEvent(new MouseEvent('mouseover', {{bubbles: true}}))")
                seen_ids.update(ids_in(browser))
                spoken = browser.evaluate("document.getElementById('status').textContent")
                if k and steps[k - 1]["uses"] and not all(f"{u['handGrad']} × {u['handLocal']} = {u['handAmount']}" in spoken
                                                          for u in steps[k - 1]["uses"] if u["slot"] >= 0):
                    problems.append(f"step {k}: the live region does not say the step's arithmetic: {spoken!r}")
                for node_id in replay.in_ledger:
                    shown = now["grads"].get(node_id)
                    if shown is None:
                        problems.append(f"step {k}: {node_id} is not drawn")
                        continue
                    if node_id in expected:
                        if shown["text"] != "grad " + expected[node_id][1] or "pending" in shown["classes"]:
                            problems.append(f"step {k}: {node_id} shows {shown['text']!r}, the ledger {expected[node_id][1]!r}")
                    elif grad_value(shown["text"]) != 0 or "pending" not in shown["classes"]:
                        problems.append(f"step {k}: {node_id}, not reached, shows {shown['text']!r} {shown['classes']}")
                    if with_palette:
                        # Not reached yet: the neutral faint fill, not the grey of a dead node.
                        fill = (replay.fill(expected[node_id][0], float(replay.nodes[node_id]["data"])) if node_id in expected
                                else replay.fill(0, 0.0))
                        got = now["fills"][node_id]
                        if got["fill"] != fill[0] or any(t != fill[1] for t in got["text"]):
                            problems.append(f"step {k}: {node_id}'s fill is {got}, its running grad's {fill}")
                if now["slider"] != k or not now["status"].startswith(f"step {k} of {n}"):
                    problems.append(f"step {k}: slider {now['slider']}, status {now['status']!r}")
                if k == 0:
                    if now["labels"] or now["panel"]["heading"] != "start":
                        problems.append(f"step 0: labels {now['labels']}, panel {now['panel']}")
                    continue
                step = steps[k - 1]
                node_id = step["node"]
                want_current = sorted([node_id] + ([node_id + "_op"] if replay.nodes[node_id]["op"] else []))
                if now["current"] != want_current:
                    problems.append(f"step {k}: highlighted {now['current']}, not {want_current}")
                want_labels = sorted((f"× {u['handLocal']} → {u['handAmount'] if u['handAmount'][0] in '+-' else '+' + u['handAmount']}",
                                      replay.edge_of(step, u)) for u in step["uses"])
                got_labels = sorted((label["text"], label["edge"]) for label in now["labels"])
                if got_labels != want_labels:
                    problems.append(f"step {k}: edge labels {got_labels}, not {want_labels}")
                want_flow = sorted({replay.edge_of(step, u) for u in step["uses"]} | ({node_id + "op"} if step["uses"] else set()))
                if now["flow"] != want_flow:
                    problems.append(f"step {k}: edges lit {now['flow']}, not {want_flow}")
                want_panel = [{"code": u["text"], "total": f"({atom(u['operandName'])}.grad now {u['handTotal']})",
                               "symbols": symbols(replay, step, u), "rule": f"local derivative of {replay.nodes[node_id]['op']}: {u['rule']}"}
                              for u in step["uses"]]
                if now["panel"]["uses"] != want_panel or not now["panel"]["heading"].startswith(f"{atom(step['name'])}._backward()"):
                    problems.append(f"step {k}: panel {now['panel']}, not {want_panel}")
            check(not problems, f"{name}: after each of the {n} steps the nodes show the ledger's running grads (0, muted, before they are reached)"
                  f"{', with fills to match' if with_palette else ''}, the edges their contributions, the panel the arithmetic"
                  + "".join("\n       " + p for p in problems[:8]))
            check(not seen_ids and browser.evaluate("document.getElementById('panel').innerText").count("chain rule") >= 1
                  and "local derivative" in browser.evaluate("document.getElementById('panel').innerText"),
                  f"{name}: no id (n13, c5) in any text a learner reads, at any step: {sorted(seen_ids)[:8]}; the panel says “chain rule” and “local derivative”")
            end = state()
            check({node_id: g["text"] for node_id, g in end["grads"].items()} == drawn,
                  f"{name}: at the end of the replay every grad shown is the final one")
            check(all(abs(grad_value(drawn[node_id]) - float(replay.nodes[node_id]["grad"])) <= 0.51e-4 for node_id in drawn),
                  f"{name}: the final grads shown are the dump's grads")
            return replay

        # The graph with a reused node, step by step.
        replay = check_replay("reused")
        step1 = next(s for s in replay.steps if s["node"] == "n2")
        edges_b = browser.evaluate("[...document.querySelectorAll('#canvas g.edge')].filter(g => g.dataset.edge.startsWith('2:')).length")
        check([u["slot"] for u in step1["uses"]] == [0, 1] and edges_b == 2, f"reused: b + b has two edges from b ({edges_b}), and the ledger a use for each")
        # Step back, from the end.
        click("back")
        back = state()
        check(back["slider"] == len(replay.steps) - 1 and back["current"] == sorted(["n1", "n1_op"])
              and back["grads"]["n0"]["text"] == "grad 12.0000" and "updated" in back["grads"]["n0"]["classes"],
              f"reused: a step back from the end is b's step, a's grad 12 = 6 + 6 just added: {back['status']!r}")
        panel = back["panel"]["uses"]
        check([u["total"] for u in panel] == ["(a.grad now 6)", "(a.grad now 12)"]
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
        title = block(pages["softmax"], "mgviz-page")["title"]
        count = browser.evaluate(f"[...document.querySelectorAll('body *')].filter(e => e.childElementCount === 0 && e.textContent === {json.dumps(title)}).length")
        check(count == 1 and browser.evaluate("document.title") == title, f"the title appears once on the page ({count}), and names the tab")

        # The first view is readable: softmax is too wide to read whole at 1280×800, so it
        # starts on the output with 10 px text, and fit shows the rest.
        browser.open("file://" + pages["softmax"])
        first = browser.evaluate("[view.scale * 11, fitScale() * 11, (g => { const v = viewport(); return g.x >= v.x0 && g.x + g.width <= v.x1 && g.y >= v.y0 && g.y + g.height <= v.y1; })(scene.geometry.get(page.output))]")
        check(first[0] >= 9 and first[1] < 9 and first[2], f"softmax opens on its output with readable text ({first[0]:.1f} px; fit would give {first[1]:.1f} px)")
        browser.screenshot(os.path.join(shots, "opening.png"))

        # Every position drawn is the layout's: a record's corners are its layout's centre and
        # size from Graphviz, moved only by where the container is placed.
        data = PageData(pages["softmax"])
        layout = data.page["layouts"][data.page["classes"][data.containers[0]["class"]]["closed"]]
        records = column(layout["records"], "f")
        placed = browser.evaluate("""(() => { const o = scene.origin.get(0); return [o.x, o.y,
            ...[...Array(page.nodes.count).keys()].map(i => scene.geometry.get(i)).flatMap(g => [g.x, g.y, g.width, g.height])]; })()""")
        off = [abs(placed[2 + 4 * i] - (placed[0] + records[4 * k] - records[4 * k + 2] / 2)) + abs(placed[3 + 4 * i] - (placed[1] + records[4 * k + 1] - records[4 * k + 3] / 2))
               + abs(placed[4 + 4 * i] - records[4 * k + 2]) for k, i in enumerate(range(data.count))]
        check(max(off) < 0.01, f"softmax: every record is where Graphviz's layout put it (off by {max(off):.4f} points at most)")

        # Follow: on a graph too big to read whole (softmax), each step zooms to its nodes.
        browser.open("file://" + pages["softmax"])
        browser.key("f")
        browser.evaluate("document.getElementById('follow').checked = true")
        whole = browser.evaluate(box)
        click("replay-start")
        for _ in range(4):
            click("forward")
        time.sleep(0.5)
        followed = browser.evaluate(box)
        current = browser.evaluate("""(() => { const id = document.querySelector('#canvas g.node.current').dataset.id;
            const g = scene.geometry.get(indexOfId.get(id)); return [g.x, g.y, g.x + g.width, g.y + g.height]; })()""")
        inside = followed[0] <= current[0] and current[2] <= followed[0] + followed[2] and followed[1] <= current[1] and current[3] <= followed[1] + followed[3]
        check(followed[2] < 0.8 * whole[2] and inside, f"follow zooms to the step's nodes: {[round(x) for x in whole]} -> {[round(x) for x in followed]}")
        browser.evaluate("""document.querySelector('#canvas svg').dispatchEvent(new WheelEvent('wheel',
            {deltaY: 100, clientX: 400, clientY: 300, bubbles: true, cancelable: true}))""")
        time.sleep(0.1)
        zoomed_out = browser.evaluate(box)
        click("forward")
        time.sleep(0.4)
        check(not browser.evaluate("document.getElementById('follow').checked") and browser.evaluate(box) == zoomed_out,
              "a wheel of the user's own turns follow off, and the view stays")

        # Hover, tracing, zoom and pan.
        data = Replay(pages["softmax"])
        first, last = data.data.ids[0], data.data.ids[-1]
        browser.key("f")
        browser.evaluate(f"{node(first)}.dispatchEvent(new MouseEvent('click', {{bubbles: true}}))")
        on_path = browser.evaluate("[...document.querySelectorAll('g.node.onpath')].map(g => g.dataset.id)")
        check(last in on_path and first in on_path, f"clicking {first} traces its path to the output ({len(on_path)} nodes)")
        check(browser.evaluate("document.querySelector('#canvas svg').classList.contains('tracing')"), "the rest is dimmed")
        browser.evaluate("document.querySelector('#canvas svg').dispatchEvent(new MouseEvent('click', {bubbles: true}))")
        check(not browser.evaluate("document.querySelector('#canvas svg').classList.contains('tracing')"), "clicking the background clears it")
        click("last")
        browser.evaluate(f"{node(first)}.dispatchEvent(new MouseEvent('mouseover', {{bubbles: true}}))")
        info = browser.evaluate("document.getElementById('info').textContent")
        check(float(info.split("data ", 1)[1].split("\n", 1)[0]) == data.nodes[first]["data"]
              and float(info.split("grad ", 1)[1].split(" ", 1)[0]) == data.nodes[first]["grad"], f"hover shows the exact data and grad: {info!r}")
        check(not browser.evaluate("document.querySelector('#canvas svg a[*|title]')"), "no tooltip gives the final grads away")
        before = browser.evaluate(box)
        browser.evaluate("""document.querySelector('#canvas svg').dispatchEvent(new WheelEvent('wheel',
            {deltaY: -100, clientX: 400, clientY: 300, bubbles: true, cancelable: true}))""")
        time.sleep(0.1)
        zoomed = browser.evaluate(box)
        check(zoomed[2] < before[2] and zoomed[3] < before[3], f"the wheel zooms in: {before} -> {zoomed}")
        browser.drag((500, 400), (400, 350))
        time.sleep(0.1)
        panned = browser.evaluate(box)
        check(panned[0] > zoomed[0] and panned[1] > zoomed[1] and abs(panned[2] - zoomed[2]) < 1e-6, f"a drag pans: {zoomed} -> {panned}")

        # Softmax's replay: reused nodes across steps (e3 feeds both total and p3).
        check_replay("softmax")

        # --color grad: fills follow the running grads, on both graphs.
        replay = check_replay("reused-color", with_palette=True)
        click("replay-start")
        click("forward")
        now = state()
        check(now["fills"]["n0"]["fill"] == replay.ledger["palette"]["faint"],
              f"reused-color: mid-replay a, not reached yet, is the neutral faint, not its final red: {now['fills']['n0']}")
        browser.evaluate(f"{node('n0')}.dispatchEvent(new MouseEvent('mouseover', {{bubbles: true}}))")
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
        show_everything()
        outline = lambda node_id: browser.evaluate(
            f"(s => [s.getAttribute('stroke'), s.getAttribute('stroke-width')])({node(node_id)}.querySelector('polygon'))")
        alarm = outline("n4")
        plain = block(pages["nan"], "mgviz-page")["colors"]["outline"]
        check(alarm == ["#d00000", "3"] and outline("n3") == alarm, f"nan: the NaN grad and the NaN data are outlined red at the opening: {alarm}")
        click("replay-start")
        check(outline("n4") == [plain, "1"] and outline("n3") == alarm,
              f"nan: at step 0 the -1's grad is 0, and its outline is plain: {outline('n4')}; the log's data stays red")
        click("forward")
        check(state()["grads"]["n4"]["text"] == "grad NaN" and outline("n4") == alarm, f"nan: step 1 makes the grad NaN and the outline red: {outline('n4')}")
        click("quiz")
        check(outline("n4") == [plain, "1"], f"nan: the quiz hides the red outline with the grad: {outline('n4')}")
        click("quiz")
        check(outline("n4") == alarm, "nan: leaving the quiz outlines it again")

        # Quiz: --quiz opens the page in it.
        browser.open("file://" + pages["reused-quiz"])
        show_everything()
        quiz = lambda: browser.evaluate("document.getElementById('score').textContent")
        now = state()
        check(browser.evaluate("document.body.classList.contains('quiz')") and now["grads"]["n0"]["text"] == "grad ?"
              and now["grads"]["n1"]["text"] == "grad ?" and now["grads"]["n2"]["text"] == "grad 1.0000",
              f"--quiz opens in the quiz: grads hidden, the output's (the seed) given: {[g['text'] for g in now['grads'].values()]}")
        check(quiz().startswith("score 0 / 0"), f"the score starts at 0 / 0: {quiz()!r}")

        def answer(node_id, text):
            browser.evaluate(f"{node(node_id)}.dispatchEvent(new MouseEvent('click', {{bubbles: true}}))")
            browser.evaluate(f"document.getElementById('answer').value = {json.dumps(text)}")
            click("check")
            return browser.evaluate("document.querySelector('#question .feedback')?.textContent")
        said = answer("n1", "3")
        check(quiz().startswith("score 0 / 1") and state()["grads"]["n1"]["text"] == "grad ?", f"a wrong answer scores 0 / 1 and reveals nothing: {said!r}")
        said = answer("n1", "2.00005")
        check(quiz().startswith("score 1 / 2") and state()["grads"]["n1"]["text"] == "grad 2.0000", f"a right one (within 0.0001) scores 1 / 2 and shows the grad: {said!r}")
        browser.evaluate(f"{node('n0')}.dispatchEvent(new MouseEvent('click', {{bubbles: true}}))")
        # Typing in the answer with real keys: the replay's keys are the input's there.
        browser.evaluate("document.getElementById('answer').focus()")
        browser.type("12")
        browser.key("ArrowLeft")
        browser.key("Home")
        browser.type("-")
        check(browser.evaluate("document.getElementById('answer').value") == "-12", "the quiz's input keeps its keys (← and Home move its cursor)")
        browser.screenshot(os.path.join(shots, "quiz.png"))
        click("reveal")
        check(state()["grads"]["n0"]["text"] == "grad 12.0000" and quiz().startswith("score 1 / 2"), f"reveal shows a's grad, the score unchanged: {quiz()!r}")
        click("quiz")
        check(not browser.evaluate("document.body.classList.contains('quiz')") and state()["grads"]["n0"]["text"] == "grad 12.0000",
              "leaving the quiz shows every grad again")
        # The quiz button, on a page that does not open in it; reveal all.
        browser.open("file://" + pages["reused-color"])
        show_everything()
        legend_shown = "getComputedStyle(document.getElementById('legend')).display"
        check(browser.evaluate(legend_shown) != "none", "--color grad's legend is shown")
        click("quiz")
        now = state()
        palette = block(pages["reused-color"], "mgviz-backward")["palette"]
        check(now["grads"]["n0"]["text"] == "grad ?" and now["fills"]["n0"]["fill"] == palette["faint"],
              f"the quiz button hides the grads, and under --color grad their colours: {now['fills']['n0']}")
        check(browser.evaluate(legend_shown) == "none", "the quiz hides --color grad's legend, whose swatches give the grads' range away")
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

        check_groups(browser, pages, check, shots)
        # The graphs as mgviz's JSON dump, for the Python reference of nudge and update.
        dumps = {}
        for name, spec in [("softmax", softmax), ("lecture", os.path.join(repo, "samples", "mlp_lecture.json"))]:
            dumps[name] = os.path.join(folder, name + ".json")
            subprocess.run([mgviz, spec, "-o", dumps[name]], capture_output=True, check=True)
        check_teaching(browser, pages, dumps, check, shots)
        check_contrast(browser, pages, check, shots)
    finally:
        if browser:
            browser.close()
        shutil.rmtree(folder, ignore_errors=True)
    for name in ["opening", "replay", "color-replay", "quiz", "forward-only", "batch", "batch-open", "lecture", "chain-fit", "chain", "phone-batch", "phone-softmax",
                 "quiz-hint", "nudge", "update", "quiz-collapsed", "dark-update", "replay-symbols", "phone-update", "phone-replay-symbols"]:
        path = os.path.join(shots, name + ".png")
        png = open(path, "rb").read() if os.path.exists(path) else b""
        check(png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000, f"screenshot {shots}/{name}.png ({len(png)} bytes)")
    print(f"{len(failures) == 0 and 'all checks passed' or str(len(failures)) + ' checks failed'}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
