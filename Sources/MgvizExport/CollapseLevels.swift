import Micrograd

/// How far a model's groups fold.
public enum CollapseLevel: String, Sendable, CaseIterable {
    /// Each neuron as one node: its activation's data and grad.
    case neurons
    /// Each layer of each call as one node: `L2: 16 neurons, ReLU`.
    case layers
    /// Each call of the model (each example) as one node: `MLP(x[17])`, with its score.
    case calls
}

extension Diagram {
    /// The same diagram with the model's groups of `level` folded into one node each.
    ///
    /// A model that ran once folds its parameters with its neurons (or layers, or the whole
    /// model), as `collapsingNeurons()` does; a parameter that something outside uses too
    /// stays drawn. A model that ran on a batch keeps its parameters, which every call shares,
    /// outside its calls, folded into one `parameters` node that feeds them, and each call's
    /// groups fold on their own. A neuron whose ReLU gives 0 for every example is dead: its
    /// folded node is drawn so and says so, and a folded layer or call counts its dead units.
    package func collapsing(_ level: CollapseLevel) -> Diagram {
        let isBatch = groups.contains { $0.kind == .call }
        if level == .neurons && !isBatch { return collapsingNeurons() }
        // Each group's nodes, its own and those of the groups inside it.
        var membersOf = [[Int]](repeating: [], count: groups.count)
        for position in 0..<count where !isFolded(at: position) {
            var group = groupIndex(at: position)
            while let g = group {
                membersOf[g].append(position)
                group = groups[g].parent
            }
        }
        let dead = deadNeurons()
        var folds: [Fold] = []
        var parameters: [Int] = []
        var modelNodes: [Int] = []
        var modelLayers: [Int] = []
        let kind: Group.Kind = level == .neurons ? .neuron : level == .layers ? .layer : .call
        for (index, group) in groups.enumerated() {
            let isCalls = ancestor(of: index, kind: .call) != nil
            if isBatch && !isCalls {
                // The parameters every call shares fold into one node.
                if group.kind == .layer && group.parent == nil { parameters += membersOf[index] }
                continue
            }
            if !isBatch && level == .calls {
                // A model that ran once is one call: its layers fold together.
                if group.kind == .layer && group.parent == nil {
                    modelNodes += membersOf[index]
                    modelLayers.append(index)
                }
                continue
            }
            guard group.kind == kind, !membersOf[index].isEmpty else { continue }
            folds.append(fold(group: index, members: membersOf[index], dead: dead))
        }
        if !modelNodes.isEmpty {
            folds.append(fold(model: modelNodes.sorted(), layers: modelLayers, dead: dead))
        }
        if !parameters.isEmpty {
            // Drawn where the first parameter is, before anything that uses one.
            folds.append(Fold(
                members: parameters.sorted(), representative: parameters.min()!, label: "parameters", op: "", group: -1,
                lines: ["\(parameters.count) values", "grad norm " + cFormat("%.4g", norm(parameters.map { grads.isEmpty ? 0 : grads[$0] }))],
                kind: .parameter))
        }
        // Every example drawn: the sums over them, and the regularisation, fold as a plate's do.
        if isBatch && plate == nil, let (layout, results) = batchLayout() {
            let identity = (0..<Int32(count)).map { $0 }
            folds += layout.foldingSums.map { sumFold($0, examples: layout.members.count, at: identity, results: results) }
        }
        // A weight or bias that something outside its group uses too stays drawn (once each).
        var kept = folds
        if !isBatch {
            let results = Results(of: self)
            for index in kept.indices {
                let inside = Set(kept[index].members)
                kept[index].members.removeAll { member in
                    !isOp(at: member) && results[member].contains { !inside.contains(Int($0)) }
                }
            }
        }
        var (collapsed, _) = folding(kept)
        collapsed.nameNumbers = nil
        collapsed.collapseLevel = level
        return collapsed
    }

