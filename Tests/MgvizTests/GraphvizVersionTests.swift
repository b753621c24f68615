import Foundation
@testable import MgvizRender
import Testing

/// mgviz builds against Graphviz 2.42 to today. Only 2.42 is installed here, so the shim
/// (Sources/CGraphviz/shim.h) is compiled by the C compiler against copies of the installed
/// headers changed as Graphviz 13.0.0 changed them, and as 14 also says its version; and a
/// wrong choice of signatures must not compile.
@Suite struct GraphvizVersions {
    /// Graphviz 13.0.0's API breaks, as edits of 2.42's headers: each must match once.
    static let graphviz13: [(file: String, old: String, new: String)] = [
        ("gvc.h", "char **result, unsigned int *length);", "char **result, size_t *length);"),
        ("cgraph.h", "#define agnew(g,t)\t\t((t*)agalloc(g,sizeof(t)))\n", ""),
        ("cgraph.h", "int agstrfree(Agraph_t *, char *);", "int agstrfree(Agraph_t *, const char *, bool is_html);"),
        ("cgraph.h", "    long (*alloc) (void *state, int objtype, IDTYPE id);\n", ""),
        ("cgraph.h", "    Agmemdisc_t *mem;\n", ""),
        ("graphviz_version.h", "#define GVPLUGIN_VERSION 6", "#define GVPLUGIN_VERSION 8"),
        ("graphviz_version.h", "#define PACKAGE_VERSION \"2.43.0\"", "#define PACKAGE_VERSION \"13.0.0\""),
    ]
    /// 14.0.0 added the version macros (and changed nothing mgviz uses).
    static let graphviz14 = graphviz13.filter { $0.file != "graphviz_version.h" } + [
        ("graphviz_version.h", "#define PACKAGE_VERSION \"2.43.0\"",
         "#define PACKAGE_VERSION \"14.1.3\"\n#define GRAPHVIZ_VERSION_MAJOR 14\n#define GRAPHVIZ_VERSION_MINOR 1\n#define GRAPHVIZ_VERSION_PATCH 3"),
    ]

    @Test func shimCompilesAgainstTheInstalledHeaders() throws {
        let work = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: work) }
        let result = try compileShim(headers: try installedHeaders(), in: work)
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func shimCompilesAgainstGraphviz13() throws {
        let work = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: work) }
        let headers = try editedHeaders(Self.graphviz13, in: work)
        let result = try compileShim(headers: headers, in: work)
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func shimCompilesAgainstGraphviz14() throws {
        let work = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: work) }
        let headers = try editedHeaders(Self.graphviz14, in: work)
        let result = try compileShim(headers: headers, in: work)
        #expect(result.status == 0, "\(result.stderr)")
    }

    /// 2.42's headers taken for 13's (a version macro forced): the shim's check stops it.
    @Test func newSignaturesAgainstOldHeadersDoNotCompile() throws {
        let work = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: work) }
        let result = try compileShim(headers: try installedHeaders(), in: work, defines: ["GRAPHVIZ_VERSION_MAJOR=13"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("length type does not match"), "\(result.stderr)")
    }

    /// 13's headers taken for 12's (agnew defined again, no version macro): it stops too.
    @Test func oldSignaturesAgainstNewHeadersDoNotCompile() throws {
        let work = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: work) }
        let headers = try editedHeaders(Self.graphviz13, in: work)
        let result = try compileShim(headers: headers, in: work, defines: ["agnew(g,t)=0"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("length type does not match"), "\(result.stderr)")
    }

    @Test func pluginLibraryIsTheHighestVersion() {
        let debian = ["libgvplugin_core.so", "libgvplugin_core.so.6", "libgvplugin_core.so.6.0.0",
                      "libgvplugin_dot_layout.so.6", "libgvplugin_dot_layout.so.6.0.0"]
        #expect(PluginFolder.library("core", among: debian) == "libgvplugin_core.so.6")
        #expect(PluginFolder.library("dot_layout", among: debian) == "libgvplugin_dot_layout.so.6")
        #expect(PluginFolder.library("dot", among: debian) == nil)
        #expect(PluginFolder.library("neato_layout", among: debian) == nil)
        let newer = ["libgvplugin_core.so.8.0.0", "libgvplugin_core.so.8", "libgvplugin_core.so.6", "libgvplugin_core.so.10x"]
        #expect(PluginFolder.library("core", among: newer) == "libgvplugin_core.so.8")
        // Only the full name, when there is no soname link.
        #expect(PluginFolder.library("core", among: ["libgvplugin_core.so.8.0.0"]) == "libgvplugin_core.so.8.0.0")
        #expect(PluginFolder.library("core", among: ["libgvplugin_core.so", "libgvplugin_core.la"]) == nil)
    }

    @Test func pluginFolderHoldsWhatTheRendererLoads() throws {
        let folder = try PluginFolder.besideLibgvc()
        for plugin in ["core", "dot_layout", "neato_layout", "pango"] {
            let path = try folder.path(of: plugin)
            #expect(FileManager.default.fileExists(atPath: path), "\(path)")
        }
    }
}

