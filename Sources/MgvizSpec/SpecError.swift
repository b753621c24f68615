/// Bad input: where in the spec, and the problem. The caller names the file: the same spec
/// may come from a path, standard input or a string in a program.
public struct SpecError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Where in the spec the problem is.
    public var location: SpecLocation
    /// The problem, without its place: `expected a number, got a string`.
    public var message: String
    /// The limit the spec went over, when that is the problem.
    public var exceeded: LimitExceeded?

    package init(_ location: SpecLocation, _ message: String) {
        self.location = location
        self.message = message
    }

    /// A limit gone over, worded by `LimitExceeded.description`.
    package init(_ location: SpecLocation, _ exceeded: LimitExceeded) {
        self.init(location, exceeded.description)
        self.exceeded = exceeded
    }

    /// `"inputs"."x0" (line 3, column 9): expected a number, got a string`.
    public var description: String {
        let place = location.description
        return place.isEmpty ? message : "\(place): \(message)"
    }
}

/// Where in a spec a problem is.
public enum SpecLocation: Equatable, Sendable, CustomStringConvertible {
    /// The spec as a whole: its size, its encoding, a missing key.
    case document
    /// A place in the JSON text, for syntax errors.
    case text(TextPosition)
    /// A member, by its key path from the top (`["expect", "grads", "x"]`), and where its
    /// value starts when the spec came from text.
    case member([String], TextPosition?)
    /// The `define` entry at `index`, where it starts in the text.
    case defineEntry(index: Int, TextPosition?)
    /// A column (1-based, in Unicode scalars) inside the `define` entry at `index`, and the
    /// name it defines once that is known.
    case expression(index: Int, name: String?, column: Int)
    /// The node at `index` of a graph dump's `"nodes"`, its id once known, the key inside it
    /// if the problem is one member's, and where.
    case dumpNode(index: Int, id: String?, key: String?, TextPosition?)
    /// The edge at `index` of a graph dump's `"edges"`, the key inside it if the problem is
    /// one member's, and where.
    case dumpEdge(index: Int, key: String?, TextPosition?)

    /// `line 3, column 7`, `"inputs"."x0" (line 3, column 7)`, `define[5] (p3), column 12`,
    /// `node 3 "n3", "op" (line 5, column 40)`, `edge 7, "to" (line 30, column 3)`.
    public var description: String {
        switch self {
        case .document:
            return ""
        case .text(let position):
            return position.description
        case .member(let path, let position):
            return path.map { "\"\(echo($0))\"" }.joined(separator: ".") + (position.map { " (\($0))" } ?? "")
        case .defineEntry(let index, let position):
            return "define[\(index)]" + (position.map { " (\($0))" } ?? "")
        case .expression(let index, let name, let column):
            return "define[\(index)]" + (name.map { " (\(echo($0)))" } ?? "") + ", column \(column)"
        case .dumpNode(let index, let id, let key, let position):
            return "node \(index)" + (id.map { " \"\(echo($0))\"" } ?? "") + (key.map { ", \"\(echo($0))\"" } ?? "")
                + (position.map { " (\($0))" } ?? "")
        case .dumpEdge(let index, let key, let position):
            return "edge \(index)" + (key.map { ", \"\(echo($0))\"" } ?? "") + (position.map { " (\($0))" } ?? "")
        }
    }
}

/// A 1-based line and column (in bytes) in a spec's text.
public struct TextPosition: Equatable, Sendable, CustomStringConvertible {
    /// The line, from 1.
    public var line: Int
    /// The column, from 1, in bytes.
    public var column: Int

    package init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// `line 3, column 7`.
    public var description: String { "line \(line), column \(column)" }
}

/// One of the limits that keep every input the limits accept within seconds and memory
/// (docs/RELIABILITY.md has the figures that chose each): which, its value, and the count
/// that went over it. Counts are taken as the input is read and built, and the work stops at
/// the first one over, so `count` is how many there were by then, not in the whole input.
public struct LimitExceeded: Error, Equatable, Sendable, CustomStringConvertible {
    /// Which limit.
    public enum Limit: Sendable, Equatable, CaseIterable {
        /// `Spec.maximumNodes`: the nodes a spec builds (inputs, model and definitions).
        case nodes
        /// `Spec.maximumExpressionDepth`: how deep one expression nests.
        case expressionDepth
        /// `Spec.maximumNames`: a spec's inputs and definitions together.
        case names
        /// `Spec.maximumJSONValues`: the values of one JSON document.
        case jsonValues
    }

    /// The limit gone over.
    public var limit: Limit
    /// The limit's value: the most the input may have.
    public var maximum: Int
    /// `Int.max` when the count overflows an Int, as a model's absurd sizes can make it.
    public var count: Int

    package init(_ limit: Limit, maximum: Int, count: Int) {
        self.limit = limit
        self.maximum = maximum
        self.count = count
    }

    /// What went over the limit, and the limit, in words, without the place.
    public var description: String {
        switch limit {
        case .nodes:
            let nodes = count == .max ? "more nodes than an Int counts" : "\(count) nodes"
            return "the graph would have \(nodes) here, over the limit of \(maximum) a spec may build"
        case .expressionDepth:
            return "the expression nests \(count) levels deep here, over the limit of \(maximum) (each '(', call, unary sign and '**' waiting for its operand is a level)"
        case .names:
            return "the spec names \(count) values by here (inputs and definitions), over the limit of \(maximum)"
        case .jsonValues:
            return "the JSON holds \(count) values by here, over the limit of \(maximum)"
        }
    }
}

/// What the expression parser reports: a column within one `define` entry, and the limit
/// gone over when that is the problem.
struct ExpressionError: Error {
    var column: Int
    var message: String
    var exceeded: LimitExceeded?

    init(column: Int, message: String) {
        self.column = column
        self.message = message
    }

    init(column: Int, _ exceeded: LimitExceeded) {
        self.init(column: column, message: exceeded.description)
        self.exceeded = exceeded
    }
}
