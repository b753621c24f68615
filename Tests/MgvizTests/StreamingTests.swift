import Foundation
import Micrograd
import MgvizExport
import MgvizFiles
import MgvizKit
import MgvizProcess
import MgvizSpec
import Testing

/// Issue 12: DOT and JSON are streamed into their file a buffer at a time, byte for byte
/// what `rendered(as:)` returns, and a stream that fails leaves nothing behind.
@Suite struct Streaming {
    /// The option sets the samples are streamed with: each changes what the exporters write.
    static let optionSets: [DrawOptions] = [
        DrawOptions(),
        DrawOptions(rankDirection: .topToBottom, precision: 7),
        DrawOptions(precision: 0, coloring: .grad),
        DrawOptions(showsGradients: false),
        DrawOptions(checksGradients: true),
        DrawOptions(collapse: .neurons),
        DrawOptions(coloring: .grad, collapse: .neurons),
    ]

    static var samples: [String] { Array(Set(Export.renderings.map(\.sample))).sorted() }

    @Test(arguments: samples) func streamedFilesAreTheRenderedBytes(_ name: String) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A focus too, on a node every sample has.
        for (index, options) in (Self.optionSets + [DrawOptions(focus: "n3", focusDepth: 2)]).enumerated() {
            let drawing: Drawing
            do {
                drawing = try sampleDrawing(name, options: options)
            } catch DrawError.gradsWithoutBackward {
                continue  // wrong_expect expects grads
            }
            for format in [OutputFormat.dot, .json] {
                let path = folder.appendingPathComponent("\(name).\(index).\(format.rawValue)").path
                try drawing.write(as: format, to: path)
                let streamed = try Data(contentsOf: URL(fileURLWithPath: path))
                #expect(streamed == Data(try drawing.rendered(as: format).bytes), "\(name) as \(format) with options \(index)")
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).allSatisfy { !$0.hasPrefix(".mgviz-") })
    }

    /// The layout formats are rendered whole and then written; `write` still writes what
    /// `rendered` returns (a small PNG, at the dpi asked).
    @Test func everyFormatIsWrittenAsRendered() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let drawing = try sampleDrawing("neuron")
        // A PDF says when it was made, to the second.
        func undated(_ bytes: Data) -> String {
            String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: #"/CreationDate \(D:[0-9]+Z\)"#, with: "", options: .regularExpression)
        }
        for format in OutputFormat.allCases {
            let path = folder.appendingPathComponent("neuron.\(format.rawValue)").path
            try drawing.write(as: format, to: path)
            let written = try Data(contentsOf: URL(fileURLWithPath: path)), rendering = try drawing.rendered(as: format)
            #expect(format == .pdf ? undated(written) == undated(Data(rendering.bytes)) : written == Data(rendering.bytes), "\(format)")
            #expect(rendering.reducedDotsPerInch == nil)
        }
    }

    /// A sum of 40,000 terms: about 3 MB of DOT and 7 MB of JSON, so dozens of buffers, and the
    /// drawing's node count in both dumps.
    @Test func aBigGraphStreamsAcrossManyBuffers() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let terms = 40_000
        let graph = Graph()
        let x = Value(1.5, label: "x", in: graph)
        var y = x
        for _ in 1..<terms { y = y + x }
        y.label = "y"
        y.backward()
        let drawing = try Drawing(output: y)
        #expect(drawing.checkedDiagram.nodes.count == terms)
        for format in [OutputFormat.dot, .json] {
            let path = folder.appendingPathComponent("sum.\(format.rawValue)").path
            try drawing.write(as: format, to: path)
            let streamed = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(streamed.count > 40 * TextWriter.bufferSize)
            #expect(streamed == Data(try drawing.rendered(as: format).bytes))
            let text = String(decoding: streamed, as: UTF8.self)
            if format == .json {
                let dump = try Dump(streamed)
                #expect(dump.nodes.count == terms && dump.edges.count == 2 * (terms - 1))
                #expect(dump.nodes.last?.data == .finite(1.5 * Double(terms)) && dump.nodes.first?.grad == .finite(Double(terms)))
            } else {
                #expect(text.components(separatedBy: " [shape=record,").count - 1 == terms)
                #expect(text.components(separatedBy: "_op [shape=ellipse,").count - 1 == terms - 1)
                #expect(text.hasSuffix("  n39999_op -> n39999;\n}\n"))
            }
        }
    }

    /// A focused and a collapsed diagram keep their names when streamed: the whole diagram's,
    /// and positions among the collapsed nodes.
    @Test func partsOfABigGraphStreamWithTheirNames() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let terms = 20_000
        let text = #"{"inputs": {"x": 0.5}, "define": ["y = "# + Array(repeating: "tanh(x)", count: terms).joined(separator: " + ") + #""]}"#
        let drawing = try Drawing(spec: Spec(bytes: Array(text.utf8)), options: DrawOptions(focus: "n30001", focusDepth: 1))
        #expect(drawing.checkedDiagram.nodes.count == 2 * terms)
        let path = folder.appendingPathComponent("part.json").path
        try drawing.write(as: .json, to: path)
        let streamed = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(streamed == Data(try drawing.rendered(as: .json).bytes))
        #expect(try Dump(streamed).nodes.map(\.id) == ["n29999", "n30000", "n30001", "n30003"])
    }

    /// Pieces of every size, across the buffer's end and bigger than the buffer, reach the
    /// drain whole and in order.
    @Test func theWriterHandsEveryByteOnInOrder() {
        var expected: [UInt8] = []
        var chunks: [[UInt8]] = []
        do {
            var out = TextWriter { chunks.append(Array($0)); return true }
            var generator = SystemRandomNumberGenerator()
            for round in 0..<2_000 {
                let length = round % 97 == 0 ? Int.random(in: 0...(3 * TextWriter.bufferSize), using: &generator) : Int.random(in: 0...300, using: &generator)
                let piece = (0..<length).map { UInt8(truncatingIfNeeded: $0 &+ round) }
                out.write(piece)
                expected += piece
                out.write(round)
                expected += Array(String(round).utf8)
                out.write("|")
                expected += Array("|".utf8)
            }
            out.flush()
            let failed = out.failed
            #expect(!failed)
        }
        #expect(Array(chunks.joined()) == expected)
        #expect(chunks.count > 10 && chunks.allSatisfy { !$0.isEmpty })
    }

    /// A producer that throws halfway, after many buffers went out: nothing is left at a new
    /// target, an old one keeps its bytes, and no temp file stays in the folder.
    @Test func aFailedStreamLeavesNoPartialFile() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fresh = folder.appendingPathComponent("fresh.dot"), old = folder.appendingPathComponent("old.dot")
        try Data("precious".utf8).write(to: old)
        let stop = FileError.cannotWrite(path: "test", reason: "stopped halfway")
        for target in [fresh, old] {
            #expect(throws: stop) {
                try OutputFile.write(to: target.path) { (out: inout TextWriter) throws(FileError) -> Void in
                    for _ in 0..<20_000 { out.write("  n1 -> n2_op;\n") }
                    throw stop
                }
            }
        }
        #expect(!FileManager.default.fileExists(atPath: fresh.path))
        #expect(try Data(contentsOf: old) == Data("precious".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["old.dot"])
    }

    /// A real write failure: the file-size limit makes write(2) fail with EFBIG midway through
    /// a 7 MB dump. The CLI says so and exits 73; the old file is whole, no temp file stays.
    @Test func aWriteThatFailsMidwayLeavesTheTargetWhole() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let terms = Array(repeating: "x", count: 40_000).joined(separator: " + ")
        try Data(#"{"inputs": {"x": 1.5}, "define": ["y = \#(terms)"]}"#.utf8).write(to: folder.appendingPathComponent("sum.json"))
        try Data("precious".utf8).write(to: folder.appendingPathComponent("out.json"))
        // 1,024 blocks of 1 KiB; SIGXFSZ ignored, so that the write fails instead of killing.
        let script = "trap '' XFSZ; ulimit -f 1024; exec \"$0\" sum.json -o out.json"
        let result = try runProgram(URL(fileURLWithPath: "/bin/bash"), ["-c", script, mgvizBinary.path], in: folder)
        #expect(result.status == MgvizProcess.ExitStatus.cannotCreate.rawValue)
        #expect(result.stderr == "mgviz: error: cannot write out.json: File too large\n", "\(result.stderr)")
        #expect(try Data(contentsOf: folder.appendingPathComponent("out.json")) == Data("precious".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["out.json", "sum.json"])
    }

    /// While the bytes made match the file there, nothing is written: the same bytes leave it
    /// alone (same inode, same timestamp); a difference anywhere, or a different length,
    /// replaces it with exactly the new bytes.
    @Test func aFileIsReplacedOnlyWhereItDiffers() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("out.json")
        let base = (0..<(5 * TextWriter.bufferSize + 123)).map { UInt8(truncatingIfNeeded: $0 * 7 + $0 / 251) }
        func write(_ bytes: [UInt8], inPiecesOf size: Int) throws {
            try OutputFile.write(to: target.path) { out in
                var start = 0
                while start < bytes.count {
                    out.write(Array(bytes[start..<min(bytes.count, start + size)]))
                    start += size
                }
            }
        }
        func identity() -> (inode: ino_t, seconds: Int, nanoseconds: Int) {
            var info = stat()
            #expect(stat(target.path, &info) == 0)
            return (info.st_ino, info.st_mtim.tv_sec, info.st_mtim.tv_nsec)
        }
        try write(base, inPiecesOf: 1000)
        #expect(try Data(contentsOf: target) == Data(base))
        let first = identity()
        usleep(20_000)
        for size in [1, 4096, TextWriter.bufferSize + 1, base.count] {
            try write(base, inPiecesOf: size)
            #expect(identity() == first, "rewritten in pieces of \(size)")
        }
        var changedLate = base
        changedLate[4 * TextWriter.bufferSize + 17] ^= 1
        let variants: [(String, [UInt8])] = [
            ("longer", base + [1, 2, 3]), ("shorter", Array(base.dropLast(200))), ("empty", []),
            ("changed late", changedLate), ("changed first", [base[0] ^ 1] + base.dropFirst()),
        ]
        for (name, bytes) in variants {
            let before = identity()
            try write(bytes, inPiecesOf: 777)
            #expect(try Data(contentsOf: target) == Data(bytes), "\(name)")
            #expect(identity().inode != before.inode, "\(name)")
            try write(base, inPiecesOf: base.count)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["out.json"])
    }
}

