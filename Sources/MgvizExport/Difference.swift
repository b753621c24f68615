import Micrograd

/// How a diagram (B) compares with an earlier one (A), node for node: which node of A each of
/// B's is, what A's numbers, op and label were there, and A's nodes and edges that B lacks.
/// `Diagram.difference(from:tolerance:)` makes it; the exporters draw it: B's graph, its changed
/// numbers as `before → after`, filled by how much they changed, nodes only in B marked added,
/// and A's nodes and edges that B lacks drawn faint and dashed beside the nodes they touched.
///
/// docs/diff.md states the matching rule.
package struct Comparison: Sendable, Equatable {
    /// What one of B's nodes is, compared with A. Several may hold: an op and a number changed.
    package struct Marks: OptionSet, Sendable, Hashable {
        package let rawValue: UInt8
        package init(rawValue: UInt8) { self.rawValue = rawValue }
        /// No node of A is this node.
        package static let added = Marks(rawValue: 1)
        /// Its op is another than its counterpart's.
        package static let opChanged = Marks(rawValue: 2)
        /// Its label is another than its counterpart's.
        package static let renamed = Marks(rawValue: 4)
        /// Its operands are other nodes than its counterpart's.
        package static let rewired = Marks(rawValue: 8)
        /// Its data or grad differs from its counterpart's beyond the tolerance.
        package static let numbersChanged = Marks(rawValue: 16)
    }

    /// A node of A that no node of B is, drawn as it was in A.
    package struct Removed: Sendable, Equatable {
        /// Its number in A's names: `n7` in A is drawn as `a7` (`NodeNames.removed`).
        package var nameNumber: Int32
        package var label: String
        /// micrograd's `_op` as A shows it; empty for a leaf.
        package var op: String
        package var isOp: Bool
        package var kind: NodeKind
        package var data: Double
        package var grad: Double?
    }

    /// An end of an edge that only A has: one of B's nodes (its position), or a removed node
    /// (its index in `removed`).
    package enum End: Sendable, Hashable {
        case node(Int32)
        case removed(Int32)
    }

    /// An edge of A that B lacks, from an operand to the result that uses it.
    package struct Edge: Sendable, Equatable {
        package var from: End
        package var to: End

        package init(from: End, to: End) {
            self.from = from
            self.to = to
        }
    }

    /// What `Comparison.differs` allows: |b - a| <= T + T·|a|, as `--check` allows.
    package var tolerance: Double
    /// A's title and how many nodes it has, for the drawing's title and the dump.
    package var titleOfA: String?
    package var nodesInA: Int
    /// A's output's name number, or -1 when A's output was left out of its view.
    package var outputOfA: Int32
    /// Per node of B: the name number of its counterpart in A, or -1 for a node only in B.
    package var counterparts: [Int32]
    /// Per node of B: its marks.
    package var marks: [Marks]
    /// Per node of B: its counterpart's data (0 where it has none).
    package var dataInA: [Double]
    /// Per node of B: its counterpart's grad; empty when A or B has no grads.
    package var gradsInA: [Double]
    /// A's op and label where they differ from B's, by B's position.
    package var opsInA: [Int32: String]
    package var labelsInA: [Int32: String]
    /// A's nodes that no node of B is, in A's order.
    package var removed: [Removed]
    /// A's edges that B lacks: into B's nodes, in B's order, then into the removed nodes, in
    /// A's order; each node's in its operands' order.
    package var edgesOnlyInA: [Edge]
    /// B's edges that A lacks, by their index in B's `operandList`.
    package var edgesOnlyInB: Set<Int32>
    /// The counts and the largest changes of the whole graphs compared: a view of a
    /// difference (a plate, a focus) keeps the summary of the whole.
    package var summary: DifferenceSummary

    /// Whether two numbers differ beyond `tolerance`: NaN is NaN, and an infinity differs from
    /// any other number.
    package func differs(_ a: Double, _ b: Double) -> Bool { Self.differs(a, b, tolerance: tolerance) }

    package static func differs(_ a: Double, _ b: Double, tolerance: Double) -> Bool {
        if a == b || (a.isNaN && b.isNaN) { return false }
        guard a.isFinite && b.isFinite else { return true }
        return abs(b - a) > tolerance + tolerance * abs(a)
    }

    /// How much a number changed, relative to the larger of the two: |b - a| / max(|a|, |b|),
    /// from 0 to 2 (a change of sign); infinite where one is not finite and they differ.
    package static func relativeChange(_ a: Double, _ b: Double) -> Double {
        if a == b || (a.isNaN && b.isNaN) { return 0 }
        guard a.isFinite && b.isFinite else { return .infinity }
        return abs(b - a) / max(abs(a), abs(b))
    }

    /// The relative changes that bound the drawing's shades of change: up to 1%, up to 10%,
    /// up to 50%, and more (a change of sign, a number that is no longer finite).
    package static let shadeBounds: [Double] = [0.01, 0.1, 0.5]

    /// The shade, 0 to 3, of a relative change: the first bound it does not pass.
    package static func shade(of change: Double) -> Int {
        shadeBounds.firstIndex { change <= $0 } ?? shadeBounds.count
    }

    /// The larger relative change of the node's data and grad; 0 for a node only in B.
    package func change(at position: Int, data: Double, grad: Double?) -> Double {
        guard counterparts[position] >= 0 else { return 0 }
        let dataChange = Self.relativeChange(dataInA[position], data)
        guard let grad, !gradsInA.isEmpty else { return dataChange }
        return max(dataChange, Self.relativeChange(gradsInA[position], grad))
    }
}

