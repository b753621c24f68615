import Micrograd

/// A spec evaluated into an engine graph.
public struct Evaluation {
    /// The graph the spec was built on, which its Values need alive.
    public let graph: Graph
    /// The node the spec draws and runs backward from.
    public let output: Value
    /// The output's name: the spec's `output`, or the last name defined.
    public let outputName: String
    /// The spec's title, drawn above the diagram.
    public let title: String?
    /// Every defined or input name that stands for a node.
    public let values: [String: Value]
    /// The input leaves, in the spec's order.
    public let inputs: [Value]
    /// The spec's expected answers; every name in it stands for a node.
    public let expect: Spec.Expectation?
    /// The model's weights and biases, in micrograd's `parameters()` order.
    public let parameters: [Value]
}


/// One `expect` entry checked against the graph.
public struct ExpectationResult {
    /// `output`, or the name whose grad was expected.
    public var name: String
    /// Whether the entry expects a grad rather than the output's data.
    public var isGrad: Bool
    /// The node the entry is about.
    public var value: Value
    /// The number the spec expects.
    public var expected: Double
    /// The number the graph holds: the node's grad or data.
    public var computed: Double
    /// Whether |computed - expected| is within the expectation's tolerance.
    public var isRight: Bool
}

extension Evaluation {
    /// Checks each `expect` entry; grads need backward to have run.
    public func checkExpectations() -> [ExpectationResult] {
        guard let expect else { return [] }
        func result(_ name: String, isGrad: Bool, _ value: Value, expected: Double) -> ExpectationResult {
            let computed = isGrad ? value.grad : value.data
            return ExpectationResult(
                name: name, isGrad: isGrad, value: value, expected: expected, computed: computed,
                isRight: abs(computed - expected) <= expect.tolerance)
        }
        var results = expect.output.map { [result("output", isGrad: false, output, expected: $0)] } ?? []
        for grad in expect.grads {
            results.append(result(grad.name, isGrad: true, values[grad.name]!, expected: grad.value))
        }
        return results
    }
}

extension Spec {
    /// Builds the graph: inputs become labelled leaves in file order, then each `define`
    /// entry is evaluated in order and its name labels the node it produced.
    /// Backward is not run.
    public func evaluate(in graph: Graph = Graph()) throws(SpecError) -> Evaluation {
        do { return try evaluateStatements(in: graph) } catch { throw textLines?.located(error) ?? error }
    }

    private func evaluateStatements(in graph: Graph) throws(SpecError) -> Evaluation {
        let nodeCeiling = graph.count + Spec.maximumNodes
        var bindings: [String: Operand] = [:]
        // Sized once: a spec may bind millions of names, and each regrowth rehashes them all.
        bindings.reserveCapacity(inputs.count + define.count + (mlp?.outputs.count ?? 0))
        var inputValues: [Value] = []
        inputValues.reserveCapacity(inputs.count)
        for input in inputs {
            let value = Value(input.value, label: input.name, in: graph)
            guard bindings.updateValue(.value(value), forKey: input.name) == nil else {
                throw SpecError(.member(["inputs", input.name], nil), "'\(echo(input.name))' is defined twice")
            }
            inputValues.append(value)
        }
        var parameters: [Value] = []
        if let mlp {
            parameters = try build(mlp, graph: graph, bindings: &bindings, nodeCeiling: nodeCeiling)
        }
        // Room for what the definitions add, so that the graph does not grow by copying itself
        // whole (a million-term sum would briefly hold a graph and a half); no more than the
        // limit allows, which a spec over it reaches before it is refused.
        graph.reserveCapacity(min(graph.count + define.reduce(0) { $0 + Tokenizer.nodeEstimate($1) }, nodeCeiling + 2))
        let evaluator = ExpressionEvaluator(graph: graph, nodeCeiling: nodeCeiling) { bindings[$0] }
        var lastName: String?
        for (index, entry) in define.enumerated() {
            let (name, result) = try evaluate(entry, index: index, evaluator: evaluator, bindings: bindings)
            if case .value(let value) = result, value.label == nil { value.label = name }
            bindings[name] = result
            lastName = name
        }
        // A batch's total loss is the output unless the spec says otherwise.
        let outputName = output ?? lastName ?? Batch.totalLoss
        guard let outputOperand = bindings[outputName] else {
            throw SpecError(.member(["output"], nil), "unknown name '\(echo(outputName))' (expected an input or a defined name)")
        }
        guard case .value(let outputValue) = outputOperand else {
            throw SpecError(.member(["output"], nil), "'\(echo(outputName))' is a plain number, not a node of the graph")
        }
        var values: [String: Value] = [:]
        values.reserveCapacity(bindings.count)
        for (name, operand) in bindings {
            if case .value(let value) = operand { values[name] = value }
        }
        for grad in expect?.grads ?? [] {
            let location = SpecLocation.member(["expect", "grads", grad.name], nil)
            switch bindings[grad.name] {
            case nil:
                throw SpecError(location, "unknown name '\(echo(grad.name))' (expected an input or a defined name)")
            case .number?:
                throw SpecError(location, "'\(echo(grad.name))' is a plain number, not a node of the graph, so it has no grad")
            case .value?: break
            }
        }
        return Evaluation(
            graph: graph, output: outputValue, outputName: outputName, title: title, values: values,
            inputs: inputValues, expect: expect, parameters: parameters)
    }

