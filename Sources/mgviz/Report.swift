import Foundation
import Micrograd
import MgvizExport
import MgvizSpec

/// The verdicts of --check and of a spec's "expect", one aligned line each, in the
/// notebook's manner; WRONG ones are also marked on the diagram.
struct Report {
    let toStandardError: Bool

    private func emit(_ lines: [String]) {
        let text = lines.map { $0 + "\n" }.joined()
        (toStandardError ? FileHandle.standardError : FileHandle.standardOutput).write(Data(text.utf8))
    }

    /// `OK    x0  autograd 0.0417725705  numeric 0.0417725703`. Returns whether none is WRONG.
    func gradientCheck(_ evaluation: Evaluation, _ check: GradientCheck, marking diagram: inout Diagram) -> Bool {
        let results = check.run(output: evaluation.output, inputs: evaluation.inputs)
        let names = results.map { $0.input.label ?? "" }
        let autograd = aligned(results.map(\.autograd)), numeric = aligned(results.map(\.numeric))
        let nameWidth = names.map(\.count).max() ?? 0
        var lines: [String] = []
        for (i, result) in results.enumerated() {
            let verdict: String, note: String
            switch result.verdict {
            case .ok: (verdict, note) = ("OK", "")
            case .wrong:
                (verdict, note) = ("WRONG", "")
                if let position = diagram.position(of: result.input) {
                    diagram.nodes[position].problems.append(.init("numeric grad", result.numeric))
                }
            case .notDifferentiable(let kink):
                verdict = "SKIP"
                note = "  not differentiable here: \(kink.opName) of \(exactText(kink.operands[0].data)) at \(describe(kink, in: diagram))"
            case .notANumber:
                verdict = "NAN"
                note = diagram.firstNonFinite().map { "  \($0.message)" } ?? ""
            }
            lines.append(pad(verdict, 6) + pad(names[i], nameWidth) + "  autograd " + autograd[i] + "  numeric " + numeric[i] + note)
        }
        emit(lines)
        return !results.contains { $0.verdict == .wrong }
    }

    /// `WRONG grad b  expected 12.0792  computed 10.25699027111255`. Returns whether none is WRONG.
    func expectations(_ evaluation: Evaluation, marking diagram: inout Diagram) -> Bool {
        let results = evaluation.checkExpectations()
        guard !results.isEmpty else { return true }
        let subjects = results.map { $0.isGrad ? "grad \($0.name)" : "output" }
        let width = subjects.map(\.count).max()!
        var lines: [String] = []
        for (result, subject) in zip(results, subjects) {
            lines.append(pad(result.isRight ? "OK" : "WRONG", 6) + pad(subject, width)
                + "  expected \(exactText(result.expected))  computed \(exactText(result.computed))")
            if !result.isRight, let position = diagram.position(of: result.value) {
                diagram.nodes[position].problems.append(.init(result.isGrad ? "expected grad" : "expected data", result.expected))
            }
        }
        emit(lines)
        return results.allSatisfy(\.isRight)
    }

    private func describe(_ value: Value, in diagram: Diagram) -> String {
        guard let position = diagram.position(of: value) else { return "a node off the output's path" }
        let node = diagram.nodes[position]
        return node.label.isEmpty ? node.id : "\(node.id) '\(node.label)'"
    }

    /// Ten decimals, right-aligned to the widest.
    private func aligned(_ numbers: [Double]) -> [String] {
        let texts = numbers.map { fixedText($0, decimals: 10) }
        let width = texts.map(\.count).max() ?? 0
        return texts.map { String(repeating: " ", count: width - $0.count) + $0 }
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }
}
