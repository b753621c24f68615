extension Diagram {
    /// The same diagram with each neuron drawn as one node: its activation's data and grad,
    /// fed once by each node outside the neuron that feeds it. Weights and biases fold away.
    public func collapsingNeurons() -> Diagram {
        // A neuron's last node is its output: the activation, or the sum for a linear one.
        var outputOf = [Int](repeating: -1, count: clusters.count)
        var feeds = [[Int32]](repeating: [], count: clusters.count)
        if hasClusters {
            for index in 0..<count where clusterIndex[index] >= 0 {
                let cluster = Int(clusterIndex[index])
                outputOf[cluster] = index
                for k in operandRange(of: index) {
                    let operand = operandList[k]
                    if clusterIndex[Int(operand)] != clusterIndex[index] && !feeds[cluster].contains(operand) {
                        feeds[cluster].append(operand)
                    }
                }
            }
        }
        var kept: [Int] = []
        var newPosition = [Int32](repeating: -1, count: count)
        for index in 0..<count {
            let cluster = hasClusters ? Int(clusterIndex[index]) : -1
            guard cluster < 0 || outputOf[cluster] == index else { continue }
            newPosition[index] = Int32(kept.count)
            kept.append(index)
        }
        var collapsed = keeping(kept) { index, append in
            let cluster = hasClusters ? Int(clusterIndex[index]) : -1
            if cluster >= 0 {
                for operand in feeds[cluster] { append(newPosition[Int(operand)]) }
            } else {
                for k in operandRange(of: index) { append(newPosition[Int(operandList[k])]) }
            }
        }
        for (position, index) in kept.enumerated() {
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
}
