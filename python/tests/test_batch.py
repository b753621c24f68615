"""A model run on a batch: its calls found by their structure, in the PyPI micrograd, the
lecture's Value and EurekaLabs' micrograd; grouped and named as mgviz groups and names a
Swift model's calls (dump version 2), numbered in the order the loss adds the examples up;
the plate mgviz draws from it; and warnings for what the bridge cannot group."""

import hashlib
import json
import os
import random
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from micrograd import nn
from micrograd.engine import Value

import demo
import eureka
import lecture
import mgviz


def labelled(document):
    """Each label's nodes."""
    nodes = {}
    for node in document["nodes"]:
        nodes.setdefault(node["label"], []).append(node)
    return nodes


def one(document, label):
    [node] = labelled(document)[label]
    return node


def group_path(document, node):
    """The names of a node's groups, the innermost first."""
    groups = {group["id"]: group for group in document["groups"]}
    names, group = [], node["group"]
    while group is not None:
        names.append(groups[group]["name"])
        group = groups[group]["parent"]
    return names


def expected_groups(kind, sizes, calls):
    """(kind, name, number, parent's name) of each group mgviz makes for a model of these
    layer sizes that ran `calls` times: its layers and neurons, then each call's."""
    groups = []

    def layers(parent):
        for l, size in enumerate(sizes, 1):
            groups.append(("layer", "L%d" % l, l, parent))
            groups.extend(("neuron", "L%d N%d" % (l, n), n, "L%d" % l) for n in range(1, size + 1))

    layers(None)
    for k in range(calls):
        groups.append(("call", "%s(x[%d])" % (kind, k), k, None))
        layers("%s(x[%d])" % (kind, k))
    return groups


def groups_of(document):
    names = {group["id"]: group["name"] for group in document["groups"]}
    assert [group["id"] for group in document["groups"]] == ["g%d" % k for k in range(len(document["groups"]))]
    for k, group in enumerate(document["groups"]):
        assert group["parent"] is None or int(group["parent"][1:]) < k
    return [(g["kind"], g["name"], g["number"], names.get(g["parent"])) for g in document["groups"]]


def check_parameters(document, model, activation, last_activation=None):
    """Each parameter by its name, `L2 N5 w7`, with the engine's data and grad, in its
    neuron's group outside every call; and each call's neurons made of products and sums,
    and the activation (none in a linear last layer)."""
    for l, layer in enumerate(model.layers, 1):
        for n, neuron in enumerate(layer.neurons, 1):
            for name, p in [("w%d" % i, w) for i, w in enumerate(neuron.w, 1)] + [("b", neuron.b)]:
                node = one(document, "L%d N%d %s" % (l, n, name))
                assert (node["kind"], node["data"], node["grad"]) == ("parameter", p.data, p.grad)
                assert group_path(document, node) == ["L%d N%d" % (l, n), "L%d" % l]
    # Each neuron's pass in a call: a product and a sum per weight, and its activation.
    last = len(model.layers)
    for node in document["nodes"]:
        path = group_path(document, node)
        if len(path) == 3 and path[0].startswith("L%d " % last):
            assert node["op"] in ("*", "+", last_activation)
        elif len(path) == 3:
            assert node["op"] in ("*", "+", activation)


def forward(model, x, activation):
    """A model's outputs on the numbers x, computed here in floats, in micrograd's order:
    each neuron's b + w0*x0 + w1*x1 + ..., then its activation but in the last layer."""
    for l, layer in enumerate(model.layers):
        outputs = []
        for neuron in layer.neurons:
            act = neuron.b.data
            for w, xi in zip(neuron.w, x):
                act = act + w.data * xi
            outputs.append(act if l == len(model.layers) - 1 else activation(act))
        x = outputs
    return x


def relu(x):
    return 0 if x < 0 else x