@testable import MgvizExport

extension NumberFormatting {
    /// Numbers written into the buffer read exactly as their Strings: `exactText`'s shortest
    /// digits (Swift's own `description`), `fixedText`'s fixed decimals, and Ints.
    @Test func numbersInTheBufferAreTheirStrings() {
        var random = SystemRandomNumberGenerator()
        var values: [Double] = [
            0, -0.0, 1, -1, 0.5, 1.5, -2.5, 1e15, 1e16, 0x1p53 - 1, 0x1p53, 0x1p53 + 2, -0x1p53 + 1, 123456789012345.0,
            .leastNonzeroMagnitude, 2.2250738585072014e-308, .greatestFiniteMagnitude, 1e-7, 0.1, 0.041772570515350445, .nan, .infinity,
            -.infinity,
        ]
        for _ in 0..<20_000 {
            // Any bit pattern; whole numbers of every size; short binary fractions, which
            // take the paths that skip the general algorithms.
            values.append(Double(bitPattern: UInt64.random(in: .min ... .max, using: &random)))
            values.append(Double(Int64.random(in: -(1 << 53)...(1 << 53), using: &random) >> Int64.random(in: 0...52, using: &random)))
            values.append(Double(Int.random(in: -1_000_000...1_000_000, using: &random)) / Double(1 << Int.random(in: 0...12, using: &random)))
        }
        var out = TextWriter(capacity: 0)
        var expected = ""
        for (index, value) in values.enumerated() {
            out.write(exact: value)
            expected += value.isFinite ? value.description : exactText(value)
            out.write("|")
            expected += "|"
            if index % 7 == 0 {
                let decimals = index % 18
                out.write(fixed: value, decimals: decimals)
                // printf is the reference; it spells NaN and the infinities its own way.
                expected += value.isFinite ? cFormat("%.*f", decimals, value) : fixedText(value, decimals: decimals)
                out.write("|")
                expected += "|"
            }
        }
        for number in [0, 1, -1, 9, 10, 99, 100, 1234567, .max, .min] + (0..<5000).map({ _ in Int.random(in: .min ... .max, using: &random) >> Int.random(in: 0...63, using: &random) }) {
            out.write(number)
            expected += "\(number)|"
            out.write("|")
        }
        let written = String(decoding: out.finish(), as: UTF8.self)
        #expect(written == expected)
    }
}
