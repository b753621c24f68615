import Micrograd

/// What an expression or a name stands for: a plain number (folded, as Python folds
/// arithmetic between numbers) or a node of the graph.
enum Operand {
    /// `isInteger` follows Python's int/float distinction, which names `**2` vs `**2.0`.
    case number(Double, isInteger: Bool)
    case value(Value)
}

struct Token {
    enum Kind: Equatable {
        case number(Double, isInteger: Bool)
        case name(String)
        case symbol(Symbol)
        case end
    }
    /// A parenthesis or an operator; `-` and `+` are read as unary or binary by position.
    enum Symbol: Equatable {
        case `operator`(BinaryOperator)
        case open, close

        /// The symbol a single byte spells; `**` is two bytes and is read before this.
        init?(_ byte: UInt8) {
            switch byte {
            case UInt8(ascii: "+"): self = .operator(.add)
            case UInt8(ascii: "-"): self = .operator(.subtract)
            case UInt8(ascii: "*"): self = .operator(.multiply)
            case UInt8(ascii: "/"): self = .operator(.divide)
            case UInt8(ascii: "("): self = .open
            case UInt8(ascii: ")"): self = .close
            default: return nil
            }
        }

        var text: String {
            switch self {
            case .operator(let op): return op.rawValue
            case .open: return "("
            case .close: return ")"
            }
        }
    }
    var kind: Kind
    var column: Int

    var describe: String {
        switch kind {
        // As written: an integer literal without the `.0` that Python's repr of its float adds.
        case .number(let value, let isInteger):
            return "the number " + (isInteger && value.magnitude < 1e15 ? String(Int64(value)) : pythonRepr(value))
        case .name(let name): return "'\(echo(name))'"
        case .symbol(let symbol): return "'\(symbol.text)'"
        case .end: return "the end of the expression"
        }
    }
}

/// Reads an expression's tokens one at a time, from its UTF-8 bytes: a sum of a million terms
/// is read without an array of two million tokens. `columnOffset` is where the expression
/// starts in its entry.
///
/// It reads bytes: every valid token is ASCII, and the first byte that is not stops it with
/// an error, so a byte's index is also its character's column.
struct Tokenizer {
    private let bytes: UnsafeBufferPointer<UInt8>
    private let columnOffset: Int
    private var i = 0
    /// Whether name tokens carry their text; a pass that only checks the expression needs none.
    private let readsNames: Bool

    init(_ bytes: UnsafeBufferPointer<UInt8>, columnOffset: Int, readsNames: Bool = true) {
        self.bytes = bytes
        self.columnOffset = columnOffset
        self.readsNames = readsNames
    }

    private func isDigit(_ i: Int) -> Bool { i < bytes.count && bytes[i] >= UInt8(ascii: "0") && bytes[i] <= UInt8(ascii: "9") }

    private func isNameByte(_ i: Int) -> Bool {
        guard i < bytes.count else { return false }
        let byte = bytes[i] | 0x20  // lower case
        return (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || bytes[i] == UInt8(ascii: "_") || isDigit(i)
    }

    private func text(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }

    /// The next token; `.end` at the end, and again after it.
    mutating func next() throws(ExpressionError) -> Token {
        while i < bytes.count && (bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "\t")) { i += 1 }
        // At the end every byte was ASCII, so the expression has as many characters as bytes.
        guard i < bytes.count else { return Token(kind: .end, column: columnOffset + bytes.count + 1) }
        let byte = bytes[i]
        let column = columnOffset + i + 1
        if isDigit(i) || (byte == UInt8(ascii: ".") && isDigit(i + 1)) {
            let start = i
            var isInteger = true
            while isDigit(i) { i += 1 }
            if i < bytes.count && bytes[i] == UInt8(ascii: ".") {
                isInteger = false
                i += 1
                while isDigit(i) { i += 1 }
            }
            if i < bytes.count && bytes[i] | 0x20 == UInt8(ascii: "e") {
                isInteger = false
                i += 1
                if i < bytes.count && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")) { i += 1 }
                guard isDigit(i) else { throw ExpressionError(column: column, message: "malformed number: expected digits in the exponent") }
                while isDigit(i) { i += 1 }
            }
            if isNameByte(i) || (i < bytes.count && bytes[i] == UInt8(ascii: ".")) {
                throw ExpressionError(column: column, message: "malformed number: '\(text(i..<(i + 1)))' cannot follow a number")
            }
            guard let value = decimalValue(UnsafeBufferPointer(rebasing: bytes[start..<i])) else {
                throw ExpressionError(column: column, message: "the number \(echo(text(start..<i))) overflows a Double")
            }
            return Token(kind: .number(value, isInteger: isInteger), column: column)
        }
        if isNameByte(i) {
            let start = i
            while isNameByte(i) { i += 1 }
            if i - start > Spec.maximumNameLength {
                throw ExpressionError(column: column, message: "a name of \(i - start) characters is over the limit of \(Spec.maximumNameLength)")
            }
            return Token(kind: .name(readsNames ? text(start..<i) : ""), column: column)
        }
        if byte == UInt8(ascii: "*") && i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "*") {
            i += 2
            return Token(kind: .symbol(.operator(.power)), column: column)
        }
        if let symbol = Token.Symbol(byte) {
            i += 1
            return Token(kind: .symbol(symbol), column: column)
        }
        let character = String(decoding: UnsafeBufferPointer(rebasing: bytes[i...]), as: UTF8.self).first.map(String.init) ?? "?"
        throw ExpressionError(column: column, message: "unexpected character '\(echo(character))'")
    }

    /// Reads every token: the first malformed one throws.
    mutating func check() throws(ExpressionError) {
        while try next().kind != .end {}
    }

    /// Roughly how many nodes evaluating `expression` adds to a graph: one per operator,
    /// parenthesis (a call) and number (a constant leaf). A hint, for reserving room.
    static func nodeEstimate(_ expression: String) -> Int {
        var expression = expression
        return expression.withUTF8 { estimate(of: $0) }
    }

    private static func estimate(of bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var estimate = 0
        var previous: UInt8 = 0
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "/"), UInt8(ascii: "("):
                estimate += 1
            case UInt8(ascii: "*") where previous != UInt8(ascii: "*"):
                estimate += 1
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let inWord = previous == UInt8(ascii: ".") || previous == UInt8(ascii: "_") || (previous >= UInt8(ascii: "0") && previous <= UInt8(ascii: "9"))
                    || ((previous | 0x20) >= UInt8(ascii: "a") && (previous | 0x20) <= UInt8(ascii: "z"))
                if !inWord { estimate += 1 }
            default:
                break
            }
            previous = byte
        }
        return estimate
    }
}