def test_the_demo_batch_is_grouped_and_named_as_mgviz_does():
    loss = demo.Loss(Value, nn.MLP, count=100)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        document = mgviz.trace(loss.total, model=loss.model)
    assert document["version"] == 2 and len(document["nodes"]) == 65818
    assert list(document) == ["format", "version", "title", "output", "groups", "nodes", "edges"]
    assert groups_of(document) == expected_groups("MLP", [16, 16, 1], 100)
    check_parameters(document, loss.model, "ReLU")
    inside = {}
    for node in document["nodes"]:
        path = group_path(document, node)
        if path and path[-1].startswith("MLP("):
            inside[path[-1]] = inside.get(path[-1], 0) + 1
    # Each call: per neuron a product and a sum per weight, and a ReLU but in the last layer.
    assert inside == {"MLP(x[%d])" % k: 16 * 5 + 16 * 33 + 32 for k in range(100)}
    for k in range(100):
        x = [one(document, "x[%d][%d]" % (k, i)) for i in range(2)]
        assert [(n["kind"], n["data"], n["grad"]) for n in x] == [
            ("input", v.data, v.grad) for v in loss.inputs[k]]
        assert [n["group"] for n in x] == [None, None]
        score = one(document, "score[%d]" % k)
        assert (score["data"], score["grad"]) == (loss.scores[k].data, loss.scores[k].grad)
        assert group_path(document, score) == ["L3 N1", "L3", "MLP(x[%d])" % k]
        # The score named k is what the inputs named k give, computed here.
        assert forward(loss.model, [n["data"] for n in x], relu) == [score["data"]]
    # Nothing else is named.
    names = {label for label in labelled(document) if label}
    assert len(names) == 337 + 100 * 3


def described(document):
    """Each node as label, op, kind, its groups' names (innermost first) and data, and each
    edge between two such, as multisets; and the grads of the nodes so described."""
    path = {}
    for group in document.get("groups", []):
        path[group["id"]] = group["name"] + ("/" + path[group["parent"]] if group["parent"] else "")
    member = "group" if document["version"] == 2 else "cluster"
    nodes = {n["id"]: (n["label"], n["op"], n["kind"], path.get(n[member], n[member] or ""), n["data"])
             for n in document["nodes"]}
    grads = {}
    for n in document["nodes"]:
        grads.setdefault(nodes[n["id"]], []).append(n["grad"])
    edges = sorted((nodes[e["from"]], nodes[e["to"]]) for e in document["edges"])
    return sorted(nodes.values()), edges, {key: sorted(values) for key, values in grads.items()}


def test_the_demo_is_the_one_mgviz_builds(repo, mgviz_binary, tmp_path):
    """The demo's loss traced from micrograd, and mgviz's own dump of the same loss built in
    Swift from samples/moons_batch.json: the same nodes, groups, names, kinds, data and
    edges, and grads equal to 1e-12 (backward adds them up in another order)."""
    ours = demo.Loss(Value, nn.MLP, count=100)
    # The spec names its three losses.
    names = {"data_loss": ours.data_loss, "reg_loss": ours.reg_loss, "total_loss": ours.total}
    document = mgviz.trace(ours.total, model=ours.model, names=names)
    dumped = tmp_path / "spec.json"
    subprocess.run([mgviz_binary, str(repo / "samples" / "moons_batch.json"), "--batch", "all", "-o", str(dumped)],
                   check=True, capture_output=True)
    theirs = json.loads(dumped.read_text(encoding="utf-8"))
    assert groups_of(document) == groups_of(theirs)
    (nodes, edges, grads), (their_nodes, their_edges, their_grads) = described(document), described(theirs)
    assert len(nodes) == 65818 and nodes == their_nodes and edges == their_edges
    for key, values in grads.items():
        assert all(abs(a - b) <= 1e-12 for a, b in zip(values, their_grads[key])), key


def test_one_call_is_the_one_mgviz_builds(repo, mgviz_binary, tmp_path):
    """The demo's model on one point, traced, and mgviz's own dump of samples/moons_point.json
    (the same model, point and hinge loss as a spec): version 1, the same nodes, clusters,
    names, kinds, data and edges, and grads to 1e-12."""
    sample = repo / "samples" / "moons_point.json"
    spec = json.loads(sample.read_text(encoding="utf-8"))
    model = nn.MLP(2, [16, 16, 1])
    for p, value in zip(model.parameters(), spec["mlp"]["parameters"]):
        p.data = value
    x = [Value(spec["inputs"]["x"]), Value(spec["inputs"]["y"])]
    loss = (1 + -(-1.0) * model(x)).relu()
    loss.backward()
    document = mgviz.trace(loss, model=model, names={"x": x[0], "y": x[1], "loss": loss})
    dumped = tmp_path / "point.json"
    subprocess.run([mgviz_binary, str(sample), "-o", str(dumped)], check=True, capture_output=True)
    theirs = json.loads(dumped.read_text(encoding="utf-8"))
    assert document["version"] == theirs["version"] == 1
    (nodes, edges, grads), (their_nodes, their_edges, their_grads) = described(document), described(theirs)
    assert len(nodes) == 984 and nodes == their_nodes and edges == their_edges
    for key, values in grads.items():
        assert all(abs(a - b) <= 1e-12 for a, b in zip(values, their_grads[key])), key


