/// The functions a Value can be passed through by name, as an expression calls them.
/// Raw values are the names an expression uses: `exp`, `log`, `tanh`, `relu`, …
package enum UnaryFunction: String, Sendable, CaseIterable {
    case exp, log, tanh, relu, sigmoid, sin, cos

    /// The op of the node it makes.
    package var op: Op {
        switch self {
        case .exp: return .exp
        case .log: return .log
        case .tanh: return .tanh
        case .relu: return .relu
        case .sigmoid: return .sigmoid
        case .sin: return .sin
        case .cos: return .cos
        }
    }

    package func callAsFunction(_ x: Value) -> Value { x.applying(self) }

    /// The same function of a plain number, with the node's forward formula.
    package func callAsFunction(_ x: Double) -> Double { op.apply(x, 0).out }
}

/// The binary operators as written in an expression; raw values are their symbols.
///
/// Applied to Values they build what micrograd's operators build, since they are `Value`'s
/// operators: `a - b` is `a + (-b)`, `a / b` is `a * b**-1`, a constant becomes a leaf.
package enum BinaryOperator: String, Sendable, CaseIterable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", power = "**"

    /// `a ** b` is the binary `**` node.
    package func callAsFunction(_ a: Value, _ b: Value) -> Value {
        switch self {
        case .add: return a + b
        case .subtract: return a - b
        case .multiply: return a * b
        case .divide: return a / b
        case .power: return a ** b
        }
    }

    /// With an integer constant: `a ** k` is a `**k` node, named like Python's int literal.
    package func callAsFunction(_ a: Value, _ k: Int) -> Value {
        switch self {
        case .power: return a ** k
        case .add, .subtract, .multiply, .divide: return self(a, Double(k))
        }
    }

    /// With a floating constant: `a ** k` is a `**k` node, named like Python's float repr.
    package func callAsFunction(_ a: Value, _ b: Double) -> Value {
        switch self {
        case .add: return a + b
        case .subtract: return a - b
        case .multiply: return a * b
        case .divide: return a / b
        case .power: return a ** b
        }
    }

    /// A constant on the left: micrograd's reflected operators; `k ** b` makes k a leaf,
    /// then the binary `**` node.
    package func callAsFunction(_ a: Double, _ b: Value) -> Value {
        switch self {
        case .add: return a + b
        case .subtract: return a - b
        case .multiply: return a * b
        case .divide: return a / b
        case .power: return a ** b
        }
    }

    /// The same arithmetic on plain numbers, as Doubles do it; `**` is `pow`, as the node's
    /// forward formula.
    package func callAsFunction(_ a: Double, _ b: Double) -> Double {
        switch self {
        case .add: return a + b
        case .subtract: return a - b
        case .multiply: return a * b
        case .divide: return a / b
        case .power: return Op.power.apply(a, b).out
        }
    }
}
