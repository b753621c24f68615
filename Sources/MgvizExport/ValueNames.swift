import Micrograd

/// What a learner reads each node of a diagram by, on the node, in the ledger, `--explain`,
/// `--format txt` and the messages: never its id (`n13`), which only tooltips show.
///
/// - A labelled node is its label: a user's (`p3`), or the one a model gives its parameters
///   (`L1 N4 w2`) and collapsed groups (`L1 N4`).
/// - An unlabelled neuron's output (its activation, or its sum for a linear neuron) is its
///   neuron, `L1 N4`, as the collapsed drawing names it; `MLP(x[17]) L1 N4` in a call of a batch.
/// - A constant is its value: `-1`, `0.25`; a value that needs more than 8 characters is
///   `≈` and 4 significant digits, `≈0.3333`.
/// - Any other node is the expression that made it, written with its operands' names as a
///   spec would write it: `log(p3)`, `e0 + e1`, `total**-1`. micrograd's own spellings are
///   read back: `x * -1` is `-x`, `a + b*-1` is `a - b`, `a + -2` is `a - 2`, and `a * b**-1`
///   (either way round) is `a / b`, where the `-1`, the negation or the `**-1` has no name of
///   its own. An unlabelled operand is written by its own name, in parentheses where Python's
///   precedence needs them, and a name with spaces or operators too: `(L1 N4 w2) * x[1]`.
///   A name longer than `maximumLength` characters is cut: its unlabelled operands, left to
///   right, lose their leading terms (those of a sum, or of a product), replaced by `…`, one
///   at a time until it fits; an operand with no term left is `…`. So a long sum keeps its
///   last terms, `… + (L1 N1 w3) * x3`, `exp` of one `exp(… + x9)`, and a long chain of
///   calls its outer ones, `tanh(tanh(…))`: no name of short operands' names grows past the
///   limit.
///
/// Names need not be unique: two nodes that compute the same expression have the same name.
/// Each name is made once, from its operands' names, in O(1) for a bounded length: a graph's
/// names cost O(nodes).
package struct ValueNames: Sendable {
    /// Where a node's name comes from: how the drawing tells a user's label from a derived name.
    package enum Source: UInt8, Sendable, Equatable {
        /// The label the user or the model gave it.
        case label
        /// The neuron it is the output of.
        case neuron
        /// Its value: a constant.
        case constant
        /// The expression that made it.
        case expression
    }

    /// An expression name is cut while it is longer than this, in characters.
    package static let maximumLength = 32
    /// A constant whose shortest text is longer than this is named by 4 significant digits.
    package static let maximumConstantLength = 8

    private let diagram: Diagram
    private let names: [String]
    private let sources: [Source]
    /// How tightly each expression name binds, where it is an operand.
    private let precedences: [Precedence]

    package init(_ diagram: Diagram) {
        self.diagram = diagram
        var sources = [Source](repeating: .expression, count: diagram.count)
        if let kept = diagram.keptNames {
            // A focused part's nodes as the whole diagram names them: an expression's operands
            // may lie beyond the focus. A leaf named by its value is a constant.
            for position in 0..<diagram.count {
                if !diagram.label(at: position).isEmpty {
                    sources[position] = .label
                } else if !diagram.isOp(at: position), kept[position] == Self.constantName(diagram.data(at: position)) {
                    sources[position] = .constant
                }
            }
            self.sources = sources
            names = kept
            precedences = [Precedence](repeating: .atom, count: diagram.count)
            return
        }
        let neuronOutputs = Self.neuronOutputs(of: diagram)
        var names: [String] = []
        names.reserveCapacity(diagram.count)
        var precedences = [Precedence](repeating: .atom, count: diagram.count)
        for position in 0..<diagram.count {
            let label = diagram.label(at: position)
            if !label.isEmpty {
                sources[position] = .label
                names.append(label)
            } else if let neuron = neuronOutputs[Int32(position)] {
                sources[position] = .neuron
                names.append(neuron)
            } else if diagram.operandRange(of: position).isEmpty && !diagram.isOp(at: position) {
                sources[position] = .constant
                names.append(Self.constantName(diagram.data(at: position)))
            } else {
                // Operands come first: their names are made. The writer is gone before the
                // arrays grow, so that they are not copied.
                let (name, precedence) = Self.expression(at: position, diagram, names, sources, precedences)
                precedences[position] = precedence
                names.append(name)
            }
        }
        self.names = names
        self.sources = sources
        self.precedences = precedences
    }

    private static func expression(
        at position: Int, _ diagram: Diagram, _ names: [String], _ sources: [Source], _ precedences: [Precedence]
    ) -> (String, Precedence) {
        let writer = ExpressionWriter(diagram: diagram, names: names, sources: sources, precedences: precedences)
        let form = writer.form(of: position)
        return (writer.write(form), form.precedence)
    }

    /// The names of unlabelled neuron outputs, by position: a neuron's last node is its
    /// output, as `collapsingNeurons` folds it.
    private static func neuronOutputs(of diagram: Diagram) -> [Int32: String] {
        guard diagram.hasNeurons else { return [:] }
        var last: [Int: Int] = [:]
        for position in 0..<diagram.count where diagram.isOp(at: position) && !diagram.isFolded(at: position) {
            if let group = diagram.groupIndex(at: position), diagram.groups[group].kind == .neuron { last[group] = position }
        }
        var outputs: [Int32: String] = [:]
        for (group, position) in last where diagram.label(at: position).isEmpty {
            let neuron = diagram.groups[group]
            // In a batch, a neuron of a call: `MLP(x[17]) L1 N4`.
            let call = neuron.parent.flatMap { diagram.groups[$0].parent }.map { diagram.groups[$0] }
            outputs[Int32(position)] = (call?.kind == .call ? call!.name + " " : "") + neuron.name
        }
        return outputs
    }

    /// Where the name of the node at `position` comes from.
    package func source(at position: Int) -> Source { sources[position] }

    /// The name of the node at `position`.
    package func name(at position: Int) -> String { names[position] }

    /// The expression that made the node at `position`, whatever its name: `-log(p3)` for
    /// `loss`; nil for a leaf, and in a focused part, whose operands may lie beyond it.
    package func expression(at position: Int) -> String? {
        guard !diagram.operandRange(of: position).isEmpty, diagram.keptNames == nil else { return nil }
        if sources[position] == .expression { return names[position] }
        return Self.expression(at: position, diagram, names, sources, precedences).0
    }

    /// The name as an operand of a `.grad` or `.data`, or of ∂: itself when it reads as one
    /// thing (`x1`, `x[0]`, `log(p3)`, `…`), else in parentheses: `(e0 + e1)`, `(-1)`,
    /// `(L1 N4 w2)`.
    package func atom(at position: Int) -> String { Self.atom(names[position]) }

    package static func atom(_ name: String) -> String { isAtom(name) ? name : "(" + name + ")" }

    /// A constant's name: its shortest text, or `≈` and 4 significant digits.
    package static func constantName(_ x: Double) -> String {
        let short = shortText(x)
        return short.count <= maximumConstantLength ? short : "≈" + significantText(x, digits: 4)
    }

    /// Whether `name` reads as one operand: an identifier with indices (`x[0]`, `w_1`), a
    /// function call of one (`log(p3)`, whose parentheses close at its end), or `…`.
    static func isAtom(_ name: String) -> Bool {
        // Most names are ASCII words: `x1`, `e0`, `w_1`.
        if let first = name.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first), name.utf8.allSatisfy(isASCIIWordByte) {
            return true
        }
        let scalars = Array(name.unicodeScalars)
        guard let first = scalars.first, first != "-", !("0"..."9").contains(first) else { return false }
        if name == "…" { return true }
        func isWordCharacter(_ s: Unicode.Scalar) -> Bool {
            s.properties.isAlphabetic || ("0"..."9").contains(s) || s == "_" || s == "[" || s == "]" || s == "."
        }
        guard let open = scalars.firstIndex(where: { !isWordCharacter($0) }) else { return true }
        guard scalars[open] == "(", scalars.last == ")" else { return false }
        // The call's parentheses enclose the rest: depth 0 is reached only at the end.
        var depth = 0
        for (index, scalar) in scalars.enumerated().dropFirst(open) {
            if scalar == "(" { depth += 1 }
            if scalar == ")" { depth -= 1 }
            if depth == 0 && index != scalars.count - 1 { return false }
        }
        return true
    }
}

