/// One node of the tape, in 24 bytes: its data and grad, and one word that packs the op
/// code with two 30-bit operand ids.
struct Node {
    var data: Double
    var grad: Double
    /// Bits 0-3: the op code. Bits 4-33: the first operand's id (0 for a leaf). Bits 34-63:
    /// the second operand's id; for `.power`, the index of its exponent in `Tape.exponents`.
    var word: UInt64

    static let idBits = 30
    static let idMask: UInt64 = (1 << idBits) - 1
    /// Ids are 30 bits: a graph holds at most 2^30 = 1,073,741,824 nodes.
    static let maximumCount = 1 << idBits

    @inline(__always)
    init(data: Double, op: Op, lhs: Int, rhs: Int) {
        self.data = data
        grad = 0
        word = UInt64(op.rawValue) | UInt64(truncatingIfNeeded: lhs) << 4
            | UInt64(truncatingIfNeeded: rhs) << (4 + Node.idBits)
    }

    @inline(__always)
    var op: Op { unsafeBitCast(UInt8(truncatingIfNeeded: word & 0xF), to: Op.self) }
    @inline(__always)
    var lhs: Int { Int(truncatingIfNeeded: (word >> 4) & Node.idMask) }
    @inline(__always)
    var rhs: Int { Int(truncatingIfNeeded: word >> (4 + Node.idBits)) }
}

/// The exponent of a `.power` node, as plain data: an integer literal is kept as the integer
/// (`**2`), any other as the Double (`**2.0`, `**2.5`); the spelling is made when asked for.
struct Exponent {
    /// The Int64 of an integer literal, or the Double's bits.
    var bits: UInt64
    /// The power node's id: exponents are in the order of their nodes.
    var node: Int32
    var isInteger: Bool

    init(integer: Int, node: Int) {
        bits = UInt64(bitPattern: Int64(integer))
        self.node = Int32(truncatingIfNeeded: node)
        isInteger = true
    }

    init(double: Double, node: Int) {
        bits = double.bitPattern
        self.node = Int32(truncatingIfNeeded: node)
        isInteger = false
    }

    @inline(__always)
    var value: Double { isInteger ? Double(Int64(bitPattern: bits)) : Double(bitPattern: bits) }

    /// As Python prints the literal: `2`, `-1`, `2.0`, `2.5`, `1e-05`.
    var spelling: String { isInteger ? String(Int64(bitPattern: bits)) : pythonRepr(Double(bitPattern: bits)) }
}
