"""The `bounds` case of benchmarks/run.sh (issue 22): every limit's largest accepted input, and
an input over each, run as whole processes of the release build. An accepted input must finish
within 10 s and 2 GB (every output format without a limit of its own: .json and .dot); one over
a limit must be refused within 1 s, with one line naming the limit, exit 65 and nothing written.
The limits are read from the sources, so that the inputs follow them when they change.
Peak memory is the child's ru_maxrss, from wait4, which starts from the RSS of the process
that forked it: so each input is made by a process of its own, and this one stays small (about
10 MB, the floor of every figure). CPU is the child's user + system time.
Usage: python3 benchmarks/bounds.py --mgviz PATH --work FOLDER"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
# As in run.py: one core, so that a figure does not depend on which of the two it landed on.
CORE = str(os.cpu_count() - 1)
SECONDS, MEGABYTES, REFUSAL_SECONDS = 10.0, 2048, 1.0
FILE_LIMIT = 64 << 20


def constant(path, name):
    """A limit as the sources define it: `static let NAME = 2_000_000`."""
    with open(os.path.join(ROOT, path)) as source:
        found = re.search(rf"static let {name} = ([0-9_]+)", source.read())
    return int(found.group(1).replace("_", ""))


NODES = constant("Sources/MgvizSpec/Spec.swift", "maximumNodes")
NAMES = constant("Sources/MgvizSpec/Spec.swift", "maximumNames")
DEPTH = constant("Sources/MgvizSpec/Spec.swift", "maximumExpressionDepth")
JSON_VALUES = constant("Sources/MgvizSpec/Spec.swift", "maximumJSONValues")
CHECK_WORK = constant("Sources/MgvizKit/DrawOptions.swift", "maximumCheckWork")
EXPLANATION = constant("Sources/MgvizKit/DrawOptions.swift", "maximumExplanationLines")


def run(command, stdout_path):
    """Exit status, wall seconds, CPU seconds, peak RSS in MB and stderr of one whole-process run."""
    with open(stdout_path, "wb") as out:
        start = time.perf_counter()
        process = subprocess.Popen(["taskset", "-c", CORE] + command, stdout=out, stderr=subprocess.PIPE)
        error = process.stderr.read().decode()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    return os.waitstatus_to_exitcode(status), wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, error


# The largest inputs each limit accepts. Each maker returns the input's text.

def sum_of_nodes():
    # x + x + … with NODES terms: one leaf and NODES - 1 sums.
    return '{"inputs": {"x": 1.5}, "define": ["y = ' + " + ".join(["x"] * NODES) + '"]}\n'


def constants():
    # Each factor is a constant leaf and a product, each printed with 17 digits.
    return "x = 1.5\ny = x" + "*0.12345678901234567" * ((NODES - 1) // 2) + "\n"


def names_and_nodes():
    # NAMES - 1 inputs and one sum of them, over and over, to the node limit: both limits at once.
    names = [f"a{i}" for i in range(NAMES - 1)]
    terms = NODES - len(names) + 1
    return "".join(f"{name} = 0.5\n" for name in names) + "y = " + " + ".join(names[i % len(names)] for i in range(terms)) + "\n"


def definitions():
    # NAMES lines, each a name and 4 nodes, to the node limit: v1 = tanh(v0 * 0.5) + v0, …
    return "v0 = 0.5\n" + "".join(f"v{i} = tanh(v{i - 1} * 0.5) + v0\n" for i in range(1, NAMES))


def negations():
    # Lines of DEPTH unary minus signs (2 nodes each), as many as the node limit takes, summed.
    lines = NODES // (2 * DEPTH + 1)
    body = "".join(f"y{i} = " + "-" * DEPTH + "x\n" for i in range(lines))
    return "x = 1.5\n" + body + "z = " + " + ".join(f"y{i}" for i in range(lines)) + "\n"


def nesting():
    # DEPTH-deep parentheses, calls, and a run of ** (each waits for its exponent).
    return ("x = 0.5\n"
            + "p = " + "(" * DEPTH + "x" + ")" * DEPTH + "\n"
            + "t = " + "tanh(" * DEPTH + "p" + ")" * DEPTH + "\n"
            + "w = t" + " ** t" * (DEPTH - 1) + "\n")


def wide_model():
    # MLP(1000, [W]) summed into a loss: 1,000 inputs, and W neurons of 1,000 weights, as many
    # as the node limit allows (each 3,001 nodes and a sum in the loss).
    width = (NODES - 1000) // 3002
    inputs = {f"x{i}": (i % 7) / 7 for i in range(1000)}
    outputs = [f"y{i}" for i in range(width)]
    model = {"sizes": [1000, width], "seed": 1, "inputs": list(inputs), "outputs": outputs}
    return json.dumps({"inputs": inputs, "mlp": model, "define": ["loss = " + " + ".join(outputs)]})


def deep_model():
    # MLP(1, [1] * L) and its square: a neuron per layer, 5 nodes each (the last, linear, 4),
    # with the input and the square 5L + 1 nodes, to the node limit.
    layers = (NODES - 1) // 5
    model = {"sizes": [1] * (layers + 1), "seed": 1, "inputs": ["x"], "outputs": ["y"]}
    return json.dumps({"inputs": {"x": 0.5}, "mlp": model, "define": ["loss = y * y"]})


def dense_dump():
    # The dump with the most nodes and values that fits 64 MiB: a chain of sums, ids as short as can be.
    def ident(n):
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"
        text = ""
        while True:
            text = digits[n % 36] + text
            n //= 36
            if n == 0:
                return text
    # The input's id is upper case, which no other id is.
    nodes = ['{"id":"X","label":"x","op":"","kind":"input","data":1,"grad":1,"cluster":null}']
    edges = []
    size, previous, n = 200, "X", 0
    while True:
        node = f'{{"id":"{ident(n)}","label":"","op":"+","kind":"op","data":0,"grad":1,"cluster":null}}'
        edge = f'{{"from":"{previous}","to":"{ident(n)}"}},{{"from":"X","to":"{ident(n)}"}}'
        if size + len(node) + len(edge) + 3 > FILE_LIMIT:
            break
        nodes.append(node)
        edges.append(edge)
        size += len(node) + len(edge) + 3
        previous, n = ident(n), n + 1
    return ('{"format":"mgviz-graph","version":1,"title":null,"output":"' + previous + '","nodes":['
            + ",".join(nodes) + '],"edges":[' + ",".join(edges) + "]}\n")


def checked(inputs, work, depth=1000):
    # `inputs` inputs, their sum, then lines of `depth` nested powers, as many as make --check's
    # work (inputs × the nodes up to the output) at most `work`. A power with a float exponent
    # is the op that takes longest to evaluate again (pow: about 100 ns a node in --check, sin
    # 55, tanh 70, a sum 18).
    names = [f"a{i}" for i in range(inputs)]
    lines = (work // inputs - 2 * inputs + 1) // depth
    text = "".join(f"{name} = 0.5\n" for name in names) + "v0 = " + " + ".join(names) + "\n"
    text += "".join(f"v{i} = " + "(" * depth + f"v{i - 1}" + ")**1.0000001" * depth + "\n" for i in range(1, lines + 1))
    return text


def explained(lines):
    # A sum whose backward adds `lines` contributions: two per sum.
    return '{"inputs": {"x": 1.5}, "define": ["y = ' + " + ".join(["x"] * (lines // 2 + 1)) + '"]}\n'


# (name, what, extension, maker, options, the nodes a .json output holds: None to leave uncounted,
# "input" for as many as the input dump).
ACCEPTED = [
    ("nodes: a sum", f"{NODES:,} nodes", "json", sum_of_nodes, ["--precision", "17", "--color", "grad"], NODES),
    ("nodes: constants", f"{NODES - 1:,} nodes, half of them constants", "mg", constants, ["--precision", "17"],
     (NODES - 1) // 2 * 2 + 1),
    ("names and nodes: inputs", f"{NAMES - 1:,} inputs summed to {NODES:,} nodes", "mg", names_and_nodes, [], NODES),
    ("names and nodes: definitions", f"{NAMES:,} lines, 4 nodes each", "mg", definitions, [], 4 * NAMES - 3),
    ("depth: unary minus", f"lines of {DEPTH:,} signs to the node limit", "mg", negations, [],
     NODES // (2 * DEPTH + 1) * (2 * DEPTH + 1)),
    ("depth: ( tanh( **", f"{DEPTH:,} levels each", "mg", nesting, [], 2 * DEPTH),
    ("nodes: wide model", "MLP(1000, [W]) to the node limit", "json", wide_model, [],
     1000 + (NODES - 1000) // 3002 * 3002 - 1),
    ("nodes: deep model", "MLP(1, [1] * L) to the node limit", "json", deep_model, [], (NODES - 1) // 5 * 5 + 1),
    ("nodes: deep model, collapsed", "the same, --collapse neurons", "json", deep_model, ["--collapse", "neurons"], None),
    ("file size: densest dump", "64 MiB", "json", dense_dump, [], "input"),
    # These two print, without -o.
    ("--check", "at its limit, powers", "mg", lambda: checked(200, CHECK_WORK), ["--check"], None),
    ("--explain", "at its limit", "json", lambda: explained(EXPLANATION), ["--explain"], None),
]


def count(path, text):
    """How many times `text` occurs in the file at `path`, read in blocks."""
    found, tail = 0, b""
    with open(path, "rb") as file:
        while block := file.read(1 << 24):
            found += (tail + block).count(text)
            tail = block[-(len(text) - 1):]
    return found


# Over each limit: (name, what, extension, maker, options, the words the refusal must hold).
REFUSED = [
    ("nodes: a sum", "64 MiB: x + x + …", "mg",
     lambda: "x = 1.5\ny = x" + " + x" * ((FILE_LIMIT - 20) // 4) + "\n", [], f"over the limit of {NODES} a spec may build"),
    ("nodes: a model", "MLP(1000, [1000])", "json",
     lambda: json.dumps({"inputs": {f"x{i}": 0 for i in range(1000)}, "mlp": {"sizes": [1000, 1000], "seed": 1,
                         "inputs": [f"x{i}" for i in range(1000)], "outputs": [f"y{i}" for i in range(1000)]},
                         "define": ["z = y0"]}), [], f"over the limit of {NODES} a spec may build"),
    ("depth: unary minus", "64 MiB of -", "mg", lambda: "x = 1\ny = " + "-" * (FILE_LIMIT - 20) + "x\n", [],
     f"over the limit of {DEPTH}"),
    ("depth: parentheses", "64 MiB of (", "mg", lambda: "x = 1\ny = " + "(" * (FILE_LIMIT - 20) + "x\n", [],
     f"over the limit of {DEPTH}"),
    ("depth: calls", "64 MiB of tanh(", "mg", lambda: "x = 1\ny = " + "tanh(" * ((FILE_LIMIT - 20) // 5) + "x\n", [],
     f"over the limit of {DEPTH}"),
    ("depth: **", "64 MiB of x ** x ** …", "mg", lambda: "x = 1\ny = x" + "**x" * ((FILE_LIMIT - 20) // 3) + "\n", [],
     f"over the limit of {DEPTH}"),
    ("names: text", "64 MiB of inputs", "mg",
     lambda: "".join(f"a{i} = 1\n" for i in range(FILE_LIMIT // 14)), [], f"over the limit of {NAMES}"),
    ("names: JSON", "64 MiB of definitions", "json",
     lambda: '{"inputs": {"x": 1}, "define": [' + ",".join(f'"a{i}=x"' for i in range(FILE_LIMIT // 14)) + "]}",
     [], f"over the limit of {NAMES}"),
    ("JSON values", "64 MiB of [0,0,…]", "json",
     lambda: '{"title": [' + ",".join(["0"] * ((FILE_LIMIT - 20) // 2)) + "]}", [], f"over the limit of {JSON_VALUES}"),
    ("JSON values", "64 MiB of [0.5,0.5,…]", "json",
     lambda: '{"title": [' + ",".join(["0.5"] * ((FILE_LIMIT - 20) // 4)) + "]}", [], f"over the limit of {JSON_VALUES}"),
    ("--check", "twice its limit", "mg", lambda: checked(200, 2 * CHECK_WORK), ["--check"],
     f"over the limit of {CHECK_WORK}"),
    ("--explain", "two lines over its limit", "json", lambda: explained(EXPLANATION + 2), ["--explain"],
     f"over the limit of {EXPLANATION}"),
    ("file size", "64 MiB + 1 byte", "json", lambda: " " * (FILE_LIMIT + 1), [], f"over the limit of {FILE_LIMIT}"),
]


def table(*columns):
    print("| " + " | ".join(columns) + " |")
    print("|" + " --- |" * len(columns))


def remove(*paths):
    for path in paths:
        if path and os.path.exists(path):
            os.unlink(path)


def make(kind, index, path):
    """Writes the input of ACCEPTED or REFUSED[index] to `path`, in a process of its own."""
    subprocess.run([sys.executable, __file__, "--make", kind, str(index), path], check=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mgviz")
    parser.add_argument("--work")
    parser.add_argument("--make", nargs=3, metavar=("KIND", "INDEX", "PATH"))
    args = parser.parse_args()
    if args.make:
        kind, index, path = args.make
        with open(path, "w") as out:
            out.write((ACCEPTED if kind == "accepted" else REFUSED)[int(index)][3]())
        return
    work, mgviz = args.work, args.mgviz
    failures = []
    print(f"limits: nodes {NODES:,}, names {NAMES:,}, expression depth {DEPTH:,}, JSON values {JSON_VALUES:,}, "
          f"--check work {CHECK_WORK:,}, --explain lines {EXPLANATION:,}; budgets: {SECONDS:.0f} s and "
          f"{MEGABYTES} MB accepted, {REFUSAL_SECONDS:.0f} s refused")
    print()
    table("largest accepted", "input", "run", "exit", "wall", "CPU", "peak RSS", "output")
    for index, (name, what, extension, _, options, nodes) in enumerate(ACCEPTED):
        spec = f"{work}/in.{extension}"
        make("accepted", index, spec)
        size = os.path.getsize(spec)
        if nodes == "input":
            nodes = count(spec, b'{"id":')
        prints = "--check" in options or "--explain" in options
        for output in [None] if prints else ["json", "dot"]:
            target = f"{work}/out.{output}" if output else None
            command = [mgviz, spec] + (["-o", target] if target else []) + options
            status, wall, cpu, peak, error = run(command, f"{work}/stdout")
            written = os.path.getsize(target if target else f"{work}/stdout") if status in (0, 1) else 0
            # Exit 1 is a --check verdict of WRONG: the check ran.
            ok = status in (0, 1) and wall <= SECONDS and peak <= MEGABYTES
            if not ok:
                failures.append(f"{name} {output or ''}: exit {status}, {wall:.2f} s, {peak:.0f} MB: {error.strip()[:300]}")
            held = count(target, b'{"id": "') if ok and output == "json" and nodes is not None else nodes
            if held != nodes:
                ok = False
                failures.append(f"{name}: the dump has {held} nodes, not {nodes}")
            run_text = f"-o .{output} {' '.join(options)}".strip() if output else " ".join(options)
            print(f"| {name} | {what} ({size / 2**20:.1f} MiB) | {run_text} | {status} | {wall:.2f} s | {cpu:.2f} s "
                  f"| {peak:.0f} MB | {written / 1e6:.0f} MB |{'' if ok else ' **over budget**'}")
            remove(target, f"{work}/stdout")
        remove(spec)

    print()
    table("refused", "input", "exit", "wall", "CPU", "peak RSS", "message")
    for index, (name, what, extension, _, options, words) in enumerate(REFUSED):
        spec = f"{work}/in.{extension}"
        make("refused", index, spec)
        target = f"{work}/out.json"
        status, wall, cpu, peak, error = run([mgviz, spec, "-o", target] + options, f"{work}/stdout")
        lines = error.splitlines()
        ok = (status == 65 and wall <= REFUSAL_SECONDS and len(lines) == 1 and words in lines[0]
              and not os.path.exists(target) and os.path.getsize(f"{work}/stdout") == 0)
        if not ok:
            failures.append(f"refusal {name}: exit {status}, {wall:.2f} s, {len(lines)} lines: {error.strip()[:300]}")
        message = lines[0].split(": ", 3)[-1] if lines else ""
        print(f"| {name} | {what} | {status} | {wall:.2f} s | {cpu:.2f} s | {peak:.0f} MB | {message} |"
              f"{'' if ok else ' **not as required**'}")
        remove(spec, target, f"{work}/stdout")
    if failures:
        sys.exit("bounds: " + "; ".join(failures))


if __name__ == "__main__":
    main()
