import Micrograd

/// The kind of a drawn node, as the JSON dump names it.
public enum NodeKind: String, Sendable, CaseIterable {
    /// A labelled leaf.
    case input
    /// An unlabelled leaf: a number that met a Value.
    case constant
    /// A model's weight or bias.
    case parameter
    /// A node produced by an op.
    case op

    /// `rawValue`, as the exporters write it.
    var name: StaticString {
        switch self {
        case .input: return "input"
        case .constant: return "constant"
        case .parameter: return "parameter"
        case .op: return "op"
        }
    }
}

/// A graph ready to draw or dump: the nodes that reach one output, each with its op, data,
/// grad, label and operands, and a tree of groups (a model's calls, layers and neurons, or
/// groups a user named) that nodes belong to.
///
/// A Diagram is a value: it owns every number it shows, copied from an engine graph when it
/// is made (`Diagram.capturing(output:title:withGrad:problems:)`) or read from a dump, so
/// changing or freeing the graph afterwards changes nothing drawn. Collapse, focus, the
/// ledger and every exporter read only the Diagram. A program reads one from a drawing
/// (MgvizKit's `Drawing.diagram`): its `nodes`, `title` and `output`.
///
/// Storage is a column per field, about 30 bytes a node; what only some nodes have (labels,
/// exponents, what a check found, a folded group's words) is in tables of their own.
/// `nodes[i]` makes a `Node` of it all when it is read.
public struct Diagram: Sendable {
    /// One node as the diagram shows it, made when `nodes[i]` is read.
    public struct Node: Sendable {
        /// `n0`, `n1`, …: the position in `nodes`, or, once focused, in the whole diagram's.
        public var id: String
        /// The Value's label; empty for none.
        public var label: String
        /// micrograd's `_op`; empty for leaves.
        public var op: String
        /// Input, constant, parameter or op: what the node's fill says under `Coloring.kind`.
        public var kind: NodeKind
        /// The Value's data when the diagram was made.
        public var data: Double
        /// nil when backward was not run.
        public var grad: Double?
        /// Positions in `nodes`, one per use: `a * a` lists a twice.
        public var operands: [Int]
        /// What a check found wrong here, drawn in red with the value it wanted.
        package var problems: [Problem] = []
        /// The innermost group the node belongs to, or, for a folded node, the group it stands for.
        package var group: Group?
        /// What each operand's edge says besides its direction, in operand order.
        package var edgeNotes: [EdgeNote?] = []
        /// For a folded node: what it draws besides its label and op.
        package var fold: FoldText?
    }

    /// The nodes, operands before results: a collection whose elements are made as they are read.
    public struct Nodes: RandomAccessCollection, Sendable {
        public typealias Indices = Range<Int>
        let diagram: Diagram
        public var startIndex: Int { 0 }
        public var endIndex: Int { diagram.count }
        public subscript(position: Int) -> Node { diagram.node(at: position) }
    }

    /// A set of nodes that belong together: one application of a model (a call), a layer of
    /// it, a neuron of a layer, or a group a user named. Groups nest: a neuron's parent is
    /// its layer.
    package struct Group: Sendable, Hashable {
        package enum Kind: String, Sendable, CaseIterable {
            case call, layer, neuron, named
        }

        package var kind: Kind
        /// As drawn: `L1 N3`, `L2`.
        package var name: String
        /// The group this one is in, as a position in `groups`.
        package var parent: Int?
        /// A layer's or a neuron's number, 1-based (`L1 N3` is neuron 3 of layer 1); 0 where
        /// the kind has none.
        package var number: Int

        package init(kind: Kind, name: String, parent: Int?, number: Int) {
            self.kind = kind
            self.name = name
            self.parent = parent
            self.number = number
        }
    }

    /// A wrong number on a node and what it should have been: `expected grad 0.0418`.
    package struct Problem: Sendable, Equatable {
        package enum Kind: Sendable, Equatable {
            /// The central difference disagrees with backward's grad.
            case numericGrad
            /// A spec's `expect` gives another grad.
            case expectedGrad
            /// A spec's `expect` gives another output.
            case expectedData

            /// The words drawn before the number.
            package var label: String {
                switch self {
                case .numericGrad: return "numeric grad"
                case .expectedGrad: return "expected grad"
                case .expectedData: return "expected data"
                }
            }
        }

        package var kind: Kind
        /// The number the check wanted.
        package var value: Double

        package init(_ kind: Kind, _ value: Double) {
            self.kind = kind
            self.value = value
        }
    }

