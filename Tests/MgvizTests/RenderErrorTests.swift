import Foundation
import MgvizKit
@testable import MgvizRender
import Testing

/// What Graphviz reports comes back as a `RenderError` case with its parts as fields, and
/// MgvizKit words it as it always has.
@Suite struct RenderErrors {
    @Test func unreadableDOTCarriesGraphvizsMessages() throws {
        #expect {
            try Renderer().render("digraph { a -> }", to: .svg)
        } throws: { error in
            guard case .unreadableGraph(let messages) = error as? RenderError else { return false }
            // Graphviz 2.42's line numbers run on across reads, so only the text is checked.
            return messages.count == 1 && messages[0].hasPrefix("Error: syntax error in line ") && messages[0].hasSuffix("near '}'")
                && "\(error)" == "Graphviz: could not read the DOT: \(messages[0])"
        }
    }

    /// Through the renderer's own entry, which takes Graphviz's names as given: a layout and
    /// a format it does not know, each named in the error with what Graphviz said of it.
    @Test(arguments: [("nosuch", "svg"), ("dot", "nosuch")])
    func failedLayoutsAndRenderingsNameWhatFailed(_ layout: String, _ format: String) throws {
        do {
            _ = try GraphvizContexts.shared.withContext(for: .builtin, layout: .dot) { (context) throws(RenderError) in
                try GraphvizContexts.render("digraph { a -> b }", layout: layout, format: format, bitmap: nil, context: context)
            }
            Issue.record("\(layout), \(format) rendered")
        } catch .layoutFailed(let engine, let messages) {
            #expect(layout == "nosuch" && engine == "nosuch")
            #expect(messages.contains { $0.contains("nosuch") }, "\(messages)")
            #expect("\(RenderError.layoutFailed(engine: engine, messages: messages))" == "Graphviz: layout 'nosuch' failed: " + messages.joined(separator: "; "))
        } catch .renderingFailed(let failed, let messages) {
            #expect(format == "nosuch" && failed == "nosuch")
            #expect(messages.contains { $0.contains("nosuch") }, "\(messages)")
            #expect("\(RenderError.renderingFailed(format: failed, messages: messages))" == "Graphviz: rendering 'nosuch' failed: " + messages.joined(separator: "; "))
        } catch {
            Issue.record("\(layout), \(format): \(error)")
        }
    }

    @Test func aMissingPluginNamesItsFolder() {
        #expect(throws: RenderError.pluginMissing(plugin: "core", folder: "/nowhere")) {
            try PluginFolder(path: "/nowhere", files: ["libgvplugin_pango.so.6"]).path(of: "core")
        }
        #expect("\(RenderError.pluginMissing(plugin: "core", folder: "/nowhere"))" == "Graphviz: no core plugin (libgvplugin_core.so.N) in /nowhere")
    }

    /// A 10-inch square node is 728 points a side with Graphviz's 4-point pad: 970.7 pixels a
    /// side at 96 dpi. Held to 1,000 pixels, 8 of each side spared for Graphviz's rounding,
    /// it would be drawn at d with (728/72 · d + 8)² = 1000, about 2.3 dpi, below the floor of
    /// 10: refused before anything is drawn, with that resolution.
    @Test func aPNGBelowItsResolutionFloorIsRefused() throws {
        let size = BitmapSize(dotsPerInch: 96, maximumPixels: 1_000, minimumDotsPerInch: 10)
        let expected = (1_000.0.squareRoot() - 8) / (728.0 / 72)
        #expect {
            try Renderer().renderPNG("digraph { node [shape=box, fixedsize=true, width=10, height=10]; a }", size: size)
        } throws: { error in
            guard case .resolutionTooLow(let dotsPerInch, let refused) = error as? RenderError else { return false }
            return abs(dotsPerInch - expected) < 1e-6 && refused == size
        }
        // At the floor's side of the cap the same node is drawn, at the resolution asked.
        let roomy = BitmapSize(dotsPerInch: 20, maximumPixels: 1_000_000, minimumDotsPerInch: 10)
        let (png, dotsPerInch) = try Renderer().renderPNG("digraph { node [shape=box, fixedsize=true, width=10, height=10]; a }", size: roomy)
        #expect(png.starts(with: [0x89, 0x50, 0x4e, 0x47]) && dotsPerInch == 20)
    }
}