/// What differs between two graphs, in numbers: the summary `mgviz diff` prints and the dump's
/// `difference` holds.
public struct DifferenceSummary: Sendable, Equatable {
    /// One number of one node, before and after.
    public struct NumberChange: Sendable, Equatable {
        /// Which number of the node changed.
        public enum Quantity: String, Sendable {
            /// The node's value.
            case data
            /// The node's gradient.
            case grad
        }

        /// The node's position in B.
        public var position: Int
        /// Its id in B (`n12`).
        public var id: String
        /// Its label in B; empty for none.
        public var label: String
        /// Its op in B; empty for a leaf.
        public var op: String
        /// Which of its numbers this is.
        public var quantity: Quantity
        /// The number in A.
        public var before: Double
        /// The number in B.
        public var after: Double
        /// |after - before| / max(|before|, |after|); infinite where one is not finite.
        public var relative: Double
    }

    /// How many nodes A's drawing has.
    public var nodesInA: Int
    /// How many nodes B's drawing has.
    public var nodesInB: Int
    /// B's nodes that are a node of A.
    public var matched: Int
    /// Matched nodes whose data or grad differs beyond the tolerance.
    public var changed: Int
    /// Matched nodes whose op, label or operands differ.
    public var opsChanged: Int
    /// Matched nodes whose label differs.
    public var renamed: Int
    /// Matched nodes whose operands are other nodes.
    public var rewired: Int
    /// B's nodes that no node of A is, and A's that no node of B is.
    public var added: Int
    /// A's nodes that no node of B is.
    public var removed: Int
    /// The largest changes, largest first: the larger of each changed node's data and grad
    /// changes, at most `DifferenceSummary.largestShown`.
    public var largest: [NumberChange]
    /// B's output's change, or nil when no node of A is B's output.
    public var outputChange: OutputChange?

    /// The output's numbers, before and after.
    public struct OutputChange: Sendable, Equatable {
        /// The output's id in B.
        public var id: String
        /// The output's label in B; empty for none.
        public var label: String
        /// The id its counterpart had in A.
        public var idInA: String
        /// Its data in A and in B.
        public var data: Pair
        /// Its grad in A and in B; nil when either has no grads.
        public var grad: Pair?