    /// What made a node, spelled as micrograd's `_op`.
    package enum Operation: Sendable, Hashable {
        case leaf
        /// `+`, `*`, `**` (a Value exponent), `exp`, `ReLU`, …: any engine op but `.power`.
        case op(Op)
        /// `**2`: an integer literal exponent.
        case integerPower(Int)
        /// `**2.0`, `**0.5`: a float literal exponent.
        case floatPower(Double)
        /// The sum of any number of operands: what a chain of `+` nodes folds into.
        case sum
        /// A group drawn as one node, and what it computes: `ReLU(Σwx+b)`.
        case folded(String)

        /// micrograd's `_op`: the literal as Python prints it for `**k`.
        package var name: String {
            switch self {
            case .leaf: return ""
            case .op(let op): return op.name
            case .integerPower(let k): return "**" + String(k)
            case .floatPower(let k): return "**" + pythonRepr(k)
            case .sum: return "Σ"
            case .folded(let text): return text
            }
        }

        /// The engine op, and the constant exponent of `**k`; nil for a folded group.
        package var engineOp: (op: Op, exponent: Double)? {
            switch self {
            case .leaf: return (.leaf, 0)
            case .op(let op): return (op, 0)
            case .integerPower(let k): return (.power, Double(k))
            case .floatPower(let k): return (.power, k)
            case .sum, .folded: return nil
            }
        }

        /// How many operands an engine op takes; nil for a folded group, which takes any.
        package var arity: Int? {
            switch self {
            case .leaf: return 0
            case .op(let op): return op.isBinary ? 2 : 1
            case .integerPower, .floatPower: return 1
            case .sum, .folded: return nil
            }
        }

        /// The engine operation `name` spells as micrograd's `_op` does, or nil if the engine
        /// has none spelled so: `**02` is not `**2`, and a folded group is no engine op.
        package init?(engineName name: String) {
            if name.isEmpty { self = .leaf; return }
            if name.hasPrefix("**") && name != "**" {
                let literal = String(name.dropFirst(2))
                if let k = Int(literal), String(k) == literal {
                    self = .integerPower(k)
                } else if let k = Double(literal), k.isFinite, pythonRepr(k) == literal {
                    self = .floatPower(k)
                } else {
                    return nil
                }
                return
            }
            guard let op = Op.allCases.first(where: { $0 != .leaf && $0 != .power && $0.name == name }) else { return nil }
            self = .op(op)
        }

        /// The ops a dump may name, as an error lists them.
        package static let engineNames = "+, *, ** (a Value exponent), **k (k an int or float literal, as Python prints it), "
            + Op.allCases.filter { !$0.isBinary && $0 != .leaf && $0 != .power }.map(\.name).joined(separator: ", ")
    }

    /// Drawn above the diagram.
    public internal(set) var title: String?
    /// The nodes that reach the output, operands before results.
    public var nodes: Nodes { Nodes(diagram: self) }
    /// The output's position in `nodes`: the last, or -1 when a focus left it out.
    public internal(set) var output: Int
    /// Set when this is a part of a bigger diagram, cut out by `focusing(on:depth:)`.
    package internal(set) var focus: Focus?
    /// The groups that nodes belong to; a group's parent comes before it.
    package internal(set) var groups: [Group]
    /// Whether the nodes carry grads: false when backward was not run.
    public private(set) var showsGrads: Bool
    /// Set when this draws one example of a batch inside a plate (see `plate(showing:)`).
    package internal(set) var plate: Plate?
    /// How far the model's groups were folded, when they were (see `collapsing(_:)`).
    package var collapseLevel: CollapseLevel?
    /// Set when this is a difference: B compared with an earlier diagram, A (see
    /// `difference(from:tolerance:)`).
    package internal(set) var comparison: Comparison?