    /// Builds the model on `graph` and runs it on its inputs, which the graph records as a
    /// call, or on the batch's examples; binds the outputs' names, or the batch's, and
    /// returns the parameters.
    private func build(
        _ mlp: Model, graph: Graph, bindings: inout [String: Operand], nodeCeiling: Int
    ) throws(SpecError) -> [Value] {
        var x: [Value] = []
        for name in mlp.inputs {
            guard case .value(let value)? = bindings[name] else {
                throw SpecError(.member(["mlp", "inputs"], nil), "unknown input '\(echo(name))' (expected one of the spec's \"inputs\")")
            }
            x.append(value)
        }
        for name in mlp.outputs where bindings[name] != nil {
            throw SpecError(.member(["mlp", "outputs"], nil), "'\(echo(name))' is already an input; outputs need names of their own")
        }
        let model: MLP
        do throws(MLPError) {
            let widths = Array(mlp.sizes.dropFirst())
            switch mlp.weights {
            case .seed(let seed):
                model = try MLP(inputs: mlp.sizes[0], outputs: widths, activation: mlp.activation, seed: seed, in: graph)
            case .parameters(let values):
                model = try MLP(inputs: mlp.sizes[0], outputs: widths, activation: mlp.activation, parameters: values, in: graph)
            }
        } catch {
            throw SpecError(.member(["mlp"], nil), error.description)
        }
        let outputs = try batch.map { (batch) throws(SpecError) in try batch.evaluate(model, graph: graph, nodeCeiling: nodeCeiling) }
            ?? Array(zip(mlp.outputs, model(x)))
        for (name, value) in outputs {
            guard bindings[name] == nil else {
                throw SpecError(.member(["batch"], nil), "'\(echo(name))' is already an input; a batch names its losses \(name)")
            }
            value.label = name
            bindings[name] = .value(value)
        }
        return model.parameters()
    }

    private func evaluate(
        _ entry: String, index: Int, evaluator: ExpressionEvaluator, bindings: [String: Operand]
    ) throws(SpecError) -> (String, Operand) {
        guard let equals = entry.utf8.firstIndex(of: UInt8(ascii: "=")) else {
            throw SpecError(.defineEntry(index: index, nil), "expected \"name = expression\", found no '='")
        }
        let name = String(entry[..<equals]).trimmingSpaces()
        guard !name.isEmpty else {
            throw SpecError(.expression(index: index, name: nil, column: 1), "expected a name before '='")
        }
        if let problem = Spec.problem(withName: name) {
            throw SpecError(.expression(index: index, name: nil, column: 1), problem)
        }
        guard bindings[name] == nil else {
            throw SpecError(.expression(index: index, name: name, column: 1), "'\(echo(name))' is already defined; names cannot be redefined")
        }
        // Columns count Unicode scalars; the tokenizer counts bytes from the expression's start.
        let offset = entry[..<equals].unicodeScalars.count + 1
        let byteOffset = entry.utf8.distance(from: entry.utf8.startIndex, to: equals) + 1
        var entry = entry
        let result = entry.withUTF8 { utf8 in
            Result { () throws(ExpressionError) -> Operand in
                let bytes = UnsafeBufferPointer(rebasing: utf8[byteOffset...])
                do throws(ExpressionError) {
                    return try evaluator.evaluate(Tokenizer(bytes, columnOffset: offset))
                } catch {
                    // A malformed token anywhere is reported first, as if every token had been
                    // read before any was evaluated: they are all read now that evaluating failed.
                    // Not past a limit, which stops the reading where it is gone over.
                    if error.exceeded == nil {
                        var check = Tokenizer(bytes, columnOffset: offset, readsNames: false)
                        try check.check()
                    }
                    throw error
                }
            }
        }
        do {
            return (name, try result.get())
        } catch {
            let location = SpecLocation.expression(index: index, name: name, column: error.column)
            throw error.exceeded.map { SpecError(location, $0) } ?? SpecError(location, error.message)
        }
    }
}

extension String {
    /// The string without its leading and trailing spaces and tabs. Found in its UTF-8: a
    /// blank is one ASCII byte, so the first byte kept starts a character and the byte after
    /// the last one kept ends one.
    func trimmingSpaces() -> String {
        let utf8 = self.utf8
        func isText(_ byte: UInt8) -> Bool { byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\t") }
        guard let first = utf8.firstIndex(where: isText), let last = utf8.lastIndex(where: isText) else { return "" }
        return String(self[first..<utf8.index(after: last)])
    }
}
