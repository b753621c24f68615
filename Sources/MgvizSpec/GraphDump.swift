import Micrograd
import MgvizExport

/// An `mgviz-graph` document: a graph as `mgviz -o graph.json` dumps it, or as another
/// producer (the Python bridge) writes it. Version 1 groups nodes by a model's neurons
/// (`"cluster": "L1 N3"`); version 2 has a tree of groups (a batch's calls, their layers and
/// neurons), and may hold a plate with every example's numbers, and groups folded into one
/// node. The whole document is validated when it is read, and drawn as given: data, grads,
/// kinds, labels, ops and groups come from the file into a `Diagram`, and nothing is
/// evaluated again.
public struct GraphDump: Sendable {
    package static let format = "mgviz-graph"
    package static let version = 1
    package static let versions = 1...2
    package static let keys = ["format", "version", "title", "output", "nodes", "edges"]
    package static let nodeKeys = ["id", "label", "op", "kind", "data", "grad", "cluster"]
    package static let edgeKeys = ["from", "to"]
    /// Version 2's keys: groups instead of clusters, and what a plate or a collapse adds.
    package static let keys2 = ["format", "version", "title", "output", "groups", "nodes", "edges"]
    package static let optionalKeys2 = ["plate", "collapse"]
    package static let nodeKeys2 = ["id", "label", "op", "kind", "data", "grad", "group"]
    package static let groupKeys = ["id", "kind", "name", "number", "parent"]
    package static let foldKeys = ["lines", "notes", "dead", "uses"]
    package static let plateKeys = ["examples", "shown", "members", "data", "grad", "labels"]

    /// The graph as the file gives it, its neurons as groups, each inside its layer's.
    public let diagram: Diagram

    /// Whether the nodes have grads: a dump made with `--no-backward` has none.
    public var hasGrads: Bool { diagram.showsGrads }

    /// One node as read, before the edges give it its operands.
    private struct Node {
        var id: String
        var label: String
        var operation: Diagram.Operation
        var kind: NodeKind
        var data: Double
        var grad: Double
        var neuron: (layer: Int, neuron: Int)?
        /// Version 2's group, as a position among the groups.
        var group: Int32 = -1
        var fold: (text: Diagram.FoldText, uses: [Diagram.FoldUse]?)? = nil
        var operands: [Int32]

        /// How many operand edges go into it, or nil for a sum or a folded group, which take any.
        var arity: Int? { operation.arity }
    }

