"""mgviz: draw a micrograd expression graph, every node's op, value and gradient.

    import mgviz
    doc = mgviz.trace(loss, names={"x1": x1}, model=model)   # model: its calls, grouped and named
    mgviz.dump(loss, "loss.json")          # the mgviz-graph document
    mgviz.draw(loss, "loss.svg", rankdir="TB", color="grad")   # runs the mgviz binary
    mgviz.draw(total_loss, "loss.svg", model=model)   # a batch: one example drawn, as a plate
    mgviz.show(loss)                       # in Jupyter: the interactive page, inline (and its SVG)
    mgviz.show(loss, format="svg")         # in Jupyter: the SVG alone
    mgviz.diff(before, loss, "d.svg")      # loss's graph as its difference from before's
    rec = mgviz.Recorder(model=model)      # a training run: rec.record(loss) after each backward,
    rec.save("run.mgviz-run")              # then save it, or draw it: rec.draw("run.html")

trace() reads micrograd's attributes only: `data`, `grad`, `_prev`, `_op`, and `label`
where a Value has one ('' means no label). It works on the PyPI micrograd, the lecture's
Value, EurekaLabs' and the exercises notebook's. Nothing recurses, so a 100,000-deep chain
traces. It reads each Value once.

Kinds: a node with operands is `op`; a leaf is `parameter` when it is one of `parameters`
(by identity), else `input` when it has a label (its own, one from `names`, or the model's
name for it), else `constant`.

A model. With `model=` (an MLP, Layer or Neuron: layers of neurons, each with weights `w`
and a bias `b`), its calls on the way to the root are found by their structure, as mgviz
groups a Swift model's calls (Sources/MgvizExport/EngineCapture.swift). A neuron's pass is
`b + w0*x0 + w1*x1 + ...` (micrograd's `sum((wi*xi ...), self.b)`), then its ReLU or tanh
unless `nonlin` is false; a call is one pass of each neuron, layer by layer, each layer's
passes fed the same inputs, the outputs of the layer below in neuron order (found from the
last layer down, so that inputs given as plain numbers, which micrograd makes into a
constant per product, are found too).
- A model that ran once (version 1): each neuron is a cluster, `L1 N3`, holding its
  weights, bias, products, sums and activation (mgviz's `collapse="neurons"` draws it as one
  node).
- A model that ran on N >= 2 examples, a batch (version 2, with `groups`): layer groups
  `L1`, ... holding neuron groups `L1 N3` that hold only the parameters; then a group per
  call, `MLP(x[k])` (`Layer(x[k])`, `Neuron(x[k])`; kind "call", number k from 0), holding
  its layers (number l), holding its neurons (number n), holding that call's products,
  sums and activations. Group ids `g0, g1, ...` in that order, a parent before its
  children; groups that hold no node are left out. mgviz draws a batch as a plate.
- Names, where the user gave none (names= or a Value's own label): the parameters `L1 N3
  w2` (weights counted from 1) and `L1 N3 b`; a call's input leaves `x[k][i]` (`x[i]` for
  one call); the last layer's outputs `score[k]` (`score`), or `score[k][j]` (`score[j]`)
  for several.
- The examples are numbered k in the order the loss adds them up: the terms of the chain
  of `+` outside the calls (Python's `sum(losses)`, or a loop's `total = total + loss`)
  whose terms come from the most calls (of two alike, the one that ends first in the
  document, then the one that starts first). Calls that chain does not add up (all, when
  no chain adds up two) come after, in the order of their outputs in the document.
- What cannot be grouped is drawn ungrouped, with a warning at the user's line: a neuron
  whose weights are used other than as micrograd's Neuron uses them, passes of the
  model's neurons that are part of no call (a layer run on its own), calls in which other
  outputs reach the root than in the rest (no plate then).

Operands: one edge per operand use. micrograd keeps a node's operands in a set, so the
node of `a * a` has one child; for `+` and `*` a single child was used twice, and gets two
edges. (A `_prev` that is a tuple or list is taken as it is, in its own order.)

The canonical order. The document depends on neither set order nor PYTHONHASHSEED: the
same program gives the same bytes. The model's names do not change it.

1. Each node's key is, in this order: its height (the longest path down to a leaf; the
   higher first), its kind (op, parameter, input, constant), op, label, data, grad (by
   value; NaN after numbers), then a structural hash of everything below it (a BLAKE2b
   hash of the node's fields and its operands' hashes in key order). Kind and label are
   the user's: a model's names come after the order.
2. The operands of a `+` or `*` (and of any node whose `_prev` is a set) are ordered by
   key: the first is the lhs, the second the rhs. The taller operand comes first because
   micrograd's expressions grow on the left: sums accumulate `((b + w0*x0) + w1*x1)`,
   `-x` is `x * -1`, `x - 1` is `x + -1`. The key is computed only as far as it is needed:
   the heights come from the walk, the rest of the key only for operands of equal height,
   and the structural hash only for operands that tie on the rest, and for what lies
   below them (once per node at most). In a model's graph the heights decide nearly all.
3. Operands that tie on the whole key (alike from below, such as the two `Value(1.0)`
   leaves of `(a + b) * a` before backward) are told apart by how they are used: sweeps
   down and up the graph hash in each node's users and which operand of them it is, until a
   round separates no more nodes (colour refinement); that hash extends the key. Two
   operands of one node that tie and are each used once, at the top of a tree nothing else
   uses (the leaves of `Value(2) * Value(2)`), are swappable: either order gives the same
   document. If the walk below still meets operands that tie and are not swappable (in a
   symmetric graph such as `(s + a) + (s + b)` with `s = a + b`), the first of them is
   singled out and the graph refined again, at most 64 times. Where the graph's symmetry
   swaps the tied operands, whichever is singled out gives the same document; only past
   those 64 choices, or where refinement cannot tell apart nodes that no symmetry swaps,
   could set order still decide (no such case turned up in 7,000 random tie-heavy
   programs). A graph with no such tie is never refined: the demo's loss over 100 points,
   the lecture's batch and EurekaLabs', before backward and after, have none.
4. With `model=`, the model's parameters that the root reaches come first, in the model's
   order (`parameters()`'s: layer by layer, neuron by neuron, its weights then its bias).
   Then the nodes are listed depth-first from the output, each after its operands
   (micrograd's own topological sort, with the operands in key order): so every edge goes
   from an earlier node to a later one, the output is last, and exactly the nodes the
   output reaches are listed. A batch's examples, alike, are listed alike. Ids are `n0,
   n1, ...` by position; edges are grouped by result in node order, lhs before rhs.

Numbers are written with repr's round-trip digits (an int 2 as 2.0, True as 1.0); NaN and
the infinities as the strings "NaN", "Infinity", "-Infinity"; a missing grad as null.

Errors. Everything refused is an MgvizError, and also the built-in exception Python code
expects: MgvizTypeError (a TypeError) for a malformed Value (a _prev that is not a
collection of Values, a data or grad that is not a number: a str never is), an unknown
keyword or a flag given a value; MgvizValueError (a ValueError) for a number beyond a
float's range (10**400), a cycle, or a graph with more than max_nodes= nodes for a layout
(svg, png, pdf, html without focus= or collapse=), found while tracing, before mgviz runs
(but for a model run on a batch of alike calls, which mgviz draws as a plate unless
batch="all": mgviz checks the plate's size, and the bridge traces up to 250,000 nodes);
MgvizNotFound (a FileNotFoundError) for no binary; MgvizFailed (a RuntimeError) when mgviz
fails. A malformed Value's message says where it is, as a path from the root
(`loss -> the * node -> a leaf (operand 1)`); mgviz's messages are put in draw()'s terms
(`max_nodes=10`, `focus=NAME, depth=K`), with its own line kept as `.message`.
"""

from ._errors import MgvizError, MgvizFailed, MgvizNotFound, MgvizTypeError, MgvizValueError
from ._record import Recorder
from ._run import Difference, Drawing, Page, diff, draw, find_mgviz, show
from ._trace import document_text, dump, dumps, trace

__version__ = "0.1.0"

__all__ = [
    "trace", "dump", "dumps", "document_text", "draw", "show", "diff", "find_mgviz", "Recorder",
    "Drawing", "Page", "Difference", "MgvizError", "MgvizTypeError", "MgvizValueError", "MgvizNotFound", "MgvizFailed",
]
