import Micrograd

/// The kind of a drawn node, as the JSON dump names it.
public enum NodeKind: String, Sendable {
    /// A labelled leaf.
    case input
    /// An unlabelled leaf: a number that met a Value.
    case constant
    /// A model's weight or bias.
    case parameter
    /// A node produced by an op.
    case op

    /// `rawValue`, as the exporters write it.
    var name: StaticString {
        switch self {
        case .input: return "input"
        case .constant: return "constant"
        case .parameter: return "parameter"
        case .op: return "op"
        }
    }
}

/// The part of an engine graph that reaches one output, ready to draw or dump.
///
/// A diagram holds no object per node. It keeps which of the graph's nodes it draws (a range
/// of ids, or a list of them), their operands as positions in one flat array, and the few
/// things that only some nodes have (a check's problems, a neuron's cluster, a collapsed
/// neuron's label and op) in tables of their own: 8 bytes a node for a graph whose every node
/// reaches the output. The numbers, labels and op names are read from the engine graph when
/// they are asked for, so a diagram draws its graph as it stands: draw it before changing the
/// graph's numbers or truncating it. `nodes[i]` makes a `Node` of it all when it is read.
public struct Diagram: Sendable {
    /// One node as the diagram shows it, made when `nodes[i]` is read.
    public struct Node: Sendable {
        /// `n0`, `n1`, …: the position in `nodes`, or, once focused, in the whole diagram's.
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
        /// What a check found wrong here, drawn in red with the value it wanted.
        public var problems: [Problem] = []
        /// The neuron whose nodes this is one of, for a model's nodes.
        public var cluster: Cluster?
    }

    /// The nodes, operands before results, in the graph's creation order: a collection whose
    /// elements are made as they are read.
    public struct Nodes: RandomAccessCollection, Sendable {
        public typealias Indices = Range<Int>
        let diagram: Diagram
        public var startIndex: Int { 0 }
        public var endIndex: Int { diagram.count }
        public subscript(position: Int) -> Node { diagram.node(at: position) }
    }

    /// A neuron of a model: `L1 N3` is layer 1, neuron 3, drawn inside a cluster per layer.
    public struct Cluster: Hashable, Sendable, Comparable {
        public var layer: Int
        public var neuron: Int

        public var name: String { "L\(layer) N\(neuron)" }

        public static func < (a: Cluster, b: Cluster) -> Bool { (a.layer, a.neuron) < (b.layer, b.neuron) }
    }

    /// A wrong number on a node and what it should have been: `expected grad 0.0418`.
    public struct Problem: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            /// The central difference disagrees with backward's grad.
            case numericGrad
            /// A spec's `expect` gives another grad.
            case expectedGrad
            /// A spec's `expect` gives another output.
            case expectedData