    /// What an edge says besides its direction.
    package enum EdgeNote: Sendable, Equatable {
        /// What the use adds to its operand's grad in backward: drawn on an edge from a shared
        /// node into a plate, it is the shown example's share of the operand's grad.
        case contribution(Double)
        /// The edge carries one example's term of a sum over this many.
        case sumOverExamples(Int)
    }

    /// Each node's op: `Op.rawValue`, or `Diagram.foldedCode`; `**k`'s exponent is in `powers`.
    var codes: [UInt8]
    var kinds: [NodeKind]
    var data: [Double]
    /// Empty when `showsGrads` is false.
    var grads: [Double]
    /// Node i's operands are `operandList[operandStart[i]..<operandStart[i + 1]]`.
    var operandStart: [Int32]
    var operandList: [Int32]
    var labels: [Int32: String]
    /// The exponent of each `**k` node, as `.integerPower` or `.floatPower`.
    var powers: [Int32: Operation]
    /// What each folded node computes, as drawn.
    var foldedOps: [Int32: String]
    /// The nodes of the base diagram that each folded node stands for, as positions there.
    var foldedMembers: [Int32: [Int32]]
    /// What folded nodes draw besides their label and op.
    var foldTexts: [Int32: FoldText]
    /// What each folded node adds to each operand's grad, in its operands' order.
    var foldUses: [Int32: [FoldUse]]
    /// Each node's innermost group, as a position in `groups`, or -1; empty when no node has one.
    var groupOf: [Int32]
    /// What checks found wrong, by position.
    var problemsAt: [Int32: [Problem]]
    /// Notes on edges, by the edge's index in `operandList`.
    var edgeNotes: [Int32: EdgeNote]
    /// The number in each node's name, when it is not the node's position: a focused part
    /// keeps the whole diagram's names.
    var nameNumbers: [Int32]?
    /// The name each node of a focused part has in the whole diagram (`ValueNames`): an
    /// expression's operands may lie beyond the focus.
    var keptNames: [String]?
    /// Each node's position in the diagram this one was collapsed or focused from, when it
    /// was; the whole diagram's for a part of a part.
    package internal(set) var basePositions: [Int32]?

    /// The code of a folded group's node, and of a sum of any number of operands: no engine
    /// op has them.
    static let foldedCode: UInt8 = 0xFF
    static let sumCode: UInt8 = 0xFE

    /// An empty diagram, to which `append` adds nodes in order.
    package init(title: String?, showsGrads: Bool, capacity: Int = 0) {
        self.title = title
        self.showsGrads = showsGrads
        output = -1
        focus = nil
        plate = nil
        collapseLevel = nil
        comparison = nil
        groups = []
        codes = []
        kinds = []
        data = []
        grads = []
        operandStart = [0]
        operandList = []
        labels = [:]
        powers = [:]
        foldedOps = [:]
        foldedMembers = [:]
        foldTexts = [:]
        foldUses = [:]
        groupOf = []
        problemsAt = [:]
        edgeNotes = [:]
        nameNumbers = nil
        keptNames = nil
        basePositions = nil
        codes.reserveCapacity(capacity)
        kinds.reserveCapacity(capacity)
        data.reserveCapacity(capacity)
        if showsGrads { grads.reserveCapacity(capacity) }
        operandStart.reserveCapacity(capacity + 1)
        operandList.reserveCapacity(2 * capacity)
    }

    /// The same diagram without its grads: what is drawn when backward's results are not shown.
    package func withoutGrads() -> Diagram {
        var copy = self
        copy.showsGrads = false
        copy.grads = []
        return copy
    }

    /// Adds a node after the others; its operands must be earlier positions. Returns its position.
    @discardableResult
    package mutating func append(
        _ operation: Operation, kind: NodeKind, label: String?, data value: Double, grad: Double,
        operands: some Sequence<Int32>, group: Int32 = -1
    ) -> Int {
        for operand in operands { appendOperand(operand) }
        return finishNode(operation, kind: kind, label: label, data: value, grad: grad, group: group)
    }

