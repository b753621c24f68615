/// What an input file holds: a spec, to evaluate, or a graph dumped in the `mgviz-graph`
/// format, to draw as given. A top-level object with a `"format"` key is a dump.
public enum Document {
    case spec(Spec)
    case graph(GraphDump)

    /// Parses an input file's bytes. Errors say where in the file; the caller names it.
    public init(bytes: [UInt8]) throws(SpecError) {
        let members = try topLevelMembers(of: bytes)
        if members.contains(where: { $0.key == "format" }) {
            self = .graph(try GraphDump(members: members))
        } else {
            self = .spec(try Spec(members: members))
        }
    }
}

/// The members of the JSON object that an input file holds, once the file passes the checks
/// every input gets: its size, its encoding, its syntax.
func topLevelMembers(of bytes: [UInt8]) throws(SpecError) -> [(key: String, value: JSONValue)] {
    _ = try checkedText(bytes, emptyMeaning: "a JSON object with \"inputs\" and \"define\"")
    let root: JSONValue
    do { root = try JSONReader.parse(bytes) } catch {
        throw SpecError(.text(error.position), "invalid JSON: \(error.message)")
    }
    guard case .object(let members) = root.kind else {
        throw SpecError(.document, "expected a JSON object at the top level, got \(root.typeName)")
    }
    return members
}

/// An input file's text, once it is within the size limit, not blank, and UTF-8 without NUL
/// bytes. `emptyMeaning` says what a file should hold, for the error on an empty one.
func checkedText(_ bytes: [UInt8], emptyMeaning: String) throws(SpecError) -> String {
    guard bytes.count <= Spec.maximumFileBytes else {
        throw SpecError(.document, "the file is \(bytes.count) bytes, over the limit of \(Spec.maximumFileBytes)")
    }
    guard !bytes.allSatisfy({ [0x20, 0x09, 0x0a, 0x0d].contains($0) }) else {
        throw SpecError(.document, "the file is empty (expected \(emptyMeaning))")
    }
    guard let text = String(validating: bytes, as: UTF8.self), !bytes.contains(0) else {
        throw SpecError(.document, "the file is not UTF-8 text (is it binary?)")
    }
    return text
}