def test_examples_are_numbered_as_the_loss_adds_them_up():
    loss = demo.Loss(Value, nn.MLP, count=5, sizes=(3, 1), parameters=[0.5, -1.0, 0.25] * 3 + [1.0, 0.5, -0.5, 0.25],
                     order=[3, 0, 4, 1, 2])
    document = mgviz.trace(loss.total, model=loss.model)
    for k, point in enumerate(loss.order):
        assert one(document, "x[%d][0]" % k)["data"] == loss.inputs[point][0].data
        assert one(document, "score[%d]" % k)["data"] == loss.scores[point].data
    # A loss that adds them up in no chain: by where their outputs are in the document.
    random.seed(3)
    model = nn.MLP(2, [2, 1])
    x = [[Value(1.0), Value(2.0)], [Value(-1.0), Value(0.5)], [Value(3.0), Value(-2.0)], [Value(0.0), Value(1.0)]]
    scores = [model(xi) for xi in x]
    total = (scores[2] * scores[0]) * (scores[3] * scores[1])
    total.backward()
    document = mgviz.trace(total, model=model)
    listed = [node["label"] for node in document["nodes"] if node["label"].startswith("score")]
    assert listed == ["score[0]", "score[1]", "score[2]", "score[3]"]
    assert sorted(one(document, "score[%d]" % k)["data"] for k in range(4)) == sorted(s.data for s in scores)
    for k in range(4):
        x = [one(document, "x[%d][%d]" % (k, i))["data"] for i in range(2)]
        assert forward(model, x, relu) == [one(document, "score[%d]" % k)["data"]]


def test_the_lecture_batch():
    """The lecture's MLP(3, [4, 4, 1]), tanh throughout, on its four inputs given as plain
    numbers (each product makes its own Value of one), and its squared-error loss."""
    random.seed(42)
    model = lecture.MLP(3, [4, 4, 1])
    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    ys = [1.0, -1.0, -1.0, 1.0]
    ypred = [model(x) for x in xs]
    loss = sum((yout - ygt) ** 2 for ygt, yout in zip(ys, ypred))
    loss.backward()
    document = mgviz.trace(loss, model=model)
    assert groups_of(document) == expected_groups("MLP", [4, 4, 1], 4)
    check_parameters(document, model, "tanh", "tanh")
    nodes = labelled(document)
    for k, x in enumerate(xs):
        for i, xi in enumerate(x):
            # One Value per neuron of the first layer, each the number given.
            assert [(n["kind"], n["data"]) for n in nodes["x[%d][%d]" % (k, i)]] == [("input", xi)] * 4
        score = one(document, "score[%d]" % k)
        assert (score["data"], score["grad"]) == (ypred[k].data, ypred[k].grad)
        assert score["op"] == "tanh" and group_path(document, score) == ["L3 N1", "L3", "MLP(x[%d])" % k]
        assert score["data"] == forward_tanh(model, x)


def forward_tanh(model, x):
    """The lecture MLP's output on the numbers x, tanh in every layer, as its Value computes tanh."""
    for layer in model.layers:
        outputs = []
        for neuron in layer.neurons:
            act = neuron.b.data
            for w, xi in zip(neuron.w, x):
                act = act + w.data * xi
            outputs.append(lecture.Value(act).tanh().data)
        x = outputs
    return x[0]


