import Micrograd
import Testing

/// Backward skips a node whose grad is zero, and what only it reaches, when that changes
/// nothing. These are the cases where it would change something: micrograd still visits the
/// node, and `local * 0` is NaN, or lands on a -0, or the node reached holds an older grad.
@Suite struct ZeroGrads {
    /// A dead ReLU passes 0 to `-1 * inf`, whose other operand then gets `inf * 0`.
    @Test func infiniteOperandBehindADeadReLU() {
        let graph = Graph()
        let a = Value(-1.0, in: graph), b = Value(.infinity, in: graph)
        let product = a * b
        let out = product.relu()
        out.backward()
        #expect(out.data == 0 && product.grad == 0)
        #expect(a.grad.isNaN && b.grad == 0)
    }

    /// The same, with the infinity set after the graph was built, as a training step does,
    /// or made by re-evaluating it.
    @Test func infinitySetAfterBuilding() {
        let graph = Graph()
        let a = Value(-1.0, in: graph), b = Value(2.0, in: graph)
        let out = (a * b).relu()
        b.data = .infinity
        out.backward()
        #expect(a.grad.isNaN)

        let other = Graph()
        let x = Value(1.0, in: other), k = Value(-1.0, in: other)
        let big = x * 1e300
        let dead = (big * k).relu()
        x.data = 1e10
        other.forward()
        #expect(big.data == .infinity)
        dead.backward()
        #expect(k.grad.isNaN)
    }

    /// log's local derivative 1/x overflows at a subnormal x while log x is finite.
    @Test func logOfASubnormalTimesZero() {
        let graph = Graph()
        let x = Value(.leastNonzeroMagnitude, in: graph)
        let log = x.log()
        #expect(log.data.isFinite)
        (log * 0).backward()
        #expect(log.grad == 0 && x.grad.isNaN)
    }

    /// 0 ** 0.5 is 0, and its local derivative 0.5 * 0 ** -0.5 is infinite.
    @Test func squareRootOfZeroTimesZero() {
        let graph = Graph()
        let x = Value(0.0, in: graph)
        let root = x ** 0.5
        (root * 0).backward()
        #expect(root.data == 0 && root.grad == 0 && x.grad.isNaN)
    }

    /// exp's derivative is recomputed from its operand: set past 709.78 and not evaluated
    /// again, the node still holds a finite value, but the derivative is infinite.
    @Test func expOfAnOperandSetSinceIsInfinite() {
        let graph = Graph()
        let a = Value(0.0, in: graph)
        let exp = a.exp()
        let out = exp * Value(0.0, in: graph)
        a.data = 1000
        out.backward()
        #expect(exp.data == 1 && exp.grad == 0 && a.grad.isNaN)
    }

    /// Adding the +0 of a dead ReLU's path turns a -0 grad into +0, and makes a signalling
    /// NaN quiet.
    @Test func negativeZeroGradBecomesPositive() {
        let graph = Graph()
        let a = Value(-1.0, in: graph), b = Value(2.0, in: graph)
        let out = (a * b).relu()
        a.grad = -0.0
        out.backward()
        #expect(a.grad == 0 && a.grad.sign == .plus)

        let other = Graph()
        let c = Value(2.0, in: other)
        let zero = (c * 0) * 0
        c.grad = .signalingNaN
        zero.backward()
        #expect(c.grad.isNaN && !c.grad.isSignalingNaN)
    }

    /// An op node reached only through a zero grad still passes on the grad it already had:
    /// one set by hand, and one left by an earlier backward.
    @Test func olderGradBehindAZeroGrad() {
        let graph = Graph()
        let a = Value(-2.0, in: graph), b = Value(3.0, in: graph)
        let product = a * b  // -6
        product.grad = 5
        let dead = product.relu()
        let zero = Value(0.0, in: graph)
        (dead * zero).backward()
        #expect(dead.grad == 0 && product.grad == 5)
        #expect(a.grad == 15 && b.grad == -10)

        let other = Graph()
        let c = Value(-2.0, in: other), d = Value(3.0, in: other)
        let cd = c * d
        (cd * 1).backward()
        #expect(c.grad == 3 && d.grad == -2)
        (cd.relu() * Value(0.0, in: other)).backward()
        #expect(cd.grad == 1 && c.grad == 6 && d.grad == -4)
    }