        /// A number in A and in B.
        public struct Pair: Sendable, Equatable {
            /// The number in A.
            public var before: Double
            /// The number in B.
            public var after: Double

            /// A pair of numbers, A's and B's.
            public init(before: Double, after: Double) {
                self.before = before
                self.after = after
            }
        }
    }

    /// Whether the graphs differ beyond the tolerance: in a node added or removed, an op, a
    /// label or an operand changed, or a number.
    public var differs: Bool { changed + opsChanged + renamed + rewired + added + removed > 0 }

    /// How many changes `largest` lists at most.
    public static let largestShown = 5
}

extension Diagram {
    /// What this diagram (B) is compared with `earlier` (A): B's nodes, each matched with a
    /// node of A where one is the same value, by the rule docs/diff.md states (labels first,
    /// then ops and matched operands, bottom up and top down); numbers that differ by more than
    /// `tolerance` (|b - a| > T + T·|a|, as `--check` compares) are changed. The result draws
    /// as B with the comparison marked on it, A's nodes and edges that B lacks drawn faint.
    public func difference(from earlier: Diagram, tolerance: Double = GradientCheck.defaultTolerance) -> Diagram {
        precondition(tolerance >= 0 && tolerance.isFinite, "a tolerance is 0 or more, and finite")
        var matching = DiagramMatching(a: earlier, b: self)
        matching.run()
        var compared = self
        compared.comparison = Comparison(matching: matching, tolerance: tolerance)
        return compared
    }

    /// The comparison a difference holds, with its summary.
    public var differenceSummary: DifferenceSummary? { comparison?.summary }

    /// Gives a difference the summary of other diagrams compared: a view's difference (a plate,
    /// collapsed neurons) takes the summary of the whole graphs.
    package mutating func setDifferenceSummary(_ summary: DifferenceSummary) {
        comparison?.summary = summary
    }

    /// Whether the operation's operands may come in any order: `a + b` is `b + a`.
    fileprivate func isCommutative(at position: Int) -> Bool {
        switch operation(at: position) {
        case .op(.add), .op(.mul), .sum: return true
        default: return false
        }
    }
}

/// The pairing of B's nodes with A's, by the rule docs/diff.md states: labels, then rounds
/// of a pass bottom up and a pass top down, until a round pairs nothing or
/// `maximumRounds` have run. Every pass walks in position order and every choice takes the
/// first candidate in A's order, so the pairing is deterministic. Each pass costs time in
/// proportion to the nodes and edges: A's unpaired ops are found by key in a table that
/// follows each pairing.
struct DiagramMatching {
    let a: Diagram
    let b: Diagram
    /// Per node of B, its partner in A, or -1; and the reverse.
    private(set) var partnerInA: [Int32]
    private(set) var partnerInB: [Int32]
    private(set) var rounds = 0
    private var pairedCount = 0
    private let resultsInA: Results
    /// A's unpaired ops by their key, each list ascending from `head` once sorted. An entry
    /// goes stale when its node pairs or its key changes (an operand paired), and is skipped
    /// then; a node is listed anew under its new key.
    private var indexOfA: [NodeKey: Candidates] = [:]
    private var indexing = false

    /// Rounds after which what is left unpaired stays so. Each round after the first pairs
    /// what the one before made reachable, which takes one or two rounds in the graphs
    /// compared here (the demo's: 2); the bound keeps a graph built to need a round per node
    /// within time linear in its size.
    static let maximumRounds = 16

    private struct Candidates {
        var positions: [Int32] = []
        var sorted = true
        var head = 0

        mutating func append(_ position: Int32) {
            if let last = positions.last, position < last { sorted = false }
            positions.append(position)
        }
    }

    init(a: Diagram, b: Diagram) {
        self.a = a
        self.b = b
        partnerInA = [Int32](repeating: -1, count: b.count)
        partnerInB = [Int32](repeating: -1, count: a.count)
        resultsInA = Results(of: a)
    }

