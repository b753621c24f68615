"""trace() on the PyPI micrograd and the lecture's Value: operand uses, deep chains, an
MLP, kinds and names, numbers, and the layout of mgviz's own dump."""

import json
import math
import random
import subprocess
import sys

import pytest
from micrograd import nn
from micrograd.engine import Value

import lecture
import mgviz


def edges_of(document):
    return [(edge["from"], edge["to"]) for edge in document["edges"]]


def check_topological(document):
    """Ids by position, every edge from an earlier node to a later one, the output last."""
    nodes = document["nodes"]
    assert [node["id"] for node in nodes] == ["n%d" % k for k in range(len(nodes))]
    for source, target in edges_of(document):
        assert int(source[1:]) < int(target[1:])
    assert document["output"] == nodes[-1]["id"]
    # Edges come grouped by result, in node order.
    targets = [int(target[1:]) for _, target in edges_of(document)]
    assert targets == sorted(targets)


def micrograd_counts(root):
    """An independent walk of micrograd's graph: nodes by identity, and one edge per operand
    use (2 for every + and *, even when the set holds a single child)."""
    seen = {id(root): root}
    stack = [root]
    edges = 0
    while stack:
        value = stack.pop()
        edges += 2 if value._op in ("+", "*") else len(value._prev)
        for child in value._prev:
            if id(child) not in seen:
                seen[id(child)] = child
                stack.append(child)
    return len(seen), edges


def test_a_times_a_then_b_plus_b_has_four_edges():
    a = Value(3.0)
    b = a * a
    c = b + b
    c.backward()
    assert (len(b._prev), len(c._prev)) == (1, 1)    # micrograd's sets hold one child each
    assert a.grad == 12.0                            # c = 2a², dc/da = 4a
    assert b.grad == 2
    document = mgviz.trace(c, names={"a": a})
    assert [(n["label"], n["op"], n["kind"], n["data"], n["grad"]) for n in document["nodes"]] == [
        ("a", "", "input", 3.0, 12.0), ("", "*", "op", 9.0, 2.0), ("", "+", "op", 18.0, 1.0)]
    assert edges_of(document) == [("n0", "n1"), ("n0", "n1"), ("n1", "n2"), ("n1", "n2")]
    check_topological(document)
    # Unnamed, the leaf of the PyPI package (no labels) is a constant.
    assert mgviz.trace(c)["nodes"][0]["kind"] == "constant"


def test_a_deep_chain_traces_without_recursion():
    depth = 100000
    x = first = Value(1.5)
    for _ in range(depth):
        x = x.relu()
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)        # a recursive walk would fail long before the end
    try:
        document = mgviz.trace(x, names={"x": first})
    finally:
        sys.setrecursionlimit(limit)
    assert len(document["nodes"]) == depth + 1
    assert len(document["edges"]) == depth
    assert document["nodes"][0]["label"] == "x" and document["nodes"][0]["data"] == 1.5
    assert document["nodes"][-1]["op"] == "ReLU" and document["output"] == "n100000"
    assert edges_of(document)[:2] == [("n0", "n1"), ("n1", "n2")]
    check_topological(document)


def test_a_deep_chain_of_sums_with_their_constants():
    depth = 100000
    x = Value(0.0)
    for _ in range(depth):
        x = x + 1
    document = mgviz.trace(x)
    assert x.data == 100000
    assert len(document["nodes"]) == 2 * depth + 1         # each + brings its constant 1
    assert len(document["edges"]) == 2 * depth
    assert document["nodes"][-1]["data"] == 100000.0
    # The running sum is the taller operand, so it comes first (lhs), the constant second.
    assert [(n["op"], n["kind"], n["data"]) for n in document["nodes"][:5]] == [
        ("", "constant", 0.0), ("", "constant", 1.0), ("+", "op", 1.0), ("", "constant", 1.0), ("+", "op", 2.0)]
    assert edges_of(document)[:4] == [("n0", "n2"), ("n1", "n2"), ("n2", "n4"), ("n3", "n4")]
    check_topological(document)


