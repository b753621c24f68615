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
}

/// The part of an engine graph that reaches one output, ready to draw or dump.
public struct Diagram: Sendable {
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

    public internal(set) var title: String?
    /// The nodes that reach the output, operands before results, in the graph's creation order.
    public internal(set) var nodes: [Node]
    /// The output's position in `nodes`: the last, or -1 when a focus left it out.
    public internal(set) var output: Int
    /// Set when this is a part of a bigger diagram, cut out by `focusing(on:depth:)`.
    public internal(set) var focus: Focus?
    /// Each node's id in the engine graph, ascending.
    var valueIDs: [Int32]

    /// The position of `value` in `nodes`, or nil if it does not reach the output.
    public func position(of value: Value) -> Int? {
        var low = 0, high = valueIDs.count
        while low < high {
            let mid = (low + high) / 2
            if valueIDs[mid] < value.id { low = mid + 1 } else { high = mid }
        }
        return low < valueIDs.count && valueIDs[low] == value.id ? low : nil
    }

    /// Collects the nodes that `output` depends on. Pass `withGrad: false` when backward was
    /// not run; `parameters` and `neurons` mark a model's weights and group its nodes;
    /// `problems` are drawn in red on their nodes.
    public init(
        output: Value, title: String?, withGrad: Bool, parameters: [Value] = [], neurons: [NeuronNodes] = [],
        problems: [Value: [Problem]] = [:]
    ) {
        var clusterOf: [Int32: Cluster] = [:]
        for neuron in neurons {
            for range in neuron.ids {
                for id in range { clusterOf[id] = Cluster(layer: neuron.layer, neuron: neuron.neuron) }
            }
        }
        let parameterIDs = Set(parameters.map(\.id))
        let graph = output.graph
        let last = Int(output.id)
        let reaches = graph.dependencies(of: output.id)
        var position = [Int](repeating: -1, count: last + 1)
        var nodes: [Node] = []
        var valueIDs: [Int32] = []
        for id in 0...last where reaches[id] {
            let value = graph[id]
            position[id] = nodes.count
            valueIDs.append(Int32(id))
            let label = value.label ?? ""
            nodes.append(Node(
                id: NodeNames.value(at: nodes.count), label: label, op: value.opName,
                kind: value.op != .leaf ? .op
                    : parameterIDs.contains(value.id) ? .parameter
                    : value.label == nil ? .constant : .input,
                data: value.data, grad: withGrad ? value.grad : nil,
                // Operands come earlier on the tape, so they already have positions.
                operands: value.operands.map { position[Int($0.id)] }, problems: problems[value] ?? [], cluster: clusterOf[value.id]))
        }
        self.title = title
        self.nodes = nodes
        self.output = nodes.count - 1
        self.valueIDs = valueIDs
    }
}