    /// An operand in a key: a node already paired, by its position in A, or a leaf not yet
    /// paired, by its label and number.
    private enum OperandKey: Hashable {
        case node(Int32)
        case leaf(String, UInt64)
    }

    private struct NodeKey: Hashable {
        var operation: Diagram.Operation
        var operands: [OperandKey]
    }

    private mutating func pair(b position: Int, a partner: Int) {
        partnerInA[position] = Int32(partner)
        partnerInB[partner] = Int32(position)
        pairedCount += 1
        guard indexing else { return }
        // Its users in A now have another key, or a key at last.
        for user in resultsInA[partner] where partnerInB[Int(user)] < 0 { index(Int(user)) }
    }

    private mutating func index(_ position: Int) {
        guard let key = keyInA(position) else { return }
        indexOfA[key, default: Candidates()].append(Int32(position))
    }

    mutating func run() {
        pairByLabels()
        // The outputs are the same value computed twice, whatever their labels.
        if a.output >= 0, b.output >= 0, partnerInA[b.output] < 0, partnerInB[a.output] < 0 { pair(b: b.output, a: a.output) }
        for position in 0..<a.count where partnerInB[position] < 0 && !a.operandRange(of: position).isEmpty { index(position) }
        indexing = true
        while rounds < Self.maximumRounds {
            rounds += 1
            let before = pairedCount
            pairBottomUp()
            pairTopDown()
            if pairedCount == before { return }
        }
    }

    /// A label that one node of A and one of B carry pairs them.
    private mutating func pairByLabels() {
        func unique(_ diagram: Diagram) -> [String: Int32] {
            var found: [String: Int32] = [:]
            for (position, label) in diagram.labels where !label.isEmpty {
                found[label] = found[label] == nil ? position : -1
            }
            return found
        }
        let inA = unique(a)
        for (label, position) in unique(b) where position >= 0 {
            if let partner = inA[label], partner >= 0 { pair(b: Int(position), a: Int(partner)) }
        }
    }

    private static func isLeaf(_ diagram: Diagram, _ position: Int) -> Bool {
        !diagram.isOp(at: position) && diagram.operandRange(of: position).isEmpty
    }

    /// The key of a node, its paired operands named by their positions in A (`partner` maps
    /// an operand to it), or nil while an operand is neither paired nor a leaf.
    private static func key(of position: Int, in diagram: Diagram, partner: (Int) -> Int32) -> NodeKey? {
        var operands: [OperandKey] = []
        for operand in diagram.operands(of: position) {
            let paired = partner(operand)
            if paired >= 0 {
                operands.append(.node(paired))
            } else if isLeaf(diagram, operand) {
                operands.append(.leaf(diagram.label(at: operand), diagram.data(at: operand).bitPattern))
            } else {
                return nil
            }
        }
        if diagram.isCommutative(at: position) { operands.sort(by: precedes) }
        return NodeKey(operation: diagram.operation(at: position), operands: operands)
    }

    private func keyInB(_ position: Int) -> NodeKey? { Self.key(of: position, in: b) { partnerInA[$0] } }

    private func keyInA(_ position: Int) -> NodeKey? {
        Self.key(of: position, in: a) { partnerInB[$0] >= 0 ? Int32($0) : -1 }
    }

    /// A fixed order of operand keys, so that the operands of `a + b` and `b + a` sort alike.
    private static func precedes(_ x: OperandKey, _ y: OperandKey) -> Bool {
        switch (x, y) {
        case (.node(let p), .node(let q)): return p < q
        case (.node, .leaf): return true
        case (.leaf, .node): return false
        case (.leaf(let l, let d), .leaf(let m, let e)): return l != m ? l < m : d < e
        }
    }

    /// Bottom up: an op of B whose operands are all paired (or leaves) pairs with the first
    /// unpaired op of A with the same op and the same operands, and their leaves pair too.
    private mutating func pairBottomUp() {
        for position in 0..<b.count where partnerInA[position] < 0 && !b.operandRange(of: position).isEmpty {
            guard let key = keyInB(position), let partner = firstCandidate(key) else { continue }
            pair(b: position, a: partner)
            pairLeafOperands(of: position, with: partner)
        }
    }

