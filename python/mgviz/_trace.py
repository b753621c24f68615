"""Tracing a micrograd Value into an mgviz-graph v1 document, and writing it as text.

Nothing here recurses: the graph is walked with explicit stacks and queues, and every
structural key is a fixed-size hash, so a 100,000-deep chain costs no Python or C stack.
"""

import hashlib
import json
import math
import os
import reprlib
import sys
import warnings

from ._errors import MgvizError, MgvizTypeError, MgvizValueError

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


class NodeLimit(Exception):
    """Raised by traced() as soon as the graph has more nodes than its `node_limit`, for the
    caller to word: it knows why there is a limit."""

    def __init__(self, limit):
        super().__init__(limit)
        self.limit = limit


def trace(root, names=None, parameters=None, title=None, model=None):
    """Return the mgviz-graph v1 document (a dict) for the micrograd Value `root`.

    `names` maps a name to a Value: that node gets the name as its label (any node, leaf or
    not). `parameters` is an iterable of Values (`model.parameters()`): those leaves get the
    kind `parameter`. `title` is a string or None. `model` is a micrograd `MLP`, `Layer` or
    `Neuron`: its parameters are the `parameters` (unless those are given), and each of its
    neurons that ran once on the way to `root` becomes a cluster, `L1 N3`, as mgviz draws an
    MLP spec's (so `collapse="neurons"` draws it as one node). Names, parameters and neurons
    that `root` does not reach are ignored. See the package's docstring for the canonical
    order.

    A malformed Value (a `_prev` that is not a collection of Values, a `data` or `grad` that
    is not a number or is beyond a float's range) raises MgvizTypeError or MgvizValueError,
    whose message says where it is, as a path from the root.
    """
    return traced(root, names, parameters, title, model)


def traced(root, names=None, parameters=None, title=None, model=None, node_limit=None):
    """trace(), stopping with NodeLimit as soon as it meets more than `node_limit` nodes."""
    if title is not None and not isinstance(title, str):
        raise MgvizTypeError("mgviz.trace: title must be a string or None, not %s" % type(title).__name__)
    if title is not None and _unencodable(title):
        raise MgvizValueError("mgviz.trace: title %s" % _unencodable(title))
    _require_value(root, "root")
    layers = None if model is None else _layers_of(model)
    if model is not None and parameters is None:
        parameters = [w for layer in layers for neuron in layer for w in list(neuron.w) + [neuron.b]]

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

    graph = _Graph(root, name_of, parameter_ids, node_limit)
    cluster = [None] * len(graph.values) if layers is None else _clusters(graph, layers)
    order, operands = graph.canonical()
    position = [0] * len(graph.values)
    for k, index in enumerate(order):
        position[index] = k

    nodes = []
    for k, index in enumerate(order):
        nodes.append({
            "id": "n%d" % k,
            "label": graph.label[index],
            "op": graph.op[index],
            "kind": graph.kind[index],
            "data": graph.data[index],
            "grad": graph.grad[index],
            "cluster": cluster[index],
        })
    edges = []
    for index in order:
        to = "n%d" % position[index]
        for operand in operands[index]:
            edges.append({"from": "n%d" % position[operand], "to": to})
    del keep
    return {
        "format": "mgviz-graph",
        "version": 1,
        "title": title,
        "output": "n%d" % position[0],
        "nodes": nodes,
        "edges": edges,
    }


def dumps(root, **trace_kwargs):
    """The document of `trace(root, **trace_kwargs)` as text, laid out as mgviz's own dump."""
    return document_text(trace(root, **trace_kwargs))


def dump(root, path, **trace_kwargs):
    """Write the document of `trace(root, **trace_kwargs)` to `path` (UTF-8, ending in a newline)."""
    text = dumps(root, **trace_kwargs)
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write(text)


