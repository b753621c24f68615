/// Bad input: one line that names the file, the place in it and the problem.
public struct SpecError: Error, CustomStringConvertible, Equatable {
    /// The file as the user named it, or `<stdin>`.
    public var file: String
    /// Where in the file: `line 3, column 7`, `"inputs"."x0"`, `define[5] (p3), column 12`. May be empty.
    public var place: String
    public var message: String

    public init(file: String, place: String, message: String) {
        self.file = file
        self.place = place
        self.message = message
    }

    public var description: String {
        let file = echo(self.file, limit: Self.echoedPathLength, keepingEnd: true)
        return place.isEmpty ? "\(file): \(message)" : "\(file): \(place): \(message)"
    }

    /// Paths are echoed up to this many characters, keeping their end, where the file name is.
    public static let echoedPathLength = 200
}

/// What the expression parser reports: a column within one `define` entry.
struct ExpressionError: Error {
    var column: Int
    var message: String
}