    /// The first unpaired node of A whose key is `key`, its stale entries dropped on the way.
    private mutating func firstCandidate(_ key: NodeKey) -> Int? {
        guard indexOfA[key] != nil else { return nil }
        if !indexOfA[key]!.sorted {
            let head = indexOfA[key]!.head
            indexOfA[key]!.positions[head...].sort()
            indexOfA[key]!.sorted = true
        }
        while case let candidates = indexOfA[key]!, candidates.head < candidates.positions.count {
            let candidate = Int(candidates.positions[candidates.head])
            if partnerInB[candidate] < 0 && keyInA(candidate) == key { return candidate }
            indexOfA[key]!.head += 1
        }
        return nil
    }

    /// Pairs the unpaired leaves among the operands of two nodes paired with equal keys:
    /// slot by slot, or for `+` and `*` each with the first alike.
    private mutating func pairLeafOperands(of position: Int, with partner: Int) {
        let inB = Array(b.operands(of: position)), inA = Array(a.operands(of: partner))
        guard b.isCommutative(at: position) else {
            for (x, y) in zip(inB, inA) where partnerInA[x] < 0 && partnerInB[y] < 0 { pair(b: x, a: y) }
            return
        }
        func leafKey(_ diagram: Diagram, _ operand: Int, unpaired: Bool) -> OperandKey? {
            unpaired && Self.isLeaf(diagram, operand) ? .leaf(diagram.label(at: operand), diagram.data(at: operand).bitPattern) : nil
        }
        let pairs = firstEqual(
            inB.map { leafKey(b, $0, unpaired: partnerInA[$0] < 0) }, inA.map { leafKey(a, $0, unpaired: partnerInB[$0] < 0) })
        for (x, k) in zip(inB, pairs) {
            if let k, partnerInA[x] < 0, partnerInB[inA[k]] < 0 { pair(b: x, a: inA[k]) }
        }
    }

    /// Top down: the unpaired operands of two paired nodes pair slot by slot when both are
    /// leaves, or have the same op, or take as many operands: a renamed input, a changed
    /// constant, an op changed. For `+` and `*`, once the operands paired with each other are
    /// set aside, those left in B pair in order with the first left in A with the same op,
    /// then the rest with the first that takes as many operands.
    private mutating func pairTopDown() {
        for position in stride(from: b.count - 1, through: 0, by: -1) where partnerInA[position] >= 0 {
            let partner = Int(partnerInA[position])
            let inB = Array(b.operands(of: position)), inA = Array(a.operands(of: partner))
            guard inB.count == inA.count, !inB.isEmpty else { continue }
            guard b.isCommutative(at: position) && a.isCommutative(at: partner) else {
                for (x, y) in zip(inB, inA) where partnerInA[x] < 0 && partnerInB[y] < 0 && alike(b: x, a: y) { pair(b: x, a: y) }
                continue
            }
            let setAside = firstEqual(inB.map { partnerInA[$0] >= 0 ? Int(partnerInA[$0]) : nil }, inA.map { Optional($0) })
            var leftInA = [Bool](repeating: true, count: inA.count)
            for case let k? in setAside { leftInA[k] = false }
            let leftInB = inB.indices.filter { setAside[$0] == nil }
            let sameOp = { (diagram: Diagram, operand: Int) in AlikeKey.operation(diagram.operation(at: operand)) }
            let sameArity = { (diagram: Diagram, operand: Int) in AlikeKey.arity(diagram.operandRange(of: operand).count) }
            for key in [sameOp, sameArity] {
                let pairs = firstEqual(
                    leftInB.map { partnerInA[inB[$0]] < 0 ? key(b, inB[$0]) : nil },
                    inA.indices.map { leftInA[$0] && partnerInB[inA[$0]] < 0 ? key(a, inA[$0]) : nil })
                for (i, k) in zip(leftInB, pairs) {
                    guard let k, partnerInA[inB[i]] < 0, partnerInB[inA[k]] < 0 else { continue }
                    pair(b: inB[i], a: inA[k])
                    leftInA[k] = false
                }
            }
        }
    }

