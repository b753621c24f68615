import ArgumentParser
import Glibc
import MgvizKit

/// `mgviz guide.md …`: every mgviz block of each Markdown document drawn into an image beside
/// it (or in --out-dir), and its link put right after the block; with --check, only the
/// list of blocks whose image or link is missing or stale.
extension Invocation {
    /// Whether the inputs are Markdown documents.
    var isMarkdown: Bool { inputs.contains { $0.hasSuffix(".md") } }

    /// The options every block starts from: the command's, but for --check, which here
    /// checks the images, not the grads.
    private var documentOptions: DrawOptions {
        var options = options
        options.checksGradients = false
        return options
    }

    func validateDocuments() throws {
        do { try documentOptions.validate() } catch { throw ValidationError(error.description) }
        guard inputs.allSatisfy({ $0.hasSuffix(".md") }) else {
            throw ValidationError("give Markdown documents (.md) on their own, without specs")
        }
        guard output == nil else {
            throw ValidationError("a document's diagrams go beside it or into --out-dir, named after their blocks: -o does not apply")
        }
        if explain { throw ValidationError("--explain is for a spec; a document's blocks are drawn, not explained") }
        if let format, format != .svg && format != .png {
            throw ValidationError("--format \(format.rawValue): a Markdown image is svg or png")
        }
    }

    /// Renders or checks each document in turn; a bad document does not stop the others.
    func runDocuments() throws {
        var status = ExitStatus.success
        for input in inputs {
            let outcome = renderDocument(input)
            if status == .success { status = outcome }
        }
        if status != .success { throw ExitCode(status.rawValue) }
    }

    private func renderDocument(_ path: String) -> ExitStatus {
        let name = shown(path)
        let bytes: [UInt8]
        do { bytes = try InputFile.read(path).0 } catch {
            report(.error, error.description)
            return error.exitStatus
        }
        let document: MarkdownDocument
        do { document = try MarkdownDocument(bytes: bytes) } catch {
            report(.error, "\(name): \(error)")
            return .dataError
        }
        let rendering = MarkdownRendering(document, path: path, outDir: outDir, options: documentOptions, format: format ?? .svg)
        guard let updated = rendering.document else {
            for failure in rendering.failures { report(.error, "\(name): \(failure)") }
            return .dataError
        }
        for diagram in rendering.diagrams {
            for warning in diagram.warnings { report(.warning, "\(name): the mgviz block at line \(diagram.line): \(warning)") }
        }
        let staleDiagrams = rendering.diagrams.filter { (try? InputFile.read($0.path).0) != $0.bytes }
        let staleLinks = zip(document.blocks, rendering.diagrams).filter { document.existingLink(of: $0) != $1.link }.map(\.1)
        if check {
            for diagram in rendering.diagrams {
                let image = staleDiagrams.contains { $0.path == diagram.path }
                    ? (FileIdentity(input: diagram.path) == nil ? "\(shown(diagram.path)) is missing" : "\(shown(diagram.path)) is stale")
                    : nil
                let link = staleLinks.contains { $0.path == diagram.path } ? "its image link is missing or out of date" : nil
                let problems = [image, link].compactMap { $0 }
                if !problems.isEmpty {
                    writeAll("\(name): the mgviz block at line \(diagram.line): \(problems.joined(separator: "; "))\n", to: STDOUT_FILENO)
                }
            }
            let isCurrent = staleDiagrams.isEmpty && updated == bytes
            if isCurrent { writeAll("\(name): \(counted(rendering.diagrams.count)), all current\n", to: STDOUT_FILENO) }
            return isCurrent ? .success : .wrong
        }
        do throws(FileError) {
            if let outDir, !staleDiagrams.isEmpty, !OutputFile.makeFolder(outDir) {
                throw .cannotWrite(path: outDir, reason: systemError())
            }
            for diagram in staleDiagrams {
                try OutputFile.write(diagram.bytes, to: diagram.path)
                writeAll("\(name): wrote \(shown(diagram.path))\n", to: STDOUT_FILENO)
            }
            if updated != bytes {
                try OutputFile.write(updated, to: path)
                writeAll("\(name): updated \(staleLinks.count) image link\(staleLinks.count == 1 ? "" : "s")\n", to: STDOUT_FILENO)
            }
        } catch {
            report(.error, error.description)
            return error.exitStatus
        }
        if staleDiagrams.isEmpty && updated == bytes {
            writeAll("\(name): \(counted(rendering.diagrams.count)), all current\n", to: STDOUT_FILENO)
        }
        return .success
    }
}

/// `1 diagram`, `3 diagrams`.
private func counted(_ diagrams: Int) -> String { diagrams == 1 ? "1 diagram" : "\(diagrams) diagrams" }
