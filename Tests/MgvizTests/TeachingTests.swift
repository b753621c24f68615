import Foundation
import Micrograd
import MgvizExport
import MgvizKit
import MgvizProcess
import MgvizSpec
import Testing

/// Issue 26, the Swift side: every node has a name a learner can read, the ledger writes the
/// chain rule in symbols too, its numbers check by hand, leaves take no steps of their own,
/// and the graph can be read as plain text.
@Suite struct Teaching {
    /// Every sample, as samples/renderings.tsv lists them, and the moons point.
    static let samples = ["softmax", "derivatives", "neuron", "wrong_expect", "nan", "dead_relu", "mlp_lecture", "moons_point", "moons_batch"]

    /// The names of a spec's nodes, and the drawing.
    func names(_ text: String) throws -> (ValueNames, Diagram) {
        let diagram = try Drawing(spec: Spec(text: Array(text.utf8))).diagram
        return (diagram.valueNames, diagram)
    }

    /// The expression that made the spec's last node, `z`.
    func expression(_ define: String) throws -> String? {
        let (names, diagram) = try names("a = 2.0\nb = 3.0\nc = 4.0\nz = \(define)\n")
        return names.expression(at: diagram.output)
    }

    // MARK: names

    @Test func softmaxNamesEveryNode() throws {
        let diagram = try sampleDiagram("softmax")
        let names = diagram.valueNames
        let all = (0..<diagram.nodes.count).map { names.name(at: $0) }
        #expect(all == [
            "x0", "x1", "x2", "x3", "e0", "e1", "e2", "e3", "e0 + e1", "e0 + e1 + e2", "total", "total**-1", "p3", "log(p3)", "-1", "loss",
        ])
        // micrograd builds -log(p3) as log(p3) * -1, and e3 / total as e3 * total**-1.
        #expect(names.expression(at: 15) == "-log(p3)")
        #expect(names.expression(at: 12) == "e3 / total")
        #expect(names.expression(at: 10) == "e0 + e1 + e2 + e3")
        #expect(names.expression(at: 0) == nil)
        #expect([8, 13, 14, 15].map(names.source(at:)) == [.expression, .expression, .constant, .label])
    }

    /// micrograd's spellings read back where the structure says so, with Python's brackets.
    @Test(arguments: [
        ("-a", "-a"), ("a - b", "a - b"), ("a - 2", "a - 2"), ("a / b", "a / b"), ("2 / b", "2 / b"), ("a / 4", "a * 0.25"),
        ("1 - a", "-a + 1"), ("-(a * b)", "-(a * b)"), ("-a**2", "-a**2"), ("(a + b) * c", "(a + b) * c"), ("a * (b + c)", "a * (b + c)"),
        ("a - (b - c)", "a - (b - c)"), ("a - b - c", "a - b - c"), ("(a + b)**2", "(a + b)**2"), ("a**b", "a**b"),
        ("(a * b)**c", "(a * b)**c"), ("a**(b + c)", "a**(b + c)"), ("exp(a) + log(b)", "exp(a) + log(b)"),
        ("relu(a) * sigmoid(b)", "relu(a) * sigmoid(b)"), ("tanh(a - b)", "tanh(a - b)"), ("sin(a) / cos(b)", "sin(a) / cos(b)"),
        ("a * 0.1", "a * 0.1"), ("a * 3.14159265", "a * ≈3.142"), ("-(a - b)", "-(a - b)"),
    ])
    func expressionsReadAsTheyAreWritten(written: String, named: String) throws {
        #expect(try expression(written) == named)
    }

    /// A long chain keeps its last terms; the cut is `…`, and no name is over 32 characters
    /// when its operands' names are short.
    @Test func longNamesAreCutFromTheLeft() throws {
        let inputs = (0..<16).map { "x\($0) = \($0).0" }.joined(separator: "\n")
        let (names, diagram) = try names(inputs + "\ny = " + (0..<16).map { "x\($0)" }.joined(separator: " + ") + "\n")
        #expect(names.expression(at: diagram.output) == "… + x11 + x12 + x13 + x14 + x15")
        // The sums before it: x0 + x1, …, then a sliding window of the last terms.
        #expect(names.name(at: 16) == "x0 + x1")
        #expect(names.name(at: 21) == "x0 + x1 + x2 + x3 + x4 + x5 + x6")
        #expect(names.name(at: 22) == "… + x2 + x3 + x4 + x5 + x6 + x7")
        for position in 16..<diagram.nodes.count { #expect(names.name(at: position).count <= ValueNames.maximumLength) }
        // Inside a call, the sum keeps its last terms too.
        let (wrapped, part) = try self.names(inputs + "\ny = exp(" + (0..<10).map { "x\($0)" }.joined(separator: " + ") + ")\n")
        #expect(wrapped.expression(at: part.output) == "exp(… + x5 + x6 + x7 + x8 + x9)")
        // A chain of calls keeps its outer ones: tanh five deep is 31 characters, the sixth
        // would be 37, so its operand is `…`; the names never grow past the limit.
        let (chain, _) = try self.names("x = 0.5\ny = " + String(repeating: "tanh(", count: 12) + "x" + String(repeating: ")", count: 12) + "\n")
        #expect(chain.name(at: 5) == "tanh(tanh(tanh(tanh(tanh(x)))))")
        #expect([6, 7, 10, 11].map(chain.name(at:)) == ["tanh(…)", "tanh(tanh(…))", "tanh(tanh(tanh(tanh(tanh(…)))))", "tanh(…)"])
        #expect(chain.expression(at: 12) == "tanh(tanh(…))")
    }

    /// A model's parameters keep its names, a neuron's output is its neuron, and what the
    /// neuron computes is written with them.
    @Test func theLectureMLPNamesItsParts() throws {
        let diagram = try sampleDiagram("mlp_lecture")
        let names = diagram.valueNames
        let all = Set((0..<diagram.nodes.count).map { names.name(at: $0) })
        #expect(all.isSuperset(of: ["L1 N4 w2", "L1 N4 b", "L3 N1 w4", "x1", "(L1 N1 w1) * x1", "(L1 N1 b) + (L1 N1 w1) * x1", "… + (L1 N1 w3) * x3"]))
        for neuron in ["L1 N1", "L1 N4", "L2 N2"] {
            let position = try #require((0..<diagram.nodes.count).first { names.name(at: $0) == neuron })
            #expect(names.source(at: position) == .neuron && diagram.nodes[position].op == "tanh")
        }
        #expect(names.expression(at: diagram.output) == "(y - 1)**2")
        // The second layer's products name the first layer's neurons they use.
        #expect(all.contains("(L2 N1 w4) * (L1 N4)"))
    }

    /// A graph traced from Python without names: every node has one, none is an id.
    @Test func aDumpWithoutLabelsIsNamedThroughout() throws {
        var dump = try JSONSerialization.jsonObject(with: Data(try sampleDrawing("mlp_lecture").rendered(as: .json).bytes)) as! [String: Any]
        dump["nodes"] = (dump["nodes"] as! [[String: Any]]).map { node in
            var node = node
            node["label"] = ""
            node["cluster"] = NSNull()
            if node["kind"] as? String == "input" { node["kind"] = "constant" }
            return node
        }
        let text = try JSONSerialization.data(withJSONObject: dump)
        let drawing = try Drawing(document: InputDocument(bytes: Array(text)))
        let diagram = try drawing.diagram
        let names = diagram.valueNames
        for position in 0..<diagram.nodes.count {
            let name = names.name(at: position)
            #expect(!name.isEmpty && !Self.hasID(name), "\(diagram.nodes[position].id): \(name)")
        }
        // The leaves are named by their values, and the loss by what made it.
        #expect(names.name(at: 0) == "2")
        #expect(names.name(at: diagram.output) == "(… + ≈-0.8802 * … - 1)**2" || names.name(at: diagram.output).hasSuffix("**2"))
        let lines = try #require(drawing.backwardLedger).explanation() + (try #require(drawing.backwardLedger).explanation(.symbols))
        #expect(lines.count == 2 * diagram.edgeCount && !lines.contains(where: Self.hasID))
    }

    /// Whether `text` holds an id, `n` and digits as a word.
    static func hasID(_ text: String) -> Bool { text.contains(/(^|[^A-Za-z0-9_])n[0-9]+($|[^A-Za-z0-9_\[])/) }

    /// No line a learner reads names a node by its id: --explain in either notation, the
    /// text, and every record's first line.
    @Test(arguments: samples) func noIDsWhereALearnerReads(name: String) throws {
        for collapse in [nil, DrawOptions.Collapse.neurons] {
            let drawing = try sampleDrawing(name, options: DrawOptions(collapse: collapse))
            let ledger = try #require(drawing.backwardLedger)
            for line in ledger.explanation() + ledger.explanation(.symbols) { #expect(!Self.hasID(line), "\(name): \(line)") }
            let text = String(decoding: try drawing.rendered(as: .txt).bytes, as: UTF8.self)
            for line in text.split(separator: "\n") { #expect(!Self.hasID(String(line)), "\(name): \(line)") }
            let dot = String(decoding: try drawing.rendered(as: .dot).bytes, as: UTF8.self)
            for match in dot.matches(of: /label="\{([^|}]*)/) { #expect(!Self.hasID(String(match.output.1)), "\(name): \(match.output.1)") }
        }
    }

    /// The record's first line tells a label from a name mgviz made; the tooltip keeps the id
    /// on its second line.
    @Test func recordsShowDerivedNamesAfterAnEqualsSign() throws {
        let dot = String(decoding: try sampleDrawing("softmax").rendered(as: .dot).bytes, as: UTF8.self)
        #expect(dot.contains(##"n13 [shape=record, fillcolor="#ffffff", label="{=\ log(p3)|data -2.1755|grad -1.0000}", tooltip="= log(p3)\nn13\ndata = -2.1755153626167147\ngrad = -1.0"];"##))
        #expect(dot.contains(##"n14 [shape=record, fillcolor="#e9ecef", label="{-1|data -1.0000|grad -2.1755}""##))
        #expect(dot.contains(#"label="{loss|data 2.1755|grad 1.0000}", tooltip="loss\nn15\n"#))
        let mlp = String(decoding: try sampleDrawing("mlp_lecture").rendered(as: .dot).bytes, as: UTF8.self)
        #expect(mlp.contains(#"label="{=\ L1\ N1|data 0.7347|"#))
    }

    // MARK: the ledger

    /// Each op's local rule, in general and with the diagram's names, and the chain rule's
    /// line: y = op(a[, b]) with a = 2, b = 3, and z = y * c with c = 0.5, so that ∂z/∂y = 0.5.
    @Test(arguments: [
        ("a + b", ["∂(a + b)/∂a = 1", "∂(a + b)/∂b = 1"], ["1", "1"], [1.0, 1.0]),
        ("a * b", ["∂(a·b)/∂a = b", "∂(a·b)/∂b = a"], ["b", "a"], [3, 2]),
        ("a**3", ["∂(a**k)/∂a = k·a**(k-1)"], ["3·a**2"], [12]),
        ("a**0.5", ["∂(a**k)/∂a = k·a**(k-1)"], ["0.5·a**-0.5"], [0.5 / 2.0.squareRoot()]),
        ("a**b", ["∂(a**b)/∂a = b·a**(b-1)", "∂(a**b)/∂b = a**b·log(a)"], ["b·a**(b - 1)", "y·log(a)"], [12, 8 * log(2.0)]),
        ("exp(a)", ["∂exp(a)/∂a = exp(a)"], ["y"], [exp(2.0)]),
        ("log(a)", ["∂log(a)/∂a = 1/a"], ["1/a"], [0.5]),
        ("tanh(a)", ["∂tanh(a)/∂a = 1 - tanh(a)**2"], ["(1 - y**2)"], [1 - tanh(2.0) * tanh(2.0)]),
        ("relu(a)", ["∂relu(a)/∂a = 1 if a > 0 else 0"], ["(1 if y > 0 else 0)"], [1]),
        ("sigmoid(a)", ["∂sigmoid(a)/∂a = sigmoid(a)·(1 - sigmoid(a))"], ["y·(1 - y)"], [exp(-2.0) / ((1 + exp(-2.0)) * (1 + exp(-2.0)))]),
        ("sin(a)", ["∂sin(a)/∂a = cos(a)"], ["cos(a)"], [cos(2.0)]),
        ("cos(a)", ["∂cos(a)/∂a = -sin(a)"], ["-sin(a)"], [-sin(2.0)]),
    ])
    func eachOpsLocalRule(op: String, rules: [String], symbols: [String], derivatives: [Double]) throws {
        let drawing = try Drawing(spec: Spec(text: Array("a = 2.0\nb = 3.0\nc = 0.5\ny = \(op)\nz = y * c\n".utf8)))
        let ledger = try #require(drawing.backwardLedger)
        let step = try #require(ledger.steps.first { $0.name == "y" })
        #expect(step.uses.map(\.rule) == rules && step.uses.map(\.localSymbol) == symbols)
        for (use, derivative) in zip(step.uses, derivatives) {
            #expect(isClose(use.local, derivative, relative: 1e-12), "\(op): \(use.local)")
            // ∂z/∂a += ∂z/∂y · ∂y/∂a = 0.5 × (local rule) = 0.5 × (its value) = (the product).
            let operand = use.operandName
            let rule = symbols[use.slot] == "1" ? "" : "0.5 × \(symbols[use.slot]) = "
            #expect(use.symbols == "∂z/∂\(operand) += ∂z/∂y · ∂y/∂\(operand) = \(rule)0.5 × \(use.handLocal) = \(use.handAmount)")
            #expect(abs(Double(use.handLocal)! - derivative) <= lastDigitUnit(use.handLocal) / 2)
            #expect(try checksByHand(use.symbols) == true)
        }
    }

    /// The notebook's code, with names: the lecture's L, where b is used twice.
    @Test func explainPrintsTheNotebooksCodeWithNames() throws {
        let drawing = try Drawing(spec: Spec(text: Array(Learner.reused.utf8)))
        #expect(try drawing.explanation() == [
            "step 1  L.grad += g.grad = 1   (L.grad now 1)",
            "step 1  (b * b).grad += g.grad = 1   ((b * b).grad now 1)",
            "step 2  b.grad += b.data * (b * b).grad = -3 * 1 = -3   (b.grad now -3)",
            "step 2  b.grad += b.data * (b * b).grad = -3 * 1 = -3   (b.grad now -6)",
            "step 3  d.grad += f.data * L.grad = -2 * 1 = -2   (d.grad now -2)",
            "step 3  f.grad += d.data * L.grad = 4 * 1 = 4   (f.grad now 4, final)",
            "step 4  e.grad += d.grad = -2   (e.grad now -2)",
            "step 4  c.grad += d.grad = -2   (c.grad now -2, final)",
            "step 5  a.grad += b.data * e.grad = -3 * -2 = 6   (a.grad now 6, final)",
            "step 5  b.grad += a.data * e.grad = 2 * -2 = -4   (b.grad now -10, final)",
        ])
    }

    /// The lecture's neuron in symbols (x1 = 2, w1 = -3, o = tanh(n) with ∂o/∂n = 1 - o² = 0.5
    /// in the notebook): the chain rule said once, and each line with its local derivative.
    @Test func explainWritesTheChainRuleInSymbols() throws {
        let result = try runMgviz([sample("neuron").path, "--explain", "--notation", "symbols"])
        let lines = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
        let edges = try sampleDiagram("neuron").edgeCount
        #expect(result.status == 0 && lines.count == 1 + edges)
        #expect(lines.first == "backward by the chain rule: each step runs one node's _backward, and for each operand a of that node n, ∂o/∂a += ∂o/∂n · ∂n/∂a: n's grad times the local derivative of n's op")
        #expect(lines.contains("step 5  ∂o/∂x1 += ∂o/∂x1w1 · ∂x1w1/∂x1 = 0.5000 × w1 = 0.5000 × -3 = -1.500   (local derivative ∂(a·b)/∂a = b; ∂o/∂x1 now -1.500, final)"))
        #expect(lines.contains("step 1  ∂o/∂n += ∂o/∂o · ∂o/∂n = 1 × (1 - o**2) = 1 × 0.5000 = 0.5000   (local derivative ∂tanh(a)/∂a = 1 - tanh(a)**2; ∂o/∂n now 0.5000)"))
        // The code notation has no legend: one line per contribution, as before.
        let code = try runMgviz([sample("neuron").path, "--explain"])
        #expect(String(decoding: code.stdout, as: UTF8.self).hasPrefix("step 1  n.grad += (1 - o.data**2) * o.grad = 0.5000 * 1 = 0.5000   (n.grad now 0.5000)\n"))
    }

    /// The shown factors multiply to the shown result within half a unit of its last digit,
    /// on every ledger line of every sample, in both notations, collapsed or not: a product
    /// `A * B = C` or `A × B = C` at the end of a line, the numbers as the line shows them.
    @Test(arguments: samples) func everyProductChecksByHand(name: String) throws {
        var checked = 0
        for collapse in [nil, DrawOptions.Collapse.neurons] {
            let ledger = try #require(try sampleDrawing(name, options: DrawOptions(collapse: collapse)).backwardLedger)
            for use in ledger.steps.flatMap(\.uses) {
                for line in [use.text, use.symbols] {
                    switch try checksByHand(line) {
                    case true?: checked += 1
                    case false?: Issue.record("\(name): \(line)")
                    case nil: #expect(line.hasSuffix("= \(use.handAmount)"), "\(name): \(line)")
                    }
                }
                #expect(use.handAmount == significantText(use.amount, digits: 4))
            }
        }
        #expect(checked > 0)
    }

    /// At other precisions too: the result has that many significant digits.
    @Test(arguments: [1, 2, 6]) func productsCheckByHandAtAnyPrecision(precision: Int) throws {
        let ledger = try #require(try sampleDrawing("moons_point", options: DrawOptions(precision: precision)).backwardLedger)
        for use in ledger.steps.flatMap(\.uses) where !use.text.hasSuffix(".grad = \(use.handAmount)") {
            #expect(try checksByHand(use.text) == true, "\(use.text)")
        }
    }

    /// Whether the product at the end of `line` checks by hand: nil when it shows none (a
    /// sum's line, a NaN). The rule: |A × B − C| ≤ half a unit of C's last digit, with a
    /// billionth of slack for the Doubles' own rounding.
    func checksByHand(_ line: String) throws -> Bool? {
        let number = #"(-?[0-9]+(?:\.[0-9]+)?(?:e[-+][0-9]+)?)"#
        guard let match = line.firstMatch(of: try Regex(number + " [*×] " + number + " = " + number + "$")) else { return nil }
        let texts = (1...3).map { String(match.output[$0].substring!) }
        let (a, b, c) = (Double(texts[0])!, Double(texts[1])!, Double(texts[2])!)
        return abs(a * b - c) <= lastDigitUnit(texts[2]) / 2 * (1 + 1e-9)
    }

    /// The value of the last digit `text` shows, worked out here on its own: 0.01 for
    /// `-23.94`, 1e-08 for `1.235e-05`.
    func lastDigitUnit(_ text: String) -> Double {
        let parts = text.split(separator: "e")
        let decimals = parts[0].split(separator: ".").dropFirst().first?.count ?? 0
        return pow(10, Double((parts.count > 1 ? Int(parts[1])! : 0) - decimals))
    }

    @Test func significantDigits() {
        #expect(significantText(-0.0017466, digits: 4) == "-0.001747")
        #expect(significantText(-23.939154034883323, digits: 4) == "-23.94")
        #expect(significantText(0.5, digits: 4) == "0.5" && significantText(-3, digits: 4) == "-3" && significantText(-0.0, digits: 4) == "0")
        #expect(significantText(1.0 / 3, digits: 4) == "0.3333" && significantText(9.99996, digits: 4) == "10.00")
        #expect(significantText(125001, digits: 4) == "1.250e+05" && significantText(1234.5678, digits: 4) == "1235")
        #expect(significantText(0.000012345678, digits: 4) == "1.235e-05" && significantText(.nan, digits: 4) == "NaN")
        // The notebook's factors at 4 decimals missed by 0.0011; these do not.
        let product = HandProduct(-0.0017449 - 0.00000001, -23.939154034883323, product: 0.041772570515350445, digits: 4)
        #expect(product.product == "0.04177")
        #expect(abs(Double(product.left)! * Double(product.right)! - 0.04177) <= 0.000005)
    }

    // MARK: pacing

    /// A leaf's step adds nothing: by default it has none, and its grad is final at its last
    /// contribution, noted there. Softmax has 5 leaves of 16 nodes, the lecture MLP 45 of 120,
    /// the moons point 341 of 984.
    @Test(arguments: [("softmax", 16, 5), ("mlp_lecture", 120, 45), ("moons_point", 984, 341)])
    func leafStepsAreFolded(name: String, nodes: Int, leaves: Int) throws {
        let diagram = try sampleDiagram(name)
        #expect(diagram.nodes.count == nodes && diagram.nodes.count { $0.operands.isEmpty } == leaves)
        let paced = try #require(try sampleDrawing(name).backwardLedger)
        let all = try #require(try sampleDrawing(name, options: DrawOptions(backwardSteps: .all)).backwardLedger)
        #expect(paced.steps.count == nodes - leaves && all.steps.count == nodes)
        #expect(paced.contributionCount == all.contributionCount)
        // Each leaf is noted once, at the step of its latest result: the first, in backward's
        // order, of the results that use it, each of which runs before it.
        var lastUser: [Int: Int] = [:]
        for (position, node) in diagram.nodes.enumerated() {
            for operand in node.operands where diagram.nodes[operand].operands.isEmpty { lastUser[operand] = lastUser[operand] ?? position }
        }
        var noted: [Int: Int] = [:]
        for step in paced.steps { for leaf in step.leaves { noted[leaf] = step.node } }
        #expect(noted.count == leaves && noted == lastUser)
        // Under .all each leaf's own step says so.
        let lines = all.explanation()
        #expect(lines.count { $0.contains(" is a leaf: its _backward does nothing") } == leaves)
        #expect(paced.explanation().count { $0.hasSuffix(", final)") } == leaves)
    }

    @Test func stepsAndNotationAreForTheLedger() throws {
        let path = sample("softmax").path
        let all = try runMgviz([path, "--explain", "--steps", "all"])
        #expect(all.status == 0 && String(decoding: all.stdout, as: UTF8.self).hasSuffix("step 16  x0 is a leaf: its _backward does nothing   (x0.grad is 0.04177)\n"))
        for (option, value) in [("--notation", "symbols"), ("--steps", "all")] {
            let stray = try runMgviz([path, option, value, "-o", "-", "--format", "svg"])
            #expect(stray.status == MgvizProcess.ExitStatus.usage.rawValue)
            #expect(stray.stderr.hasPrefix("mgviz: error: \(option) is for backward's ledger: give it with --explain or --format txt"))
        }
        let page = try runMgviz([path, "--steps", "all", "-o", "-", "--format", "html"])
        #expect(page.status == 0, "\(page.stderr)")
        let text = try runMgviz([path, "--notation", "symbols", "-o", "-", "--format", "txt"])
        #expect(String(decoding: text.stdout, as: UTF8.self).contains("step 1  ∂loss/∂log(p3) += ∂loss/∂loss · ∂loss/∂log(p3) = 1 × -1 = -1"))
    }

    /// The page's data carries the names and the numbers as they check by hand, and its
    /// replay is paced as --explain is: softmax's 16 nodes take 11 steps, 16 under --steps all.
    @Test func thePageIsGivenNamesAndHandNumbers() throws {
        let page = String(decoding: try runMgviz([sample("softmax").path, "-o", "-", "--format", "html"]).stdout, as: UTF8.self)
        // -0.0017449 × -23.939 = 0.0417711…, within half a unit of 0.04177.
        #expect(page.contains(#""operandName": "total", "handLocal": "-0.0017449", "handGrad": "-23.939", "handAmount": "0.04177", "handTotal": "0.04177""#))
        #expect(page.contains(#""rule": "∂(a**k)/∂a = k·a**(k-1)", "localSymbol": "-1·total**-2""#))
        #expect(page.contains(#"{"node": "n7", "grad": -0.32610687065609184, "gradText": "-0.3261", "name": "e3", "handGrad": "-0.3261", "leaves": ["n3"]"#))
        #expect(page.contains(#""output": "n15", "outputName": "loss", "#))
        #expect(page.components(separatedBy: #"{"node": "#).count - 1 == 11)
        let all = String(decoding: try runMgviz([sample("softmax").path, "--steps", "all", "-o", "-", "--format", "html"]).stdout, as: UTF8.self)
        #expect(all.components(separatedBy: #"{"node": "#).count - 1 == 16)
    }

    // MARK: text and alt text

    /// `--format txt` of softmax and the lecture MLP, as committed.
    @Test(arguments: ["softmax", "mlp_lecture"]) func goldenText(_ name: String) throws {
        let golden = try String(contentsOf: packageRoot.appendingPathComponent("Tests/MgvizTests/Golden/\(name).txt"), encoding: .utf8)
        let text = try runMgviz([sample(name).path, "-o", "-", "--format", "txt"])
        #expect(text.status == 0 && String(decoding: text.stdout, as: UTF8.self) == golden, "if intended, run scripts/render-samples.sh")
        // Every value has its line, after its operands.
        let lines = golden.split(separator: "\n", omittingEmptySubsequences: false)
        let values = try #require(lines.firstIndex(of: "Values, each after its operands:"))
        #expect(lines[(values + 1)...].prefix { !$0.isEmpty }.count == (try sampleDiagram(name)).nodes.count)
    }

    @Test func theTextOfAPartOrAForwardPass() throws {
        let part = String(decoding: try sampleDrawing("softmax", options: DrawOptions(focus: "p3", focusDepth: 1)).rendered(as: .txt).bytes, as: UTF8.self)
        #expect(part.hasPrefix("softmax + negative log likelihood\nA part of a graph of 16 values: the 4 within 1 op of p3.\nFocus on p3 within 1 op: 4 of 16 nodes.\n"))
        #expect(part.contains("\ntotal**-1: **-1, data 0.0418, grad -23.9392\n"))
        #expect(part.hasSuffix("\nNo backward steps: this is a part of the graph, and backward runs on the whole.\n"))
        let forward = String(decoding: try sampleDrawing("softmax", options: DrawOptions(showsGradients: false)).rendered(as: .txt).bytes, as: UTF8.self)
        #expect(forward.contains("\nx0: input, data 0.0000\n") && forward.hasSuffix("\nNo grads: backward was not run.\n"))
    }

    @Test func summaries() throws {
        #expect(try sampleDrawing("softmax").summary == "a graph of 16 values: loss = -log(p3), from x0, x1, x2, x3")
        #expect(try sampleDrawing("mlp_lecture").summary == "a graph of 120 values: loss = (y - 1)**2, from x1, x2, x3 and 41 parameters")
        let many = (0..<9).map { "x\($0) = 1.0" }.joined(separator: "\n") + "\ny = " + (0..<9).map { "x\($0)" }.joined(separator: " * ")
        #expect(try Drawing(spec: Spec(text: Array(many.utf8))).summary == "a graph of 17 values: y = … * x3 * x4 * x5 * x6 * x7 * x8, from x0, x1, x2, x3, x4, x5 and 3 more inputs")
    }

    /// A block without a title gets the summary as its image's alt text, escaped.
    @Test func altTextOfAnUntitledBlock() throws {
        let document = try MarkdownDocument(bytes: Array("```mgviz\nx = 1.0\ny = x * 2\n```\n".utf8))
        let rendering = try MarkdownRendering(document, path: "guide.md")
        #expect(rendering.diagrams.map(\.link) == [#"![a graph of 3 values: y = x \* 2, from x](guide-1.svg)"#])
    }
}