    /// What pairs the operands left in a top-down pass: the same op, else as many operands.
    private enum AlikeKey: Hashable {
        case operation(Diagram.Operation)
        case arity(Int)
    }

    private func alike(b x: Int, a y: Int) -> Bool {
        let countInB = b.operandRange(of: x).count, countInA = a.operandRange(of: y).count
        if countInB == 0 || countInA == 0 { return countInB == countInA }
        return b.operation(at: x) == a.operation(at: y) || countInB == countInA
    }
}

/// For each of `left`'s keys, the index in `right` of the first key equal to it that no
/// earlier one took, or nil (nil keys take nothing): in time linear in their lengths.
func firstEqual<Key: Hashable>(_ left: [Key?], _ right: [Key?]) -> [Int?] {
    var taken = [Int?](repeating: nil, count: left.count)
    // Operands come in twos: a search is cheaper than a table until there are many.
    if left.count * right.count <= 64 {
        var used = [Bool](repeating: false, count: right.count)
        for (i, key) in left.enumerated() {
            guard let key, let j = right.indices.first(where: { !used[$0] && right[$0] == key }) else { continue }
            used[j] = true
            taken[i] = j
        }
        return taken
    }
    var queues: [Key: (indices: [Int], head: Int)] = [:]
    for (j, key) in right.enumerated() {
        if let key { queues[key, default: ([], 0)].indices.append(j) }
    }
    for (i, key) in left.enumerated() {
        guard let key, let queue = queues[key], queue.head < queue.indices.count else { continue }
        taken[i] = queue.indices[queue.head]
        queues[key]!.head += 1
    }
    return taken
}

