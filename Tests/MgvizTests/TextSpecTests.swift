import Foundation
import MgvizKit
import MgvizSpec
import Testing

/// Text specs (`.mg`): one statement per line, as in the notebook.
@Suite struct TextSpecs {
    /// Every `.mg` sample, each with a JSON twin.
    static let samples: [String] = {
        let names = try! FileManager.default.contentsOfDirectory(atPath: packageRoot.appendingPathComponent("samples").path)
        return names.filter { $0.hasSuffix(".mg") }.map { String($0.dropLast(3)) }.sorted()
    }()

    @Test func theNotebooksExamplesHaveTextSpecs() {
        #expect(Set(["softmax", "derivatives"]).isSubset(of: Self.samples))
    }

    @Test(arguments: samples)
    func aTextSpecDrawsAsItsJSONTwin(name: String) throws {
        let folder = packageRoot.appendingPathComponent("samples")
        let text = try InputDocument(bytes: Array(Data(contentsOf: folder.appendingPathComponent("\(name).mg"))), format: .mg)
        let json = try InputDocument(bytes: Array(Data(contentsOf: folder.appendingPathComponent("\(name).json"))), format: .json)
        for format in [OutputFormat.dot, .svg, .json] {
            let fromText = try Drawing(document: text).rendered(as: format).bytes
            let fromJSON = try Drawing(document: json).rendered(as: format).bytes
            #expect(fromText == fromJSON, "\(name).mg as \(format)")
        }
    }

    static func parsed(_ text: String) throws -> Spec {
        guard case .spec(let spec) = try InputDocument(bytes: Array(text.utf8), format: .mg) else { throw CocoaError(.coderInvalidValue) }
        return spec
    }

    @Test func statementsCommentsTitleAndOutput() throws {
        let spec = try Self.parsed("""
            # the lecture's L
            a = 2.0
            b = -3.0   # an input, as a signed number
            c = 1e1
            f = -2
            e = a*b
            d = e + c  # a define
            L = d * f

            output e
            """)
        #expect(spec.title == "the lecture's L")
        #expect(spec.inputs == [.init(name: "a", value: 2), .init(name: "b", value: -3), .init(name: "c", value: 10), .init(name: "f", value: -2)])
        #expect(spec.define == ["e = a*b", "d = e + c  ", "L = d * f"])
        #expect(spec.output == "e")
        let evaluation = try spec.evaluate()
        #expect(evaluation.output.data == -6)
        // Without an output line, the last name defined; a comment after line 1 is no title.
        let plain = try Self.parsed("x = 3\n# not a title\ny = x**2\n")
        let plainEvaluation = try plain.evaluate()
        #expect(plain.title == nil && plain.output == "y" && plainEvaluation.output.data == 9)
        // Windows line ends.
        #expect(try Self.parsed("x = 1\r\ny = x * 2\r\n").define == ["y = x * 2"])
    }

    @Test(arguments: [
        ("x = 1\ny = x + z\n", "spec.mg: line 2, column 9: unknown name 'z' (expected an input or a name defined earlier)"),
        ("x = 1\ny = x +\n", "spec.mg: line 2, column 8: expected a number, a name, a function or '(', got the end of the expression"),
        ("x = 1\n  y = exp(x\n", "spec.mg: line 2, column 7: unbalanced '(': the call to exp is never closed"),
        ("x = 1\ny = x # w\nz = y + w  # w is in a comment above\n", "spec.mg: line 3, column 9: unknown name 'w' (expected an input or a name defined earlier)"),
        ("x = 1\ny = softplus(x)\n", "spec.mg: line 2, column 5: unknown function 'softplus' (expected one of: exp, log, tanh, relu, sigmoid, sin, cos)"),
        ("x = 1\ny x\n", "spec.mg: line 2, column 1: expected \"name = number\", \"name = expression\" or \"output NAME\""),
        ("x = 1\n= x\n", "spec.mg: line 2, column 1: expected a name before '='"),
        ("x = 1\n2x = x\n", "spec.mg: line 2, column 1: '2x' is not a valid name (expected letters, digits and _, not starting with a digit)"),
        ("log = 1\ny = log\n", "spec.mg: line 1, column 1: 'log' is a function name and cannot name a value"),
        ("x = 1\nx = 2\n", "spec.mg: line 2, column 1: 'x' is already defined on line 1; names cannot be redefined"),
        ("x = 1\ny = x\ny = 2*x\n", "spec.mg: line 3, column 1: 'y' is already defined on line 2; names cannot be redefined"),
        ("x = 1e999\ny = x\n", "spec.mg: line 1, column 1: the number 1e999 overflows a Double"),
        ("x = 1\ny = x\noutput z\n", "spec.mg: line 3, column 1: unknown name 'z' (expected an input or a defined name)"),
        ("x = 1\ny = x\noutput y\noutput x\n", "spec.mg: line 4, column 1: a second \"output\" line; line 3 gave the output already"),
        ("x = 1\nk = 2 * 3\n", "spec.mg: line 2, column 1: 'k' is a plain number, not a node of the graph"),
        ("x = 1\ny = x\nexpect y = 1.0\n", "spec.mg: line 3, column 1: \"expect\" can only be given in a JSON spec; a text spec holds inputs (x = 2.0), definitions (y = x**2), comments and \"output NAME\""),
        ("x = 1\n  mlp: 2, 16, 1\n", "spec.mg: line 2, column 3: \"mlp\" can only be given in a JSON spec; a text spec holds inputs (x = 2.0), definitions (y = x**2), comments and \"output NAME\""),
        ("# only a comment\n", "spec.mg: the file has only comments (expected lines such as \"x = 2.0\" and \"y = x**2\")"),
        ("a = 2\nb = 3\n", "spec.mg: the file has only inputs (expected a line such as \"y = x**2\" that computes from them)"),
        (" \n", "spec.mg: the file is empty (expected lines such as \"x = 2.0\" and \"y = x**2\")"),
    ])
    func errorsNameTheLineAndColumn(text: String, message: String) {
        do {
            _ = try Self.parsed(text).evaluate()
            Issue.record("accepted: \(text)")
        } catch {
            #expect("spec.mg: \(error)" == message)
        }
    }

    /// The extension chooses; standard input takes --input-format.
    @Test func theCommandReadsTextSpecs() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let spec = try Data(contentsOf: packageRoot.appendingPathComponent("samples/softmax.mg"))
        let fromStdin = try runMgviz(["-", "-o", "-", "--format", "dot", "--input-format", "mg"], stdin: spec)
        let fromFile = try runMgviz([packageRoot.appendingPathComponent("samples/softmax.mg").path, "-o", "-", "--format", "dot"])
        let twin = try runMgviz([sample("softmax").path, "-o", "-", "--format", "dot"])
        #expect(fromStdin.status == 0 && fromStdin.stdout == twin.stdout && fromFile.stdout == twin.stdout)
        // Read as JSON, a text spec is a JSON error.
        let asJSON = try runMgviz(["-", "-o", "-"], stdin: spec)
        #expect(asJSON.status == MgvizKit.ExitStatus.dataError.rawValue)
        #expect(asJSON.stderr == "mgviz: error: <stdin>: line 1, column 1: invalid JSON: expected a JSON value, got '#'\n")
    }
}
