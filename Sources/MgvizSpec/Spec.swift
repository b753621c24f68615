import Micrograd

/// A spec, format v1: named inputs, a list of `name = expression` definitions, the output
/// to draw and run backward from, and an optional title.
public struct Spec: Sendable, Equatable {
    /// Drawn above the diagram.
    public var title: String?
    /// Input names and values, in file order: each becomes a labelled leaf.
    public var inputs: [Input]
    /// `name = expression` entries, evaluated in order; each name labels the node it makes.
    public var define: [String]
    /// The name to draw; nil means the last name defined.
    public var output: String?
    /// Answers derived by hand, to check against the graph.
    public var expect: Expectation?
    /// A model built before `define`, whose outputs `define` can use.
    public var mlp: Model?
    /// The model run on a batch of examples, with a loss over them, which `define` can use.
    public var batch: Batch?
    /// Where a text spec's statements are; nil for a JSON spec.
    var textLines: TextLines?

    /// A name and a number: an input (a labelled leaf), or an expected grad.
    public struct Input: Sendable, Equatable {
        /// The name, as expressions use it.
        public var name: String
        /// The number.
        public var value: Double

        /// An input named `name` holding `value`.
        public init(name: String, value: Double) {
            self.name = name
            self.value = value
        }
    }

    /// `"expect": {"output": 2.1755, "grads": {"x0": 0.0418}, "tolerance": 1e-4}`, like the
    /// notebook's `ans = [...]`: each entry is right when |computed - expected| <= tolerance.
    public struct Expectation: Sendable, Equatable {
        /// The output's expected data.
        public var output: Double?
        /// Expected grads, by the name of the node that has them.
        public var grads: [Input]
        /// How far a computed number may be from the expected one.
        public var tolerance: Double

        /// The tolerance of an `expect` that gives none.
        public static let defaultTolerance = 1e-5
        package static let keys = ["output", "grads", "tolerance"]

        /// What a spec's `expect` says.
        public init(output: Double? = nil, grads: [Input] = [], tolerance: Double = defaultTolerance) {
            self.output = output
            self.grads = grads
            self.tolerance = tolerance
        }
    }

    /// A spec made in code, as its JSON would give it: validated when it is evaluated.
    public init(
        title: String? = nil, inputs: [Input], define: [String], output: String? = nil, expect: Expectation? = nil,
        mlp: Model? = nil, batch: Batch? = nil
    ) {
        self.title = title
        self.inputs = inputs
        self.define = define
        self.output = output
        self.expect = expect
        self.mlp = mlp
        self.batch = batch
    }