extension Comparison {
    /// The comparison a finished matching describes.
    init(matching: DiagramMatching, tolerance: Double) {
        let a = matching.a, b = matching.b
        let partnerInA = matching.partnerInA, partnerInB = matching.partnerInB
        self.tolerance = tolerance
        titleOfA = a.title
        nodesInA = a.count
        outputOfA = a.output >= 0 ? Int32(a.nameNumber(at: a.output)) : -1
        counterparts = partnerInA.map { $0 >= 0 ? Int32(a.nameNumber(at: Int($0))) : -1 }
        marks = [Marks](repeating: [], count: b.count)
        dataInA = partnerInA.map { $0 >= 0 ? a.data(at: Int($0)) : 0 }
        let comparesGrads = a.showsGrads && b.showsGrads
        gradsInA = comparesGrads ? partnerInA.map { $0 >= 0 ? a.grads[Int($0)] : 0 } : []
        opsInA = [:]
        labelsInA = [:]
        edgesOnlyInA = []
        edgesOnlyInB = []
        summary = DifferenceSummary(
            nodesInA: a.count, nodesInB: b.count, matched: 0, changed: 0, opsChanged: 0, renamed: 0, rewired: 0, added: 0,
            removed: 0, largest: [], outputChange: nil)

        var removedIndex = [Int32](repeating: -1, count: a.count)
        removed = []
        for position in 0..<a.count where partnerInB[position] < 0 {
            removedIndex[position] = Int32(removed.count)
            removed.append(Removed(
                nameNumber: Int32(a.nameNumber(at: position)), label: a.label(at: position),
                op: a.isOp(at: position) ? a.opName(at: position) : "", isOp: a.isOp(at: position), kind: a.kind(at: position),
                data: a.data(at: position), grad: a.grad(at: position)))
        }
        func endInA(_ position: Int) -> End {
            partnerInB[position] >= 0 ? .node(partnerInB[position]) : .removed(removedIndex[position])
        }

        var changes: [DifferenceSummary.NumberChange] = []
        for position in 0..<b.count {
            let edges = b.operandRange(of: position)
            guard partnerInA[position] >= 0 else {
                marks[position] = .added
                for edge in edges { edgesOnlyInB.insert(Int32(edge)) }
                continue
            }
            let partner = Int(partnerInA[position])
            var mark: Marks = []
            if b.operation(at: position) != a.operation(at: partner) || b.isOp(at: position) != a.isOp(at: partner) {
                mark.insert(.opChanged)
                opsInA[Int32(position)] = a.isOp(at: partner) ? a.opName(at: partner) : ""
            }
            if b.label(at: position) != a.label(at: partner) {
                mark.insert(.renamed)
                labelsInA[Int32(position)] = a.label(at: partner)
            }
            // The edges into the node: those whose operands are each other's stay, for `+` and
            // `*` in any order.
            let operandsInA = Array(a.operands(of: partner))
            let mapped = edges.map { partnerInA[Int(b.operandList[$0])] >= 0 ? Int(partnerInA[Int(b.operandList[$0])]) : nil }
            let kept: [Int?]
            if b.isCommutative(at: position) && a.isCommutative(at: partner) {
                kept = firstEqual(mapped, operandsInA.map { Optional($0) })
            } else {
                kept = mapped.indices.map { $0 < operandsInA.count && mapped[$0] == operandsInA[$0] ? $0 : nil }
            }
            var leftInA = [Bool](repeating: true, count: operandsInA.count)
            for (edge, k) in zip(edges, kept) {
                if let k { leftInA[k] = false } else { edgesOnlyInB.insert(Int32(edge)) }
            }
            for (operand, left) in zip(operandsInA, leftInA) where left {
                edgesOnlyInA.append(Edge(from: endInA(operand), to: .node(Int32(position))))
            }
            if leftInA.contains(true) || kept.contains(where: { $0 == nil }) { mark.insert(.rewired) }
            let data = b.data(at: position), before = a.data(at: partner)
            var numbers: [(DifferenceSummary.NumberChange.Quantity, Double, Double)] = []
            if Self.differs(before, data, tolerance: tolerance) { numbers.append((.data, before, data)) }
            if comparesGrads, case let (g, h) = (a.grads[partner], b.grads[position]), Self.differs(g, h, tolerance: tolerance) {
                numbers.append((.grad, g, h))
            }
            if !numbers.isEmpty {
                mark.insert(.numbersChanged)
                let largest = numbers.max { Self.relativeChange($0.1, $0.2) < Self.relativeChange($1.1, $1.2) }!
                changes.append(DifferenceSummary.NumberChange(
                    position: position, id: NodeNames.value(at: b.nameNumber(at: position)), label: b.label(at: position),
                    op: b.isOp(at: position) ? b.opName(at: position) : "", quantity: largest.0, before: largest.1,
                    after: largest.2, relative: Self.relativeChange(largest.1, largest.2)))
            }
            marks[position] = mark
        }
        // A's edges into its removed nodes.
        for position in 0..<a.count where partnerInB[position] < 0 {
            for operand in a.operands(of: position) {
                edgesOnlyInA.append(Edge(from: endInA(operand), to: .removed(removedIndex[position])))
            }
        }

        summary.matched = partnerInA.count { $0 >= 0 }
        summary.added = b.count - summary.matched
        summary.removed = removed.count
        summary.changed = marks.count { $0.contains(.numbersChanged) }
        summary.opsChanged = marks.count { $0.contains(.opChanged) }
        summary.renamed = marks.count { $0.contains(.renamed) }
        summary.rewired = marks.count { $0.contains(.rewired) }
        // Largest first; equal changes by the size of the change, then in B's order.
        changes.sort { x, y in
            if x.relative != y.relative { return x.relative > y.relative }
            let dx = abs(x.after - x.before), dy = abs(y.after - y.before)
            if dx != dy && !(dx.isNaN || dy.isNaN) { return dx > dy }
            return x.position < y.position
        }
        summary.largest = Array(changes.prefix(DifferenceSummary.largestShown))
        if b.output >= 0, partnerInA[b.output] >= 0 {
            let partner = Int(partnerInA[b.output])
            summary.outputChange = DifferenceSummary.OutputChange(
                id: NodeNames.value(at: b.nameNumber(at: b.output)), label: b.label(at: b.output),
                idInA: NodeNames.value(at: a.nameNumber(at: partner)),
                data: .init(before: a.data(at: partner), after: b.data(at: b.output)),
                grad: comparesGrads ? .init(before: a.grads[partner], after: b.grads[b.output]) : nil)
        }
    }
}