def document_text(document):
    """An mgviz-graph v1 document as text, byte for byte in the layout mgviz writes: the
    top-level keys on the first line, then one line per node and one per edge."""
    parts = [
        '{"format": ', _json(document["format"]),
        ", \"version\": ", _json(document["version"]),
        ', "title": ', _json(document["title"]),
        ', "output": ', _json(document["output"]),
        ',\n "nodes": [',
    ]
    for k, node in enumerate(document["nodes"]):
        parts.append("\n  {" if k == 0 else ",\n  {")
        parts.append('"id": %s, "label": %s, "op": %s, "kind": %s, "data": %s, "grad": %s, "cluster": %s}' % (
            _json(node["id"]), _json(node["label"]), _json(node["op"]), _json(node["kind"]),
            _json(node["data"]), _json(node["grad"]), _json(node["cluster"])))
    parts.append('],\n "edges": [')
    for k, edge in enumerate(document["edges"]):
        parts.append("\n  {" if k == 0 else ",\n  {")
        parts.append('"from": %s, "to": %s}' % (_json(edge["from"]), _json(edge["to"])))
    parts.append("]}\n")
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


def _layers_of(model):
    """The neurons of a micrograd MLP, Layer or Neuron, layer by layer."""
    def refuse(why):
        return MgvizTypeError("mgviz.trace: model must be a micrograd MLP, Layer or Neuron (layers of neurons, "
                         "each with a list of Values w and a Value b); this %s %s" % (type(model).__name__, why))
    try:
        if hasattr(model, "layers"):
            layers = [layer for layer in model.layers]
            if not all(hasattr(layer, "neurons") for layer in layers):
                raise refuse("has a layer without neurons")
            layers = [list(layer.neurons) for layer in layers]
        elif hasattr(model, "neurons"):
            layers = [list(model.neurons)]
        else:
            layers = [[model]]
        for layer in layers:
            for neuron in layer:
                if not (hasattr(neuron, "w") and hasattr(neuron, "b")):
                    raise refuse("has no w and b" if neuron is model else "has a neuron without w and b")
                for value in list(neuron.w) + [neuron.b]:
                    if not (hasattr(value, "data") and hasattr(value, "_prev")):
                        raise refuse("has a weight or bias that is not a Value: %s" % type(value).__name__)
    except MgvizError:
        raise
    except TypeError as error:
        raise refuse("cannot be read: %s" % error) from None
    return layers


def _warn(message):
    """A warning at the caller's line outside this package, so that Python shows it once per
    line of the user's, whether the user called trace, dump, draw or show."""
    here = os.path.dirname(os.path.abspath(__file__))
    frame, level = sys._getframe(1), 2
    while frame is not None and os.path.dirname(os.path.abspath(frame.f_code.co_filename)) == here:
        frame, level = frame.f_back, level + 1
    warnings.warn(message, stacklevel=level)


def _names(names):
    """'L1 N1', 'L1 N1 and L2 N3', or 'L1 N1, L1 N2, L1 N3 and 5 more'."""
    if len(names) <= 3:
        return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
    return "%s and %d more" % (", ".join(names[:3]), len(names) - 3)


