/// micrograd's `nn`: Neuron, Layer and MLP, built from Values on one graph.

/// What a neuron applies to its weighted sum.
public enum Activation: String, Sendable, CaseIterable {
    /// micrograd's `nn` default: ReLU on every layer but the last, which is linear.
    case relu
    /// The lecture's: tanh on every layer, the last included.
    case tanh
    /// None: the weighted sum is the output.
    case linear
}

/// micrograd's `Neuron`: one weight per input and a bias, leaves of one graph.
public struct Neuron {
    /// One weight per input, in input order.
    public let weights: [Value]
    /// Added to the weighted sum before the activation.
    public let bias: Value
    /// What the neuron applies to `bias + Σ wᵢxᵢ`.
    public let activation: Activation
    /// What the tape records of this neuron's calls.
    let shape: ModelShape

    /// Weights and bias given in micrograd's order: weights, then the bias.
    init(parameters: ArraySlice<Double>, activation: Activation, graph: Graph) {
        weights = parameters.dropLast().map { Value($0, in: graph) }
        bias = Value(parameters.last!, in: graph)
        self.activation = activation
        shape = ModelShape(kind: .neuron, layers: [[ModelShape.Neuron(weights: weights.map(\.id), bias: bias.id, activation: activation)]])
        // The weights come before the bias on one graph: Value.weightedSum relies on it.
        assert(weights.allSatisfy { $0.graph === graph && $0.id < bias.id })
    }

    /// b + w0*x0 + w1*x1 + …, in that order, as micrograd's `sum(..., self.b)`; the tape
    /// records the call.
    public func callAsFunction(_ x: [Value]) -> Value {
        bias.recordingCall(of: shape, inputs: x) { forward(x) }
    }

    /// The call's nodes, unrecorded: a layer's or a model's call records them.
    func forward(_ x: [Value]) -> Value {
        // Node for node `var sum = bias; for i in weights.indices { sum = sum + weights[i] * x[i] }`.
        let sum = Value.weightedSum(bias: bias, weights: weights, inputs: x)
        switch activation {
        case .relu: return sum.relu()
        case .tanh: return sum.tanh()
        case .linear: return sum
        }
    }

    /// The weights, then the bias: micrograd's `parameters()` order.
    public func parameters() -> [Value] { weights + [bias] }
}

/// micrograd's `Layer`: neurons that all see the same inputs.
public struct Layer {
    /// The layer's neurons, in output order.
    public let neurons: [Neuron]
    /// The direct forward pass, when every neuron has the same fan-in and activation.
    let dense: DenseLayer?
    /// What the tape records of this layer's calls.
    let shape: ModelShape

    /// `neurons` made one after the other on one graph, as MLP makes them.
    init(neurons: [Neuron]) {
        self.neurons = neurons
        dense = DenseLayer(neurons)
        shape = ModelShape(kind: .layer, layers: [neurons.map { $0.shape.layers[0][0] }])
    }

    /// Each neuron's output, in order: what `neurons.map { $0(x) }` makes, node for node; the
    /// tape records the call.
    public func callAsFunction(_ x: [Value]) -> [Value] {
        guard let last = neurons.last else { return [] }
        return last.bias.recordingCall(of: shape, inputs: x) { forward(x) }
    }

    /// The call's nodes, unrecorded: a model's call records them.
    func forward(_ x: [Value]) -> [Value] {
        guard let dense else { return neurons.map { $0.forward(x) } }
        return Value.dense(CollectionOfOne(dense), inputs: x)
    }

    /// Each neuron's parameters in turn, as micrograd's `parameters()` lists them.
    public func parameters() -> [Value] { neurons.flatMap { $0.parameters() } }
}

/// Why an MLP cannot be built from the sizes and parameters given. `sizes` are
/// `[inputs] + outputs`, as micrograd's `MLP(nin, nouts)` lists them.
public enum MLPError: Error, Equatable, Sendable, CustomStringConvertible {
    /// There are no layers, or some size is zero or negative.
    case nonPositiveSizes([Int])
    /// The parameter count does not fit an Int.
    case parameterCountOverflows(sizes: [Int])
    /// The parameters given are not the `expected` number.
    case wrongParameterCount(sizes: [Int], expected: Int, got: Int)