extension Comparison {
    /// The comparison of a part of its difference: the nodes `kept` (ascending positions),
    /// at `newPosition`; B's edges that A lacks at their new indices; and the removed nodes
    /// `keptRemoved` says (none without it), with A's edges between what is kept.
    func keeping(
        _ kept: [Int], newPosition: (Int32) -> Int32?, edgesOnlyInB: Set<Int32>, keptRemoved: [Bool]?
    ) -> Comparison {
        var part = self
        part.counterparts = kept.map { counterparts[$0] }
        part.marks = kept.map { marks[$0] }
        part.dataInA = kept.map { dataInA[$0] }
        part.gradsInA = gradsInA.isEmpty ? [] : kept.map { gradsInA[$0] }
        part.opsInA = [:]
        for (position, op) in opsInA { if let moved = newPosition(position) { part.opsInA[moved] = op } }
        part.labelsInA = [:]
        for (position, label) in labelsInA { if let moved = newPosition(position) { part.labelsInA[moved] = label } }
        part.edgesOnlyInB = edgesOnlyInB
        let keep = keptRemoved ?? [Bool](repeating: false, count: removed.count)
        var newIndex = [Int32](repeating: -1, count: removed.count)
        part.removed = []
        for (index, node) in removed.enumerated() where keep[index] {
            newIndex[index] = Int32(part.removed.count)
            part.removed.append(node)
        }
        func moved(_ end: End) -> End? {
            switch end {
            case .node(let position): return newPosition(position).map(End.node)
            case .removed(let index): return newIndex[Int(index)] >= 0 ? .removed(newIndex[Int(index)]) : nil
            }
        }
        part.edgesOnlyInA = edgesOnlyInA.compactMap { edge in
            guard let from = moved(edge.from), let to = moved(edge.to) else { return nil }
            return Edge(from: from, to: to)
        }
        return part
    }

    /// Equal when every number is the same bits (any NaN equals any NaN, as in `Diagram`'s ==).
    package static func == (x: Comparison, y: Comparison) -> Bool {
        func sameBits(_ p: [Double], _ q: [Double]) -> Bool {
            p.elementsEqual(q) { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
        }
        return x.tolerance == y.tolerance && x.titleOfA == y.titleOfA && x.nodesInA == y.nodesInA && x.outputOfA == y.outputOfA
            && x.counterparts == y.counterparts && x.marks == y.marks && sameBits(x.dataInA, y.dataInA)
            && sameBits(x.gradsInA, y.gradsInA) && x.opsInA == y.opsInA && x.labelsInA == y.labelsInA
            && x.removed.count == y.removed.count
            && zip(x.removed, y.removed).allSatisfy { p, q in
                p.nameNumber == q.nameNumber && p.label == q.label && p.op == q.op && p.isOp == q.isOp && p.kind == q.kind
                    && sameBits([p.data, p.grad ?? 0], [q.data, q.grad ?? 0]) && (p.grad == nil) == (q.grad == nil)
            }
            && x.edgesOnlyInA == y.edgesOnlyInA && x.edgesOnlyInB == y.edgesOnlyInB && x.summary == y.summary
    }
}