            /// The words drawn before the number.
            public var label: String {
                switch self {
                case .numericGrad: return "numeric grad"
                case .expectedGrad: return "expected grad"
                case .expectedData: return "expected data"
                }
            }
        }

        public var kind: Kind
        /// The number the check wanted.
        public var value: Double

        public init(_ kind: Kind, _ value: Double) {
            self.kind = kind
            self.value = value
        }
    }

    /// A collapsed neuron's words, which its engine node does not carry.
    struct NeuronText: Sendable {
        var label: String
        var op: String
    }

    public internal(set) var title: String?
    /// The nodes that reach the output, operands before results, in the graph's creation order.
    public var nodes: Nodes { Nodes(diagram: self) }
    /// The output's position in `nodes`: the last, or -1 when a focus left it out.
    public internal(set) var output: Int
    /// Set when this is a part of a bigger diagram, cut out by `focusing(on:depth:)`.
    public internal(set) var focus: Focus?

    /// The graph whose numbers, labels and ops are drawn.
    let graph: Graph
    /// Whether backward was run, so that grads are drawn.
    let showsGrads: Bool
    /// Each node's id in the engine graph, ascending.
    var valueIDs: ValueIDs
    /// The number in each node's name, when it is not the node's position: a focused part
    /// keeps the whole diagram's names.
    var nameNumbers: [Int32]?
    /// Node i's operands are `operandList[operandStart[i]..<operandStart[i + 1]]` (compressed
    /// rows, for a collapsed or focused part), or, when `operandStart` is nil, those of
    /// `operandList[2i]` and `operandList[2i + 1]` that are not -1: an engine node has at most
    /// two, and pairs save the starts' 4 bytes a node. Read through `operandRange(of:)`.
    var operandStart: [Int32]?
    var operandList: [Int32]
    /// A model's weights and biases, by engine id.
    var parameterIDs: Set<Int32>
    /// Each node's cluster, as a position in `clusters`, or -1; empty when no node has one.
    var clusterIndex: [Int32]
    var clusters: [Cluster]
    /// What checks found wrong, by position.
    var problemsAt: [Int: [Problem]]
    /// The label and op of each collapsed neuron, by position.
    var neuronTexts: [Int: NeuronText]

    /// The position of `value` in `nodes`, or nil if it does not reach the output.
    public func position(of value: Value) -> Int? { value.graph === graph ? valueIDs.position(of: value.id) : nil }

    /// Collects the nodes that `output` depends on. Pass `withGrad: false` when backward was
    /// not run; `parameters` and `neurons` mark a model's weights and group its nodes;
    /// `problems` are drawn in red on their nodes.
    public init(
        output: Value, title: String?, withGrad: Bool, parameters: [Value] = [], neurons: [NeuronNodes] = [],
        problems: [Value: [Problem]] = [:]
    ) {
        let graph = output.graph
        let last = Int(output.id)
        let reaches = graph.dependencies(of: output.id)
        var first = 0
        while !reaches[first] { first += 1 }
        let count = reaches[first...].count { $0 }
        // Usually every node up to the output reaches it; else ids map to positions through a table.
        let valueIDs: ValueIDs
        var positionOf: [Int32] = []
        if count == last - first + 1 {
            valueIDs = .range(Int32(first)..<Int32(last + 1))
        } else {
            positionOf = [Int32](repeating: -1, count: last + 1)
            var ids: [Int32] = []
            ids.reserveCapacity(count)
            for id in first...last where reaches[id] {
                positionOf[id] = Int32(ids.count)
                ids.append(Int32(id))
            }
            valueIDs = .list(ids)
        }
        // Operands in pairs, -1 for none: every engine op is unary or binary.
        var operandList = [Int32](repeating: -1, count: 2 * count)
        var position = 0
        for id in first...last where reaches[id] {
            let value = graph[id]
            if value.op != .leaf {
                let operands = value.operands
                precondition(operands.count <= 2, "'\(value.opName)' has \(operands.count) operands; a diagram keeps two a node")
                // Operands come earlier on the tape, so they already have positions.
                for (k, operand) in operands.enumerated() {
                    operandList[2 * position + k] = positionOf.isEmpty ? operand.id - Int32(first) : positionOf[Int(operand.id)]
                }
            }
            position += 1
        }
        var clusterIndex: [Int32] = []
        var clusters: [Cluster] = []
        if !neurons.isEmpty {
            clusterIndex = [Int32](repeating: -1, count: count)
            var tableIndex: [Cluster: Int32] = [:]
            for neuron in neurons {
                let cluster = Cluster(layer: neuron.layer, neuron: neuron.neuron)
                let index: Int32
                if let known = tableIndex[cluster] {
                    index = known
                } else {
                    index = Int32(clusters.count)
                    tableIndex[cluster] = index
                    clusters.append(cluster)
                }
                for range in neuron.ids {
                    for id in range {
                        if let position = valueIDs.position(of: id) { clusterIndex[position] = index }
                    }
                }
            }
            if !clusterIndex.contains(where: { $0 >= 0 }) { clusterIndex = [] }
        }
        var problemsAt: [Int: [Problem]] = [:]
        for (value, list) in problems where !list.isEmpty {
            if let position = valueIDs.position(of: value.id) { problemsAt[position] = list }
        }
        self.graph = graph
        showsGrads = withGrad
        self.valueIDs = valueIDs
        nameNumbers = nil
        operandStart = nil
        self.operandList = operandList
        parameterIDs = Set(parameters.map(\.id))
        self.clusterIndex = clusterIndex
        self.clusters = clusters
        self.problemsAt = problemsAt
        neuronTexts = [:]
        self.title = title
        self.output = count - 1
        focus = nil
    }

    // MARK: reading one node; the exporters read through these, which make no objects

    var count: Int { valueIDs.count }

    /// The engine node drawn at `position`.
    func value(at position: Int) -> Value { graph[Int(valueIDs[position])] }

    func data(at position: Int) -> Double { value(at: position).data }

    func grad(at position: Int) -> Double? { showsGrads ? value(at: position).grad : nil }

    func label(at position: Int) -> String { reading(at: position).label }

    /// micrograd's `_op`; empty for leaves.
    func opName(at position: Int) -> String { opName(of: value(at: position), at: position) }

    func opName(of value: Value, at position: Int) -> String {
        if !neuronTexts.isEmpty, let text = neuronTexts[position] { return text.op }
        return value.opName
    }

    /// Whether the node is an op's result, drawn with an ellipse for its op.
    func isOp(at position: Int) -> Bool { value(at: position).op != .leaf }

    /// What the exporters draw of one node, each part read from the engine once.
    struct Reading {
        var value: Value
        var isOp: Bool
        var label: String
        var kind: NodeKind
    }

    func reading(at position: Int) -> Reading {
        let value = value(at: position)
        let isOp = value.op != .leaf
        let label = value.label
        let kind: NodeKind = isOp ? .op : parameterIDs.contains(value.id) ? .parameter : label == nil ? .constant : .input
        if !neuronTexts.isEmpty, let text = neuronTexts[position] {
            return Reading(value: value, isOp: isOp, label: text.label, kind: kind)
        }
        return Reading(value: value, isOp: isOp, label: label ?? "", kind: kind)
    }

    /// The number in the node's name: `n` and this number.
    package func nameNumber(at position: Int) -> Int {
        if let nameNumbers { return Int(nameNumbers[position]) }
        return position
    }

    /// Positions in `operandList` of the node's operands.
    func operandRange(of position: Int) -> Range<Int> {
        guard let operandStart else {
            let start = 2 * position
            return start..<(start + (operandList[start + 1] >= 0 ? 2 : operandList[start] >= 0 ? 1 : 0))
        }
        return Int(operandStart[position])..<Int(operandStart[position + 1])
    }

    /// The node's operands, as positions.
    func operands(of position: Int) -> LazyMapCollection<Range<Int>, Int> {
        operandRange(of: position).lazy.map { operandList[$0] }.map(Int.init)
    }

    func problems(at position: Int) -> [Problem] { problemsAt.isEmpty ? [] : problemsAt[position] ?? [] }

    func cluster(at position: Int) -> Cluster? {
        guard !clusterIndex.isEmpty else { return nil }
        let index = clusterIndex[position]
        return index >= 0 ? clusters[Int(index)] : nil
    }

    /// How many edges go into op nodes: one per operand use, as backward's contributions are.
    public var edgeCount: Int { operandStart == nil ? operandList.count { $0 >= 0 } : operandList.count }

    /// Whether some node belongs to a model's neuron, so that `collapsingNeurons()` has work.
    public var hasClusters: Bool { !clusterIndex.isEmpty }

    func node(at position: Int) -> Node {
        precondition(position >= 0 && position < count, "node \(position) is not in this diagram of \(count)")
        let node = reading(at: position)
        return Node(
            id: NodeNames.value(at: nameNumber(at: position)), label: node.label, op: opName(of: node.value, at: position),
            kind: node.kind, data: node.value.data, grad: showsGrads ? node.value.grad : nil,
            operands: Array(operands(of: position)), problems: problems(at: position),
            cluster: cluster(at: position))
    }

    // MARK: making parts of a diagram

    /// A diagram of some of these nodes, with their operands given anew as positions among
    /// them: `kept` ascending, `operands(i, append)` appending the kept node i's operands.
    /// Problems, clusters and neuron texts follow their nodes; names and focus are left to
    /// the caller.
    func keeping(_ kept: [Int], operands: (Int, (Int32) -> Void) -> Void) -> Diagram {
        var part = self
        part.valueIDs = valueIDs.keeping(kept)
        var start: [Int32] = [0]
        start.reserveCapacity(kept.count + 1)
        var list: [Int32] = []
        var newPosition: [Int: Int] = [:]
        for (position, index) in kept.enumerated() {
            operands(index) { list.append($0) }
            start.append(Int32(list.count))
            if !problemsAt.isEmpty || !neuronTexts.isEmpty { newPosition[index] = position }
        }
        part.operandStart = start
        part.operandList = list
        part.clusterIndex = hasClusters ? kept.map { clusterIndex[$0] } : []
        if part.hasClusters && !part.clusterIndex.contains(where: { $0 >= 0 }) { part.clusterIndex = [] }
        part.problemsAt = [:]
        for (index, list) in problemsAt {
            if let position = newPosition[index] { part.problemsAt[position] = list }
        }
        part.neuronTexts = [:]
        for (index, text) in neuronTexts {
            if let position = newPosition[index] { part.neuronTexts[position] = text }
        }
        return part
    }
}