    /// Larger files are refused before they are read.
    public static let maximumFileBytes = 64 << 20
    /// Names longer than this (in Unicode scalars) are refused. Every name is drawn as a
    /// record field; Graphviz lays a 10 KB field out in 0.3 s to PNG, so this is 40 times
    /// below anything slow (docs/RELIABILITY.md has the figures).
    public static let maximumNameLength = 256
    /// Titles longer than this (in Unicode scalars) are refused. A title is drawn on one line
    /// above the whole graph, so its width sets the PNG's: 1,000 characters made a 21,000
    /// pixel wide bitmap in 5 s, 256 one of 5,400 pixels in 1.5 s on a loaded machine.
    public static let maximumTitleLength = 256
    /// Titles of more lines are refused. Graphviz counts a label's lines in a `short`: 32,769
    /// lines crash it, and 1,000 took 13 s and 361 MB to PNG; 10 lines cost 0.07 s.
    public static let maximumTitleLines = 10
    /// Specs that build more nodes are refused, counted as they are built (inputs, the
    /// model, each op of each definition), so that the refusal comes before the work.
    /// Measured with the release build on this 2-core machine (`benchmarks/run.sh bounds`):
    /// the slowest spec at the limit, an MLP of 399,999 one-neuron layers, takes 3.1 to 3.3 s
    /// of CPU and 275 MB to .dot; a 2,000,000-term sum writes the most, 754 MB of DOT (under
    /// `--precision 17 --color grad`) in 1.5 s. Twice as many would leave a loaded machine no
    /// room in the 10 s an accepted input may take. A 64 MiB sum is refused in 0.4 s.
    public static let maximumNodes = 2_000_000
    /// Expressions that nest deeper are refused as they are read: each open parenthesis or
    /// call, unary sign, and operator waiting for its right operand (a run of `**`) is a level.
    /// 100,000 levels of parentheses, of calls and of `**` take 0.1 s and 47 MB together, and
    /// keep the promise of parentheses nested 100,000 deep (Python's parser stops at 200);
    /// unbounded, 33 M parentheses took 22 s and 890 MB, and 64 M minus signs built 128 M
    /// nodes in 128 s. A 64 MiB run of any of them is refused in 0.3 s.
    public static let maximumExpressionDepth = 100_000
    /// Specs with more inputs and definitions together are refused as they are read: a
    /// definition may build no node (`y = x`, `k = 2 * 3`), yet each name costs a string,
    /// a table entry and a binding. 500,000 names with 2,000,000 nodes take 2.5 s of CPU and
    /// 225 MB to .dot. Refusing the 1,000,001st name took 0.65 s of CPU to read the million
    /// before it (1.1 s on a loaded machine), too close to the 1 s a refusal may take; the
    /// 500,001st is refused in 0.35 s.
    public static let maximumNames = 500_000
    /// JSON documents of more values are refused as they are read. The densest valid
    /// document that fits 64 MiB, a dump of 506,024 nodes and 1,012,038 edges with ids of 1 to
    /// 4 characters, holds 7,084,312 values and draws in 2.3 s and 494 MB; 8,000,001 values of
    /// a 64 MiB array are refused after 0.6 s and 361 MB, where reading the whole array took
    /// 4 s and 1.4 GB.
    public static let maximumJSONValues = 8_000_000
    package static let keys = ["title", "inputs", "mlp", "batch", "define", "output", "expect"]

    /// Parses a spec file's bytes. Errors say where in the spec; the caller names the file.
    public init(bytes: [UInt8]) throws(SpecError) {
        try self.init(members: try topLevelMembers(of: bytes))
    }

