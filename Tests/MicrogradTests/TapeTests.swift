import Micrograd
import Testing

/// The tape's layout, its truncation, its lifetime contract, and backward on it.
@Suite struct Tape {
    @Test func aNodeIs24Bytes() {
        #expect(Graph.bytesPerNode == 24)
        // The op code is 4 bits of the node's word, the two operand ids 30 bits each.
        #expect(Op.allCases.count <= 16)
        #expect(Graph.maximumNodeCount == 1 << 30)
    }

    @Test func truncateKeepsParametersLabelsAndExponentsBeforeTheCut() {
        let graph = Graph()
        let w = Value(2.0, label: "w", in: graph)
        let square = w ** 2, root = w ** 0.5
        square.label = "square"
        let keep = graph.count
        // Past the cut: a labelled leaf, power nodes with both kinds of exponent, a label
        // set on an op node.
        let x = Value(3.0, label: "x", in: graph)
        let cube = x ** 3
        let r = (cube * square) ** 2.0
        r.label = "r"
        #expect(graph.count == keep + 4 && r.opName == "**2.0")

        graph.truncate(to: keep)
        #expect(graph.count == keep)
        #expect(w.label == "w" && square.label == "square" && root.label == nil)
        #expect(square.opName == "**2" && square.exponent == 2 && root.opName == "**0.5" && root.exponent == 0.5)
        #expect(square.data == 4 && root.data == 2.0.squareRoot())

        // New nodes take the dropped ids, without the dropped labels or exponents.
        let y = Value(5.0, in: graph)
        let inverse = w ** -1
        let again = y * inverse
        #expect(y.id == x.id && inverse.id == cube.id && again.id == cube.id + 1)
        #expect(y.label == nil && inverse.label == nil && again.label == nil)
        #expect(inverse.opName == "**-1" && inverse.exponent == -1 && inverse.data == 0.5)
        let late = again ** 1.5
        #expect(late.id == r.id && late.label == nil && late.opName == "**1.5" && late.exponent == 1.5)
        late.backward()
        // d/dw (y / w)^1.5 = 1.5 (y/w)^0.5 * -y/w^2
        #expect(isClose(w.grad, 1.5 * (2.5).squareRoot() * -5 / 4, relative: 1e-15))
        // The exponents before the cut still drive forward and backward.
        graph.zeroGrad()
        square.backward()
        #expect(w.grad == 4)
        root.backward()
        #expect(isClose(w.grad, 4 + 0.5 / 2.0.squareRoot(), relative: 1e-15))
    }

    @Test func truncateDropsALabelExactlyAtTheCutAndLabelsSetLater() {
        let graph = Graph()
        let a = Value(1.0, label: "a", in: graph)
        let b = Value(2.0, label: "b", in: graph)
        graph.truncate(to: 1)
        #expect(a.label == "a" && graph.count == 1)
        let c = Value(3.0, in: graph)
        #expect(c.id == b.id && c.label == nil)
        // A label removed and set again, then cut.
        c.label = "c"
        c.label = nil
        a.label = "a2"
        graph.truncate(to: 1)
        #expect(a.label == "a2")
        #expect(Value(4.0, in: graph).label == nil)
        graph.truncate(to: 0)
        #expect(graph.count == 0)
        #expect(Value(5.0, label: "z", in: graph).label == "z")
    }

    @Test func truncatingAndRebuildingMatchesAFreshGraph() throws {
        func step(_ graph: Graph, _ model: MLP, _ point: [Double]) -> Value {
            let out = model(point.map { Value($0, in: graph) })[0]
            return (1 + -1.0 * out).relu() + out ** 2
        }
        let reused = Graph(), fresh = Graph()
        let model = try MLP(inputs: 2, outputs: [4, 4, 1], seed: 3, in: reused)
        let keep = reused.count
        for point in [[0.5, -1.0], [2.0, 0.25], [-0.75, 1.5]] {
            reused.truncate(to: keep)
            reused.zeroGrad()
            let loss = step(reused, model, point)
            loss.backward()
            let twin = try MLP(inputs: 2, outputs: [4, 4, 1], seed: 3, in: fresh)
            let twinLoss = step(fresh, twin, point)
            twinLoss.backward()
            #expect(loss.data.bitPattern == twinLoss.data.bitPattern)
            #expect(model.parameters().map(\.grad.bitPattern) == twin.parameters().map(\.grad.bitPattern))
            #expect(reused.count - keep == fresh.count - Int(twin.parameters().last!.id) - 1)
        }
    }

