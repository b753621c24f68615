import Glibc

/// The tape: every node of an expression graph in one contiguous buffer, in creation order.
///
/// Operands are always created before their results, so creation order is a topological
/// order and backward is a single reverse sweep: no recursion, no per-node objects, no
/// closures. Building a node does no reference counting, no copy-on-write check and no
/// allocation (the buffer doubles when full); backward reuses one bit set of the nodes it
/// reached. Freeing a graph of any size frees a few buffers.
///
/// **Lifetime.** A Value does not keep its graph alive: it names it by the address of its
/// storage (a pooled `Tape`, never freed) and a generation, so that building a node costs no
/// retain and no release. A graph must therefore outlive every Value made on it:
///
/// - `Graph.shared` lives as long as the process.
/// - `let graph = Graph()` lives until its last use, as any Swift object does; keep it (or
///   an object that holds it, such as an `Evaluation`) for as long as its Values are used,
///   and wrap the uses in `withExtendedLifetime(graph) { … }` where nothing else uses it.
///   A function that returns Values of a graph it made must return the graph too.
///
/// Using a Value whose graph has been freed is not undefined behaviour: it traps with
/// "this Value's graph has been freed", and `Value.graphIsAlive` says so without trapping.
/// The check is one load and one compare per op (per layer, on an MLP's path); dropping
/// it, as an `unowned(unsafe)` reference would, saved about 5% of the instructions of a
/// moons training step and about 3% of its time, which this safety is worth.
///
/// A graph is not thread-safe, and takes no locks so that building stays fast. It is
/// `@unchecked Sendable` because a graph may move between tasks and threads (a task that
/// builds one resumes on another thread after an `await`, and `Graph.current` is a
/// task-local, which must be Sendable), but only one task at a time may use it.
public final class Graph: @unchecked Sendable {
    /// The most nodes a graph may hold: ids are 30-bit fields of a node.
    public static let maximumNodeCount = Node.maximumCount
    /// The memory a node takes on the tape: its data, its grad, and a word packing its op
    /// and operand ids.
    public static let bytesPerNode = MemoryLayout<Node>.stride

    /// Where this graph's nodes live; shared with its Values, which reach it without
    /// touching this object.
    let tape: UnsafeMutablePointer<Tape>
    /// The generation of `tape` that is this graph: Values carry it.
    let generation: UInt32

    var labels: [Int32: String] = [:]
    /// No label is on a node with a higher id (a removed label may leave it too high), so
    /// that `truncate(to:)` can skip the labels when it cuts above it.
    var highestLabelled: Int32 = -1

    public init() {
        tape = Tape.take()
        generation = tape.pointee.generation
        tape.pointee.owner = Unmanaged.passUnretained(self)
    }

    deinit { Tape.give(tape) }

    /// How many nodes the tape holds.
    public var count: Int { tape.pointee.count }

    /// Reserves room for `capacity` nodes, so that building does not reallocate.
    public func reserveCapacity(_ capacity: Int) {
        if capacity > tape.pointee.capacity { tape.pointee.grow(toAtLeast: capacity) }
    }

    /// The Value with this id, as handed out by `Value.id`.
    public subscript(id: Int) -> Value {
        precondition(id >= 0 && id < count, "node id \(id) is not in this graph")
        return Value(tape: tape, generation: generation, id: Int32(truncatingIfNeeded: id))
    }

    /// Drops every node created after the first `count` ones, keeping their storage.
    /// A training loop builds its parameters, notes `count`, and truncates back to it each
    /// step. Values that pointed past `count` are invalid afterwards: reading them traps.
    ///
    /// It takes constant time, but for a binary search of the power nodes' exponents when
    /// some power node is dropped, and a pass over the labels when some label is dropped.
    public func truncate(to count: Int) {
        let tape = self.tape
        precondition(count >= 0 && count <= tape.pointee.count, "cannot truncate \(tape.pointee.count) nodes to \(count)")
        tape.pointee.count = count
        tape.pointee.dropExponents(from: count)
        tape.pointee.forgetNodes(from: count)
        if Int(highestLabelled) >= count {
            labels = labels.filter { $0.key < count }
            highestLabelled = labels.keys.max() ?? -1
        }
    }

    /// Sets every node's grad to zero.
    public func zeroGrad() {
        let nodes = tape.pointee.nodes
        for i in 0..<count { nodes.unsafelyUnwrapped[i].grad = 0 }
        tape.pointee.noteGradsZeroed()
    }

    // MARK: building

