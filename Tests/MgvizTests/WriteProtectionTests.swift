import Foundation
import MgvizKit
import MgvizProcess
import Testing

/// Issue 22: a file that the shell's `>` could not open for writing is refused, on every path
/// that writes (one output, a batch, a Markdown document and its images); root, whom `>` lets
/// write a write-protected file, still replaces it.
extension OutputTargets {
    /// Nobody's user and group: the tests run as root, and root may write anything.
    static let unprivileged: (uid: uid_t, gid: gid_t) = (65534, 65534)

    /// Runs mgviz as a user who is not root: as nobody, through util-linux's setpriv, when the
    /// tests run as root; as the user running them otherwise. Nobody runs a copy in a temp
    /// folder of its own, since the checkout may be in a folder only root can enter.
    func runMgvizUnprivileged(_ arguments: [String], in folder: URL) throws -> RunResult {
        guard getuid() == 0 else { return try runMgviz(arguments, in: folder) }
        let binFolder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: binFolder) }
        let binary = binFolder.appendingPathComponent("mgviz")
        try FileManager.default.copyItem(at: mgvizBinary, to: binary)
        #expect(chmod(binFolder.path, 0o755) == 0 && chmod(binary.path, 0o755) == 0)
        let (uid, gid) = Self.unprivileged
        let setpriv = URL(fileURLWithPath: "/usr/bin/setpriv")
        return try runProgram(setpriv, ["--reuid=\(uid)", "--regid=\(gid)", "--clear-groups", binary.path] + arguments, in: folder)
    }

    /// Gives `folder` and everything in it to the user `runMgvizUnprivileged` runs as, so that
    /// the folder is theirs to write in and only a file's own mode can stop them.
    func giveToUnprivileged(_ folder: URL) throws {
        guard getuid() == 0 else { return }
        let (uid, gid) = Self.unprivileged
        for path in [folder.path] + (try FileManager.default.subpathsOfDirectory(atPath: folder.path)).map({ folder.appendingPathComponent($0).path }) {
            #expect(lchown(path, uid, gid) == 0, "\(path)")
        }
    }

    func write(_ text: String, to file: URL, mode: mode_t) throws {
        try Data(text.utf8).write(to: file)
        #expect(chmod(file.path, mode) == 0)
    }

    func temporaryFiles(in folder: URL) throws -> [String] {
        try FileManager.default.subpathsOfDirectory(atPath: folder.path).filter { $0.split(separator: "/").last?.hasPrefix(".mgviz-") == true }
    }

    @Test func aWriteProtectedTargetIsRefused() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let svg = try reference("neuron")
        try Data(contentsOf: sample("neuron")).write(to: folder.appendingPathComponent("neuron.json"))
        try write("precious", to: folder.appendingPathComponent("out.svg"), mode: 0o444)
        // The very bytes mgviz would write: `>` refuses the file all the same.
        try svg.write(to: folder.appendingPathComponent("same.svg"))
        #expect(chmod(folder.appendingPathComponent("same.svg").path, 0o444) == 0)
        try write("precious", to: folder.appendingPathComponent("real.svg"), mode: 0o444)
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("link.svg").path, withDestinationPath: "real.svg")
        // The same user may write beside them: what stops them is each file's mode.
        try write("old", to: folder.appendingPathComponent("open.svg"), mode: 0o644)
        try giveToUnprivileged(folder)
        let before = try snapshot(folder)
        let sameInode = try #require(status(folder.appendingPathComponent("same.svg"))).st_ino

        for name in ["out.svg", "same.svg", "link.svg"] {
            let result = try runMgvizUnprivileged(["neuron.json", "-o", name], in: folder)
            #expect(result.status == MgvizProcess.ExitStatus.cannotCreate.rawValue, "\(name)")
            #expect(result.stderr == "mgviz: error: cannot write \(name): Permission denied\n", "\(name): \(result.stderr)")
        }
        #expect(try snapshot(folder) == before)
        #expect(status(folder.appendingPathComponent("same.svg"))?.st_ino == sameInode)
        #expect(kind(folder.appendingPathComponent("link.svg")) == S_IFLNK)
        for name in ["out.svg", "same.svg", "real.svg"] {
            #expect(status(folder.appendingPathComponent(name)).map { $0.st_mode & 0o7777 } == 0o444, "\(name)")
        }

        let open = try runMgvizUnprivileged(["neuron.json", "-o", "open.svg"], in: folder)
        #expect(open.status == MgvizProcess.ExitStatus.success.rawValue && open.stderr.isEmpty, "\(open.stderr)")
        #expect(try Data(contentsOf: folder.appendingPathComponent("open.svg")) == svg)
        #expect(try temporaryFiles(in: folder).isEmpty)
    }

    /// In a batch, the write-protected output is refused and the others are written; the run
    /// exits 73.
    @Test func aWriteProtectedOutputOfABatchIsRefused() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["neuron", "softmax"] {
            try Data(contentsOf: sample(name)).write(to: folder.appendingPathComponent("\(name).json"))
        }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("out"), withIntermediateDirectories: false)
        try write("precious", to: folder.appendingPathComponent("out/softmax.svg"), mode: 0o444)
        try giveToUnprivileged(folder)
        let result = try runMgvizUnprivileged(["softmax.json", "neuron.json", "--out-dir", "out"], in: folder)
        #expect(result.status == MgvizProcess.ExitStatus.cannotCreate.rawValue)
        #expect(result.stderr == "mgviz: error: cannot write out/softmax.svg: Permission denied\n", "\(result.stderr)")
        #expect(try String(contentsOf: folder.appendingPathComponent("out/softmax.svg"), encoding: .utf8) == "precious")
        #expect(try Data(contentsOf: folder.appendingPathComponent("out/neuron.svg")) == (try reference("neuron")))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("out").path).sorted() == ["neuron.svg", "softmax.svg"])
    }

    /// A Markdown document's write-protected image is refused, and the document is left as it
    /// was; a write-protected document is refused after its images are written.
    @Test func aWriteProtectedDocumentOrImageIsRefused() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let document = folder.appendingPathComponent("guide.md"), image = folder.appendingPathComponent("tanh.svg")
        let text = "# Guide\n\n```mgviz id=tanh\nx = 0.5\ny = tanh(x)\n```\n"
        try Data(text.utf8).write(to: document)
        try write("precious", to: image, mode: 0o444)
        try giveToUnprivileged(folder)
        let refusedImage = try runMgvizUnprivileged(["guide.md"], in: folder)
        #expect(refusedImage.status == MgvizProcess.ExitStatus.cannotCreate.rawValue)
        #expect(refusedImage.stderr == "mgviz: error: cannot write tanh.svg: Permission denied\n", "\(refusedImage.stderr)")
        #expect(try String(contentsOf: image, encoding: .utf8) == "precious")
        #expect(try String(contentsOf: document, encoding: .utf8) == text)

        #expect(chmod(image.path, 0o644) == 0 && chmod(document.path, 0o444) == 0)
        let refusedDocument = try runMgvizUnprivileged(["guide.md"], in: folder)
        #expect(refusedDocument.status == MgvizProcess.ExitStatus.cannotCreate.rawValue)
        #expect(refusedDocument.stderr == "mgviz: error: cannot write guide.md: Permission denied\n", "\(refusedDocument.stderr)")
        #expect(try String(contentsOf: document, encoding: .utf8) == text)
        #expect(try String(contentsOf: image, encoding: .utf8).hasPrefix("<?xml"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["guide.md", "tanh.svg"])
    }

    /// `>` opens a write-protected file for root, so root's mgviz replaces it, keeping its mode
    /// and owner, and leaves one that holds the new bytes alone.
    @Test func rootReplacesAWriteProtectedTarget() throws {
        guard getuid() == 0 else { return }
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out.svg")
        try write("precious", to: out, mode: 0o444)
        #expect(chown(out.path, 1234, 5678) == 0)
        let result = try runMgviz([sample("neuron").path, "-o", "out.svg"], in: folder)
        #expect(result.status == MgvizProcess.ExitStatus.success.rawValue && result.stderr.isEmpty, "\(result.stderr)")
        #expect(try Data(contentsOf: out) == (try reference("neuron")))
        let info = try #require(status(out))
        #expect(info.st_mode & 0o7777 == 0o444 && info.st_uid == 1234 && info.st_gid == 5678)
        let again = try runMgviz([sample("neuron").path, "-o", "out.svg"], in: folder)
        #expect(again.status == MgvizProcess.ExitStatus.success.rawValue && again.stderr.isEmpty, "\(again.stderr)")
        #expect(status(out)?.st_ino == info.st_ino)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["out.svg"])
    }

    /// A reader's lease on the target (Samba takes them for its clients) makes the open for
    /// writing fail with EWOULDBLOCK rather than wait; the permissions let it through before
    /// that, so the file is replaced, at once.
    @Test func aLeasedTargetIsReplaced() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out.svg")
        try write("precious", to: out, mode: 0o644)
        // The holder ignores SIGIO, by which the kernel asks it to give the lease up, and keeps
        // it until its standard input ends.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        holder.arguments = ["-c", """
            import fcntl, os, signal, sys
            signal.signal(signal.SIGIO, signal.SIG_IGN)
            descriptor = os.open(sys.argv[1], os.O_RDONLY)
            fcntl.fcntl(descriptor, fcntl.F_SETLEASE, fcntl.F_RDLCK)
            print("leased", flush=True)
            sys.stdin.read()
            """, out.path]
        let input = Pipe(), output = Pipe()
        holder.standardInput = input
        holder.standardOutput = output
        try holder.run()
        defer {
            try? input.fileHandleForWriting.close()
            holder.waitUntilExit()
        }
        let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        #expect(line.hasPrefix("leased"), "\(line)")
        let result = try runMgviz([sample("neuron").path, "-o", "out.svg"], in: folder)
        #expect(result.status == MgvizProcess.ExitStatus.success.rawValue && result.stderr.isEmpty, "\(result.stderr)")
        #expect(try Data(contentsOf: out) == (try reference("neuron")))
    }
}