    /// `append` for a node of at most two operands, `lhs` and `rhs` (-1 for none), without a
    /// sequence to walk: a graph of millions is copied out through here.
    @discardableResult
    package mutating func append(
        _ operation: Operation, kind: NodeKind, label: String?, data value: Double, grad: Double, lhs: Int32, rhs: Int32,
        group: Int32 = -1
    ) -> Int {
        if lhs >= 0 { appendOperand(lhs) }
        if rhs >= 0 { appendOperand(rhs) }
        return finishNode(operation, kind: kind, label: label, data: value, grad: grad, group: group)
    }

    /// An operand of the node being appended, an earlier node.
    @inline(__always)
    private mutating func appendOperand(_ operand: Int32) {
        precondition(operand >= 0 && Int(operand) < count, "node \(count)'s operand \(operand) is not an earlier node")
        operandList.append(operand)
    }

    /// Appends the node whose operands were just appended.
    private mutating func finishNode(
        _ operation: Operation, kind: NodeKind, label: String?, data value: Double, grad: Double, group: Int32
    ) -> Int {
        let position = count
        let key = Int32(truncatingIfNeeded: position)
        switch operation {
        case .leaf: codes.append(Op.leaf.rawValue)
        case .op(let op): codes.append(op.rawValue)
        case .integerPower, .floatPower:
            codes.append(Op.power.rawValue)
            powers[key] = operation
        case .sum:
            codes.append(Self.sumCode)
        case .folded(let text):
            codes.append(Self.foldedCode)
            foldedOps[key] = text
        }
        kinds.append(kind)
        data.append(value)
        if showsGrads { grads.append(grad) }
        operandStart.append(Int32(truncatingIfNeeded: operandList.count))
        if let label { labels[key] = label }
        if group >= 0 || !groupOf.isEmpty {
            if groupOf.isEmpty { groupOf = [Int32](repeating: -1, count: position) }
            groupOf.append(group)
        }
        return position
    }

    /// Adds a group; its parent must be added already. Returns its position in `groups`.
    @discardableResult
    package mutating func addGroup(_ group: Group) -> Int32 {
        precondition(group.parent.map { $0 >= 0 && $0 < groups.count } ?? true, "a group's parent is added before it")
        groups.append(group)
        return Int32(groups.count - 1)
    }

    /// Drops the groups that hold no node, directly or through a group inside them; the
    /// others keep their order.
    package mutating func removeEmptyGroups() {
        var used = [Bool](repeating: false, count: groups.count)
        for group in groupOf where group >= 0 {
            var next: Int? = Int(group)
            while let index = next, !used[index] {
                used[index] = true
                next = groups[index].parent
            }
        }
        guard used.contains(false) else { return }
        var newIndex = [Int32](repeating: -1, count: groups.count)
        var kept: [Group] = []
        for (index, group) in groups.enumerated() where used[index] {
            newIndex[index] = Int32(kept.count)
            var group = group
            group.parent = group.parent.map { Int(newIndex[$0]) }
            kept.append(group)
        }
        groups = kept
        if kept.isEmpty {
            groupOf = []
        } else {
            for position in groupOf.indices where groupOf[position] >= 0 { groupOf[position] = newIndex[Int(groupOf[position])] }
        }
    }

    /// Makes this diagram the plate of a batch, as a dump says it is, and notes its edges.
    package mutating func setPlate(_ plate: Plate) {
        precondition(plate.members.allSatisfy { $0 >= 0 && Int($0) < count }, "a plate's members are nodes")
        self.plate = plate
        notePlateEdges()
    }

    /// Sets what the folded node at `position` draws besides its label and op, and what it
    /// adds to its operands' grads.
    package mutating func setFold(_ text: FoldText, uses: [FoldUse]?, at position: Int) {
        foldTexts[Int32(position)] = text
        if let uses { foldUses[Int32(position)] = uses }
    }

    /// Marks the node at `position` with what a check found wrong there.
    package mutating func setProblems(_ problems: [Problem], at position: Int) {
        problemsAt[Int32(position)] = problems.isEmpty ? nil : problems
    }

    /// Sets which node is the output.
    package mutating func setOutput(_ position: Int) {
        precondition(position >= -1 && position < count, "the output \(position) is not a node")
        output = position
    }

    // MARK: reading one node; the exporters read through these, which make no objects

    package var count: Int { codes.count }

