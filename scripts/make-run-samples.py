#!/usr/bin/env python3
"""Makes the training-run samples (issue 27, docs/timeline.md) with the PyPI micrograd and
mgviz.Recorder: micrograd's demo, MLP(2, [16, 16, 1]) from the shared starting weights, hinge
loss and L2 1e-4, trained by SGD for 100 steps on the first POINTS moons points (default 100,
the demo's; each run is then about 16 MB, two whole graphs of 65,818 nodes), into FOLDER:

- demo_run.mgviz-run: the demo's learning rate, 1.0 - 0.9 k / 100 at step k; units of its
  hidden layers die as it trains (the dead-unit alarm);
- demo_run_lr_high.mgviz-run: a learning rate of LR_HIGH, whose grads explode.

Prints each run's final loss and the alarms mgviz finds. Deterministic: the same bytes each run.
Usage: /tmp/mgviz-python-venv/bin/python scripts/make-run-samples.py MGVIZ FOLDER [POINTS]
"""
import os
import subprocess
import sys
import warnings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The learning rate that makes the demo's grads explode at its second step.
LR_HIGH = 100.0


def main():
    sys.dont_write_bytecode = True
    sys.path.insert(0, os.path.join(ROOT, "python"))
    sys.path.insert(0, os.path.join(ROOT, "python", "tests"))
    os.environ.setdefault("MGVIZ_REPO", ROOT)
    import mgviz
    from micrograd import nn
    from micrograd.engine import Value

    import demo

    binary, folder = os.path.abspath(sys.argv[1]), sys.argv[2]
    points = int(sys.argv[3]) if len(sys.argv) > 3 else 100
    for name, rate, title in [
        ("demo_run", lambda k: 1.0 - 0.9 * k / 100, "micrograd's demo, %d moons points, 100 steps of SGD" % points),
        ("demo_run_lr_high", lambda k: LR_HIGH, "micrograd's demo, %d moons points, learning rate %g: it explodes" % (points, LR_HIGH)),
    ]:
        # The demo's model with the shared starting weights; each step's loss is built on it.
        model = demo.Loss(Value, nn.MLP, count=points, backward=None).model
        recorder = mgviz.Recorder(model=model, title=title)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for k in range(100):
                loss = _loss(demo, Value, model, points)
                model.zero_grad()
                loss.backward()
                recorder.record(loss)
                for p in model.parameters():
                    p.data -= rate(k) * p.grad
        path = os.path.join(folder, name + ".mgviz-run")
        recorder.save(path)
        result = subprocess.run([binary, path, "-o", "-", "--format", "dot"], capture_output=True, text=True)
        alarms = [line for line in result.stderr.splitlines() if "alarm:" in line]
        print("%s: final loss %r, %d bytes; %d alarms" % (name, loss.data, os.path.getsize(path), len(alarms)))
        for line in alarms:
            print("  " + line.split("alarm: ", 1)[1])


def _loss(demo, Value, model, points):
    """The demo's loss (python/tests/demo.py's) on `model`, whose parameters the recorder holds."""
    rows = demo.points()[:points]
    scores = [model([Value(x), Value(y)]) for x, y, _ in rows]
    losses = [(1 + -label * score).relu() for (_, _, label), score in zip(rows, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = 1e-4 * sum((p * p for p in model.parameters()))
    return data_loss + reg_loss


if __name__ == "__main__":
    main()
