import Micrograd
import MgvizExport

/// An `mgviz-graph` document, version 1: a graph as `mgviz -o graph.json` dumps it, or as
/// another producer (the Python bridge) writes it. The whole document is validated when it
/// is read, and drawn as given: data, grads, kinds, labels, ops and neurons come from the
/// file into a `Diagram`, and nothing is evaluated again.
public struct GraphDump: Sendable {
    public static let format = "mgviz-graph"
    public static let version = 1
    public static let keys = ["format", "version", "title", "output", "nodes", "edges"]
    public static let nodeKeys = ["id", "label", "op", "kind", "data", "grad", "cluster"]
    public static let edgeKeys = ["from", "to"]

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
        var operands: [Int32]

        /// How many operand edges go into it: a dump's ops are the engine's.
        var arity: Int { operation.arity ?? 0 }
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
                "this dump is of a focused part, not the whole graph; dump the whole graph and draw it with --focus")
        }
        if let collapse = members.first(where: { $0.key == "collapse" }) {
            throw SpecError(
                .member(["collapse"], collapse.value.position),
                "this dump is of a diagram with its neurons collapsed, which are no ops of the engine; dump it without --collapse and draw that with --collapse neurons")
        }
        let object = try DumpObject(members, keys: GraphDump.keys) { key, position in
            key.map { .member([$0], position) } ?? .document
        }
        let format = try object.string("format")
        guard format == GraphDump.format else {
            throw SpecError(.member(["format"], object.position("format")), "unknown format \"\(echo(format))\" (this mgviz reads \"\(GraphDump.format)\")")
        }
        let versionValue = object["version"]
        guard case .number(let version) = versionValue.kind, version == Double(GraphDump.version) else {
            throw SpecError(
                .member(["version"], versionValue.position),
                "expected \(GraphDump.version), got \(echo(versionValue.text)) (this mgviz reads \(GraphDump.format) version \(GraphDump.version))")
        }
        let title = try object.optionalString("title")
        if let title, let problem = Spec.problem(withTitle: title) {
            throw SpecError(.member(["title"], object.position("title")), problem)
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
            let node = try GraphDump.node(value, index: index, firstHadGrad: &grads)
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
            let arity = nodes[to].arity
            guard nodes[to].operands.count < arity else {
                let op = nodes[to].operation == .leaf ? "a leaf, which takes no operands" : "'\(GraphDump.opText(of: nodeValues[to]))', which takes \(arity)"
                throw SpecError(.dumpEdge(index: index, key: nil, value.position), "one edge too many into \"\(echo(nodes[to].id))\": it is \(op)")
            }
            nodes[to].operands.append(Int32(from))
        }
        for (index, node) in nodes.enumerated() where node.operands.count != node.arity {
            throw SpecError(
                .dumpNode(index: index, id: node.id, key: nil, nodeValues[index].position),
                "'\(GraphDump.opText(of: nodeValues[index]))' takes \(node.arity) operand\(node.arity == 1 ? "" : "s"), but \(node.operands.count == 1 ? "1 edge goes" : "\(node.operands.count) edges go") into it")
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
        diagram = GraphDump.diagram(of: nodes, title: title, hasGrads: hasGrads, output: Int(output))
    }

    /// The nodes as a diagram: each neuron a group inside its layer's, made in the order the
    /// file first names them.
    private static func diagram(of nodes: [Node], title: String?, hasGrads: Bool, output: Int) -> Diagram {
        var diagram = Diagram(title: title, showsGrads: hasGrads, capacity: nodes.count)
        var layerGroups: [Int: Int32] = [:], neuronGroups: [Int: Int32] = [:]
        for node in nodes {
            var group: Int32 = -1
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
    private static func node(_ value: JSONValue, index: Int, firstHadGrad: inout Bool?) throws(SpecError) -> Node {
        var id: String?
        func location(_ key: String?, _ position: TextPosition?) -> SpecLocation {
            .dumpNode(index: index, id: id, key: key, position)
        }
        let object = try DumpObject(value, keys: nodeKeys) { key, position in location(key, position) }
        id = try object.string("id")
        let label = try object.string("label")
        if label.unicodeScalars.count > Spec.maximumNameLength {
            throw SpecError(
                location("label", object.position("label")),
                "the label is \(label.unicodeScalars.count) characters long, over the limit of \(Spec.maximumNameLength)")
        }
        let opText = try object.string("op")
        guard let operation = Diagram.Operation(engineName: opText) else {
            throw SpecError(location("op", object.position("op")), "unknown op '\(echo(opText))' (the engine has: \(Diagram.Operation.engineNames))")
        }
        let kindText = try object.string("kind")
        guard let kind = NodeKind(rawValue: kindText) else {
            throw SpecError(
                location("kind", object.position("kind")),
                "unknown kind \"\(echo(kindText))\" (expected one of: \(NodeKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        switch (kind, operation) {
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
        let clusterText = try object.optionalString("cluster")
        var neuron: (layer: Int, neuron: Int)?
        if let clusterText {
            guard let parsed = GraphDump.neuron(named: clusterText) else {
                throw SpecError(location("cluster", object.position("cluster")), "expected a neuron such as \"L1 N3\" or null, got \"\(echo(clusterText))\"")
            }
            neuron = parsed
        }
        return Node(
            id: id!, label: label, operation: operation, kind: kind, data: data, grad: grad ?? 0, neuron: neuron,
            operands: [])
    }
}

/// An object of a dump, its members checked against the keys it must have.
/// Its errors are located by `location`, from the key (nil for the whole object) and where.
private struct DumpObject {
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
    fileprivate var text: String {
        switch kind {
        case .number(let number): return number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : "\(number)"
        case .string(let text): return "\"\(text)\""
        case .null: return "null"
        case .bool(let flag): return String(flag)
        case .array, .object: return typeName
        }
    }
}