def _clusters(graph, layers):
    """Each node's neuron, "L1 N3", or None: a neuron's weights and bias, and the nodes of
    its one pass, `b + w0*x0 + w1*x1 + ...` (micrograd's `sum(..., self.b)`, a product then
    a sum per weight) and the activation that takes that sum alone, when the neuron is
    nonlinear. A neuron that ran more than once (a batch) gets no cluster: its passes would
    fold into one node. Neither does one whose pass has another shape."""
    index_of = {id(value): i for i, value in enumerate(graph.values)}
    cluster = [None] * len(graph.values)
    repeated, unshaped = [], []
    for l, layer in enumerate(layers, 1):
        for n, neuron in enumerate(layer, 1):
            weights = [index_of.get(id(w)) for w in neuron.w]
            bias = index_of.get(id(neuron.b))
            if bias is None or None in weights:
                continue
            passes = [nodes for nodes in (_neuron_pass(graph, bias, weights, first) for first in graph.users[bias])
                      if nodes is not None]
            name = "L%d N%d" % (l, n)
            if len(passes) > 1:
                repeated.append(name)
            elif not passes and any(graph.op[user] == "*" and any(k != w for k in graph.uses[user])
                                    for w in weights for user in graph.users[w]):
                # A weight times something else, in a pass of some other shape (a regularisation's w * w is not one).
                unshaped.append(name)
            if len(passes) != 1:
                continue
            nodes = passes[0]
            if getattr(neuron, "nonlin", True):
                # The activation: a ReLU or tanh of the last sum, when there is just one.
                last = nodes[-1] if nodes else bias
                activations = [user for user in graph.users[last]
                               if graph.op[user] in ("ReLU", "tanh") and graph.uses[user] == [last]]
                if len(activations) == 1:
                    nodes.append(activations[0])
            for i in [bias] + weights + nodes:
                cluster[i] = name
    if repeated:
        _warn("mgviz.trace: %s ran more than once on the way to the root, as over a batch, and %s no "
              "cluster: the passes would fold into one node" % (_names(repeated), "gets" if len(repeated) == 1 else "get"))
    if unshaped:
        _warn("mgviz.trace: the root uses %s, but not as micrograd's Neuron computes "
              "(b + w0*x0 + w1*x1 + ..., then its activation), so %s no cluster"
              % (_names(unshaped), "it gets" if len(unshaped) == 1 else "they get"))
    return cluster


def _neuron_pass(graph, bias, weights, first):
    """The products and sums of one pass of a neuron, `first` being its first sum, in
    order; None unless `first` starts one."""
    nodes = []
    total = bias
    candidates = [first]
    for w in weights:
        step = None
        for s in candidates:
            kids = graph.uses[s]
            if graph.op[s] != "+" or len(kids) != 2 or total not in kids:
                continue
            product = kids[1] if kids[0] == total else kids[0]
            if graph.op[product] == "*" and w in graph.uses[product] and product != total:
                step = (product, s)
                break
        if step is None:
            return None
        nodes.extend(step)
        total = step[1]
        candidates = graph.users[total]
    return nodes


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