    /// One line, for the terminal: `MLP[3, 4, 1] has 21 parameters, got 20`.
    public var description: String {
        switch self {
        case .nonPositiveSizes(let sizes):
            return "layer sizes must be positive, got \(sizes)"
        case .parameterCountOverflows(let sizes):
            return "MLP\(sizes) has more parameters than an Int can count"
        case .wrongParameterCount(let sizes, let expected, let got):
            return "MLP\(sizes) has \(expected) parameters, got \(got)"
        }
    }
}

/// micrograd's `MLP(nin, nouts)`: layers of neurons, each layer's outputs the next one's
/// inputs, its parameters leaves of one graph. Calling it records the call on the tape, so a
/// diagram can group its nodes by layer and neuron.
public struct MLP {
    /// The layers, from the one that reads the inputs to the one that makes the outputs.
    public let layers: [Layer]
    /// Every layer's direct forward pass, when every layer has one.
    let dense: [DenseLayer]?
    /// What the tape records of this model's calls.
    let shape: ModelShape

    /// How many parameters MLP(inputs, outputs) has, or nil if that count overflows Int.
    public static func parameterCount(inputs: Int, outputs: [Int]) -> Int? {
        var count = 0
        for (fanIn, width) in zip([inputs] + outputs, outputs) {
            let (withBias, overflow1) = fanIn.addingReportingOverflow(1)
            let (layer, overflow2) = withBias.multipliedReportingOverflow(by: width)
            let (total, overflow3) = count.addingReportingOverflow(layer)
            guard !overflow1, !overflow2, !overflow3 else { return nil }
            count = total
        }
        return count
    }

    /// How many nodes MLP(inputs, outputs) puts on its graph, built and run once forward, or
    /// nil if that count overflows Int: per neuron its fan-in + 1 parameters, a product and a
    /// sum per weight, and its activation's node (none for a linear layer).
    public static func nodeCount(inputs: Int, outputs: [Int], activation: Activation) -> Int? {
        var count = 0
        for (index, (fanIn, width)) in zip([inputs] + outputs, outputs).enumerated() {
            let isLinear = activation == .linear || (activation == .relu && index == outputs.count - 1)
            let (weights, overflow1) = fanIn.multipliedReportingOverflow(by: 3)
            let (neuron, overflow2) = weights.addingReportingOverflow(isLinear ? 1 : 2)
            let (layer, overflow3) = neuron.multipliedReportingOverflow(by: width)
            let (total, overflow4) = count.addingReportingOverflow(layer)
            guard !overflow1, !overflow2, !overflow3, !overflow4 else { return nil }
            count = total
        }
        return count
    }

    /// The parameter count of positive sizes whose count fits an Int; sizes come from users.
    private static func checkedParameterCount(inputs: Int, outputs: [Int]) throws(MLPError) -> Int {
        guard inputs > 0, !outputs.isEmpty, outputs.allSatisfy({ $0 > 0 }) else {
            throw .nonPositiveSizes([inputs] + outputs)
        }
        guard let count = parameterCount(inputs: inputs, outputs: outputs) else {
            throw .parameterCountOverflows(sizes: [inputs] + outputs)
        }
        return count
    }

    /// MLP(nin, nouts) with the given parameters in micrograd's `parameters()` order.
    /// Under `.relu` the last layer is linear, as in micrograd; under `.tanh` every layer is
    /// tanh, as in the lecture.
    public init(
        inputs: Int, outputs: [Int], activation: Activation = .relu, parameters: [Double],
        in graph: Graph = .current
    ) throws(MLPError) {
        let expected = try MLP.checkedParameterCount(inputs: inputs, outputs: outputs)
        guard parameters.count == expected else {
            throw .wrongParameterCount(sizes: [inputs] + outputs, expected: expected, got: parameters.count)
        }
        var layers: [Layer] = []
        var next = parameters.startIndex
        for (index, (fanIn, width)) in zip([inputs] + outputs, outputs).enumerated() {
            let isLast = index == outputs.count - 1
            let layerActivation = (isLast && activation == .relu) ? .linear : activation
            let neurons = (0..<width).map { _ in
                defer { next += fanIn + 1 }
                return Neuron(parameters: parameters[next..<(next + fanIn + 1)], activation: layerActivation, graph: graph)
            }
            layers.append(Layer(neurons: neurons))
        }
        self.layers = layers
        let dense = layers.compactMap(\.dense)
        self.dense = dense.count == layers.count ? dense : nil
        shape = ModelShape(kind: .mlp, layers: layers.map { $0.shape.layers[0] })
    }

