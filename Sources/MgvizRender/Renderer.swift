import CDotLeakFix
import CGraphviz
import Glibc

/// An output format that Graphviz renders. The package's one public format enum is
/// MgvizKit's `OutputFormat`, which maps its layout formats onto these.
package enum RenderFormat: String, Sendable, CaseIterable {
    case svg, png, pdf
    /// DOT with the layout's positions added.
    case dot

    /// SVG and DOT are laid out with Graphviz's built-in font metrics: fast (no pango or
    /// fontconfig to load) and the same bytes on every machine, whatever fonts it has.
    /// PNG and PDF are drawn by cairo, which needs pango's text layout.
    var textLayout: GraphvizContexts.TextLayout {
        switch self {
        case .svg, .dot: return .builtin
        case .png, .pdf: return .pango
        }
    }
}

/// A Graphviz layout engine. mgviz draws with dot; the others are for the benchmarks and
/// the tests, which check that each one's plugin loads.
package enum LayoutEngine: String, Sendable, CaseIterable {
    case dot, neato, fdp, sfdp, circo, twopi
}

/// How big a PNG may be: the resolution asked for, lowered as far as needed to keep the pixel
/// count under a cap. Without it a big graph took gigabytes: the moons MLP's PNG was 1.16 GB
/// and a 1,777-value MLP's a 22205×26027 bitmap (2.36 GB).
public struct BitmapSize: Sendable, Equatable {
    /// Graphviz's own resolution for PNG.
    public static let defaultDotsPerInch = 96.0
    /// 32 megapixels: 128 MB in cairo's RGBA surface, enough for a poster.
    public static let defaultMaximumPixels = 32_000_000

    /// The resolution asked for.
    public var dotsPerInch: Double
    /// The most pixels the PNG may have; past it the resolution is lowered.
    public var maximumPixels: Int
    /// Below this resolution nothing is drawn: rendering throws `RenderError.resolutionTooLow`
    /// with the resolution the PNG would have had (cairo draws nothing at all below about 1 dpi).
    public var minimumDotsPerInch: Double

    package init(dotsPerInch: Double = defaultDotsPerInch, maximumPixels: Int = defaultMaximumPixels, minimumDotsPerInch: Double = 0) {
        self.dotsPerInch = dotsPerInch
        self.maximumPixels = maximumPixels
        self.minimumDotsPerInch = minimumDotsPerInch
    }

    /// cairo's bitmaps are at most this many pixels a side; past it Graphviz shrinks the
    /// drawing itself and prints a warning of its own.
    public static let maximumSide = 32_767

    /// The resolution at which a drawing of `width` × `height` points (1/72 inch, the padding
    /// included) stays within the cap, and within `maximumSide` both ways.
    package func dotsPerInch(width: Double, height: Double) -> Double {
        // A few pixels to spare on each side: Graphviz rounds the canvas up.
        let spare = 8.0
        let side = (Double(Self.maximumSide) - spare) * 72 / max(width, height)
        let (a, b) = (width / 72, height / 72)
        let cap = Double(maximumPixels)
        guard (a * dotsPerInch + spare) * (b * dotsPerInch + spare) > cap, a * b > 0 else { return min(dotsPerInch, side) }
        // The d with (a·d + spare)(b·d + spare) = cap: a·b·d² + spare·(a + b)·d + spare² - cap = 0.
        let area = (-spare * (a + b) + (spare * spare * (a + b) * (a + b) - 4 * a * b * (spare * spare - cap)).squareRoot()) / (2 * a * b)
        return min(area, side)
    }
}

