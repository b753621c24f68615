/// What `--focus NAME --depth K` kept of a bigger diagram, and where it cut.
package struct Focus: Sendable, Equatable {
    /// The node focused on, as a position in the focused diagram; -1 for a difference's
    /// changes (`focusingOnChanges(depth:)`).
    package var center: Int
    package var depth: Int
    /// How many nodes the whole diagram has.
    package var totalNodes: Int
    /// One per kept node and side whose edges to nodes outside the focus were cut.
    package var cuts: [Cut]

    package struct Cut: Sendable, Equatable {
        package enum Side: String, Sendable {
            /// Edges from the node's operands (what it is computed from) were cut.
            case operands
            /// Edges to the results that use the node were cut.
            case results
        }

        /// The kept node, as a position in the focused diagram.
        package var node: Int
        package var side: Side
        /// How many edges were cut there.
        package var edges: Int
        /// How many nodes outside the focus lie beyond those edges: the operands' whole
        /// ancestry, or every result that depends on the node. Nil when counting would take
        /// too long (see `Diagram.maximumCountingWork`).
        package var nodesBeyond: Int?

        package init(node: Int, side: Side, edges: Int, nodesBeyond: Int?) {
            self.node = node
            self.side = side
            self.edges = edges
            self.nodesBeyond = nodesBeyond
        }
    }
}

/// Why a focus could not be made; MgvizKit words it.
public enum FocusError: Error, Equatable {
    /// No node has this label or id; `nearMatches` are labels and ids close to it.
    case unknownName(String, nearMatches: [String])
    /// Several nodes carry this label; `ids` are theirs (the first few).
    case ambiguousName(String, ids: [String], count: Int)
}

extension Diagram {
    /// Exact counts of the nodes beyond each cut cost one pass over the diagram per 64 cuts;
    /// past this many node visits the counts are left out rather than taking seconds.
    package static let maximumCountingWork = 200_000_000

    /// The position of the node labelled `name`, or whose id is `name` (`n42`).
    package func position(named name: String) throws(FocusError) -> Int {
        var labelled = (0..<count).filter { label(at: $0) == name }
        // A collapsed neuron, drawn as `L3 N1 y`, is also `L3 N1`, and `y` after its output.
        if labelled.isEmpty && hasFoldedGroups {
            labelled = foldedOps.keys.sorted().map(Int.init).filter { position in
                guard let group = groupIndex(at: position).map({ groups[$0].name }) else { return false }
                return group == name || label(at: position) == group + " " + name
            }
        }
        if labelled.count == 1 { return labelled[0] }
        if labelled.count > 1 {
            throw .ambiguousName(name, ids: labelled.prefix(5).map { NodeNames.value(at: nameNumber(at: $0)) }, count: labelled.count)
        }
        // An id names one number, written as NodeNames writes it.
        if name.first == "n", let number = Int(name.dropFirst()), number >= 0, NodeNames.value(at: number) == name,
           let position = (0..<count).first(where: { nameNumber(at: $0) == number }) {
            return position
        }
        throw .unknownName(name, nearMatches: nearMatches(of: name))
    }

    /// Up to five distinct labels within a small edit distance of `name`, closest first.
    private func nearMatches(of name: String) -> [String] {
        let target = Array(name.unicodeScalars)
        let allowed = max(1, target.count / 3)
        var seen: Set<String> = []
        var found: [(distance: Int, label: String)] = []
        for position in 0..<count {
            let label = label(at: position)
            guard !label.isEmpty && seen.insert(label).inserted else { continue }
            let candidate = Array(label.unicodeScalars)
            guard abs(candidate.count - target.count) <= allowed else { continue }
            let distance = editDistance(target, candidate)
            if distance <= allowed { found.append((distance, label)) }
        }
        return found.sorted { ($0.distance, $0.label) < ($1.distance, $1.label) }.prefix(5).map(\.label)
    }

    /// Only the nodes within `depth` ops of the node at `center`, on both sides: what it is
    /// computed from and what uses it. Data and grads stay as they were in the whole diagram.
    package func focusing(on center: Int, depth: Int) -> Diagram {
        precondition((0..<count).contains(center) && depth >= 0)
        return focusing(around: [center], center: center, depth: depth)
    }

    /// For a difference: only what changed (nodes added, removed, changed in number, op, label
    /// or operands) and the nodes within `depth` ops of it, as `focusing(on:depth:)` keeps
    /// them around one node. Nothing, where nothing changed.
    package func focusingOnChanges(depth: Int) -> Diagram {
        precondition(depth >= 0)
        guard let comparison else { preconditionFailure("only a difference has changes") }
        let changed = (0..<count).filter { !comparison.marks[$0].isEmpty } + comparison.removed.indices.map { count + $0 }
        return focusing(around: changed, center: -1, depth: depth)
    }

