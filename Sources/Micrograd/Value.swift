import Glibc

/// A scalar in an expression graph: a handle to one node of a `Graph`.
///
/// It reads like micrograd's `Value`: `let a = Value(2.0, label: "a")`, `let loss = -(p.log())`,
/// `loss.backward()`, `a.grad`. Copying a Value copies the handle, not the node. It is
/// Sendable as its graph is: it may cross tasks, but one task at a time uses the graph.
///
/// A Value does not keep its graph alive (see `Graph`): the graph must outlive it. Using a
/// Value whose graph was freed traps with a message that says so; `graphIsAlive` asks.
public struct Value: @unchecked Sendable {
    /// Its graph's storage: tapes are never freed, so this is always safe to read.
    let tape: UnsafeMutablePointer<Tape>
    /// The generation of `tape` that its graph is; a freed graph's tape has moved on.
    let generation: UInt32
    /// The node's position on the tape: operands always have smaller ids than their results.
    public let id: Int32

    @inline(__always)
    init(tape: UnsafeMutablePointer<Tape>, generation: UInt32, id: Int32) {
        self.tape = tape
        self.generation = generation
        self.id = id
    }

    /// A leaf on `Graph.current`: the enclosing `withScope` graph, or else `Graph.shared`.
    public init(_ data: Double, label: String? = nil) {
        self = Graph.current.leaf(data, label: label)
    }

    /// A leaf on `graph`.
    public init(_ data: Double, label: String? = nil, in graph: Graph) {
        self = graph.leaf(data, label: label)
    }

    /// Whether this Value's graph is still alive. Any other use of a Value whose graph was
    /// freed traps.
    public var graphIsAlive: Bool { tape.pointee.generation == generation }

    /// The graph this Value is a node of.
    public var graph: Graph { liveTape.pointee.owner.unsafelyUnwrapped.takeUnretainedValue() }

    /// The tape, once its generation is checked.
    @inline(__always)
    var liveTape: UnsafeMutablePointer<Tape> {
        if _slowPath(tape.pointee.generation != generation) { Value.graphWasFreed() }
        return tape
    }

    /// This node, on a live graph and not dropped by `truncate(to:)`.
    @inline(__always)
    private var node: UnsafeMutablePointer<Node> {
        let tape = liveTape
        if _slowPath(Int(id) >= tape.pointee.count) { Value.wasTruncated(id, count: tape.pointee.count) }
        return tape.pointee.nodes.unsafelyUnwrapped + Int(id)
    }

    @inline(never)
    static func graphWasFreed() -> Never {
        preconditionFailure(
            "this Value's graph has been freed: a Graph must outlive its Values (keep `let graph = Graph()` alive, e.g. with withExtendedLifetime(graph), while they are used)")
    }

    @inline(never)
    static func wasTruncated(_ id: Int32, count: Int) -> Never {
        preconditionFailure("node \(id) is not in its graph of \(count) nodes: truncate(to:) dropped it")
    }

    /// The node's value: computed when the node was made, or set since. Setting it changes
    /// no other node; `Graph.forward(_:)` recomputes the ones after it.
    public var data: Double {
        get { node.pointee.data }
        nonmutating set {
            node.pointee.data = newValue
            tape.pointee.noteData(newValue, of: Int(id))
            tape.pointee.debugCheckInvariants(of: Int(id)..<(Int(id) + 1))
        }
    }

    /// d(output)/d(this node), once backward has run from an output; 0 until then, and after
    /// `Graph.zeroGrad()`.
    public var grad: Double {
        get { node.pointee.grad }
        nonmutating set {
            node.pointee.grad = newValue
            tape.pointee.noteGrad(newValue, of: Int(id))
            tape.pointee.debugCheckInvariants(of: Int(id)..<(Int(id) + 1))
        }
    }

