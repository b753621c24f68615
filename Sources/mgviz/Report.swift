import Glibc
import MgvizExport
import MgvizFiles
import MgvizKit
import MgvizProcess
import MgvizRender
import MgvizSpec

/// Prints the verdicts of --check and of a spec's "expect", one aligned line each, in the
/// notebook's manner.
struct Report {
    let toStandardError: Bool

    func print(_ drawing: Drawing) {
        emit(gradientCheckLines(drawing.gradientChecks) + expectationLines(drawing.expectations))
    }

    private func emit(_ lines: [String]) {
        guard !lines.isEmpty else { return }
        let text = lines.map { $0 + "\n" }.joined()
        writeAll(text, to: toStandardError ? STDERR_FILENO : STDOUT_FILENO)
    }

    /// `OK    x0  autograd 0.0417725705  numeric 0.0417725703`.
    private func gradientCheckLines(_ verdicts: [GradientVerdict]) -> [String] {
        let autograd = aligned(verdicts.map(\.result.autograd)), numeric = aligned(verdicts.map(\.result.numeric))
        let nameWidth = verdicts.map(\.inputLabel.count).max() ?? 0
        return verdicts.enumerated().map { i, verdict in
            let word: String
            switch verdict.result.verdict {
            case .ok: word = "OK"
            case .wrong: word = "WRONG"
            case .notDifferentiable: word = "SKIP"
            case .notANumber: word = "NAN"
            }
            return pad(word, 6) + pad(verdict.inputLabel, nameWidth) + "  autograd " + autograd[i] + "  numeric " + numeric[i]
                + (verdict.note.map { "  " + $0 } ?? "")
        }
    }

    /// `WRONG grad b  expected 12.0792  computed 10.25699027111255`.
    private func expectationLines(_ results: [ExpectationResult]) -> [String] {
        let subjects = results.map { $0.isGrad ? "grad \($0.name)" : "output" }
        let width = subjects.map(\.count).max() ?? 0
        return zip(results, subjects).map { result, subject in
            pad(result.isRight ? "OK" : "WRONG", 6) + pad(subject, width)
                + "  expected \(exactText(result.expected))  computed \(exactText(result.computed))"
        }
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
