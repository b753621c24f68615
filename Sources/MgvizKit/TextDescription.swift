import MgvizExport
import MgvizSpec

/// `--format txt`: the graph as plain text, for a screen reader and for `diff`. One line
/// says what the graph is (the summary a Markdown image's alt text is too); then every value,
/// each after its operands, one a line, with its name, kind, op and operands, group, data
/// and grad as the records draw them; then backward step by step, as `--explain` prints it
/// with the drawing's notation and steps. Names are `ValueNames`'; no line holds a control
/// character (they are written as escapes, as messages write them).
///
///     x0: input, data 0.0000, grad 0.0418
///     e0 + e1: + of e0 and e1, data 21.0855, grad 0.0418
///     loss = -log(p3): the output, * of log(p3) and -1, data 2.1755, grad 1.0000
struct TextDescription {
    let precision: Int
    let notation: BackwardNotation

    func write(_ diagram: Diagram, summary: String, ledger: BackwardLedger?, to out: inout TextWriter) {
        func line(_ text: String) {
            out.write(string: escapingControlCharacters(text))
            out.write("\n")
        }
        if let title = diagram.title { line(title) }
        line(Self.capitalized(summary) + ".")
        for note in diagram.descriptionLines { line(Self.capitalized(note) + ".") }
        line("")
        line("Values, each after its operands:")
        let names = diagram.valueNames
        for position in 0..<diagram.count {
            if out.failed { return }
            line(valueLine(position, of: diagram, names))
        }
        line("")
        guard diagram.showsGrads else { return line("No grads: backward was not run.") }
        guard let ledger else { return line("No backward steps: this is a part of the graph, and backward runs on the whole.") }
        line("Backward, step by step, from \(ValueNames.atom(ledger.outputName)).grad = \(significantText(ledger.seed, digits: max(1, precision))):")
        if let legend = ledger.legend(notation) { line(legend) }
        for text in ledger.explanation(notation) { line(text) }
    }

    /// `e0 + e1: + of e0 and e1, in L1 N1, data 21.0855, grad 0.0418`.
    private func valueLine(_ position: Int, of diagram: Diagram, _ names: ValueNames) -> String {
        let node = diagram.nodes[position]
        var text = names.name(at: position)
        switch names.source(at: position) {
        case .label, .neuron:
            if let expression = names.expression(at: position) { text += " = " + expression }
        case .constant, .expression: break
        }
        var parts: [String] = []
        if position == diagram.output {
            parts.append("the output")
        } else if node.op.isEmpty {
            parts.append(node.kind == .parameter ? "parameter" : node.kind == .input ? "input" : "constant")
        }
        if !node.op.isEmpty {
            let operands = node.operands.map { names.atom(at: $0) }
            parts.append("\(node.op)" + (operands.isEmpty ? "" : " of " + Self.listed(operands)))
        }
        if let group = node.group, !diagram.isFolded(at: position) { parts.append("in " + group.name) }
        if let lines = node.fold?.lines {
            parts.append(contentsOf: lines)
        } else {
            parts.append("data " + displayText(node.data, decimals: precision))
            if let grad = node.grad { parts.append("grad " + displayText(grad, decimals: precision)) }
        }
        parts.append(contentsOf: node.fold?.notes ?? [])
        for problem in node.problems { parts.append(problem.kind.label + " " + displayText(problem.value, decimals: precision)) }
        return text + ": " + parts.joined(separator: ", ")
    }

    /// `a`, `a and b`, `a, b and c`.
    static func listed(_ items: [String]) -> String {
        guard let last = items.last else { return "" }
        return items.count == 1 ? last : items.dropLast().joined(separator: ", ") + " and " + last
    }

    private static func capitalized(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst() }
}

extension Drawing {
    /// The drawing in a sentence, without a full stop: what a Markdown image without a title
    /// says instead (its alt text), and the first line of `--format txt`. `a graph of 16
    /// values: loss = -log(p3), from x0, x1, x2, x3`; the first six inputs by name, then how
    /// many more; parameters counted.
    public var summary: String {
        get throws(DrawError) { Self.summary(of: try diagram) }
    }

    static func summary(of diagram: Diagram) -> String {
        let names = diagram.valueNames
        let count = diagram.nodes.count
        var text: String
        if let focus = diagram.focus {
            let ops = focus.depth == 1 ? "1 op" : "\(focus.depth) ops"
            // A difference's part is around its changes, not around one node.
            let center = focus.center >= 0 ? names.name(at: focus.center) : "the changes"
            text = "a part of a graph of \(focus.totalNodes) values: the \(count) within \(ops) of \(center)"
        } else {
            text = "a graph of \(count) value\(count == 1 ? "" : "s")"
            if diagram.output >= 0 {
                text += ": " + names.name(at: diagram.output)
                if let expression = names.expression(at: diagram.output), names.source(at: diagram.output) != .expression {
                    text += " = " + expression
                }
            }
        }
        let inputs = (0..<count).filter { diagram.kind(at: $0) == .input && !diagram.isOp(at: $0) }.map { names.name(at: $0) }
        let parameters = (0..<count).count { diagram.kind(at: $0) == .parameter && !diagram.isOp(at: $0) }
        let shown = inputs.count > 7 ? Array(inputs.prefix(6)) + ["\(inputs.count - 6) more inputs"] : inputs
        let sources = shown + (parameters > 0 ? ["\(parameters) parameter\(parameters == 1 ? "" : "s")"] : [])
        if !sources.isEmpty {
            text += ", from " + (parameters > 0 || inputs.count > 7 ? TextDescription.listed(sources) : sources.joined(separator: ", "))
        }
        return text
    }
}