def test_an_mlp_on_one_point():
    random.seed(1337)
    model = nn.MLP(2, [16, 16, 1])
    x = [Value(2.0), Value(-1.0)]
    out = model(x)
    loss = (out - 1) ** 2
    loss.backward()
    parameters = model.parameters()
    assert len(parameters) == 3 * 16 + 17 * 16 + 17 == 337
    document = mgviz.trace(loss, names={"x0": x[0], "x1": x[1]}, parameters=parameters)
    nodes, edges = micrograd_counts(loss)
    assert (len(document["nodes"]), len(document["edges"])) == (nodes, edges)
    kinds = [node["kind"] for node in document["nodes"]]
    assert kinds.count("parameter") == 337
    assert kinds.count("input") == 2
    assert kinds.count("constant") == nodes - kinds.count("op") - 337 - 2
    # Parameters keep their data and grads (as a multiset: the document holds no identity).
    traced = sorted((n["data"], n["grad"]) for n in document["nodes"] if n["kind"] == "parameter")
    assert traced == sorted((float(p.data), float(p.grad)) for p in parameters)
    assert document["nodes"][-1]["op"] == "**2" and document["nodes"][-1]["grad"] == 1.0
    assert {node["op"] for node in document["nodes"]} == {"", "+", "*", "ReLU", "**2"}
    check_topological(document)


def test_a_model_makes_its_neurons_clusters():
    """Each neuron of a model that ran once: its weights and bias, a product and a sum per
    weight, and its ReLU (none for the linear last layer); model= also marks and names the
    parameters, and lists them first, in the model's order."""
    random.seed(1337)
    model = nn.MLP(2, [16, 16, 1])
    x = [Value(2.0), Value(-1.0)]
    loss = (model(x) - 1) ** 2
    total = loss + 1e-4 * sum(p * p for p in model.parameters())
    total.backward()
    document = mgviz.trace(total, model=model, names={"x0": x[0], "x1": x[1]})
    clusters = {}
    for node in document["nodes"]:
        clusters.setdefault(node["cluster"], []).append(node)
    expected = {"L1 N%d" % n: 2 + 1 + 2 * 2 + 1 for n in range(1, 17)}
    expected.update({"L2 N%d" % n: 16 + 1 + 2 * 16 + 1 for n in range(1, 17)})
    expected["L3 N1"] = 16 + 1 + 2 * 16
    assert {name: len(nodes) for name, nodes in clusters.items() if name} == expected
    kinds = [node["kind"] for node in document["nodes"]]
    assert kinds.count("parameter") == 337
    assert [n["op"] for n in clusters["L2 N5"]].count("ReLU") == 1 and clusters["L2 N5"][-1]["op"] == "ReLU"
    assert "ReLU" not in [n["op"] for n in clusters["L3 N1"]] and clusters["L3 N1"][-1]["op"] == "+"
    assert clusters["L3 N1"][-1]["label"] == "score" and clusters["L3 N1"][-1]["data"] == model(x).data
    # The regularisation's products and the loss are outside every neuron.
    outside = clusters[None]
    assert sum(1 for n in outside if n["op"] == "*" and n["kind"] == "op") == 337 + 1
    names = [("L%d N%d " % (l, n)) + ("w%d" % i if i <= size else "b")
             for l, (size, count) in enumerate([(2, 16), (16, 16), (16, 1)], 1)
             for n in range(1, count + 1) for i in range(1, size + 2)]
    assert [node["label"] for node in document["nodes"][:337]] == names
    assert [(node["data"], node["grad"]) for node in document["nodes"][:337]] == [
        (p.data, p.grad) for p in model.parameters()]
    # Past the parameters, the model changes only names: the order is the one without it.
    plain = mgviz.trace(total, parameters=model.parameters(), names={"x0": x[0], "x1": x[1]})
    rest = [node for node in plain["nodes"] if node["kind"] != "parameter"]
    assert [(n["op"], n["kind"], n["data"], n["grad"]) for n in document["nodes"][337:]] == [
        (n["op"], n["kind"], n["data"], n["grad"]) for n in rest]
    assert len(document["edges"]) == len(plain["edges"])


def test_the_lecture_mlp_is_clustered_with_its_tanh():
    random.seed(42)
    model = lecture.MLP(3, [4, 4, 1])
    out = model([lecture.Value(2.0), lecture.Value(3.0), lecture.Value(-1.0)])
    out.backward()
    document = mgviz.trace(out, model=model)
    last = {}
    for node in document["nodes"]:
        if node["cluster"]:
            last[node["cluster"]] = node["op"]
    assert last == {name: "tanh" for name in ["L1 N1", "L1 N2", "L1 N3", "L1 N4", "L2 N1", "L2 N2", "L2 N3", "L2 N4", "L3 N1"]}
    assert document["nodes"][-1]["cluster"] == "L3 N1"
    assert [node["kind"] for node in document["nodes"]].count("parameter") == 4 * 4 + 4 * 5 + 5