/// Which engine nodes a diagram draws, by position.
enum ValueIDs: Sendable {
    /// Every id in the range: a graph whose every node reaches the output.
    case range(Range<Int32>)
    /// Ascending.
    case list([Int32])

    var count: Int {
        switch self {
        case .range(let range): return range.count
        case .list(let ids): return ids.count
        }
    }

    subscript(position: Int) -> Int32 {
        switch self {
        case .range(let range):
            precondition(position >= 0 && position < range.count, "position \(position) is not in this diagram")
            return range.lowerBound + Int32(position)
        case .list(let ids): return ids[position]
        }
    }

    func position(of id: Int32) -> Int? {
        switch self {
        case .range(let range): return range.contains(id) ? Int(id - range.lowerBound) : nil
        case .list(let ids):
            var low = 0, high = ids.count
            while low < high {
                let mid = (low + high) / 2
                if ids[mid] < id { low = mid + 1 } else { high = mid }
            }
            return low < ids.count && ids[low] == id ? low : nil
        }
    }

    /// The ids at `positions`, ascending.
    func keeping(_ positions: [Int]) -> ValueIDs {
        if let first = positions.first, positions.last! - first == positions.count - 1 {
            if case .range(let range) = self {
                return .range((range.lowerBound + Int32(first))..<(range.lowerBound + Int32(first + positions.count)))
            }
        }
        return .list(positions.map { self[$0] })
    }
}