    /// Truncating forgets only what it drops: a log at a subnormal and a grad set by hand
    /// before the cut still count after it.
    @Test func truncateKeepsWhatItDoesNotDrop() {
        let graph = Graph()
        let x = Value(.leastNonzeroMagnitude, in: graph)
        let log = x.log()
        let keep = graph.count
        for _ in 0..<2 {
            graph.truncate(to: keep)
            graph.zeroGrad()
            (log * 0).backward()
            #expect(x.grad.isNaN)
        }

        let other = Graph()
        let a = Value(-2.0, in: other)
        let product = a * 3
        product.grad = 5
        let kept = other.count
        for pass in 1...2 {
            other.truncate(to: kept)
            (product.relu() * Value(0.0, in: other)).backward()
            #expect(product.grad == 5 && a.grad == Double(15 * pass))
        }
    }

    /// Random graphs of sums, products, ReLUs and tanhs, many of them dead or multiplied by
    /// zero, with reused nodes, past several 64-node words: every grad equals, bit for bit,
    /// that of micrograd's backward, which visits every node the output reaches, newest
    /// first, as written out here.
    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8])
    func randomGraphsMatchVisitingEveryReachedNode(seed: UInt64) {
        var random = MersenneTwister(seed: seed)
        let graph = Graph()
        var values = (0..<8).map { _ in Value(random.uniform(-2, 2), in: graph) }
        values.append(Value(0.0, in: graph))
        for _ in 0..<400 {
            // Mostly recent operands, as an expression's are, and now and then an old one.
            func operand() -> Value {
                let recent = random.uniform(0, 1) < 0.8
                let low = recent ? max(0, values.count - 12) : 0
                return values[low + Int(random.uniform(0, Double(values.count - low)))]
            }
            switch Int(random.uniform(0, 10)) {
            case 0..<3: values.append(operand() + operand())
            case 3..<6: values.append(operand() * operand())
            case 6..<8: values.append(operand().relu())
            case 8: values.append(operand().tanh())
            default: values.append(operand() * Value(random.uniform(0, 1) < 0.3 ? 0 : random.uniform(-1, 1), in: graph))
            }
        }
        // The output sums the last values, so that many paths reach it and some are live.
        let output = values.suffix(20).dropFirst().reduce(values[values.count - 20]) { $0 + $1 }
        let (expected, reached) = referenceGrads(from: output, in: graph)
        output.backward()
        for id in 0..<graph.count {
            #expect(graph[id].grad.bitPattern == expected[id].bitPattern, "node \(id) of seed \(seed)")
        }
        // Both kinds of reached node are there: a dead one is skipped, a live one visited.
        let reachedGrads = zip(reached, expected).filter(\.0).map(\.1)
        #expect(reachedGrads.filter { $0 == 0 }.count >= 10 && reachedGrads.filter { $0 != 0 }.count >= 10)
    }

    /// micrograd's backward on a graph of +, *, ReLU and tanh, into an array of grads: every
    /// node the output reaches is visited, newest first, whatever its grad.
    private func referenceGrads(from output: Value, in graph: Graph) -> (grads: [Double], reached: [Bool]) {
        var grads = (0..<graph.count).map { graph[$0].grad }
        var reached = [Bool](repeating: false, count: graph.count)
        reached[Int(output.id)] = true
        grads[Int(output.id)] = 1
        for id in stride(from: Int(output.id), through: 0, by: -1) where reached[id] {
            let node = graph[id], g = grads[id]
            let operands = node.operands
            let locals: [Double]
            switch node.op {
            case .add: locals = [1, 1]
            case .mul: locals = [operands[1].data, operands[0].data]
            case .relu: locals = [node.data > 0 ? 1 : 0]
            case .tanh: locals = [1 - node.data * node.data]
            default: locals = []
            }
            for (operand, local) in zip(operands, locals) {
                grads[Int(operand.id)] += local * g
                reached[Int(operand.id)] = true
            }
        }
        return (grads, reached)
    }
}
