"""The bridge takes any name or value as given, refuses malformed Values with one MgvizError
that says where they are, and speaks Python: keywords for mgviz's options, no temporary
file in any message, and a graph too big for a layout refused while it is traced."""

import os
import subprocess
import tempfile

import pytest
from micrograd.engine import Value

import lecture
import mgviz


def chain(length):
    """A ReLU chain over a + whose operand is used twice: length + 2 nodes."""
    a = Value(1.0)
    x = a + a
    for _ in range(length):
        x = x.relu()
    return x


def small():
    """loss = p + 1 with p = x * y, and its leaves: the Values the malformed cases spoil."""
    x, y = Value(2.0), Value(3.0)
    p = x * y
    loss = p + Value(1.0)
    loss.backward()
    return loss, p, x


def trace_error(loss):
    with pytest.raises(mgviz.MgvizError) as caught:
        mgviz.trace(loss, names={"loss": loss})
    return caught.value


# Names and values: each one argument, --name=value.

@pytest.mark.parametrize("name", ["-x.svg", "a b=c.svg", "--output=y.svg"])
def test_any_output_name_is_written(name, mgviz_binary, tmp_path, monkeypatch):
    """The file is the one a plain name gets, byte for byte."""
    monkeypatch.setenv("MGVIZ", mgviz_binary)
    plain = tmp_path / "plain.svg"
    mgviz.draw(chain(3), plain)
    (tmp_path / "named").mkdir()
    monkeypatch.chdir(tmp_path / "named")
    assert mgviz.draw(chain(3), name) == name
    assert os.listdir(".") == [name]
    svg = (tmp_path / "named" / name).read_bytes()
    assert svg.startswith(b"<?xml") and svg == plain.read_bytes()


def test_a_path_of_a_dash_is_a_file(mgviz_binary, tmp_path, monkeypatch):
    monkeypatch.setenv("MGVIZ", mgviz_binary)
    monkeypatch.chdir(tmp_path)
    mgviz.draw(chain(1), "-", format="dot")
    assert os.listdir(tmp_path) == ["-"]
    assert (tmp_path / "-").read_text(encoding="utf-8").startswith("digraph")


def test_an_option_value_that_looks_like_an_option(mgviz_binary, tmp_path, monkeypatch):
    monkeypatch.setenv("MGVIZ", mgviz_binary)
    V = lecture.Value
    dash, spaced = V(2.0, label="-o"), V(3.0, label="a b=c")
    far = V(5.0, label="far")
    root = (dash * spaced + far).exp()
    # Labels that mgviz would take for an option, or split, are values like any other.
    for name in ("-o", "a b=c"):
        out = tmp_path / "focus.json"
        mgviz.draw(root, out, focus=name, depth=1)
        document = out.read_text(encoding="utf-8")
        assert '"label": "%s"' % name in document and '"label": "far"' not in document
    # A focus on no node is mgviz's error, in Python's terms.
    with pytest.raises(mgviz.MgvizFailed) as caught:
        mgviz.draw(root, tmp_path / "focus.svg", focus="-x")
    assert str(caught.value) == "mgviz.draw: focus=\"-x\": no node is labelled '-x' or has that id; did you mean '-o'?"
    assert caught.value.returncode == 64
    assert caught.value.message == ("mgviz: error: <stdin>: --focus: no node is labelled '-x' or has that id; "
                                    "did you mean '-o'?")
    assert sorted(os.listdir(tmp_path)) == ["focus.json"]


# Malformed Values: one MgvizError each, also a TypeError or ValueError, naming the node.

def test_a_prev_of_none():
    loss, p, _ = small()
    p._prev = None
    error = trace_error(loss)
    assert type(error) is mgviz.MgvizTypeError and isinstance(error, TypeError)
    assert str(error) == ("mgviz.trace: at loss -> the * node: _prev is None, not a collection of operand "
                          "Values (a set, tuple or list)")
    assert error.node is p and error.path == "loss -> the * node"


