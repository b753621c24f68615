"""The Python bridge on micrograd's demo loss (issue 24): MLP(2, [16, 16, 1]) on the 100 moons
points, hinge loss, mean, L2 with alpha 1e-4, built by the PyPI micrograd from the shared
starting weights (65,818 values). Prints medians of `--runs` runs:

- tracing: `mgviz.trace(total)` and `mgviz.trace(total, model=model)` in µs per node (the
  document as a dict), what draw() traces before it writes the dump (the walk, the order,
  the model's calls: no dict), and the dump's text (`mgviz.dumps`), against the target of
  4 µs a node; wall time, and
  CPU time (this process's and mgviz's), the steadier on a machine shared with builds;
- end to end through `mgviz.draw` and the mgviz binary (`--mgviz`, the release build that
  scripts/mgviz runs), each as a ratio to its target: the plate (2 s), collapsed to neurons
  (1 s), every call as one node (`batch="all", collapse="calls"`, 2 s), the 4-point batch's
  plate (1 s); whether the plate's parameters have micrograd's grads (to 1e-12); and, once,
  the plate of the largest batch the bridge traces for one (PLATE_TRACE_LIMIT nodes).

`--bridge FOLDER` imports the mgviz package from FOLDER instead of python/ (an older
checkout's, for a before figure); `--trace-only` skips the drawings (an older bridge has no
batches). Needs micrograd 0.1.0 (scripts/python-test.sh makes /tmp/mgviz-python-venv with it).

Usage: /tmp/mgviz-python-venv/bin/python benchmarks/python_bridge.py --mgviz .build-release/release/mgviz
"""
import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TRACE_TARGET = 4.0   # µs a node
DRAW_TARGETS = [      # (what, points, keywords, output, seconds)
    ("the plate", 100, {}, "loss.svg", 2.0),
    ("collapsed to neurons", 100, {"collapse": "neurons"}, "loss.svg", 1.0),
    ("every call one node", 100, {"batch": "all", "collapse": "calls"}, "loss.svg", 2.0),
    ("4 points, the plate", 4, {}, "loss.svg", 1.0),
]


def cpu_seconds():
    """This process's CPU time and its children's (mgviz's), user and system."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def medians(run, runs):
    """The median wall time and the median CPU time (with mgviz's) of `runs` runs: on a
    machine shared with other builds, the CPU time is the steadier figure."""
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), cpu_seconds()
        run()
        wall.append(time.perf_counter() - start)
        cpu.append(cpu_seconds() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mgviz", default=os.path.join(ROOT, ".build-release", "release", "mgviz"))
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--bridge", default=os.path.join(ROOT, "python"))
    parser.add_argument("--trace-only", action="store_true")
    args = parser.parse_args()
    # Nothing written into the checkout (or the older bridge's folder) by the imports.
    sys.dont_write_bytecode = True
    sys.path.insert(0, args.bridge)
    sys.path.insert(0, os.path.join(ROOT, "python", "tests"))
    os.environ.setdefault("MGVIZ_REPO", ROOT)
    import mgviz
    from micrograd import nn
    from micrograd.engine import Value

    import demo

    print("bridge: %s; load %s" % (os.path.dirname(os.path.abspath(mgviz.__file__)), open("/proc/loadavg").read().split()[0]))
    loss = demo.Loss(Value, nn.MLP, count=100)
    nodes = len(mgviz.trace(loss.total)["nodes"])
    with warnings.catch_warnings():
        # An older bridge warns of every neuron of a batch.
        warnings.simplefilter("ignore")
        cases = [
            ("trace(total)", lambda: mgviz.trace(loss.total)),
            ("trace(total, model=model)", lambda: mgviz.trace(loss.total, model=loss.model)),
            ("dumps(total, model=model)", lambda: mgviz.dumps(loss.total, model=loss.model)),
        ]
        traced = getattr(mgviz._trace, "traced", None)
        if hasattr(mgviz._trace, "Traced"):
            # What draw() does before it writes the dump: the walk, the order, the model.
            cases[1:1] = [("traced, model (draw's)", lambda: traced(loss.total, model=loss.model))]
        for what, run in cases:
            wall, cpu = medians(run, args.runs)
            print("%-28s %6d nodes  wall %.3f s, %5.2f µs/node, %.2f of the target (%g µs/node); cpu %5.2f µs/node, %.2f"
                  % (what, nodes, wall, wall / nodes * 1e6, wall / nodes * 1e6 / TRACE_TARGET, TRACE_TARGET,
                     cpu / nodes * 1e6, cpu / nodes * 1e6 / TRACE_TARGET))
    if args.trace_only:
        return
    os.environ["MGVIZ"] = os.path.abspath(args.mgviz)
    small = demo.Loss(Value, nn.MLP, count=4)
    with tempfile.TemporaryDirectory() as folder:
        for what, points, options, output, target in DRAW_TARGETS:
            batch = loss if points == 100 else small
            path = os.path.join(folder, output)
            try:
                wall, cpu = medians(lambda: mgviz.draw(batch.total, path, model=batch.model, **options), args.runs)
            except mgviz.MgvizError as error:
                print("%-28s refused: %s" % (what, error))
                continue
            print("%-28s %6d nodes  wall %.3f s, %.2f of the target (%g s); cpu %.3f s, %.2f"
                  % (what, len(mgviz.trace(batch.total)["nodes"]), wall, wall / target, target, cpu, cpu / target))
        dumped = os.path.join(folder, "plate.json")
        mgviz.draw(loss.total, dumped, model=loss.model)
        with open(dumped, encoding="utf-8") as f:
            drawn = {node["label"]: node for node in json.load(f)["nodes"]}
        worst = 0.0
        for l, layer in enumerate(loss.model.layers, 1):
            for n, neuron in enumerate(layer.neurons, 1):
                for name, p in [("w%d" % i, w) for i, w in enumerate(neuron.w, 1)] + [("b", neuron.b)]:
                    worst = max(worst, abs(drawn["L%d N%d %s" % (l, n, name)]["grad"] - p.grad))
        print("the plate's 337 parameters: largest |grad - micrograd's| = %.3g (at most 1e-12: %s)"
              % (worst, "yes" if worst <= 1e-12 else "NO"))
        # The largest batch the bridge traces for a plate (mgviz._trace.PLATE_TRACE_LIMIT): the
        # demo's loss over as many points as fit, the 100 points again and again, each round
        # moved by a part in 10^9 so that no two examples are alike.
        limit = mgviz._trace.PLATE_TRACE_LIMIT
        count = (limit - 1018) // 648
        points = demo.points()
        model = nn.MLP(2, [16, 16, 1])
        for p, value in zip(model.parameters(), demo.starting_parameters()):
            p.data = value
        inputs = [[Value(x * (1 + 1e-9 * (k // 100))), Value(y)] for k, (x, y, _) in
                  ((k, points[k % 100]) for k in range(count))]
        losses = [(1 + -points[k % 100][2] * model(x)).relu() for k, x in enumerate(inputs)]
        total = sum(losses) * (1.0 / count) + 1e-4 * sum(p * p for p in model.parameters())
        total.backward()
        size = len(mgviz.dumps(total, model=model).encode("utf-8"))
        wall, cpu = medians(lambda: mgviz.draw(total, path, model=model), 1)
        print("%d points, the plate     %6d nodes (PLATE_TRACE_LIMIT %d), a dump of %.1f MB: wall %.2f s, cpu %.2f s"
              % (count, len(mgviz.trace(total)["nodes"]), limit, size / 1e6, wall, cpu))


if __name__ == "__main__":
    main()
