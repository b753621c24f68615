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
    package static let bytesPerNode = MemoryLayout<Node>.stride

    /// Where this graph's nodes live; shared with its Values, which reach it without
    /// touching this object.
    let tape: UnsafeMutablePointer<Tape>
    /// The generation of `tape` that is this graph: Values carry it.
    let generation: UInt32

    /// Each labelled node's label, by id.
    package private(set) var labels: [Int32: String] = [:]
    /// No label is on a node with a higher id (a removed label may leave it too high), so
    /// that `truncate(to:)` can skip the labels when it cuts above it.
    var highestLabelled: Int32 = -1

    /// An empty graph, with a tape of its own.
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
        tape.pointee.forgetCalls(from: count)
        tape.pointee.debugCheckInvariants(of: 0..<count)
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
        tape.pointee.debugCheckInvariants(of: 0..<count)
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
        t.pointee.debugCheckInvariants(of: range)
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
        t.pointee.debugCheckInvariants(of: 0..<t.pointee.count)
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
    package func dependencies(of output: Int32, from first: Int32 = 0) -> [Bool] {
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