    /// `L1 N3`, a neuron's layer and number (1-based), or nil if `text` is not spelled so.
    private static func neuron(named text: String) -> (layer: Int, neuron: Int)? {
        func positive(_ digits: Substring) -> Int? {
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(digits), n > 0 else { return nil }
            return n
        }
        let parts = text.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].first == "L", parts[1].first == "N",
              let layer = positive(parts[0].dropFirst()), let neuron = positive(parts[1].dropFirst())
        else { return nil }
        return (layer, neuron)
    }

    /// A dump from the members of its top-level object, in file order.
    init(members: [(key: String, value: JSONValue)]) throws(SpecError) {
        if let focus = members.first(where: { $0.key == "focus" }) {
            throw SpecError(
                .member(["focus"], focus.value.position),
                "this dump is of a focused part, not the whole graph; dump the whole graph and focus on a part when drawing it")
        }
        let versionValue = members.first { $0.key == "version" }?.value
        let version: Int
        if case .number(let number)? = versionValue?.kind, let whole = Int(exactly: number), GraphDump.versions.contains(whole) {
            version = whole
        } else if versionValue == nil {
            throw SpecError(.document, "missing required key \"version\"")
        } else {
            throw SpecError(
                .member(["version"], versionValue!.position),
                "expected 1 or 2, got \(echo(versionValue!.text)) (this mgviz reads \(GraphDump.format) versions 1 and 2)")
        }
        if version == 1, let collapse = members.first(where: { $0.key == "collapse" }) {
            throw SpecError(
                .member(["collapse"], collapse.value.position),
                "this dump is of a diagram with its neurons collapsed, which are no ops of the engine; dump it without collapsing, and collapse it when drawing it")
        }
        let keys = version == 1 ? GraphDump.keys : GraphDump.keys2
        let present = version == 1 ? members : members.filter { !GraphDump.optionalKeys2.contains($0.key) }
        let object = try DumpObject(present, keys: keys) { key, position in
            key.map { .member([$0], position) } ?? .document
        }
        let format = try object.string("format")
        guard format == GraphDump.format else {
            throw SpecError(.member(["format"], object.position("format")), "unknown format \"\(echo(format))\" (this mgviz reads \"\(GraphDump.format)\")")
        }
        let title = try object.optionalString("title")
        if let title, let problem = Spec.problem(withTitle: title) {
            throw SpecError(.member(["title"], object.position("title")), problem)
        }
        let groups = version == 2 ? try GraphDump.groups(object["groups"]) : []
        var groupPositions: [String: Int32] = [:]
        for (index, group) in groups.enumerated() { groupPositions[group.id] = Int32(index) }
        var collapse: CollapseLevel?
        if version == 2, let value = members.first(where: { $0.key == "collapse" })?.value {
            guard case .string(let text) = value.kind, let level = CollapseLevel(rawValue: text) else {
                throw SpecError(.member(["collapse"], value.position), "expected \"neurons\", \"layers\" or \"calls\", got \(echo(value.text))")
            }
            collapse = level
        }

        let nodesValue = object["nodes"]
        guard case .array(let nodeValues) = nodesValue.kind, !nodeValues.isEmpty else {
            throw SpecError(.member(["nodes"], nodesValue.position), "expected a non-empty array of nodes, got \(nodesValue.typeName)")
        }
        var nodes: [Node] = []
        nodes.reserveCapacity(nodeValues.count)
        var positions: [String: Int32] = [:]
        positions.reserveCapacity(nodeValues.count)
        var grads: Bool?
        for (index, value) in nodeValues.enumerated() {
            let node = try GraphDump.node(
                value, index: index, version: version, groups: groupPositions, folds: collapse != nil, firstHadGrad: &grads)
            if let earlier = positions.updateValue(Int32(index), forKey: node.id) {
                throw SpecError(.dumpNode(index: index, id: node.id, key: "id", value.position), "duplicate id; node \(earlier) has it")
            }
            nodes.append(node)
        }
        let hasGrads = grads ?? true

        let edgesValue = object["edges"]
        guard case .array(let edgeValues) = edgesValue.kind else {
            throw SpecError(.member(["edges"], edgesValue.position), "expected an array of edges, got \(edgesValue.typeName)")
        }
        for (index, value) in edgeValues.enumerated() {
            let edge = try DumpObject(value, keys: GraphDump.edgeKeys) { key, position in
                .dumpEdge(index: index, key: key, position)
            }
            func node(_ key: String) throws(SpecError) -> Int {
                let id = try edge.string(key)
                guard let position = positions[id] else {
                    throw SpecError(.dumpEdge(index: index, key: key, edge.position(key)), "no node has the id \"\(echo(id))\"")
                }
                return Int(position)
            }
            let from = try node("from"), to = try node("to")
            guard from < to else {
                throw SpecError(
                    .dumpEdge(index: index, key: nil, value.position),
                    "goes from \"\(echo(nodes[from].id))\" (node \(from)) to \"\(echo(nodes[to].id))\" (node \(to)), which is not a later node: a dump lists operands before their results, so an edge back is a cycle")
            }
            let arity = nodes[to].arity ?? .max
            guard nodes[to].operands.count < arity else {
                let op = nodes[to].operation == .leaf ? "a leaf, which takes no operands" : "'\(GraphDump.opText(of: nodeValues[to]))', which takes \(arity)"
                throw SpecError(.dumpEdge(index: index, key: nil, value.position), "one edge too many into \"\(echo(nodes[to].id))\": it is \(op)")
            }
            nodes[to].operands.append(Int32(from))
        }
        for (index, node) in nodes.enumerated() {
            guard let arity = node.arity, node.operands.count != arity else { continue }
            throw SpecError(
                .dumpNode(index: index, id: node.id, key: nil, nodeValues[index].position),
                "'\(GraphDump.opText(of: nodeValues[index]))' takes \(arity) operand\(arity == 1 ? "" : "s"), but \(node.operands.count == 1 ? "1 edge goes" : "\(node.operands.count) edges go") into it")
        }

        let outputID = try object.string("output")
        guard let output = positions[outputID] else {
            throw SpecError(.member(["output"], object.position("output")), "no node has the id \"\(echo(outputID))\"")
        }
        // Every node must reach the output: one reverse sweep, as operands come first.
        var reaches = [Bool](repeating: false, count: nodes.count)
        reaches[Int(output)] = true
        for position in stride(from: Int(output), through: 0, by: -1) where reaches[position] {
            for operand in nodes[position].operands { reaches[Int(operand)] = true }
        }
        if let stray = reaches.firstIndex(of: false) {
            throw SpecError(
                .dumpNode(index: stray, id: nodes[stray].id, key: nil, nodeValues[stray].position),
                "does not reach the output \"\(echo(outputID))\"; a dump holds only the nodes its output depends on")
        }
        var diagram = GraphDump.diagram(of: nodes, groups: groups, title: title, hasGrads: hasGrads, output: Int(output))
        if let value = members.first(where: { $0.key == "plate" })?.value, version == 2 {
            try diagram.setPlate(GraphDump.plate(value, positions: positions, hasGrads: hasGrads, count: nodes.count))
        }
        diagram.collapseLevel = collapse
        self.diagram = diagram
    }

    /// Version 2's groups, each checked, its parent an earlier group.
    private static func groups(_ value: JSONValue) throws(SpecError) -> [(id: String, group: Diagram.Group)] {
        guard case .array(let elements) = value.kind else {
            throw SpecError(.member(["groups"], value.position), "expected an array of groups, got \(value.typeName)")
        }
        var groups: [(id: String, group: Diagram.Group)] = []
        var positions: [String: Int] = [:]
        for (index, element) in elements.enumerated() {
            let object = try DumpObject(element, keys: groupKeys) { key, position in .member(["groups", "\(index)"] + (key.map { [$0] } ?? []), position) }
            let id = try object.string("id")
            guard positions[id] == nil else {
                throw SpecError(.member(["groups", "\(index)", "id"], object.position("id")), "duplicate group id \"\(echo(id))\"")
            }
            let kindText = try object.string("kind")
            guard let kind = Diagram.Group.Kind(rawValue: kindText) else {
                throw SpecError(
                    .member(["groups", "\(index)", "kind"], object.position("kind")),
                    "unknown kind \"\(echo(kindText))\" (expected one of: \(Diagram.Group.Kind.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let name = try object.string("name")
            if name.unicodeScalars.count > Spec.maximumNameLength {
                throw SpecError(.member(["groups", "\(index)", "name"], object.position("name")), "the name is over the limit of \(Spec.maximumNameLength) characters")
            }
            guard case .number(let number) = object["number"].kind, let whole = Int(exactly: number), whole >= 0 else {
                throw SpecError(.member(["groups", "\(index)", "number"], object.position("number")), "expected a whole number of 0 or more")
            }
            var parent: Int?
            if let parentID = try object.optionalString("parent") {
                guard let found = positions[parentID] else {
                    throw SpecError(
                        .member(["groups", "\(index)", "parent"], object.position("parent")),
                        "no earlier group has the id \"\(echo(parentID))\": a group's parent comes before it")
                }
                parent = found
            }
            positions[id] = groups.count
            groups.append((id, Diagram.Group(kind: kind, name: name, parent: parent, number: whole)))
        }
        return groups
    }

    /// Version 2's plate: which nodes are the shown example's, and every example's numbers.
    private static func plate(
        _ value: JSONValue, positions: [String: Int32], hasGrads: Bool, count: Int
    ) throws(SpecError) -> Plate {
        let object = try DumpObject(value, keys: plateKeys) { key, position in .member(["plate"] + (key.map { [$0] } ?? []), position) }
        func fail(_ key: String, _ message: String) -> SpecError { SpecError(.member(["plate", key], object.position(key)), message) }
        guard case .number(let examplesNumber) = object["examples"].kind, let examples = Int(exactly: examplesNumber), examples >= 2 else {
            throw fail("examples", "expected a whole number of 2 or more")
        }
        guard case .number(let shownNumber) = object["shown"].kind, let shown = Int(exactly: shownNumber), (0..<examples).contains(shown) else {
            throw fail("shown", "expected an example from 0 to \(examples - 1)")
        }
        guard case .array(let memberValues) = object["members"].kind, !memberValues.isEmpty else {
            throw fail("members", "expected a non-empty array of node ids")
        }
        var members: [Int32] = []
        for element in memberValues {
            guard case .string(let id) = element.kind, let position = positions[id] else {
                throw fail("members", "expected the ids of nodes, got \(echo(element.text))")
            }
            guard members.last.map({ $0 < position }) ?? true else { throw fail("members", "expected nodes in the order of the nodes, each once") }
            members.append(position)
        }
        func table(_ key: String) throws(SpecError) -> [Double] {
            guard case .array(let rows) = object[key].kind, rows.count == examples else {
                throw fail(key, "expected an array of \(examples) rows, one per example")
            }
            var values: [Double] = []
            values.reserveCapacity(examples * members.count)
            for row in rows {
                guard case .array(let cells) = row.kind, cells.count == members.count else {
                    throw fail(key, "expected a row of \(members.count) numbers, one per member")
                }
                for cell in cells {
                    switch cell.kind {
                    case .number(let number): values.append(number)
                    case .string("NaN"): values.append(.nan)
                    case .string("Infinity"): values.append(.infinity)
                    case .string("-Infinity"): values.append(-.infinity)
                    default: throw fail(key, "expected a number, got \(echo(cell.text))")
                    }
                }
            }
            return values
        }
        let data = try table("data")
        var grads: [Double] = []
        if case .null = object["grad"].kind {
            guard !hasGrads else { throw fail("grad", "is null, while the nodes have grads") }
        } else {
            guard hasGrads else { throw fail("grad", "has grads, while the nodes have none") }
            grads = try table("grad")
        }
        guard case .object(let labelMembers) = object["labels"].kind else { throw fail("labels", "expected an object of id: labels") }
        var labels: [Int32: [String]] = [:]
        for (id, list) in labelMembers {
            guard let position = positions[id], let m = members.firstIndex(of: position) else {
                throw fail("labels", "\"\(echo(id))\" is not a member of the plate")
            }
            guard case .array(let names) = list.kind, names.count == examples else {
                throw fail("labels", "expected \(examples) labels for \"\(echo(id))\", one per example")
            }
            var strings: [String] = []
            for name in names {
                guard case .string(let text) = name.kind else { throw fail("labels", "expected a label, got \(echo(name.text))") }
                strings.append(text)
            }
            labels[Int32(m)] = strings
        }
        return Plate(
            count: examples, shown: shown, members: members, data: data, grads: grads, labels: labels, exampleName: "x[\(shown)]")
    }

    /// The nodes as a diagram: version 2's groups as given, or else each neuron a group inside
    /// its layer's, made in the order the file first names them.
    private static func diagram(
        of nodes: [Node], groups: [(id: String, group: Diagram.Group)], title: String?, hasGrads: Bool, output: Int
    ) -> Diagram {
        var diagram = Diagram(title: title, showsGrads: hasGrads, capacity: nodes.count)
        for group in groups { diagram.addGroup(group.group) }
        var layerGroups: [Int: Int32] = [:], neuronGroups: [Int: Int32] = [:]
        for (position, node) in nodes.enumerated() {
            var group = node.group
            if let (layer, neuron) = node.neuron {
                let layerGroup: Int32
                if let known = layerGroups[layer] {
                    layerGroup = known
                } else {
                    layerGroup = diagram.addGroup(Diagram.Group(kind: .layer, name: "L\(layer)", parent: nil, number: layer))
                    layerGroups[layer] = layerGroup
                }
                let key = layer << 32 | neuron
                if let known = neuronGroups[key] {
                    group = known
                } else {
                    group = diagram.addGroup(
                        Diagram.Group(kind: .neuron, name: "L\(layer) N\(neuron)", parent: Int(layerGroup), number: neuron))
                    neuronGroups[key] = group
                }
            }
            diagram.append(
                node.operation, kind: node.kind, label: node.label.isEmpty ? nil : node.label, data: node.data,
                grad: node.grad, operands: node.operands, group: group)
            if let fold = node.fold { diagram.setFold(fold.text, uses: fold.uses, at: position) }
        }
        diagram.setOutput(output)
        return diagram
    }

    /// The op as the node spells it, for messages.
    private static func opText(of value: JSONValue) -> String {
        guard case .object(let members) = value.kind, let op = members.first(where: { $0.key == "op" }),
              case .string(let text) = op.value.kind
        else { return "" }
        return echo(text)
    }

    /// One node, all its members checked. `firstHadGrad` is whether the first node had a
    /// grad: every node has one, or none has.
    private static func node(
        _ value: JSONValue, index: Int, version: Int, groups: [String: Int32], folds: Bool, firstHadGrad: inout Bool?
    ) throws(SpecError) -> Node {
        var id: String?
        func location(_ key: String?, _ position: TextPosition?) -> SpecLocation {
            .dumpNode(index: index, id: id, key: key, position)
        }
        guard case .object(let allMembers) = value.kind else {
            throw SpecError(location(nil, value.position), "expected an object, got \(value.typeName)")
        }
        let foldValue = version == 2 ? allMembers.first { $0.key == "fold" }?.value : nil
        let object = try DumpObject(
            allMembers.filter { foldValue == nil || $0.key != "fold" }, keys: version == 1 ? nodeKeys : nodeKeys2,
            location: { key, position in location(key, position) }, position: value.position)
        id = try object.string("id")
        let label = try object.string("label")
        if label.unicodeScalars.count > Spec.maximumNameLength {
            throw SpecError(
                location("label", object.position("label")),
                "the label is \(label.unicodeScalars.count) characters long, over the limit of \(Spec.maximumNameLength)")
        }
        let opText = try object.string("op")
        var fold: (text: Diagram.FoldText, uses: [Diagram.FoldUse]?)?
        if let foldValue { fold = try GraphDump.fold(foldValue) { key, position in location(key, position) } }
        let operation: Diagram.Operation
        if fold != nil || (folds && Diagram.Operation(engineName: opText) == nil) {
            // A group drawn as one node: what it computes, in words; a model's parameters, none.
            operation = .folded(opText)
        } else if version == 2 && opText == Diagram.Operation.sum.name {
            operation = .sum
        } else if let engine = Diagram.Operation(engineName: opText) {
            operation = engine
        } else {
            throw SpecError(location("op", object.position("op")), "unknown op '\(echo(opText))' (the engine has: \(Diagram.Operation.engineNames))")
        }
        let kindText = try object.string("kind")
        guard let kind = NodeKind(rawValue: kindText) else {
            throw SpecError(
                location("kind", object.position("kind")),
                "unknown kind \"\(echo(kindText))\" (expected one of: \(NodeKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        switch (kind, operation) {
        case (.op, .folded), (.parameter, .folded("")):
            break
        case (.op, .leaf):
            throw SpecError(location("op", object.position("op")), "a node of kind \"op\" needs an op")
        case (.input, .leaf), (.parameter, .leaf):
            break
        case (.constant, .leaf):
            guard label.isEmpty else {
                throw SpecError(location("label", object.position("label")), "a constant is an unlabelled leaf; a labelled one is an \"input\"")
            }
        case (.op, _):
            break
        case (_, _):
            throw SpecError(location("op", object.position("op")), "a node of kind \"\(kind.rawValue)\" is a leaf, and has no op")
        }
        let data = try object.number("data")
        let grad = try object.optionalNumber("grad")
        if let first = firstHadGrad, first != (grad != nil) {
            throw SpecError(
                location("grad", object.position("grad")),
                first ? "is null, while node 0 has a grad: a dump has every grad or none" : "is a number, while node 0's is null: a dump has every grad or none")
        }
        firstHadGrad = grad != nil
        var neuron: (layer: Int, neuron: Int)?
        var group: Int32 = -1
        if version == 1, let clusterText = try object.optionalString("cluster") {
            guard let parsed = GraphDump.neuron(named: clusterText) else {
                throw SpecError(location("cluster", object.position("cluster")), "expected a neuron such as \"L1 N3\" or null, got \"\(echo(clusterText))\"")
            }
            neuron = parsed
        } else if version == 2, let groupID = try object.optionalString("group") {
            guard let found = groups[groupID] else {
                throw SpecError(location("group", object.position("group")), "no group has the id \"\(echo(groupID))\"")
            }
            group = found
        }
        return Node(
            id: id!, label: label, operation: operation, kind: kind, data: data, grad: grad ?? 0, neuron: neuron,
            group: group, fold: fold, operands: [])
    }

    /// A folded node's lines and notes, and whether it is dead.
    private static func fold(
        _ value: JSONValue, location: @escaping (String?, TextPosition?) -> SpecLocation
    ) throws(SpecError) -> (text: Diagram.FoldText, uses: [Diagram.FoldUse]?) {
        let object = try DumpObject(value, keys: foldKeys) { key, position in location(key.map { "fold." + $0 } ?? "fold", position) }
        func strings(_ key: String) throws(SpecError) -> [String] {
            guard case .array(let elements) = object[key].kind else {
                throw SpecError(location("fold." + key, object.position(key)), "expected an array of strings")
            }
            var list: [String] = []
            for element in elements {
                guard case .string(let text) = element.kind else {
                    throw SpecError(location("fold." + key, element.position), "expected a string, got \(element.typeName)")
                }
                list.append(text)
            }
            return list
        }
        let lines: [String]? = if case .null = object["lines"].kind { nil } else { try strings("lines") }
        guard case .bool(let dead) = object["dead"].kind else {
            throw SpecError(location("fold.dead", object.position("dead")), "expected true or false")
        }
        var uses: [Diagram.FoldUse]?
        if case .array(let pairs) = object["uses"].kind {
            uses = []
            for pair in pairs {
                guard case .array(let numbers) = pair.kind, numbers.count == 2,
                      case .number(let local) = numbers[0].kind, case .number(let amount) = numbers[1].kind
                else { throw SpecError(location("fold.uses", pair.position), "expected [local, amount], two numbers") }
                uses!.append(Diagram.FoldUse(local: local, amount: amount))
            }
        } else if case .null = object["uses"].kind {
            uses = nil
        } else {
            throw SpecError(location("fold.uses", object.position("uses")), "expected an array of [local, amount] pairs, or null")
        }
        return (Diagram.FoldText(lines: lines, notes: try strings("notes"), isDead: dead), uses)
    }
}

/// An object of a dump, its members checked against the keys it must have.
/// Its errors are located by `location`, from the key (nil for the whole object) and where.
struct DumpObject {
    let members: [(key: String, value: JSONValue)]
    let location: (String?, TextPosition?) -> SpecLocation

    init(
        _ value: JSONValue, keys: [String], location: @escaping (String?, TextPosition?) -> SpecLocation
    ) throws(SpecError) {
        guard case .object(let members) = value.kind else {
            throw SpecError(location(nil, value.position), "expected an object, got \(value.typeName)")
        }
        try self.init(members, keys: keys, location: location, position: value.position)
    }

    init(
        _ members: [(key: String, value: JSONValue)], keys: [String],
        location: @escaping (String?, TextPosition?) -> SpecLocation, position: TextPosition? = nil
    ) throws(SpecError) {
        // The JSON reader refuses a key given twice.
        for (key, value) in members where !keys.contains(key) {
            throw SpecError(
                location(key, value.position), "unknown key \"\(echo(key))\" (expected one of: \(keys.joined(separator: ", ")))")
        }
        for key in keys where !members.contains(where: { $0.key == key }) {
            throw SpecError(location(nil, position), "missing required key \"\(key)\"")
        }
        self.members = members
        self.location = location
    }

    subscript(key: String) -> JSONValue { members.first { $0.key == key }!.value }

    func position(_ key: String) -> TextPosition { self[key].position }

    private func problem(_ key: String, _ message: String) -> SpecError { SpecError(location(key, position(key)), message) }

    func string(_ key: String) throws(SpecError) -> String {
        guard case .string(let text) = self[key].kind else { throw problem(key, "expected a string, got \(self[key].typeName)") }
        return text
    }

    func optionalString(_ key: String) throws(SpecError) -> String? {
        switch self[key].kind {
        case .null: return nil
        case .string(let text): return text
        default: throw problem(key, "expected a string or null, got \(self[key].typeName)")
        }
    }

    /// A number, or a string JSON has no number for: `"NaN"`, `"Infinity"`, `"-Infinity"`.
    func number(_ key: String) throws(SpecError) -> Double {
        switch self[key].kind {
        case .number(let number): return number
        case .string("NaN"): return .nan
        case .string("Infinity"): return .infinity
        case .string("-Infinity"): return -.infinity
        case .string(let text):
            throw problem(key, "expected a number or \"NaN\", \"Infinity\", \"-Infinity\", got \"\(echo(text))\"")
        default:
            throw problem(key, "expected a number, got \(self[key].typeName)")
        }
    }

    func optionalNumber(_ key: String) throws(SpecError) -> Double? {
        if case .null = self[key].kind { return nil }
        return try number(key)
    }
}

extension JSONValue {
    /// A short rendering of a scalar for messages: `2`, `"two"`, `null`; the type otherwise.
    var text: String {
        switch kind {
        case .number(let number): return number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : "\(number)"
        case .string(let text): return "\"\(text)\""
        case .null: return "null"
        case .bool(let flag): return String(flag)
        case .array, .object: return typeName
        }
    }
}