/// The folder holding the installed gvc.h, from pkg-config as SwiftPM finds it.
private func installedHeaders() throws -> URL {
    let flags = try run(URL(fileURLWithPath: "/usr/bin/env"), ["pkg-config", "--cflags-only-I", "libgvc"])
    let folder = flags.split(separator: " ").lazy.filter { $0.hasPrefix("-I") }.map { String($0.dropFirst(2)) }
        .first { FileManager.default.fileExists(atPath: $0 + "/gvc.h") }
    return URL(fileURLWithPath: folder ?? "/usr/include/graphviz")
}

/// A copy of the installed headers in `work`, with `edits` made; each must match once.
private func editedHeaders(_ edits: [(file: String, old: String, new: String)], in work: URL) throws -> URL {
    let source = try installedHeaders()
    let copy = work.appendingPathComponent("graphviz")
    try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
    for name in try FileManager.default.contentsOfDirectory(atPath: source.path) where name.hasSuffix(".h") {
        try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: copy.appendingPathComponent(name))
    }
    struct EditDidNotMatch: Error { var file, old: String }
    for edit in edits {
        let url = copy.appendingPathComponent(edit.file)
        let text = try String(contentsOf: url, encoding: .utf8)
        guard text.components(separatedBy: edit.old).count == 2 else { throw EditDidNotMatch(file: edit.file, old: edit.old) }
        try text.replacingOccurrences(of: edit.old, with: edit.new).write(to: url, atomically: false, encoding: .utf8)
    }
    return copy
}

/// Compiles a C file that includes the shim and calls each of its functions, with
/// `-Wall -Werror`, against `headers`; writes only into `work`.
private func compileShim(headers: URL, in work: URL, defines: [String] = []) throws -> RunResult {
    let probe = work.appendingPathComponent("probe.c")
    try """
    #include "shim.h"
    int probe(GVC_t *gvc, Agraph_t *graph, char **result, size_t *length, char *string) {
        Agdisc_t discipline;
        Agiddisc_t ids;
        Agiodisc_t io;
        mgviz_make_discipline(&discipline, &ids, &io, AgIdDisc.map, AgIdDisc.free, AgIdDisc.print, AgIoDisc.afread);
        mgviz_set_dpi(graph, 96);
        return mgviz_render_data(gvc, graph, "svg", result, length) + mgviz_strfree(graph, string)
            + (mgviz_libgvc_path() != 0) + (int)mgviz_drawing_width(graph) + (int)mgviz_drawing_height(graph);
    }
    """.write(to: probe, atomically: false, encoding: .utf8)
    let shimFolder = packageRoot.appendingPathComponent("Sources/CGraphviz")
    let arguments = ["-std=gnu11", "-Wall", "-Werror", "-I", shimFolder.path, "-I", headers.path]
        + defines.map { "-D\($0)" } + ["-c", probe.path, "-o", work.appendingPathComponent("probe.o").path]
    return try runProgram(try cCompiler(), arguments)
}

/// Swift's clang (what compiles the shim for the Swift module), else the system's cc.
private func cCompiler() throws -> URL {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for name in ["clang", "cc"] {
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return URL(fileURLWithPath: candidate) }
        }
    }
    struct NoCompiler: Error {}
    throw NoCompiler()
}