    /// The name drawn on the node (`"x1"`, `"loss"`); nil for none.
    public var label: String? {
        get { graph.labels[id] }
        // Through `node` first, so that labelling a Value that truncate dropped traps as reading it does.
        nonmutating set { _ = node; graph.setLabel(newValue, of: id) }
    }

    /// The operation that made the node; `.leaf` for a number given.
    public var op: Op { node.pointee.op }

    /// micrograd's `_op`: `+`, `*`, `**2`, `**`, `exp`, `ReLU`, …; empty for a leaf.
    public var opName: String {
        let node = self.node.pointee
        return node.op == .power ? "**" + tape.pointee.exponents.unsafelyUnwrapped[node.rhs].spelling : node.op.name
    }

    /// The operands in order, one entry per use: `a * a` has `[a, a]`.
    public var operands: [Value] {
        let node = self.node.pointee
        func value(_ id: Int) -> Value { Value(tape: tape, generation: generation, id: Int32(truncatingIfNeeded: id)) }
        switch node.op {
        case .leaf: return []
        case .add, .mul, .powerValue: return [value(node.lhs), value(node.rhs)]
        default: return [value(node.lhs)]
        }
    }

    /// The exponent of a `**k` node.
    public var exponent: Double? {
        let node = self.node.pointee
        return node.op == .power ? tape.pointee.exponents.unsafelyUnwrapped[node.rhs].value : nil
    }

    /// Sets this node's grad to 1 and accumulates d(self)/d(node) into every node it depends on.
    public func backward() { graph.backward(from: id) }

    // MARK: building, straight on the tape

    /// A leaf on the tape: no label, so no need of the Graph object.
    @inline(__always)
    static func leaf(_ data: Double, on tape: UnsafeMutablePointer<Tape>, generation: UInt32) -> Value {
        let id = tape.pointee.append(Node(data: data, op: .leaf, lhs: 0, rhs: 0))
        return Value(tape: tape, generation: generation, id: Int32(truncatingIfNeeded: id))
    }

    @inline(__always)
    private func constant(_ x: Double) -> Value { Value.leaf(x, on: liveTape, generation: generation) }

    @inline(__always)
    static func binary(_ op: Op, _ a: Value, _ b: Value) -> Value {
        let tape = a.tape
        let count = tape.pointee.count
        // One branch for the four checks; the slow path says which failed.
        if _slowPath(
            (tape.pointee.generation != a.generation) || (b.tape != tape) || (b.generation != a.generation)
                || (Int(a.id) >= count) || (Int(b.id) >= count)
        ) {
            invalidOperands(a, b)
        }
        let nodes = tape.pointee.nodes.unsafelyUnwrapped
        let out = op.apply(nodes[Int(a.id)].data, nodes[Int(b.id)].data).out
        let id = tape.pointee.append(Node(data: out, op: op, lhs: Int(a.id), rhs: Int(b.id)))
        return Value(tape: tape, generation: a.generation, id: Int32(truncatingIfNeeded: id))
    }

    @inline(__always)
    static func unary(_ op: Op, _ a: Value) -> Value {
        let data = a.node.pointee.data  // checks the graph and the id
        let t = a.tape
        let id = t.pointee.append(Node(data: op.apply(data, 0).out, op: op, lhs: Int(a.id), rhs: 0))
        return Value(tape: t, generation: a.generation, id: Int32(truncatingIfNeeded: id))
    }

    static func power(_ a: Value, _ exponent: Exponent) -> Value {
        let data = a.node.pointee.data
        let t = a.tape
        let id = t.pointee.count
        var exponent = exponent
        exponent.node = Int32(truncatingIfNeeded: id)
        let index = t.pointee.appendExponent(exponent)
        let out = Op.power.apply(data, exponent.value).out
        _ = t.pointee.append(Node(data: out, op: .power, lhs: Int(a.id), rhs: index))
        return Value(tape: t, generation: a.generation, id: Int32(truncatingIfNeeded: id))
    }

