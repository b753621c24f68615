import Glibc

/// The operation that produced a node. Raw values are stable: they are the tape's op codes.
public enum Op: UInt8, Sendable, CaseIterable {
    /// No op: a number given, an input, a parameter or a constant.
    case leaf
    /// `a + b`; subtraction is `a + (-b)`, as in micrograd.
    case add
    /// `a * b`; negation is `a * -1` and division `a * b ** -1`, as in micrograd.
    case mul
    /// `a ** k` with a constant k: micrograd's unary power node.
    case power
    /// `a ** b` with a Value b.
    case powerValue
    /// `e ** a`.
    case exp
    /// The natural logarithm of `a`.
    case log
    /// The hyperbolic tangent of `a`.
    case tanh
    /// `a` where it is positive, else 0.
    case relu
    /// `1 / (1 + e ** -a)`.
    case sigmoid
    /// The sine of `a`.
    case sin
    /// The cosine of `a`.
    case cos

    /// Whether the node's second operand is another node (for `.power` it is the exponent).
    public var isBinary: Bool {
        switch self {
        case .add, .mul, .powerValue: return true
        default: return false
        }
    }

    /// Whether the local derivatives are finite wherever the operands' values are, so that a
    /// zero grad passes on only zeros: not so for `log` at a subnormal, whose 1/a overflows,
    /// for `0 ** 0.5`, or for `exp`, whose derivative backward recomputes as exp(a) from the
    /// operand: it overflows past a ≈ 709.78, which a node whose operand was set since it
    /// was computed may not show.
    var hasFiniteDerivatives: Bool {
        switch self {
        case .log, .power, .powerValue, .exp: return false
        default: return true
        }
    }

    /// The forward value and the local derivatives ∂out/∂a and ∂out/∂b, one line per op.
    /// `b` is the second operand's data, or the constant exponent of `.power`.
    /// Backward calls this again rather than storing partials: it keeps a node at 24 bytes.
    @inline(__always)
    public func apply(_ a: Double, _ b: Double) -> (out: Double, da: Double, db: Double) {
        switch self {
        case .leaf: return (a, 0, 0)
        case .add: return (a + b, 1, 1)
        case .mul: return (a * b, b, a)
        case .power: return (Glibc.pow(a, b), b * Glibc.pow(a, b - 1), 0)
        case .powerValue:
            let out = Glibc.pow(a, b)
            // As PyTorch does: a zero base with b >= 0 has no ln-term, not 0 * -inf.
            let db = (a == 0 && b >= 0) ? 0 : out * Glibc.log(a)
            return (out, b * Glibc.pow(a, b - 1), db)
        case .exp: let out = Glibc.exp(a); return (out, out, 0)
        case .log: return (Glibc.log(a), 1 / a, 0)
        case .tanh: let t = Glibc.tanh(a); return (t, 1 - t * t, 0)
        // micrograd: data is 0 where a < 0 (NaN and -0.0 pass through); the gradient is 1 only where out > 0.
        case .relu: let out = a < 0 ? 0 : a; return (out, out > 0 ? 1 : 0, 0)
        case .sigmoid: let s = 1 / (1 + Glibc.exp(-a)); return (s, s * (1 - s), 0)
        case .sin: return (Glibc.sin(a), Glibc.cos(a), 0)
        case .cos: return (Glibc.cos(a), -Glibc.sin(a), 0)
        }
    }

    /// The op's name as drawn and as micrograd's `_op` spells it. `.power` names carry
    /// their exponent and are spelled by the graph (`**2`, `**-1`, `**2.5`).
    public var name: String {
        switch self {
        case .leaf: return ""
        case .add: return "+"
        case .mul: return "*"
        case .power, .powerValue: return "**"
        case .exp: return "exp"
        case .log: return "log"
        case .tanh: return "tanh"
        case .relu: return "ReLU"
        case .sigmoid: return "sigmoid"
        case .sin: return "sin"
        case .cos: return "cos"
        }
    }
}
