/// Reading a graph's nodes out as plain values, for a diagram that copies them.
extension Graph {
    /// A node's fields as plain values, for copying a graph out without a Value per node:
    /// its op, its operands' ids (-1 where it has none; a `**k` node's exponent is
    /// `exponent(ofNode:)`), its data and its grad.
    package func fields(ofNode id: Int) -> (op: Op, lhs: Int32, rhs: Int32, data: Double, grad: Double) {
        precondition(id >= 0 && id < count, "node \(id) is not in this graph")
        let node = node(id)
        let lhs: Int32 = node.op == .leaf ? -1 : Int32(truncatingIfNeeded: node.lhs)
        let rhs: Int32 = node.op.isBinary ? Int32(truncatingIfNeeded: node.rhs) : -1
        return (node.op, lhs, rhs, node.data, node.grad)
    }

    /// A `**k` node's exponent, and whether it was an integer literal (`**2`, not `**2.0`).
    package func exponent(ofNode id: Int) -> (value: Double, isInteger: Bool) {
        let node = node(id)
        precondition(node.op == .power, "node \(id) is not a **k node")
        let exponent = tape.pointee.exponents.unsafelyUnwrapped[node.rhs]
        return (exponent.value, exponent.isInteger)
    }
}
