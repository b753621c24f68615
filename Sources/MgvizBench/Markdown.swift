import ArgumentParser
import Foundation
import MgvizKit
import MgvizProcess

/// The figures behind the Markdown limits: what a run of tiny blocks costs per block, whole
/// process, rendered and then checked, up to `MarkdownDocument.maximumBlocksPerRun` and past
/// it; and what parsing costs for the worst documents of `MarkdownDocument.maximumBytes` and
/// of `MarkdownDocument.maximumBracketWork`, each in a child process of its own so that its
/// peak memory is its own.
struct MarkdownBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "markdown",
        abstract: "Time Markdown documents: tiny blocks per run, and parsing the worst documents at the limits.",
        discussion: "Example: swift build -c release && .build/release/mgviz-bench markdown")

    @Option(help: "The mgviz binary; by default the one beside mgviz-bench.")
    var mgviz: String?

    @Option(help: "Runs of each measurement; the median is printed.")
    var runs: Int = 3

    func run() throws {
        let binary = mgviz ?? URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("mgviz").path
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mgviz-bench-markdown-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        let limit = MarkdownDocument.maximumBlocksPerRun
        print("tiny blocks: mgviz guide.md (every image written), then mgviz guide.md --check (all current); medians of \(runs)")
        for info in ["mgviz", "mgviz format=png"] {
            for blocks in [limit / 4, limit / 2, limit] {
                try measureRun(info: info, blocks: blocks, binary: binary, in: folder)
            }
        }
        print("PNG blocks by dpi, each counted as (dpi/96)² blocks: rendered, per block and per counted block")
        for dpi in [96, 192, 384, 768, 1536, 2400] {
            let scale = Double(dpi) / 96, counted = max(1, Int((scale * scale).rounded(.up)))
            try measureRun(info: "mgviz format=png dpi=\(dpi)", blocks: max(1, 200 / counted), binary: binary, in: folder, counted: counted)
        }
        let smallest = "```mgviz\n```\n"
        for (name, text) in [
            ("\(limit + 1) tiny blocks", Self.tinyBlocks(limit + 1)), ("50000 tiny blocks", Self.tinyBlocks(50_000)),
            ("\(MarkdownDocument.maximumBytes) bytes of empty blocks", String(repeating: smallest, count: MarkdownDocument.maximumBytes / smallest.utf8.count)),
        ] {
            let document = folder.appendingPathComponent("over.md").path
            try Data(text.utf8).write(to: URL(fileURLWithPath: document))
            let refusal = try Measurement(spawning: [binary, document, "--check"], expecting: ExitStatus.dataError.rawValue)
            print("refused \(name) in_s \(fixed(refusal.wall)) peak_mb \(Int(refusal.peakMB))")
        }

        print("parsing the worst documents at the limits, each in a child process; medians of \(runs)")
        for shape in MarkdownShape.allCases where shape != .mixed {
            let measured = try (0..<runs).map { _ in
                try Measurement(spawning: ["/proc/self/exe", "markdown-case", shape.rawValue], expecting: 0)
            }
            let report = measured.last!.output.trimmingCharacters(in: .whitespacesAndNewlines)
            print("\(shape.rawValue) \(report) parse_s \(fixed(median(measured.map(\.cpu)))) peak_mb \(Int(measured.map(\.peakMB).max()!))")
        }
    }

    /// `count` blocks of two statements each, one after another.
    static func tinyBlocks(_ count: Int, info: String = "mgviz") -> String {
        String(repeating: "```\(info)\nx = 1.5\ny = x * 2\n```\n\n", count: count)
    }

    /// Renders a fresh document of `blocks` tiny blocks, then checks it, `runs` times; prints
    /// the medians, per block and per counted block.
    private func measureRun(info: String, blocks: Int, binary: String, in folder: URL, counted: Int = 1) throws {
        var render: [Measurement] = [], check: [Measurement] = []
        for _ in 0..<runs {
            let run = folder.appendingPathComponent("run")
            try? FileManager.default.removeItem(at: run)
            try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
            let document = run.appendingPathComponent("guide.md").path
            try Data(Self.tinyBlocks(blocks, info: info).utf8).write(to: URL(fileURLWithPath: document))
            render.append(try Measurement(spawning: [binary, document], expecting: 0))
            check.append(try Measurement(spawning: [binary, document, "--check"], expecting: 0))
        }
        for (name, measured) in [("render", render), ("check", check)] {
            let wall = median(measured.map(\.wall)), cpu = median(measured.map(\.cpu))
            print("\(info.replacingOccurrences(of: " ", with: "_")) blocks \(blocks) \(name) wall_s \(fixed(wall)) cpu_s \(fixed(cpu)) ms_per_block \(fixed(1000 * wall / Double(blocks))) ms_per_counted_block \(fixed(1000 * wall / Double(blocks * counted))) peak_mb \(Int(measured.map(\.peakMB).max()!))")
        }
    }

    private func fixed(_ value: Double) -> String { String(format: "%.3f", value) }
}