    /// A spec from the members of its top-level object, in file order.
    init(members: [(key: String, value: JSONValue)]) throws(SpecError) {
        for member in members where !Spec.keys.contains(member.key) {
            throw SpecError(
                .text(member.value.position),
                "unknown key \"\(echo(member.key))\" (expected one of: \(Spec.keys.joined(separator: ", ")))")
        }
        func member(_ key: String) -> JSONValue? { members.first { $0.key == key }?.value }
        func string(_ key: String) throws(SpecError) -> String? {
            guard let value = member(key) else { return nil }
            guard case .string(let text) = value.kind else {
                throw SpecError(.member([key], value.position), "expected a string, got \(value.typeName)")
            }
            return text
        }
        /// name: number members, in file order, each name checked.
        func namedNumbers(_ object: [(key: String, value: JSONValue)], at path: [String]) throws(SpecError) -> [Input] {
            var named: [Input] = []
            for (name, value) in object {
                // The location is made only on failure: a spec may hold millions of names.
                if let problem = Spec.problem(withName: name) {
                    throw SpecError(.member(path + [name], value.position), problem)
                }
                guard case .number(let number) = value.kind else {
                    throw SpecError(.member(path + [name], value.position), "expected a number, got \(value.typeName)")
                }
                named.append(Input(name: name, value: number))
            }
            return named
        }

        title = try string("title")
        if let title, let problem = Spec.problem(withTitle: title), let value = member("title") {
            throw SpecError(.member(["title"], value.position), problem)
        }
        output = try string("output")

        // A batch defines its loss: then the spec needs no inputs or definitions of its own.
        let hasBatch = member("batch") != nil
        inputs = []
        if let inputsValue = member("inputs") {
            guard case .object(let inputMembers) = inputsValue.kind else {
                throw SpecError(.member(["inputs"], inputsValue.position), "expected an object of name: number, got \(inputsValue.typeName)")
            }
            inputs = try namedNumbers(inputMembers, at: ["inputs"])
        } else if !hasBatch {
            throw SpecError(.document, "missing required key \"inputs\"")
        }

        define = []
        if let defineValue = member("define") {
            guard case .array(let entries) = defineValue.kind else {
                throw SpecError(
                    .member(["define"], defineValue.position),
                    "expected an array of \"name = expression\" strings, got \(defineValue.typeName)")
            }
            for (index, entry) in entries.enumerated() {
                guard case .string(let text) = entry.kind else {
                    throw SpecError(.defineEntry(index: index, entry.position), "expected a \"name = expression\" string, got \(entry.typeName)")
                }
                define.append(text)
            }
            guard !define.isEmpty || hasBatch else {
                throw SpecError(.member(["define"], defineValue.position), "expected at least one \"name = expression\" entry")
            }
        } else if !hasBatch {
            throw SpecError(.document, "missing required key \"define\"")
        }

        mlp = try member("mlp").map { (value) throws(SpecError) in
            try Spec.parseModel(value, after: inputs.count, isBatchModel: hasBatch)
        }
        batch = try member("batch").map { (value) throws(SpecError) in try Spec.parseBatch(value, model: mlp) }
        expect = nil
        guard let expectValue = member("expect") else { return }
        guard case .object(let expectMembers) = expectValue.kind, !expectMembers.isEmpty else {
            throw SpecError(
                .member(["expect"], expectValue.position),
                "expected an object with \"output\" or \"grads\", got \(expectValue.typeName)")
        }
        var expectation = Expectation()
        for (key, value) in expectMembers {
            let location = SpecLocation.member(["expect", key], value.position)
            switch (key, value.kind) {
            case ("output", .number(let number)): expectation.output = number
            case ("tolerance", .number(let number)) where number >= 0: expectation.tolerance = number
            case ("tolerance", .number): throw SpecError(location, "expected a tolerance of 0 or more")
            case ("grads", .object(let grads)): expectation.grads = try namedNumbers(grads, at: ["expect", "grads"])
            case ("grads", _): throw SpecError(location, "expected an object of name: number, got \(value.typeName)")
            case ("output", _), ("tolerance", _): throw SpecError(location, "expected a number, got \(value.typeName)")
            default:
                throw SpecError(location, "unknown key \"\(echo(key))\" (expected one of: \(Expectation.keys.joined(separator: ", ")))")
            }
        }
        expect = expectation
    }

    /// Why Graphviz should not be given `title`, or nil if it can be.
    static func problem(withTitle title: String) -> String? {
        let length = title.unicodeScalars.count
        if length > maximumTitleLength {
            return "the title is \(length) characters long, over the limit of \(maximumTitleLength)"
        }
        let lines = title.utf8.count { $0 == UInt8(ascii: "\n") } + 1
        if lines > maximumTitleLines {
            return "the title has \(lines) lines, over the limit of \(maximumTitleLines)"
        }
        return nil
    }

    /// Why `name` cannot name a value, or nil if it can.
    static func problem(withName name: String) -> String? {
        let length = name.unicodeScalars.count
        if length > maximumNameLength {
            return "the name is \(length) characters long, over the limit of \(maximumNameLength)"
        }
        guard let first = name.unicodeScalars.first, first == "_" || first.isASCIILetter,
              name.unicodeScalars.allSatisfy({ $0 == "_" || $0.isASCIILetter || $0.isASCIIDigit })
        else { return "'\(echo(name))' is not a valid name (expected letters, digits and _, not starting with a digit)" }
        if UnaryFunction(rawValue: name) != nil {
            return "'\(name)' is a function name and cannot name a value"
        }
        return nil
    }
}

extension Unicode.Scalar {
    var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
