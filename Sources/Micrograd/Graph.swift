/// The tape: every node of an expression graph in one contiguous array, in creation order.
///
/// Operands are always created before their results, so creation order is a topological
/// order and backward is a single reverse sweep: no recursion, no per-node objects, no
/// closures, no reference counting. Freeing a graph of any size frees a few arrays.
///
/// A graph is not thread-safe, and takes no locks so that building stays fast.
///
/// It is `@unchecked Sendable` because a graph may move between tasks and threads (a task
/// that builds one resumes on another thread after an `await`, and `Graph.current` is a
/// task-local, which must be Sendable), but only one task at a time may use it.
public final class Graph: @unchecked Sendable {
    struct Node {
        var data: Double
        var grad: Double
        /// First operand, or -1 for a leaf.
        var lhs: Int32
        /// Second operand; for `.power`, an index into `exponents`.
        var rhs: Int32
        var op: Op
    }

    /// The exponent of a `.power` node, with the spelling Python gives its literal.
    struct Exponent {
        var value: Double
        var literal: String
    }

    // Hot paths index these directly; no caller holds an access across another's.
    @exclusivity(unchecked) var nodes: [Node] = []
    var exponents: [Exponent] = []
    var labels: [Int32: String] = [:]

    public init() {}

    /// How many nodes the tape holds.
    public var count: Int { nodes.count }

    /// Reserves room for `capacity` nodes, so that building does not reallocate.
    public func reserveCapacity(_ capacity: Int) { nodes.reserveCapacity(capacity) }

    /// The Value with this id, as handed out by `Value.id`.
    public subscript(id: Int) -> Value {
        precondition(id >= 0 && id < nodes.count, "node id \(id) is not in this graph")
        return Value(graph: self, id: Int32(id))
    }

    /// Drops every node created after the first `count` ones, keeping their storage.
    /// A training loop builds its parameters, notes `count`, and truncates back to it each
    /// step. Values that pointed past `count` are invalid afterwards.
    public func truncate(to count: Int) {
        precondition(count >= 0 && count <= nodes.count, "cannot truncate \(nodes.count) nodes to \(count)")
        // Exponents are appended in the same order as their power nodes.
        let droppedExponents = nodes[count...].lazy.filter { $0.op == .power }.count
        exponents.removeLast(droppedExponents)
        nodes.removeSubrange(count...)
        labels = labels.filter { $0.key < count }
    }

    /// Sets every node's grad to zero.
    public func zeroGrad() {
        nodes.withUnsafeMutableBufferPointer { nodes in
            for i in nodes.indices { nodes[i].grad = 0 }
        }
    }

    // MARK: building

    func leaf(_ data: Double, label: String?) -> Value {
        let id = Int32(nodes.count)
        nodes.append(Node(data: data, grad: 0, lhs: -1, rhs: -1, op: .leaf))
        if let label { labels[id] = label }
        return Value(graph: self, id: id)
    }

    func append(_ op: Op, _ a: Value, _ b: Value) -> Value {
        precondition(a.graph === self && b.graph === self, "cannot combine Values from different graphs")
        let out = op.apply(nodes[Int(a.id)].data, nodes[Int(b.id)].data).out
        return append(Node(data: out, grad: 0, lhs: a.id, rhs: b.id, op: op))
    }

    func append(_ op: Op, _ a: Value) -> Value {
        precondition(a.graph === self, "cannot combine Values from different graphs")
        let out = op.apply(nodes[Int(a.id)].data, 0).out
        return append(Node(data: out, grad: 0, lhs: a.id, rhs: -1, op: op))
    }

    func appendPower(_ a: Value, exponent: Double, literal: String) -> Value {
        precondition(a.graph === self, "cannot combine Values from different graphs")
        let out = Op.power.apply(nodes[Int(a.id)].data, exponent).out
        exponents.append(Exponent(value: exponent, literal: literal))
        return append(Node(data: out, grad: 0, lhs: a.id, rhs: Int32(exponents.count - 1), op: .power))
    }

