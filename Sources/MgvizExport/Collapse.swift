extension Diagram {
    /// The same diagram with each neuron drawn as one node: its activation's data and grad,
    /// fed once by each node outside the neuron that feeds it. Weights and biases fold away,
    /// but for those that something outside the neuron uses too (a regularisation term):
    /// they stay drawn, and feed the neuron. A neuron whose other nodes, but its output,
    /// something outside uses (a partial sum) stays drawn in full: as one node it would feed
    /// what feeds it. So does a neuron whose last node is not a weighted sum or an activation
    /// (ReLU, tanh, sigmoid) of one.
    package func collapsingNeurons() -> Diagram {
        // Each neuron's last node is its output: the activation, or the sum for a linear one.
        let groupCount = groups.count
        var outputOf = [Int](repeating: -1, count: groupCount)
        var folds = [Bool](repeating: false, count: groupCount)
        var usedOutside = [Bool](repeating: false, count: count)
        func neuronGroup(_ index: Int) -> Int {
            guard !groupOf.isEmpty, case let group = Int(groupOf[index]), group >= 0, groups[group].kind == .neuron,
                  !isFolded(at: index)
            else { return -1 }
            return group
        }
        if hasNeurons {
            for index in 0..<count where neuronGroup(index) >= 0 { outputOf[neuronGroup(index)] = index }
            for (group, output) in outputOf.enumerated() where output >= 0 { folds[group] = isNeuronOutput(output) }
            for index in 0..<count {
                for operand in operands(of: index) {
                    let group = neuronGroup(operand)
                    guard group >= 0, group != neuronGroup(index), operand != outputOf[group] else { continue }
                    if operandRange(of: operand).isEmpty { usedOutside[operand] = true } else { folds[group] = false }
                }
            }
        }
        var neuronFolds: [Fold] = []
        var membersOf = [[Int]](repeating: [], count: groupCount)
        for index in 0..<count where neuronGroup(index) >= 0 && !usedOutside[index] { membersOf[neuronGroup(index)].append(index) }
        for (group, output) in outputOf.enumerated() where output >= 0 && folds[group] {
            // The neuron's output stands for the neuron: `L1 N3 y`, `ReLU(Σwx+b)`.
            let label = label(at: output), op = opName(at: output), name = groups[group].name
            neuronFolds.append(Fold(
                members: membersOf[group], representative: output, label: label.isEmpty ? name : name + " " + label,
                op: op == "+" ? "Σwx+b" : op + "(Σwx+b)", group: Int32(group)))
        }
        var (collapsed, newPosition) = folding(neuronFolds)
        // A weight or bias drawn as itself is drawn outside its neuron.
        for index in 0..<count where neuronGroup(index) >= 0 && usedOutside[index] {
            collapsed.groupOf[Int(newPosition[index])] = -1
        }
        if !collapsed.groupOf.contains(where: { $0 >= 0 }) { collapsed.groupOf = [] }
        // Renumbered: each node is named after its position in the collapsed diagram.
        collapsed.nameNumbers = nil
        collapsed.collapseLevel = .neurons
        return collapsed
    }

    /// Whether the node at `index` can stand for a neuron: a sum (`Σwx+b`), or an activation
    /// of a sum in its own neuron (`ReLU(Σwx+b)`).
    private func isNeuronOutput(_ index: Int) -> Bool {
        guard let op = engineOp(at: index) else { return false }
        if op == .add { return true }
        guard op == .relu || op == .tanh || op == .sigmoid, let sum = operands(of: index).first else { return false }
        return engineOp(at: sum) == .add && groupOf[sum] == groupOf[index]
    }
}
