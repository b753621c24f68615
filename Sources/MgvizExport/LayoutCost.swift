/// What dot's layout of a diagram will cost, estimated from its shape alone, before layout.
///
/// dot puts every node on a rank and routes an edge that spans k ranks through k - 1 virtual
/// nodes; its position step then solves a network simplex over all of them, and on Graphviz
/// 2.42 that step's set-up grows with the square of their number. Counting nodes is not
/// enough: `a + a + … + a` with 100 terms has 199 Graphviz nodes and 9,700 virtual ones, and
/// took minutes. So the estimate ranks the graph as dot would roughly do (longest paths, the
/// smaller of two rankings) and counts virtual nodes; leaves on many ranks add to the cost too.
public struct LayoutCost: Sendable, Equatable {
    /// Records and op ellipses.
    public var graphvizNodes: Int
    /// Σ (rank span − 1) over the edges: the virtual nodes dot adds.
    package var virtualNodes: Int
    /// Leaves: nodes with no incoming edge.
    package var sources: Int
    package var ranks: Int
    /// The most uses of one value, times the ranks: dot's position step handles a value used
    /// by many ops far worse than the same number of edges spread over many values.
    public var fanOutReach: Int

    /// What the thresholds below are measured against: virtual nodes, and sources times ranks
    /// over 100 (many leaves across many ranks, as in a sum of 2,000 inputs, cost set-up too).
    public var score: Int { virtualNodes + sources * ranks / 100 }

    /// Above this many Graphviz and virtual nodes together, dot's defaults get slow (the
    /// expanded moons MLP, 5,700: 4.2 s of CPU; a chain of 5,000 tanh, 10,000: 7.9 s), and
    /// the tuned attributes take over. Every sample is below 300, so small diagrams keep
    /// Graphviz's best layout.
    package static let tuningThreshold = 1_000

    /// Whether the tuned attributes are worth their small loss of polish.
    package var isWorthTuning: Bool { graphvizNodes + virtualNodes > Self.tuningThreshold }

    /// Above this score even the tuned layout takes more than about 10 s here, so layout is
    /// refused. Measured in CPU seconds on this 2-core machine with the tuned attributes: at
    /// or below it, MLP(3, [32, 32, 1]) (score 35,000) 3.9 s, 100-term sums of one leaf
    /// (9,700) 1.3 to 3 s, 1,000 distinct inputs summed (20,000) 2.3 s, a chain of 10,000
    /// tanh (0) 1.5 s; above it, 200-term sums of one leaf (39,000) 11.7 s, MLP(3, [35, 35, 1])
    /// 25.6 s, 2,000 inputs summed (80,000) and MLP(10, [50, 50, 1]) (137,000) over 15 s.
    /// Shapes it does not model (one value used by thousands of ops on one rank) are stopped
    /// by the CLI's CPU-time limit instead.
    public static let refusalThreshold = 35_000

    /// Above this fan-out reach, layout is refused too. CPU seconds here: `tanh(a) + … +
    /// tanh(a)`, 100 terms (reach 20,100) 3.1 s, 150 terms (45,150) 10.7 s; `a + … + a`, 100
    /// terms (19,900) 1.6 s; 1,000 uses of one value summed as a tree (23,000) 2.0 s, 1,500
    /// (37,500) 7.6 s, 2,400 (60,000) 14.5 s; MLP(3, [32, 32, 1]) (4,500) 1.5 s.
    public static let fanOutReachThreshold = 30_000

    /// Whether the layout is expected to take over 10 s here.
    package var isTooCostly: Bool { score > Self.refusalThreshold || fanOutReach > Self.fanOutReachThreshold }

    /// How many values `mgviz` lays out by default (`--max-nodes`): a 10,000-value chain takes
    /// 1.6 s here with the tuned attributes.
    public static let defaultMaximumValues = 10_000

    /// The attributes that make big layouts fast, each chosen by measurement (README, "Big
    /// graphs"): `nslimit` bounds the network simplex of the position step, which was 90% of
    /// the time (moons MLP 4.2 s to 0.25 s; 0.1 is as fast as 0.01 and places nodes better);
    /// `newrank` ranks clusters globally (MLP(3, [32, 32, 1]) 7.7 s to 3.9 s); `nslimit1`
    /// bounds newrank's ranking simplex on clustered graphs. `mclimit` and `searchsize`
    /// changed nothing measurable, and `nslimit1` below 1 spoiled layouts for no speed.
    package static let tunedAttributes = "newrank=true, nslimit=0.1, nslimit1=2"
}

extension Diagram {
    /// The estimate for this diagram as the DOT exporter draws it: a record per value, an
    /// ellipse per op, an edge per operand use and one from each op to its value.
    package var layoutCost: LayoutCost {
        let count = self.count
        let isOp = (0..<count).map { self.isOp(at: $0) }
        // Forward: longest path from the sources, then each leaf pulled next to its first use.
        var valueRank = [Int](repeating: 0, count: count)
        var opRank = [Int](repeating: 0, count: count)
        var firstUse = [Int](repeating: Int.max, count: count)
        var sources = 0
        for index in 0..<count {
            guard isOp[index] else {
                sources += 1
                continue
            }
            opRank[index] = (operands(of: index).map { valueRank[$0] }.max() ?? -1) + 1
            valueRank[index] = opRank[index] + 1
            for operand in operands(of: index) { firstUse[operand] = min(firstUse[operand], opRank[index]) }
        }
        for index in 0..<count where !isOp[index] && firstUse[index] != .max {
            valueRank[index] = firstUse[index] - 1
        }
        // Backward: longest path back from the last nodes, each node as late as it can be.
        var valueHeight = [Int](repeating: 0, count: count)
        var opHeight = [Int](repeating: 0, count: count)
        for index in (0..<count).reversed() {
            guard isOp[index] else { continue }
            opHeight[index] = valueHeight[index] + 1
            for operand in operands(of: index) { valueHeight[operand] = max(valueHeight[operand], opHeight[index] + 1) }
        }
        var forward = 0, backward = 0, ranks = 0
        var uses = [Int](repeating: 0, count: count)
        for index in 0..<count {
            ranks = max(ranks, valueRank[index] + 1)
            guard isOp[index] else { continue }
            // The op → value edge spans one rank in both rankings.
            for operand in operands(of: index) {
                forward += opRank[index] - valueRank[operand] - 1
                backward += valueHeight[operand] - opHeight[index] - 1
                uses[operand] += 1
            }
        }
        let ops = isOp.count { $0 }
        return LayoutCost(
            graphvizNodes: count + ops, virtualNodes: min(forward, backward), sources: sources, ranks: ranks,
            fanOutReach: (uses.max() ?? 0) * ranks)
    }

    /// `layoutCost.isWorthTuning`, without ranking a diagram whose records and ellipses are
    /// over the threshold already: the DOT of a graph of millions asks this too.
    var isWorthTuningLayout: Bool {
        var graphvizNodes = 0
        for index in 0..<count {
            graphvizNodes += isOp(at: index) ? 2 : 1
            if graphvizNodes > LayoutCost.tuningThreshold { return true }
        }
        return layoutCost.isWorthTuning
    }
}
