"""mgviz.Recorder with the PyPI micrograd, and its runs drawn by the real mgviz binary ($MGVIZ)."""

import json
import math
import os
import random

import pytest
from micrograd import nn
from micrograd.engine import Value

import mgviz


def train(rec, steps, lr=0.05, seed=1):
    """MLP(2, [3, 1]) on two points, squared error, SGD; returns what each step held, taken
    beside the recorder, and the model."""
    random.seed(seed)
    model = nn.MLP(2, [3, 1])
    if rec is None:
        rec = mgviz.Recorder(model=model, full_every=3)
    seen = []
    for _ in range(steps):
        loss = sum(((model([Value(a) for a in x]) - y) ** 2 for x, y in [([1.0, 2.0], 1.0), ([-1.0, 0.5], -1.0)]), Value(0.0))
        model.zero_grad()
        loss.backward()
        rec.record(loss)
        seen.append((loss.data, [p.data for p in model.parameters()], [p.grad for p in model.parameters()]))
        for p in model.parameters():
            p.data -= lr * p.grad
    return rec, seen, model


def test_a_saved_run_has_every_step(tmp_path):
    rec, seen, model = train(None, 7)
    path = rec.save(tmp_path / "run.mgviz-run")
    run = json.loads((tmp_path / "run.mgviz-run").read_text(encoding="utf-8"))
    assert run["format"] == "mgviz-run" and run["version"] == 1
    assert [p["name"] for p in run["parameters"]][:3] == ["L1 N1 w1", "L1 N1 w2", "L1 N1 b"]
    assert [p["nonlinear"] for p in run["parameters"]] == [True] * 9 + [False] * 4
    assert [(s["loss"], s["data"], s["grad"]) for s in run["steps"]] == seen
    # The first step, every third and the last keep the graph; one structure for all.
    assert [k for k, s in enumerate(run["steps"]) if s["graph"]] == [0, 3, 6]
    assert len(run["structures"]) == 1
    last = run["steps"][6]["graph"]
    nodes = run["structures"][0]["nodes"]
    output = [n["id"] for n in nodes].index(run["structures"][0]["output"])
    assert last["data"][output] == seen[6][0]
    # The parameters as step 7 saw them, not as the update after it left them.
    w = [n["label"] for n in nodes].index("L1 N1 w1")
    assert (last["data"][w], last["grad"][w]) == (seen[6][1][0], seen[6][2][0])
    assert model.parameters()[0].data != seen[6][1][0]
    assert str(path).endswith("run.mgviz-run") and os.listdir(tmp_path) == ["run.mgviz-run"]


def test_draw_prints_the_alarms(mgviz_binary, tmp_path, monkeypatch, capfd):
    """A learning rate of 3 makes the grads explode; the alarms are mgviz's lines, in
    Recorder.draw()'s words, and the page is written."""
    monkeypatch.setenv("MGVIZ", mgviz_binary)
    random.seed(1)
    rec, seen, _ = train(None, 12, lr=3.0)
    rec.draw(tmp_path / "run.html")
    err = capfd.readouterr().err
    assert "alarm: step" in err and ("exploded" in err or "not finite" in err)
    assert "<svg" in (tmp_path / "run.html").read_text(encoding="utf-8")
    rec.draw(tmp_path / "first.svg", step=1)
    with pytest.raises(mgviz.MgvizFailed) as failure:
        rec.draw(tmp_path / "two.svg", step=2)
    assert "--step 2: the run has steps 1 to 12" in str(failure.value) or "step=2" in str(failure.value)
    assert sorted(os.listdir(tmp_path)) == ["first.svg", "run.html"]


def test_recorder_refuses_what_it_cannot_record():
    with pytest.raises(mgviz.MgvizTypeError):
        mgviz.Recorder()
    with pytest.raises(mgviz.MgvizValueError):
        mgviz.Recorder(parameters=[Value(1.0)], full_every=0)
    with pytest.raises(mgviz.MgvizValueError):
        mgviz.Recorder(parameters=[Value(1.0)]).save("never-written.mgviz-run")
