import CGraphviz
import Foundation

/// An output format that Graphviz renders.
public enum Format: String, Sendable, CaseIterable {
    case svg, png, pdf
    /// DOT with the layout's positions added.
    case dot
}

/// A Graphviz layout engine.
public enum Layout: String, Sendable, CaseIterable {
    case dot, neato, fdp, sfdp, circo, twopi
}

/// What Graphviz said when it could not read, lay out or render a graph.
public struct RenderError: Error, CustomStringConvertible, Equatable {
    public let description: String

    public init(description: String) { self.description = description }
}

/// Renders DOT in-process with libgvc. It never runs the `dot` program.
///
/// libgvc is not thread-safe, so every call goes through one lock around the process's
/// single `GVC_t`. Each render frees its graph, layout and buffer on every path.
public struct Renderer: Sendable {
    public let layout: Layout

    public init(layout: Layout = .dot) {
        self.layout = layout
    }

    /// Lays out `dot` and renders it in `format`.
    public func render(_ dot: String, to format: Format) throws(RenderError) -> Data {
        try GraphvizContext.shared.withContext { (context) throws(RenderError) in
            try GraphvizContext.render(dot, layout: layout.rawValue, format: format.rawValue, context: context)
        }
    }
}

/// The process's one Graphviz context, and the lock that serializes all use of it.
final class GraphvizContext: @unchecked Sendable {
    static let shared = GraphvizContext()

    private let lock = NSLock()
    private let context: OpaquePointer

    private init() {
        // Graphviz calls `collectMessage` instead of printing to stderr.
        agseterrf(collectMessage)
        context = gvContext()
    }

    func withContext<Result>(_ body: (OpaquePointer) throws(RenderError) -> Result) throws(RenderError) -> Result {
        lock.lock()
        defer { lock.unlock() }
        graphvizMessages = ""
        agreseterrors()
        return try body(context)
    }

    /// agmemread, gvLayout, gvRenderData, then free. Call only inside `withContext`.
    static func render(_ dot: String, layout: String, format: String, context: OpaquePointer) throws(RenderError) -> Data {
        guard let graph = agmemread(dot) else { throw failure("could not read the DOT") }
        defer { agclose(graph) }
        guard gvLayout(context, graph, layout) == 0 else { throw failure("layout '\(layout)' failed") }
        defer { gvFreeLayout(context, graph) }
        var buffer: UnsafeMutablePointer<CChar>?
        var length: UInt32 = 0
        let status = gvRenderData(context, graph, format, &buffer, &length)
        defer { gvFreeRenderData(buffer) }
        guard status == 0, let buffer else { throw failure("rendering '\(format)' failed") }
        return Data(bytes: buffer, count: Int(length))
    }

    private static func failure(_ what: String) -> RenderError {
        let said = graphvizMessages.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: "; ")
        return RenderError(description: said.isEmpty ? "Graphviz: \(what)" : "Graphviz: \(what): \(said)")
    }
}

/// Graphviz's messages for the current call; only touched while the context lock is held.
nonisolated(unsafe) private var graphvizMessages = ""

private func collectMessage(_ message: UnsafeMutablePointer<CChar>?) -> Int32 {
    if let message { graphvizMessages += String(cString: message) }
    return 0
}
