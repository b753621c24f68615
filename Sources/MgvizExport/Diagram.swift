import Micrograd

/// The kind of a drawn node, as the JSON dump names it.
public enum NodeKind: String, Sendable {
    /// A labelled leaf.
    case input
    /// An unlabelled leaf: a number that met a Value.
    case constant
    /// A node produced by an op.
    case op
}

/// The part of an engine graph that reaches one output, ready to draw or dump.
public struct Diagram: Sendable {
    public struct Node: Sendable {
        /// `n0`, `n1`, …: the position in `nodes`.
        public var id: String
        public var label: String
        /// micrograd's `_op`; empty for leaves.
        public var op: String
        public var kind: NodeKind
        public var data: Double
        /// nil when backward was not run.
        public var grad: Double?
        /// Positions in `nodes`, one per use: `a * a` lists a twice.
        public var operands: [Int]
    }

    public var title: String?
    /// The nodes that reach the output, operands before results, in the graph's creation order.
    public var nodes: [Node]
    /// The output's position in `nodes` (always the last).
    public var output: Int

    /// Collects the nodes that `output` depends on. Pass `withGrad: false` when backward was not run.
    public init(output: Value, title: String?, withGrad: Bool) {
        let graph = output.graph
        let last = Int(output.id)
        // One reverse sweep marks what reaches the output; no recursion, whatever the depth.
        var reaches = [Bool](repeating: false, count: last + 1)
        reaches[last] = true
        var operandIDs = [[Int32]](repeating: [], count: last + 1)
        for id in stride(from: last, through: 0, by: -1) where reaches[id] {
            let operands = graph[id].operands.map(\.id)
            for operand in operands { reaches[Int(operand)] = true }
            operandIDs[id] = operands
        }
        var position = [Int](repeating: -1, count: last + 1)
        var nodes: [Node] = []
        for id in 0...last where reaches[id] {
            let value = graph[id]
            position[id] = nodes.count
            let label = value.label ?? ""
            nodes.append(Node(
                id: "n\(nodes.count)", label: label, op: value.opName,
                kind: value.op != .leaf ? .op : (value.label == nil ? .constant : .input),
                data: value.data, grad: withGrad ? value.grad : nil,
                operands: operandIDs[id].map { position[Int($0)] }))
        }
        self.title = title
        self.nodes = nodes
        self.output = nodes.count - 1
    }
}