/// Evaluates an expression while parsing it, with Python's precedence and evaluation order.
///
/// It is an operator-precedence (shunting-yard) loop with explicit stacks, not recursive
/// descent: a sum of any length and parentheses nested any depth take no call stack. Its
/// limits are counted as it goes, so that an expression over one stops where it goes over:
/// the operators waiting on the stack (`Spec.maximumExpressionDepth`), and the graph's nodes.
struct ExpressionEvaluator {
    let graph: Graph
    /// The graph's count past which a node is refused: its count before the spec's first
    /// node, plus `Spec.maximumNodes`.
    let nodeCeiling: Int
    let lookup: (String) -> Operand?

    private enum Pending {
        case binary(BinaryOperator)
        case negate
        case plus
        /// The columns of an open parenthesis or call point the "never closed" error at it.
        case parenthesis(column: Int)
        case call(UnaryFunction, column: Int)

        /// Binding strength; Python's: + - < * / < unary < ** (right-associative).
        var precedence: Int {
            switch self {
            case .binary(let op):
                switch op {
                case .add, .subtract: return 1
                case .multiply, .divide: return 2
                case .power: return 4
                }
            case .negate, .plus: return 3
            case .parenthesis, .call: return 0
            }
        }
    }

    /// Evaluates the tokens `tokens` reads, which `Tokenizer.check()` has found well formed.
    func evaluate(_ tokens: Tokenizer) throws(ExpressionError) -> Operand {
        var tokens = tokens
        var operands: [Operand] = []
        var pending: [Pending] = []
        var expectingOperand = true
        // One token read ahead, for a name followed by a parenthesis.
        var lookahead = try tokens.next()
        // The last name looked up: a long expression tends to use a few names again and again.
        var recent: (name: String, operand: Operand)?

        /// Applies operators from the top of the stack while `shouldApply` says so; `column`
        /// is the token's that made them due.
        func reduce(at column: Int, while shouldApply: (Pending) -> Bool) throws(ExpressionError) {
            while let top = pending.last, shouldApply(top) {
                pending.removeLast()
                try apply(top, at: column)
            }
        }

        /// Applies `operation`, which builds at most two nodes, and refuses the graph it
        /// makes if it is over the ceiling.
        func apply(_ operation: Pending, at column: Int) throws(ExpressionError) {
            self.apply(operation, to: &operands)
            if graph.count > nodeCeiling {
                let built = graph.count - (nodeCeiling - Spec.maximumNodes)
                throw ExpressionError(column: column, LimitExceeded(.nodes, maximum: Spec.maximumNodes, count: built))
            }
        }

        func push(_ operation: Pending, at column: Int) throws(ExpressionError) {
            guard pending.count < Spec.maximumExpressionDepth else {
                throw ExpressionError(column: column, LimitExceeded(.expressionDepth, maximum: Spec.maximumExpressionDepth, count: pending.count + 1))
            }
            pending.append(operation)
        }

        while true {
            let token = lookahead
            if token.kind != .end { lookahead = try tokens.next() }
            if expectingOperand {
                switch token.kind {
                case .number(let value, let isInteger):
                    operands.append(.number(value, isInteger: isInteger))
                    expectingOperand = false
                case .name(let name):
                    if lookahead.kind == .symbol(.open) {
                        guard let function = UnaryFunction(rawValue: name) else {
                            throw ExpressionError(column: token.column, message: "unknown function '\(echo(name))' (expected one of: \(UnaryFunction.allCases.map(\.rawValue).joined(separator: ", ")))")
                        }
                        try push(.call(function, column: token.column), at: token.column)
                        lookahead = try tokens.next()
                    } else if let operand = recent?.name == name ? recent?.operand : lookup(name) {
                        // Looked up first: no name a spec binds is a function's (Spec.problem(withName:)).
                        recent = (name, operand)
                        operands.append(operand)
                        expectingOperand = false
                    } else if UnaryFunction(rawValue: name) != nil {
                        throw ExpressionError(column: token.column, message: "'\(name)' is a function: call it as \(name)(...)")
                    } else {
                        throw ExpressionError(column: token.column, message: "unknown name '\(echo(name))' (expected an input or a name defined earlier)")
                    }
                case .symbol(.open): try push(.parenthesis(column: token.column), at: token.column)
                case .symbol(.operator(.subtract)): try push(.negate, at: token.column)
                case .symbol(.operator(.add)): try push(.plus, at: token.column)
                case .end where operands.isEmpty && pending.isEmpty:
                    throw ExpressionError(column: token.column, message: "the expression is empty")
                default:
                    throw ExpressionError(column: token.column, message: "expected a number, a name, a function or '(', got \(token.describe)")
                }
                continue
            }
            switch token.kind {
            case .symbol(.operator(let op)):
                let incoming = Pending.binary(op)
                let rightAssociative = op == .power
                try reduce(at: token.column) { rightAssociative ? $0.precedence > incoming.precedence : $0.precedence >= incoming.precedence }
                try push(incoming, at: token.column)
                expectingOperand = true
            case .symbol(.close):
                try reduce(at: token.column) { $0.precedence > 0 }
                guard let open = pending.popLast() else {
                    throw ExpressionError(column: token.column, message: "unbalanced ')': no '(' before it")
                }
                if case .call = open { try apply(open, at: token.column) }
            case .end:
                try reduce(at: token.column) { $0.precedence > 0 }
                if let open = pending.last, case .parenthesis(let column) = open {
                    throw ExpressionError(column: column, message: "unbalanced '(': it is never closed")
                }
                if let open = pending.last, case .call(let function, let column) = open {
                    throw ExpressionError(column: column, message: "unbalanced '(': the call to \(function.rawValue) is never closed")
                }
                return operands[0]
            default:
                throw ExpressionError(column: token.column, message: "\(token.describe) cannot follow a complete operand (expected an operator or the end)")
            }
        }
    }