/// A letter, a digit, `_`, `[`, `]` or `.` in ASCII.
private func isASCIIWordByte(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
        || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "[")
        || byte == UInt8(ascii: "]") || byte == UInt8(ascii: ".")
}

/// How tightly a part of an expression binds, as in Python: a part binding less tightly than
/// its place needs is put in parentheses.
private enum Precedence: UInt8, Comparable {
    case sum = 1, product, negation, power, atom
    static func < (a: Precedence, b: Precedence) -> Bool { a.rawValue < b.rawValue }
}

/// What an op node is written as, once micrograd's spellings are read back: its operands as
/// they are written, and what goes around and between them.
private struct Form {
    enum Shape {
        /// `-a`.
        case negation
        /// `a + b`, `a / b`, `a**b`: the symbol between, and how tightly it binds.
        case binary(String, Precedence)
        /// `a - 2`: an added negative constant, written by its magnitude.
        case minusConstant(String)
        /// `a**2`: the op's name after.
        case power(String)
        /// `log(a)`, `f(a, b)`.
        case call(String)
        /// `a + b + c`: a sum of any number of operands.
        case sum
    }

    var shape: Shape
    var operands: [Int]

    var precedence: Precedence {
        switch shape {
        case .negation: return .negation
        case .binary(_, let precedence): return precedence
        case .minusConstant, .sum: return .sum
        case .power: return .power
        case .call: return .atom
        }
    }

