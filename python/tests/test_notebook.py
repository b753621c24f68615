"""Section 2 of the exercises notebook (softmax + negative log likelihood), run with the
notebook's own Value class, read from the notebook at test time."""

import json

import mgviz
import notebook

LOSS = 2.1755153626167147
GRADS = [0.041772570515350445, 0.8390245074625319, 0.005653302662216329, -0.8864503806400986]


def traced():
    namespace, printed, recorded = notebook.softmax_namespace()
    logits, loss = namespace["logits"], namespace["loss"]
    names = {"x%d" % k: logit for k, logit in enumerate(logits)}
    names["loss"] = loss
    document = mgviz.trace(loss, names=names, title="softmax + negative log likelihood")
    return namespace, printed, recorded, document


def test_the_notebook_cell_prints_what_the_notebook_recorded():
    namespace, printed, recorded, _ = traced()
    assert printed == recorded
    assert printed.splitlines()[0] == "2.1755153626167147"
    assert namespace["loss"].data == LOSS
    assert [logit.grad for logit in namespace["logits"]] == GRADS
    # The class is the notebook's: its Values have labels, '' by default.
    assert type(namespace["loss"]).__module__ != "micrograd.engine"
    assert namespace["logits"][0].label == ""


def test_the_document_holds_the_loss_and_the_grads():
    _, _, _, document = traced()
    nodes = {node["label"]: node for node in document["nodes"] if node["label"]}
    assert nodes["loss"]["data"] == LOSS and nodes["loss"]["grad"] == 1.0
    assert [nodes["x%d" % k]["grad"] for k in range(4)] == GRADS
    assert [nodes["x%d" % k]["data"] for k in range(4)] == [0.0, 3.0, -2.0, 1.0]
    assert document["output"] == nodes["loss"]["id"] == "n17"
    text = mgviz.document_text(document)
    assert '{"id": "n0", "label": "x0", "op": "", "kind": "input", "data": 0.0, ' \
           '"grad": 0.041772570515350445, "cluster": null}' in text
    assert '"label": "loss", "op": "*", "kind": "op", "data": 2.1755153626167147, "grad": 1.0' in text
    assert json.loads(text) == document


def test_the_document_structure():
    _, _, _, document = traced()
    assert list(document) == ["format", "version", "title", "output", "nodes", "edges"]
    assert document["format"] == "mgviz-graph" and document["version"] == 1
    shape = [(node["label"], node["op"], node["kind"]) for node in document["nodes"]]
    # Depth-first from the loss, the taller operand first: sum() starts from the constant 0,
    # a / b is a * b**-1 and -x is x * -1, all in the notebook's Value.
    assert shape == [
        ("x0", "", "input"), ("", "exp", "op"), ("", "", "constant"), ("", "+", "op"),
        ("x1", "", "input"), ("", "exp", "op"), ("", "+", "op"),
        ("x2", "", "input"), ("", "exp", "op"), ("", "+", "op"),
        ("x3", "", "input"), ("", "exp", "op"), ("", "+", "op"),
        ("", "**-1", "op"), ("", "*", "op"), ("", "log", "op"), ("", "", "constant"),
        ("loss", "*", "op"),
    ]
    assert [node["id"] for node in document["nodes"]] == ["n%d" % k for k in range(18)]
    edges = [(edge["from"], edge["to"]) for edge in document["edges"]]
    assert edges == [
        ("n0", "n1"), ("n1", "n3"), ("n2", "n3"), ("n4", "n5"), ("n3", "n6"), ("n5", "n6"),
        ("n7", "n8"), ("n6", "n9"), ("n8", "n9"), ("n10", "n11"), ("n9", "n12"), ("n11", "n12"),
        ("n12", "n13"), ("n13", "n14"), ("n11", "n14"), ("n14", "n15"), ("n15", "n17"), ("n16", "n17"),
    ]
    data = [node["data"] for node in document["nodes"]]
    assert data[2] == 0.0 and data[16] == -1.0       # the constants of sum() and of -x
    assert data[12] == 23.939154034883327            # the softmax's denominator
    assert data[14] == 0.11354961935990122           # probs[3]
    assert all(node["cluster"] is None for node in document["nodes"])
