import Foundation
import PackagePlugin

/// `swift package --allow-writing-to-package-directory mgviz Docs/guide.md`: draws the mgviz
/// blocks of Markdown documents in the package that runs it, as `mgviz Docs/guide.md` does,
/// with the same arguments (`--check`, `--out-dir`, drawing options). Paths are the package's.
@main
struct MgvizPlugin: CommandPlugin {
    func performCommand(context: PluginContext, arguments: [String]) async throws {
        guard arguments.contains(where: { $0.hasSuffix(".md") }) else {
            Diagnostics.error("give the Markdown documents to draw: swift package --allow-writing-to-package-directory mgviz Docs/guide.md")
            throw Failure.noDocuments
        }
        let mgviz = Process()
        mgviz.executableURL = try context.tool(named: "mgviz").url
        mgviz.arguments = arguments
        mgviz.currentDirectoryURL = context.package.directoryURL
        try mgviz.run()
        mgviz.waitUntilExit()
        // mgviz has said what went wrong, one line each; its status is passed on.
        guard mgviz.terminationStatus == 0 else { throw Failure.status(mgviz.terminationStatus) }
    }

    enum Failure: Error, CustomStringConvertible {
        case noDocuments
        case status(Int32)

        var description: String {
            switch self {
            case .noDocuments: return "no Markdown document given"
            case .status(let status): return "mgviz exited with status \(status)"
            }
        }
    }
}