    /// The precedence the operand written `index`-th needs: a same-level part on the unusual
    /// side is bracketed (`a - (b - c)`, `(a**b)**c`), and `-(a * b)` would read as (-a) * b
    /// without its brackets.
    func needs(_ index: Int) -> Precedence {
        switch shape {
        case .negation: return .power
        case .binary(_, let precedence) where precedence == .power: return index == 0 ? .atom : .power
        case .binary(_, let precedence): return index == 0 ? precedence : Precedence(rawValue: precedence.rawValue + 1)!
        case .minusConstant: return .sum
        case .power: return .atom
        case .call: return .sum
        case .sum: return index == 0 ? .sum : .product
        }
    }

    /// How many characters (Unicode scalars) the text has besides its operands'.
    func fixedLength(_ operandCount: Int) -> Int {
        switch shape {
        case .negation: return 1
        case .binary(let symbol, _): return symbol.unicodeScalars.count
        case .minusConstant(let magnitude): return 3 + magnitude.unicodeScalars.count
        case .power(let exponent): return exponent.unicodeScalars.count
        case .call(let function): return function.unicodeScalars.count + 2 + 2 * max(0, operandCount - 1)
        case .sum: return 3 * max(0, operandCount - 1)
        }
    }

    /// The text with each operand written as `written` has it.
    func text(_ written: [String]) -> String {
        switch shape {
        case .negation: return "-" + written[0]
        case .binary(let symbol, _): return written[0] + symbol + written[1]
        case .minusConstant(let magnitude): return written[0] + " - " + magnitude
        case .power(let exponent): return written[0] + exponent
        case .call(let function): return function + "(" + written.joined(separator: ", ") + ")"
        case .sum: return written.joined(separator: " + ")
        }
    }
}

/// Writes one node's expression from its operands' names, made before it.
private struct ExpressionWriter {
    let diagram: Diagram
    let names: [String]
    let sources: [ValueNames.Source]
    let precedences: [Precedence]

    /// Whether the node is part of its result's expression, with no name of its own.
    private func isUnnamedPart(_ position: Int) -> Bool { sources[position] == .expression }

    private func isMinusOne(_ position: Int) -> Bool { sources[position] == .constant && diagram.data(at: position) == -1 }

    /// The operand of `x * -1` (or `-1 * x`) when the node at `position` is one with no name.
    private func negated(_ position: Int) -> Int? {
        guard isUnnamedPart(position), diagram.engineOp(at: position) == .mul else { return nil }
        let range = diagram.operandRange(of: position)
        let a = Int(diagram.operandList[range.lowerBound]), b = Int(diagram.operandList[range.lowerBound + 1])
        return isMinusOne(b) ? a : isMinusOne(a) ? b : nil
    }

    /// The base of `b**-1` when the node at `position` is one with no name.
    private func reciprocal(_ position: Int) -> Int? {
        guard isUnnamedPart(position), case .integerPower(-1) = diagram.operation(at: position) else { return nil }
        return diagram.operands(of: position).first
    }

    func form(of position: Int) -> Form {
        let operands = Array(diagram.operands(of: position))
        switch diagram.operation(at: position) {
        case .leaf: return Form(shape: .call(""), operands: [])
        case .op(.add):
            if let b = negated(operands[1]) { return Form(shape: .binary(" - ", .sum), operands: [operands[0], b]) }
            let b = operands[1], value = diagram.data(at: b)
            if sources[b] == .constant, value < 0, value.isFinite {
                return Form(shape: .minusConstant(ValueNames.constantName(-value)), operands: [operands[0]])
            }
            return Form(shape: .binary(" + ", .sum), operands: operands)
        case .op(.mul):
            if isMinusOne(operands[1]) { return Form(shape: .negation, operands: [operands[0]]) }
            if isMinusOne(operands[0]) { return Form(shape: .negation, operands: [operands[1]]) }
            if let b = reciprocal(operands[1]) { return Form(shape: .binary(" / ", .product), operands: [operands[0], b]) }
            if let b = reciprocal(operands[0]) { return Form(shape: .binary(" / ", .product), operands: [operands[1], b]) }
            return Form(shape: .binary(" * ", .product), operands: operands)
        case .op(.powerValue): return Form(shape: .binary("**", .power), operands: operands)
        case .op(.relu): return Form(shape: .call("relu"), operands: operands)
        case .op(let op): return Form(shape: .call(op.name), operands: operands)
        case .integerPower, .floatPower: return Form(shape: .power(diagram.opName(at: position)), operands: operands)
        case .sum: return Form(shape: .sum, operands: operands)
        case .folded(let text): return Form(shape: .call(text), operands: operands)
        }
    }

