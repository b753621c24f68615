import Glibc
import MgvizExport
import MgvizFiles
import MgvizKit
import MgvizProcess
import MgvizRender
import MgvizSpec

/// `mgviz diff A B [-o diff.svg]`: B drawn as its difference from A, what differs printed to
/// standard error, and the status diff(1) gives: 0 when nothing differs beyond --tolerance, 1
/// when something does, 2 (`ExitStatus.trouble`, set by `Mgviz.main`) on any failure.
extension Invocation {
    /// The word that starts a difference's command line.
    static let differenceWord = "diff"

    func validateDifference() throws(UsageError) {
        guard inputs.count == 2 else { throw .differenceInputs(inputs.count) }
        guard inputs != ["-", "-"] else { throw .bothFromStandardInput }
        if let stray = ["out-dir", "explain"].first(where: settings.gave) { throw .notForDifference(stray) }
        if settings.gave("depth") && !settings.gave("focus") && !settings.gave("only-changed") { throw .goesWith("depth", "focus") }
        if !check, let stray = ["step", "method"].first(where: settings.gave) { throw .goesWith(stray, "check") }
        try validate(options)
        guard let output else { return }
        let format: OutputFormat
        do { format = try resolvedFormat(output) } catch { throw .unknownFormat(path: output) }
        for option in CommandOption.commandLine where settings.gave(option.name) {
            if let formats = option.formats, !formats.only.contains(format) { throw .notForFormat(option.name, format) }
        }
    }

    func runDifference() -> ExitStatus {
        let (earlier, later) = (inputs[0], inputs[1])
        if let output, let identity = FileIdentity(output: output) {
            for input in inputs where FileIdentity(input: InputDocument.file(readFor: input)) == identity {
                let error = CommandError.outputIsItsSpec(input, isBatch: false)
                report(.error, error.message)
                return error.exitStatus
            }
        }
        do throws(DrawError) {
            let parts = try Drawing.partsOfDifference(options)
            let a = try drawing(earlier, options: parts), b = try drawing(later, options: parts)
            let difference = Drawing(b, comparedWith: a, options: options)
            let summary = difference.differenceSummary!
            writeAll(Report.differenceLines(summary, precision: options.precision, tolerance: options.gradientTolerance), to: STDERR_FILENO)
            // A focus on a missing name is an error even when nothing is written.
            _ = try difference.diagram
            if let output {
                if let note = difference.viewNote { report(.note, "\(shown(later)): \(note)") }
                try write(difference, as: try resolvedFormat(output), to: output, inputName: later)
            }
            return summary.differs ? .wrong : .success
        } catch {
            report(.error, error.message)
            return error.exitStatus
        }
    }

    /// One of the graphs, drawn for the difference; what goes wrong names its input.
    private func drawing(_ input: String, options: DrawOptions) throws(DrawError) -> Drawing {
        let name = input == "-" ? "<stdin>" : input
        do throws(DrawError) {
            let drawing = try Drawing(document: InputDocument(reading: input, format: settings.inputFormat), options: options)
            if let warning = drawing.nonFinite { report(.warning, "\(shown(name)): \(warning.description)") }
            return drawing
        } catch {
            throw .named(name, error)
        }
    }
}

extension Report {
    /// What differs, for standard error:
    ///
    ///     nodes: A 14, B 15; matched 13 (changed 3, op changed 1, renamed 0, rewired 0); added 2 (only in B); removed 1 (only in A)
    ///     largest changes:
    ///       'h2'        data  0.0000 → 0.5000  100.0%
    ///     output 'loss' (n13 in A): data 2.2801 → 0.1234 (94.6%); grad 1.0000 → 1.0000
    static func differenceLines(_ summary: DifferenceSummary, precision: Int, tolerance: Double) -> String {
        var lines = [
            "nodes: A \(summary.nodesInA), B \(summary.nodesInB); matched \(summary.matched) (changed \(summary.changed), op changed \(summary.opsChanged), renamed \(summary.renamed), rewired \(summary.rewired)); added \(summary.added) (only in B); removed \(summary.removed) (only in A)",
        ]
        func number(_ x: Double) -> String { displayText(x, decimals: precision) }
        func percent(_ relative: Double) -> String { relative.isFinite ? fixedText(100 * relative, decimals: 1) + "%" : "not finite" }
        if !summary.largest.isEmpty {
            lines.append("largest changes:")
            let names = summary.largest.map { change in
                change.label.isEmpty ? "\(change.id) (\(change.op.isEmpty ? "a leaf" : change.op))" : "'\(change.label)'"
            }
            let width = names.map(\.count).max() ?? 0
            for (change, name) in zip(summary.largest, names) {
                let quantity = change.quantity == .data ? "data" : "grad"
                lines.append("  " + name + String(repeating: " ", count: width - name.count)
                    + "  \(quantity) \(number(change.before)) → \(number(change.after))  \(percent(change.relative))")
            }
        }
        if let output = summary.outputChange {
            let name = output.label.isEmpty ? output.id : "'\(output.label)'"
            var line = "output \(name) (\(output.idInA) in A): data \(number(output.data.before)) → \(number(output.data.after))"
            line += " (\(percent(Comparison.relativeChange(output.data.before, output.data.after))))"
            if let grad = output.grad { line += "; grad \(number(grad.before)) → \(number(grad.after))" }
            lines.append(line)
        } else {
            lines.append("output: B's output is no node of A")
        }
        if !summary.differs { lines.append("no difference beyond --tolerance \(tolerance)") }
        return lines.map { escapingControlCharacters($0) + "\n" }.joined()
    }
}
