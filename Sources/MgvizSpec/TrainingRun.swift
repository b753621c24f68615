import MgvizExport

/// A recorded training run (`"format": "mgviz-run"`, docs/timeline.md), as a `Recorder` (Swift
/// or Python) writes it: each step's loss and every parameter's data and grad, and at some
/// steps the whole graph, each distinct structure stored once with its first numbers and each
/// step keeping its nodes' data and grads. The whole document is validated when it is read.
public struct TrainingRun: Sendable {
    package static let format = "mgviz-run"
    package static let version = 1
    package static let keys = ["format", "version", "title", "parameters", "structures", "steps"]
    package static let parameterKeys = ["name", "layer", "neuron", "nonlinear"]
    package static let stepKeys = ["loss", "data", "grad", "graph"]
    package static let graphKeys = ["structure", "data", "grad"]

    /// A parameter: its name (`L1 N2 w1`), and its layer and neuron (1-based) when it is a
    /// model's; `nonlinear` says whether its neuron ends in a ReLU, when the model says so.
    public struct Parameter: Sendable, Equatable {
        /// `L1 N2 w1`, or `p1` for a parameter of no model.
        public var name: String
        /// Its layer, from 1; nil for a parameter of no model.
        public var layer: Int?
        /// Its neuron in its layer, from 1; nil for a parameter of no model.
        public var neuron: Int?
        /// Whether its neuron ends in a ReLU; nil when the recorder could not tell.
        public var nonlinear: Bool?

        /// A parameter as a recorder names it.
        public init(name: String, layer: Int? = nil, neuron: Int? = nil, nonlinear: Bool? = nil) {
            self.name = name
            self.layer = layer
            self.neuron = neuron
            self.nonlinear = nonlinear
        }
    }

    /// One step: the loss, each parameter's data and grad in `parameters`' order, and the
    /// whole graph when the step kept it.
    public struct Step: Sendable, Equatable {
        /// The loss's data.
        public var loss: Double
        /// Each parameter's data, in `parameters`' order.
        public var data: [Double]
        /// Each parameter's grad, in `parameters`' order.
        public var grad: [Double]
        /// The whole graph, when the step kept it.
        public var graph: StepGraph?

        /// A step's numbers.
        public init(loss: Double, data: [Double], grad: [Double], graph: StepGraph? = nil) {
            self.loss = loss
            self.data = data
            self.grad = grad
            self.graph = graph
        }
    }

    /// A step's whole graph: its structure's index, and its nodes' numbers in that order.
    public struct StepGraph: Sendable, Equatable {
        /// The index of its structure in the run's.
        public var structure: Int
        /// Each node's data, in the structure's order.
        public var data: [Double]
        /// Each node's grad, in the structure's order.
        public var grad: [Double]

        /// A step's graph.
        public init(structure: Int, data: [Double], grad: [Double]) {
            self.structure = structure
            self.data = data
            self.grad = grad
        }
    }

    /// The run's title, which the page shows; nil for none.
    public var title: String?
    /// The parameters recorded, in the model's order.
    public var parameters: [Parameter]
    /// The steps, in order.
    public var steps: [Step]
    /// The graphs' structures: mgviz-graph documents, each as its first step had it.
    var structures: [JSONValue]
    /// How many nodes each structure has.
    public var structureSizes: [Int] { structures.map(Self.nodeCount) }

    /// The steps (0-based) that kept the whole graph.
    public var graphSteps: [Int] { steps.indices.filter { steps[$0].graph != nil } }

    /// The graph at `step` (0-based), which kept it: its structure with the step's numbers.
    public func graph(at step: Int) throws(SpecError) -> GraphDump {
        guard let graph = steps[step].graph else { preconditionFailure("step \(step) kept no graph") }
        guard case .object(var members) = structures[graph.structure].kind else { preconditionFailure("a structure is an object") }
        let k = members.firstIndex { $0.key == "nodes" }!
        guard case .array(var nodes) = members[k].value.kind else { preconditionFailure("nodes are an array") }
        for (i, node) in nodes.enumerated() {
            guard case .object(var fields) = node.kind else { continue }
            for (f, field) in fields.enumerated() {
                switch (field.key, field.value.kind) {
                case ("data", _): fields[f].value.kind = Self.json(graph.data[i])
                // A graph without grads (no backward) has null for each.
                case ("grad", .null): break
                case ("grad", _): fields[f].value.kind = Self.json(graph.grad[i])
                default: break
                }
            }
            nodes[i].kind = .object(fields)
        }
        members[k].value.kind = .array(nodes)
        return try GraphDump(members: members)
    }

