"""Tracing a micrograd Value into an mgviz-graph document, and writing it as text.

A trace is three steps over flat lists indexed by node: the walk (each Value read once, its
height taken and cycles found on the way), the canonical order (one depth-first listing),
and, with `model=`, the model's calls (_model.py). Nothing recurses: the walks use explicit stacks, and every
structural key is a fixed-size hash, so a 100,000-deep chain costs no Python or C stack.
"""

import contextlib
import gc
import hashlib
import json
import math
import reprlib

from ._errors import MgvizTypeError, MgvizValueError
from ._model import layers_of, model_nodes

__all__ = ["trace", "dumps", "dump", "document_text"]

# The binary ops whose operands micrograd keeps in a set: a single child means `a * a`.
BINARY_OPS = ("+", "*")

# How leaves and ops rank among a binary node's operands when their heights are equal.
_KIND_RANK = {"op": 0, "parameter": 1, "input": 2, "constant": 3}

# Refinement rounds at most; each round is one sweep down and one sweep up the graph.
_MAX_ROUNDS = 32

# Operands singled out at most, each followed by a refinement; past that, set order decides.
_MAX_CHOICES = 64

# The steps a path from the root shows at most, in a message about a malformed node: the
# first two, how many are left out, and the last ones.
_PATH_STEPS = 6

# The most nodes traced for a layout when a model may have run on a batch: mgviz then draws
# one example (a plate), so max_nodes= is checked on the plate, but the whole graph is still
# traced, written and read. The demo's loss over 384 points (249,850 nodes) is a dump of 50 MB
# (mgviz reads 64 MiB at most), drawn as a plate in 4 to 5 s of CPU here, 1.1 s of it tracing
# (benchmarks/python_bridge.py).
PLATE_TRACE_LIMIT = 250000


class NodeLimit(Exception):
    """Raised by traced() when the graph has more nodes than it may draw, for the caller to
    word: it knows why there is a limit. `limit` is max_nodes=; `traced_limit` is the larger
    limit a batch's plate allows, when that is the one the graph passed (else None)."""

    def __init__(self, limit, traced_limit=None):
        super().__init__(limit)
        self.limit = limit
        self.traced_limit = traced_limit


def trace(root, names=None, parameters=None, title=None, model=None):
    """Return the mgviz-graph document (a dict) for the micrograd Value `root`: version 1,
    or version 2 when `model` ran on a batch (two inputs or more).

    `names` maps a name to a Value: that node gets the name as its label (any node, leaf or
    not). `parameters` is an iterable of Values (`model.parameters()`): those leaves get the
    kind `parameter`. `title` is a string or None. `model` is a micrograd `MLP`, `Layer` or
    `Neuron`: its parameters are the `parameters` (unless those are given), its calls on
    the way to `root` are found, and their nodes grouped and named as mgviz groups and
    names a model's calls (see the package's docstring). Names, parameters and neurons that
    `root` does not reach are ignored.

    A malformed Value (a `_prev` that is not a collection of Values, a `data` or `grad` that
    is not a number or is beyond a float's range) raises MgvizTypeError or MgvizValueError,
    whose message says where it is, as a path from the root.
    """
    graph = traced(root, names, parameters, title, model)
    with _uncollected():
        return graph.document()


