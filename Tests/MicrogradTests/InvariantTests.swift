@testable import Micrograd
import Testing

/// The tape's zero-grad bookkeeping (`ZeroGradBookkeeping.swift`) is what lets backward skip
/// zero grads without changing a bit of any grad. Debug builds check it after every
/// mutation; these tests check it whole after each kind of mutation, and that the checker
/// catches bookkeeping that lies.
@Suite struct TapeInvariants {
    private func checkWhole(_ graph: Graph) {
        graph.tape.pointee.checkInvariants(of: 0..<graph.count)
    }

    @Test func holdAfterEveryKindOfMutation() throws {
        let graph = Graph()
        let model = try MLP(inputs: 2, outputs: [4, 1], seed: 7, in: graph)
        let x = [Value(0.5, in: graph), Value(-1.5, in: graph)]
        checkWhole(graph)
        let base = graph.count
        var loss = ((model(x)[0] - 1) ** 2 + x[0].exp().log()).tanh()
        checkWhole(graph)
        loss.backward()
        checkWhole(graph)
        x[1].data = .infinity
        graph.forward()
        checkWhole(graph)
        #expect(graph.tape.pointee.firstUnsafe <= Int(x[1].id))
        loss.grad = -0.0
        checkWhole(graph)
        #expect(graph.tape.pointee.mayHoldGradChangedByZero)
        graph.zeroGrad()
        checkWhole(graph)
        #expect(graph.tape.pointee.untouchedOpsFrom == 0 && !graph.tape.pointee.mayHoldGradChangedByZero)
        graph.truncate(to: base)
        x[1].data = 2
        checkWhole(graph)
        loss = model(x)[0]
        loss.backward()
        checkWhole(graph)
        #expect(graph.tape.pointee.untouchedOpsFrom == Int(loss.id) + 1)
    }

    /// Backward from a node makes every op node up to it touched; those after it keep +0.
    @Test func untouchedOpsFollowBackward() {
        let graph = Graph()
        let a = Value(2, in: graph)
        let b = a * a
        let c = b + 1
        b.backward()
        checkWhole(graph)
        #expect(graph.tape.pointee.untouchedOpsFrom == Int(b.id) + 1)
        #expect(c.grad.bitPattern == 0)
    }

    @Test func aLyingUntouchedMarkTraps() async {
        await #expect(processExitsWith: .failure) {
            let graph = Graph()
            let a = Value(2, in: graph)
            (a * a).backward()
            graph.tape.pointee.untouchedOpsFrom = 0
            graph.tape.pointee.checkInvariants(of: 0..<graph.count)
        }
    }

    @Test func aLyingFirstUnsafeTraps() async {
        await #expect(processExitsWith: .failure) {
            let graph = Graph()
            let a = Value(0, in: graph)
            _ = a.log()
            graph.tape.pointee.firstUnsafe = .max
            graph.tape.pointee.checkInvariants(of: 0..<graph.count)
        }
    }

    @Test func anUnnotedNegativeZeroGradTraps() async {
        await #expect(processExitsWith: .failure) {
            let graph = Graph()
            let a = Value(1, in: graph)
            a.grad = -0.0
            graph.tape.pointee.mayHoldGradChangedByZero = false
            graph.tape.pointee.checkInvariants(of: 0..<graph.count)
        }
    }
}
