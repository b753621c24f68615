import Foundation
import Micrograd
import MgvizExport
import MgvizKit
import MgvizProcess
import MgvizSpec
import Testing
@testable import mgviz

/// Issue 22: every input the limits accept is bounded, and one over a limit is refused where it
/// goes over, with the limit named. Each test checks the refusal's fields and that it stopped
/// at the first count over (so the rest was not built), and that the largest accepted input
/// gives the right result; the time and memory of both are `benchmarks/run.sh bounds`'s.
@Suite struct Bounds {
    /// The limit a spec's text goes over, parsed and evaluated.
    func exceeded(_ text: String, format: InputFormat = .json) -> LimitExceeded? {
        do {
            guard case .spec(let spec) = try InputDocument(bytes: Array(text.utf8), format: format) else { return nil }
            _ = try spec.evaluate()
            return nil
        } catch {
            return error.exceeded
        }
    }

    /// A JSON spec with `inputs` inputs named x0, x1, … and an MLP(inputs, [width]) on them,
    /// relu (so its one layer is linear), seed 1, whose outputs y0, y1, … `define` may use.
    func modelSpec(inputs: Int, width: Int, _ define: String) -> String {
        let names = (0..<inputs).map { "\"x\($0)\"" }
        let values = (0..<inputs).map { "\"x\($0)\": \(Double($0 % 7) / 7)" }.joined(separator: ", ")
        let outputs = (0..<width).map { "\"y\($0)\"" }.joined(separator: ", ")
        return #"{"inputs": {\#(values)}, "mlp": {"sizes": [\#(inputs), \#(width)], "seed": 1, "inputs": [\#(names.joined(separator: ", "))], "outputs": [\#(outputs)]}, "define": ["\#(define)"]}"#
    }

    /// MLP(1000, [666]) and its 1,000 inputs fill the node limit but for 334 nodes: a sum of
    /// 335 of its outputs (334 nodes) fits exactly, one of 400 goes over at its 335th sum.
    @Test func nodesAreCountedAsTheyAreBuilt() throws {
        let modelNodes = try #require(MLP.nodeCount(inputs: 1000, outputs: [666], activation: .relu))
        #expect(modelNodes == 666 * 3001)
        let room = Spec.maximumNodes - 1000 - modelNodes
        #expect(room == 334)

        let fits = (0...room).map { "y\($0)" }.joined(separator: " + ")
        let evaluation = try Spec(bytes: Array(modelSpec(inputs: 1000, width: 666, "z = \(fits)").utf8)).evaluate()
        #expect(evaluation.graph.count == Spec.maximumNodes)
        let sum = (0...room).reduce(0.0) { $0 + evaluation.values["y\($1)"]!.data }
        #expect(evaluation.output.data == sum)

        let over = (0..<400).map { "y\($0)" }.joined(separator: " + ")
        var refusal: SpecError?
        do { _ = try Spec(bytes: Array(modelSpec(inputs: 1000, width: 666, "z = \(over)").utf8)).evaluate() } catch { refusal = error }
        let error = try #require(refusal)
        #expect(error.exceeded == LimitExceeded(.nodes, maximum: Spec.maximumNodes, count: Spec.maximumNodes + 1))
        // The 335th sum is made when the '+' after the 336th term is read: the column of that '+'.
        let column = ("z = " + (0...(room + 1)).map { "y\($0)" }.joined(separator: " + ")).count + 2
        #expect(error.description == "define[0] (z), column \(column): the graph would have 2000001 nodes here, over the limit of 2000000 a spec may build")
    }

    /// A model is counted from its sizes, with the spec's inputs, before any of it is built.
    @Test func aModelOverTheNodeLimitIsRefusedBeforeItIsBuilt() throws {
        var refusal: SpecError?
        do { _ = try Spec(bytes: Array(modelSpec(inputs: 1000, width: 667, "z = y0").utf8)) } catch { refusal = error }
        let error = try #require(refusal)
        #expect(error.exceeded == LimitExceeded(.nodes, maximum: Spec.maximumNodes, count: 1000 + 667 * 3001))
        #expect(error.description.hasSuffix("the graph would have 2002667 nodes here, over the limit of 2000000 a spec may build"))
        // Sizes whose count overflows an Int, as in Hardening.modelSizesThatOverflowAreAnError.
        let absurd = #"{"inputs": {"x": 1}, "mlp": {"sizes": [1, 9007199254740992, 9007199254740992], "seed": 1, "inputs": ["x"], "outputs": ["y"]}, "define": ["z = y"]}"#
        #expect(exceeded(absurd) == LimitExceeded(.nodes, maximum: Spec.maximumNodes, count: .max))
        #expect(specError(absurd)?.hasSuffix("the graph would have more nodes than an Int counts here, over the limit of 2000000 a spec may build") == true)
    }