/// Why Graphviz drew nothing: its plugins or context could not be set up, it could not read,
/// lay out or render the graph (with what it said, line by line), or the PNG would fall
/// below its resolution floor. MgvizKit words it for the terminal.
public enum RenderError: Error, Sendable, Equatable {
    /// The folder of the loaded libgvc could not be found, so neither could its plugins.
    case libraryFolderNotFound
    /// Graphviz's plugin folder, beside libgvc, could not be listed.
    case pluginFolderUnreadable(path: String, reason: String)
    /// The plugin folder has no library for `plugin` (`core`, `dot_layout`, `pango`, …).
    case pluginMissing(plugin: String, folder: String)
    /// The plugin's library is there but would not load; `reason` is the loader's.
    case pluginUnloadable(plugin: String, reason: String)
    /// Graphviz made no context from the plugins it was given.
    case contextUnavailable
    /// The DOT could not be read; `messages` are Graphviz's lines, trimmed, empty ones dropped.
    case unreadableGraph(messages: [String])
    /// The layout engine (`dot`, …) failed on the graph.
    case layoutFailed(engine: String, messages: [String])
    /// Graphviz failed to render the laid-out graph as `format` (`svg`, `png`, `pdf`, `dot`),
    /// or rendered nothing.
    case renderingFailed(format: String, messages: [String])
    /// The PNG would be drawn at `dotsPerInch`, below `size.minimumDotsPerInch`, to stay within
    /// the size's pixel cap: nothing is drawn.
    case resolutionTooLow(dotsPerInch: Double, size: BitmapSize)
}

extension RenderError: CustomStringConvertible {
    /// One line: what failed, then what Graphviz said, its lines joined by `; `.
    public var description: String {
        switch self {
        case .libraryFolderNotFound: return "Graphviz: cannot find libgvc's folder"
        case .pluginFolderUnreadable(let path, let reason): return "Graphviz: cannot read its plugin folder \(path): \(reason)"
        case .pluginMissing(let plugin, let folder): return "Graphviz: no \(plugin) plugin (libgvplugin_\(plugin).so.N) in \(folder)"
        case .pluginUnloadable(let plugin, let reason): return "Graphviz: cannot load the \(plugin) plugin: \(reason)"
        case .contextUnavailable: return "Graphviz: could not create a context"
        case .unreadableGraph(let messages): return Self.failure("could not read the DOT", messages)
        case .layoutFailed(let engine, let messages): return Self.failure("layout '\(engine)' failed", messages)
        case .renderingFailed(let format, let messages): return Self.failure("rendering '\(format)' failed", messages)
        case .resolutionTooLow(let dotsPerInch, _): return "the PNG would be drawn at \(dotsPerInch) dpi, below its floor"
        }
    }

    private static func failure(_ what: String, _ messages: [String]) -> String {
        messages.isEmpty ? "Graphviz: \(what)" : "Graphviz: \(what): " + messages.joined(separator: "; ")
    }
}

/// Renders DOT in-process with libgvc. It never runs the `dot` program.
///
/// libgvc is not thread-safe, so every call goes through one process-wide lock. Each
/// render frees its graph, layout and buffer on every path.
package struct Renderer: Sendable {
    package let layout: LayoutEngine

    package init(layout: LayoutEngine = .dot) {
        self.layout = layout
    }

    /// Lays out `dot` and renders it in `format`; a PNG within the default `BitmapSize`.
    package func render(_ dot: String, to format: RenderFormat) throws(RenderError) -> [UInt8] {
        try GraphvizContexts.shared.withContext(for: format.textLayout, layout: layout) { (context) throws(RenderError) in
            try GraphvizContexts.render(
                dot, layout: layout.rawValue, format: format.rawValue, bitmap: format == .png ? BitmapSize() : nil,
                context: context
            ).data
        }
    }

    /// Lays out `dot` and returns where Graphviz put things, without drawing them: the HTML
    /// page draws its picture itself, from these positions, read from the laid-out graph.
    package func positions(_ dot: String) throws(RenderError) -> GraphvizLayout {
        try GraphvizContexts.shared.withContext(for: .builtin, layout: layout) { (context) throws(RenderError) in
            try GraphvizContexts.withLayout(of: dot, layout: layout.rawValue, context: context) { graph in
                GraphvizLayout(laidOut: graph)
            }
        }
    }

    /// Lays out `dot` and renders it as PNG within `size`; also returns the resolution used,
    /// which is lower than asked when the cap made it so. Below `size.minimumDotsPerInch` it
    /// throws `RenderError.resolutionTooLow` before drawing anything.
    package func renderPNG(_ dot: String, size: BitmapSize) throws(RenderError) -> (png: [UInt8], dotsPerInch: Double) {
        try GraphvizContexts.shared.withContext(for: RenderFormat.png.textLayout, layout: layout) { (context) throws(RenderError) in
            let (data, dotsPerInch) = try GraphvizContexts.render(
                dot, layout: layout.rawValue, format: RenderFormat.png.rawValue, bitmap: size, context: context)
            return (data, dotsPerInch ?? size.dotsPerInch)
        }
    }
}