def test_a_prev_of_numbers():
    loss, p, _ = small()
    p._prev = [1, 2]
    error = trace_error(loss)
    assert type(error) is mgviz.MgvizTypeError and isinstance(error, TypeError)
    assert str(error) == ("mgviz.trace: at loss -> the * node: operand 1 is 1 (an int), not a micrograd "
                          "Value (it has no data and _prev)")
    assert error.node is p


@pytest.mark.parametrize("field", ["data", "grad"])
def test_text_is_not_a_number(field):
    for text in ("1e400", "2.0"):
        loss, p, x = small()
        p._prev = (x, Value(3.0))     # in order: x is operand 1
        setattr(x, field, text)
        error = trace_error(loss)
        assert type(error) is mgviz.MgvizTypeError and isinstance(error, TypeError)
        assert str(error) == ("mgviz.trace: at loss -> the * node -> a leaf (operand 1): %s is the str '%s', "
                              "not a number (text is not read as one)" % (field, text))
        assert error.node is x and error.path == "loss -> the * node -> a leaf (operand 1)"


@pytest.mark.parametrize("field", ["data", "grad"])
def test_an_int_beyond_a_float(field):
    loss, p, x = small()
    x.label = "x"                   # a label of its own names the node
    setattr(x, field, 10 ** 400)
    error = trace_error(loss)
    assert type(error) is mgviz.MgvizValueError and isinstance(error, ValueError)
    assert not isinstance(error, TypeError)
    assert str(error) == ("mgviz.trace: at loss -> the * node -> x: %s is an int of 1,329 bits, beyond a "
                          "float's range (about ±1.8e308)" % field)


def test_other_things_that_are_no_numbers():
    for data, error_type, problem in [
            (None, mgviz.MgvizTypeError, "data is None, not a number"),
            (1 + 2j, mgviz.MgvizTypeError, "data is (1+2j) (a complex), not a number"),
            (b"2", mgviz.MgvizTypeError, "data is the bytes b'2', not a number (text is not read as one)"),
            (10 ** 5000, mgviz.MgvizValueError, "data is an int of 16,610 bits, beyond a float's range"),
            (-10 ** 400, mgviz.MgvizValueError, "data is an int of 1,329 bits, beyond a float's range")]:
        loss, p, x = small()
        x.data = data
        error = trace_error(loss)
        assert type(error) is error_type
        assert str(error).startswith("mgviz.trace: at loss -> the * node -> a leaf: " + problem)


@pytest.mark.parametrize("field", ["data", "grad"])
def test_nan_and_infinities_are_values(field, mgviz_binary, tmp_path, monkeypatch):
    monkeypatch.setenv("MGVIZ", mgviz_binary)
    loss, p, x = small()
    setattr(x, field, float("nan"))
    setattr(p, field, float("-inf"))
    nodes = {n["label"]: n for n in mgviz.trace(loss, names={"x": x, "p": p})["nodes"]}
    assert nodes["x"][field] == "NaN" and nodes["p"][field] == "-Infinity"
    out = tmp_path / "nan.svg"
    mgviz.draw(loss, out, names={"x": x, "p": p})
    assert "NaN" in out.read_text(encoding="utf-8")


def test_a_bool_is_the_int_it_is():
    loss, p, x = small()
    x.data, x.grad = True, False
    nodes = {n["label"]: n for n in mgviz.trace(loss, names={"x": x})["nodes"]}
    assert (nodes["x"]["data"], nodes["x"]["grad"]) == (1.0, 0.0)


def test_a_long_path_is_shortened():
    x = Value(1.0)
    total = x
    for _ in range(1000):
        total = total + 1
    x.data = "1"
    error = trace_error(total)
    assert str(error).startswith("mgviz.trace: at loss -> the + node -> (996 more nodes) -> the + node -> "
                                 "the + node -> a leaf: data is the str '1'")


# Messages in Python's terms.

