"""mgviz: draw a micrograd expression graph, every node's op, value and gradient.

    import mgviz
    doc = mgviz.trace(loss, names={"x1": x1}, model=model)   # model: parameters, neurons
    mgviz.dump(loss, "loss.json")          # the mgviz-graph v1 document
    mgviz.draw(loss, "loss.svg", rankdir="TB", color="grad")   # runs the mgviz binary
    mgviz.show(loss)                       # inline SVG in Jupyter

trace() reads micrograd's attributes only: `data`, `grad`, `_prev`, `_op`, and `label`
where a Value has one ('' means no label). It works on the PyPI micrograd, the lecture's
Value and the exercises notebook's. Nothing recurses, so a 100,000-deep chain traces.

Kinds: a node with operands is `op`; a leaf is `parameter` when it is one of `parameters`
(by identity), else `input` when it has a label (its own or one from `names`), else
`constant`.

Clusters: with `model=` (an MLP, Layer or Neuron), each neuron that ran once is a cluster,
`L1 N3`: its weights, bias, products, sums and activation; mgviz's `--collapse neurons`
draws it as one node. Clusters do not change the order below.

Operands: one edge per operand use. micrograd keeps a node's operands in a set, so the
node of `a * a` has one child; for `+` and `*` a single child was used twice, and gets two
edges. (A `_prev` that is a tuple or list is taken as it is, in its own order.)

The canonical order. The document depends on neither set order nor PYTHONHASHSEED: the
same program gives the same bytes.

1. Each node's key is, in this order: its height (the longest path down to a leaf; the
   higher first), its kind (op, parameter, input, constant), op, label, data, grad (by
   value; NaN after numbers), then a structural hash of everything below it (a BLAKE2b
   hash of the node's fields and its operands' hashes in key order, computed bottom-up
   with a queue, not recursion).
2. The operands of a `+` or `*` (and of any node whose `_prev` is a set) are ordered by
   key: the first is the lhs, the second the rhs. The taller operand comes first because
   micrograd's expressions grow on the left: sums accumulate `((b + w0*x0) + w1*x1)`,
   `-x` is `x * -1`, `x - 1` is `x + -1`.
3. Operands that tie on that key (alike from below, such as the two `Value(1.0)` leaves of
   `(a + b) * a` before backward) are told apart by how they are used: sweeps down and up
   the graph hash in each node's users and which operand of them it is, until a round
   separates no more nodes (colour refinement); that hash extends the key. Two operands of
   one node that tie and are each used once, at the top of a tree nothing else uses (the
   leaves of `Value(2) * Value(2)`), are swappable: either order gives the same document.
   If the walk below still meets operands that tie and are not swappable (in a symmetric
   graph such as `(s + a) + (s + b)` with `s = a + b`), the first of them is singled out and
   the graph refined again, at most 64 times. Where the graph's symmetry swaps the tied
   operands, whichever is singled out gives the same document; only past those 64 choices,
   or where refinement cannot tell apart nodes that no symmetry swaps, could set order
   still decide (no such case turned up in 7,000 random tie-heavy programs).
4. Nodes are listed depth-first from the output, each after its operands (micrograd's own
   topological sort, with the operands in key order): so every edge goes from an earlier
   node to a later one, the output is last, and exactly the nodes the output reaches are
   listed. Ids are `n0, n1, ...` by position; edges are grouped by result in node order,
   lhs before rhs.

Numbers are written with repr's round-trip digits (an int 2 as 2.0, True as 1.0); NaN and
the infinities as the strings "NaN", "Infinity", "-Infinity"; a missing grad as null.

Errors. Everything refused is an MgvizError, and also the built-in exception Python code
expects: MgvizTypeError (a TypeError) for a malformed Value (a _prev that is not a
collection of Values, a data or grad that is not a number: a str never is), an unknown
keyword or a flag given a value; MgvizValueError (a ValueError) for a number beyond a
float's range (10**400), a cycle, or a graph with more than max_nodes= nodes for a layout
(svg, png, pdf, html without focus= or collapse=), found while tracing, before mgviz runs;
MgvizNotFound (a FileNotFoundError) for no binary; MgvizFailed (a RuntimeError) when mgviz
fails. A malformed Value's message says where it is, as a path from the root
(`loss -> the * node -> a leaf (operand 1)`); mgviz's messages are put in draw()'s terms
(`max_nodes=10`, `focus=NAME, depth=K`), with its own line kept as `.message`.
"""

from ._errors import MgvizError, MgvizFailed, MgvizNotFound, MgvizTypeError, MgvizValueError
from ._run import Drawing, draw, find_mgviz, show
from ._trace import document_text, dump, dumps, trace

__version__ = "0.1.0"

__all__ = [
    "trace", "dump", "dumps", "document_text", "draw", "show", "find_mgviz",
    "Drawing", "MgvizError", "MgvizTypeError", "MgvizValueError", "MgvizNotFound", "MgvizFailed",
]