def traced(root, names=None, parameters=None, title=None, model=None, node_limit=None, plate=False):
    """The trace of trace(), as a Traced. Raises NodeLimit when the graph has more than
    `node_limit` nodes, as soon as the walk meets one more; unless `plate` (mgviz will draw
    a batch's plate) and a model is given: then the walk goes on up to PLATE_TRACE_LIMIT
    nodes, and the limit holds only if the model did not run on a batch of alike calls."""
    if title is not None and not isinstance(title, str):
        raise MgvizTypeError("mgviz.trace: title must be a string or None, not %s" % type(title).__name__)
    if title is not None and _unencodable(title):
        raise MgvizValueError("mgviz.trace: title %s" % _unencodable(title))
    _require_value(root, "root")
    shape = None if model is None else layers_of(model)
    # A model's parameters, in its order: parameters() is micrograd's, not every class has it.
    model_parameters = [] if shape is None else [
        p for layer in shape.layers for neuron in layer for p in list(neuron.w) + [neuron.b]]
    if model is not None and parameters is None:
        parameters = model_parameters

    # Keep the named and parameter Values alive while their ids are used as keys.
    keep = []
    name_of = {}
    if names is not None:
        if not hasattr(names, "items"):
            raise MgvizTypeError("mgviz.trace: names must map a name to a Value, like {'x1': x1}")
        for name, value in names.items():
            if not isinstance(name, str):
                raise MgvizTypeError("mgviz.trace: the name %s is not a string" % _shown(name))
            _require_value(value, "names[%r]" % name)
            keep.append(value)
            old = name_of.get(id(value))
            if old is not None and old != name:
                raise MgvizValueError("mgviz.trace: one Value is named both %r and %r" % (old, name))
            name_of[id(value)] = name
    parameter_ids = set()
    if parameters is not None:
        for value in parameters:
            keep.append(value)
            parameter_ids.add(id(value))

    plated = plate and model is not None and node_limit is not None
    cap = max(node_limit, PLATE_TRACE_LIMIT) if plated else node_limit
    try:
        with _uncollected():
            try:
                graph = _Graph(root, name_of, parameter_ids, cap)
            except NodeLimit:
                raise NodeLimit(node_limit, cap if plated and cap > node_limit else None) from None
            order = graph.canonical(model_parameters)
            position = [0] * len(order)
            for k, i in enumerate(order):
                position[i] = k
            found = None if shape is None else model_nodes(graph, shape, order, position)
            if node_limit is not None and len(order) > node_limit and not (plated and found.is_alike_batch):
                raise NodeLimit(node_limit)
            return Traced(graph, order, position, found, title)
    finally:
        del keep


@contextlib.contextmanager
def _uncollected():
    """The cyclic garbage collector held off: tracing makes a few objects per node and frees
    none, and the collector would sweep the user's whole graph again and again for nothing
    (half the time of a trace of the demo's loss)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def dumps(root, **trace_kwargs):
    """The document of `trace(root, **trace_kwargs)` as text, laid out as mgviz's own dump."""
    return traced(root, **trace_kwargs).text()


def dump(root, path, **trace_kwargs):
    """Write the document of `trace(root, **trace_kwargs)` to `path` (UTF-8, ending in a newline)."""
    text = dumps(root, **trace_kwargs)
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write(text)


def document_text(document):
    """An mgviz-graph document (version 1, or 2 with its groups) as text, byte for byte in
    the layout mgviz writes: the top-level keys on the first line, then one line per group,
    per node and per edge."""
    version2 = document["version"] == 2
    parts = [
        '{"format": ', _json(document["format"]),
        ", \"version\": ", _json(document["version"]),
        ', "title": ', _json(document["title"]),
        ', "output": ', _json(document["output"]),
    ]
    if version2:
        parts.append(',\n "groups": [')
        for k, group in enumerate(document["groups"]):
            parts.append("\n  {" if k == 0 else ",\n  {")
            parts.append('"id": %s, "kind": %s, "name": %s, "number": %s, "parent": %s}' % (
                _json(group["id"]), _json(group["kind"]), _json(group["name"]), _json(group["number"]),
                _json(group["parent"])))
        parts.append("]")
    parts.append(',\n "nodes": [')
    last = "group" if version2 else "cluster"
    for k, node in enumerate(document["nodes"]):
        parts.append("\n  {" if k == 0 else ",\n  {")
        parts.append('"id": %s, "label": %s, "op": %s, "kind": %s, "data": %s, "grad": %s, "%s": %s}' % (
            _json(node["id"]), _json(node["label"]), _json(node["op"]), _json(node["kind"]),
            _json(node["data"]), _json(node["grad"]), last, _json(node[last])))
    parts.append('],\n "edges": [')
    for k, edge in enumerate(document["edges"]):
        parts.append("\n  {" if k == 0 else ",\n  {")
        parts.append('"from": %s, "to": %s}' % (_json(edge["from"]), _json(edge["to"])))
    parts.append("]}\n")
    return "".join(parts)