class _Graph:
    """The nodes that root reaches, indexed 0 (root), 1, ... in the order a breadth-first walk
    met them (which depends on set order and is used for nothing that is written)."""

    def __init__(self, root, name_of, parameter_ids, node_limit=None):
        values = [root]
        seen = {id(root): 0}
        uses = []          # per node: its operand uses, as micrograd holds them
        ordered = []       # per node: whether _prev had an order of its own (a tuple or list)
        ops, labels, kinds, data, grads = [], [], [], [], []
        # Per node: the node it was first met as an operand of (-1 for the root), and which
        # operand, from 1, where that _prev has an order (0 in a set): a breadth-first walk,
        # so these give a shortest path from the root, for the messages about a malformed node.
        self.parent, self.slot = parent, slot = [-1], [0]
        self.values, self.op, self.label = values, ops, labels
        find, named = seen.get, name_of.get
        i = 0
        while i < len(values):
            value = values[i]
            op = getattr(value, "_op", "")
            op = "" if op is None else str(op)
            label = named(id(value))
            if label is None:
                label = getattr(value, "label", "")
                label = "" if label is None else str(label)
            ops.append(op)
            labels.append(label)
            for field, text in (("label", label), ("_op", op)):
                if not text.isascii() and _unencodable(text):
                    raise self.malformed(MgvizValueError, i, "%s %s" % (field, _unencodable(text)))
            prev = getattr(value, "_prev", ())
            try:
                operands = iter(prev)
            except TypeError:
                raise self.malformed(MgvizTypeError, i, "_prev is %s, not a collection of operand Values "
                                     "(a set, tuple or list)" % _shown(prev)) from None
            is_ordered = isinstance(prev, (tuple, list))
            kids = []
            for k, child in enumerate(operands, 1):
                j = find(id(child))
                if j is None:
                    if not _is_value(child):
                        raise self.malformed(MgvizTypeError, i, "%s is %s, not a micrograd Value (it has no data and "
                                             "_prev)" % ("operand %d" % k if is_ordered else "an operand", _shown(child)))
                    j = len(values)
                    if j == node_limit:
                        raise NodeLimit(node_limit)
                    seen[id(child)] = j
                    values.append(child)
                    parent.append(i)
                    slot.append(k if is_ordered else 0)
                kids.append(j)
            if len(kids) == 1 and not is_ordered and op in BINARY_OPS:
                # micrograd's set collapsed `a * a` into one child: it was used twice.
                kids.append(kids[0])
            if kids:
                kind = "op"
            elif id(value) in parameter_ids:
                kind = "parameter"
            elif label:
                kind = "input"
            else:
                kind = "constant"
            uses.append(kids)
            ordered.append(is_ordered)
            kinds.append(kind)
            data.append(self._checked(i, "data", value.data))
            grad = getattr(value, "grad", None)
            grads.append(None if grad is None else self._checked(i, "grad", grad))
            i += 1
        n = len(values)
        self.uses = uses
        self.ordered = ordered
        self.kind, self.data, self.grad = kinds, data, grads

        # Each node's distinct users.
        users = [[] for _ in range(n)]
        pending = [0] * n
        for i, kids in enumerate(uses):
            if len(kids) > 1:
                kids = list(dict.fromkeys(kids)) if len(kids) > 2 or kids[0] == kids[1] else kids
            pending[i] = len(kids)
            for j in kids:
                users[j].append(i)
        # Operands before results, by Kahn's algorithm (no recursion); a cycle is refused.
        upward = [i for i in range(n) if pending[i] == 0]
        k = 0
        while k < len(upward):
            j = upward[k]
            k += 1
            for i in users[j]:
                pending[i] -= 1
                if pending[i] == 0:
                    upward.append(i)
        if len(upward) != n:
            raise MgvizValueError("mgviz.trace: the graph has a cycle (a Value is its own operand)")
        self.upward = upward
        self.users = users

        # Whether a node is used once and heads a tree that nothing else uses: two such
        # operands of one node that are alike can be swapped without changing the document.
        count = [0] * n
        for kids in uses:
            for j in kids:
                count[j] += 1
        tree = [False] * n
        for i in upward:
            kids = uses[i]
            tree[i] = all(count[j] == kids.count(j) and tree[j] for j in kids)
        self.private = [tree[i] and count[i] == 1 for i in range(n)]

    def _checked(self, i, field, x):
        """Node i's data or grad as the document has it, or the error that says why it is no number."""
        number = _number(x)
        if type(number) is tuple:
            error, problem = number
            raise self.malformed(error, i, "%s %s" % (field, problem))
        return number

    def malformed(self, error, i, problem):
        """An `error` (MgvizTypeError or MgvizValueError) for node i, which `problem` says
        what is wrong with: the message places the node by its path from the root."""
        path = self.path_to(i)
        return error("mgviz.trace: at %s: %s" % (path, problem), node=self.values[i], path=path)

    def path_to(self, i):
        """`loss -> the + node -> the * node (operand 2)`: a shortest path from the root to
        node i, each node by its label or op; the middle of a long one left out."""
        chain = []
        while i >= 0:
            chain.append(i)
            i = self.parent[i]
        chain.reverse()
        if len(chain) > _PATH_STEPS:
            hidden = len(chain) - _PATH_STEPS + 1
            shown = chain[:2] + [None] + chain[-(_PATH_STEPS - 3):]
        else:
            hidden, shown = 0, chain
        return " -> ".join("({:,} more nodes)".format(hidden) if i is None else self._step(i) for i in shown)

    def _step(self, i):
        label, op = self.label[i], self.op[i]
        if label:
            text = label if label.isidentifier() and len(label) <= 40 else _printable(_repr.repr(label))
        elif i == 0:
            text = "the root"
        elif op:
            text = "the %s node" % _printable(op if len(op) <= 40 else op[:40] + "…")
        else:
            text = "a leaf"
        return text + (" (operand %d)" % self.slot[i] if self.slot[i] else "")

    def canonical(self):
        """The canonical operand order of every node and the canonical node order."""
        n = len(self.values)
        uses, ordered = self.uses, self.ordered
        ops, labels, kinds, data, grads = self.op, self.label, self.kind, self.data, self.grad
        blake2b = hashlib.blake2b

        # Bottom up: the height (longest path down to a leaf) and a structural hash of what
        # lies below, with the operands hashed in the order of their keys.
        height = [0] * n
        base = [None] * n
        structure = [b""] * n
        operands = [None] * n
        ties = False        # whether two distinct operands of one node tie on their keys
        for i in self.upward:
            kids = uses[i]
            local = repr((kinds[i], ops[i], labels[i], data[i], grads[i], ordered[i], len(kids))).encode(
                "utf-8", "surrogatepass")
            if kids:
                if len(kids) > 1 and not ordered[i]:
                    kids = sorted(kids, key=base.__getitem__)
                    for a, b in zip(kids, kids[1:]):
                        if a != b and structure[a] == structure[b] and not self._swappable(a, b):
                            ties = True
                height[i] = 1 + max([height[j] for j in kids])
                local += b"".join([structure[j] for j in kids])
            operands[i] = kids
            structure[i] = blake2b(local, digest_size=16).digest()
            base[i] = (-height[i], _KIND_RANK[kinds[i]], ops[i], labels[i],
                       _order_key(data[i]), _order_key(grads[i]), structure[i])

        if not ties:
            order, _ = self._depth_first(operands, None)
            return order, operands
        # Refine; then, while the walk still meets operands that tie and are not swappable,
        # single out the first of them and refine again.
        color = structure
        for choice in range(_MAX_CHOICES + 1):
            key, color = self._refine(base, color)
            operands = [self._in_order(i, key) for i in range(n)]
            order, tie = self._depth_first(operands, key)
            if tie is None or choice == _MAX_CHOICES:
                return order, operands
            color = list(color)
            color[tie] = _hash(color[tie], b"chosen")

    def _swappable(self, a, b):
        """Whether two operands of one node that tie can be taken in either order with the
        same document: each is used once, and is the top of a tree that nothing else uses."""
        return self.private[a] and self.private[b]

    def _depth_first(self, operands, key):
        """Nodes depth-first from root, each after its operands, and the first operand the
        walk meets that ties with the next one (under `key`) and is not swappable with it."""
        n = len(operands)
        order = []
        tie = None
        visited = bytearray(n)
        next_operand = [0] * n
        stack = [0]
        visited[0] = 1
        while stack:
            i = stack[-1]
            kids = operands[i]
            k = next_operand[i]
            if k == 0 and tie is None and key is not None and len(kids) > 1 and not self.ordered[i]:
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
        kids = self.uses[i]
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
        for _ in range(_MAX_ROUNDS):
            key = [base[i] + (color[i],) for i in range(n)]
            # Sweep down: users come before their operands.
            down = [b""] * n
            for i in downward:
                marks = []
                for user in self.users[i]:
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
                kids = self.uses[i]
                if not self.ordered[i]:
                    kids = sorted(kids, key=lambda j: (key[j], up[j]))
                up[i] = _hash(down[i], b"".join(up[j] for j in kids))
            new_classes = len(set(up))
            color = up
            if new_classes == classes or new_classes == n:
                break
            classes = new_classes
        return [base[i] + (color[i],) for i in range(n)], color
