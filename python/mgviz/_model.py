"""A micrograd model's calls in a traced graph, found by their structure, and the groups and
names mgviz gives them (as Sources/MgvizExport/EngineCapture.swift does for a Swift model).

A neuron's pass is `b + w0*x0 + w1*x1 + ...` (micrograd's `sum((wi*xi ...), self.b)`, a
product then a sum per weight), then its ReLU or tanh when it is nonlinear. A call of the
model is one pass of each of its neurons, layer by layer, each layer's passes fed the same
inputs: the outputs of the layer below, in neuron order, or for the first layer the call's
inputs. Calls are found from the last layer down.
"""

import os
import sys
import warnings

from ._errors import MgvizError, MgvizTypeError

__all__ = ["layers_of", "model_nodes"]

# The activations a nonlinear neuron may end with.
_ACTIVATIONS = ("ReLU", "tanh")


class Shape:
    """A model as its calls are named: `kind` ("MLP", "Layer" or "Neuron") and its neurons,
    layer by layer."""

    def __init__(self, kind, layers):
        self.kind = kind
        self.layers = layers


def layers_of(model):
    """The Shape of a micrograd MLP, Layer or Neuron (anything with layers of neurons, each
    with a list of Values w and a Value b)."""
    def refuse(why):
        return MgvizTypeError("mgviz.trace: model must be a micrograd MLP, Layer or Neuron (layers of neurons, "
                              "each with a list of Values w and a Value b); this %s %s" % (type(model).__name__, why))
    try:
        if hasattr(model, "layers"):
            layers = [layer for layer in model.layers]
            if not all(hasattr(layer, "neurons") for layer in layers):
                raise refuse("has a layer without neurons")
            kind, layers = "MLP", [list(layer.neurons) for layer in layers]
        elif hasattr(model, "neurons"):
            kind, layers = "Layer", [list(model.neurons)]
        else:
            kind, layers = "Neuron", [[model]]
        if not any(layers):
            raise refuse("has no neurons")
        if not all(layers):
            raise refuse("has a layer without neurons")
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
    return Shape(kind, layers)


class ModelNodes:
    """What the model says of a traced graph's nodes: their labels and kinds as the document
    writes them, the groups (kind, name, number, parent position or -1) and each node's
    innermost group (-1 for none), and the document's version: 2 for a batch's calls."""

    def __init__(self, labels, kinds, groups, group_of, version, is_alike_batch):
        self.labels = labels
        self.kinds = kinds
        self.groups = groups
        self.group_of = group_of
        self.version = version
        # Two calls or more, alike: mgviz draws one of them, as a plate.
        self.is_alike_batch = is_alike_batch


class _Pass:
    """One pass of a neuron: its products and sums (and activation), in order, what each
    product took besides its weight, and the node it hands on."""

    __slots__ = ("layer", "neuron", "nodes", "inputs", "output")

    def __init__(self, layer, neuron, nodes, inputs, output):
        self.layer, self.neuron = layer, neuron
        self.nodes, self.inputs, self.output = nodes, inputs, output


def model_nodes(graph, shape, order, position):
    """The ModelNodes of `graph` (a traced _Graph) for the model `shape`, its nodes listed
    in `order` (`position` is each node's place in it). Warns, at the user's line, of what
    it cannot group."""
    index = graph.index
    passes, stray_neurons, misshapen = [], [], []
    for l, layer in enumerate(shape.layers):
        passes.append([])
        for m, neuron in enumerate(layer):
            weights = [index.get(id(w)) for w in neuron.w]
            bias = index.get(id(neuron.b))
            found = []
            if bias is not None and weights and None not in weights:
                found = _passes(graph, l, m, bias, weights, getattr(neuron, "nonlin", True))
                if not found and _weights_multiply(graph, weights):
                    misshapen.append(_neuron_name(l, m))
            passes[-1].append(found)

    calls = _calls(graph, shape, passes, position)
    claimed = set()
    for call in calls:
        for layer in call:
            claimed.update(id(p) for p in layer.values())
    stray = [p for layer in passes for found in layer for p in found if id(p) not in claimed]
    for p in stray:
        name = _neuron_name(p.layer, p.neuron)
        if name not in stray_neurons:
            stray_neurons.append(name)
    if len(calls) > 1:
        calls = _in_example_order(graph, calls, order, position)
    shapes = [tuple(sorted(call[-1])) for call in calls]
    usual = max(set(shapes), key=lambda s: (shapes.count(s), s)) if shapes else None
    odd = sum(1 for s in shapes if s != usual)

    labels, kinds, groups, group_of = _named_and_grouped(graph, shape, calls)
    _warn_of(shape, len(calls), misshapen, stray, stray_neurons, odd)
    return ModelNodes(labels, kinds, groups, group_of, 2 if len(calls) > 1 else 1, len(calls) > 1 and odd == 0)


def _neuron_name(l, m):
    return "L%d N%d" % (l + 1, m + 1)


