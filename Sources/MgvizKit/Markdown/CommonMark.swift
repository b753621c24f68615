import CCmark
import Glibc

/// What mgviz needs of a Markdown document's structure, as CommonMark's reference parser (cmark)
/// reads it: the fenced code blocks whose info string starts with the word `mgviz`, the image
/// link blocks right after them, and every marker comment elsewhere. It is copied out of cmark's
/// tree while the tree lives, so that no pointer into the tree outlives it.
struct CommonMarkOutline {
    /// An mgviz fenced code block.
    struct Fence {
        /// The opening fence's line, and the closing fence's when `isClosed`; 1-based.
        let startLine: Int
        let endLine: Int
        /// The info string, backslash escapes and entities resolved.
        let info: String
        /// The lines between the fences, without the containers' prefixes and the fence's
        /// indentation, each ending in "\n".
        let literal: [UInt8]
        /// Whether a closing fence ends it; one that its container or the document ends first is
        /// not closed.
        let isClosed: Bool
        /// The lines of an image link block that follows it as its next three siblings: a start
        /// marker alone, one line holding one image and nothing else, an end marker alone.
        let linkLines: (start: Int, image: Int, end: Int)?
    }

    /// A marker comment in an HTML block or in a paragraph's inline HTML.
    struct Marker {
        let line: Int
        let text: String
    }

    let fences: [Fence]
    let markers: [Marker]

    static let linkStart = "<!-- mgviz-image -->"
    static let linkEnd = "<!-- /mgviz-image -->"

    /// Parses `bytes` with source positions; the tree is freed before this returns.
    init(parsing bytes: ArraySlice<UInt8>) {
        // cmark's default allocator aborts rather than return null. An empty slice may have no
        // base address: cmark is given an empty C string then.
        let root = bytes.withUnsafeBytes { buffer in
            guard let text = buffer.baseAddress?.assumingMemoryBound(to: CChar.self) else {
                return cmark_parse_document("", 0, CMARK_OPT_SOURCEPOS)!
            }
            return cmark_parse_document(text, buffer.count, CMARK_OPT_SOURCEPOS)!
        }
        defer { cmark_node_free(root) }
        var fences: [Fence] = []
        var markers: [Marker] = []
        let walk = cmark_iter_new(root)!
        defer { cmark_iter_free(walk) }
        while cmark_iter_next(walk) != CMARK_EVENT_DONE {
            guard cmark_iter_get_event_type(walk) == CMARK_EVENT_ENTER else { continue }
            let node = Node(cmark_iter_get_node(walk))
            switch node.type {
            case CMARK_NODE_CODE_BLOCK:
                if let fence = Self.mgvizFence(node) { fences.append(fence) }
            case CMARK_NODE_HTML_BLOCK, CMARK_NODE_HTML_INLINE:
                markers += Self.markers(in: node)
            default:
                break
            }
        }
        self.fences = fences
        self.markers = markers
    }

    /// The fence, if its info string's first word is `mgviz`.
    private static func mgvizFence(_ node: Node) -> Fence? {
        let info = node.fenceInfo
        guard info.split(whereSeparator: { $0 == " " || $0 == "\t" }).first == "mgviz" else { return nil }
        let literal = node.literal
        let contentLines = literal.lazy.filter { $0 == UInt8(ascii: "\n") }.count
        // cmark ends a fenced block on the line that ends it: its closing fence, else the line
        // that closes its container (outside the container, which ends on the line before), else
        // the document's last line, which is then content. Only the closing fence leaves the
        // block exactly one line past its content, inside its container.
        let parentEnd = node.parent.map(\.endLine) ?? node.endLine
        let isClosed = contentLines == node.endLine - node.startLine - 1 && node.endLine <= parentEnd
        return Fence(
            startLine: node.startLine, endLine: node.endLine, info: info, literal: literal, isClosed: isClosed,
            linkLines: isClosed ? linkLines(after: node) : nil)
    }

    /// The lines of the start marker, the image and the end marker when the next three
    /// siblings are an image link block. cmark's end positions of HTML blocks are not reliable,
    /// but a block whose text is one marker ends on its first line: an HTML comment block ends
    /// at the line holding `-->`. Only blank lines or link reference definitions, which are no
    /// nodes, can come between siblings: `MarkdownDocument` allows blank lines.
    private static func linkLines(after fence: Node) -> (start: Int, image: Int, end: Int)? {
        guard let start = fence.next, start.isMarker(linkStart),
              let image = start.next, image.type == CMARK_NODE_PARAGRAPH, image.endLine == image.startLine,
              let only = image.firstChild, only.type == CMARK_NODE_IMAGE, only.next == nil,
              let end = image.next, end.isMarker(linkEnd)
        else { return nil }
        return (start.startLine, image.startLine, end.startLine)
    }

    /// Each marker in an HTML node's text, on its own line of the document.
    private static func markers(in node: Node) -> [Marker] {
        let text = node.literal
        var found: [Marker] = []
        for marker in [linkStart, linkEnd] {
            let pattern = Array(marker.utf8)
            var from = text.startIndex
            while let range = text[from...].firstRange(of: pattern) {
                let line = node.startLine + text[..<range.lowerBound].lazy.filter { $0 == UInt8(ascii: "\n") }.count
                found.append(Marker(line: line, text: marker))
                from = range.upperBound
            }
        }
        return found.sorted { $0.line < $1.line }
    }
}

/// A node of a cmark tree, only ever used while `CommonMarkOutline.init` holds the tree.
private struct Node {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) { self.pointer = pointer }

    var type: cmark_node_type { cmark_node_get_type(pointer) }
    var startLine: Int { Int(cmark_node_get_start_line(pointer)) }
    var endLine: Int { Int(cmark_node_get_end_line(pointer)) }
    var next: Node? { cmark_node_next(pointer).map(Node.init) }
    var parent: Node? { cmark_node_parent(pointer).map(Node.init) }
    var firstChild: Node? { cmark_node_first_child(pointer).map(Node.init) }
    var fenceInfo: String { cmark_node_get_fence_info(pointer).map { String(cString: $0) } ?? "" }

    /// The node's text as cmark keeps it (NUL bytes are U+FFFD there, so it has no NUL).
    var literal: [UInt8] {
        guard let text = cmark_node_get_literal(pointer) else { return [] }
        return Array(UnsafeRawBufferPointer(start: text, count: strlen(text)))
    }

    /// Whether this is an HTML block holding `marker` and nothing else but spaces.
    func isMarker(_ marker: String) -> Bool {
        guard type == CMARK_NODE_HTML_BLOCK else { return false }
        let text = literal
        let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") }
        guard let first = text.firstIndex(where: { !isSpace($0) }), let last = text.lastIndex(where: { !isSpace($0) }) else { return false }
        return text[first...last].elementsEqual(marker.utf8)
    }
}
