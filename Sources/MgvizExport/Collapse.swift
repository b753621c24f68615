extension Diagram {
    /// The same diagram with each neuron drawn as one node: its activation's data and grad,
    /// fed once by each node outside the neuron that feeds it. Weights and biases fold away.
    public func collapsingNeurons() -> Diagram {
        // A neuron's last node is its output: the activation, or the sum for a linear one.
        var outputOf: [Cluster: Int] = [:]
        for (index, node) in nodes.enumerated() {
            if let cluster = node.cluster { outputOf[cluster] = index }
        }
        var feeds: [Cluster: [Int]] = [:]
        for node in nodes {
            guard let cluster = node.cluster else { continue }
            for operand in node.operands where nodes[operand].cluster != cluster && !feeds[cluster, default: []].contains(operand) {
                feeds[cluster, default: []].append(operand)
            }
        }
        var collapsed = self
        collapsed.nodes = []
        var newPosition = [Int](repeating: -1, count: nodes.count)
        for (index, node) in nodes.enumerated() {
            guard node.cluster == nil || outputOf[node.cluster!] == index else { continue }
            var kept = node
            if let cluster = node.cluster {
                kept.label = node.label.isEmpty ? cluster.name : cluster.name + " " + node.label
                kept.op = node.op == "+" ? "Σwx+b" : node.op + "(Σwx+b)"
                kept.operands = feeds[cluster, default: []]
            }
            kept.operands = kept.operands.map { newPosition[$0] }
            kept.id = NodeNames.value(at: collapsed.nodes.count)
            newPosition[index] = collapsed.nodes.count
            collapsed.nodes.append(kept)
        }
        collapsed.output = newPosition[output]
        collapsed.valueIDs = nodes.indices.filter { newPosition[$0] >= 0 }.map { valueIDs[$0] }
        return collapsed
    }
}
