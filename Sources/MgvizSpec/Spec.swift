import Micrograd

/// A spec, format v1: named inputs, a list of `name = expression` definitions, the output
/// to draw and run backward from, and an optional title.
public struct Spec: Sendable, Equatable {
    public var title: String?
    /// Input names and values, in file order: each becomes a labelled leaf.
    public var inputs: [Input]
    public var define: [String]
    /// The name to draw; nil means the last name defined.
    public var output: String?
    /// Answers derived by hand, to check against the graph.
    public var expect: Expectation?
    /// A model built before `define`, whose outputs `define` can use.
    public var mlp: Model?
    /// Where a text spec's statements are; nil for a JSON spec.
    var textLines: TextLines?

    public struct Input: Sendable, Equatable {
        public var name: String
        public var value: Double
        public init(name: String, value: Double) {
            self.name = name
            self.value = value
        }
    }

    /// `"expect": {"output": 2.1755, "grads": {"x0": 0.0418}, "tolerance": 1e-4}`, like the
    /// notebook's `ans = [...]`: each entry is right when |computed - expected| <= tolerance.
    public struct Expectation: Sendable, Equatable {
        public var output: Double?
        public var grads: [Input]
        public var tolerance: Double

        public static let defaultTolerance = 1e-5
        public static let keys = ["output", "grads", "tolerance"]

        public init(output: Double? = nil, grads: [Input] = [], tolerance: Double = defaultTolerance) {
            self.output = output
            self.grads = grads
            self.tolerance = tolerance
        }
    }

    public init(
        title: String? = nil, inputs: [Input], define: [String], output: String? = nil, expect: Expectation? = nil,
        mlp: Model? = nil
    ) {
        self.title = title
        self.inputs = inputs
        self.define = define
        self.output = output
        self.expect = expect
        self.mlp = mlp
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
    public static let keys = ["title", "inputs", "mlp", "define", "output", "expect"]

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

        guard let inputsValue = member("inputs") else { throw SpecError(.document, "missing required key \"inputs\"") }
        guard case .object(let inputMembers) = inputsValue.kind else {
            throw SpecError(.member(["inputs"], inputsValue.position), "expected an object of name: number, got \(inputsValue.typeName)")
        }
        inputs = try namedNumbers(inputMembers, at: ["inputs"])

        guard let defineValue = member("define") else { throw SpecError(.document, "missing required key \"define\"") }
        guard case .array(let entries) = defineValue.kind else {
            throw SpecError(
                .member(["define"], defineValue.position),
                "expected an array of \"name = expression\" strings, got \(defineValue.typeName)")
        }
        define = []
        for (index, entry) in entries.enumerated() {
            guard case .string(let text) = entry.kind else {
                throw SpecError(.defineEntry(index: index, entry.position), "expected a \"name = expression\" string, got \(entry.typeName)")
            }
            define.append(text)
        }
        guard !define.isEmpty else {
            throw SpecError(.member(["define"], defineValue.position), "expected at least one \"name = expression\" entry")
        }

        mlp = try member("mlp").map { (value) throws(SpecError) in try Spec.parseModel(value) }
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