def test_a_neuron_of_another_shape_is_in_no_group_and_said():
    class BiasLast:   # sum(w * x) + b: a common way to write the lecture's neuron
        def __init__(self):
            self.w, self.b = [Value(1.0), Value(2.0)], Value(0.5)

        def __call__(self, x):
            return sum(wi * xi for wi, xi in zip(self.w, x)) + self.b
    neuron = BiasLast()
    with pytest.warns(UserWarning, match=r"^mgviz.trace: the root uses L1 N1, but not as micrograd's Neuron computes "
                      r"\(b \+ w0\*x0 \+ w1\*x1 \+ \.\.\., then its activation\), so it is in no group$") as caught:
        document = mgviz.trace(neuron([Value(1.0), Value(1.0)]) + neuron([Value(2.0), Value(1.0)]), model=neuron)
    assert document["version"] == 1 and all(node["cluster"] is None for node in document["nodes"])
    # The warning is at the user's line, whichever of the bridge's functions was called, so
    # that Python shows it once per line of theirs.
    with pytest.warns(UserWarning) as caught_in_dump:
        mgviz.dumps(neuron([Value(1.0), Value(1.0)]), model=neuron)
    assert {w.filename for w in list(caught) + list(caught_in_dump)} == {__file__}
    # A regularisation alone uses the weights (w * w) without running the neurons: no warning.
    random.seed(2)
    model = nn.MLP(2, [2, 1])
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mgviz.trace(sum(p * p for p in model.parameters()), model=model)


def test_a_model_must_have_neurons():
    from types import SimpleNamespace as Object
    for bad, why in [
        (object(), "this object has no w and b"),
        (list(range(1000)), "this list has no w and b"),
        (Object(layers=None), "cannot be read: 'NoneType' object is not iterable"),
        (Object(layers="abc"), "has a layer without neurons"),
        (Object(layers=[]), "has no neurons"),
        (Object(neurons=[]), "has no neurons"),
        (Object(layers=[Object(neurons=[nn.Neuron(1)]), Object(neurons=[])]), "has a layer without neurons"),
        (Object(w=[1.0], b=Value(1.0)), "has a weight or bias that is not a Value: float"),
    ]:
        with pytest.raises(TypeError, match="^mgviz.trace: model must be a micrograd MLP, Layer or Neuron .*" + why):
            mgviz.trace(Value(1.0), model=bad)
    neuron = nn.Neuron(2)
    out = neuron([Value(1.0), Value(2.0)])
    document = mgviz.trace(out, model=neuron)
    assert {node["cluster"] for node in document["nodes"]} == {"L1 N1", None}


def test_the_lecture_neuron():
    V = lecture.Value
    x1, x2 = V(2.0, label='x1'), V(0.0, label='x2')
    w1, w2 = V(-3.0, label='w1'), V(1.0, label='w2')
    b = V(6.8813735870195432, label='b')
    x1w1 = x1*w1; x1w1.label = 'x1*w1'
    x2w2 = x2*w2; x2w2.label = 'x2*w2'
    x1w1x2w2 = x1w1 + x2w2; x1w1x2w2.label = 'x1*w1 + x2*w2'
    n = x1w1x2w2 + b; n.label = 'n'
    e = (2*n).exp(); e.label = 'e'
    o = (e - 1) / (e + 1); o.label = 'o'
    o.backward()
    document = mgviz.trace(o, title="the lecture's neuron")
    nodes = {node["label"]: node for node in document["nodes"] if node["label"]}
    assert nodes["o"]["data"] == o.data and abs(o.data - 0.7071067811865476) < 1e-12
    assert {k: nodes[k]["kind"] for k in ("x1", "x2", "w1", "w2", "b", "n", "o")} == {
        "x1": "input", "x2": "input", "w1": "input", "w2": "input", "b": "input", "n": "op", "o": "op"}
    assert [nodes[k]["grad"] for k in ("x1", "w1", "x2", "w2")] == [x1.grad, w1.grad, x2.grad, w2.grad]
    assert abs(nodes["x1"]["grad"] - -1.5) < 1e-6 and abs(nodes["w1"]["grad"] - 1.0) < 1e-6
    # The constants of 2*n, e - 1, e + 1 and **-1's operand: unlabelled leaves.
    constants = sorted(n["data"] for n in document["nodes"] if n["kind"] == "constant")
    assert constants == [-1.0, 1.0, 2.0]
    assert {node["op"] for node in document["nodes"]} == {"", "+", "*", "exp", "**-1"}
    assert document["title"] == "the lecture's neuron"
    check_topological(document)
    # The lecture's tanh op, spelled as micrograd spells it.
    t = n.tanh()
    assert mgviz.trace(t)["nodes"][-1]["op"] == "tanh"


