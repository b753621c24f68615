"""diff() through the real mgviz binary ($MGVIZ): a graph compared with an earlier one."""

import json
import os

import pytest
from micrograd import nn
from micrograd.engine import Value

import mgviz


def neuron_loss(model, x, target):
    """A neuron's squared error on one example, backpropagated."""
    model.zero_grad()
    loss = (model([Value(v) for v in x]) + -target) ** 2
    loss.backward()
    return loss


def test_a_training_step_changes_the_numbers_not_the_graph(mgviz_binary, tmp_path, monkeypatch):
    """One step of SGD on one neuron: the same graph, other numbers. The document of the
    graph before the step is taken before the step, which changes the parameters in place."""
    monkeypatch.setenv("MGVIZ", mgviz_binary)
    model = nn.Neuron(2, nonlin=False)
    model.w[0].data, model.w[1].data, model.b.data = 0.5, -0.25, 0.1
    before_loss = neuron_loss(model, [1.0, 2.0], 1.0)
    before = mgviz.dumps(before_loss, model=model)
    for p in model.parameters():
        p.data -= 0.1 * p.grad
    after_loss = neuron_loss(model, [1.0, 2.0], 1.0)
    out = tmp_path / "step.json"
    difference = mgviz.diff(before, after_loss, out, model=model)
    assert difference.differs and bool(difference)
    # b + w0*x0 + w1*x1 - 1, squared: 3 parameters, 2 inputs, 2 products, 2 sums, the
    # constant -1, its sum and the square: 12 nodes each, each matched.
    assert difference.counts["nodesInA"] == difference.counts["nodesInB"] == difference.counts["matched"] == 12
    assert difference.counts["added"] == difference.counts["removed"] == 0
    assert difference.summary[0].startswith("nodes: A 12, B 12; matched 12")
    summary = json.loads(out.read_text(encoding="utf-8"))["difference"]["summary"]
    assert summary["output"]["data"] == [before_loss.data, after_loss.data]
    assert os.listdir(tmp_path) == ["step.json"]


def test_the_same_graph_twice_does_not_differ(mgviz_binary, tmp_path, monkeypatch):
    monkeypatch.setenv("MGVIZ", mgviz_binary)
    a, b = Value(2.0), Value(-3.0)
    loss = a * b + 1
    loss.backward()
    difference = mgviz.diff(loss, loss, tmp_path / "same.svg", names={"a": a, "b": b})
    assert not difference.differs and difference.counts["changed"] == 0
    assert difference.summary[-1] == "no difference beyond --tolerance 1e-05"
    assert "<svg" in (tmp_path / "same.svg").read_text(encoding="utf-8")


def test_an_added_term_is_only_in_b(mgviz_binary, tmp_path, monkeypatch):
    """a*b + c against a*b + c + c*c: c*c and the last sum are B's alone; the output is
    rewired, its data 7 → 16 (c = 3)."""
    monkeypatch.setenv("MGVIZ", mgviz_binary)
    a, b, c = Value(2.0), Value(2.0), Value(3.0)
    small = a * b + c
    large = a * b + c + c * c
    names = {"a": a, "b": b, "c": c}
    out = tmp_path / "d.json"
    difference = mgviz.diff(small, large, out, names=names, only_changed=True, depth=0)
    assert difference.counts["added"] == 2 and difference.counts["removed"] == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["difference"]["summary"]["output"]["data"] == [7.0, 16.0]
    assert document["focus"]["center"] is None


def test_errors_name_the_root(mgviz_binary, tmp_path, monkeypatch):
    monkeypatch.setenv("MGVIZ", mgviz_binary)
    loss = Value(2.0) * 3
    with pytest.raises(mgviz.MgvizFailed) as failure:
        mgviz.diff(loss, '{"format": "mgviz-graph", "version": 1}', tmp_path / "d.svg")
    assert str(failure.value).startswith("mgviz.diff: root_b: missing required key")
    assert os.listdir(tmp_path) == []
    with pytest.raises(mgviz.MgvizTypeError):
        mgviz.diff(loss, loss, tmp_path / "d.svg", colour="grad")