def test_no_temporary_file_in_a_message(mgviz_binary, tmp_path, monkeypatch, capsys):
    """These named the dump's temporary file (/tmp/mgviz-*/graph.json) before."""
    monkeypatch.setenv("MGVIZ", mgviz_binary)
    failures = []
    for options in ({"focus": "nope"}, {"collapse": "neurons", "max_nodes": 10}):
        with pytest.raises(mgviz.MgvizFailed) as caught:
            mgviz.draw(chain(30), tmp_path / "out.svg", **options)
        failures.append(caught.value)
    # A warning, on a drawing that succeeds.
    mgviz.draw(chain(3), tmp_path / "out.svg", collapse="neurons")
    warning = capsys.readouterr().err
    assert warning == ('mgviz.draw: warning: collapse="neurons" has nothing to collapse: the graph has no model '
                       'neurons (a spec\'s "mlp" or "batch", a Swift model\'s calls, or a dump\'s groups)\n')
    for text in [str(error) for error in failures] + [warning]:
        for leak in ("graph.json", "<stdin>", tempfile.gettempdir(), "mgviz --help", "--"):
            assert leak not in text, (leak, text)


def test_mgviz_messages_name_keywords(mgviz_binary, tmp_path, monkeypatch):
    monkeypatch.setenv("MGVIZ", mgviz_binary)
    cases = [
        # collapse= keeps the bridge from refusing early: mgviz counts, and refuses.
        ({"collapse": "neurons", "max_nodes": 10}, 65,
         "mgviz.draw: the graph has 32 nodes, more than max_nodes=10 allows for a svg layout (Graphviz slows "
         "down on big graphs); draw a part with focus=NAME, depth=K, write .dot or .json instead, or raise max_nodes="),
        ({"focus": "nope"}, 64, "mgviz.draw: focus=\"nope\": no node is labelled 'nope' or has that id"),
        ({"depth": 3}, 64, "mgviz.draw: depth= goes with focus=NAME"),
        ({"explain": True, "no_backward": True}, 64, "mgviz.draw: explain=True replays backward: drop no_backward=True"),
        ({"theme": "auto", "format": "png"}, 64,
         "mgviz.draw: theme=\"auto\" follows the reader's light or dark preference, which only SVG (and HTML) "
         "can; png takes theme=\"light\" or \"dark\""),
        ({"format": "bmp"}, 64,
         "mgviz.draw: The value 'bmp' is invalid for format=. Please provide one of the following: svg, png, "
         "pdf, dot, json, html, txt"),
    ]
    for options, status, text in cases:
        with pytest.raises(mgviz.MgvizFailed) as caught:
            mgviz.draw(chain(30), tmp_path / "out.svg", **options)
        assert (caught.value.returncode, str(caught.value)) == (status, text), options
        assert caught.value.message.startswith("mgviz: error: ") and "--" in caught.value.message
    with pytest.raises(mgviz.MgvizFailed) as caught:
        mgviz.draw(chain(1), tmp_path / "out.bmp")
    assert str(caught.value) == ("mgviz.draw: cannot tell the format of '%s' from its extension; use .svg, .png, "
                                 ".pdf, .dot, .json or .html, or format=" % (tmp_path / "out.bmp"))
    assert os.listdir(tmp_path) == []


