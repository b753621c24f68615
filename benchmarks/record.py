#!/usr/bin/env python3
"""mgviz.Recorder's cost on micrograd's demo (issue 27): MLP(2, [16, 16, 1]) from the shared
starting weights on the 100 moons points, hinge loss and L2 1e-4, trained by the PyPI
micrograd (0.1.0). Prints the median of `--steps` training steps (forward, zero_grad,
backward, update), the median of `rec.record(loss)` at a step that keeps no graph (337
parameters' data and grad), their ratio against the 5% target, and, once, what a step that
keeps the whole graph (65,818 nodes) and saving the run cost.

Usage: /tmp/mgviz-python-venv/bin/python benchmarks/record.py [--steps 7]
"""
import argparse
import os
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TARGET = 0.05


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=7)
    args = parser.parse_args()
    sys.dont_write_bytecode = True
    sys.path.insert(0, os.path.join(ROOT, "python"))
    sys.path.insert(0, os.path.join(ROOT, "python", "tests"))
    os.environ.setdefault("MGVIZ_REPO", ROOT)
    import mgviz
    from micrograd import nn
    from micrograd.engine import Value

    import demo

    model = demo.Loss(Value, nn.MLP, count=100, backward=None).model
    rows = demo.points()
    recorder = mgviz.Recorder(model=model)
    training, recording, first = [], [], None
    for k in range(args.steps + 1):
        start = time.perf_counter()
        scores = [model([Value(x), Value(y)]) for x, y, _ in rows]
        losses = [(1 + -label * score).relu() for (_, _, label), score in zip(rows, scores)]
        loss = sum(losses) * (1.0 / len(losses)) + 1e-4 * sum((p * p for p in model.parameters()))
        model.zero_grad()
        loss.backward()
        middle = time.perf_counter()
        # After backward, before the update, as the Recorder is used.
        recorder.record(loss)
        recorded = time.perf_counter()
        for p in model.parameters():
            p.data -= (1.0 - 0.9 * k / 100) * p.grad
        training.append(time.perf_counter() - recorded + middle - start)
        if k == 0:
            first = recorded - middle
        else:
            recording.append(recorded - middle)
    with tempfile.TemporaryDirectory(prefix="mgviz-bench-record-") as folder:
        start = time.perf_counter()
        recorder.save(os.path.join(folder, "run.mgviz-run"))
        saving = time.perf_counter() - start
        size = os.path.getsize(os.path.join(folder, "run.mgviz-run"))
    step, record = statistics.median(training), statistics.median(recording)
    print("training step (PyPI micrograd, demo, 100 points): median %.3f s of %d" % (step, len(training)))
    print("rec.record(loss), no graph kept: median %.1f µs, %.4f%% of a step (target %.0f%%: ratio %.4f)"
          % (record * 1e6, 100 * record / step, 100 * TARGET, record / step / TARGET))
    print("first step, whole graph kept: %.3f s; save with the last graph: %.3f s, %s bytes" % (first, saving, format(size, ",")))


if __name__ == "__main__":
    main()