    /// A neuron's `b + w0*x0 + w1*x1 + …`, node for node what the operators build (each
    /// product, then the sum that adds it), with the operands checked once and the running
    /// sum kept in a register rather than read back from the node just written.
    ///
    /// `weights` must be on `bias`'s graph with ids below `bias.id`, as `Neuron` makes them:
    /// then checking `bias` checks them too, and only the inputs are checked one by one.
    static func weightedSum(bias: Value, weights: [Value], inputs: [Value]) -> Value {
        let n = weights.count
        precondition(inputs.count == n, "a neuron with \(n) inputs got \(inputs.count)")
        let tape = bias.checkedParameters(needing: 2 * n)
        return inputs.withUnsafeBufferPointer { inputs in
            bias.checkInputs(inputs)
            return weights.withUnsafeBufferPointer { weights in
                let sum = tape.pointee.appendWeightedSum(
                    bias: Int(bias.id), weights: { Int(weights[$0].id) }, inputs: { Int(inputs[$0].id) }, count: n)
                return Value(tape: tape, generation: bias.generation, id: Int32(truncatingIfNeeded: sum))
            }
        }
    }

    /// Layers' forward passes one after the other, node for node what `layers.reduce(inputs)
    /// { $1($0) }` makes: each neuron's weighted sum, then its activation. The ids between
    /// layers stay on the stack; only the last layer's outputs become an array. Every
    /// layer's parameters are on one graph, as an MLP makes them, so that checking the
    /// newest of them checks them all.
    static func dense(_ layers: some Collection<DenseLayer>, inputs: [Value]) -> [Value] {
        guard let first = layers.first else { return inputs }
        precondition(inputs.count == first.fanIn, "a neuron with \(first.fanIn) inputs got \(inputs.count)")
        let newest = layers.reduce(first.last) { $1.last.id > $0.id ? $1.last : $0 }
        let tape = newest.checkedInputs(inputs)
        let widest = layers.reduce(inputs.count) { Swift.max($0, $1.width) }
        return withUnsafeTemporaryAllocation(of: Int32.self, capacity: 2 * widest) { scratch in
            var from = scratch.baseAddress.unsafelyUnwrapped, to = from + widest
            for (i, x) in inputs.enumerated() { from[i] = x.id }
            var width = inputs.count
            for layer in layers {
                let inputs = from, outputs = to
                layer.append(on: tape, inputs: { Int(inputs[$0]) }) { n, id in outputs[n] = id }
                swap(&from, &to)
                width = layer.width
            }
            let ids = from
            return (0..<width).map { Value(tape: tape, generation: first.last.generation, id: ids[$0]) }
        }
    }

    /// Traps unless this parameter's graph is alive and `inputs` are on it, not dropped.
    private func checkedInputs(_ inputs: [Value]) -> UnsafeMutablePointer<Tape> {
        let tape = checkedParameters(needing: 0)
        inputs.withUnsafeBufferPointer { checkInputs($0) }
        return tape
    }

    /// This parameter's tape, once its graph is alive, its id below the tape's count, and
    /// room made for `nodes` more nodes.
    @inline(__always)
    func checkedParameters(needing nodes: Int) -> UnsafeMutablePointer<Tape> {
        let start = tape.pointee.count
        if _slowPath(tape.pointee.generation != generation || Int(id) >= start) { _ = node }
        if _slowPath(start + nodes > tape.pointee.capacity) { tape.pointee.grow(toAtLeast: start + nodes) }
        return tape
    }

    /// Traps unless every input is on this Value's graph and not dropped: branch-free, as
    /// every input of a well-formed call passes.
    @inline(__always)
    private func checkInputs(_ inputs: UnsafeBufferPointer<Value>) {
        let start = tape.pointee.count
        var bad: UInt = 0
        for x in inputs {
            bad |= (UInt(bitPattern: x.tape) ^ UInt(bitPattern: tape)) | UInt(x.generation ^ generation)
                | ((UInt(bitPattern: Int(x.id) &- start) >> 63) ^ 1)
        }
        if _slowPath(bad != 0) {
            for x in inputs { Value.checkOperands(self, x) }
        }
    }