    /// How tightly the operand's name binds: a label's or a neuron's is bracketed already if
    /// it needs to be, a negative constant is a negation.
    private func precedence(of position: Int) -> Precedence {
        switch sources[position] {
        case .label, .neuron: return .atom
        case .constant: return names[position].hasPrefix("-") ? .negation : .atom
        case .expression: return precedences[position]
        }
    }

    /// An operand's name as it is written inside another: a label with spaces or operators
    /// in brackets, `(L1 N4 w2)`.
    private func plain(_ position: Int) -> String {
        let name = names[position]
        guard sources[position] == .label || sources[position] == .neuron else { return name }
        return ValueNames.isAtom(name) || !name.contains(where: { " +-*/()=<>,".contains($0) }) ? name : "(" + name + ")"
    }

    /// The expression of `form`, cut to `ValueNames.maximumLength` as `ValueNames` says. The
    /// lengths are worked out before any text is made: the text is made once.
    func write(_ form: Form) -> String {
        let operands = form.operands
        let brackets = operands.indices.map { precedence(of: operands[$0]) < form.needs($0) }
        var inner = operands.map(plain)
        func written(_ k: Int) -> String { brackets[k] && inner[k] != "…" ? "(" + inner[k] + ")" : inner[k] }
        func length(_ k: Int) -> Int { inner[k].unicodeScalars.count + (brackets[k] && inner[k] != "…" ? 2 : 0) }
        var total = form.fixedLength(operands.count) + operands.indices.reduce(0) { $0 + length($1) }
        let unnamed = operands.indices.filter { isUnnamedPart(operands[$0]) }
        if total > ValueNames.maximumLength {
            for k in unnamed {
                let name = names[operands[k]]
                let starts = Self.termStarts(of: name, precedence: precedences[operands[k]])
                let nameLength = name.unicodeScalars.count
                let others = total - length(k)
                // Terms go one at a time until the name fits, down to `…` (`tanh(…)`): no
                // chain of calls grows a name past the limit.
                var drop = 0
                while drop < starts.count {
                    drop += 1
                    let rest = drop == starts.count ? 0 : nameLength - starts[drop].scalars
                    let candidate = rest == 0 ? 1 : 1 + rest + (brackets[k] ? 2 : 0)
                    if others + candidate <= ValueNames.maximumLength { break }
                }
                guard drop > 0 else { continue }
                inner[k] = drop == starts.count ? "…" : "…" + String(name.utf8[name.utf8.index(name.utf8.startIndex, offsetBy: starts[drop].bytes)...])!
                total = others + length(k)
                if total <= ValueNames.maximumLength { break }
            }
        }
        return form.text(operands.indices.map(written))
    }

    /// Where a name's terms at its own level start, each at the separator before it, in bytes
    /// and in Unicode scalars: `a + b - c` has terms at `a`, ` + b` and ` - c`; a product's
    /// terms are its factors; any other name is one term.
    static func termStarts(of name: String, precedence: Precedence) -> [(bytes: Int, scalars: Int)] {
        let separators: (UInt8, UInt8)
        switch precedence {
        case .sum: separators = (UInt8(ascii: "+"), UInt8(ascii: "-"))
        case .product: separators = (UInt8(ascii: "*"), UInt8(ascii: "/"))
        default: return [(0, 0)]
        }
        let space = UInt8(ascii: " ")
        var starts = [(bytes: 0, scalars: 0)]
        var depth = 0, scalars = 0
        let utf8 = Array(name.utf8)
        for (index, byte) in utf8.enumerated() {
            if byte == UInt8(ascii: "(") { depth += 1 }
            if byte == UInt8(ascii: ")") { depth -= 1 }
            if depth == 0, byte == space, index > 0, index + 2 < utf8.count, utf8[index + 2] == space,
               utf8[index + 1] == separators.0 || utf8[index + 1] == separators.1 {
                starts.append((index, scalars))
            }
            // A scalar starts at every byte that does not continue one.
            if byte & 0xC0 != 0x80 { scalars += 1 }
        }
        return starts
    }
}

extension Diagram {
    /// The names a learner reads the nodes by, made for every node at once.
    package var valueNames: ValueNames { ValueNames(self) }
}
