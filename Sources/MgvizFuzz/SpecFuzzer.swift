import Micrograd
import MgvizExport
import MgvizFiles
import MgvizKit
import MgvizSpec

#if canImport(Glibc)
import Glibc
#endif

/// libFuzzer's entry point: any bytes through MgvizKit's pipeline, as the command draws them,
/// under each set of `fuzzedOptions`: the JSON spec parser, the graph dump's reader, the text
/// spec parser and the Markdown block finder, the evaluator (models too), backward, the
/// gradient check and `expect`, the marks they leave, the NaN warning, collapse, focus, both
/// exporters with a model's clusters and both themes, and the HTML page's own code (around an
/// empty SVG: Graphviz is not fuzzed here, it has its own limits in LayoutCost). Anything but
/// a clean return or a thrown error is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSpec(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // The same bytes as a Markdown document (its blocks found and its link blocks placed;
    // drawing them would run Graphviz) and as a text spec.
    if let markdown = try? MarkdownDocument(bytes: bytes) { checkLinkBlocks(markdown) }
    for format in InputFormat.allCases {
        guard let document = try? InputDocument(bytes: bytes, format: format) else { continue }
        draw(document)
    }
    return 0
}

/// Places a link block after each of the document's blocks and traps unless mgviz's promise
/// holds: the document minus its link blocks is what it was, every byte, and a second run
/// finds every block with its link and changes nothing. The links' alt text and path are cut
/// from the document itself, so that any title and file name reach the escaping.
private func checkLinkBlocks(_ markdown: MarkdownDocument) {
    let text = String(decoding: markdown.bytes.prefix(80), as: UTF8.self)
    let target = (try? MarkdownImages.linkTarget(String(decoding: markdown.bytes.suffix(40), as: UTF8.self))) ?? "t.svg"
    let links = markdown.blocks.map { MarkdownImages.link(alt: "\(text) \($0.number)", target: target) }
    let rewritten = markdown.withLinks(links)
    guard let again = try? MarkdownDocument(bytes: rewritten) else { fatalError("the rewritten document is refused") }
    precondition(again.withoutLinkBlocks() == markdown.withoutLinkBlocks(), "bytes outside the link blocks changed")
    precondition(again.blocks.map(\.number) == markdown.blocks.map(\.number), "blocks were lost or found")
    precondition(zip(again.blocks, links).allSatisfy { again.hasLink($1, for: $0) }, "a link block is not found after its block")
    precondition(again.withLinks(links) == rewritten, "a second run changes the document")
    precondition(again.notices.map(\.kind) == markdown.notices.map(\.kind), "the notices changed")
}

/// Draws `document` under every option set, as far as Graphviz.
private func draw(_ document: InputDocument) {
    var focus = "n0"
    if case .spec(let spec) = document {
        if let model = spec.mlp,
           (MLP.parameterCount(inputs: model.sizes[0], outputs: Array(model.sizes.dropFirst())) ?? .max) > maximumFuzzedParameters {
            return
        }
        focus = spec.output ?? focus
    }
    for options in fuzzedOptions + [DrawOptions(focus: focus, focusDepth: 1)] {
        guard let drawing = try? Drawing(document: document, options: options) else { continue }
        _ = drawing.gradientChecks.map(\.note)
        _ = drawing.nonFinite?.description
        for format in [OutputFormat.dot, .json] { _ = try? drawing.rendered(as: format) }
        if let diagram = try? drawing.diagram {
            _ = try? HTMLViewer().page(diagram: diagram, ledger: drawing.backwardLedger, tolerance: DrawOptions.quizTolerance, laysOut: false)
        }
    }
}

/// Bigger models are left to the tests and benchmarks (BigGraphs, mgviz-bench export): 273
/// bytes can ask for an MLP of 38,000 parameters, whose 120,000 nodes took over libFuzzer's
/// 10 s a unit under AddressSanitizer, drawn four ways. Anything else a spec of at most
/// 1 KiB holds is small.
let maximumFuzzedParameters = 10_000

/// Every branch of the exporters: both directions and colourings, the widest precision,
/// the check's marks, forward-only diagrams and collapsed models.
let fuzzedOptions = [
    DrawOptions(rankDirection: .topToBottom, precision: 17, coloring: .grad, checksGradients: true),
    DrawOptions(precision: 0, theme: .dark, showsGradients: false),
    DrawOptions(collapse: .neurons),
]

/// SwiftPM gives every executable a Swift entry point, so libFuzzer's own `main` is not
/// used: built with `-DFUZZING` (as `fuzz/run.sh` does), this runs libFuzzer's driver on
/// `fuzzSpec`; built plainly (as `swift build` does), it replays the files it is given, so
/// that a crash found by `fuzz/run.sh` can be run again under a debugger.
@main
enum FuzzerMain {
    static func main() throws {
        #if FUZZING
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzSpec))
        #else
        for path in CommandLine.arguments.dropFirst() {
            let bytes = try InputFile.read(path, limit: Spec.maximumFileBytes)
            _ = bytes.withUnsafeBufferPointer { fuzzSpec($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count) }
        }
        #endif
    }
}

#if FUZZING
/// libFuzzer's entry for programs with a `main` of their own (llvm.org/docs/LibFuzzer.html).
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt
#endif