def test_the_eurekalabs_batch():
    """EurekaLabs' micrograd: a tuple _prev, an MLP(2, [8, 3]) whose last layer is linear and
    returns a list, points given as plain numbers, cross-entropy summed in a loop."""
    model = eureka.MLP(2, [8, 3])
    split = [((0.25, -0.5), 0), ((-0.75, 0.5), 2), ((0.5, 0.5), 1), ((-0.25, -0.75), 0), ((0.0, 1.0), 2)]
    logits = [model(x) for x, _ in split]
    loss = eureka.loss_fun(model, split)
    loss.backward()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        document = mgviz.trace(loss, model=model)
    assert groups_of(document) == expected_groups("MLP", [8, 3], 5)
    check_parameters(document, model, "tanh")
    nodes = labelled(document)
    for k, (x, _) in enumerate(split):
        for i, xi in enumerate(x):
            assert [(n["kind"], n["data"]) for n in nodes["x[%d][%d]" % (k, i)]] == [("input", xi)] * 8
        # Three outputs: score[k][j], the logits loss_fun computed again (the same numbers).
        scores = [one(document, "score[%d][%d]" % (k, j)) for j in range(3)]
        assert [s["data"] for s in scores] == [v.data for v in logits[k]]
        assert [group_path(document, s) for s in scores] == [
            ["L2 N%d" % j, "L2", "MLP(x[%d])" % k] for j in (1, 2, 3)]
        assert [s["data"] for s in scores] == forward(model, x, eureka.math.tanh)


def test_one_call_is_version_1_with_its_names():
    random.seed(5)
    model = nn.MLP(2, [3, 2])
    x = [Value(1.0), Value(-2.0)]
    out = model(x)
    loss = (out[0] - 1) ** 2 + out[1] ** 2
    loss.backward()
    document = mgviz.trace(loss, model=model)
    assert document["version"] == 1 and "groups" not in document
    nodes = labelled(document)
    assert [(nodes["x[%d]" % i][0]["kind"], nodes["x[%d]" % i][0]["data"]) for i in range(2)] == [
        ("input", 1.0), ("input", -2.0)]
    assert [nodes["score[%d]" % j][0]["data"] for j in range(2)] == [out[0].data, out[1].data]
    assert nodes["score[1]"][0]["cluster"] == "L2 N2" and nodes["L1 N3 b"][0]["cluster"] == "L1 N3"
    # The parameters come first, in the model's order.
    assert [n["label"] for n in document["nodes"][:9]] == ["L1 N1 w1", "L1 N1 w2", "L1 N1 b", "L1 N2 w1",
                                                            "L1 N2 w2", "L1 N2 b", "L1 N3 w1", "L1 N3 w2", "L1 N3 b"]
    # A name given, or a label of the Value's own, wins over the model's.
    named = mgviz.trace(loss, model=model, names={"first": x[0], "y": out[1]})
    assert [n["label"] for n in named["nodes"]] == [
        {"x[0]": "first", "score[1]": "y"}.get(n["label"], n["label"]) for n in document["nodes"]]
    v = lecture.Value(3.0, label="a")
    neuron = lecture.Neuron(2)
    out = neuron([v, lecture.Value(1.0)])
    labels = [n["label"] for n in mgviz.trace(out, model=neuron)["nodes"]]
    assert "a" in labels and "x[1]" in labels and "x[0]" not in labels and "score" in labels


# The plate mgviz draws from the traced batch.

def small_batch(count=6):
    """The demo's loss on a few points with a smaller model, seeded."""
    random.seed(11)
    parameters = [random.uniform(-1, 1) for _ in range(4 * 3 + 4 * 5 + 5)]
    return demo.Loss(Value, nn.MLP, count=count, sizes=(4, 4, 1), parameters=parameters)


def test_the_demo_plate(mgviz_binary, tmp_path, monkeypatch):
    monkeypatch.setenv("MGVIZ", mgviz_binary)
    loss = demo.Loss(Value, nn.MLP, count=100)
    svg = tmp_path / "loss.svg"
    mgviz.draw(loss.total, svg, model=loss.model)
    text = svg.read_text(encoding="utf-8")
    for words in ("× 100 examples, showing x[0]", "Σ over 100 examples", "score[0]", "L2 N5 w7"):
        assert words in text, words
    assert "score[1]" not in text
    # The parameters' grads in the plate's dump are micrograd's.
    dumped = tmp_path / "loss.json"
    mgviz.draw(loss.total, dumped, model=loss.model)
    document = json.loads(dumped.read_text(encoding="utf-8"))
    assert document["plate"]["examples"] == 100 and document["plate"]["shown"] == 0
    nodes = labelled(document)
    for l, layer in enumerate(loss.model.layers, 1):
        for n, neuron in enumerate(layer.neurons, 1):
            for name, p in [("w%d" % i, w) for i, w in enumerate(neuron.w, 1)] + [("b", neuron.b)]:
                [node] = nodes["L%d N%d %s" % (l, n, name)]
                assert abs(node["grad"] - p.grad) <= 1e-12 and node["data"] == p.data


