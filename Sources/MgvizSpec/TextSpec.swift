/// How an input file is written: a JSON spec or dump, or a text spec (`.mg`).
public enum InputFormat: String, Sendable, CaseIterable {
    /// A JSON spec (`{"inputs": …, "define": […]}`) or an `mgviz-graph` dump.
    case json
    /// A text spec: one `name = expression` statement per line, as in the notebook.
    case mg

    /// The format `path`'s extension names, or nil for any other.
    public init?(path: String) {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        self.init(rawValue: String(path[path.index(after: dot)...]))
    }
}

extension InputDocument {
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
        var located = error
        switch error.location {
        case .expression(let index, _, let column): located.location = .text(TextPosition(line: define[index], column: column))
        case .defineEntry(let index, _): located.location = .text(TextPosition(line: define[index], column: 1))
        case .member(["output"], _): located.location = .text(TextPosition(line: output, column: 1))
        default: break
        }
        return located
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
    ///
    /// It reads bytes, not Characters: every byte that shapes a statement (`=`, `#`, blanks,
    /// line ends) is ASCII, and no other byte can be part of one, so lines are found in one
    /// pass with nothing made for blank lines or comments, whatever the file's 64 MiB hold.
    /// A column is the bytes before it plus 1, which is its character's place: the blanks
    /// and the word before it are ASCII.
    public init(text bytes: [UInt8]) throws(SpecError) {
        let textStart = try checkedTextStart(bytes, emptyMeaning: "lines such as \"x = 2.0\" and \"y = x**2\"")
        self.init(inputs: [], define: [])
        var lines = TextLines()
        var outputLine: Int?
        /// Where each name was defined, to refuse a second definition on the line that makes it.
        var definedOn: [String: Int] = [:]
        // Sized once, from the lines: a table that grows rehashes every name it holds.
        definedOn.reserveCapacity(min(bytes.count { $0 == UInt8(ascii: "\n") } + 1, Spec.maximumNames))
        func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
        func isSpaceOrTab(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        /// Letters, digits and _; and any byte of a non-ASCII character, so that `outputé` is one word.
        func isWordByte(_ byte: UInt8) -> Bool {
            let lower = byte | 0x20
            return (lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "_") || byte >= 0x80
        }
        var lineStart = textStart
        var number = 0
        // Lines end at "\n" or "\r\n"; the text after the last "\n" is a line too, empty or not.
        while lineStart <= bytes.count {
            number += 1
            let newline = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            defer { lineStart = newline + 1 }
            let lineEnd = newline < bytes.count && newline > lineStart && bytes[newline - 1] == UInt8(ascii: "\r") ? newline - 1 : newline
            let comment = bytes[lineStart..<lineEnd].firstIndex(of: UInt8(ascii: "#"))
            if number == 1, let comment, bytes[lineStart..<comment].allSatisfy(isSpaceOrTab) {
                title = text((comment + 1)..<lineEnd).trimmingSpaces()
                if let title, let problem = Spec.problem(withTitle: title) {
                    throw SpecError(.text(TextPosition(line: 1, column: 1)), problem)
                }
            }
            let statementEnd = comment ?? lineEnd
            guard let start = bytes[lineStart..<statementEnd].firstIndex(where: { !isSpaceOrTab($0) }) else { continue }
            let column = start - lineStart + 1
            let at = TextPosition(line: number, column: column)
            let wordEnd = bytes[start..<statementEnd].firstIndex { !isWordByte($0) } ?? statementEnd
            // Made only if it may be a keyword: the longest is "output".
            let firstWord = wordEnd - start <= 6 ? text(start..<wordEnd) : ""
            let afterWord = bytes[wordEnd..<statementEnd].firstIndex { !isSpaceOrTab($0) } ?? statementEnd
            if Spec.jsonOnly.contains(firstWord) && (afterWord == statementEnd || bytes[afterWord] != UInt8(ascii: "=")) {
                throw SpecError(
                    .text(at),
                    "\"\(firstWord)\" can only be given in a JSON spec; a text spec holds inputs (x = 2.0), definitions (y = x**2), comments and \"output NAME\"")
            }
            guard let equals = bytes[start..<statementEnd].firstIndex(of: UInt8(ascii: "=")) else {
                guard firstWord == "output", afterWord < statementEnd else {
                    throw SpecError(.text(at), "expected \"name = number\", \"name = expression\" or \"output NAME\"")
                }
                if let outputLine {
                    throw SpecError(.text(at), "a second \"output\" line; line \(outputLine) gave the output already")
                }
                let name = text(afterWord..<statementEnd).trimmingSpaces()
                if let problem = Spec.problem(withName: name) {
                    throw SpecError(.text(TextPosition(line: number, column: column + afterWord - start)), problem)
                }
                output = name
                outputLine = number
                continue
            }
            let name = text(lineStart..<equals).trimmingSpaces()
            // The value is read where it is: it may be an expression of megabytes.
            let valueStart = bytes[(equals + 1)..<statementEnd].firstIndex { !isSpaceOrTab($0) } ?? statementEnd
            let valueEnd = (bytes[valueStart..<statementEnd].lastIndex { !isSpaceOrTab($0) } ?? valueStart - 1) + 1
            if !name.isEmpty, let earlier = definedOn.updateValue(number, forKey: name) {
                throw SpecError(.text(at), "'\(echo(name))' is already defined on line \(earlier); names cannot be redefined")
            }
            guard inputs.count + define.count < Spec.maximumNames else {
                throw SpecError(.text(at), LimitExceeded(.names, maximum: Spec.maximumNames, count: inputs.count + define.count + 1))
            }
            if let number = Spec.plainNumber(bytes[valueStart..<valueEnd]) {
                if let problem = Spec.problem(withName: name) { throw SpecError(.text(at), problem) }
                guard number.isFinite else { throw SpecError(.text(at), "the number \(echo(text(valueStart..<valueEnd))) overflows a Double") }
                inputs.append(Input(name: name, value: number))
            } else {
                // The entry keeps the line's leading blanks, so that its columns are the line's.
                define.append(text(lineStart..<statementEnd))
                lines.define.append(number)
            }
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

    /// `value`'s UTF-8 as a number if it is a plain number literal, optionally signed: `2`,
    /// `-3.0`, `.5`, `1e-3`; nil for anything else, which is an expression (left at its first
    /// byte that no number has).
    static func plainNumber(_ value: ArraySlice<UInt8>) -> Double? {
        value.withUnsafeBufferPointer { bytes -> Double? in
            var i = 0
            func isDigit(_ i: Int) -> Bool { i < bytes.count && bytes[i] >= UInt8(ascii: "0") && bytes[i] <= UInt8(ascii: "9") }
            func skipSign() { if i < bytes.count && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")) { i += 1 } }
            skipSign()
            var digits = 0, points = 0
            while isDigit(i) || (i < bytes.count && bytes[i] == UInt8(ascii: ".")) {
                if isDigit(i) { digits += 1 } else { points += 1 }
                i += 1
            }
            guard digits > 0, points <= 1 else { return nil }
            if i < bytes.count && bytes[i] | 0x20 == UInt8(ascii: "e") {
                i += 1
                skipSign()
                guard isDigit(i) else { return nil }
                while isDigit(i) { i += 1 }
            }
            guard i == bytes.count else { return nil }
            // One that overflows is infinite, which the caller refuses, naming it.
            return decimalValue(bytes) ?? .infinity
        }
    }
}
