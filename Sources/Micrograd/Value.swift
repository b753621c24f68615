import Glibc

/// A scalar in an expression graph: a handle to one node of a `Graph`.
///
/// It reads like micrograd's `Value`: `let a = Value(2.0, label: "a")`, `let loss = -(p.log())`,
/// `loss.backward()`, `a.grad`. Copying a Value copies the handle, not the node. It is
/// Sendable as its graph is: it may cross tasks, but one task at a time uses the graph.
public struct Value: Sendable {
    public let graph: Graph
    /// The node's position on the tape: operands always have smaller ids than their results.
    public let id: Int32

    init(graph: Graph, id: Int32) {
        self.graph = graph
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

    public var data: Double {
        get { graph.nodes[Int(id)].data }
        nonmutating set { graph.nodes[Int(id)].data = newValue }
    }

    public var grad: Double {
        get { graph.nodes[Int(id)].grad }
        nonmutating set { graph.nodes[Int(id)].grad = newValue }
    }

    public var label: String? {
        get { graph.labels[id] }
        nonmutating set { graph.labels[id] = newValue }
    }

    public var op: Op { graph.nodes[Int(id)].op }

    /// micrograd's `_op`: `+`, `*`, `**2`, `**`, `exp`, `ReLU`, …; empty for a leaf.
    public var opName: String { graph.opName(id) }

    /// The operands in order, one entry per use: `a * a` has `[a, a]`.
    public var operands: [Value] {
        let node = graph.nodes[Int(id)]
        switch node.op {
        case .leaf: return []
        case .add, .mul, .powerValue: return [graph[Int(node.lhs)], graph[Int(node.rhs)]]
        default: return [graph[Int(node.lhs)]]
        }
    }

    /// The exponent of a `**k` node.
    public var exponent: Double? {
        let node = graph.nodes[Int(id)]
        return node.op == .power ? graph.exponents[Int(node.rhs)].value : nil
    }

    /// Sets this node's grad to 1 and accumulates d(self)/d(node) into every node it depends on.
    public func backward() { graph.backward(from: id) }

    private func constant(_ x: Double) -> Value { graph.leaf(x, label: nil) }

    // MARK: ops, built exactly as micrograd builds them

    public static func + (a: Value, b: Value) -> Value { a.graph.append(.add, a, b) }
    public static func + (a: Value, b: Double) -> Value { a + a.constant(b) }
    public static func + (a: Double, b: Value) -> Value { b + a }  // __radd__

    public static func * (a: Value, b: Value) -> Value { a.graph.append(.mul, a, b) }
    public static func * (a: Value, b: Double) -> Value { a * a.constant(b) }
    public static func * (a: Double, b: Value) -> Value { b * a }  // __rmul__

    public static prefix func - (a: Value) -> Value { a * -1 }
    public static func - (a: Value, b: Value) -> Value { a + (-b) }
    public static func - (a: Value, b: Double) -> Value { a + (-b) }
    public static func - (a: Double, b: Value) -> Value { a + (-b) }  // __rsub__

    public static func / (a: Value, b: Value) -> Value { a * b ** -1 }
    public static func / (a: Value, b: Double) -> Value { a * Glibc.pow(b, -1) }
    public static func / (a: Double, b: Value) -> Value { a * b ** -1 }  // __rtruediv__

    /// `a ** k` with an integer k: the op is named like Python's int literal, `**2`.
    public static func ** (a: Value, k: Int) -> Value {
        a.graph.appendPower(a, exponent: Double(k), literal: String(k))
    }
    /// `a ** k` with a floating k: the op is named like Python's float repr, `**2.5`, `**2.0`.
    public static func ** (a: Value, k: Double) -> Value {
        a.graph.appendPower(a, exponent: k, literal: pythonRepr(k))
    }
    /// `a ** b` with a Value exponent: a binary node; ∂/∂b is a^b · ln a.
    public static func ** (a: Value, b: Value) -> Value { a.graph.append(.powerValue, a, b) }

    /// `k ** b`: the constant k becomes a leaf, and the node is the binary `**`.
    public static func ** (k: Double, b: Value) -> Value { Value(k, in: b.graph) ** b }

    /// Applies a function chosen at run time, as an expression's call does:
    /// `x.applying(.tanh)` is `x.tanh()`.
    public func applying(_ function: UnaryFunction) -> Value { graph.append(function.op, self) }

    public func exp() -> Value { graph.append(.exp, self) }
    public func log() -> Value { graph.append(.log, self) }
    public func tanh() -> Value { graph.append(.tanh, self) }
    public func relu() -> Value { graph.append(.relu, self) }
    public func sigmoid() -> Value { graph.append(.sigmoid, self) }
    public func sin() -> Value { graph.append(.sin, self) }
    public func cos() -> Value { graph.append(.cos, self) }
}

precedencegroup ExponentiationPrecedence {
    associativity: right
    higherThan: MultiplicationPrecedence
}
infix operator ** : ExponentiationPrecedence

/// Two Values are equal when they are the same node: the same graph object and the same id,
/// whatever their data. After `Graph.truncate(to:)`, a new node can reuse a dropped id, and
/// then equals the stale handles to the old one.
extension Value: Hashable {
    public static func == (a: Value, b: Value) -> Bool { a.graph === b.graph && a.id == b.id }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(ObjectIdentifier(graph))
        hasher.combine(id)
    }
}

extension Value: CustomStringConvertible {
    public var description: String { "Value(data=\(pythonRepr(data)), grad=\(pythonRepr(grad)))" }
}

/// Python's `repr` of a float: shortest round-trip digits, `2.0` not `2`, and exponents
/// outside [1e-4, 1e16) as `1e-05`, `1e+16`.
public func pythonRepr(_ x: Double) -> String {
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
