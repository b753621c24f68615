/// How an input file is written: a JSON spec or dump, or a text spec (`.mg`).
public enum InputFormat: String, Sendable, CaseIterable {
    case json, mg

    /// The format `path`'s extension names, or nil for any other.
    public init?(path: String) {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        self.init(rawValue: String(path[path.index(after: dot)...]))
    }
}

extension Document {
    /// Parses an input file written in `format`. Errors say where in the file; the caller names it.
    public init(bytes: [UInt8], format: InputFormat) throws(SpecError) {
        switch format {
        case .json: try self.init(bytes: bytes)
        case .mg: self = .spec(try Spec(text: bytes))
        }
    }
}

/// Where a text spec's statements are, so that errors found when it is evaluated name the
/// line: the line of each `define` entry (whose columns are the line's), and the line that
/// chose the output (`output NAME`, or the last name defined).
struct TextLines: Sendable, Equatable {
    var define: [Int] = []
    var output = 0

    /// `error`, located in the text.
    func located(_ error: SpecError) -> SpecError {
        switch error.location {
        case .expression(let index, _, let column): return SpecError(.text(TextPosition(line: define[index], column: column)), error.message)
        case .defineEntry(let index, _): return SpecError(.text(TextPosition(line: define[index], column: 1)), error.message)
        case .member(["output"], _): return SpecError(.text(TextPosition(line: output, column: 1)), error.message)
        default: return error
        }
    }
}

extension Spec {
    /// The keys of a JSON spec that a text spec cannot write.
    static let jsonOnly = ["expect", "mlp"]

    /// Parses a text spec, one statement per line, as in the notebook:
    ///
    ///     # the lecture's L            (a comment on the first line is the title)
    ///     a = 2.0                      (name = number: an input)
    ///     e = a*b                      (name = expression: a define)
    ///     output L                     (else the output is the last name defined)
    ///
    /// `#` starts a comment anywhere. It makes the spec its JSON twin would: the same inputs,
    /// defines, output and title, so the two draw byte for byte alike.
    public init(text bytes: [UInt8]) throws(SpecError) {
        let text = try checkedText(bytes, emptyMeaning: "lines such as \"x = 2.0\" and \"y = x**2\"")
        self.init(inputs: [], define: [])
        var lines = TextLines()
        var outputLine: Int?
        /// Where each name was defined, to refuse a second definition on the line that makes it.
        var definedOn: [String: Int] = [:]
        // "\r\n" is one Character, so a Windows line end splits as "\n" does.
        let fileLines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        for (offset, line) in fileLines.enumerated() {
            let number = offset + 1
            let comment = line.firstIndex(of: "#")
            if number == 1, let comment, line[..<comment].allSatisfy(\.isSpaceOrTab) {
                title = String(line[line.index(after: comment)...]).trimmingSpaces()
                if let title, let problem = Spec.problem(withTitle: title) {
                    throw SpecError(.text(TextPosition(line: 1, column: 1)), problem)
                }
            }
            let statement = comment.map { line[..<$0] } ?? line
            guard let start = statement.firstIndex(where: { !$0.isSpaceOrTab }) else { continue }
            let column = statement.distance(from: statement.startIndex, to: start) + 1
            let at = TextPosition(line: number, column: column)
            let firstWord = statement[start...].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            let afterWord = statement[firstWord.endIndex...].drop(while: \.isSpaceOrTab)
            if Spec.jsonOnly.contains(String(firstWord)) && afterWord.first != "=" {
                throw SpecError(
                    .text(at),
                    "\"\(firstWord)\" can only be given in a JSON spec; a text spec holds inputs (x = 2.0), definitions (y = x**2), comments and \"output NAME\"")
            }
            guard let equals = statement.firstIndex(of: "=") else {
                guard firstWord == "output", !afterWord.isEmpty else {
                    throw SpecError(.text(at), "expected \"name = number\", \"name = expression\" or \"output NAME\"")
                }
                if let outputLine {
                    throw SpecError(.text(at), "a second \"output\" line; line \(outputLine) gave the output already")
                }
                let name = String(afterWord).trimmingSpaces()
                if let problem = Spec.problem(withName: name) {
                    throw SpecError(.text(TextPosition(line: number, column: column + statement[start...].distance(from: start, to: afterWord.startIndex))), problem)
                }
                output = name
                outputLine = number
                continue
            }
            let name = String(statement[..<equals]).trimmingSpaces()
            let value = String(statement[statement.index(after: equals)...]).trimmingSpaces()
            if let earlier = definedOn[name] {
                throw SpecError(.text(at), "'\(echo(name))' is already defined on line \(earlier); names cannot be redefined")
            }
            if let number = Spec.plainNumber(value) {
                if let problem = Spec.problem(withName: name) { throw SpecError(.text(at), problem) }
                guard number.isFinite else { throw SpecError(.text(at), "the number \(echo(value)) overflows a Double") }
                inputs.append(Input(name: name, value: number))
            } else {
                // The entry keeps the line's leading blanks, so that its columns are the line's.
                define.append(String(line[..<statement.endIndex]))
                lines.define.append(number)
            }
            if !name.isEmpty { definedOn[name] = number }
            lines.output = number
            if outputLine == nil { output = name }
        }
        guard !define.isEmpty || !inputs.isEmpty else {
            throw SpecError(.document, "the file has only comments (expected lines such as \"x = 2.0\" and \"y = x**2\")")
        }
        // As a JSON spec needs a "define" entry: inputs alone are leaves, with nothing to backpropagate.
        guard !define.isEmpty else {
            throw SpecError(.document, "the file has only inputs (expected a line such as \"y = x**2\" that computes from them)")
        }
        if let outputLine { lines.output = outputLine }
        textLines = lines
    }

    /// `value` as a number if it is a plain number literal, optionally signed: `2`, `-3.0`,
    /// `.5`, `1e-3`; nil for anything else, which is an expression.
    static func plainNumber(_ value: String) -> Double? {
        var digits = Substring(value)
        if digits.first == "+" || digits.first == "-" { digits.removeFirst() }
        let mantissa = digits.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        guard mantissa.contains(where: \.isNumber), mantissa.filter({ $0 == "." }).count <= 1 else { return nil }
        var rest = digits[mantissa.endIndex...]
        if rest.first == "e" || rest.first == "E" {
            rest.removeFirst()
            if rest.first == "+" || rest.first == "-" { rest.removeFirst() }
            guard !rest.isEmpty, rest.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            rest = rest[rest.endIndex...]
        }
        guard rest.isEmpty else { return nil }
        return Double(value.hasPrefix("+") ? String(value.dropFirst()) : value)
    }
}

extension Character {
    var isSpaceOrTab: Bool { self == " " || self == "\t" }
}
