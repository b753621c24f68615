extension Diagram {
    /// The same diagram with each neuron drawn as one node: its activation's data and grad,
    /// fed once by each node outside the neuron that feeds it. Weights and biases fold away,
    /// but for those that something outside the neuron uses too (a regularisation term):
    /// they stay drawn, and feed the neuron. A neuron whose other nodes, but its output,
    /// something outside uses (a partial sum) stays drawn in full: as one node it would feed
    /// what feeds it. So does a cluster that is no neuron, whose last node is not a weighted
    /// sum or an activation (ReLU, tanh, sigmoid) of one.
    public func collapsingNeurons() -> Diagram {
        // A neuron's last node is its output: the activation, or the sum for a linear one.
        var outputOf = [Int](repeating: -1, count: clusters.count)
        var folds = [Bool](repeating: true, count: clusters.count)
        var usedOutside = [Bool](repeating: false, count: count)
        if hasClusters {
            for index in 0..<count where clusterIndex[index] >= 0 { outputOf[Int(clusterIndex[index])] = index }
            for (cluster, output) in outputOf.enumerated() where output >= 0 {
                folds[cluster] = isNeuronOutput(output)
            }
            for index in 0..<count {
                for k in operandRange(of: index) {
                    let operand = Int(operandList[k]), cluster = Int(clusterIndex[operand])
                    guard cluster >= 0, cluster != Int(clusterIndex[index]), operand != outputOf[cluster] else { continue }
                    if operandRange(of: operand).isEmpty { usedOutside[operand] = true } else { folds[cluster] = false }
                }
            }
        }
        /// The folding neuron that `index` is drawn as, when it is not drawn as itself.
        func foldedInto(_ index: Int) -> Int? {
            guard hasClusters, case let cluster = Int(clusterIndex[index]), cluster >= 0, folds[cluster] else { return nil }
            return usedOutside[index] ? nil : cluster
        }
        var feeds = [[Int32]](repeating: [], count: clusters.count)
        var fed = Set<Int>()  // cluster * count + operand: each feeds a neuron once
        for index in 0..<count {
            guard let cluster = foldedInto(index) else { continue }
            for k in operandRange(of: index) {
                let operand = operandList[k]
                if foldedInto(Int(operand)) != cluster && fed.insert(cluster * count + Int(operand)).inserted {
                    feeds[cluster].append(operand)
                }
            }
        }
        var kept: [Int] = []
        var newPosition = [Int32](repeating: -1, count: count)
        for index in 0..<count {
            if let cluster = foldedInto(index), outputOf[cluster] != index { continue }
            newPosition[index] = Int32(kept.count)
            kept.append(index)
        }
        var collapsed = keeping(kept) { index, append in
            if let cluster = foldedInto(index) {
                for operand in feeds[cluster] { append(newPosition[Int(operand)]) }
            } else {
                for k in operandRange(of: index) { append(newPosition[Int(operandList[k])]) }
            }
        }
        // A weight or bias drawn as itself is drawn outside its neuron.
        for (position, index) in kept.enumerated() where hasClusters && clusterIndex[index] >= 0 && usedOutside[index] {
            collapsed.clusterIndex[position] = -1
        }
        if collapsed.hasClusters && !collapsed.clusterIndex.contains(where: { $0 >= 0 }) { collapsed.clusterIndex = [] }
        for (position, index) in kept.enumerated() where foldedInto(index) != nil {
            guard let cluster = cluster(at: index) else { continue }
            let label = label(at: index), op = opName(at: index)
            collapsed.neuronTexts[position] = NeuronText(
                label: label.isEmpty ? cluster.name : cluster.name + " " + label,
                op: op == "+" ? "Σwx+b" : op + "(Σwx+b)")
        }
        // Renumbered: each node is named after its position in the collapsed diagram.
        collapsed.nameNumbers = nil
        collapsed.output = output >= 0 ? Int(newPosition[output]) : -1
        return collapsed
    }

    /// Whether the node at `index` can stand for a neuron: a sum (`Σwx+b`), or an activation
    /// of a sum in its own cluster (`ReLU(Σwx+b)`).
    private func isNeuronOutput(_ index: Int) -> Bool {
        let op = value(at: index).op
        if op == .add { return true }
        guard op == .relu || op == .tanh || op == .sigmoid, let sum = operands(of: index).first else { return false }
        return value(at: sum).op == .add && clusterIndex[sum] == clusterIndex[index]
    }
}