    func data(at position: Int) -> Double { data[position] }

    func grad(at position: Int) -> Double? { showsGrads ? grads[position] : nil }

    /// The label, or "" for none.
    package func label(at position: Int) -> String { labels.isEmpty ? "" : labels[Int32(position)] ?? "" }

    package func kind(at position: Int) -> NodeKind { kinds[position] }

    /// Whether the node is an op's result (or a folded group that computes something), drawn
    /// with an ellipse for its op; a folded group of leaves (a model's parameters) is not.
    package func isOp(at position: Int) -> Bool {
        let code = codes[position]
        return code != Op.leaf.rawValue && !(code == Self.foldedCode && foldedOps[Int32(position)]?.isEmpty == true)
    }

    /// Whether the node stands for a whole group, folded.
    package func isFolded(at position: Int) -> Bool { codes[position] == Self.foldedCode }

    /// What made the node.
    package func operation(at position: Int) -> Operation {
        let code = codes[position]
        if code == Self.foldedCode { return .folded(foldedOps[Int32(position)] ?? "") }
        if code == Self.sumCode { return .sum }
        let op = Op(rawValue: code)!
        if op == .power { return powers[Int32(position)]! }
        return op == .leaf ? .leaf : .op(op)
    }

    /// The engine op of an engine node; nil for a folded one.
    func engineOp(at position: Int) -> Op? {
        let code = codes[position]
        return code == Self.foldedCode || code == Self.sumCode ? nil : Op(rawValue: code)
    }

    /// micrograd's `_op`; empty for leaves.
    func opName(at position: Int) -> String {
        let code = codes[position]
        if code == Op.leaf.rawValue { return "" }
        if code == Op.power.rawValue || code == Self.foldedCode || code == Self.sumCode { return operation(at: position).name }
        return Op(rawValue: code)!.name
    }

    /// The number in the node's name: `n` and this number.
    package func nameNumber(at position: Int) -> Int {
        if let nameNumbers { return Int(nameNumbers[position]) }
        return position
    }

    /// Positions in `operandList` of the node's operands.
    func operandRange(of position: Int) -> Range<Int> { Int(operandStart[position])..<Int(operandStart[position + 1]) }

    /// The node's operands, as positions.
    func operands(of position: Int) -> Operands {
        Operands(list: operandList[operandRange(of: position)])
    }

    /// A node's operands, as positions: a view of the operand list that holds that list
    /// alone, not the whole diagram, so that walking millions of nodes copies nothing.
    struct Operands: RandomAccessCollection {
        let list: ArraySlice<Int32>
        var startIndex: Int { list.startIndex }
        var endIndex: Int { list.endIndex }
        subscript(index: Int) -> Int { Int(list[index]) }
    }

    func problems(at position: Int) -> [Problem] { problemsAt.isEmpty ? [] : problemsAt[Int32(position)] ?? [] }

    /// The innermost group of the node, or the group a folded node stands for, as a position in `groups`.
    package func groupIndex(at position: Int) -> Int? {
        guard !groupOf.isEmpty else { return nil }
        let index = groupOf[position]
        return index >= 0 ? Int(index) : nil
    }

    /// The neuron the node belongs to, or stands for when folded.
    func neuron(at position: Int) -> Group? {
        guard let index = groupIndex(at: position), groups[index].kind == .neuron else { return nil }
        return groups[index]
    }

    /// A neuron's layer number, from its parent group.
    func layerNumber(of neuron: Group) -> Int { neuron.parent.map { groups[$0].number } ?? 0 }

    /// How many edges go into op nodes: one per operand use, as backward's contributions are.
    public var edgeCount: Int { operandList.count }

    /// Whether some node belongs to a model's neuron, so that `collapsingNeurons()` has work.
    package var hasNeurons: Bool { !groupOf.isEmpty && groups.contains { $0.kind == .neuron } }

    /// Whether some node is a group folded into one.
    package var hasFoldedGroups: Bool { !foldedOps.isEmpty }

    /// Whether the JSON dump needs version 2: groups other than a model's layers and neurons
    /// (a batch's calls, a user's), a plate, or a collapse past neurons.
    var needsVersion2: Bool {
        plate != nil || groups.contains { $0.kind == .call || $0.kind == .named }
            || (collapseLevel != nil && collapseLevel != .neurons)
    }

