import Foundation
import Micrograd
import MgvizExport
import MgvizKit
import MgvizSpec
import Testing

/// Issue 11: MgvizKit as Swift programs use it.
@Suite struct Library {
    /// The graph `lectureL()` builds on: a Graph must outlive its Values.
    let graph = Graph()

    /// The lecture's L = (a*b + c) * f, built in Swift and run backward.
    func lectureL() -> Value {
        graph.withScope {
            let a = Value(2.0, label: "a"), b = Value(-3.0, label: "b"), c = Value(10.0, label: "c")
            let f = Value(-2.0, label: "f")
            let e = a * b
            e.label = "e"
            let d = e + c
            d.label = "d"
            let L = d * f
            L.label = "L"
            L.backward()
            return L
        }
    }

    @Test func aValueDrawsWithTheLecturesGrads() throws {
        let dump = try Dump(Data(lectureL().rendered(as: .json)))
        func node(_ label: String) -> Dump.Node { dump.nodes.first { $0.label == label }! }
        // The notebook: L = -8; dL/da = 6, dL/db = -4, dL/dc = -2, dL/df = 4, dL/dd = -2, dL/de = -2.
        #expect(node("L").data == .finite(-8) && node("L").grad == .finite(1))
        #expect([node("a"), node("b"), node("c"), node("f"), node("d"), node("e")].map(\.grad) == [6, -4, -2, 4, -2, -2].map { .finite($0) })
        #expect(dump.output == node("L").id)
    }

    @Test func drawWritesTheFormatItsExtensionNames() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let L = lectureL()
        let svg = folder.appendingPathComponent("loss.svg").path
        try L.draw(to: svg, options: DrawOptions(rankDirection: .topToBottom))
        let text = try String(contentsOfFile: svg, encoding: .utf8)
        #expect(text.hasPrefix("<?xml") && text.contains("<title>n0</title>"))
        let png = try L.rendered(as: .png)
        #expect(png.starts(with: [0x89, 0x50, 0x4e, 0x47]))
        #expect(try L.rendered(as: .dot) == DOTExporter().exportBytes(Diagram(output: L, title: nil, withGrad: true)))
        #expect(throws: DrawError.self) { try L.draw(to: folder.appendingPathComponent("loss.gif").path) }
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("loss.gif").path))
    }

    @Test func errorsAreTypedWithStructuredLocations() throws {
        do throws(SpecError) {
            _ = try Spec(bytes: Array(#"{"inputs": {"x": "two"}, "define": ["y = x"]}"#.utf8))
            Issue.record("a string input was accepted")
        } catch {
            #expect(error.location == .member(["inputs", "x"], TextPosition(line: 1, column: 18)))
            #expect(error.description == #""inputs"."x" (line 1, column 18): expected a number, got a string"#)
        }
        let spec = try Spec(bytes: Array(#"{"inputs": {"x": 2}, "define": ["y = x +* 3"]}"#.utf8))
        #expect {
            try Drawing(spec: spec)
        } throws: { error in
            guard case .spec(let specError) = error as? DrawError else { return false }
            return specError.location == .expression(index: 0, name: "y", column: 8)
        }
        #expect(throws: InvalidOption.integer(.precision, 18, allowed: 0...17)) { try DrawOptions(precision: 18).validate() }
        #expect(throws: InvalidOption.number(.dotsPerInch, 0, allowed: 10...2400)) { try DrawOptions(dotsPerInch: 0).validate() }
        #expect(throws: InvalidOption.exampleWithoutPlate) { try DrawOptions(batch: .all, example: 2).validate() }
    }

    @Test func checksAndExpectationsAreVerdictsNotPrintedLines() throws {
        let wrong = try sampleDrawing("wrong_expect", options: DrawOptions(checksGradients: true))
        #expect(!wrong.isCorrect)
        #expect(wrong.gradientChecks.map(\.result.verdict) == [.ok, .ok, .ok])
        let b = try #require(wrong.expectations.first { $0.name == "b" })
        #expect(!b.isRight && b.expected == 12.079250794881903 && b.computed == 10.25699027111255)
        let marked = try #require(try wrong.diagram.nodes.first { $0.label == "b" })
        #expect(marked.problems == [Diagram.Problem(.expectedGrad, 12.079250794881903)])
    }

    /// A Value of another graph has no place in a diagram, whatever its id.
    @Test func aValueOfAnotherGraphHasNoPosition() throws {
        let first = Graph(), second = Graph()
        try withExtendedLifetime((first, second)) {
            let x = Value(2.0, label: "x", in: first), y = Value(3.0, label: "y", in: second)
            let drawing = try Drawing(output: x * 2)
            #expect(drawing.position(of: x) == 0 && x.id == y.id)
            #expect(drawing.position(of: y) == nil)
        }
    }

    /// The viewer's script names what it draws as NodeNames names a diagram's parts, the names
    /// the replay's ledger finds them by.
    @Test func theViewersScriptUsesTheNamesNodeNamesMakes() throws {
        let script = try String(contentsOf: packageRoot.appendingPathComponent("Sources/MgvizKit/Viewer/viewer.js"), encoding: .utf8)
        #expect(script.contains("const opSuffix = \"\(NodeNames.opSuffix)\";"))
        #expect(script.contains("const idOf = i => \"\(NodeNames.value(at: 0).dropLast())\" + "))
        let page = String(decoding: try lectureL().rendered(as: .html), as: UTF8.self)
        #expect(page.contains(script) && page.contains("\"node\": \"\(NodeNames.value(at: 4))\""))
    }

    /// A Swift program that draws through MgvizKit keeps its process as it set it up: the
    /// library installs no signal handler, arms or stops no timer and blocks no signal (the
    /// limit on a layout's CPU time is the command's alone), and never exits; the program's own
    /// profiling timer ticks through every layout, and the program ends when it chooses.
    @Test func aProgramKeepsItsProcess() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bench = mgvizBinary.deletingLastPathComponent().appendingPathComponent("mgviz-bench")
        let lines = try run(bench, ["library-process", folder.path]).split(separator: "\n")
        #expect(lines.last == "the process is as the program set it", "\(lines)")
        let ticks = lines.first?.split(separator: " ").last.flatMap { Int($0) } ?? 0
        #expect(ticks > 0, "\(lines)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["probe.html", "probe.json", "probe.png", "probe.svg"])
    }

    /// The library, and the modules it brings, never end the process, take or send a signal,
    /// arm a timer or print: only the executables' MgvizProcess does.
    @Test func theLibraryNeverActsOnTheProcess() throws {
        // A call, not a method of the same name (`AgIdDisc.print`).
        let call = /_exit\(|[^\w.]exit\(|signal\(|sigaction|setitimer|[^\w.](?:print|abort|raise|kill)\(/
        var files = 0
        for target in ["Micrograd", "MgvizSpec", "MgvizExport", "MgvizRender", "MgvizFiles", "MgvizKit"] {
            let folder = packageRoot.appendingPathComponent("Sources/\(target)")
            let enumerator = try #require(FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil))
            for case let file as URL in enumerator where file.pathExtension == "swift" {
                files += 1
                let text = try String(contentsOf: file, encoding: .utf8)
                let found = text.firstMatch(of: call).map { String($0.output) }
                #expect(found == nil, "\(file.lastPathComponent): \(found ?? "")")
            }
        }
        #expect(files > 50)
    }
}