class Traced:
    """A traced graph in its canonical order, with what the model says of its nodes: the
    document as a dict (document()) or as text (text(), without making the dict)."""

    def __init__(self, graph, order, position, found, title):
        self.title = title
        self.order, self.position = order, position
        self.operands = graph.kids
        self.data, self.grad, self.op = graph.data, graph.grad, graph.op
        if found is None:
            self.label, self.kind = graph.label, graph.kind
            self.groups, self.group_of, self.version = [], None, 1
        else:
            self.label, self.kind = found.labels, found.kinds
            self.groups, self.group_of, self.version = found.groups, found.group_of, found.version

    def _membership(self):
        """Each node's group as the document writes it: a neuron's name (version 1's
        cluster), a group's id (version 2), or None."""
        if self.group_of is None:
            return [None] * len(self.order)
        if self.version == 1:
            names = [group[1] for group in self.groups]
            return [None if g < 0 else names[g] for g in self.group_of]
        ids = ["g%d" % g for g in range(len(self.groups))]
        return [None if g < 0 else ids[g] for g in self.group_of]

    def _group_dicts(self):
        return [{"id": "g%d" % k, "kind": kind, "name": name, "number": number,
                 "parent": None if parent < 0 else "g%d" % parent}
                for k, (kind, name, number, parent) in enumerate(self.groups)]

    def document(self):
        position = self.position
        member = self._membership()
        last = "group" if self.version == 2 else "cluster"
        label, op, kind, data, grad = self.label, self.op, self.kind, self.data, self.grad
        ids = ["n%d" % k for k in range(len(self.order))]
        nodes = [{"id": ids[k], "label": label[i], "op": op[i], "kind": kind[i], "data": data[i], "grad": grad[i],
                  last: member[i]} for k, i in enumerate(self.order)]
        operands = self.operands
        edges = [{"from": ids[position[j]], "to": ids[k]} for k, i in enumerate(self.order) for j in operands[i]]
        document = {"format": "mgviz-graph", "version": self.version, "title": self.title,
                    "output": "n%d" % (len(self.order) - 1)}
        if self.version == 2:
            document["groups"] = self._group_dicts()
        document["nodes"] = nodes
        document["edges"] = edges
        return document

    def text(self):
        """document_text(self.document()), made straight from the lists: the same bytes."""
        quote = _quote
        position, operands = self.position, self.operands
        label, op, kind, data, grad = self.label, self.op, self.kind, self.data, self.grad
        member = self._membership()
        quoted = {None: "null", "": '""'}
        for name in set(op) | set(label) | set(member):
            if name not in quoted:
                quoted[name] = quote(name)
        parts = ['{"format": "mgviz-graph", "version": %d, "title": %s, "output": "n%d"'
                 % (self.version, _json(self.title), len(self.order) - 1)]
        if self.version == 2:
            parts.append(',\n "groups": [' + ",".join(
                '\n  {"id": "g%d", "kind": "%s", "name": %s, "number": %d, "parent": %s}'
                % (k, group_kind, quote(name), number, "null" if parent < 0 else '"g%d"' % parent)
                for k, (group_kind, name, number, parent) in enumerate(self.groups)) + "]")
        last = "group" if self.version == 2 else "cluster"
        parts.append(',\n "nodes": [' + ",".join([
            f'\n  {{"id": "n{k}", "label": {quoted[label[i]]}, "op": {quoted[op[i]]}, "kind": "{kind[i]}", '
            f'"data": {repr(data[i]) if type(data[i]) is float else quote(data[i])}, '
            f'"grad": {repr(grad[i]) if type(grad[i]) is float else "null" if grad[i] is None else quote(grad[i])}, '
            f'"{last}": {quoted[member[i]]}}}'
            for k, i in enumerate(self.order)]) + "]")
        parts.append(',\n "edges": [' + ",".join([
            f'\n  {{"from": "n{position[j]}", "to": "n{k}"}}' for k, i in enumerate(self.order) for j in operands[i]])
            + "]}\n")
        return "".join(parts)


_quote = json.encoder.encode_basestring   # json.dumps's escaping of a str, ensure_ascii=False


