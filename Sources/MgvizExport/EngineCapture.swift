import Micrograd

extension Diagram {
    /// Copies out of `output`'s graph the nodes that `output` depends on, with their data,
    /// grads (unless `withGrad` is false: backward was not run), labels and ops, grouped by
    /// the calls of models the graph recorded (see `ModelShape`); `problems` are drawn in red
    /// on their nodes. The graph may change or go once this returns.
    package init(output: Value, title: String?, withGrad: Bool, problems: [Value: [Problem]] = [:]) {
        self = Self.capturing(output: output, title: title, withGrad: withGrad, problems: problems).diagram
    }

    /// The diagram, and which engine node each position was copied from.
    package static func capturing(
        output: Value, title: String?, withGrad: Bool, problems: [Value: [Problem]] = [:]
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
        let models = diagram.addGroups(ofCallsIn: graph, reaching: reaches)
        // The labels, a user's winning over the model's names, in id order: walked alongside
        // the nodes rather than looked up for each of millions.
        var named = graph.labels
        for (id, name) in models.names where named[id] == nil { named[id] = name }
        let labels = named.sorted { $0.key < $1.key }
        var nextLabel = labels.startIndex
        for id in first...last where reaches[id] {
            let node = graph.fields(ofNode: id)
            let key = Int32(id)
            while nextLabel < labels.endIndex && labels[nextLabel].key < key { nextLabel += 1 }
            let label = nextLabel < labels.endIndex && labels[nextLabel].key == key ? labels[nextLabel].value : nil
            let operation: Operation
            switch node.op {
            case .leaf: operation = .leaf
            case .power:
                let exponent = graph.exponent(ofNode: id)
                operation = exponent.isInteger ? .integerPower(Int(exponent.value)) : .floatPower(exponent.value)
            case let op: operation = .op(op)
            }
            let kind: NodeKind =
                node.op != .leaf ? .op : models.parameters.contains(key) ? .parameter : label == nil ? .constant : .input
            diagram.append(
                operation, kind: kind, label: label, data: node.data, grad: withGrad ? node.grad : 0,
                lhs: node.lhs >= 0 ? position(node.lhs) : -1, rhs: node.rhs >= 0 ? position(node.rhs) : -1,
                group: models.groups.isEmpty ? -1 : models.groups[id])
        }
        diagram.removeEmptyGroups()
        for (value, list) in problems where !list.isEmpty && value.graph === graph {
            if let position = ids.position(of: value.id) { diagram.setProblems(list, at: position) }
        }
        diagram.setOutput(count - 1)
        return (diagram, ids)
    }
}

/// What a graph's recorded model calls say of its nodes: their groups, which are parameters,
/// and the names the model gives them.
private struct ModelNodes {
    /// Each node's innermost group, by engine id, or -1; empty when no node has one.
    var groups: [Int32] = []
    var parameters = Set<Int32>()
    /// `L1 N3 w2`, `L1 N3 b`, `x[17][0]`, `score[17]`, by engine id.
    var names: [Int32: String] = [:]
}

extension Diagram {
    /// Adds a group for each model call the graph recorded that reaches the output (`reaches`
    /// is indexed by id), and says which group each node is in and what the model names it.
    ///
    /// A model that ran once is drawn as its layers, each holding its neurons, each neuron
    /// holding its weights, bias and what its call made of them. A model that ran on several
    /// inputs (a batch) has a group per call, holding that call's layers and neurons, while
    /// its parameters, which every call shares, are in layers and neurons outside the calls.
    /// Parameters are named by their neuron (`L1 N3 w2`, `L1 N3 b`), a call's inputs and
    /// outputs by the example it is (`x[17][0]`, `score[17]`; `x[0]` and `score` for one call).
    fileprivate mutating func addGroups(ofCallsIn graph: Graph, reaching reaches: [Bool]) -> ModelNodes {
        let (models, calls, callInputs) = graph.recordedCalls
        func reached(_ id: Int32) -> Bool { Int(id) < reaches.count && reaches[Int(id)] }
        var callsOf = [[ModelCall]](repeating: [], count: models.count)
        for call in calls {
            let range = Int(call.start)..<(Int(call.start) + models[Int(call.model)].nodeCount)
            if range.contains(where: { $0 < reaches.count && reaches[$0] }) { callsOf[Int(call.model)].append(call) }
        }
        var found = ModelNodes()
        if callsOf.contains(where: { !$0.isEmpty }) { found.groups = [Int32](repeating: -1, count: reaches.count) }
        for (model, shape) in models.enumerated() where !callsOf[model].isEmpty {
            let isBatch = callsOf[model].count > 1
            // The parameters' neurons: the only ones for a single call, shared by every call of a batch.
            var parameterNeurons: [[Int32]] = []
            for (l, layer) in shape.layers.enumerated() {
                let layerGroup = addGroup(Group(kind: .layer, name: "L\(l + 1)", parent: nil, number: l + 1))
                parameterNeurons.append(layer.enumerated().map { n, neuron in
                    let name = "L\(l + 1) N\(n + 1)"
                    let group = addGroup(Group(kind: .neuron, name: name, parent: Int(layerGroup), number: n + 1))
                    for (i, id) in (neuron.weights + [neuron.bias]).enumerated() {
                        found.parameters.insert(id)
                        guard reached(id) else { continue }
                        found.groups[Int(id)] = group
                        found.names[id] = name + (i < neuron.weights.count ? " w\(i + 1)" : " b")
                    }
                    return group
                })
            }
            let outputCount = shape.layers.last?.count ?? 0
            for (k, call) in callsOf[model].enumerated() {
                var neuronGroups = parameterNeurons
                let example = isBatch ? "[\(k)]" : ""
                if isBatch {
                    let callGroup = addGroup(Group(kind: .call, name: "\(shape.kind.name)(x\(example))", parent: nil, number: k))
                    neuronGroups = shape.layers.enumerated().map { l, layer in
                        let layerGroup = addGroup(Group(kind: .layer, name: "L\(l + 1)", parent: Int(callGroup), number: l + 1))
                        return layer.indices.map { n in
                            addGroup(Group(kind: .neuron, name: "L\(l + 1) N\(n + 1)", parent: Int(layerGroup), number: n + 1))
                        }
                    }
                }
                for i in 0..<shape.inputCount {
                    let id = callInputs[Int(call.inputs) + i]
                    if reached(id), graph.fields(ofNode: Int(id)).op == .leaf { found.names[id] = "x\(example)[\(i)]" }
                }
                // A call's nodes: layer by layer, each neuron's products and sums, then its activation.
                var id = call.start
                for (l, layer) in shape.layers.enumerated() {
                    for (n, neuron) in layer.enumerated() {
                        let end = id + Int32(neuron.nodeCount)
                        for made in id..<end where reached(made) { found.groups[Int(made)] = neuronGroups[l][n] }
                        if l == shape.layers.count - 1, neuron.nodeCount > 0, reached(end - 1) {
                            found.names[end - 1] = "score" + example + (outputCount > 1 ? "[\(n)]" : "")
                        }
                        id = end
                    }
                }
            }
        }
        return found
    }
}

extension ModelShape.Kind {
    /// How a call of it is named: `MLP(x[17])`.
    var name: String {
        switch self {
        case .mlp: return "MLP"
        case .layer: return "Layer"
        case .neuron: return "Neuron"
        }
    }
}