/// The process's Graphviz contexts, made on first use and kept for the life of the process,
/// and the one lock that serializes every libgvc call.
///
/// A context fixes its text layout and its plugins when it is made, so there is one per
/// kind: the built-in metrics one (SVG, DOT) and the pango one (PNG, PDF), each for dot
/// alone or for every layout. Each loads only the plugins it needs, from Graphviz's plugin
/// folder, rather than every plugin in its config: the neato_layout plugin (neato, fdp,
/// sfdp, circo, twopi) brings GTS, GLib and PCRE2 with it, 2 to 4 ms of a process that
/// draws with dot, so a dot context goes without it.
final class GraphvizContexts: @unchecked Sendable {
    enum TextLayout { case builtin, pango }

    /// What a context is made for.
    private struct Kind: Hashable {
        var textLayout: TextLayout
        /// Whether it lays out with neato, fdp, sfdp, circo or twopi, not only dot.
        var beyondDot: Bool
    }

    static let shared = GraphvizContexts()

    private let lock = Lock()
    private var contexts: [Kind: OpaquePointer] = [:]
    /// Graphviz's plugin folder, read once.
    private var pluginFolder: PluginFolder?

    private init() {
        // Graphviz calls `collectMessage` instead of printing to stderr.
        agseterrf(collectMessage)
    }

    func withContext<Result>(
        for textLayout: TextLayout, layout: LayoutEngine, _ body: (OpaquePointer) throws(RenderError) -> Result
    ) throws(RenderError) -> Result {
        lock.lock()
        defer { lock.unlock() }
        graphvizMessages = ""
        agreseterrors()
        return try body(try context(for: Kind(textLayout: textLayout, beyondDot: layout != .dot)))
    }

    private func context(for kind: Kind) throws(RenderError) -> OpaquePointer {
        if let context = contexts[kind] { return context }
        var plugins = ["core", "dot_layout"]
        if kind.beyondDot { plugins.append("neato_layout") }
        if kind.textLayout == .pango { plugins.append("pango") }
        let folder: PluginFolder
        if let known = pluginFolder { folder = known } else {
            folder = try PluginFolder.besideLibgvc()
            pluginFolder = folder
        }
        let builtins = try Self.pluginList(plugins, in: folder)
        // Demand loading off: the context takes exactly these plugins and reads no config.
        guard let context = gvContextPlugins(builtins, 0) else {
            throw .contextUnavailable
        }
        contexts[kind] = context
        Self.installDotLeakFix(context, dotPlugin: try folder.path(of: "dot_layout"))
        return context
    }

    /// Graphviz 2.42's dot layout never frees the virtual nodes and edges it makes for
    /// clusters (about 215 KB a render of the lecture MLP). CDotLeakFix tracks them in the
    /// dot plugin and `render` frees what is left after gvFreeLayout. Only for 2.42, the
    /// version it was checked against (Debian 12's 2.42.2 calls itself "2.43.0"); elsewhere
    /// nothing is hooked and begin/sweep do nothing.
    private static func installDotLeakFix(_ context: OpaquePointer, dotPlugin path: String) {
        guard let version = gvcVersion(context).map({ String(cString: $0) }),
              version.hasPrefix("2.42.") || version == "2.43.0",
              let handle = dlopen(path, RTLD_NOW | RTLD_NOLOAD)  // loaded by pluginList already
        else { return }
        _ = mgviz_dot_leakfix_install(handle)
    }