def _passes(graph, l, m, bias, weights, nonlinear):
    """The passes of neuron m of layer l: each user of its bias that starts one."""
    users, kids_of, ops = graph.users, graph.kids, graph.op
    found = []
    for first in users[bias]:
        nodes, inputs = [], []
        total, candidates = bias, (first,)
        for w in weights:
            # The next sum: `total + w*x`, in either order.
            for s in candidates:
                kids = kids_of[s]
                if len(kids) != 2 or ops[s] != "+":
                    continue
                a, product = kids
                if product == total:
                    product = a
                elif a != total:
                    continue
                factors = kids_of[product]
                if product == total or len(factors) != 2 or ops[product] != "*":
                    continue
                x, y = factors
                if x == w:
                    x = y
                elif y != w:
                    continue
                nodes += (product, s)
                inputs.append(x)
                total = s
                break
            else:
                break
            candidates = users[total]
        else:
            output = total
            if nonlinear:
                activations = [user for user in users[total] if ops[user] in _ACTIVATIONS and kids_of[user] == [total]]
                if len(activations) == 1:
                    output = activations[0]
                    nodes.append(output)
            found.append(_Pass(l, m, nodes, inputs, output))
    return found


def _weights_multiply(graph, weights):
    """Whether a weight is multiplied by something else than itself (a regularisation's
    w * w is not): a pass of some other shape than a neuron's."""
    users, kids_of, ops = graph.users, graph.kids, graph.op
    return any(ops[user] == "*" and any(k != w for k in kids_of[user]) for w in weights for user in users[w])


def _calls(graph, shape, passes, position):
    """The calls: each a list, per layer, of {neuron: pass}. The last layer's passes that
    take the same inputs are one call (the same Values; or, where a first layer took plain
    numbers, which micrograd makes into a constant per product, the same numbers), with the
    passes whose outputs those inputs are below them, down to the first layer. A call that
    does not reach down so has another shape, and its passes are grouped in none."""
    top = len(shape.layers) - 1
    owner = {}
    for layer in passes:
        for found in layer:
            for p in found:
                owner[p.output] = p
    alike = {}
    for found in passes[top]:
        for p in found:
            alike.setdefault(_inputs_key(graph, p.inputs), {}).setdefault(p.neuron, []).append(p)
    calls, claimed = [], set()
    for by_neuron in alike.values():
        # One model run twice on the same inputs: its passes are paired in document order.
        for found in by_neuron.values():
            found.sort(key=lambda p: position[p.output])
        for copy in range(max(len(found) for found in by_neuron.values())):
            call = [{} for _ in shape.layers]
            call[top] = {m: found[copy] for m, found in by_neuron.items() if copy < len(found)}
            if _reaches_down(call, shape, owner, claimed):
                calls.append(call)
                for layer in call:
                    claimed.update(id(p) for p in layer.values())
    return calls


def _inputs_key(graph, inputs):
    """What tells a layer's passes of one call from another's: their inputs, the Values; a
    constant that only its product uses (a plain number given to the model) by its value."""
    users, kinds, data = graph.users, graph.kind, graph.data
    return tuple(("constant", data[x]) if kinds[x] == "constant" and len(users[x]) == 1 else x for x in inputs)


def _reaches_down(call, shape, owner, claimed):
    """Fills in the layers of `call` below its last from the inputs of each; whether each
    layer's passes take one list of inputs, the outputs of every neuron of the layer below,
    none of them in another call."""
    for l in range(len(shape.layers) - 1, 0, -1):
        found = list(call[l].values())
        inputs = found[0].inputs
        if any(p.inputs != inputs for p in found) or len(inputs) != len(shape.layers[l - 1]):
            return False
        for m, x in enumerate(inputs):
            p = owner.get(x)
            if p is None or p.layer != l - 1 or p.neuron != m or id(p) in claimed:
                return False
            call[l - 1][m] = p
    return True


def _in_example_order(graph, calls, order, position):
    """The calls numbered as the loss adds up the examples: in the order of the terms of the
    chain of `+` (Python's `sum(losses)`) whose terms come from the most calls (of two alike,
    the one that ends first in the document, then the one that starts first); calls that it
    does not add up (or all, when no chain adds up two) come after, in the order of their
    outputs in the document."""
    ops, kids_of, users = graph.op, graph.kids, graph.users
    shared, several = -1, -2
    example = [shared] * len(order)
    for c, call in enumerate(calls):
        for layer in call:
            for p in layer.values():
                for i in p.nodes:
                    example[i] = c
    # Any other node is the one call its operands come from, or shared, or of several.
    for i in order:
        if example[i] != shared or not kids_of[i]:
            continue
        e = shared
        for j in kids_of[i]:
            other = example[j]
            if other == shared or other == e:
                continue
            if e != shared or other == several:
                e = several
                break
            e = other
        example[i] = e
    # Chains of `+` outside the calls, each used only by the next: the sums Python's `sum` builds.
    following = {}
    for i in order:
        if ops[i] == "+" and example[i] < 0:
            user = users[i]
            if len(user) == 1 and ops[user[0]] == "+":
                following[i] = user[0]
    best, best_rank = [], None
    for head in set(following) - set(following.values()):
        seen, previous, add = {}, -1, head
        while True:
            for term in kids_of[add]:
                if term != previous and example[term] >= 0:
                    seen.setdefault(example[term])
            if add not in following:
                break
            previous, add = add, following[add]
        rank = (-len(seen), position[add], position[head])
        if len(seen) >= 2 and (best_rank is None or rank < best_rank):
            best, best_rank = list(seen), rank
    outputs = [min(position[p.output] for p in call[-1].values()) for call in calls]
    rest = sorted(set(range(len(calls))) - set(best), key=outputs.__getitem__)
    return [calls[c] for c in best + rest]