    /// A group of a call (a neuron, a layer, a call) folded: drawn at its last node, with its
    /// data and grad when it has one output, or its count of outputs.
    private func fold(group index: Int, members: [Int], dead: Set<NeuronKey>) -> Fold {
        let group = groups[index]
        let last = members.last!
        switch group.kind {
        case .neuron:
            let label = label(at: last), op = opName(at: last)
            let isDead = dead.contains(neuronKey(of: index))
            return Fold(
                members: members, representative: last, label: label.isEmpty ? group.name : group.name + " " + label,
                op: op == "+" ? "Σwx+b" : op + "(Σwx+b)", group: Int32(index),
                notes: isDead ? ["dead for every example"] : [], isDead: isDead)
        case .layer:
            let neurons = groups.indices.filter { groups[$0].parent == index }
            let deadCount = neurons.count { dead.contains(neuronKey(of: $0)) }
            let activation = opName(at: last)
            let label = "\(group.name): \(neurons.count) neuron\(neurons.count == 1 ? "" : "s"), \(activation == "+" ? "linear" : activation)"
            return Fold(
                members: members, representative: last, label: label, op: "layer", group: Int32(index),
                lines: neurons.count == 1 ? nil : ["\(neurons.count) outputs"],
                notes: deadCount > 0 ? ["\(deadCount) of \(neurons.count) dead"] : [], isDead: deadCount == neurons.count && deadCount > 0)
        case .call, .named:
            let units = groups.indices.filter { groups[$0].kind == .neuron && ancestor(of: $0, kind: .call) == index }
            let deadCount = units.count { dead.contains(neuronKey(of: $0)) }
            return Fold(
                members: members, representative: last, label: group.name, op: "model", group: Int32(index),
                notes: deadCount > 0 ? ["\(deadCount) dead unit\(deadCount == 1 ? "" : "s")"] : [])
        }
    }

    /// A model that ran once, folded whole, its layers' nodes with its parameters.
    private func fold(model members: [Int], layers: [Int], dead: Set<NeuronKey>) -> Fold {
        let neurons = groups.indices.filter { groups[$0].kind == .neuron && layers.contains(groups[$0].parent ?? -1) }
        let deadCount = neurons.count { dead.contains(neuronKey(of: $0)) }
        return Fold(
            members: members, representative: members.last!, label: "MLP", op: "model", group: -1,
            notes: deadCount > 0 ? ["\(deadCount) dead unit\(deadCount == 1 ? "" : "s")"] : [])
    }

    /// A neuron by its layer's and its own number, whichever call it is in.
    struct NeuronKey: Hashable {
        var layer: Int
        var neuron: Int
    }

    private func neuronKey(of group: Int) -> NeuronKey {
        NeuronKey(layer: groups[group].parent.map { groups[$0].number } ?? 0, neuron: groups[group].number)
    }

    /// The neurons whose ReLU gives 0 for every example: in every call drawn, and, in a plate,
    /// in every example's numbers.
    func deadNeurons() -> Set<NeuronKey> {
        var outputs: [NeuronKey: Int] = [:]  // the last node of each neuron group seen
        var alive = Set<NeuronKey>()
        var seen = Set<NeuronKey>()
        var lastOf = [Int](repeating: -1, count: groups.count)
        for position in 0..<count where !isFolded(at: position) {
            if let group = groupIndex(at: position), groups[group].kind == .neuron { lastOf[group] = position }
        }
        let plateColumn: [Int32: Int] = plate.map { plate in
            Dictionary(uniqueKeysWithValues: plate.members.enumerated().map { ($1, $0) })
        } ?? [:]
        // A neuron's parameters, outside a batch's calls, are no output of it.
        for (group, last) in lastOf.enumerated() where last >= 0 && isOp(at: last) {
            let key = neuronKey(of: group)
            guard engineOp(at: last) == .relu else {
                alive.insert(key)
                continue
            }
            seen.insert(key)
            outputs[key] = last
            if let plate, let column = plateColumn[Int32(last)] {
                for example in 0..<plate.count where plate.data[example * plate.members.count + column] != 0 { alive.insert(key) }
            } else if data[last] != 0 {
                alive.insert(key)
            }
        }
        return seen.subtracting(alive)
    }

    /// The group of `kind` that holds group `index`, itself included.
    func ancestor(of index: Int, kind: Group.Kind) -> Int? {
        var group: Int? = index
        while let g = group {
            if groups[g].kind == kind { return g }
            group = groups[g].parent
        }
        return nil
    }
}

/// The Euclidean norm.
private func norm(_ values: [Double]) -> Double { values.reduce(0) { $0 + $1 * $1 }.squareRoot() }