    private func apply(_ operation: Pending, to operands: inout [Operand]) {
        switch operation {
        case .binary(let op):
            let right = operands.removeLast()
            let left = operands.removeLast()
            operands.append(binary(op, left, right))
        case .negate:
            operands.append(negate(operands.removeLast()))
        case .call(let function, _):
            operands.append(call(function, operands.removeLast()))
        case .plus, .parenthesis:
            break
        }
    }

    private func negate(_ operand: Operand) -> Operand {
        switch operand {
        case .number(let x, let isInteger): return .number(-x, isInteger: isInteger)
        case .value(let v): return .value(-v)
        }
    }

    private func call(_ function: UnaryFunction, _ operand: Operand) -> Operand {
        switch operand {
        case .number(let x, _): return .number(function(x), isInteger: false)
        case .value(let v): return .value(v.applying(function))
        }
    }

    private func binary(_ op: BinaryOperator, _ left: Operand, _ right: Operand) -> Operand {
        switch (left, right) {
        case (.number(let a, let aInt), .number(let b, let bInt)):
            return fold(op, a, aInt, b, bInt)
        case (.value(let a), .value(let b)):
            return .value(op(a, b))
        case (.value(let a), .number(let b, let isInteger)):
            // `a ** k`: micrograd's unary node, named as Python prints k.
            if isInteger, let k = Int(exactly: b) { return .value(op(a, k)) }
            return .value(op(a, b))
        case (.number(let a, _), .value(let b)):
            return .value(op(a, b))
        }
    }

    /// Arithmetic between plain numbers, with Python's int/float result types.
    private func fold(_ op: BinaryOperator, _ a: Double, _ aInt: Bool, _ b: Double, _ bInt: Bool) -> Operand {
        let isInteger: Bool
        switch op {
        case .add, .subtract, .multiply: isInteger = aInt && bInt
        case .divide: isInteger = false
        case .power: isInteger = aInt && bInt && b >= 0
        }
        return .number(op(a, b), isInteger: isInteger)
    }
}