    /// The model's count is the graph's: parameters, a product and a sum per weight, an activation.
    @Test(arguments: [(2, [16, 16, 1], Activation.relu), (3, [4, 4, 1], .tanh), (5, [7], .relu), (1, [1, 1, 1], .linear)])
    func modelNodeCountIsWhatItBuilds(inputs: Int, outputs: [Int], activation: Activation) throws {
        let graph = Graph()
        let x = (0..<inputs).map { Value(Double($0), in: graph) }
        let model = try MLP(inputs: inputs, outputs: outputs, activation: activation, seed: 7, in: graph)
        _ = model(x)
        #expect(MLP.nodeCount(inputs: inputs, outputs: outputs, activation: activation) == graph.count - inputs)
    }

    /// Each thing that nests counts a level: a unary sign, an open parenthesis or call, an
    /// operator waiting for its right operand (a run of right-associative `**`).
    @Test(arguments: [("-", ""), ("(", ")"), ("tanh(", ")"), ("x ** ", "")])
    func expressionsNestUpToTheLimit(open: String, close: String) throws {
        let depth = Spec.maximumExpressionDepth
        func expression(_ levels: Int) -> String {
            String(repeating: open, count: levels) + (open == "x ** " ? "1" : "x") + String(repeating: close, count: levels)
        }
        let deepest = try evaluate(spec(inputs: #"{"x": 0.5}"#, "y = " + expression(depth)))
        // An even number of signs, or parentheses, leave x; the calls and powers are folded here.
        var expected = 0.5
        if open == "tanh(" { for _ in 0..<depth { expected = Foundation.tanh(expected) } }
        if open == "x ** " { for _ in 1..<depth { expected = Foundation.pow(0.5, expected) } }
        #expect(depth % 2 == 0 && deepest.output.data == expected)

        // One level more, and a stray character after it that is never read: the refusal is
        // where the limit is gone over, not the stray character further on.
        let over = "y = " + expression(depth + 1) + " é"
        var refusal: SpecError?
        do { _ = try evaluate(spec(inputs: #"{"x": 0.5}"#, over)) } catch { refusal = error }
        let error = try #require(refusal)
        #expect(error.exceeded == LimitExceeded(.expressionDepth, maximum: depth, count: depth + 1))
        // The token that opens the level over: the sign, the parenthesis, the call's name, the **.
        let column = "y = ".count + depth * open.count + 1 + (open == "x ** " ? 2 : 0)
        #expect(error.description == "define[0] (y), column \(column): the expression nests 100001 levels deep here, over the limit of 100000 (each '(', call, unary sign and '**' waiting for its operand is a level)")
    }

    /// Names are counted as the text is read: the line over the limit is the one refused, and
    /// the lines after it are not read (a second "output" line is an error where it is read).
    /// The lines before it are read and accepted, as the largest spec of names is
    /// (`benchmarks/run.sh bounds` draws one; in a debug build each read takes seconds).
    @Test func namesAreCountedAsTheTextIsRead() throws {
        let names = Spec.maximumNames
        let text = "x = 0.5\noutput x\n" + (1..<names).map { "v\($0) = x\n" }.joined() + "z = x * 2\noutput z\n"
        var refusal: SpecError?
        do { _ = try Spec(text: Array(text.utf8)) } catch { refusal = error }
        let error = try #require(refusal)
        #expect(error.exceeded == LimitExceeded(.names, maximum: names, count: names + 1))
        #expect(error.description == "line \(names + 2), column 1: the spec names \(names + 1) values by here (inputs and definitions), over the limit of \(names)")
    }

    /// In JSON the reader counts the entries of "inputs" and "define" together, as it reads them.
    @Test func namesAreCountedAsTheJSONIsRead() throws {
        let names = Spec.maximumNames
        let inputs = (0..<10).map { "\"x\($0)\": 1" }.joined(separator: ", ")
        let defines = (10..<names).map { "\"v\($0) = x0\"" }.joined(separator: ",")
        let largest = #"{"inputs": {\#(inputs)}, "define": [\#(defines)]}"#
        let spec = try Spec(bytes: Array(largest.utf8))
        #expect(spec.inputs.count + spec.define.count == names)

        // One more entry, and then text that is not JSON at all: never read.
        let over = #"{"inputs": {\#(inputs)}, "define": [\#(defines),"w = x0", nonsense"#
        var refusal: SpecError?
        do { _ = try Spec(bytes: Array(over.utf8)) } catch { refusal = error }
        let error = try #require(refusal)
        #expect(error.exceeded == LimitExceeded(.names, maximum: names, count: names + 1))
        #expect(error.description.hasSuffix("the spec names \(names + 1) values by here (inputs and definitions), over the limit of \(names)"))
    }

    /// The JSON reader counts every value as it reads it: the refusal is at the first value
    /// over, after the limit's worth were read, and nothing after it is read. The largest
    /// document accepted is a 64 MiB dump (`benchmarks/run.sh bounds`; 7,084,312 values).
    @Test func jsonValuesAreCountedAsTheyAreRead() throws {
        let limit = Spec.maximumJSONValues
        // The top-level object and the array are two values; the array's (limit - 1)th is one over.
        let over = #"{"title": ["# + Array(repeating: "0", count: limit - 1).joined(separator: ",") + ", nonsense"
        var refusal: SpecError?
        do { _ = try Spec(bytes: Array(over.utf8)) } catch { refusal = error }
        let error = try #require(refusal)
        #expect(error.exceeded == LimitExceeded(.jsonValues, maximum: limit, count: limit + 1))
        #expect(error.description == "line 1, column \(12 + 2 * (limit - 2)): the JSON holds 8000001 values by here, over the limit of 8000000")
    }

    /// The readers' fast path for numbers gives the Double the full conversion gives, bit for
    /// bit: in JSON, as a text spec's input, and in an expression.
    @Test func numbersReadAsDoubleReadsThem() throws {
        var texts = ["0", "-0", "0.1", "-0.1", "1e22", "1e23", "1e-22", "1e-23", "123456789012345", "1234567890123456",
                     "9007199254740993", "1.7976931348623157e308", "5e-324", "2.2250738585072014e-308", "0.000001",
                     "1E5", "-1.5e-7", "0.30000000000000004", "4.35e+2", "12345.678901234e-10", "1e0", "100e-2"]
        var generator = MersenneTwister(seed: 22)
        for _ in 0..<2000 {
            let digits = String(Int(generator.uniform(1, 999_999_999_999_999)))
            let point = Int(generator.uniform(0, Double(digits.count)))
            let exponent = Int(generator.uniform(-30, 30))
            texts.append(String(digits.prefix(point)) + (point < digits.count && point > 0 ? "." : "") + digits.dropFirst(point > 0 ? point : 0) + "e\(exponent)")
        }
        let inputs = texts.enumerated().map { "\"x\($0.offset)\": \($0.element)" }.joined(separator: ", ")
        let spec = try Spec(bytes: Array(#"{"inputs": {\#(inputs)}, "define": ["y = x0"]}"#.utf8))
        for (text, input) in zip(texts, spec.inputs) {
            #expect(input.value.bitPattern == Double(text)!.bitPattern, "\(text)")
        }
        let lines = texts.enumerated().map { "x\($0.offset) = \($0.element)\n" }.joined()
        let products = texts.enumerated().map { "c\($0.offset) = x0 * \($0.element)\n" }.joined()
        let textSpec = try Spec(text: Array((lines + products).utf8))
        let evaluation = try textSpec.evaluate()
        for (k, text) in texts.enumerated() {
            #expect(textSpec.inputs[k].value.bitPattern == Double(text)!.bitPattern, "x = \(text)")
            // In an expression a sign is an operator, and Python's -0 is the integer 0.
            if !text.hasPrefix("-") {
                #expect(evaluation.values["c\(k)"]!.operands[1].data.bitPattern == Double(text)!.bitPattern, "x0 * \(text)")
            }
        }
    }

    /// --check's work is inputs × nodes up to the output, known before it runs. Here the
    /// inputs sit just before the output, after a long stretch that does not reach it: the
    /// work counts that stretch, so the check at the limit is cheap to run in a test.
    @Test func checkWorkIsBoundedBeforeItRuns() throws {
        func drawing(inputs: Int, nodes: Int) throws(DrawError) -> Drawing {
            let graph = Graph()
            let output = graph.withScope { () -> Value in
                var filler = Value(1, in: graph)
                // inputs leaves and inputs - 1 sums follow the filler.
                while graph.count < nodes - 2 * inputs + 1 { filler = filler * 1.5 }
                let leaves = (0..<inputs).map { Value(Double($0), label: "x\($0)", in: graph) }
                return leaves.dropFirst().reduce(leaves[0], +)
            }
            #expect(graph.count == nodes)
            output.backward()
            return try withExtendedLifetime(graph) { () throws(DrawError) in
                try Drawing(output: output, options: DrawOptions(checksGradients: true))
            }
        }
        let limit = DrawOptions.maximumCheckWork
        let largest = try drawing(inputs: 40, nodes: limit / 40)
        #expect(largest.gradientChecks.count == 40 && largest.gradientChecks.allSatisfy { $0.result.verdict == .ok && $0.result.autograd == 1 })
        #expect(largest.gradientChecks.allSatisfy { abs($0.result.numeric - 1) < 1e-6 })
        var refusal: DrawError?
        do { _ = try drawing(inputs: 41, nodes: limit / 40) } catch { refusal = error }
        guard case .checkTooCostly(let inputs, let nodes, let maximum)? = refusal else {
            Issue.record("expected the check to be refused, got \(String(describing: refusal))")
            return
        }
        #expect(inputs == 41 && nodes == limit / 40 && maximum == limit)
        #expect(refusal?.exitStatus == .dataError && refusal?.namesInput == true)
    }

    /// Through the command: one line, exit 65, nothing written.
    @Test func theCommandRefusesACheckOverTheLimit() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // 1,000 inputs and 40,001 nodes: 40,001,000, just over.
        let names = (0..<1000).map { "a\($0)" }
        let terms = names + Array(repeating: "a0", count: 39_002 - 1000)
        let text = names.map { "\($0) = 0.5\n" }.joined() + "y = " + terms.joined(separator: " + ") + "\n"
        try Data(text.utf8).write(to: folder.appendingPathComponent("big.mg"))
        let result = try runMgviz(["big.mg", "--check", "-o", "out.svg"], in: folder)
        #expect(result.status == MgvizProcess.ExitStatus.dataError.rawValue)
        #expect(result.stderr == "mgviz: error: big.mg: --check evaluates the graph again for each input: 1000 inputs × 40001 nodes, over the limit of 40000000; check a smaller spec (fewer inputs or nodes), or draw this one without --check\n")
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(result.stdout.isEmpty && left == ["big.mg"])
    }

    /// --explain counts the lines it would print, one per operand use, before building them.
    @Test func explanationsAreBoundedBeforeTheyAreBuilt() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let limit = DrawOptions.maximumExplanationLines
        // A sum of n terms has n - 1 sums, each adding to two operands: 2(n - 1) lines.
        func write(terms: Int) throws {
            let sum = Array(repeating: "x", count: terms).joined(separator: " + ")
            try Data(#"{"inputs": {"x": 0.5}, "define": ["y = \#(sum)"]}"#.utf8).write(to: folder.appendingPathComponent("sum.json"))
        }
        try write(terms: limit / 2 + 1)
        let largest = try runMgviz(["sum.json", "--explain"], in: folder)
        #expect(largest.status == 0, "\(largest.stderr)")
        let lines = String(decoding: largest.stdout, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == limit)
        // The last line is the first sum's, x + x, at its second use of x.
        #expect(lines.last == "step \(limit / 2)  x.grad += (x + x).grad = 1   (x.grad now 1.250e+05, final)")

        try write(terms: limit / 2 + 2)
        let over = try runMgviz(["sum.json", "--explain", "-o", "out.svg"], in: folder)
        #expect(over.status == MgvizProcess.ExitStatus.dataError.rawValue)
        #expect(over.stderr == "mgviz: error: sum.json: backward's ledger (--explain, --format txt) has a line per operand use, and this graph has 250002, over the limit of 250000; explain a smaller spec, or write the grads with -o graph.json\n")
        // The text holds the same ledger: refused alike, before a byte is written.
        let text = try runMgviz(["sum.json", "-o", "sum.txt"], in: folder)
        #expect(text.status == MgvizProcess.ExitStatus.dataError.rawValue && text.stderr == over.stderr)
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(over.stdout.isEmpty && left == ["sum.json"])
    }

    /// The count --explain is refused by is the lines it prints, collapsed or not.
    @Test(arguments: ["softmax", "mlp_lecture"])
    func edgeCountIsTheExplanationsLength(name: String) throws {
        for options in [DrawOptions(), DrawOptions(collapse: .neurons)] {
            let drawing = try sampleDrawing(name, options: options)
            let diagram = try drawing.diagram
            #expect(diagram.edgeCount == drawing.backwardLedger?.explanation().count)
        }
    }
}

/// Issue 22: a UTF-8 byte-order mark leads many files that editors save; it is no part of the
/// text. Anywhere else, it is a character like any other, and an invisible one.
@Suite struct ByteOrderMarks {
    static let mark = "\u{FEFF}"

    /// A spec or dump with a mark draws byte for byte as the same input without it.
    @Test(arguments: [("softmax.json", "json"), ("softmax.mg", "mg"), ("dump", "json")])
    func aLeadingMarkIsSkipped(name: String, inputFormat: String) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var bytes: Data
        if name == "dump" {
            bytes = try runMgviz([sample("softmax").path, "-o", "-", "--format", "json"]).stdout
        } else {
            bytes = try Data(contentsOf: packageRoot.appendingPathComponent("samples/\(name)"))
        }
        let fileName = name == "dump" ? "dump.json" : name
        try bytes.write(to: folder.appendingPathComponent(fileName))
        try (Data(Self.mark.utf8) + bytes).write(to: folder.appendingPathComponent("marked-" + fileName))
        for format in ["dot", "json", "svg"] {
            let plain = try runMgviz([fileName, "-o", "-", "--format", format], in: folder)
            let marked = try runMgviz(["marked-" + fileName, "-o", "-", "--format", format], in: folder)
            #expect(plain.status == 0 && marked.status == 0 && marked.stderr.isEmpty, "\(marked.stderr)")
            #expect(marked.stdout == plain.stdout, "\(name) as \(format)")
            // Standard input too.
            let piped = try runMgviz(["-", "-o", "-", "--format", format, "--input-format", inputFormat], stdin: Data(Self.mark.utf8) + bytes)
            #expect(piped.status == 0 && piped.stdout == plain.stdout, "\(name) from stdin as \(format)")
        }
    }

    /// Columns count from the text, after the mark.
    @Test func columnsCountFromTheText() {
        #expect(specError(Self.mark + #"{"inputs": {"x": 1}, "define": ["y = z"]}"#) == "spec.json: define[0] (y), column 5: unknown name 'z' (expected an input or a name defined earlier)")
        #expect(specError(Self.mark + #"{"inputs": 1}"#) == "spec.json: \"inputs\" (line 1, column 12): expected an object of name: number, got a number")
        #expect(specError(Self.mark + "  \n ") == "spec.json: the file is empty (expected a JSON object with \"inputs\" and \"define\")")
    }

    /// Anywhere else, a mark is an error where any stray character would be, shown escaped.
    @Test(arguments: [
        ("\u{FEFF}\u{FEFF}{}", "spec.json: line 1, column 1: invalid JSON: expected a JSON value, got '\\u{FEFF}'"),
        ("{\u{FEFF}\"inputs\": {}}", "spec.json: line 1, column 2: invalid JSON: expected a key in quotes, got '\\u{FEFF}'"),
        (#"{"inputs": {"\#u{FEFF}x": 1}, "define": ["y = 1"]}"#,
         "spec.json: \"inputs\".\"\\u{FEFF}x\" (line 1, column 21): '\\u{FEFF}x' is not a valid name (expected letters, digits and _, not starting with a digit)"),
        (#"{"inputs": {"x": 1}, "define": ["y = x + \#u{FEFF}1"]}"#, "spec.json: define[0] (y), column 9: unexpected character '\\u{FEFF}'"),
        (#"{"inputs": {"x": 1}, "define": ["y = x"], "output": "y\#u{FEFF}"}"#,
         "spec.json: \"output\": unknown name 'y\\u{FEFF}' (expected an input or a defined name)"),
    ])
    func aMarkElsewhereIsAStrayCharacter(text: String, message: String) {
        #expect(specError(text) == message)
    }

    @Test func aMarkInATextSpecLineIsAStrayCharacter() {
        var refusal: SpecError?
        do { _ = try Spec(text: Array("x = 1\n\u{FEFF}y = x\n".utf8)).evaluate() } catch { refusal = error }
        #expect(refusal.map { "spec.mg: \($0)" } == "spec.mg: line 2, column 1: '\\u{FEFF}y' is not a valid name (expected letters, digits and _, not starting with a digit)")
        #expect(echo("a\u{FEFF}b") == "a\\u{FEFF}b" && escapingControlCharacters("\u{FEFF}") == "\\u{FEFF}")
    }
}