    private static func json(_ x: Double) -> JSONValue.Kind {
        if x.isFinite { return .number(x) }
        return .string(x.isNaN ? "NaN" : x > 0 ? "Infinity" : "-Infinity")
    }

    private static func nodeCount(_ structure: JSONValue) -> Int {
        guard case .object(let members) = structure.kind, let nodes = members.first(where: { $0.key == "nodes" }),
              case .array(let list) = nodes.value.kind
        else { return 0 }
        return list.count
    }

    /// A run from the members of its top-level object; each structure is checked as a dump is.
    init(members: [(key: String, value: JSONValue)]) throws(SpecError) {
        let object = try DumpObject(members, keys: Self.keys) { key, position in key.map { .member([$0], position) } ?? .document }
        let format = try object.string("format")
        guard format == Self.format else {
            throw SpecError(.member(["format"], object.position("format")), "unknown format \"\(echo(format))\"")
        }
        guard case .number(Double(Self.version)) = object["version"].kind else {
            throw SpecError(.member(["version"], object.position("version")),
                            "expected 1, got \(echo(object["version"].text)) (this mgviz reads \(Self.format) version 1)")
        }
        title = try object.optionalString("title")
        if let title, let problem = Spec.problem(withTitle: title) {
            throw SpecError(.member(["title"], object.position("title")), problem)
        }
        parameters = try Self.array(object["parameters"], "parameters").enumerated().map { (index, value) throws(SpecError) in
            let p = try DumpObject(value, keys: Self.parameterKeys) { key, position in .member(["parameters", "\(index)"] + (key.map { [$0] } ?? []), position) }
            let name = try p.string("name")
            guard name.count <= Spec.maximumNameLength else {
                throw SpecError(.member(["parameters", "\(index)", "name"], p.position("name")),
                                "the name is \(name.count) characters long, over the limit of \(Spec.maximumNameLength)")
            }
            func count(_ key: String) throws(SpecError) -> Int? {
                switch p[key].kind {
                case .null: return nil
                case .number(let x) where x >= 1 && x <= 1_000_000 && x == x.rounded(): return Int(x)
                default: throw SpecError(.member(["parameters", "\(index)", key], p.position(key)), "expected a whole number from 1, or null, got \(echo(p[key].text))")
                }
            }
            let nonlinear: Bool?
            switch p["nonlinear"].kind {
            case .null: nonlinear = nil
            case .bool(let flag): nonlinear = flag
            default: throw SpecError(.member(["parameters", "\(index)", "nonlinear"], p.position("nonlinear")), "expected true, false or null, got \(echo(p["nonlinear"].text))")
            }
            return Parameter(name: name, layer: try count("layer"), neuron: try count("neuron"), nonlinear: nonlinear)
        }
        structures = try Self.array(object["structures"], "structures")
        var sizes: [Int] = []
        for structure in structures {
            guard case .object(let dump) = structure.kind else {
                throw SpecError(.member(["structures"], structure.position), "expected a graph dump, got \(structure.typeName)")
            }
            _ = try GraphDump(members: dump)
            sizes.append(Self.nodeCount(structure))
        }
        let parameterCount = parameters.count
        steps = try Self.array(object["steps"], "steps").enumerated().map { (index, value) throws(SpecError) in
            let place = { (key: String?, position: TextPosition?) in SpecLocation.member(["steps", "\(index)"] + (key.map { [$0] } ?? []), position) }
            let s = try DumpObject(value, keys: Self.stepKeys, location: place)
            let data = try Self.numbers(s["data"], count: parameterCount, each: "parameter", at: place("data", s.position("data")))
            let grad = try Self.numbers(s["grad"], count: parameterCount, each: "parameter", at: place("grad", s.position("grad")))
            var graph: StepGraph?
            if case .null = s["graph"].kind {} else {
                let g = try DumpObject(s["graph"], keys: Self.graphKeys) { key, position in
                    .member(["steps", "\(index)", "graph"] + (key.map { [$0] } ?? []), position)
                }
                guard case .number(let x) = g["structure"].kind, x >= 0, x == x.rounded(), Int(x) < sizes.count else {
                    throw SpecError(.member(["steps", "\(index)", "graph", "structure"], g.position("structure")),
                                    "expected the index of one of the \(sizes.count) structures, got \(echo(g["structure"].text))")
                }
                let size = sizes[Int(x)]
                graph = StepGraph(
                    structure: Int(x),
                    data: try Self.numbers(g["data"], count: size, each: "node", at: .member(["steps", "\(index)", "graph", "data"], g.position("data"))),
                    grad: try Self.numbers(g["grad"], count: size, each: "node", at: .member(["steps", "\(index)", "graph", "grad"], g.position("grad"))))
            }
            return Step(loss: try s.number("loss"), data: data, grad: grad, graph: graph)
        }
        guard steps.contains(where: { $0.graph != nil }) else {
            throw SpecError(.member(["steps"], object.position("steps")), "no step keeps its whole graph (a Recorder keeps the first and the last)")
        }
    }

