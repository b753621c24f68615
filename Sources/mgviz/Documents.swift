import Glibc
import MgvizExport
import MgvizFiles
import MgvizKit
import MgvizProcess
import MgvizRender
import MgvizSpec

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

    /// What every block starts from: the command's options, and --format's image format.
    private var documentSettings: MarkdownImages.Settings { MarkdownImages.Settings(options: documentOptions, format: format ?? .svg) }

    func validateDocuments() throws(UsageError) {
        try validate(documentOptions)
        guard inputs.allSatisfy({ $0.hasSuffix(".md") }) else { throw .documentsWithSpecs }
        guard output == nil else { throw .outputForDocuments }
        if explain { throw .explainForDocuments }
        if let format, format != .svg && format != .png { throw .imageFormat(format) }
        var info = stat()
        if let outDir, stat(outDir, &info) == 0, (info.st_mode & S_IFMT) != S_IFDIR { throw .outDirIsNotAFolder(outDir) }
    }

    /// A document read, with the images its blocks would write, and the blocks whose words
    /// are not options, which get none.
    private struct LoadedDocument {
        let path: String
        let document: MarkdownDocument
        let images: MarkdownImages
        let refusedBlocks: [BlockFailure]
    }

    /// Reads every document and works out every image path first, and refuses a run that
    /// would overwrite a document or write one image twice before anything is drawn, so that
    /// a refusal leaves every file as it was. Then renders or checks each document in turn; a
    /// bad document does not stop the others.
    func runDocuments() -> ExitStatus {
        var status = ExitStatus.success
        var documents: [LoadedDocument] = []
        do throws(CommandError) {
            let limit = MarkdownDocument.maximumBlocksPerRun
            var runCost = 0
            for input in inputs {
                guard let document = try readDocument(input, status: &status) else { continue }
                // Every block counts at least once: a document far over the limit is refused
                // before its images are worked out.
                let blocks = document.blocks.count
                guard runCost + blocks <= limit else {
                    throw .tooManyBlocks(document: input, blocks: blocks, cost: blocks, runCost: runCost + blocks, limit: limit)
                }
                let (images, refused): (MarkdownImages, [BlockFailure])
                do { (images, refused) = try MarkdownImages.reading(document, path: input, outDir: outDir, over: documentSettings) } catch {
                    throw .imagesCannotBeLinked(document: input, error)
                }
                let cost = images.images.reduce(0) { $0 + $1.cost }
                runCost += cost
                guard runCost <= limit else {
                    throw .tooManyBlocks(document: input, blocks: blocks, cost: cost, runCost: runCost, limit: limit)
                }
                documents.append(LoadedDocument(path: input, document: document, images: images, refusedBlocks: refused))
            }
            try checkImagesAreDistinct(documents)
        } catch {
            report(.error, error.message)
            return error.exitStatus
        }
        for document in documents {
            let outcome = renderDocument(document)
            if status == .success { status = outcome }
        }
        return status
    }

    /// The document at `path`, or nil when it cannot be read or parsed, which is reported and
    /// recorded in `status`. A document that is not a regular file is refused, unread: a FIFO
    /// would block the read.
    private func readDocument(_ path: String, status: inout ExitStatus) throws(CommandError) -> MarkdownDocument? {
        let bytes: [UInt8]
        do { bytes = try InputFile.readRegularFile(path, limit: MarkdownDocument.maximumBytes) } catch {
            if case .notARegularFile = error { throw .documentIsNotAFile(error) }
            report(.error, error.message)
            if status == .success { status = error.exitStatus }
            return nil
        }
        do { return try MarkdownDocument(bytes: bytes) } catch {
            report(.error, "\(shown(path)): \(error)")
            if status == .success { status = .dataError }
            return nil
        }
    }

    /// Refuses an image that is a document of the run, or that two blocks (of one document or
    /// of two) would both write, however links and relative paths name them, and an image path
    /// where something other than a regular file is.
    private func checkImagesAreDistinct(_ documents: [LoadedDocument]) throws(CommandError) {
        var documentFiles: [FileIdentity: String] = [:]
        for entry in documents {
            guard let identity = FileIdentity(input: entry.path) else { continue }
            if let first = documentFiles[identity] { throw .documentGivenTwice(first, entry.path) }
            documentFiles[identity] = entry.path
        }
        var written: [FileIdentity: (MarkdownImages.Image, of: String)] = [:]
        for entry in documents {
            for image in entry.images.images {
                let identity: FileIdentity
                do { identity = try FileIdentity(regularOutput: image.path) } catch {
                    throw .imageCannotBeWritten(image, of: entry.path, error)
                }
                if let document = documentFiles[identity] { throw .imageIsADocument(image, of: entry.path, document: document) }
                if let first = written[identity] { throw .imagesCollide(first: first, second: (image, entry.path)) }
                written[identity] = (image, entry.path)
            }
        }
    }

    private func renderDocument(_ entry: LoadedDocument) -> ExitStatus {
        let name = shown(entry.path), document = entry.document
        for notice in document.notices { report(.warning, "\(name): \(notice)") }
        let rendering = MarkdownRendering(document, images: entry.images) { drawing, format throws(DrawError) in
            try render(drawing, as: format, inputName: nil)
        }
        let failures = rendering.failures(with: entry.refusedBlocks)
        guard failures.isEmpty, let updated = rendering.document else {
            for failure in failures { report(.error, "\(name): \(failure.message)") }
            return .dataError
        }
        for diagram in rendering.diagrams {
            for warning in diagram.warnings { report(.warning, "\(name): the mgviz block at line \(diagram.block.line): \(warning)") }
        }
        let staleImages = rendering.diagrams.map(isStale)
        let staleLinks = rendering.diagrams.map { !document.hasLink($0.link, for: $0.block) }
        let isCurrent = !staleImages.contains(true) && !staleLinks.contains(true)
        if check {
            for (k, diagram) in rendering.diagrams.enumerated() {
                let image = staleImages[k]
                    ? (FileIdentity(input: diagram.path) == nil ? "\(shown(diagram.path)) is missing" : "\(shown(diagram.path)) is stale")
                    : nil
                let link = staleLinks[k] ? "its image link is missing or out of date" : nil
                let problems = [image, link].compactMap { $0 }
                if !problems.isEmpty {
                    writeAll("\(name): the mgviz block at line \(diagram.block.line): \(problems.joined(separator: "; "))\n", to: STDOUT_FILENO)
                }
            }
            // A block that cannot be drawn is never current.
            let isComplete = !document.notices.contains(where: \.isFailure)
            if isCurrent && isComplete { writeAll("\(name): \(counted(rendering.diagrams.count)), all current\n", to: STDOUT_FILENO) }
            return isCurrent && isComplete ? .success : .wrong
        }
        do throws(FileError) {
            if let outDir, staleImages.contains(true), !OutputFile.makeFolder(outDir) {
                throw .cannotWrite(path: outDir, reason: systemError())
            }
            for (diagram, isStale) in zip(rendering.diagrams, staleImages) where isStale {
                try OutputFile.write(diagram.bytes, to: diagram.path)
                writeAll("\(name): wrote \(shown(diagram.path))\n", to: STDOUT_FILENO)
            }
            let updatedLinks = staleLinks.filter { $0 }.count
            if updatedLinks > 0 {
                try OutputFile.write(updated, to: entry.path)
                writeAll("\(name): updated \(updatedLinks) image link\(updatedLinks == 1 ? "" : "s")\n", to: STDOUT_FILENO)
            }
        } catch {
            report(.error, error.message)
            return error.exitStatus
        }
        if isCurrent { writeAll("\(name): \(counted(rendering.diagrams.count)), all current\n", to: STDOUT_FILENO) }
        return .success
    }

    /// Whether the file at the diagram's path does not hold its bytes: read only when it is a
    /// regular file no larger than they are.
    private func isStale(_ diagram: MarkdownRendering.Diagram) -> Bool {
        (try? InputFile.readRegularFile(diagram.path, limit: diagram.bytes.count)) != diagram.bytes
    }
}

/// `1 diagram`, `3 diagrams`.
private func counted(_ diagrams: Int) -> String { diagrams == 1 ? "1 diagram" : "\(diagrams) diagrams" }
