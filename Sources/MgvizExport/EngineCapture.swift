import Micrograd

extension Diagram {
    /// Copies out of `output`'s graph the nodes that `output` depends on, with their data,
    /// grads (unless `withGrad` is false: backward was not run), labels and ops.
    /// `parameters` mark a model's weights and biases; `neurons` group its nodes, each
    /// neuron inside a group for its layer; `problems` are drawn in red on their nodes.
    /// The graph may change or go once this returns.
    public init(
        output: Value, title: String?, withGrad: Bool, parameters: [Value] = [], neurons: [NeuronNodes] = [],
        problems: [Value: [Problem]] = [:]
    ) {
        self = Self.capturing(
            output: output, title: title, withGrad: withGrad, parameters: parameters, neurons: neurons, problems: problems
        ).diagram
    }

    /// The diagram, and which engine node each position was copied from.
    package static func capturing(
        output: Value, title: String?, withGrad: Bool, parameters: [Value] = [], neurons: [NeuronNodes] = [],
        problems: [Value: [Problem]] = [:]
    ) -> (diagram: Diagram, ids: ValueIDs) {
        let graph = output.graph
        let last = Int(output.id)
        let reaches = graph.dependencies(of: output.id)
        var first = 0
        while !reaches[first] { first += 1 }
        let count = reaches[first...].count { $0 }
        // Usually every node up to the output reaches it; else ids map to positions through a table.
        let ids: ValueIDs
        var positionOf: [Int32] = []
        if count == last - first + 1 {
            ids = .range(Int32(first)..<Int32(last + 1))
        } else {
            positionOf = [Int32](repeating: -1, count: last + 1)
            var list: [Int32] = []
            list.reserveCapacity(count)
            for id in first...last where reaches[id] {
                positionOf[id] = Int32(list.count)
                list.append(Int32(id))
            }
            ids = .list(list)
        }
        func position(_ id: Int32) -> Int32 { positionOf.isEmpty ? id - Int32(first) : positionOf[Int(id)] }

        var diagram = Diagram(title: title, showsGrads: withGrad, capacity: count)
        // A neuron's group, and its layer's, made in the order neurons are given.
        var groupOfNode: [Int32: Int32] = [:]
        var layerGroups: [Int: Int32] = [:], neuronGroups: [Int: Int32] = [:]
        for neuron in neurons {
            let layer: Int32
            if let known = layerGroups[neuron.layer] {
                layer = known
            } else {
                layer = diagram.addGroup(Group(kind: .layer, name: "L\(neuron.layer)", parent: nil, number: neuron.layer))
                layerGroups[neuron.layer] = layer
            }
            let key = neuron.layer << 32 | neuron.neuron
            let group: Int32
            if let known = neuronGroups[key] {
                group = known
            } else {
                group = diagram.addGroup(
                    Group(kind: .neuron, name: "L\(neuron.layer) N\(neuron.neuron)", parent: Int(layer), number: neuron.neuron))
                neuronGroups[key] = group
            }
            for range in neuron.ids {
                for id in range where Int(id) <= last && reaches[Int(id)] { groupOfNode[id] = group }
            }
        }
        let parameterIDs = Set(parameters.map(\.id))
        let labels = graph.labels
        for id in first...last where reaches[id] {
            let node = graph.fields(ofNode: id)
            let key = Int32(id)
            let label = labels.isEmpty ? nil : labels[key]
            let operation: Operation
            switch node.op {
            case .leaf: operation = .leaf
            case .power:
                let exponent = graph.exponent(ofNode: id)
                operation = exponent.isInteger ? .integerPower(Int(exponent.value)) : .floatPower(exponent.value)
            case let op: operation = .op(op)
            }
            let kind: NodeKind =
                node.op != .leaf ? .op : parameterIDs.contains(key) ? .parameter : label == nil ? .constant : .input
            let operands = [node.lhs, node.rhs].lazy.filter { $0 >= 0 }.map(position)
            diagram.append(
                operation, kind: kind, label: label, data: node.data, grad: withGrad ? node.grad : 0, operands: operands,
                group: groupOfNode.isEmpty ? -1 : groupOfNode[key] ?? -1)
        }
        if !diagram.groupOf.contains(where: { $0 >= 0 }) {
            diagram.groupOf = []
            diagram.groups = []
        }
        for (value, list) in problems where !list.isEmpty && value.graph === graph {
            if let position = ids.position(of: value.id) { diagram.setProblems(list, at: position) }
        }
        diagram.setOutput(count - 1)
        return (diagram, ids)
    }
}
