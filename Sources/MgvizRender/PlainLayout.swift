/// A layout as Graphviz's `plain` output gives it: each node's centre and size, each edge's
/// spline, in points, with y growing downwards as on a screen (Graphviz's own y grows
/// upwards from the bottom of the drawing).
///
/// The format is lines of words: `graph SCALE WIDTH HEIGHT`, then `node NAME X Y WIDTH HEIGHT
/// LABEL STYLE SHAPE COLOR FILLCOLOR` and `edge TAIL HEAD N X1 Y1 … XN YN [LABEL XL YL] STYLE
/// COLOR`, in inches, and `stop`. Words with spaces are double-quoted.
package struct PlainLayout: Sendable {
    package struct Node: Sendable {
        package var name: String
        /// The centre.
        package var x, y: Double
        package var width, height: Double
    }

    package struct Edge: Sendable {
        package var tail, head: String
        /// The spline's control points: a start, then three for each cubic Bézier piece.
        package var points: [(x: Double, y: Double)]
        /// Where its label's centre is, when it has one.
        package var label: (x: Double, y: Double)?
    }

    package var width, height: Double
    package var nodes: [Node]
    /// In the order Graphviz lists them: the DOT's order of edges.
    package var edges: [Edge]

    /// Points in an inch.
    static let pointsPerInch = 72.0

    /// Reads `plain` output; nil if it is not that.
    package init?(_ bytes: [UInt8]) {
        var lines = PlainWords(bytes)
        guard let first = lines.nextLine(), first.count == 4, first[0] == "graph",
              let scale = Double(first[1]), let width = Double(first[2]), let height = Double(first[3])
        else { return nil }
        let unit = Self.pointsPerInch * scale
        self.width = width * unit
        self.height = height * unit
        nodes = []
        edges = []
        while let words = lines.nextLine() {
            switch words.first {
            case "node":
                guard words.count >= 6, let x = Double(words[2]), let y = Double(words[3]), let w = Double(words[4]), let h = Double(words[5])
                else { return nil }
                nodes.append(Node(name: words[1], x: x * unit, y: self.height - y * unit, width: w * unit, height: h * unit))
            case "edge":
                guard words.count >= 4, let count = Int(words[3]), count >= 0, words.count >= 4 + 2 * count else { return nil }
                var points: [(x: Double, y: Double)] = []
                points.reserveCapacity(count)
                for k in 0..<count {
                    guard let x = Double(words[4 + 2 * k]), let y = Double(words[5 + 2 * k]) else { return nil }
                    points.append((x * unit, self.height - y * unit))
                }
                // A labelled edge has LABEL XL YL before its style and colour.
                var label: (x: Double, y: Double)?
                let rest = words.count - 4 - 2 * count
                if rest >= 5, let x = Double(words[5 + 2 * count]), let y = Double(words[6 + 2 * count]) {
                    label = (x * unit, self.height - y * unit)
                }
                edges.append(Edge(tail: words[1], head: words[2], points: points, label: label))
            case "stop":
                return
            default:
                return nil
            }
        }
        return nil
    }
}

/// The words of `plain` output, a line at a time: split at spaces, a double-quoted word taken
/// whole, with `\\"` and `\\\\` inside it unescaped.
private struct PlainWords {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func nextLine() -> [String]? {
        guard index < bytes.count else { return nil }
        var words: [String] = []
        var word: [UInt8] = []
        var quoted = false, inWord = false
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if quoted {
                if byte == UInt8(ascii: "\\"), index < bytes.count {
                    word.append(bytes[index])
                    index += 1
                } else if byte == UInt8(ascii: "\"") {
                    quoted = false
                } else {
                    word.append(byte)
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\n"):
                if inWord { words.append(String(decoding: word, as: UTF8.self)) }
                return words
            case UInt8(ascii: " "), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                if inWord { words.append(String(decoding: word, as: UTF8.self)) }
                word.removeAll(keepingCapacity: true)
                inWord = false
            case UInt8(ascii: "\""):
                quoted = true
                inWord = true
            default:
                word.append(byte)
                inWord = true
            }
        }
        if inWord { words.append(String(decoding: word, as: UTF8.self)) }
        return words
    }
}