def _json(x):
    """One JSON value: strings as json.dumps writes them, floats with repr's round-trip digits."""
    kind = type(x)
    if kind is float:
        return repr(x) if math.isfinite(x) else _quote(_spell(x))
    if kind is str:
        return _quote(x)
    if x is None:
        return "null"
    if kind is bool:
        return "true" if x else "false"
    if kind is int:
        return repr(x)
    if isinstance(x, str):
        return _quote(str(x))
    if isinstance(x, (int, float)):
        return _json(float(x)) if isinstance(x, float) else repr(int(x))
    raise MgvizTypeError("mgviz: cannot write %s in a document" % _shown(x))


def _spell(x):
    if x != x:
        return "NaN"
    return "Infinity" if x > 0 else "-Infinity"


def _number(x):
    """data or grad as the document has it: a float, "NaN", "Infinity" or "-Infinity"; or,
    for what is no number (None included), the MgvizError class and the words that say why.

    A number is what float() takes, but not text: a str (or bytes) is never read as one, so
    "1e400" or "2.0" is refused rather than taken for the number it spells. A bool is the
    int it is (True is 1.0), as micrograd's arithmetic takes it. A number beyond a float's
    range (10**400, Decimal("1e400")) is refused, not drawn as infinite."""
    kind = type(x)
    if kind is float:
        return x if math.isfinite(x) else _spell(x)
    if isinstance(x, (str, bytes, bytearray)):
        return MgvizTypeError, "is %s, not a number (text is not read as one)" % _shown(x)
    try:
        f = float(x)
    except OverflowError:
        return MgvizValueError, "is %s, beyond a float's range (about ±1.8e308)" % _shown(x)
    except (TypeError, ValueError):
        return MgvizTypeError, "is %s, not a number" % _shown(x)
    if math.isfinite(f) or f != f:
        return f if math.isfinite(f) else _spell(f)
    try:
        exact = bool(x == f)
    except Exception:   # a type whose == is no comparison: its float() has the last word
        exact = True
    return _spell(f) if exact else (MgvizValueError, "is %s, beyond a float's range (about ±1.8e308)" % _shown(x))


def _is_value(value):
    return hasattr(value, "data") and hasattr(value, "_prev")


def _require_value(value, what):
    if not _is_value(value):
        raise MgvizTypeError("mgviz.trace: %s is not a micrograd Value (it has no data and _prev): %s"
                             % (what, _shown(value)))


_repr = reprlib.Repr()
_repr.maxstring = _repr.maxother = 40


def _shown(x):
    """x in a message, short and on one line: `the str '1e400'`, `[1, 2] (a list)`, `an
    int of 1,329 bits`."""
    if x is None or type(x) in (bool, float):
        return repr(x)
    if isinstance(x, int) and x.bit_length() > 64:
        # repr of a huge int is long, and past 4,300 digits refused by Python itself.
        return "an int of {:,} bits".format(x.bit_length())
    text = _printable(_repr.repr(x))
    kind = type(x).__name__
    if isinstance(x, (str, bytes, bytearray)):
        return "the %s %s" % (kind, text)
    return "%s (%s %s)" % (text, "an" if kind[:1].lower() in "aeiou" else "a", kind)


def _printable(text):
    """text with its control characters escaped, as repr escapes them in a str."""
    return text if text.isprintable() else "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _unencodable(text):
    """Why `text` cannot be written as UTF-8 (a lone surrogate in it), or None."""
    if text.isascii():
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        return "is not Unicode text: it holds a lone surrogate, %r" % text[error.start]
    return None


def _order_key(x):
    """A total order on numbers and the spelled-out ones: finite and infinite by value, then
    NaN, then None."""
    if x is None:
        return (2, 0.0)
    if isinstance(x, str):
        return (1, 0.0) if x == "NaN" else (0, float("inf") if x == "Infinity" else float("-inf"))
    return (0, x)


def _hash(*chunks):
    h = hashlib.blake2b(digest_size=16)
    for chunk in chunks:
        h.update(chunk)
    return h.digest()