    private func append(_ node: Node) -> Value {
        let id = Int32(nodes.count)
        nodes.append(node)
        return Value(graph: self, id: id)
    }

    // MARK: evaluation

    /// The second argument of `apply` for a node: the other operand's data or the exponent.
    @inline(__always)
    private func secondArgument(_ node: Node, _ nodes: UnsafeMutableBufferPointer<Node>) -> Double {
        switch node.op {
        case .power: return exponents[Int(node.rhs)].value
        case .add, .mul, .powerValue: return nodes[Int(node.rhs)].data
        default: return 0
        }
    }

    /// Recomputes the data of every op node with an id in `range` (by default, all), in
    /// order, from the current data of the nodes before it. Leaves keep theirs.
    public func forward(_ range: Range<Int>? = nil) {
        let range = range ?? 0..<nodes.count
        precondition(range.lowerBound >= 0 && range.upperBound <= nodes.count, "\(range) is not in this graph")
        nodes.withUnsafeMutableBufferPointer { nodes in
            for i in range where nodes[i].op != .leaf {
                let node = nodes[i]
                nodes[i].data = node.op.apply(nodes[Int(node.lhs)].data, secondArgument(node, nodes)).out
            }
        }
    }

    /// micrograd's backward from `output`: its grad is set to 1, and every node it depends
    /// on accumulates its contribution. Nodes that do not reach `output` are left alone.
    func backward(from output: Int32) {
        let last = Int(output)
        let reaches = UnsafeMutableBufferPointer<Bool>.allocate(capacity: last + 1)
        defer { reaches.deallocate() }
        reaches.initialize(repeating: false)
        reaches[last] = true
        nodes.withUnsafeMutableBufferPointer { nodes in
            nodes[last].grad = 1
            for i in stride(from: last, through: 0, by: -1) where reaches[i] {
                let node = nodes[i]
                guard node.op != .leaf else { continue }
                let a = Int(node.lhs)
                let local = node.op.apply(nodes[a].data, secondArgument(node, nodes))
                nodes[a].grad += local.da * node.grad
                reaches[a] = true
                if node.op.isBinary {
                    let b = Int(node.rhs)
                    nodes[b].grad += local.db * node.grad
                    reaches[b] = true
                }
            }
        }
    }

    /// Which nodes `output` depends on, itself included, as a mask indexed by node id with
    /// `output + 1` entries: one reverse sweep, no recursion. The sweep stops at `first`, so
    /// ids below it are false whether or not `output` uses them.
    public func dependencies(of output: Int32, from first: Int32 = 0) -> [Bool] {
        let first = Int(first), last = Int(output)
        precondition(first >= 0 && first <= last && last < nodes.count, "node \(last) is not in this graph after \(first)")
        var reaches = [Bool](repeating: false, count: last + 1)
        reaches[last] = true
        for id in stride(from: last, to: first, by: -1) where reaches[id] {
            let node = nodes[id]
            guard node.op != .leaf else { continue }
            if Int(node.lhs) >= first { reaches[Int(node.lhs)] = true }
            if node.op.isBinary && Int(node.rhs) >= first { reaches[Int(node.rhs)] = true }
        }
        return reaches
    }

    /// The op's name as micrograd spells `_op`, with the exponent for `**k`.
    func opName(_ id: Int32) -> String {
        let node = nodes[Int(id)]
        return node.op == .power ? "**" + exponents[Int(node.rhs)].literal : node.op.name
    }
}

// MARK: the current graph

extension Graph {
    /// The graph that Values made outside any `withScope` go to: one for the whole process,
    /// shared by every thread and task. Like any graph it must not be built from two at once,
    /// so code that builds concurrently gives each task a graph and a scope of its own.
    public static let shared = Graph()

    @TaskLocal private static var scoped: Graph?

    /// The graph that `Value(_:label:)` adds leaves to: the innermost `withScope` graph of
    /// this task (child tasks inherit it; detached tasks do not), or else `Graph.shared`.
    public static var current: Graph { scoped ?? shared }

    /// Runs `body` with this graph as `Graph.current`.
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