/// The worst documents for cmark that mgviz accepts, and one it refuses; and an ordinary one.
enum MarkdownShape: String, CaseIterable, ExpressibleByArgument {
    /// The most nodes for their bytes: emphasis, nested lists, paragraphs, escapes.
    case emphasis, nestedLists = "nested-lists", paragraphs, escapes
    /// Image openers and links in one paragraph, at the bracket-work limit and at twice it.
    case bracketsAtLimit = "brackets-at-limit", bracketsOverLimit = "brackets-over-limit"
    /// 64 KB of blocks in containers, link blocks, stray markers and prose: what the tests
    /// parse many times in one process to see that cmark's trees are freed.
    case mixed

    var bytes: [UInt8] {
        let size = MarkdownDocument.maximumBytes
        func repeated(_ unit: String) -> [UInt8] { Array(String(repeating: unit, count: size / unit.utf8.count).utf8) }
        switch self {
        case .emphasis: return repeated("*a*")
        case .nestedLists: return repeated("- - - a\n")
        case .paragraphs: return repeated("a\n\n")
        case .escapes: return repeated("\\*")
        case .mixed:
            let start = MarkdownDocument.linkStart, end = MarkdownDocument.linkEnd
            let unit = "# Part\n\nSome *prose* with [a link](a.md) and `code`.\n\n> ```mgviz id=q\n> x = 1\n> ```\n> \(start)\n> ![q](q.svg)\n> \(end)\n\n"
                + "1. item\n\n   ```mgviz\n   y = 2\n   ```\n\n\(end)\n<details>\n\(start)\n</details>\n\n"
            return Array(String(repeating: unit, count: (64 << 10) / unit.utf8.count).utf8)
        case .bracketsAtLimit, .bracketsOverLimit:
            // Each `![[]()` opens an image and closes one link: n of them are n² units of work.
            let work = MarkdownDocument.maximumBracketWork * (self == .bracketsAtLimit ? 1 : 2)
            return Array(String(repeating: "![[]()", count: Int(Double(work).squareRoot())).utf8)
        }
    }
}

/// The child side of `markdown`: one document parsed, as the command reads it.
struct MarkdownCase: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "markdown-case", abstract: "One measurement of `markdown`, in its child process.", shouldDisplay: false)

    @Argument var shape: MarkdownShape

    @Option(help: "Parse it this many times, and print the growth of resident memory per parse after the first 20.")
    var count = 1

    func run() throws {
        let bytes = shape.bytes
        var residentAfterWarmUp = residentBytes()
        for round in 1...count {
            do {
                let document = try MarkdownDocument(bytes: bytes)
                if round == count { print("bytes \(bytes.count) accepted blocks \(document.blocks.count) notices \(document.notices.count)") }
            } catch {
                if round == count { print("bytes \(bytes.count) refused") }
            }
            if round == min(20, count) { residentAfterWarmUp = residentBytes() }
        }
        if count > 20 { print("resident_growth_bytes_per_parse \(Double(residentBytes() - residentAfterWarmUp) / Double(count - 20))") }
    }
}

/// One whole-process run: wall and CPU seconds, peak memory, standard output.
struct Measurement {
    let wall: Double
    let cpu: Double
    let peakMB: Double
    let output: String

    /// Runs `arguments` and waits; throws unless it exits with `expected`.
    init(spawning arguments: [String], expecting expected: Int32) throws {
        var stopwatch = Stopwatch()
        let (pid, pipe) = try spawnWithOutputPipe(arguments[0], arguments)
        defer { close(pipe) }
        // Read to the end before waiting, so that a full pipe cannot stall the child.
        let output = readToEnd(pipe)
        var waitStatus: Int32 = 0
        var usage = rusage()
        while wait4(pid, &waitStatus, 0, &usage) < 0 {
            guard errno == EINTR else { throw BenchError("wait4: \(String(cString: strerror(errno)))") }
        }
        wall = stopwatch.lap()
        let exited = (waitStatus & 0x7f) == 0, code = (waitStatus >> 8) & 0xff
        guard exited, code == expected else {
            throw BenchError("\(arguments.joined(separator: " ")) exited with \(exited ? "status \(code)" : "a signal"), not \(expected)")
        }
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        cpu = seconds(usage.ru_utime) + seconds(usage.ru_stime)
        peakMB = Double(usage.ru_maxrss) / 1024
        self.output = String(decoding: output, as: UTF8.self)
    }
}