    /// Graphviz keeps the list for the life of the context, so it is never freed.
    private static func pluginList(_ names: [String], in folder: PluginFolder) throws(RenderError) -> UnsafeMutablePointer<lt_symlist_t> {
        let list = UnsafeMutablePointer<lt_symlist_t>.allocate(capacity: names.count + 1)
        for (index, name) in names.enumerated() {
            let symbol = "gvplugin_\(name)_LTX_library"
            let address = try pluginLibrary(name, at: try folder.path(of: name), symbol: symbol)
            list[index] = lt_symlist_t(name: UnsafePointer(strdup(symbol)), address: address)
        }
        list[names.count] = lt_symlist_t(name: nil, address: nil)
        return list
    }

    /// The plugin's library descriptor.
    private static func pluginLibrary(_ name: String, at path: String, symbol: String) throws(RenderError) -> UnsafeMutableRawPointer {
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL), let address = dlsym(handle, symbol) else {
            throw .pluginUnloadable(plugin: name, reason: String(cString: dlerror()))
        }
        return address
    }

    /// Reads `dot` (as agmemread does, with stable subgraph IDs), lays it out, hands `body`
    /// the laid-out graph, then frees the layout and the graph, whatever `body` does. Call
    /// only inside `withContext`.
    static func withLayout<Result>(
        of dot: String, layout: String, context: OpaquePointer,
        _ body: (UnsafeMutablePointer<Agraph_t>) throws(RenderError) -> Result
    ) throws(RenderError) -> Result {
        guard let graph = StableReader.read(dot) else { throw .unreadableGraph(messages: graphvizMessageLines()) }
        defer { agclose(graph) }
        mgviz_dot_leakfix_begin()
        guard gvLayout(context, graph, layout) == 0 else { throw .layoutFailed(engine: layout, messages: graphvizMessageLines()) }
        defer {
            gvFreeLayout(context, graph)
            // dot_cleanup has run: what dot made for its virtual graph and never freed is garbage.
            _ = mgviz_dot_leakfix_sweep()
        }
        return try body(graph)
    }

    /// Lays out `dot` and renders it with gvRenderData. A bitmap's resolution is set between
    /// layout and rendering, when the drawing's size is known; it is returned. Call only
    /// inside `withContext`.
    static func render(
        _ dot: String, layout: String, format: String, bitmap: BitmapSize?, context: OpaquePointer
    ) throws(RenderError) -> (data: [UInt8], dotsPerInch: Double?) {
        try withLayout(of: dot, layout: layout, context: context) { (graph) throws(RenderError) in
            try rendered(graph, format: format, bitmap: bitmap, context: context)
        }
    }

    private static func rendered(
        _ graph: UnsafeMutablePointer<Agraph_t>, format: String, bitmap: BitmapSize?, context: OpaquePointer
    ) throws(RenderError) -> (data: [UInt8], dotsPerInch: Double?) {
        var dotsPerInch: Double?
        if let bitmap {
            // Graphviz pads the drawing by 4 points on each side.
            let chosen = bitmap.dotsPerInch(width: mgviz_drawing_width(graph) + 8, height: mgviz_drawing_height(graph) + 8)
            guard chosen >= bitmap.minimumDotsPerInch else { throw .resolutionTooLow(dotsPerInch: chosen, size: bitmap) }
            mgviz_set_dpi(graph, chosen)
            dotsPerInch = chosen
        }
        var buffer: UnsafeMutablePointer<CChar>?
        var length = 0
        // gvRenderData through the shim: its length is an unsigned int before Graphviz 13.
        let status = mgviz_render_data(context, graph, format, &buffer, &length)
        defer { gvFreeRenderData(buffer) }
        // An empty rendering is a failure Graphviz did not report (it once was a 0-byte PNG).
        guard status == 0, let buffer, length > 0 else { throw .renderingFailed(format: format, messages: graphvizMessageLines()) }
        return (Array(UnsafeRawBufferPointer(start: buffer, count: length)), dotsPerInch)
    }

    /// What Graphviz said during this call, a line each, trimmed, blank lines dropped.
    private static func graphvizMessageLines() -> [String] {
        graphvizMessages.split(whereSeparator: \.isNewline).map { trimmingWhitespace($0) }.filter { !$0.isEmpty }
    }
}