    func node(at position: Int) -> Node {
        precondition(position >= 0 && position < count, "node \(position) is not in this diagram of \(count)")
        return Node(
            id: NodeNames.value(at: nameNumber(at: position)), label: label(at: position), op: opName(at: position),
            kind: kinds[position], data: data[position], grad: grad(at: position),
            operands: Array(operands(of: position)), problems: problems(at: position),
            group: groupIndex(at: position).map { groups[$0] },
            edgeNotes: operandRange(of: position).map { edgeNotes.isEmpty ? nil : edgeNotes[Int32($0)] },
            fold: foldTexts.isEmpty ? nil : foldTexts[Int32(position)])
    }

    // MARK: making parts of a diagram

    /// A diagram of some of these nodes, with their operands given anew as positions among
    /// them: `kept` ascending, `operands(i, append)` appending the kept node i's operands,
    /// each with the index in `operandList` of the edge it was, if it was one, so that the
    /// edge keeps its note. Every column and table follows its nodes, a plate keeps the
    /// members kept, and each kept node remembers its position in the base diagram; names,
    /// output and focus are left to the caller. A difference keeps its comparison for the
    /// nodes kept, and the removed nodes `keptRemoved` says: none without it (a focus says
    /// which; views that fold or cut examples are made before graphs are compared).
    func keeping(_ kept: [Int], keptRemoved: [Bool]? = nil, operands: (Int, (Int32, Int?) -> Void) -> Void) -> Diagram {
        var part = Diagram(title: title, showsGrads: showsGrads, capacity: kept.count)
        part.groups = groups
        part.collapseLevel = collapseLevel
        part.nameNumbers = nameNumbers
        part.keptNames = keptNames.map { names in kept.map { names[$0] } }
        part.output = -1
        var newPosition: [Int32: Int32] = [:]
        let sparse = !problemsAt.isEmpty || plate != nil || !foldedMembers.isEmpty || !foldTexts.isEmpty || !foldUses.isEmpty
            || comparison != nil
        var list: [Int32] = []
        // For a difference: B's edges that A lacks, at their new indices.
        var edgesOnlyInB = Set<Int32>()
        for (position, index) in kept.enumerated() {
            list.removeAll(keepingCapacity: true)
            operands(index) { operand, edge in
                if let edge, let note = edgeNotes[Int32(edge)] {
                    part.edgeNotes[Int32(part.operandList.count + list.count)] = note
                }
                if let edge, comparison?.edgesOnlyInB.contains(Int32(edge)) == true {
                    edgesOnlyInB.insert(Int32(part.operandList.count + list.count))
                }
                list.append(operand)
            }
            part.append(
                operation(at: index), kind: kinds[index], label: labels.isEmpty ? nil : labels[Int32(index)],
                data: data[index], grad: showsGrads ? grads[index] : 0, operands: list,
                group: groupOf.isEmpty ? -1 : groupOf[index])
            if sparse { newPosition[Int32(index)] = Int32(position) }
        }
        for (index, list) in problemsAt {
            if let position = newPosition[index] { part.problemsAt[position] = list }
        }
        for (index, members) in foldedMembers {
            if let position = newPosition[index] { part.foldedMembers[position] = members }
        }
        for (index, text) in foldTexts {
            if let position = newPosition[index] { part.foldTexts[position] = text }
        }
        for (index, uses) in foldUses {
            if let position = newPosition[index] { part.foldUses[position] = uses }
        }
        if let plate { part.plate = plate.keeping { newPosition[$0] } }
        part.comparison = comparison?.keeping(
            kept, newPosition: { newPosition[$0] }, edgesOnlyInB: edgesOnlyInB, keptRemoved: keptRemoved)
        if part.groupOf.contains(where: { $0 >= 0 }) == false { part.groupOf = [] }
        part.basePositions = kept.map { index in basePositions.map { $0[index] } ?? Int32(index) }
        return part
    }
}