class _BreadthFirst:
    """A walk from the root, breadth-first, for the messages about a malformed node: it
    steps over what is malformed, and knows the shortest path to each Value it yields
    (`parent`, and `slot`: which operand, from 1, where _prev has an order, else 0). Yields
    each Value's position, the Value, its operands (none for a _prev that is no collection)
    and whether they have an order."""

    def __init__(self, root):
        self.values, self.parent, self.slot = [root], [-1], [0]

    def __iter__(self):
        seen = {id(self.values[0])}
        for i, value in enumerate(self.values):
            prev = getattr(value, "_prev", ())
            try:
                children = list(prev)
            except TypeError:
                children = []
            is_ordered = isinstance(prev, (tuple, list))
            yield i, value, children, is_ordered
            for k, child in enumerate(children, 1):
                if id(child) not in seen and _is_value(child):
                    seen.add(id(child))
                    self.values.append(child)
                    self.parent.append(i)
                    self.slot.append(k if is_ordered else 0)


class _Tie(Exception):
    """Two distinct operands of one node are alike from below: the fast order cannot tell
    them apart, and the full one (with refinement) takes over."""


class _Graph:
    """The nodes that root reaches, indexed 0 (root), 1, ... in the order a breadth-first walk
    met them (which depends on set order and is used for nothing that is written). Per node:
    `kids` (its operand uses: as micrograd holds them, then in canonical order), `op`,
    `label` and `kind` (as the user gave them: names=, a label of the Value's own, the
    parameters), `data`, `grad`, `ordered` (whether _prev had an order of its own: a tuple
    or list), `height` (the longest path down to a leaf)."""

    def __init__(self, root, name_of, parameter_ids, node_limit=None):
        self.root, self.name_of = root, name_of
        values = [root]
        seen = {id(root): 0}
        find, named = seen.get, name_of.get
        # Filled in as each node is opened; placeholders until then.
        kids_of, ops, labels, kinds, data, grads, ordered, height = [None], [""], [""], [""], [0.0], [None], [False], [0]
        state = bytearray(1)       # 0 unseen, 1 open, 2 done
        upward = []
        stack = [0]
        push, pop, done = stack.append, stack.pop, upward.append
        while stack:
            i = pop()
            if i < 0:
                # Closed: its operands are done, and its height is theirs plus one.
                i = ~i
                state[i] = 2
                kids = kids_of[i]
                if len(kids) == 2:
                    a, b = height[kids[0]], height[kids[1]]
                    height[i] = (a if a > b else b) + 1
                elif kids:
                    height[i] = max([height[j] for j in kids]) + 1
                done(i)
                continue
            if state[i]:
                continue
            state[i] = 1
            push(~i)
            value = values[i]
            try:
                prev = value._prev
                x = value.data
            except AttributeError:
                raise self.not_a_value() from None
            op = getattr(value, "_op", "")
            if type(op) is not str:
                op = "" if op is None else str(op)
            label = named(id(value)) if name_of else None
            if label is None:
                label = getattr(value, "label", "")
                if type(label) is not str:
                    label = "" if label is None else str(label)
            ops[i] = op
            labels[i] = label
            if not (op.isascii() and label.isascii()):
                for field, text in (("label", label), ("_op", op)):
                    if _unencodable(text):
                        raise self.malformed(MgvizValueError, value, "%s %s" % (field, _unencodable(text)))
            kind = type(prev)
            if kind is set:
                is_ordered = False
            elif kind is tuple or kind is list:
                is_ordered = True
            else:
                try:
                    iter(prev)
                except TypeError:
                    raise self.malformed(MgvizTypeError, value, "_prev is %s, not a collection of operand Values "
                                         "(a set, tuple or list)" % _shown(prev)) from None
                is_ordered = isinstance(prev, (tuple, list))
            kids = []
            for child in prev:
                j = find(id(child))
                if j is None:
                    j = len(values)
                    if j == node_limit:
                        raise NodeLimit(node_limit)
                    seen[id(child)] = j
                    values.append(child)
                    kids_of.append(None)
                    ops.append("")
                    labels.append("")
                    kinds.append("")
                    data.append(0.0)
                    grads.append(None)
                    ordered.append(False)
                    height.append(0)
                    state.append(0)
                    push(j)
                else:
                    seen_state = state[j]
                    if seen_state == 0:
                        # Met before, not yet opened: opened above this node, so that it closes first.
                        push(j)
                    elif seen_state == 1:
                        # Open: this node is below it (an operand of an operand ...), and above it.
                        raise MgvizValueError("mgviz.trace: the graph has a cycle (a Value is its own operand)")
                kids.append(j)
            if len(kids) == 1 and not is_ordered and op in BINARY_OPS:
                # micrograd's set collapsed `a * a` into one child: it was used twice.
                kids.append(kids[0])
            kids_of[i] = kids
            ordered[i] = is_ordered
            if kids:
                kinds[i] = "op"
            elif id(value) in parameter_ids:
                kinds[i] = "parameter"
            else:
                kinds[i] = "input" if label else "constant"
            if type(x) is not float or x - x != 0.0:
                x = self._checked(value, "data", x)
            data[i] = x
            x = getattr(value, "grad", None)
            if x is not None and (type(x) is not float or x - x != 0.0):
                x = self._checked(value, "grad", x)
            grads[i] = x
        self.values, self.index, self.op, self.label = values, seen, ops, labels
        self.kids, self.ordered, self.kind, self.data, self.grad = kids_of, ordered, kinds, data, grads
        self.height, self.upward = height, upward
        self._users = None
        self.structure = [None] * len(values)

    @property
    def users(self):
        """Each node's distinct users."""
        if self._users is None:
            users = [[] for _ in self.kids]
            for i, kids in enumerate(self.kids):
                if len(kids) == 2:
                    a, b = kids
                    users[a].append(i)
                    if b != a:
                        users[b].append(i)
                else:
                    for j in (dict.fromkeys(kids) if len(kids) > 2 else kids):
                        users[j].append(i)
            self._users = users
        return self._users

    def not_a_value(self):
        """The error for an operand that is no Value: the first that a breadth-first walk
        from the root meets, placed by its user's path and which operand it is."""
        for _, value, children, is_ordered in _BreadthFirst(self.root):
            for k, child in enumerate(children, 1):
                if not _is_value(child):
                    return self.malformed(MgvizTypeError, value, "%s is %s, not a micrograd Value (it has no data and "
                                          "_prev)" % ("operand %d" % k if is_ordered else "an operand", _shown(child)))
        raise AssertionError("an operand that is no Value was met, and not found again")

    def _checked(self, value, field, x):
        """A data or grad as the document has it, or the error that says why it is no number."""
        number = _number(x)
        if type(number) is tuple:
            error, problem = number
            raise self.malformed(error, value, "%s %s" % (field, problem))
        return number

    def malformed(self, error, value, problem):
        """An `error` (MgvizTypeError or MgvizValueError) for `value`, which `problem` says
        what is wrong with: the message places the node by its path from the root."""
        path = self.path_to(value)
        return error("mgviz.trace: at %s: %s" % (path, problem), node=value, path=path)

    def path_to(self, target):
        """`loss -> the + node -> the * node (operand 2)`: a shortest path from the root to
        `target`, each node by its label or op; the middle of a long one left out. A walk
        of its own, breadth-first, which steps over what is malformed."""
        walk = _BreadthFirst(self.root)
        for i, value, _, _ in walk:
            if value is target:
                break
        values, parent, slot = walk.values, walk.parent, walk.slot
        chain = []
        while i >= 0:
            chain.append(i)
            i = parent[i]
        chain.reverse()
        if len(chain) > _PATH_STEPS:
            hidden = len(chain) - _PATH_STEPS + 1
            shown = chain[:2] + [None] + chain[-(_PATH_STEPS - 3):]
        else:
            hidden, shown = 0, chain
        return " -> ".join("({:,} more nodes)".format(hidden) if i is None else self._step(values[i], i, slot[i])
                           for i in shown)

    def _step(self, value, i, slot):
        label = self.name_of.get(id(value))
        if label is None:
            label = getattr(value, "label", "")
        label = "" if label is None else str(label)
        op = getattr(value, "_op", "")
        op = "" if op is None else str(op)
        if label:
            text = label if label.isidentifier() and len(label) <= 40 else _printable(_repr.repr(label))
        elif i == 0:
            text = "the root"
        elif op:
            text = "the %s node" % _printable(op if len(op) <= 40 else op[:40] + "…")
        else:
            text = "a leaf"
        return text + (" (operand %d)" % slot if slot else "")

    # The canonical order.

    def canonical(self, first=()):
        """The canonical node order, the Values of `first` that are in the graph (a model's
        parameters) listed first, in their order; each node's `kids` put in canonical
        operand order."""
        order, seen = [], set()
        for value in first:
            i = self.index.get(id(value))
            if i is not None and i not in seen:
                seen.add(i)
                order.append(i)
        try:
            return self._fast_order(order)
        except _Tie:
            return self._full_order(order)

    def _fast_order(self, first):
        """`first` (leaves), then depth-first from the root, each node after its operands,
        which are taken in key order: the taller first, and only where the heights tie the
        rest of the key, which is computed for those nodes alone. Raises _Tie where two
        operands are alike from below (the structural hash ties), which only the full order
        tells apart."""
        kids_of, height, ordered = self.kids, self.height, self.ordered
        n = len(kids_of)
        order = list(first)
        visited = bytearray(n)
        for i in first:
            visited[i] = 1
        stack = [0]
        push, pop, done = stack.append, stack.pop, order.append
        while stack:
            i = pop()
            if i < 0:
                done(~i)
                continue
            if visited[i]:
                continue
            visited[i] = 1
            push(~i)
            kids = kids_of[i]
            if len(kids) == 2:
                a, b = kids
                if a != b and not ordered[i]:
                    ha, hb = height[a], height[b]
                    if ha < hb or (ha == hb and self._goes_after(a, b)):
                        kids[0], kids[1] = a, b = b, a
                if not visited[b]:
                    push(b)
                if not visited[a]:
                    push(a)
            elif kids:
                if len(kids) > 2 and not ordered[i]:
                    kids.sort(key=self._key)
                    for a, b in zip(kids, kids[1:]):
                        if a != b and self._key(a) == self._key(b):
                            raise _Tie()
                for j in reversed(kids):
                    if not visited[j]:
                        push(j)
        return order

    def _goes_after(self, a, b):
        """Whether operand a comes after operand b of equal height."""
        first, second = self._fields(a), self._fields(b)
        if first != second:
            return first > second
        first, second = self.structure_of(a), self.structure_of(b)
        if first == second:
            raise _Tie()
        return first > second

    def _fields(self, i):
        """A node's key after its height and before its structure."""
        return (_KIND_RANK[self.kind[i]], self.op[i], self.label[i], _order_key(self.data[i]), _order_key(self.grad[i]))

    def _key(self, i):
        """A node's whole key: height (the taller first), fields, structure."""
        return (-self.height[i],) + self._fields(i) + (self.structure_of(i),)

    def structure_of(self, i):
        """The structural hash of everything below node i (a BLAKE2b hash of its fields and
        its operands' hashes in key order), made for node i's descendants that lack one,
        operands first."""
        structure = self.structure
        if structure[i] is not None:
            return structure[i]
        kids_of, ordered = self.kids, self.ordered
        stack = [i]
        while stack:
            j = stack[-1]
            missing = [k for k in kids_of[j] if structure[k] is None]
            if missing:
                stack.extend(missing)
                continue
            stack.pop()
            if structure[j] is not None:
                continue
            kids = kids_of[j]
            if len(kids) > 1 and not ordered[j]:
                kids = sorted(kids, key=self._key)
            local = repr((self.kind[j], self.op[j], self.label[j], self.data[j], self.grad[j], ordered[j],
                          len(kids))).encode("utf-8", "surrogatepass")
            structure[j] = hashlib.blake2b(local + b"".join([structure[k] for k in kids]), digest_size=16).digest()
        return structure[i]

    # The full order, for graphs with operands alike from below.

    def _full_order(self, first):
        """The order of `_fast_order` where it tells operands apart, and otherwise by how
        they are used: refinement, with operands singled out where it cannot tell."""
        n = len(self.kids)
        base = [self._key(i) for i in range(n)]
        self._private()
        color = self.structure
        for choice in range(_MAX_CHOICES + 1):
            key, color = self._refine(base, color)
            operands = [self._in_order(i, key) for i in range(n)]
            order, tie = self._depth_first(operands, key, first)
            if tie is None or choice == _MAX_CHOICES:
                for i in range(n):
                    self.kids[i][:] = operands[i]
                return order
            color = list(color)
            color[tie] = _hash(color[tie], b"chosen")

    def _private(self):
        """Whether a node is used once and heads a tree that nothing else uses: two such
        operands of one node that are alike can be swapped without changing the document."""
        n = len(self.kids)
        count = [0] * n
        for kids in self.kids:
            for j in kids:
                count[j] += 1
        tree = [False] * n
        for i in self.upward:
            kids = self.kids[i]
            tree[i] = all(count[j] == kids.count(j) and tree[j] for j in kids)
        self.private = [tree[i] and count[i] == 1 for i in range(n)]

    def _swappable(self, a, b):
        """Whether two operands of one node that tie can be taken in either order with the
        same document: each is used once, and is the top of a tree that nothing else uses."""
        return self.private[a] and self.private[b]

    def _depth_first(self, operands, key, first):
        """`first`, then the nodes depth-first from root, each after its operands, and the
        first operand the walk meets that ties with the next one (under `key`) and is not
        swappable with it."""
        n = len(operands)
        order = list(first)
        tie = None
        visited = bytearray(n)
        for i in first:
            visited[i] = 1
        next_operand = [0] * n
        stack = [0]
        visited[0] = 1
        while stack:
            i = stack[-1]
            kids = operands[i]
            k = next_operand[i]
            if k == 0 and tie is None and len(kids) > 1 and not self.ordered[i]:
                for a, b in zip(kids, kids[1:]):
                    if a != b and key[a] == key[b] and not self._swappable(a, b):
                        tie = a
                        break
            while k < len(kids) and visited[kids[k]]:
                k += 1
            if k < len(kids):
                next_operand[i] = k + 1
                visited[kids[k]] = 1
                stack.append(kids[k])
            else:
                stack.pop()
                order.append(i)
        return order, tie

    def _in_order(self, i, key):
        kids = self.kids[i]
        if self.ordered[i] or len(kids) < 2:
            return list(kids)
        return sorted(kids, key=key.__getitem__)

    def _refine(self, base, color):
        """Separate nodes that look alike (equal `color`, at first the structural hash) by
        where they are used: alternate a sweep down (a node's hash takes in its users' hashes
        and which operand it is of each) and a sweep up (a node's hash takes in its
        operands'), until a round separates no more nodes. Returns the keys extended by the
        final hash, and that hash."""
        n = len(base)
        classes = len(set(color))
        downward = self.upward[::-1]
        users = self.users
        for _ in range(_MAX_ROUNDS):
            key = [base[i] + (color[i],) for i in range(n)]
            # Sweep down: users come before their operands.
            down = [b""] * n
            for i in downward:
                marks = []
                for user in users[i]:
                    kids = self._in_order(user, key)
                    for slot, j in enumerate(kids):
                        if j == i:
                            # Operands of a set that tie share a slot: the first of their run.
                            first = slot
                            while not self.ordered[user] and first > 0 and key[kids[first - 1]] == key[i]:
                                first -= 1
                            marks.append(down[user] + first.to_bytes(4, "big"))
                marks.sort()
                down[i] = _hash(color[i], b"root" if i == 0 else b"", b"".join(marks))
            # Sweep up: operands come before their users.
            # Operands that tie on the key so far are hashed in the order of their own hash.
            key = [base[i] + (down[i],) for i in range(n)]
            up = [b""] * n
            for i in self.upward:
                kids = self.kids[i]
                if not self.ordered[i]:
                    kids = sorted(kids, key=lambda j: (key[j], up[j]))
                up[i] = _hash(down[i], b"".join(up[j] for j in kids))
            new_classes = len(set(up))
            color = up
            if new_classes == classes or new_classes == n:
                break
            classes = new_classes
        return [base[i] + (color[i],) for i in range(n)], color
