// mgviz's evaluator: micrograd's ops, forward and backward, on a graph as mgviz's JSON dump
// writes it (docs/dump.md), for the page's nudge and update. Self-contained: in a page it is
// the global MgvizEvaluator; under node, module.exports. Its numbers agree with the Swift
// engine's to 1e-12 (Tests/MgvizTests/EvaluatorTests.swift runs it on every sample).
//
// A graph is {ops, exponents, operands, kinds, leafData, output}: one entry a node, each
// after its operands, as the dump lists them. An op is micrograd's `_op`: "" for a leaf,
// "+", "*", "**" (a power with a Value exponent, two operands), "**k" (a number exponent,
// written in the name: "**2", "**-1", "**0.5"), "exp", "log", "tanh", "ReLU", "sigmoid",
// "sin", "cos". A folded node (a collapsed neuron, a plate's sum) is not an op it can run:
// `fromDump` refuses it, naming it.
(function (root) {
    "use strict";

    // The dump writes the non-finite numbers as strings.
    function number(x) {
        if (typeof x === "number") return x;
        if (x === "NaN") return NaN;
        if (x === "Infinity") return Infinity;
        if (x === "-Infinity") return -Infinity;
        throw new Error("not a number: " + JSON.stringify(x));
    }

    const unary = new Set(["exp", "log", "tanh", "ReLU", "sigmoid", "sin", "cos"]);

    // The graph of a dump: operands from its edges, in their order (an operand used twice
    // has two edges).
    function fromDump(dump) {
        const index = new Map(dump.nodes.map((node, i) => [node.id, i]));
        const operands = dump.nodes.map(() => []);
        for (const edge of dump.edges) operands[index.get(edge.to)].push(index.get(edge.from));
        const exponents = dump.nodes.map((node) => {
            const match = /^\*\*(-?[0-9.eE+-]+)$/.exec(node.op);
            return match ? Number(match[1]) : 0;
        });
        dump.nodes.forEach((node, i) => {
            const op = node.op;
            const arity = op === "" ? 0 : op === "+" || op === "*" || op === "**" ? 2 : 1;
            const known = op === "" || op === "+" || op === "*" || op === "**" || unary.has(op) || /^\*\*/.test(op) && !Number.isNaN(exponents[i]);
            if (!known || operands[i].length !== arity) throw new Error(node.id + ": the evaluator cannot run the op " + JSON.stringify(op));
        });
        return {
            ops: dump.nodes.map((node) => node.op),
            exponents,
            operands,
            kinds: dump.nodes.map((node) => node.kind),
            leafData: dump.nodes.map((node) => number(node.data)),
            output: index.get(dump.output),
        };
    }

    // One op's result from its operands' data, as micrograd's forward (and the Swift
    // engine's Op.apply) computes it.
    function apply(op, exponent, a, b) {
        switch (op) {
            case "+": return a + b;
            case "*": return a * b;
            case "**": return Math.pow(a, b);
            case "exp": return Math.exp(a);
            case "log": return Math.log(a);
            case "tanh": return Math.tanh(a);
            // micrograd: 0 where a < 0; NaN and -0 pass through.
            case "ReLU": return a < 0 ? 0 : a;
            case "sigmoid": return 1 / (1 + Math.exp(-a));
            case "sin": return Math.sin(a);
            case "cos": return Math.cos(a);
            default: return Math.pow(a, exponent);
        }
    }

    // ∂out/∂a and ∂out/∂b, each op's local derivative, as micrograd's _backward uses them.
    function local(op, exponent, a, b, out) {
        switch (op) {
            case "+": return [1, 1];
            case "*": return [b, a];
            // As PyTorch does: a zero base with b >= 0 has no ln-term, not 0 * -inf.
            case "**": return [b * Math.pow(a, b - 1), a === 0 && b >= 0 ? 0 : out * Math.log(a)];
            case "exp": return [out, 0];
            case "log": return [1 / a, 0];
            case "tanh": return [1 - out * out, 0];
            case "ReLU": return [out > 0 ? 1 : 0, 0];
            case "sigmoid": return [out * (1 - out), 0];
            case "sin": return [Math.cos(a), 0];
            case "cos": return [-Math.sin(a), 0];
            default: return [exponent * Math.pow(a, exponent - 1), 0];
        }
    }

    // Every node's data, the leaves' from `leafData` (one entry a node; only leaves' read).
    function forward(graph, leafData) {
        const data = new Array(graph.ops.length);
        for (let i = 0; i < data.length; i++) {
            const ins = graph.operands[i];
            data[i] = graph.ops[i] === "" ? leafData[i] : apply(graph.ops[i], graph.exponents[i], data[ins[0]], ins.length > 1 ? data[ins[1]] : 0);
        }
        return data;
    }

    // Every node's grad: the output's 1, then each node's _backward in reverse order. A node
    // the output does not reach keeps 0 and passes nothing on, as in micrograd, whose
    // topological sort never visits it (0 × an infinite local derivative would be NaN).
    function backward(graph, data) {
        const grads = new Array(data.length).fill(0);
        const reached = new Array(data.length).fill(false);
        grads[graph.output] = 1;
        reached[graph.output] = true;
        for (let i = graph.output; i >= 0; i--) {
            if (!reached[i] || graph.ops[i] === "") continue;
            const ins = graph.operands[i];
            const d = local(graph.ops[i], graph.exponents[i], data[ins[0]], ins.length > 1 ? data[ins[1]] : 0, data[i]);
            ins.forEach((operand, slot) => {
                grads[operand] += d[slot] * grads[i];
                reached[operand] = true;
            });
        }
        return grads;
    }

    // The exercises notebook's section 1 on the graph: move one leaf by h and run forward
    // again. Δoutput is to be compared with grad × h, and the slope Δoutput / h with the grad.
    function nudge(graph, leafData, leaf, h) {
        const before = forward(graph, leafData);
        const grads = backward(graph, before);
        const moved = leafData.slice();
        moved[leaf] += h;
        const after = forward(graph, moved);
        const delta = after[graph.output] - before[graph.output];
        return { before: before[graph.output], after: after[graph.output], delta, grad: grads[leaf], predicted: grads[leaf] * h, slope: delta / h };
    }

    // The leaves an update step moves: the parameters, or every input where there are none.
    // Constants never move.
    function updated(graph) {
        const leaves = graph.ops.map((op, i) => i).filter((i) => graph.ops[i] === "");
        const parameters = leaves.filter((i) => graph.kinds[i] === "parameter");
        return parameters.length > 0 ? parameters : leaves.filter((i) => graph.kinds[i] === "input");
    }

    // One gradient descent step, `p.data -= lr * p.grad`, from `leafData`: the leaves' new data.
    function step(graph, leafData, lr) {
        const grads = backward(graph, forward(graph, leafData));
        const next = leafData.slice();
        for (const i of updated(graph)) next[i] -= lr * grads[i];
        return next;
    }

    // The output before any step and after each of `count` steps, from the drawn values.
    function descend(graph, lr, count) {
        let leafData = graph.leafData;
        const outputs = [forward(graph, leafData)[graph.output]];
        for (let k = 0; k < count; k++) {
            leafData = step(graph, leafData, lr);
            outputs.push(forward(graph, leafData)[graph.output]);
        }
        return outputs;
    }

    const evaluator = { fromDump, apply, local, forward, backward, nudge, updated, step, descend };
    if (typeof module !== "undefined" && module.exports) module.exports = evaluator;
    else root.MgvizEvaluator = evaluator;
})(typeof globalThis !== "undefined" ? globalThis : this);
