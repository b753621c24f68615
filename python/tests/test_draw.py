"""draw() and show() through the real mgviz binary ($MGVIZ), and their errors."""

import html
import json
import os
import random
import subprocess

import pytest
from micrograd import nn
from micrograd.engine import Value

import mgviz
import notebook


def softmax():
    namespace, _, _ = notebook.softmax_namespace()
    names = {"x%d" % k: logit for k, logit in enumerate(namespace["logits"])}
    names["loss"] = namespace["loss"]
    return namespace["loss"], names


def test_draw_writes_an_svg(mgviz_binary, tmp_path, monkeypatch):
    monkeypatch.setenv("MGVIZ", mgviz_binary)
    loss, names = softmax()
    out = tmp_path / "softmax.svg"
    returned = mgviz.draw(loss, out, names=names, title="softmax + nll", rankdir="TB", precision=6)
    assert returned == str(out)
    svg = out.read_text(encoding="utf-8")
    assert svg.startswith("<?xml") and "<svg" in svg and svg.rstrip().endswith("</svg>")
    for text in ("x0", "x3", "loss", "softmax + nll", "2.175515", "0.041773", "**&#45;1", "exp", "log"):
        assert text in svg, text
    # Nothing left beside it.
    assert os.listdir(tmp_path) == ["softmax.svg"]


def test_draw_passes_the_options_on(mgviz_binary, tmp_path, monkeypatch):
    monkeypatch.setenv("MGVIZ", mgviz_binary)
    a = Value(3.0)
    c = a * a + 1
    c.backward()
    assert a.grad == 6.0
    dot = tmp_path / "c.dot"
    mgviz.draw(c, dot, names={"a": a}, no_backward=True, color=None, check=False, rankdir="TB")
    text = dot.read_text(encoding="utf-8")
    assert "rankdir=TB" in text and 'label="{a|data 3.0000}"' in text
    assert "grad" not in text                                     # --no-backward: no grads
    assert text.count("n0 -> n1_op;") == 2                        # a * a: two edges
    mgviz.draw(c, dot, names={"a": a}, precision=2)
    text = dot.read_text(encoding="utf-8")
    assert "rankdir=LR" in text and 'label="{a|data 3.00|grad 6.00}"' in text
    as_json = tmp_path / "c.json"
    mgviz.draw(c, as_json, names={"a": a})
    assert as_json.read_text(encoding="utf-8").startswith('{"format": "mgviz-graph", "version": 1')


def test_mgviz_reads_the_document_back_byte_for_byte(mgviz_binary, tmp_path, monkeypatch):
    """mgviz validates a document whole and writes it again as it was given: its own dump
    of a traced graph is the bridge's, byte for byte."""
    monkeypatch.setenv("MGVIZ", mgviz_binary)
    loss, names = softmax()
    random.seed(7)
    model = nn.MLP(2, [4, 1])
    x = [Value(1.0), Value(-2.0)]
    out = model(x)
    out.backward()
    nan = Value(-0.5).relu() * Value(float("nan")) + Value(float("inf"))
    a = Value(3.0)
    cases = {
        "softmax": (loss, {"names": names, "title": "softmax + nll"}),
        "mlp": (out, {"parameters": model.parameters(), "names": {"x0": x[0], "x1": x[1]}}),
        "non-finite": (nan, {}),
        "a*a b+b": ((a * a) + (a * a) ** 2, {"names": {"a": a}}),
    }
    for name, (root, options) in cases.items():
        path = tmp_path / (name + ".json")
        mgviz.draw(root, path, **options)
        assert path.read_text(encoding="utf-8") == mgviz.dumps(root, **options), name


def test_a_collapsed_model_is_mgviz_own_collapsed_mlp(mgviz_binary, tmp_path, monkeypatch):
    """The same MLP drawn two ways, collapsed to neurons: micrograd's, traced with model=,
    and an mgviz spec's "mlp" with the same seed: the same nodes, data and grads."""
    monkeypatch.setenv("MGVIZ", mgviz_binary)
    spec = tmp_path / "mlp.json"
    spec.write_text('{"inputs": {"x1": 2.0, "x2": -1.0}, "mlp": {"sizes": [2, 4, 4, 1], "activation": "relu", '
                    '"seed": 7, "inputs": ["x1", "x2"], "outputs": ["y"]}, "define": ["loss = (y - 1.0)**2"]}')
    ours = tmp_path / "ours.json"
    subprocess.run([mgviz_binary, str(spec), "-o", str(ours), "--collapse", "neurons"], check=True)
    random.seed(7)
    model = nn.MLP(2, [4, 4, 1])
    x = [Value(2.0), Value(-1.0)]
    y = model(x)
    loss = (y - 1.0) ** 2
    loss.backward()
    traced = tmp_path / "traced.json"
    mgviz.draw(loss, traced, model=model, names={"x1": x[0], "x2": x[1], "y": y, "loss": loss}, collapse="neurons")

    def nodes(path):
        document = json.loads(path.read_text(encoding="utf-8"))
        return sorted((n["cluster"] or "", n["label"], n["op"], n["kind"], n["data"], n["grad"]) for n in document["nodes"])

    assert nodes(traced) == nodes(ours)
    assert len(nodes(ours)) == 2 + 4 + 4 + 1 + 3