def _named_and_grouped(graph, shape, calls):
    """Each node's label and kind as written, the groups, and each node's group, as mgviz
    makes them for a Swift model's calls: the layers and neurons, holding the parameters;
    for a batch, then a group per call (`MLP(x[17])`) holding its layers, holding its
    neurons, holding what each neuron's pass made. A user's label wins over the model's
    name; a name makes a leaf an input."""
    index = graph.index
    n = len(graph.kids)
    groups = []

    def group(kind, name, number, parent):
        groups.append((kind, name, number, parent))
        return len(groups) - 1

    def layer_groups(parent):
        """A group per layer, in `parent` (-1 for none), holding a group per neuron: the
        neurons' groups, layer by layer."""
        neurons = []
        for l, layer in enumerate(shape.layers):
            layer_group = group("layer", "L%d" % (l + 1), l + 1, parent)
            neurons.append([group("neuron", _neuron_name(l, m), m + 1, layer_group) for m in range(len(layer))])
        return neurons

    neuron_groups = layer_groups(-1)
    group_of = [-1] * n
    names = {}
    if calls:
        for l, layer in enumerate(shape.layers):
            for m, neuron in enumerate(layer):
                parameters = list(neuron.w) + [neuron.b]
                for k, parameter in enumerate(parameters):
                    i = index.get(id(parameter))
                    if i is not None:
                        group_of[i] = neuron_groups[l][m]
                        names[i] = _neuron_name(l, m) + (" w%d" % (k + 1) if k < len(parameters) - 1 else " b")
    batch = len(calls) > 1
    outputs = len(shape.layers[-1])
    for k, call in enumerate(calls):
        example = "[%d]" % k if batch else ""
        call_groups = layer_groups(group("call", "%s(x%s)" % (shape.kind, example), k, -1)) if batch else neuron_groups
        for p in call[0].values():
            for i, x in enumerate(p.inputs):
                if not graph.kids[x]:
                    names[x] = "x%s[%d]" % (example, i)
        for l, layer in enumerate(call):
            for m, p in layer.items():
                for i in p.nodes:
                    group_of[i] = call_groups[l][m]
        for m, p in call[-1].items():
            if p.nodes:
                names[p.output] = "score" + example + ("[%d]" % m if outputs > 1 else "")

    labels = list(graph.label)
    kinds = graph.kind
    if names:
        kinds = list(kinds)
        for i, name in names.items():
            if not labels[i]:
                labels[i] = name
                if kinds[i] == "constant":
                    kinds[i] = "input"
    return (labels, kinds) + _without_empty_groups(groups, group_of)


def _without_empty_groups(groups, group_of):
    """The groups that hold a node, or a group that does, renumbered; and each node's."""
    used = [False] * len(groups)
    for g in set(group_of):
        while g >= 0 and not used[g]:
            used[g] = True
            g = groups[g][3]
    if all(used):
        return groups, group_of
    renumbered, kept = [-1] * len(groups), []
    for g, (kind, name, number, parent) in enumerate(groups):
        if used[g]:
            renumbered[g] = len(kept)
            kept.append((kind, name, number, renumbered[parent] if parent >= 0 else -1))
    return kept, [renumbered[g] if g >= 0 else -1 for g in group_of]


def _warn_of(shape, calls, misshapen, stray, stray_neurons, odd):
    """The warnings for what the model's structure could not group."""
    runs = "once" if calls == 1 else "twice" if calls == 2 else "%d times" % calls
    if misshapen:
        _warn("mgviz.trace: the root uses %s, but not as micrograd's Neuron computes "
              "(b + w0*x0 + w1*x1 + ..., then its activation), so %s in no group"
              % (_names(misshapen), "it is" if len(misshapen) == 1 else "they are"))
    if stray:
        passes = "1 pass" if len(stray) == 1 else "%d passes" % len(stray)
        where = ("%s ran %s on the way to the root, but %s of its neurons (%s) %s part of no call of it"
                 % (shape.kind, runs, passes, _names(stray_neurons), "is" if len(stray) == 1 else "are")
                 if calls else "the root uses %s of the %s's neurons (%s), but no call of the whole %s"
                 % (passes, shape.kind, _names(stray_neurons), shape.kind))
        _warn("mgviz.trace: %s (fed other inputs than the layer below's outputs, or feeding no call's next "
              "layer): %s drawn ungrouped" % (where, "it is" if len(stray) == 1 else "those are"))
    if odd:
        _warn("mgviz.trace: %s ran %s on the way to the root, but in %d of its calls other outputs reach the root "
              "than in the rest: mgviz draws every call, with no plate" % (shape.kind, runs, odd))


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
