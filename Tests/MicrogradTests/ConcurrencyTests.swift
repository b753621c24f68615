import Micrograd
import Testing

/// An actor of its own, so that awaiting it hops off the caller's executor.
private actor Workshop {
    /// Runs on the actor but in the calling task, so it sees the caller's scope.
    func makeLeaf(_ data: Double) -> Value { Value(data) }
}

@Suite struct Concurrency {
    @Test func aScopeSurvivesSuspensionsAndActorHops() async {
        let graph = Graph()
        let workshop = Workshop()
        let values = await graph.withScope { () async -> [Value] in
            let before = Value(1.0, label: "before")
            await Task.yield()
            let afterYield = Value(2.0, label: "afterYield")
            let onActor = await workshop.makeLeaf(3.0)
            // A detached task does not inherit the scope; awaiting it must not lose ours.
            let detachedGraph = await Task.detached { Graph.current }.value
            #expect(detachedGraph === Graph.shared)
            let afterDetached = Value(4.0, label: "afterDetached")
            return [before, afterYield, onActor, afterDetached]
        }
        #expect(values.allSatisfy { $0.graph === graph })
        #expect(values.map(\.id) == [0, 1, 2, 3] && graph.count == 4)
        #expect(values[2].data == 3)
    }

    @Test func childTasksInheritTheScope() async {
        let graph = Graph()
        let sum = await graph.withScope { () async -> Value in
            let a = Value(2.0, label: "a")
            // The parent waits for the child, so one task at a time builds the graph.
            async let child = Value(3.0, label: "b") * a
            let product = await child
            return product + 1
        }
        #expect(sum.graph === graph && sum.data == 7 && graph.count == 5)
    }

    @Test func concurrentScopesNeverMixGraphs() async {
        let graphs = (0..<4).map { _ in Graph() }
        let steps = 200
        let outcomes = await withTaskGroup(of: (Int, Bool, Double).self) { group in
            for (index, graph) in graphs.enumerated() {
                group.addTask {
                    await graph.withScope {
                        var sum = Value(0.0)
                        var alwaysOwn = sum.graph === graph
                        for _ in 0..<steps {
                            // Yielding lets the other tasks run on this thread in between.
                            await Task.yield()
                            let leaf = Value(1.0)
                            sum = sum + leaf
                            alwaysOwn = alwaysOwn && Graph.current === graph && leaf.graph === graph
                        }
                        return (index, alwaysOwn && sum.graph === graph, sum.data)
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.count == graphs.count)
        for (index, alwaysOwn, total) in outcomes {
            #expect(alwaysOwn, "task \(index)")
            #expect(total == Double(steps), "task \(index)")
            // One leaf and one + per step, after the first leaf: nothing from the others.
            #expect(graphs[index].count == 1 + 2 * steps, "task \(index)")
        }
    }

    @Test func outsideAnyScopeIsTheSharedGraph() async {
        // Only reads: building on the shared graph here would race with other tests.
        #expect(Graph.current === Graph.shared)
        let inner = Graph()
        inner.withScope {
            #expect(Graph.current === inner)
            Graph().withScope { #expect(Graph.current !== inner) }
            #expect(Graph.current === inner)
        }
        #expect(Graph.current === Graph.shared)
    }
}