def test_draw_passes_the_batch_options(mgviz_binary, tmp_path, monkeypatch):
    monkeypatch.setenv("MGVIZ", mgviz_binary)
    loss = small_batch()
    out = tmp_path / "out.json"

    def drawn(**options):
        mgviz.draw(loss.total, out, model=loss.model, **options)
        return json.loads(out.read_text(encoding="utf-8"))

    plate = drawn(example=3)["plate"]
    assert (plate["examples"], plate["shown"]) == (6, 3)
    [member] = [m for m, labels in plate["labels"].items() if labels[0] == "score[0]"]
    column = plate["members"].index(member)
    assert [row[column] for row in plate["data"]] == [s.data for s in loss.scores]
    # All the calls, each one node with its score.
    calls = [n for n in drawn(batch="all", collapse="calls")["nodes"] if n["label"].startswith("MLP(x[")]
    assert [(n["label"], n["data"]) for n in calls] == [("MLP(x[%d])" % k, s.data) for k, s in enumerate(loss.scores)]
    whole = drawn(batch="all")
    assert "plate" not in whole and len(whole["nodes"]) == len(mgviz.trace(loss.total)["nodes"])
    # Each collapse level of the plate.
    neurons = drawn(collapse="neurons")["nodes"]
    assert sum(1 for n in neurons if n["op"] in ("ReLU(Σwx+b)", "Σwx+b")) == 4 + 4 + 1
    layers = [n["label"] for n in drawn(collapse="layers")["nodes"] if n["label"].startswith("L")]
    assert layers == ["L1: 4 neurons, ReLU", "L2: 4 neurons, ReLU", "L3: 1 neuron, linear"]
    [call] = [n for n in drawn(collapse="calls", example=2)["nodes"] if n["label"].startswith("MLP(")]
    assert (call["label"], call["data"]) == ("MLP(x[2])", loss.scores[2].data)
    svg = tmp_path / "plate.svg"
    mgviz.draw(loss.total, svg, model=loss.model, example=5, collapse="neurons")
    assert "× 6 examples, showing x[5]" in svg.read_text(encoding="utf-8")
    with pytest.raises(mgviz.MgvizFailed, match=r"^mgviz.draw: example=6: the batch has 6 examples, 0 to 5$"):
        mgviz.draw(loss.total, svg, model=loss.model, example=6)


def test_a_batch_is_refused_by_its_plate_size(mgviz_binary, tmp_path, monkeypatch):
    """A batch drawn as a plate is not refused for the whole graph's size: mgviz checks the
    plate's. Drawn whole, it is refused while it is traced."""
    monkeypatch.setenv("MGVIZ", mgviz_binary)
    loss = small_batch()
    total_nodes = len(mgviz.trace(loss.total)["nodes"])
    dumped = tmp_path / "plate.json"
    mgviz.draw(loss.total, dumped, model=loss.model)
    plate_nodes = len(json.loads(dumped.read_text(encoding="utf-8"))["nodes"])
    assert plate_nodes < total_nodes
    svg = tmp_path / "plate.svg"
    mgviz.draw(loss.total, svg, model=loss.model, max_nodes=plate_nodes)
    assert "× 6 examples" in svg.read_text(encoding="utf-8")
    svg.unlink()
    with pytest.raises(mgviz.MgvizValueError, match=r"more than max_nodes=%d nodes, too many for an svg layout"
                       % plate_nodes):
        mgviz.draw(loss.total, svg, model=loss.model, max_nodes=plate_nodes, batch="all")
    # A plate too big for the limit mgviz draws with its neurons collapsed, and refuses past that.
    with pytest.raises(mgviz.MgvizFailed, match=r"^mgviz.draw: the graph has \d+ nodes, more than max_nodes=5 allows"):
        mgviz.draw(loss.total, svg, model=loss.model, max_nodes=5)
    # A batch is traced whole up to a limit of its own.
    monkeypatch.setattr(mgviz._trace, "PLATE_TRACE_LIMIT", total_nodes - 1)
    with pytest.raises(mgviz.MgvizValueError) as caught:
        mgviz.draw(loss.total, svg, model=loss.model, max_nodes=plate_nodes)
    assert str(caught.value).startswith(
        "mgviz.draw: the graph has more than %s nodes, more than the bridge traces for an svg layout of a batch's "
        "plate, whose size mgviz checks against max_nodes=%d; draw it to a .dot or .json path instead"
        % ("{:,}".format(total_nodes - 1), plate_nodes))
    assert os.listdir(tmp_path) == ["plate.json"]