    private static func array(_ value: JSONValue, _ key: String) throws(SpecError) -> [JSONValue] {
        guard case .array(let list) = value.kind else {
            throw SpecError(.member([key], value.position), "expected an array, got \(value.typeName)")
        }
        return list
    }

    private static func numbers(_ value: JSONValue, count: Int, each: String, at location: SpecLocation) throws(SpecError) -> [Double] {
        guard case .array(let list) = value.kind else { throw SpecError(location, "expected an array of numbers, got \(value.typeName)") }
        guard list.count == count else { throw SpecError(location, "expected \(count) number\(count == 1 ? "" : "s"), one per \(each), got \(list.count)") }
        var numbers: [Double] = []
        numbers.reserveCapacity(count)
        for item in list {
            switch item.kind {
            case .number(let x): numbers.append(x)
            case .string("NaN"): numbers.append(.nan)
            case .string("Infinity"): numbers.append(.infinity)
            case .string("-Infinity"): numbers.append(-.infinity)
            default: throw SpecError(location, "expected a number or \"NaN\", \"Infinity\", \"-Infinity\", got \(echo(item.text))")
            }
        }
        return numbers
    }
}

extension TrainingRun {
    /// A run's document, as Python's `Recorder.text()` writes it: the top-level keys on the
    /// first line, then one line per parameter, per structure (an mgviz-graph dump, given as
    /// `structures`' bytes) and per step.
    package static func text(title: String?, parameters: [Parameter], structures: [[UInt8]], steps: [Step]) -> [UInt8] {
        TextWriter.bytes(capacity: structures.reduce(0) { $0 + $1.count } + 64 * parameters.count * (steps.count + 1) + 256) { out in
            func string(_ text: String?) {
                guard let text else { return out.write("null") }
                out.write("\"")
                out.write(text, escaping: .json)
                out.write("\"")
            }
            func optional(_ number: Int?) {
                if let number { out.write(number) } else { out.write("null") }
            }
            func number(_ x: Double) {
                if x.isFinite { out.write(exact: x) } else { string(x.isNaN ? "NaN" : x > 0 ? "Infinity" : "-Infinity") }
            }
            func numbers(_ list: [Double]) {
                out.write("[")
                for (k, x) in list.enumerated() {
                    if k > 0 { out.write(", ") }
                    number(x)
                }
                out.write("]")
            }
            out.write("{\"format\": \"mgviz-run\", \"version\": 1, \"title\": ")
            string(title)
            out.write(",\n \"parameters\": [")
            for (k, p) in parameters.enumerated() {
                out.write(k == 0 ? "\n  {\"name\": " : ",\n  {\"name\": ")
                string(p.name)
                out.write(", \"layer\": ")
                optional(p.layer)
                out.write(", \"neuron\": ")
                optional(p.neuron)
                out.write(", \"nonlinear\": ")
                out.write(p.nonlinear.map { $0 ? "true" : "false" } ?? "null")
                out.write("}")
            }
            out.write("],\n \"structures\": [")
            for (k, structure) in structures.enumerated() {
                out.write(k == 0 ? "\n" : ",\n")
                // Without the dump's last newline.
                out.write(structure.last == UInt8(ascii: "\n") ? Array(structure.dropLast()) : structure)
            }
            out.write("],\n \"steps\": [")
            for (k, step) in steps.enumerated() {
                out.write(k == 0 ? "\n  {\"loss\": " : ",\n  {\"loss\": ")
                number(step.loss)
                out.write(", \"data\": ")
                numbers(step.data)
                out.write(", \"grad\": ")
                numbers(step.grad)
                out.write(", \"graph\": ")
                if let graph = step.graph {
                    out.write("{\"structure\": ")
                    out.write(graph.structure)
                    out.write(", \"data\": ")
                    numbers(graph.data)
                    out.write(", \"grad\": ")
                    numbers(graph.grad)
                    out.write("}}")
                } else {
                    out.write("null}")
                }
            }
            out.write("]}\n")
        }
    }
}