    /// MLP(nin, nouts) initialised as micrograd does after `random.seed(seed)`: each weight
    /// `random.uniform(-1, 1)`, each bias 0.
    public init(
        inputs: Int, outputs: [Int], activation: Activation = .relu, seed: UInt64, in graph: Graph = .current
    ) throws(MLPError) {
        var random = MersenneTwister(seed: seed)
        var parameters: [Double] = []
        parameters.reserveCapacity(try MLP.checkedParameterCount(inputs: inputs, outputs: outputs))
        for (fanIn, width) in zip([inputs] + outputs, outputs) {
            for _ in 0..<width {
                for _ in 0..<fanIn { parameters.append(random.uniform(-1, 1)) }
                parameters.append(0)
            }
        }
        try self.init(inputs: inputs, outputs: outputs, activation: activation, parameters: parameters, in: graph)
    }

    /// The outputs of the last layer, as micrograd's `MLP.__call__` makes them; the tape
    /// records the call, so that a diagram can group its layers and neurons.
    public func callAsFunction(_ x: [Value]) -> [Value] {
        guard let last = layers.last?.neurons.last else { return x }
        return last.bias.recordingCall(of: shape, inputs: x) {
            guard let dense else { return layers.reduce(x) { $1.forward($0) } }
            return Value.dense(dense, inputs: x)
        }
    }

    /// Every weight and bias, layer by layer, as micrograd's `parameters()` lists them.
    public func parameters() -> [Value] { layers.flatMap { $0.parameters() } }
}

/// A layer of neurons with one fan-in and one activation, as the tape's ids: what its
/// direct forward pass needs, without the Values.
struct DenseLayer {
    /// Per neuron, its bias id and then its weights' ids.
    let ids: [Int32]
    let fanIn: Int
    let width: Int
    let activation: Activation
    /// The newest parameter: the last neuron's bias. Checking it checks every parameter,
    /// as they are older nodes of its graph.
    let last: Value

    init?(_ neurons: [Neuron]) {
        guard let last = neurons.last?.bias else { return nil }
        let fanIn = neurons[0].weights.count
        guard neurons.allSatisfy({ $0.weights.count == fanIn && $0.activation == neurons[0].activation }) else { return nil }
        assert(neurons.allSatisfy { $0.bias.graph === last.graph && $0.bias.id <= last.id })
        ids = neurons.flatMap { [$0.bias.id] + $0.weights.map(\.id) }
        self.fanIn = fanIn
        width = neurons.count
        activation = neurons[0].activation
        self.last = last
    }

    /// Appends each neuron's weighted sum of `input(0..<fanIn)` and its activation, node
    /// for node as the operators would, and hands each neuron's output id to `output`.
    /// The input ids must be valid on `tape`, the parameters' live tape.
    @inline(__always)
    func append(on tape: UnsafeMutablePointer<Tape>, inputs input: (Int) -> Int, outputs output: (Int, Int32) -> Void) {
        let activationOp: Op? = activation == .relu ? .relu : activation == .tanh ? .tanh : nil
        let needed = tape.pointee.count + width * (2 * fanIn + (activationOp == nil ? 0 : 1))
        if _slowPath(needed > tape.pointee.capacity) { tape.pointee.grow(toAtLeast: needed) }
        ids.withUnsafeBufferPointer { ids in
            for n in 0..<width {
                let row = n * (fanIn + 1)
                var out = tape.pointee.appendWeightedSum(
                    bias: Int(ids[row]), weights: { Int(ids[row + 1 + $0]) }, inputs: input, count: fanIn)
                if let activationOp {
                    let data = activationOp.apply(tape.pointee.nodes.unsafelyUnwrapped[out].data, 0).out
                    out = tape.pointee.append(Node(data: data, op: activationOp, lhs: out, rhs: 0))
                }
                output(n, Int32(truncatingIfNeeded: out))
            }
        }
    }
}