extension Plate {
    /// The plate of a part of its diagram: the members kept, at their new positions
    /// (`newPosition` is nil for a member not kept), each with every example's numbers.
    func keeping(_ newPosition: (Int32) -> Int32?) -> Plate? {
        var part = self
        part.members = []
        part.labels = [:]
        var columns: [Int] = []
        for (m, member) in members.enumerated() {
            guard let position = newPosition(member) else { continue }
            if let labels = labels[Int32(m)] { part.labels[Int32(part.members.count)] = labels }
            part.members.append(position)
            columns.append(m)
        }
        guard !columns.isEmpty else { return nil }
        func table(_ values: [Double]) -> [Double] {
            values.isEmpty ? [] : (0..<count).flatMap { example in columns.map { values[example * members.count + $0] } }
        }
        part.data = table(data)
        part.grads = table(grads)
        return part
    }
}

/// The results that use each node of a diagram, one per operand use, in node order: the
/// operand lists turned around, in one flat array (compressed rows), in O(nodes + edges).
struct Results {
    private var start: [Int32]
    private var list: [Int32]

    init(of diagram: Diagram) {
        let count = diagram.count
        start = [Int32](repeating: 0, count: count + 1)
        for operand in diagram.operandList { start[Int(operand) + 1] += 1 }
        for index in 0..<count { start[index + 1] += start[index] }
        list = [Int32](repeating: 0, count: Int(start[count]))
        var filled = start
        for index in 0..<count {
            for operand in diagram.operands(of: index) {
                list[Int(filled[operand])] = Int32(index)
                filled[operand] += 1
            }
        }
    }

    /// The results of the node at `position`, ascending.
    subscript(position: Int) -> ArraySlice<Int32> { list[Int(start[position])..<Int(start[position + 1])] }
}

/// Which engine nodes a diagram was copied from, by position: what a caller that holds the
/// graph needs to find a Value in the diagram.
package enum ValueIDs: Sendable {
    /// Every id in the range: a graph whose every node reaches the output.
    case range(Range<Int32>)
    /// Ascending.
    case list([Int32])

    package var count: Int {
        switch self {
        case .range(let range): return range.count
        case .list(let ids): return ids.count
        }
    }

    package subscript(position: Int) -> Int32 {
        switch self {
        case .range(let range):
            precondition(position >= 0 && position < range.count, "position \(position) is not in this diagram")
            return range.lowerBound + Int32(position)
        case .list(let ids): return ids[position]
        }
    }

    package func position(of id: Int32) -> Int? {
        switch self {
        case .range(let range): return range.contains(id) ? Int(id - range.lowerBound) : nil
        case .list(let ids):
            var low = 0, high = ids.count
            while low < high {
                let mid = (low + high) / 2
                if ids[mid] < id { low = mid + 1 } else { high = mid }
            }
            return low < ids.count && ids[low] == id ? low : nil
        }
    }
}

/// Two diagrams are equal when they draw and dump alike: the same nodes with the same
/// numbers (bit for bit, so -0 is not +0, but any NaN equals any NaN, as a dump spells every
/// NaN alike), labels, ops, operands, groups and marks, and the same names and output.
extension Diagram: Equatable {
    public static func == (a: Diagram, b: Diagram) -> Bool {
        func sameBits(_ x: [Double], _ y: [Double]) -> Bool {
            x.elementsEqual(y) { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
        }
        return a.title == b.title && a.output == b.output && a.focus == b.focus && a.groups == b.groups
            && a.showsGrads == b.showsGrads && a.codes == b.codes && a.kinds == b.kinds && sameBits(a.data, b.data)
            && sameBits(a.grads, b.grads) && a.operandStart == b.operandStart && a.operandList == b.operandList
            && a.labels == b.labels && a.powers == b.powers && a.foldedOps == b.foldedOps
            && a.foldedMembers == b.foldedMembers && a.foldTexts == b.foldTexts && a.foldUses == b.foldUses && a.groupOf == b.groupOf
            && a.problemsAt == b.problemsAt && a.edgeNotes == b.edgeNotes && a.plate == b.plate && a.collapseLevel == b.collapseLevel
            && a.nameNumbers == b.nameNumbers && a.keptNames == b.keptNames && a.basePositions == b.basePositions
            && a.comparison == b.comparison
    }
}