    /// Traps with the reason `a` and `b` cannot be combined, if there is one.
    static func checkOperands(_ a: Value, _ b: Value) {
        if a.tape != b.tape || a.generation != b.generation { invalidOperands(a, b) }
        _ = a.node
        _ = b.node
    }

    @inline(never)
    static func invalidOperands(_ a: Value, _ b: Value) -> Never {
        _ = a.node
        _ = b.node
        preconditionFailure("cannot combine Values from different graphs")
    }

    // MARK: ops, built exactly as micrograd builds them

    /// A `+` node of `a` and `b`.
    public static func + (a: Value, b: Value) -> Value { binary(.add, a, b) }
    /// A `+` node of `a` and the constant `b`, which becomes an unlabelled leaf.
    public static func + (a: Value, b: Double) -> Value { a + a.constant(b) }
    /// micrograd's `__radd__`: `b + a`, the constant a leaf.
    public static func + (a: Double, b: Value) -> Value { b + a }

    /// A `*` node of `a` and `b`.
    public static func * (a: Value, b: Value) -> Value { binary(.mul, a, b) }
    /// A `*` node of `a` and the constant `b`, which becomes an unlabelled leaf.
    public static func * (a: Value, b: Double) -> Value { a * a.constant(b) }
    /// micrograd's `__rmul__`: `b * a`, the constant a leaf.
    public static func * (a: Double, b: Value) -> Value { b * a }

    /// micrograd's `__neg__`: `a * -1`.
    public static prefix func - (a: Value) -> Value { a * -1 }
    /// micrograd's `__sub__`: `a + (-b)`.
    public static func - (a: Value, b: Value) -> Value { a + (-b) }
    /// `a + (-b)`, the constant `-b` a leaf.
    public static func - (a: Value, b: Double) -> Value { a + (-b) }
    /// micrograd's `__rsub__`: `a + (-b)`, the constant a leaf.
    public static func - (a: Double, b: Value) -> Value { a + (-b) }

    /// micrograd's `__truediv__`: `a * b ** -1`.
    public static func / (a: Value, b: Value) -> Value { a * b ** -1 }
    /// `a * (1 / b)`, the reciprocal a constant leaf, as Python computes `b ** -1` first.
    public static func / (a: Value, b: Double) -> Value { a * Glibc.pow(b, -1) }
    /// micrograd's `__rtruediv__`: `a * b ** -1`, the constant a leaf.
    public static func / (a: Double, b: Value) -> Value { a * b ** -1 }

    /// `a ** k` with an integer k: the op is named like Python's int literal, `**2`.
    public static func ** (a: Value, k: Int) -> Value { power(a, Exponent(integer: k, node: 0)) }
    /// `a ** k` with a floating k: the op is named like Python's float repr, `**2.5`, `**2.0`.
    public static func ** (a: Value, k: Double) -> Value { power(a, Exponent(double: k, node: 0)) }
    /// `a ** b` with a Value exponent: a binary node; ∂/∂b is a^b · ln a.
    public static func ** (a: Value, b: Value) -> Value { binary(.powerValue, a, b) }

    /// `k ** b`: the constant k becomes a leaf, and the node is the binary `**`.
    public static func ** (k: Double, b: Value) -> Value { b.constant(k) ** b }

    /// Applies a function chosen at run time, as an expression's call does:
    /// `x.applying(.tanh)` is `x.tanh()`.
    package func applying(_ function: UnaryFunction) -> Value { Value.unary(function.op, self) }