    /// The nodes within `depth` ops of `centers`, positions in the diagram or, past its nodes,
    /// in a difference's removed nodes, which count as nodes and edges as B's do.
    private func focusing(around centers: [Int], center: Int, depth: Int) -> Diagram {
        let count = self.count
        let results = Results(of: self)
        func resultsOf(_ index: Int) -> ArraySlice<Int32> { results[index] }
        // A difference's edges of A that B lacks join its nodes and the removed ones.
        let removedCount = comparison?.removed.count ?? 0
        var linksInA = [[Int]](repeating: [], count: comparison == nil ? 0 : count + removedCount)
        for edge in comparison?.edgesOnlyInA ?? [] {
            func index(_ end: Comparison.End) -> Int {
                switch end {
                case .node(let position): return Int(position)
                case .removed(let removed): return count + Int(removed)
                }
            }
            linksInA[index(edge.from)].append(index(edge.to))
            linksInA[index(edge.to)].append(index(edge.from))
        }

        // Breadth first over operands and results together: the distance in ops.
        var distance = [Int](repeating: -1, count: count + removedCount)
        for center in centers { distance[center] = 0 }
        var queue = centers
        var head = 0
        while head < queue.count {
            let index = queue[head]
            head += 1
            guard distance[index] < depth else { continue }
            var neighbours = linksInA.isEmpty ? [] : linksInA[index]
            if index < count { neighbours += Array(operands(of: index)) + resultsOf(index).map(Int.init) }
            for neighbour in neighbours where distance[neighbour] < 0 {
                distance[neighbour] = distance[index] + 1
                queue.append(neighbour)
            }
        }
        let kept = (0..<count).filter { distance[$0] >= 0 }
        var newPosition = [Int](repeating: -1, count: count)
        for (position, index) in kept.enumerated() { newPosition[index] = position }

        // The cuts, and the nodes beyond each.
        var cuts: [(cut: Focus.Cut, from: [Int])] = []
        for index in kept {
            let cutOperands = Array(operands(of: index)).filter { newPosition[$0] < 0 }
            if !cutOperands.isEmpty {
                cuts.append((Focus.Cut(node: newPosition[index], side: .operands, edges: cutOperands.count, nodesBeyond: nil), cutOperands))
            }
            let cutResults = resultsOf(index).map(Int.init).filter { newPosition[$0] < 0 }
            if !cutResults.isEmpty {
                cuts.append((Focus.Cut(node: newPosition[index], side: .results, edges: cutResults.count, nodesBeyond: nil), cutResults))
            }
        }
        let counts = countNodesBeyond(
            cuts.map { ($0.cut.side, $0.from) }, outside: newPosition, results: resultsOf)

        // Only the kept edges.
        let keptRemoved = comparison.map { _ in (0..<removedCount).map { distance[count + $0] >= 0 } }
        var focused = keeping(kept, keptRemoved: keptRemoved) { index, append in
            for (edge, operand) in zip(operandRange(of: index), operands(of: index)) where newPosition[operand] >= 0 {
                append(Int32(newPosition[operand]), edge)
            }
        }
        // Each node keeps its name from the whole diagram, so a stub's node can be focused on next.
        focused.nameNumbers = kept.map { Int32(nameNumber(at: $0)) }
        // And the name a learner reads it by, which its cut operands made.
        let names = valueNames
        focused.keptNames = kept.map { names.name(at: $0) }
        // The output keeps its marking if it is kept; -1 when it lies beyond the focus.
        focused.output = output >= 0 ? newPosition[output] : -1
        focused.focus = Focus(
            center: center >= 0 ? newPosition[center] : -1, depth: depth, totalNodes: count,
            cuts: zip(cuts, counts).map { cut, count in
                var cut = cut.cut
                cut.nodesBeyond = count
                return cut
            })
        return focused
    }

    /// For each cut, how many nodes outside the focus its cut neighbours reach on its side
    /// (themselves included), or nil for all of them when that would be too much work.
    ///
    /// Reachability counts do not add up along a DAG, so each cut needs its own pass; 64 cuts
    /// share one, as the bits of a word, each pass one sweep in topological order.
    private func countNodesBeyond(
        _ cuts: [(side: Focus.Cut.Side, from: [Int])], outside newPosition: [Int],
        results resultsOf: (Int) -> ArraySlice<Int32>
    ) -> [Int?] {
        let passes = (cuts.count + 63) / 64
        guard passes.multipliedReportingOverflow(by: count).partialValue <= Self.maximumCountingWork else {
            return Array(repeating: nil, count: cuts.count)
        }
        var counts = [Int](repeating: 0, count: cuts.count)
        var reached = [UInt64](repeating: 0, count: count)
        for pass in 0..<passes {
            let batch = (pass * 64)..<min(cuts.count, pass * 64 + 64)
            for side in [Focus.Cut.Side.operands, .results] {
                for i in reached.indices { reached[i] = 0 }
                var any = false
                for cut in batch where cuts[cut].side == side {
                    for start in cuts[cut].from { reached[start] |= 1 << UInt64(cut - batch.lowerBound) }
                    any = true
                }
                guard any else { continue }
                // Operands come before their results, so one sweep carries every bit along.
                if side == .operands {
                    for index in (0..<count).reversed() where reached[index] != 0 {
                        for operand in operands(of: index) { reached[operand] |= reached[index] }
                    }
                } else {
                    for index in 0..<count where reached[index] != 0 {
                        for result in resultsOf(index) { reached[Int(result)] |= reached[index] }
                    }
                }
                for index in 0..<count where newPosition[index] < 0 {
                    var bits = reached[index]
                    while bits != 0 {
                        counts[batch.lowerBound + bits.trailingZeroBitCount] += 1
                        bits &= bits - 1
                    }
                }
            }
        }
        return counts
    }
}

/// Levenshtein distance, one row at a time.
package func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
    var row = Array(0...b.count)
    for (i, x) in a.enumerated() {
        var diagonal = row[0]
        row[0] = i + 1
        for (j, y) in b.enumerated() {
            let above = row[j + 1]
            row[j + 1] = min(above + 1, row[j] + 1, diagonal + (x == y ? 0 : 1))
            diagonal = above
        }
    }
    return row[b.count]
}
