import Glibc

/// A graph's storage, reached through a pointer by its Graph and its Values alike.
///
/// Tapes are pooled and never freed: when a graph is freed, its tape's buffers are freed,
/// its generation goes up by one and the tape waits for the next graph. A Value holds the
/// tape's address and the generation of its graph, so checking that its graph is alive is
/// one load and one compare, never a read of freed memory. The pool is the process-wide
/// table of live graphs; it holds as many tapes as graphs were ever alive at once.
struct Tape {
    var generation: UInt32 = 0
    var count = 0
    var capacity = 0
    var nodes: UnsafeMutablePointer<Node>? = nil
    var exponentCount = 0
    var exponentCapacity = 0
    var exponents: UnsafeMutablePointer<Exponent>? = nil
    /// Backward's set of reached nodes, kept between calls.
    var bitWords: UnsafeMutablePointer<UInt64>? = nil
    var bitWordCapacity = 0
    /// Op nodes from this id on have the +0 grad they were made with.
    var untouchedOpsFrom = 0
    /// The lowest op node's id; Int.max when there is none.
    var firstOp = Int.max
    /// The lowest id whose value, or its op's derivatives, may not be finite.
    var firstUnsafe = Int.max
    /// Whether some grad may be one that adding a zero changes: -0, which +0 turns into +0,
    /// or a signalling NaN, which any addition makes quiet.
    var mayHoldGradChangedByZero = false
    /// The models whose calls were recorded, the calls in order, and their inputs' ids.
    var models: [ModelShape] = []
    var calls: [ModelCall] = []
    var callInputs: [Int32] = []
    /// The live graph, for `Value.graph`.
    var owner: Unmanaged<Graph>? = nil
    /// The next free tape, while this one is in the pool.
    var nextFree: UnsafeMutablePointer<Tape>? = nil

    // MARK: pool

    private nonisolated(unsafe) static var pool: UnsafeMutablePointer<Tape>? = nil
    /// A plain pthread mutex: Foundation's NSLock would link ICU into every program.
    private nonisolated(unsafe) static let poolLock: UnsafeMutablePointer<pthread_mutex_t> = {
        let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        return mutex
    }()
    /// How many tapes the pool makes at a time.
    private static let batch = 64

    static func take() -> UnsafeMutablePointer<Tape> {
        pthread_mutex_lock(poolLock)
        defer { pthread_mutex_unlock(poolLock) }
        if pool == nil {
            let tapes = UnsafeMutablePointer<Tape>.allocate(capacity: batch)
            tapes.initialize(repeating: Tape(), count: batch)
            for i in 0..<batch { tapes[i].nextFree = i + 1 < batch ? tapes + i + 1 : nil }
            pool = tapes
        }
        let tape = pool.unsafelyUnwrapped
        pool = tape.pointee.nextFree
        tape.pointee.nextFree = nil
        return tape
    }

    /// Freeing a graph while another thread still reads its Values is a data race, as any
    /// use of one graph from two threads at once is; the generation goes up before the
    /// buffers go, so that a Value checked after it traps instead of reading them.
    static func give(_ tape: UnsafeMutablePointer<Tape>) {
        let next = tape.pointee.generation &+ 1
        tape.pointee.generation = next
        free(tape.pointee.nodes)
        free(tape.pointee.exponents)
        free(tape.pointee.bitWords)
        tape.pointee = Tape()
        tape.pointee.generation = next
        // A tape whose generation would wrap is retired, so that no stale Value can ever
        // match a new graph's generation.
        guard next != .max else { return }
        pthread_mutex_lock(poolLock)
        defer { pthread_mutex_unlock(poolLock) }
        tape.pointee.nextFree = pool
        pool = tape
    }

    // MARK: growth

    /// Makes room for at least `needed` nodes, doubling; traps past `Node.maximumCount`.
    @inline(never)
    mutating func grow(toAtLeast needed: Int) {
        precondition(
            needed <= Node.maximumCount,
            "a graph holds at most 2^30 = 1,073,741,824 nodes (node ids are 30 bits); this one would need \(needed)")
        var newCapacity = Swift.max(capacity * 2, Self.firstCapacity)
        while newCapacity < needed { newCapacity *= 2 }
        newCapacity = Swift.min(newCapacity, Node.maximumCount)
        guard let grown = realloc(nodes, newCapacity * MemoryLayout<Node>.stride) else {
            fatalError("out of memory for \(newCapacity) nodes")
        }
        nodes = grown.assumingMemoryBound(to: Node.self)
        capacity = newCapacity
    }

