/// What the tape records of a model, so that a diagram can group a model's nodes into calls,
/// layers and neurons, and name its parameters, with no help from the caller.
///
/// A model's call appends its nodes in a fixed pattern: layer by layer, neuron by neuron,
/// each neuron's `2 · fanIn` products and sums (`b + w0*x0`, then `+ w1*x1`, …) and its
/// activation. The tape is append-only, so a call is a range of node ids, and its layers and
/// neurons follow from the model's shape: a call is recorded as three numbers.
package final class ModelShape: @unchecked Sendable {
    package enum Kind: Sendable {
        case mlp, layer, neuron
    }

    /// One neuron's parameters, as ids on its graph, and its activation.
    package struct Neuron: Sendable {
        package let weights: [Int32]
        package let bias: Int32
        package let activation: Activation

        /// The nodes one call of the neuron appends.
        package var nodeCount: Int { 2 * weights.count + (activation == .linear ? 0 : 1) }
    }

    package let kind: Kind
    /// Neurons by layer, in call order.
    package let layers: [[Neuron]]
    /// How many inputs a call takes.
    package let inputCount: Int
    /// How many nodes a call appends.
    package let nodeCount: Int

    /// Where this shape is in its tape's list of models: the tape's generation and the index.
    /// Only the task that uses the graph reads or writes it, as for any graph.
    fileprivate var registration: (generation: UInt32, index: Int32)?

    init(kind: Kind, layers: [[Neuron]]) {
        self.kind = kind
        self.layers = layers
        inputCount = layers.first?.first?.weights.count ?? 0
        nodeCount = layers.reduce(0) { $0 + $1.reduce(0) { $0 + $1.nodeCount } }
    }
}

/// One recorded call of a model: its nodes are `start..<start + shape.nodeCount`.
package struct ModelCall: Sendable, Equatable {
    /// The model's position in the tape's list of models.
    package var model: Int32
    package var start: Int32
    /// Where the call's input ids begin in the tape's list of call inputs.
    package var inputs: Int32

    package init(model: Int32, start: Int32, inputs: Int32) {
        self.model = model
        self.start = start
        self.inputs = inputs
    }
}

extension Tape {
    /// Notes that `shape`'s call made the nodes from `start` to the end of the tape, from these inputs.
    mutating func recordCall(of shape: ModelShape, start: Int, inputs: UnsafeBufferPointer<Value>) {
        let index: Int32
        if let registration = shape.registration, registration.generation == generation,
           Int(registration.index) < models.count, models[Int(registration.index)] === shape {
            index = registration.index
        } else {
            index = Int32(models.count)
            models.append(shape)
            shape.registration = (generation, index)
        }
        calls.append(ModelCall(model: index, start: Int32(truncatingIfNeeded: start), inputs: Int32(truncatingIfNeeded: callInputs.count)))
        for x in inputs { callInputs.append(x.id) }
        assert(count == start + shape.nodeCount, "a call of the model made \(count - start) nodes, its shape says \(shape.nodeCount)")
    }

    /// After `truncate(to: count)`: calls whose nodes go past it are forgotten.
    mutating func forgetCalls(from count: Int) {
        while let last = calls.last, Int(last.start) + models[Int(last.model)].nodeCount > count {
            calls.removeLast()
            callInputs.removeLast(callInputs.count - Int(last.inputs))
        }
    }
}

extension Graph {
    /// The models whose calls are recorded, and the calls, in the order they were made.
    package var recordedCalls: (models: [ModelShape], calls: [ModelCall], inputs: [Int32]) {
        (tape.pointee.models, tape.pointee.calls, tape.pointee.callInputs)
    }
}

extension Value {
    /// Runs `forward`, the call of the model of `shape` whose parameters are on this Value's
    /// graph, and records the call.
    @inline(__always)
    func recordingCall<Result>(of shape: ModelShape, inputs: [Value], _ forward: () -> Result) -> Result {
        let tape = liveTape
        let start = tape.pointee.count
        let result = forward()
        inputs.withUnsafeBufferPointer { tape.pointee.recordCall(of: shape, start: start, inputs: $0) }
        return result
    }
}
