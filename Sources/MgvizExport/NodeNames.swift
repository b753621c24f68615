/// The names a diagram's parts carry: the DOT node names, which Graphviz copies into the
/// `<title>` of each SVG group, the JSON dump's ids, and what the HTML viewer's script looks
/// up. This is the viewer's contract, so every name is made here:
///
/// - a Value's record is `n` and its position in the whole diagram: `n3` (a focused part
///   keeps the whole diagram's names, so that a name can be focused on again);
/// - its op's ellipse adds `opSuffix`: `n3_op`;
/// - edges are titled by Graphviz as `tail->head`: `n1->n3_op` (operand into op) and
///   `n3_op->n3` (op into its Value);
/// - the stubs of a focus's cut edges are `cut0`, `cut1`, … and carry no data;
/// - in a difference, a node of A that B lacks is `a` and its number in A: `a7`, its op
///   `a7_op`; the dump's `difference` names it so.
package enum NodeNames {
    /// What an op's ellipse adds to its Value's name; the exporter writes it straight after
    /// the name, and the viewer's script (Viewer/viewer.js) declares the same `opSuffix`.
    package static let opSuffix: StaticString = "_op"

    /// What a Value's name starts with, before its number.
    static let valuePrefix: StaticString = "n"

    /// The name of the Value at `position`.
    package static func value(at position: Int) -> String { "\(valuePrefix)\(position)" }

    /// Writes the name of the Value at `position`, without making a String of it.
    static func write(value position: Int, to out: inout TextWriter) {
        out.write(valuePrefix)
        out.write(position)
    }

    /// A Value's name made once, to be written many times: DOT names a node six times.
    struct Name {
        /// `n` and up to 23 digits.
        fileprivate var bytes: (UInt64, UInt64, UInt64) = (0, 0, 0)
        fileprivate var count = 0

        init(value position: Int) {
            precondition(position >= 0, "a Value's position is not negative")
            let digits = Digits.count(of: UInt64(position))
            count = valuePrefix.utf8CodeUnitCount + digits
            withUnsafeMutableBytes(of: &bytes) { raw in
                let start = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
                start.update(from: valuePrefix.utf8Start, count: valuePrefix.utf8CodeUnitCount)
                _ = Digits.write(UInt64(position), minimumDigits: 1, endingAt: start + count)
            }
        }
    }

    /// The name of a difference's removed node that was `n7` in A: `a7`.
    package static func removed(at number: Int) -> String { "a\(number)" }

    /// The name of the stub of cut number `index`.
    package static func cut(_ index: Int) -> String { "cut\(index)" }
}

extension TextWriter {
    mutating func write(_ name: NodeNames.Name) {
        withUnsafeBytes(of: name.bytes) { write(UnsafeRawBufferPointer(rebasing: $0[..<name.count])) }
    }

    /// The name of the node at `position`: `n` and its position, or, in a focused diagram, its
    /// position in the whole one, so that names can be looked up and focused on again.
    mutating func write(node position: Int, of diagram: Diagram) {
        NodeNames.write(value: diagram.nameNumber(at: position), to: &self)
    }
}

extension Diagram {
    /// The name of the node at `position`, to write more than once.
    func name(at position: Int) -> NodeNames.Name { NodeNames.Name(value: nameNumber(at: position)) }
}