/// Graphviz's plugin folder, `graphviz` beside the loaded libgvc, and the plugin libraries
/// in it. Their names end in the plugin version, which Graphviz changes: 2.42 to 12 have
/// `libgvplugin_core.so.6`, 13 and later `libgvplugin_core.so.8`. The folder is listed once
/// (a few dozen names), not searched through Graphviz's config, which would load every plugin.
struct PluginFolder: Sendable {
    let path: String
    /// The names in the folder that start with `libgvplugin_`.
    let files: [String]

    static func besideLibgvc() throws(RenderError) -> PluginFolder {
        guard let gvcPath = mgviz_libgvc_path() else {
            throw .libraryFolderNotFound
        }
        let path = parentFolder(of: String(cString: gvcPath)) + "/graphviz"
        guard let folder = opendir(path) else {
            throw .pluginFolderUnreadable(path: path, reason: String(cString: strerror(errno)))
        }
        defer { closedir(folder) }
        var files: [String] = []
        while let entry = readdir(folder) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasPrefix("libgvplugin_") { files.append(name) }
        }
        return PluginFolder(path: path, files: files)
    }

    /// The path of the named plugin's library (`core`, `dot_layout`, …).
    func path(of plugin: String) throws(RenderError) -> String {
        guard let file = Self.library(plugin, among: files) else {
            throw .pluginMissing(plugin: plugin, folder: path)
        }
        return "\(path)/\(file)"
    }

    /// The plugin's library among `files`: `libgvplugin_NAME.so.N`, or `libgvplugin_NAME.so.N.x.y`
    /// when that is all there is; the highest N if there are several.
    static func library(_ plugin: String, among files: [String]) -> String? {
        let prefix = "libgvplugin_\(plugin).so."
        var best: (version: Int, file: String)?
        for file in files where file.hasPrefix(prefix) {
            let suffix = file.dropFirst(prefix.count)
            let digits = suffix.prefix { $0.isASCII && $0.isNumber }
            guard let version = Int(digits), digits.endIndex == suffix.endIndex || suffix[digits.endIndex] == "." else { continue }
            // For one version the shortest name: the soname link, `.so.6` before `.so.6.0.0`.
            if let current = best, current.version > version || (current.version == version && current.file.count <= file.count) { continue }
            best = (version, file)
        }
        return best?.file
    }
}

/// Graphviz's messages for the current call; only touched while the lock is held.
nonisolated(unsafe) private var graphvizMessages = ""

private func collectMessage(_ message: UnsafeMutablePointer<CChar>?) -> Int32 {
    if let message { graphvizMessages += String(cString: message) }
    return 0
}

/// The folder part of a library's path, without a trailing slash ("/" for a file at the root).
private func parentFolder(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
}

/// `line` without the tabs and space separators (Unicode's Zs) at either end, as Foundation's
/// `trimmingCharacters(in: .whitespaces)` trims.
package func trimmingWhitespace(_ line: Substring) -> String {
    func isWhitespace(_ scalar: Unicode.Scalar) -> Bool { scalar == "\t" || scalar.properties.generalCategory == .spaceSeparator }
    let scalars = line.unicodeScalars
    guard let first = scalars.firstIndex(where: { !isWhitespace($0) }), let last = scalars.lastIndex(where: { !isWhitespace($0) }) else {
        return ""
    }
    return String(Substring(scalars[first...last]))
}