def test_keywords_the_bridge_refuses(tmp_path, monkeypatch):
    """Checked before anything runs: MGVIZ names no binary here."""
    monkeypatch.setenv("MGVIZ", str(tmp_path / "no-mgviz"))
    root = chain(1)
    for options, error_type, text in [
        ({"colour": "grad"}, mgviz.MgvizTypeError,
         "mgviz.draw() got an unexpected keyword argument 'colour'; did you mean 'color'?"),
        ({"no_backward": "yes"}, mgviz.MgvizTypeError, "mgviz.draw: no_backward= is True or False, not the str 'yes'"),
        ({"precision": True}, mgviz.MgvizTypeError, "mgviz.draw: precision= takes a value, not True"),
        ({"out_dir": "x"}, mgviz.MgvizTypeError,
         "mgviz.draw: out_dir= is not an option here: draw() writes the one file its path argument names"),
        ({"input_format": "mg"}, mgviz.MgvizTypeError,
         "mgviz.draw: input_format= is not an option here: mgviz reads the traced graph, which is JSON"),
        ({"max_nodes": "10"}, mgviz.MgvizTypeError, "mgviz.draw: max_nodes= must be an int, not the str '10'"),
        ({"max_nodes": 0}, mgviz.MgvizValueError, "mgviz.draw: max_nodes= must be positive, got 0"),
        ({"focus": "a\0b"}, mgviz.MgvizValueError, "mgviz.draw: focus= holds a NUL character, which a command line cannot"),
    ]:
        with pytest.raises(error_type) as caught:
            mgviz.draw(root, tmp_path / "out.svg", **options)
        assert str(caught.value) == text
    assert os.listdir(tmp_path) == []


# A graph too big to lay out is refused while it is traced.

def test_a_big_sum_is_refused_before_mgviz_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("MGVIZ", "/bin/true")     # found, and never run
    ran = []
    monkeypatch.setattr(subprocess, "run", lambda *args, **kwargs: ran.append(args))
    total = sum(Value(float(i)) for i in range(100000))    # 200,001 nodes
    assert len(total._prev) == 2 and total.data == 4999950000.0
    for path, options, limit in [("big.svg", {}, 10000), ("big.json", {"format": "png"}, 10000),
                                 ("big.html", {"max_nodes": 50000}, 50000)]:
        with pytest.raises(mgviz.MgvizValueError) as caught:
            mgviz.draw(total, tmp_path / path, **options)
        assert str(caught.value).startswith("mgviz.draw: the graph has more than max_nodes=%d nodes, too many for " % limit)
        assert "raise max_nodes=" in str(caught.value) and "focus=NAME, depth=K" in str(caught.value)
        assert (caught.value.max_nodes, caught.value.format) == (limit, path[4:] if not options.get("format") else "png")
    with pytest.raises(mgviz.MgvizValueError, match=r"^mgviz.show: the graph has more than max_nodes=10000 nodes"):
        mgviz.show(total)
    assert ran == [] and os.listdir(tmp_path) == []


def test_the_limit_is_for_layouts_of_the_whole_graph(mgviz_binary, tmp_path, monkeypatch):
    monkeypatch.setenv("MGVIZ", mgviz_binary)
    root = chain(30)           # 32 nodes
    mgviz.draw(root, tmp_path / "whole.dot", max_nodes=10)
    mgviz.draw(root, tmp_path / "whole.json", max_nodes=10)
    mgviz.draw(root, tmp_path / "part.svg", max_nodes=10, focus="n31", depth=2)
    assert sorted(os.listdir(tmp_path)) == ["part.svg", "whole.dot", "whole.json"]
    with pytest.raises(mgviz.MgvizValueError, match="more than max_nodes=10 nodes, too many for a png layout"):
        mgviz.draw(root, tmp_path / "whole.PNG", max_nodes=10)
    mgviz.draw(root, tmp_path / "fits.svg", max_nodes=32)
    assert "fits.svg" in os.listdir(tmp_path)


def test_the_exception_family():
    assert issubclass(mgviz.MgvizFailed, RuntimeError) and issubclass(mgviz.MgvizNotFound, FileNotFoundError)
    for cls in (mgviz.MgvizTypeError, mgviz.MgvizValueError, mgviz.MgvizFailed, mgviz.MgvizNotFound):
        assert issubclass(cls, mgviz.MgvizError)
    # What trace() refused before as a TypeError or ValueError, it still does, in the family.
    with pytest.raises(mgviz.MgvizTypeError, match="not a micrograd Value"):
        mgviz.trace(3.0)
    a = Value(1.0)
    with pytest.raises(mgviz.MgvizValueError, match="named both"):
        mgviz.trace(a * 2, names={"a": a, "b": a})