# What the bridge cannot group.

def test_passes_outside_the_calls_are_ungrouped_with_a_warning():
    random.seed(1)
    model = nn.MLP(2, [3, 1])
    xs = [[Value(1.0), Value(2.0)], [Value(3.0), Value(-4.0)]]
    # The first layer run again on the first input, outside a call of the model.
    total = sum(model(x) for x in xs) + sum(model.layers[0](xs[0]))
    with pytest.warns(UserWarning) as caught:
        document = mgviz.trace(total, model=model)
    assert [str(w.message) for w in caught] == [
        "mgviz.trace: MLP ran twice on the way to the root, but 3 passes of its neurons (L1 N1, L1 N2 and L1 N3) "
        "are part of no call of it (fed other inputs than the layer below's outputs, or feeding no call's next "
        "layer): those are drawn ungrouped"]
    assert {w.filename for w in caught} == {__file__}
    assert groups_of(document) == expected_groups("MLP", [3, 1], 2)
    ungrouped = [n for n in document["nodes"] if n["group"] is None and n["op"] == "ReLU"]
    assert len(ungrouped) == 3


def test_calls_of_another_shape_are_said():
    random.seed(2)
    model = nn.MLP(2, [3, 2])
    xs = [[Value(1.0), Value(2.0)], [Value(3.0), Value(-4.0)], [Value(0.5), Value(0.5)]]
    total = model(xs[0])[0] + model(xs[1])[0] + model(xs[2])[1]
    with pytest.warns(UserWarning, match=r"^mgviz.trace: MLP ran 3 times on the way to the root, but in 1 of its calls "
                      r"other outputs reach the root than in the rest: mgviz draws every call, with no plate$") as caught:
        document = mgviz.trace(total, model=model)
    assert {w.filename for w in caught} == {__file__}
    assert [g["name"] for g in document["groups"] if g["kind"] == "call"] == ["MLP(x[0])", "MLP(x[1])", "MLP(x[2])"]
    assert {n["label"] for n in document["nodes"] if n["label"].startswith("score")} == {
        "score[0][0]", "score[1][0]", "score[2][1]"}


# The same program, the same bytes.

# micrograd's backward adds up a grad in an order that follows its sets, which changes from
# run to run, and with it the grad's last bits: these batches are not backpropagated (the
# salted graphs of test_determinism.py are, in creation order).
SCRIPT = """
import sys
sys.path.insert(0, %r)
from micrograd.engine import Value
from micrograd import nn
import demo, eureka, mgviz
loss = demo.Loss(Value, nn.MLP, count=20, backward=None)
model = eureka.MLP(2, [8, 3])
split = [((0.25, -0.5), 0), ((-0.75, 0.5), 2), ((0.5, 0.5), 1)]
sys.stdout.write(mgviz.dumps(loss.total, model=loss.model) + mgviz.dumps(eureka.loss_fun(model, split), model=model))
"""


def test_a_batch_dump_is_the_same_across_runs_and_hash_seeds(tmp_path):
    script = tmp_path / "batch.py"
    script.write_text(SCRIPT % str(Path(demo.__file__).parent), encoding="utf-8")
    outputs = set()
    for seed in ("0", "1", "4242"):
        env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONDONTWRITEBYTECODE="1")
        result = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, cwd=str(tmp_path))
        assert result.returncode == 0, result.stderr.decode()
        outputs.add(result.stdout)
    assert len(outputs) == 1
    [text] = outputs
    assert text.count(b'"version": 2') == 2 and text.count(b'"kind": "call"') == 23
