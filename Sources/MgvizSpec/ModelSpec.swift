import Micrograd

extension Spec {
    /// `"mlp": {"sizes": [3, 4, 4, 1], "activation": "tanh", "seed": 1337,
    ///          "inputs": ["x1", "x2", "x3"], "outputs": ["y"]}`: a micrograd MLP whose outputs
    /// become names that `define` can use.
    public struct Model: Sendable, Equatable {
        /// Where the model's weights and biases come from.
        public enum Weights: Sendable, Equatable {
            /// micrograd's init after Python's `random.seed(n)`.
            case seed(UInt64)
            /// In micrograd's `parameters()` order.
            case parameters([Double])
        }

        /// Inputs, then each layer's width.
        public var sizes: [Int]
        /// `.relu` (micrograd's nn: the last layer linear) or `.tanh` (the lecture's: all tanh).
        public var activation: Activation
        /// A seed, or every parameter.
        public var weights: Weights
        /// The names of the model's inputs, which the spec's `inputs` define.
        public var inputs: [String]
        /// The names the model's outputs get, for `define` to use.
        public var outputs: [String]

        package static let keys = ["sizes", "activation", "seed", "parameters", "inputs", "outputs"]

        /// A model as a spec's `mlp` describes it.
        public init(sizes: [Int], activation: Activation = .relu, weights: Weights, inputs: [String], outputs: [String]) {
            self.sizes = sizes
            self.activation = activation
            self.weights = weights
            self.inputs = inputs
            self.outputs = outputs
        }
    }

    /// The model of a spec with `inputCount` inputs: together they may build at most
    /// `Spec.maximumNodes` nodes, which bounds the parameters too (each weight is three nodes:
    /// itself, its product and its sum).
    /// `isBatchModel`: the spec has a `batch`, which gives the model its inputs.
    static func parseModel(_ value: JSONValue, after inputCount: Int, isBatchModel: Bool = false) throws(SpecError) -> Model {
        func fail(_ key: String, _ value: JSONValue, _ message: String) -> SpecError {
            SpecError(.member(["mlp", key], value.position), message)
        }
        let whole = SpecLocation.member(["mlp"], value.position)
        guard case .object(let members) = value.kind else {
            throw SpecError(whole, "expected an object, got \(value.typeName)")
        }
        for member in members where !Model.keys.contains(member.key) {
            throw fail(member.key, member.value, "unknown key \"\(echo(member.key))\" (expected one of: \(Model.keys.joined(separator: ", ")))")
        }
        func member(_ key: String) throws(SpecError) -> JSONValue {
            guard let found = members.first(where: { $0.key == key })?.value else {
                throw SpecError(whole, "missing required key \"\(key)\"")
            }
            return found
        }
        func array(_ key: String) throws(SpecError) -> [JSONValue] {
            let found = try member(key)
            guard case .array(let elements) = found.kind else { throw fail(key, found, "expected an array, got \(found.typeName)") }
            return elements
        }
        func integer(_ element: JSONValue, _ key: String, minimum: Double) throws(SpecError) -> Double {
            guard case .number(let number) = element.kind else {
                throw fail(key, element, "expected a whole number of at least \(Int(minimum)), got \(element.typeName)")
            }
            guard number == number.rounded(), number >= minimum, number <= 0x1p53 else {
                throw fail(key, element, "expected a whole number of at least \(Int(minimum)), got a fraction or a number out of range")
            }
            return number
        }
        func names(_ key: String) throws(SpecError) -> [String] {
            var names: [String] = []
            var seen: Set<String> = []
            for element in try array(key) {
                guard case .string(let name) = element.kind else { throw fail(key, element, "expected a name, got \(element.typeName)") }
                if let problem = Spec.problem(withName: name) { throw fail(key, element, problem) }
                guard seen.insert(name).inserted else { throw fail(key, element, "'\(echo(name))' is listed twice") }
                names.append(name)
            }
            return names
        }

        let sizesValue = try member("sizes")
        var sizes: [Int] = []
        for element in try array("sizes") { sizes.append(Int(try integer(element, "sizes", minimum: 1))) }
        guard sizes.count >= 2 else { throw fail("sizes", sizesValue, "expected the input width and at least one layer, like [3, 4, 4, 1]") }

        var activation = Activation.relu
        if let found = members.first(where: { $0.key == "activation" })?.value {
            guard case .string(let name) = found.kind, let chosen = Activation(rawValue: name), chosen != .linear else {
                throw fail("activation", found, "expected \"relu\" (micrograd's nn, last layer linear) or \"tanh\" (the lecture's)")
            }
            activation = chosen
        }
        let widths = Array(sizes.dropFirst())
        let nodes = MLP.nodeCount(inputs: sizes[0], outputs: widths, activation: activation)
            .flatMap { nodes in inputCount.addingReportingOverflow(nodes).overflow ? nil : inputCount + nodes }
        guard let nodes, nodes <= Spec.maximumNodes else {
            throw SpecError(.member(["mlp", "sizes"], sizesValue.position), LimitExceeded(.nodes, maximum: Spec.maximumNodes, count: nodes ?? .max))
        }
        // The parameters are some of those nodes, so their count fits an Int.
        let parameterCount = MLP.parameterCount(inputs: sizes[0], outputs: widths)!

        let seed = members.first { $0.key == "seed" }?.value
        let parameters = members.first { $0.key == "parameters" }?.value
        let weights: Model.Weights
        switch (seed, parameters) {
        case (let seed?, nil):
            weights = .seed(UInt64(try integer(seed, "seed", minimum: 0)))
        case (nil, let parameters?):
            guard case .array(let elements) = parameters.kind else {
                throw fail("parameters", parameters, "expected an array of numbers, got \(parameters.typeName)")
            }
            var numbers: [Double] = []
            for element in elements {
                guard case .number(let number) = element.kind else { throw fail("parameters", element, "expected a number, got \(element.typeName)") }
                numbers.append(number)
            }
            guard numbers.count == parameterCount else {
                throw fail("parameters", parameters, "MLP\(sizes) has \(parameterCount) parameters, got \(numbers.count)")
            }
            weights = .parameters(numbers)
        case (.some(let seed), .some):
            throw fail("seed", seed, "give \"seed\" or \"parameters\", not both")
        case (nil, nil):
            throw SpecError(whole, "expected \"seed\" or \"parameters\" for the starting weights")
        }

        // A batch gives the model its inputs and names its outputs: then neither is given.
        let isBatch = !members.contains { $0.key == "inputs" || $0.key == "outputs" } && isBatchModel
        let inputs = isBatch ? [] : try names("inputs")
        guard isBatch || inputs.count == sizes[0] else {
            throw fail("inputs", try member("inputs"), "MLP\(sizes) takes \(sizes[0]) inputs, got \(inputs.count)")
        }
        let outputs = isBatch ? [] : try names("outputs")
        guard isBatch || outputs.count == sizes.last! else {
            throw fail("outputs", try member("outputs"), "MLP\(sizes) has \(sizes.last!) outputs, got \(outputs.count)")
        }
        return Model(sizes: sizes, activation: activation, weights: weights, inputs: inputs, outputs: outputs)
    }
}