    /// An `exp` node: e to this value.
    public func exp() -> Value { Value.unary(.exp, self) }
    /// A `log` node: the natural logarithm of this value.
    public func log() -> Value { Value.unary(.log, self) }
    /// A `tanh` node, as in the lecture's neuron.
    public func tanh() -> Value { Value.unary(.tanh, self) }
    /// A `ReLU` node: this value where it is positive, else 0; its grad passes only where the
    /// output is positive.
    public func relu() -> Value { Value.unary(.relu, self) }
    /// A `sigmoid` node: 1 / (1 + e to minus this value).
    public func sigmoid() -> Value { Value.unary(.sigmoid, self) }
    /// A `sin` node.
    public func sin() -> Value { Value.unary(.sin, self) }
    /// A `cos` node.
    public func cos() -> Value { Value.unary(.cos, self) }
}

precedencegroup ExponentiationPrecedence {
    associativity: right
    higherThan: MultiplicationPrecedence
}
infix operator ** : ExponentiationPrecedence

/// Two Values are equal when they are the same node: the same graph and the same id,
/// whatever their data. After `Graph.truncate(to:)`, a new node can reuse a dropped id, and
/// then equals the stale handles to the old one. A Value of a freed graph equals no Value of
/// a later one, and comparing or hashing it does not trap.
extension Value: Hashable {
    /// Whether `a` and `b` are the same node of the same graph.
    public static func == (a: Value, b: Value) -> Bool {
        a.tape == b.tape && a.generation == b.generation && a.id == b.id
    }

    /// Hashes the node's identity, not its data.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(tape)
        hasher.combine(generation)
        hasher.combine(id)
    }
}

extension Value: CustomStringConvertible {
    /// micrograd's `repr`: `Value(data=2.0, grad=0.0)`, the numbers as Python prints them.
    public var description: String { "Value(data=\(pythonRepr(data)), grad=\(pythonRepr(grad)))" }
}

/// Python's `repr` of a float: shortest round-trip digits, `2.0` not `2`, and exponents
/// outside [1e-4, 1e16) as `1e-05`, `1e+16`.
package func pythonRepr(_ x: Double) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x < 0 ? "-inf" : "inf" }
    // Swift's description has the same digits, and differs only in when it uses exponents.
    let swift = "\(x)"
    let magnitude = Swift.abs(x)
    let wantsExponent = magnitude != 0 && (magnitude < 1e-4 || magnitude >= 1e16)
    let (mantissa, exponent) = splitExponent(swift)
    if wantsExponent {
        let digits = mantissa.hasSuffix(".0") ? String(mantissa.dropLast(2)) : mantissa
        let e = exponent ?? 0
        return digits + "e" + (e < 0 ? "-" : "+") + (Swift.abs(e) < 10 ? "0" : "") + String(Swift.abs(e))
    }
    guard let e = exponent else { return swift }
    return plainDecimal(mantissa, shiftedBy: e)
}

private func splitExponent(_ s: String) -> (String, Int?) {
    guard let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return (s, nil) }
    return (String(s[..<e]), Int(s[s.index(after: e)...]))
}

/// `1.5`, 3 → `1500.0`; `1.5`, -2 → `0.015`.
private func plainDecimal(_ mantissa: String, shiftedBy exponent: Int) -> String {
    let negative = mantissa.hasPrefix("-")
    let unsigned = negative ? String(mantissa.dropFirst()) : mantissa
    let parts = unsigned.split(separator: ".", omittingEmptySubsequences: false)
    var digits = String(parts[0]) + (parts.count > 1 ? String(parts[1]) : "")
    var point = parts[0].count + exponent
    if point <= 0 {
        digits = String(repeating: "0", count: 1 - point) + digits
        point = 1
    }
    if digits.count < point { digits += String(repeating: "0", count: point - digits.count) }
    var whole = String(digits.prefix(point))
    var fraction = String(digits.dropFirst(point))
    while fraction.hasSuffix("0") { fraction.removeLast() }
    while whole.count > 1 && whole.hasPrefix("0") { whole.removeFirst() }
    if fraction.isEmpty { fraction = "0" }
    return (negative ? "-" : "") + whole + "." + fraction
}