    /// 32 MiB of address space, over the highest mmap threshold glibc moves to: a tape's
    /// nodes are always mapped, so pages cost nothing until written and growing remaps them
    /// without a copy. (From the heap, which glibc used for a 192 KiB first buffer once any
    /// bigger block had been freed, the copy out left 128 KiB resident for good.)
    static let firstCapacity = (32 << 20) / MemoryLayout<Node>.stride

    /// Appends a node and returns its id.
    @inline(__always)
    mutating func append(_ node: Node) -> Int {
        let id = count
        if _slowPath(id == capacity) { grow(toAtLeast: id + 1) }
        nodes.unsafelyUnwrapped[id] = node
        count = id + 1
        let op = node.op
        if op != .leaf && firstOp == .max { firstOp = id }
        if _slowPath(!op.hasFiniteDerivatives) { noteUnsafe(id) }
        noteData(node.data, of: id)
        debugCheckInvariants(of: id..<(id + 1))
        return id
    }

    /// Appends `b + w0*x0 + w1*x1 + …` as its operators would, product then sum, and
    /// returns the last sum's id (the bias's when there are no inputs). The ids must be
    /// valid and room made for `2 * inputs.count` nodes: the callers check both.
    @inline(__always)
    mutating func appendWeightedSum(
        bias: Int, weights weight: (Int) -> Int, inputs input: (Int) -> Int, count inputCount: Int
    ) -> Int {
        let nodes = self.nodes.unsafelyUnwrapped
        var sum = bias
        var sumData = nodes[sum].data
        var next = count
        for i in 0..<inputCount {
            let w = weight(i), x = input(i)
            let product = Op.mul.apply(nodes[w].data, nodes[x].data).out
            nodes[next] = Node(data: product, op: .mul, lhs: w, rhs: x)
            sumData = Op.add.apply(sumData, product).out
            nodes[next &+ 1] = Node(data: sumData, op: .add, lhs: sum, rhs: next)
            sum = next &+ 1
            next &+= 2
        }
        if inputCount > 0 {
            if firstOp == .max { firstOp = count }
            // A non-finite product or partial sum leaves every later sum non-finite.
            if _slowPath(!sumData.isFinite) { noteUnsafe(count) }
        }
        let first = count
        count = next
        debugCheckInvariants(of: first..<next)
        return sum
    }

    @inline(never)
    mutating func appendExponent(_ exponent: Exponent) -> Int {
        if exponentCount == exponentCapacity {
            let newCapacity = Swift.max(exponentCapacity * 2, 16)
            guard let grown = realloc(exponents, newCapacity * MemoryLayout<Exponent>.stride) else {
                fatalError("out of memory for \(newCapacity) exponents")
            }
            exponents = grown.assumingMemoryBound(to: Exponent.self)
            exponentCapacity = newCapacity
        }
        exponents.unsafelyUnwrapped[exponentCount] = exponent
        exponentCount += 1
        return exponentCount - 1
    }

    /// Drops the exponents of power nodes with ids from `count` on: a binary search, as
    /// exponents are in the order of their nodes.
    mutating func dropExponents(from count: Int) {
        guard exponentCount > 0, let exponents, Int(exponents[exponentCount - 1].node) >= count else { return }
        var low = 0, high = exponentCount
        while low < high {
            let mid = (low + high) / 2
            if Int(exponents[mid].node) < count { low = mid + 1 } else { high = mid }
        }
        exponentCount = low
    }

    /// Backward's set of reached ids, for ids `0..<count`, empty: the same buffer every call.
    mutating func clearedBits(count: Int) -> NodeBits {
        let needed = (count + 63) / 64
        if needed > bitWordCapacity {
            free(bitWords)
            // Sized to what backward reaches, grown by doubling: a tape's capacity starts at
            // 1.4 million nodes of address space, which a small graph's set need not copy.
            let newCapacity = Swift.max(needed, bitWordCapacity * 2)
            guard let fresh = malloc(newCapacity * MemoryLayout<UInt64>.stride) else {
                fatalError("out of memory for a set of \(count) nodes")
            }
            bitWords = fresh.assumingMemoryBound(to: UInt64.self)
            bitWordCapacity = newCapacity
        }
        let words = bitWords.unsafelyUnwrapped
        words.update(repeating: 0, count: needed)
        return NodeBits(words: words)
    }

    /// The second argument of `Op.apply` for a node: the other operand's data or the exponent.
    @inline(__always)
    func secondArgument(_ node: Node) -> Double {
        switch node.op {
        case .power: return exponents.unsafelyUnwrapped[node.rhs].value
        case .add, .mul, .powerValue: return nodes.unsafelyUnwrapped[node.rhs].data
        default: return 0
        }
    }
}