def test_show_with_format_svg_returns_an_inline_svg(mgviz_binary, monkeypatch):
    monkeypatch.setenv("MGVIZ", mgviz_binary)
    loss, names = softmax()
    drawing = mgviz.show(loss, names=names, color="grad", format="svg")
    svg = drawing._repr_svg_()
    assert svg.startswith("<?xml") and "<svg" in svg and "x2" in svg
    assert str(drawing) == svg and "bytes of SVG" in repr(drawing)
    with pytest.raises(ValueError, match="draws the page \\(html\\) or SVG"):
        mgviz.show(loss, format="png")


def test_show_returns_the_page_in_an_iframe_with_the_svg(mgviz_binary, monkeypatch, tmp_path):
    monkeypatch.setenv("MGVIZ", mgviz_binary)
    loss, names = softmax()
    page = mgviz.show(loss, names=names, color="grad")
    assert isinstance(page, mgviz.Page)
    # The same page and SVG as draw() writes.
    mgviz.draw(loss, tmp_path / "softmax.html", names=names, color="grad")
    mgviz.draw(loss, tmp_path / "softmax.svg", names=names, color="grad")
    assert str(page) == (tmp_path / "softmax.html").read_text(encoding="utf-8")
    assert page.svg == (tmp_path / "softmax.svg").read_text(encoding="utf-8")
    bundle = page._repr_mimebundle_()
    assert sorted(bundle) == ["image/svg+xml", "text/html", "text/plain"] and bundle["image/svg+xml"] == page.svg
    frame = bundle["text/html"]
    assert frame.startswith('<iframe srcdoc="') and 'height: 640px' in frame and frame.endswith("></iframe>")
    # The srcdoc attribute holds the whole page, escaped: no quote ends it early.
    srcdoc = frame[len('<iframe srcdoc="'):frame.index('" style=')]
    assert '"' not in srcdoc and html.unescape(srcdoc) == str(page)
    assert "bytes of HTML" in repr(page)
    assert page.save(tmp_path / "again.html") == tmp_path / "again.html"
    assert (tmp_path / "again.html").read_text(encoding="utf-8") == str(page)


def test_a_missing_binary(tmp_path, monkeypatch):
    monkeypatch.setenv("MGVIZ", str(tmp_path / "no-such-mgviz"))
    a = Value(1.0)
    with pytest.raises(mgviz.MgvizNotFound) as caught:
        mgviz.draw(a * 2, tmp_path / "out.svg")
    assert isinstance(caught.value, FileNotFoundError)
    message = str(caught.value)
    assert "no-such-mgviz" in message and "scripts/install.sh" in message and "MGVIZ=/path/to/mgviz" in message
    # Without MGVIZ, PATH is searched.
    monkeypatch.delenv("MGVIZ")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(mgviz.MgvizNotFound, match="not on PATH"):
        mgviz.show(a * 2)
    assert os.listdir(tmp_path) == []


def test_a_failed_run_carries_mgviz_message(mgviz_binary, tmp_path, monkeypatch):
    monkeypatch.setenv("MGVIZ", mgviz_binary)
    a = Value(1.0)
    with pytest.raises(mgviz.MgvizFailed) as caught:
        mgviz.draw(a * 2, tmp_path / "out.svg", precision=99)
    error = caught.value
    assert isinstance(error, RuntimeError) and isinstance(error, mgviz.MgvizError)
    assert error.message == "mgviz: error: --precision must be from 0 to 17, got 99; see 'mgviz --help'"
    assert error.returncode == 64
    assert str(error) == "mgviz.draw: precision= must be from 0 to 17, got 99"
    assert error.command[1:] == ["-", "--output=%s" % (tmp_path / "out.svg"), "--precision=99"]
    assert os.listdir(tmp_path) == []


def test_the_output_is_the_path_argument(tmp_path):
    with pytest.raises(mgviz.MgvizTypeError, match="path argument"):
        mgviz.draw(Value(1.0), tmp_path / "a.svg", output="b.svg")


def test_a_crash_says_what_failed(tmp_path, monkeypatch):
    """A binary that dies of a signal: its first line, not the last of its backtrace."""
    crashing = tmp_path / "mgviz"
    crashing.write_text("#!/bin/sh\necho 'Fold.swift:47: Precondition failed: node 27 is in two folds' >&2\n"
                        "echo 'Backtrace took 0.2s' >&2\nkill -ILL $$\n", encoding="utf-8")
    crashing.chmod(0o755)
    monkeypatch.setenv("MGVIZ", str(crashing))
    with pytest.raises(mgviz.MgvizFailed) as caught:
        mgviz.draw(Value(1.0) * 2, tmp_path / "out.svg")
    assert caught.value.returncode == -4
    assert str(caught.value) == ("mgviz.draw: mgviz was ended by signal 4 (SIGILL): Fold.swift:47: Precondition "
                                 "failed: node 27 is in two folds")
    assert sorted(os.listdir(tmp_path)) == ["mgviz"]