    func leaf(_ data: Double, label: String?) -> Value {
        let value = Value.leaf(data, on: tape, generation: generation)
        if let label { setLabel(label, of: value.id) }
        return value
    }

    func setLabel(_ label: String?, of id: Int32) {
        labels[id] = label
        if label != nil && id > highestLabelled { highestLabelled = id }
    }

    // MARK: evaluation

    /// The node with this id; the id must be below `count`.
    @inline(__always)
    func node(_ id: Int) -> Node { tape.pointee.nodes.unsafelyUnwrapped[id] }

    /// Recomputes the data of every op node with an id in `range` (by default, all), in
    /// order, from the current data of the nodes before it. Leaves keep theirs.
    public func forward(_ range: Range<Int>? = nil) {
        let t = tape
        let range = range ?? 0..<t.pointee.count
        precondition(range.lowerBound >= 0 && range.upperBound <= t.pointee.count, "\(range) is not in this graph")
        guard !range.isEmpty else { return }
        let nodes = t.pointee.nodes.unsafelyUnwrapped
        for i in range {
            let node = nodes[i]
            let op = node.op
            guard op != .leaf else { continue }
            let data = op.apply(nodes[node.lhs].data, t.pointee.secondArgument(node)).out
            nodes[i].data = data
            t.pointee.noteData(data, of: i)
        }
    }

    /// micrograd's backward from `output`: its grad is set to 1, and every node it depends
    /// on accumulates its contribution. Nodes that do not reach `output` are left alone.
    func backward(from output: Int32) {
        let t = tape
        let last = Int(output)
        precondition(last >= 0 && last < t.pointee.count, "node \(last) is not in this graph")
        let reached = t.pointee.clearedBits(count: last + 1)
        if t.pointee.zeroGradsChangeNothing(upTo: last) {
            sweep(from: last, reached: reached, skippingZeroGrads: true)
        } else {
            sweep(from: last, reached: reached, skippingZeroGrads: false)
        }
        t.pointee.noteBackward(from: last)
    }

    /// Backward's one reverse sweep from `last`, over the nodes an operand edge from a visited
    /// node reaches, found as it goes. When zero grads change nothing, a node whose grad is
    /// zero is skipped and reaches nothing, so that a moons step skips the whole forward pass
    /// of each point past the hinge, as hand-written C does.
    @inline(__always)
    private func sweep(from last: Int, reached: NodeBits, skippingZeroGrads: Bool) {
        let t = tape
        let nodes = t.pointee.nodes.unsafelyUnwrapped
        nodes[last].grad = 1
        var i = last
        // Whether node `i`'s grad is `carriedGrad`, computed by the step before: see `.add`.
        var isCarried = false, carriedGrad = 0.0
        while i >= 0 {
            let g = isCarried ? carriedGrad : nodes[i].grad
            isCarried = false
            // Whether node i - 1 is an operand: then it is visited next, without its bit.
            var reachesAdjacent = false
            @inline(__always) func reach(_ id: Int) {
                if id == i &- 1 { reachesAdjacent = true } else { reached.insert(id) }
            }
            if !skippingZeroGrads || g != 0 {
                let node = nodes[i]
                switch node.op {
                case .leaf:
                    break
                // + and * spelled out as micrograd's _backward: a sum's local derivatives are
                // exactly 1, so `+= g` is `+= 1 * g` without a multiply on the critical path.
                case .add:
                    let a = node.lhs, b = node.rhs
                    let product = nodes[b]
                    // A neuron's running sum, `s[i] = s[i-2] + w * x` with the product at i-1
                    // made from older nodes: the product's _backward runs here, as it would
                    // next, and s[i-2] is visited next with its grad in a register. Neither
                    // needs its bit, and the sums' chain does not wait on a store and a
                    // reload. The same additions happen in the same order.
                    if a == i &- 2, b == i &- 1, product.op == .mul, product.lhs < a, product.rhs < a {
                        let sumGrad = nodes[a].grad + g
                        nodes[a].grad = sumGrad
                        let productGrad = product.grad + g
                        nodes[b].grad = productGrad
                        let w = product.lhs, x = product.rhs
                        let wData = nodes[w].data, xData = nodes[x].data
                        nodes[w].grad += xData * productGrad
                        reach(w)
                        nodes[x].grad += wData * productGrad
                        reach(x)
                        isCarried = true
                        carriedGrad = sumGrad
                        i = a
                        continue
                    }
                    nodes[a].grad += g
                    reach(a)
                    nodes[b].grad += g
                    reach(b)
                case .mul:
                    let a = node.lhs, b = node.rhs
                    let aData = nodes[a].data, bData = nodes[b].data
                    nodes[a].grad += bData * g
                    reach(a)
                    nodes[b].grad += aData * g
                    reach(b)
                case let op:
                    let a = node.lhs
                    if op.isBinary {
                        let b = node.rhs
                        let local = op.apply(nodes[a].data, nodes[b].data)
                        nodes[a].grad += local.da * g
                        reach(a)
                        nodes[b].grad += local.db * g
                        reach(b)
                    } else {
                        let local = op.apply(nodes[a].data, t.pointee.secondArgument(node))
                        nodes[a].grad += local.da * g
                        reach(a)
                    }
                }
            }
            i = reachesAdjacent ? i &- 1 : reached.next(below: i)
        }
    }

