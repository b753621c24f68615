"""Training timelines: a Recorder keeps, at each step, the loss and every parameter's data
and grad, and the whole graph at the steps asked for, and writes them as one mgviz-run
document (docs/timeline.md), which `mgviz run.mgviz-run -o run.html` draws.

    rec = mgviz.Recorder(model=model)
    for step in range(100):
        loss = ...; model.zero_grad(); loss.backward()
        rec.record(loss)                  # after backward, before the update
        for p in model.parameters(): p.data -= 0.05 * p.grad
    rec.save("run.mgviz-run")             # or rec.draw("run.html")
"""

import math
import os
import tempfile

from ._errors import MgvizTypeError, MgvizValueError
from ._model import layers_of
from ._run import _draw_text
from ._trace import _json, _number, _require_value, document_text, trace

__all__ = ["Recorder"]


class Recorder:
    """Records a training run, step by step. `model` is a micrograd MLP, Layer or Neuron: its
    parameters are recorded, named as mgviz names them (`L1 N2 w1`, `L1 N2 b`) and grouped
    by neuron and layer; or give `parameters` (a list of Values) instead, named `p1`, `p2`, ….
    The whole graph is kept at the first step, at every `full_every`-th step if it is given,
    at the first step whose numbers are not all finite (for its origin), and at the last;
    graphs of the same structure are stored once, each step keeping only its numbers.
    Recording a step without its graph reads each parameter's data and grad, nothing more."""

    def __init__(self, model=None, parameters=None, full_every=None, title=None):
        if (model is None) == (parameters is None):
            raise MgvizTypeError("mgviz.Recorder: give model=MODEL (a micrograd MLP, Layer or Neuron) or parameters=[...], one of the two")
        if full_every is not None and (isinstance(full_every, bool) or not isinstance(full_every, int) or full_every < 1):
            raise MgvizValueError("mgviz.Recorder: full_every must be a whole number of steps, 1 or more, or None; not %r" % (full_every,))
        if title is not None and not isinstance(title, str):
            raise MgvizTypeError("mgviz.Recorder: title must be a string or None, not %s" % type(title).__name__)
        self._model = model
        self._title = title
        self._full_every = full_every
        if model is not None:
            shape = layers_of(model)
            self._parameters, self._names = [], []
            for l, layer in enumerate(shape.layers):
                for m, neuron in enumerate(layer):
                    weights = list(neuron.w)
                    # micrograd's Neuron says whether it ends in a ReLU; another model may not.
                    nonlinear = getattr(neuron, "nonlin", None)
                    nonlinear = nonlinear if isinstance(nonlinear, bool) else None
                    for k, p in enumerate(weights + [neuron.b]):
                        self._parameters.append(p)
                        name = "L%d N%d %s" % (l + 1, m + 1, "w%d" % (k + 1) if k < len(weights) else "b")
                        self._names.append({"name": name, "layer": l + 1, "neuron": m + 1, "nonlinear": nonlinear})
        else:
            self._parameters = list(parameters)
            for k, p in enumerate(self._parameters):
                _require_value(p, "parameters[%d]" % k)
            self._names = [{"name": "p%d" % (k + 1), "layer": None, "neuron": None, "nonlinear": None} for k in range(len(self._parameters))]
        self._steps = []
        self._structures = []
        self._structure_of = {}
        self._last = None
        self._non_finite_seen = False

    @property
    def steps(self):
        """How many steps were recorded."""
        return len(self._steps)

    def record(self, loss):
        """Records one step: `loss`'s data, and each parameter's data and grad as they are now
        (after backward, before the update)."""
        _require_value(loss, "loss")
        data = [p.data for p in self._parameters]
        grad = [p.grad for p in self._parameters]
        step = {"loss": loss.data, "data": data, "grad": grad, "graph": None}
        finite = _finite(loss.data) and all(map(_finite, data)) and all(map(_finite, grad))
        number = len(self._steps)
        self._steps.append(step)
        if number == 0 or (self._full_every and number % self._full_every == 0) or (not finite and not self._non_finite_seen):
            step["graph"] = self._graph(loss)
        self._non_finite_seen = self._non_finite_seen or not finite
        self._last = loss

    def _graph(self, loss):
        """The graph of `loss` as the run stores it: its structure's index, and its nodes'
        data and grads in the structure's order."""
        document = trace(loss, model=self._model, parameters=None if self._model is not None else self._parameters,
                         title=self._title)
        nodes = document["nodes"]
        numbers = {"data": [n["data"] for n in nodes], "grad": [n["grad"] for n in nodes]}
        structure = dict(document, nodes=[dict(n, data=None, grad=None) for n in nodes])
        key = document_text(structure)
        index = self._structure_of.get(key)
        if index is None:
            index = self._structure_of[key] = len(self._structures)
            self._structures.append(document)
        return {"structure": index, "data": numbers["data"], "grad": numbers["grad"]}

    def _finished_steps(self):
        """The steps, the last with its graph: traced now, with the parameters' data and grads
        put back as that step recorded them (the update since has changed them in place)."""
        steps = list(self._steps)
        if steps and steps[-1]["graph"] is None:
            last = dict(steps[-1])
            now = [(p.data, p.grad) for p in self._parameters]
            try:
                for p, d, g in zip(self._parameters, last["data"], last["grad"]):
                    p.data, p.grad = d, g
                last["graph"] = self._graph(self._last)
            finally:
                for p, (d, g) in zip(self._parameters, now):
                    p.data, p.grad = d, g
            steps[-1] = last
        return steps

    def text(self):
        """The run as an mgviz-run document's text."""
        if not self._steps:
            raise MgvizValueError("mgviz.Recorder: no step was recorded; call record(loss) after each backward")
        steps = self._finished_steps()
        out = ['{"format": "mgviz-run", "version": 1, "title": ', _json(self._title), ',\n "parameters": [']
        out.append(",".join('\n  {"name": %s, "layer": %s, "neuron": %s, "nonlinear": %s}' % (
            _json(p["name"]), _json(p["layer"]), _json(p["neuron"]), _json(p["nonlinear"])) for p in self._names))
        out.append('],\n "structures": [')
        out.append(",".join("\n" + document_text(s).rstrip("\n") for s in self._structures))
        out.append('],\n "steps": [')
        rows = []
        for s in steps:
            row = '\n  {"loss": %s, "data": %s, "grad": %s, "graph": ' % (_number_json(s["loss"]), _list(s["data"]), _list(s["grad"]))
            graph = s["graph"]
            row += "null}" if graph is None else '{"structure": %d, "data": %s, "grad": %s}}' % (
                graph["structure"], _list(graph["data"]), _list(graph["grad"]))
            rows.append(row)
        out.append(",".join(rows))
        out.append("]}\n")
        return "".join(out)

    def save(self, path):
        """Writes the run to `path` (an .mgviz-run file), whole or not at all. Returns `path`."""
        text = self.text()
        path = os.fsdecode(path)
        folder = os.path.dirname(os.path.abspath(path))
        descriptor, temporary = tempfile.mkstemp(prefix=".mgviz-run-", dir=folder)
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as f:
                f.write(text)
            # mkstemp makes the file private; a saved run is an ordinary file, as open() makes one.
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
            os.replace(temporary, path)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise
        return path

    def draw(self, path, **options):
        """Draws the run into `path` by running `mgviz - --output=PATH [options]` on it: a
        timeline page (.html), or the graph at `step=N` (the last unless given) in another
        format. Alarm thresholds are options (`dead_steps=`, `vanishing_ratio=`,
        `exploding_factor=`); the alarms mgviz finds are printed to stderr. Returns `path`."""
        return _draw_text("mgviz.Recorder.draw", self.text(), path, options)


def _finite(x):
    try:
        return math.isfinite(x)
    except TypeError:
        return False


def _number_json(x):
    if isinstance(x, str):   # a trace's spelling of NaN or an infinity
        return _json(x)
    number = _number(x)
    if isinstance(number, tuple):
        error, why = number
        raise error("mgviz.Recorder: a number %s" % why)
    return _json(number)


def _list(xs):
    return "[" + ", ".join(map(_number_json, xs)) + "]"