def test_names_label_any_node_and_parameters_mark_leaves():
    a, b = Value(2.0), Value(-3.0)
    c = a * b
    d = c.relu()
    document = mgviz.trace(d, names={"a": a, "product": c, "unreached": Value(5.0)}, parameters=[b, c])
    shape = {(n["label"], n["op"], n["kind"]) for n in document["nodes"]}
    assert shape == {("a", "", "input"), ("", "", "parameter"), ("product", "*", "op"), ("", "ReLU", "op")}
    # A label of the Value's own is replaced by the name given.
    v = lecture.Value(1.0, label="old")
    assert mgviz.trace(v * 2, names={"new": v})["nodes"][0]["label"] == "new"
    with pytest.raises(ValueError, match="named both"):
        mgviz.trace(d, names={"a": a, "b": a})
    with pytest.raises(TypeError, match="not a micrograd Value"):
        mgviz.trace(3.0)
    with pytest.raises(TypeError, match="title"):
        mgviz.trace(d, title=3)


def test_numbers():
    a = Value(2)                   # an int: written 2.0
    nan = Value(float("nan"))
    inf = Value(float("inf"))
    total = (a + nan) * (inf + Value(-float("inf")) * Value(1e-300))
    total.grad = None              # a class without grads yet: null
    document = mgviz.trace(total, names={"a": a, "nan": nan, "inf": inf})
    by_label = {n["label"]: n for n in document["nodes"] if n["label"]}
    assert by_label["a"]["data"] == 2.0 and isinstance(by_label["a"]["data"], float)
    assert by_label["nan"]["data"] == "NaN" and by_label["inf"]["data"] == "Infinity"
    assert document["nodes"][-1]["grad"] is None
    text = mgviz.document_text(document)
    assert '"label": "a", "op": "", "kind": "input", "data": 2.0, "grad": 0.0,' in text
    assert '"data": "NaN"' in text and '"data": "-Infinity"' in text and '"data": 1e-300' in text
    assert '"grad": null, "cluster": null}],' in text
    assert json.loads(text) == document
    assert mgviz.trace(Value(0.1) * 3)["nodes"][-1]["data"] == 0.30000000000000004


def test_labels_are_escaped_as_json():
    v = lecture.Value(1.0, label='say "hi"\n\\ é')
    text = mgviz.dumps(v * 2, title="tab\there")
    assert '"label": "say \\"hi\\"\\n\\\\ é"' in text
    assert '"title": "tab\\there"' in text
    assert json.loads(text)["nodes"][0]["label"] == 'say "hi"\n\\ é'


def test_a_tuple_prev_keeps_its_order():
    class Node:
        def __init__(self, data, prev=(), op="", label=""):
            self.data, self.grad, self._prev, self._op, self.label = data, 0.0, tuple(prev), op, label

    a, b = Node(1.0, label="a"), Node(2.0, label="b")
    a_minus_b = Node(-1.0, (a, b), "+")
    b_minus_a = Node(1.0, (b, a), "+")
    assert [n["label"] for n in mgviz.trace(a_minus_b)["nodes"]] == ["a", "b", ""]
    assert [n["label"] for n in mgviz.trace(b_minus_a)["nodes"]] == ["b", "a", ""]
    twice = Node(2.0, (a, a), "+")
    assert edges_of(mgviz.trace(twice)) == [("n0", "n1"), ("n0", "n1")]


def test_dump_writes_the_text(tmp_path):
    a = Value(3.0)
    c = a * a + 1
    path = tmp_path / "graph.json"
    mgviz.dump(c, path, names={"a": a}, title="a² + 1")
    data = path.read_bytes()
    assert data == mgviz.dumps(c, names={"a": a}, title="a² + 1").encode("utf-8")
    assert data.endswith(b"]}\n") and "a² + 1".encode("utf-8") in data
    assert data.startswith(b'{"format": "mgviz-graph", "version": 1, "title": "a\xc2\xb2 + 1", "output": "n3",\n "nodes": [\n  {"id": "n0"')


@pytest.mark.parametrize("sample", ["softmax", "neuron", "nan", "mlp_lecture", "derivatives", "moons_point"])
def test_the_layout_is_mgviz_own(sample, repo, mgviz_binary, tmp_path):
    """mgviz's own dump of each sample, read and written again by document_text, comes out
    byte for byte: the same keys, spacing, escaping and numbers."""
    out = tmp_path / (sample + ".json")
    subprocess.run([mgviz_binary, str(repo / "samples" / (sample + ".json")), "-o", str(out)],
                   check=True, capture_output=True)
    text = out.read_text(encoding="utf-8")
    assert mgviz.document_text(json.loads(text)) == text