    /// Which nodes `output` depends on, itself included, as a mask indexed by node id with
    /// `output + 1` entries: one reverse sweep, no recursion. The sweep stops at `first`, so
    /// ids below it are false whether or not `output` uses them.
    public func dependencies(of output: Int32, from first: Int32 = 0) -> [Bool] {
        let first = Int(first), last = Int(output)
        precondition(first >= 0 && first <= last && last < count, "node \(last) is not in this graph after \(first)")
        var reaches = [Bool](repeating: false, count: last + 1)
        reaches[last] = true
        for id in stride(from: last, to: first, by: -1) where reaches[id] {
            let node = self.node(id)
            guard node.op != .leaf else { continue }
            if node.lhs >= first { reaches[node.lhs] = true }
            if node.op.isBinary && node.rhs >= first { reaches[node.rhs] = true }
        }
        return reaches
    }

    /// The op's name as micrograd spells `_op`, with the exponent for `**k`.
    func opName(_ id: Int32) -> String {
        let node = self.node(Int(id))
        return node.op == .power ? "**" + tape.pointee.exponents.unsafelyUnwrapped[node.rhs].spelling : node.op.name
    }
}

/// A set of node ids, one bit each: the nodes backward has reached.
struct NodeBits {
    let words: UnsafeMutablePointer<UInt64>

    @inline(__always)
    func insert(_ id: Int) {
        words[id &>> 6] |= 1 &<< UInt64(truncatingIfNeeded: id & 63)
    }

    /// The highest id in the set below `id`, or -1.
    @inline(__always)
    func next(below id: Int) -> Int {
        // Most often it is the id just below, in a chain or a dense graph: a branch the CPU
        // predicts, so that the next visit need not wait for this one's stores to the set.
        if id > 0 && words[(id &- 1) &>> 6] & (1 &<< UInt64(truncatingIfNeeded: (id &- 1) & 63)) != 0 {
            return id &- 1
        }
        return highest(below: id)
    }

    /// The highest id in the set below `id`, or -1: a word at a time.
    @inline(__always)
    func highest(below id: Int) -> Int {
        var index = id &>> 6
        var word = words[index] & ((1 &<< UInt64(truncatingIfNeeded: id & 63)) &- 1)
        while word == 0 {
            index &-= 1
            if index < 0 { return -1 }
            word = words[index]
        }
        return index &<< 6 | (63 &- word.leadingZeroBitCount)
    }
}

// MARK: the current graph

extension Graph {
    /// The graph that Values made outside any `withScope` go to: one for the whole process,
    /// shared by every thread and task, and never freed. Like any graph it must not be built
    /// from two at once, so code that builds concurrently gives each task a graph and a scope
    /// of its own.
    public static let shared = Graph()

    @TaskLocal private static var scoped: Graph?

    /// The graph that `Value(_:label:)` adds leaves to: the innermost `withScope` graph of
    /// this task (child tasks inherit it; detached tasks do not), or else `Graph.shared`.
    public static var current: Graph { scoped ?? shared }

    /// Runs `body` with this graph as `Graph.current`. The scope keeps the graph alive while
    /// `body` runs; a Value that `body` returns needs the graph kept alive after it.
    public func withScope<Result>(_ body: () throws -> Result) rethrows -> Result {
        try Graph.$scoped.withValue(self, operation: body)
    }

    /// Runs `body` with this graph as `Graph.current`, across its suspensions and in the
    /// child tasks it starts.
    public func withScope<Result>(
        isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> Result
    ) async rethrows -> Result {
        try await Graph.$scoped.withValue(self, operation: body, isolation: isolation)
    }
}

// MARK: the node

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

// MARK: the tape's storage

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
        count = next
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

    // MARK: when backward may skip zero grads

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