    @Test func aValueKnowsWhetherItsGraphIsAlive() {
        var stale: Value?
        do {
            let graph = Graph()
            let value = Value(1.0, label: "v", in: graph)
            withExtendedLifetime(graph) { #expect(value.graphIsAlive && value.graph === graph) }
            stale = value
        }  // the graph is freed here: nothing else holds it, and Values do not
        let value = stale!
        #expect(!value.graphIsAlive)
        // A new graph may take the freed graph's storage; the stale Value still is not its.
        let next = Graph()
        let fresh = Value(1.0, in: next)
        withExtendedLifetime(next) {
            #expect(fresh.graphIsAlive && !value.graphIsAlive)
            #expect(fresh.id == value.id && fresh != value && Set([fresh, value]).count == 2)
        }
    }

    @Test func backwardTwiceAccumulatesAsMicrogradDoes() {
        // micrograd: a, b = Value(2.0), Value(3.0); c = a*b; d = c + a; e = (d**2).relu()
        // e.backward() -> grads 64 32 16 16 1; again -> 304 160 64 48 1: backward sets the
        // output's grad to 1 and adds to every other, whose grads then flow on.
        let graph = Graph()
        let a = Value(2.0, in: graph), b = Value(3.0, in: graph)
        let c = a * b
        let d = c + a
        let e = (d ** 2).relu()
        e.backward()
        #expect([a, b, c, d, e].map(\.grad) == [64, 32, 16, 16, 1])
        e.backward()
        #expect([a, b, c, d, e].map(\.grad) == [304, 160, 64, 48, 1])
    }

    @Test func aLaterBackwardDoesNotReachWhatAnEarlierOneReached() {
        // The mask buffer is reused between calls: each call starts from a clean one.
        let graph = Graph()
        let x = Value(3.0, in: graph), unrelated = Value(1.0, in: graph)
        let side = unrelated * 5
        let out = x * x
        side.backward()
        #expect(unrelated.grad == 5)
        side.grad = 7  // stale, and side does not reach out
        out.backward()
        #expect(unrelated.grad == 5 && x.grad == 6 && side.grad == 7)
        // A shorter backward after a longer one.
        let late = (out + x).tanh()
        late.backward()
        graph.zeroGrad()
        out.backward()
        #expect(x.grad == 6 && late.grad == 0)
        graph.zeroGrad()
        late.backward()
        #expect(isClose(x.grad, (1 - late.data * late.data) * 7, relative: 1e-15))
    }

    @Test func reservingDoesNotChangeWhatIsBuilt() {
        let graph = Graph()
        graph.reserveCapacity(10_000)
        #expect(graph.count == 0)
        let x = Value(1.5, in: graph)
        var y = x
        for _ in 0..<20_000 { y = y * 1.0001 }  // grows past the reservation
        #expect(graph.count == 1 + 2 * 20_000)
        y.backward()
        #expect(isClose(x.grad, y.data / 1.5, relative: 1e-12))
    }

    /// An MLP whose later layers' parameters were truncated away traps, as any use of a
    /// dropped node does, rather than reading what lies past the tape's end.
    @Test func anMLPWhoseLastLayerWasTruncatedTraps() async {
        await #expect(processExitsWith: .failure) {
            let graph = Graph()
            let model = try MLP(inputs: 2, outputs: [3, 1], seed: 1, in: graph)
            graph.truncate(to: 9)  // the first layer's 3 × (2 + 1) parameters
            _ = model([Value(1.0, in: graph), Value(2.0, in: graph)])
        }
    }
}

@Suite struct NeuronTape {
    /// A neuron's fast path makes what `b + w0*x0 + w1*x1 + …` with operators makes.
    @Test func aNeuronBuildsWhatItsOperatorsBuild() throws {
        let graph = Graph(), byHand = Graph()
        let model = try MLP(inputs: 3, outputs: [4, 4, 1], seed: 1337, in: graph)
        let copies = model.parameters().map { Value($0.data, in: byHand) }
        let point = [2.0, 3.0, -1.0]
        let out = model(point.map { Value($0, in: graph) })[0]

        var x = point.map { Value($0, in: byHand) }
        var next = 0
        for (l, layer) in model.layers.enumerated() {
            x = layer.neurons.map { neuron in
                let weights = copies[next..<(next + neuron.weights.count)]
                let bias = copies[next + neuron.weights.count]
                next += neuron.weights.count + 1
                var sum = bias
                for (w, input) in zip(weights, x) { sum = sum + w * input }
                return l == model.layers.count - 1 ? sum : sum.relu()
            }
        }
        let manual = x[0]
        #expect(graph.count == byHand.count && out.id == manual.id)
        for id in 0..<graph.count {
            let a = graph[id], b = byHand[id]
            #expect(a.opName == b.opName && a.data.bitPattern == b.data.bitPattern)
            #expect(a.operands.map(\.id) == b.operands.map(\.id))
        }
        out.backward()
        manual.backward()
        #expect(model.parameters().map(\.grad) == copies.map(\.grad))
    }
}
