// MARK: when backward may skip zero grads

extension Tape {
    // micrograd's backward visits every node the output reaches, and a visited node whose
    // grad is zero adds `local * 0` to its operands' grads. That changes nothing when every
    // local derivative is finite, so that each product is ±0, and no grad it lands on is -0
    // or a signalling NaN. If moreover no op node's grad has been set since the node was
    // made, a node reached only through zero grads has a zero grad as well, and backward can
    // skip every node whose grad is zero and what it reaches. What follows keeps what that
    // takes: every value and grad that building, a setter, forward or backward writes is
    // noted here, and code that wrote one past them would have to note it too.

    /// Whether backward from `output` may skip every node whose grad is zero.
    @inline(__always)
    func zeroGradsChangeNothing(upTo output: Int) -> Bool {
        untouchedOpsFrom <= firstOp && !mayHoldGradChangedByZero && firstUnsafe > output
    }

    @inline(__always)
    mutating func noteData(_ data: Double, of id: Int) {
        if _slowPath(!data.isFinite) { noteUnsafe(id) }
    }

    mutating func noteUnsafe(_ id: Int) {
        if id < firstUnsafe { firstUnsafe = id }
    }

    @inline(__always)
    mutating func noteGrad(_ grad: Double, of id: Int) {
        if nodes.unsafelyUnwrapped[id].op != .leaf && id >= untouchedOpsFrom { untouchedOpsFrom = id + 1 }
        if (grad == 0 && grad.sign == .minus) || grad.isSignalingNaN { mayHoldGradChangedByZero = true }
    }

    /// After every grad was set to +0.
    mutating func noteGradsZeroed() {
        untouchedOpsFrom = 0
        mayHoldGradChangedByZero = false
    }

    /// After a backward from `output`: every op node up to it may hold a grad now.
    mutating func noteBackward(from output: Int) {
        if nodes.unsafelyUnwrapped[output].op != .leaf { untouchedOpsFrom = Swift.max(untouchedOpsFrom, output + 1) }
    }

    /// After `truncate(to: count)`: nodes made from `count` on start afresh.
    mutating func forgetNodes(from count: Int) {
        untouchedOpsFrom = Swift.min(untouchedOpsFrom, count)
        if firstOp >= count { firstOp = .max }
        if firstUnsafe >= count { firstUnsafe = .max }
    }

    // MARK: invariants

    /// Traps unless the bookkeeping above holds for the nodes with ids in `ids`: each check
    /// costs what the mutation before it cost, so debug builds stay linear. Runs after every
    /// mutation in debug builds, as swift-collections runs `_checkInvariants`.
    func checkInvariants(of ids: Range<Int>) {
        precondition(count >= 0 && count <= capacity, "the tape holds \(count) nodes in room for \(capacity)")
        precondition(ids.lowerBound >= 0 && ids.upperBound <= count, "\(ids) is not on a tape of \(count) nodes")
        precondition(
            firstOp == .max || (firstOp < count && nodes.unsafelyUnwrapped[firstOp].op != .leaf),
            "firstOp \(firstOp) is not an op node of \(count)")
        guard let nodes else { return }
        for id in ids {
            let node = nodes[id]
            if node.op != .leaf {
                precondition(id >= firstOp, "op node \(id) is below firstOp \(firstOp)")
                precondition(node.lhs < id, "node \(id)'s operand \(node.lhs) is not older")
                if node.op == .power {
                    precondition(
                        node.rhs < exponentCount && Int(exponents.unsafelyUnwrapped[node.rhs].node) == id,
                        "node \(id)'s exponent \(node.rhs) is not its own")
                } else if node.op.isBinary {
                    precondition(node.rhs < id, "node \(id)'s operand \(node.rhs) is not older")
                }
                if id >= untouchedOpsFrom {
                    precondition(node.grad.bitPattern == 0, "op node \(id) is past untouchedOpsFrom \(untouchedOpsFrom) with grad \(node.grad)")
                }
            }
            if id < firstUnsafe {
                precondition(
                    node.data.isFinite && node.op.hasFiniteDerivatives,
                    "node \(id) is below firstUnsafe \(firstUnsafe) with data \(node.data) and op \(node.op)")
            }
            if !mayHoldGradChangedByZero {
                precondition(
                    !(node.grad == 0 && node.grad.sign == .minus) && !node.grad.isSignalingNaN,
                    "node \(id)'s grad \(node.grad) is one that adding a zero changes, unnoted")
            }
        }
    }

    /// `checkInvariants(of:)` in debug builds; nothing in release builds.
    @inline(__always)
    func debugCheckInvariants(of ids: Range<Int>) {
        #if DEBUG
        checkInvariants(of: ids)
        #endif
    }
}
