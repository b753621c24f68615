/// What an input file holds: a spec, to evaluate, or a graph dumped in the `mgviz-graph`
/// format, to draw as given. A top-level object with a `"format"` key is a dump.
public enum InputDocument {
    /// A spec, JSON or text: evaluated, run backward and checked when drawn.
    case spec(Spec)
    /// A graph dump: drawn with the numbers it holds.
    case graph(GraphDump)
    /// A recorded training run (`"format": "mgviz-run"`): drawn as its last step's graph, or
    /// as a timeline page.
    case run(TrainingRun)

    /// Parses an input file's bytes. Errors say where in the file; the caller names it.
    public init(bytes: [UInt8]) throws(SpecError) {
        let members = try topLevelMembers(of: bytes)
        if let format = members.first(where: { $0.key == "format" }), case .string(TrainingRun.format) = format.value.kind {
            self = .run(try TrainingRun(members: members))
        } else if members.contains(where: { $0.key == "format" }) {
            self = .graph(try GraphDump(members: members))
        } else {
            self = .spec(try Spec(members: members))
        }
    }
}

/// The members of the JSON object that an input file holds, once the file passes the checks
/// every input gets: its size, its encoding, its syntax.
func topLevelMembers(of bytes: [UInt8]) throws(SpecError) -> [(key: String, value: JSONValue)] {
    let start = try checkedTextStart(bytes, emptyMeaning: "a JSON object with \"inputs\" and \"define\"")
    let root: JSONValue
    do { root = try JSONReader.parse(bytes, from: start) } catch {
        throw error.exceeded.map { SpecError(.text(error.position), $0) } ?? SpecError(.text(error.position), "invalid JSON: \(error.message)")
    }
    guard case .object(let members) = root.kind else {
        throw SpecError(.document, "expected a JSON object at the top level, got \(root.typeName)")
    }
    return members
}

/// The UTF-8 byte-order mark that some editors (Notepad, Excel) put at the start of a file.
/// It marks the encoding and is no part of the text.
let byteOrderMark: [UInt8] = [0xef, 0xbb, 0xbf]

/// Where an input file's text starts in `bytes`, once the file is within the size limit, not
/// blank, and UTF-8 without NUL bytes: after a byte-order mark, if one leads, so that a file
/// saved with one reads, and draws, as the same file without it. `emptyMeaning` says what a
/// file should hold, for the error on an empty one.
func checkedTextStart(_ bytes: [UInt8], emptyMeaning: String) throws(SpecError) -> Int {
    guard bytes.count <= Spec.maximumFileBytes else {
        throw SpecError(.document, "the file is \(bytes.count) bytes, over the limit of \(Spec.maximumFileBytes)")
    }
    let start = bytes.starts(with: byteOrderMark) ? byteOrderMark.count : 0
    guard !bytes[start...].allSatisfy({ [0x20, 0x09, 0x0a, 0x0d].contains($0) }) else {
        throw SpecError(.document, "the file is empty (expected \(emptyMeaning))")
    }
    guard String(validating: bytes, as: UTF8.self) != nil, !bytes.contains(0) else {
        throw SpecError(.document, "the file is not UTF-8 text (is it binary?)")
    }
    return start
}
