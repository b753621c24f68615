import Foundation
import Synchronization
import MgvizKit
import MgvizProcess
import Testing

/// Issue 9: writing by what the output is (file, link, device, pipe, folder), interrupted
/// writes, pipes as input, and batch outputs that would overwrite a spec or each other. Every
/// test works inside its own temp folder: mgviz runs as root here.
@Suite struct OutputTargets {
    func status(_ path: URL) -> stat? {
        var info = stat()
        return lstat(path.path, &info) == 0 ? info : nil
    }

    func kind(_ path: URL) -> mode_t? { status(path).map { $0.st_mode & S_IFMT } }

    /// The diagram as `-o -` writes it, to compare with what reached a file or a pipe.
    func reference(_ name: String, format: String = "svg") throws -> Data {
        let result = try runMgviz([sample(name).path, "-o", "-", "--format", format])
        #expect(result.status == MgvizProcess.ExitStatus.success.rawValue)
        return result.stdout
    }

    @Test func fifoIsWrittenInPlace() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("fifo.svg")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: "/bin/cat")
        reader.arguments = [fifo.path]
        let received = Pipe()
        reader.standardOutput = received
        try reader.run()
        let result = try runMgviz([sample("neuron").path, "-o", "fifo.svg"], in: folder)
        if result.status != MgvizProcess.ExitStatus.success.rawValue {
            // Let the reader, still waiting for a writer, see the end.
            close(open(fifo.path, O_WRONLY | O_NONBLOCK))
        }
        let bytes = received.fileHandleForReading.readDataToEndOfFile()
        reader.waitUntilExit()
        #expect(result.status == MgvizProcess.ExitStatus.success.rawValue && result.stderr.isEmpty, "\(result.stderr)")
        #expect(bytes == (try reference("neuron")))
        #expect(kind(fifo) == S_IFIFO)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["fifo.svg"])
    }

    @Test func characterDeviceIsWrittenInPlace() throws {
        guard getuid() == 0 else { return }  // only root may make a device node
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let null = folder.appendingPathComponent("null")
        // Major 1, minor 3: the null device, which swallows whatever a bug might write.
        let device: dev_t = (1 << 8) | 3
        #expect(mknod(null.path, S_IFCHR | 0o666, device) == 0)
        let result = try runMgviz([sample("neuron").path, "-o", "null", "--format", "svg"], in: folder)
        #expect(result.status == MgvizProcess.ExitStatus.success.rawValue && result.stderr.isEmpty, "\(result.stderr)")
        #expect(kind(null) == S_IFCHR)
        #expect(status(null)?.st_rdev == device)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["null"])
        // The full device (1, 7) refuses every write with ENOSPC: the error shows that mgviz
        // wrote to the device itself, and the node is still the device afterwards.
        let full = folder.appendingPathComponent("full")
        #expect(mknod(full.path, S_IFCHR | 0o666, (1 << 8) | 7) == 0)
        let refused = try runMgviz([sample("neuron").path, "-o", "full", "--format", "svg"], in: folder)
        #expect(refused.status == MgvizProcess.ExitStatus.cannotCreate.rawValue && refused.stderr == "mgviz: error: cannot write full: No space left on device\n", "\(refused.stderr)")
        #expect(kind(full) == S_IFCHR && status(full)?.st_rdev == (1 << 8) | 7)
    }

    @Test func blockDeviceIsRefused() throws {
        guard getuid() == 0 else { return }
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let disk = folder.appendingPathComponent("disk")
        // Major 240 is for local use and has no driver here: even a wrong open could not write.
        guard mknod(disk.path, S_IFBLK | 0o600, (240 << 8) | 0) == 0 else { return }  // refused in some containers
        let result = try runMgviz([sample("neuron").path, "-o", "disk", "--format", "svg"], in: folder)
        #expect(result.status == MgvizProcess.ExitStatus.cannotCreate.rawValue)
        #expect(result.stderr == "mgviz: error: cannot write disk: it is a block device; mgviz writes only files, pipes and character devices\n")
        #expect(kind(disk) == S_IFBLK)
    }

    @Test func folderIsRefusedWithTheWayOut() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("out"), withIntermediateDirectories: false)
        let result = try runMgviz([sample("neuron").path, "-o", "out", "--format", "svg"], in: folder)
        #expect(result.status == MgvizProcess.ExitStatus.cannotCreate.rawValue)
        #expect(result.stderr == "mgviz: error: cannot write out: it is a folder; to write into a folder use --out-dir out\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("out").path).isEmpty)
    }

    @Test func linkStaysALinkAndItsFileIsReplaced() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let real = folder.appendingPathComponent("real")
        try FileManager.default.createDirectory(at: real, withIntermediateDirectories: false)
        let target = real.appendingPathComponent("target.svg")
        try Data("old".utf8).write(to: target)
        // Relative, so read against the link's folder, not the current one.
        let link = folder.appendingPathComponent("link.svg")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "real/target.svg")
        #expect(try runMgviz([sample("neuron").path, "-o", link.path]).status == MgvizProcess.ExitStatus.success.rawValue)
        #expect(kind(link) == S_IFLNK)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == "real/target.svg")
        #expect(try Data(contentsOf: target) == (try reference("neuron")))
        #expect(try FileManager.default.contentsOfDirectory(atPath: real.path) == ["target.svg"])

        // A dangling link, through a second link: the file it names is created.
        let chain = folder.appendingPathComponent("chain.json")
        try FileManager.default.createSymbolicLink(atPath: chain.path, withDestinationPath: "dangling.json")
        try FileManager.default.createSymbolicLink(
            atPath: folder.appendingPathComponent("dangling.json").path, withDestinationPath: real.appendingPathComponent("new.json").path)
        #expect(try runMgviz([sample("neuron").path, "-o", "chain.json"], in: folder).status == MgvizProcess.ExitStatus.success.rawValue)
        #expect(kind(chain) == S_IFLNK && kind(folder.appendingPathComponent("dangling.json")) == S_IFLNK)
        #expect(try Data(contentsOf: real.appendingPathComponent("new.json")) == (try reference("neuron", format: "json")))

        // A loop is an error, not a hang.
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("loop.svg").path, withDestinationPath: "loop.svg")
        let loop = try runMgviz([sample("neuron").path, "-o", "loop.svg"], in: folder)
        #expect(loop.status == MgvizProcess.ExitStatus.cannotCreate.rawValue && loop.stderr == "mgviz: error: cannot write loop.svg: Too many levels of symbolic links\n")
    }

    @Test(arguments: [0o600, 0o640, 0o755] as [mode_t])
    func permissionsAndOwnerAreKept(_ mode: mode_t) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out.svg")
        try Data("old".utf8).write(to: out)
        #expect(chmod(out.path, mode) == 0)
        // As root, another user's file stays theirs.
        let owner: (uid_t, gid_t)? = getuid() == 0 ? (1234, 5678) : nil
        if let owner { #expect(chown(out.path, owner.0, owner.1) == 0) }
        #expect(try runMgviz([sample("neuron").path, "-o", "out.svg"], in: folder).status == MgvizProcess.ExitStatus.success.rawValue)
        let info = try #require(status(out))
        #expect(info.st_mode & 0o7777 == mode)
        if let owner { #expect(info.st_uid == owner.0 && info.st_gid == owner.1) }
        #expect(try Data(contentsOf: out) == (try reference("neuron")))
    }

    /// A diagram is no program: set-user-ID and set-group-ID bits are not carried over.
    @Test func setIDBitsAreDropped() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out.svg")
        try Data("old".utf8).write(to: out)
        #expect(chmod(out.path, 0o6755) == 0)
        #expect(try runMgviz([sample("neuron").path, "-o", "out.svg"], in: folder).status == MgvizProcess.ExitStatus.success.rawValue)
        #expect(try #require(status(out)).st_mode & 0o7777 == 0o755)
    }

    /// A Unix socket by name is connected to and written, and stays a socket.
    @Test func namedSocketIsConnectedTo() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("out.svg").path
        let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0 && listen(listener, 1) == 0)
        let received = Mutex(Data())
        let reader = Thread {
            let connection = accept(listener, nil, nil)
            received.withLock { $0 = FileHandle(fileDescriptor: connection, closeOnDealloc: true).readDataToEndOfFile() }
        }
        reader.start()
        let result = try runMgviz([sample("neuron").path, "-o", "out.svg"], in: folder)
        #expect(result.status == MgvizProcess.ExitStatus.success.rawValue && result.stderr.isEmpty, "\(result.stderr)")
        while reader.isExecuting || !reader.isFinished { usleep(1000) }
        #expect(received.withLock { $0 } == (try reference("neuron")))
        #expect(try #require(status(URL(fileURLWithPath: path))).st_mode & S_IFMT == S_IFSOCK)
    }

    /// The temp file's name does not grow with the target's, so the longest name works.
    @Test func longestFileName() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let name = String(repeating: "n", count: 251) + ".svg"
        #expect(name.utf8.count == 255)
        for spec in ["neuron", "softmax"] {
            let result = try runMgviz([sample(spec).path, "-o", name], in: folder)
            #expect(result.status == MgvizProcess.ExitStatus.success.rawValue && result.stderr.isEmpty, "\(result.stderr)")
            #expect(try Data(contentsOf: folder.appendingPathComponent(name)) == (try reference(spec)))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == [name])
    }

    /// A real signal while the output is being written: the temp file is removed, the target
    /// keeps its old contents, and mgviz exits with 128 + the signal rather than dying of it.
    @Test(arguments: [SIGINT, SIGTERM, SIGHUP])
    func signalMidWriteRemovesTheTemporaryFile(_ signal: Int32) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let terms = Array(repeating: "x", count: 40_000).joined(separator: " * 1 + ")
        try Data(#"{"inputs": {"x": 0.5}, "define": ["y = \#(terms)"]}"#.utf8).write(to: folder.appendingPathComponent("slow.json"))
        let target = folder.appendingPathComponent("out.dot")
        func temporaryFiles() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".mgviz-") }
        }
        // The signal can miss the write, which takes a fraction of a second; then try again.
        let deadline = Date().addingTimeInterval(180)
        var caughtMidWrite = false
        while !caughtMidWrite && Date() < deadline {
            try Data("precious".utf8).write(to: target)
            let process = try launchMgviz(["slow.json", "-o", "out.dot"], in: folder)
            var signalled = false
            while !signalled && process.isRunning && Date() < deadline {
                if try !temporaryFiles().isEmpty {
                    kill(process.processIdentifier, signal)
                    signalled = true
                }
                usleep(200)
            }
            if !signalled { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            // Finished before its temp file was seen: try again, until the deadline.
            guard signalled else { continue }
            #expect(try temporaryFiles().isEmpty)
            #expect(process.terminationReason == .exit)
            let contents = try String(contentsOf: target, encoding: .utf8)
            if contents == "precious" {
                #expect(process.terminationStatus == 128 + signal)
                caughtMidWrite = true
            } else {
                // The rename came first: the whole new diagram, never part of it.
                #expect(contents.hasPrefix("digraph mgviz {") && contents.hasSuffix("}\n"))
                #expect(process.terminationStatus == MgvizProcess.ExitStatus.success.rawValue || process.terminationStatus == 128 + signal)
            }
        }
        #expect(caughtMidWrite, "no signal arrived during a write")
    }

    /// `mgviz <(make-spec) -o out.svg`: the spec comes through a pipe named /dev/fd/N.
    @Test func processSubstitutionIsRead() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(contentsOf: sample("neuron")).write(to: folder.appendingPathComponent("spec.json"))
        func bash(_ script: String) throws -> (Int32, String) {
            let result = try runProgram(URL(fileURLWithPath: "/bin/bash"), ["-c", script, mgvizBinary.path], in: folder)
            return (result.status, result.stderr)
        }
        let (status, message) = try bash(#""$0" <(cat spec.json) -o out.svg"#)
        #expect(status == MgvizProcess.ExitStatus.success.rawValue && message.isEmpty, "\(message)")
        #expect(try Data(contentsOf: folder.appendingPathComponent("out.svg")) == (try reference("neuron")))
        // The size limit holds for a pipe as for standard input: it counts what was read.
        let (over, refusal) = try bash(#""$0" <(head -c 67108865 /dev/zero) -o big.svg"#)
        #expect(over == MgvizProcess.ExitStatus.dataError.rawValue)
        #expect(refusal.hasPrefix("mgviz: error: /dev/fd/") && refusal.hasSuffix(" bytes, over the limit of 67108864\n"), "\(refusal)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["out.svg", "spec.json"])
    }

    /// A socket cannot be opened by name, so /dev/stdin and /dev/stdout go through the descriptor.
    /// mgviz is given links to them in the test's folder: were they taken for files, the links
    /// would be what is replaced.
    @Test func socketsAsStandardInputAndOutput() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for (link, device) in [("in.json", "/dev/stdin"), ("out.svg", "/dev/stdout")] {
            try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent(link).path, withDestinationPath: device)
        }
        var input: [Int32] = [0, 0], output: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &input) == 0)
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &output) == 0)
        let process = Process()
        process.executableURL = mgvizBinary
        process.arguments = ["in.json", "-o", "out.svg"]
        process.currentDirectoryURL = folder
        process.standardInput = FileHandle(fileDescriptor: input[1], closeOnDealloc: false)
        process.standardOutput = FileHandle(fileDescriptor: output[1], closeOnDealloc: false)
        let error = Pipe()
        process.standardError = error
        try process.run()
        // Only the child holds these ends now, so the reads below see the end.
        close(input[1])
        close(output[1])
        let writer = FileHandle(fileDescriptor: input[0], closeOnDealloc: true)
        writer.write(try Data(contentsOf: sample("neuron")))
        shutdown(input[0], Int32(SHUT_WR))
        let bytes = FileHandle(fileDescriptor: output[0], closeOnDealloc: true).readDataToEndOfFile()
        let message = String(decoding: error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == MgvizProcess.ExitStatus.success.rawValue && message.isEmpty, "\(message)")
        #expect(bytes == (try reference("neuron")))
        #expect(kind(folder.appendingPathComponent("in.json")) == S_IFLNK && kind(folder.appendingPathComponent("out.svg")) == S_IFLNK)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["in.json", "out.svg"])
    }

    /// Every name under `folder` with its kind and contents, to show that nothing was written.
    func snapshot(_ folder: URL) throws -> [String: Data] {
        var entries: [String: Data] = [:]
        for name in try FileManager.default.subpathsOfDirectory(atPath: folder.path) {
            let url = folder.appendingPathComponent(name)
            entries[name] = kind(url) == S_IFREG ? try Data(contentsOf: url) : Data("\(kind(url) ?? 0)".utf8)
        }
        return entries
    }

    @Test func outDirIsCreatedWithItsParents() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try runMgviz([sample("neuron").path, sample("softmax").path, "--out-dir", "docs/figures/v1"], in: folder)
        #expect(result.status == MgvizProcess.ExitStatus.success.rawValue && result.stderr.isEmpty, "\(result.stderr)")
        let out = folder.appendingPathComponent("docs/figures/v1")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted() == ["neuron.svg", "softmax.svg"])
        // mgviz runs with this process's umask, which /proc reports without changing it.
        let umaskLine = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
            .split(separator: "\n").first { $0.hasPrefix("Umask:") }
        let mask = try #require(umaskLine.flatMap { mode_t($0.dropFirst(6).trimmingCharacters(in: .whitespaces), radix: 8) })
        for path in ["docs", "docs/figures", "docs/figures/v1"] {
            let info = try #require(status(folder.appendingPathComponent(path)))
            #expect(info.st_mode & S_IFMT == S_IFDIR && info.st_mode & 0o7777 == 0o777 & ~mask, "\(path)")
        }
        try Data("a file".utf8).write(to: folder.appendingPathComponent("plain"))
        let underAFile = try runMgviz([sample("neuron").path, "--out-dir", "plain/figures"], in: folder)
        #expect(underAFile.status == MgvizProcess.ExitStatus.cannotCreate.rawValue)
        #expect(underAFile.stderr == "mgviz: error: cannot create the --out-dir folder plain/figures: Not a directory\n")
    }

    @Test func specsThatWouldWriteOneFileAreRefused() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["a", "b"] {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(name), withIntermediateDirectories: false)
            try Data(contentsOf: sample("neuron")).write(to: folder.appendingPathComponent("\(name)/x.json"))
        }
        let before = try snapshot(folder)
        let sameName = try runMgviz(["a/x.json", "b/x.json", "--out-dir", "out"], in: folder)
        #expect(sameName.status == MgvizProcess.ExitStatus.usage.rawValue)
        #expect(sameName.stderr == "mgviz: error: a/x.json and b/x.json would both write out/x.svg; rename one or run them separately\n")
        #expect(sameName.stdout.isEmpty)
        #expect(try snapshot(folder) == before)  // not even the out-dir is made

        // Through a dangling link in the out-dir: b/y.svg leads to b/x.svg, which x.json writes.
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("b/y.svg").path, withDestinationPath: "x.svg")
        try Data(contentsOf: sample("neuron")).write(to: folder.appendingPathComponent("a/y.json"))
        let linked = try runMgviz(["a/x.json", "a/y.json", "--out-dir", "b"], in: folder)
        #expect(linked.status == MgvizProcess.ExitStatus.usage.rawValue)
        #expect(linked.stderr == "mgviz: error: a/x.json and a/y.json would both write b/y.svg; rename one or run them separately\n")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("b/x.svg").path))
    }

    @Test func outputThatIsAnotherSpecIsRefused() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for path in ["one", "out", "specs"] {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(path), withIntermediateDirectories: false)
        }
        for path in ["one/x.json", "out/x.json", "specs/z.json"] {
            try Data(contentsOf: sample("neuron")).write(to: folder.appendingPathComponent(path))
        }
        let before = try snapshot(folder)
        let direct = try runMgviz(["one/x.json", "out/x.json", "--out-dir", "out", "--format", "json"], in: folder)
        #expect(direct.status == MgvizProcess.ExitStatus.usage.rawValue)
        #expect(direct.stderr == "mgviz: error: the output out/x.json of one/x.json would overwrite the spec out/x.json; choose another --out-dir\n")
        #expect(try snapshot(folder) == before)

        // The same file by other names: out/z.json is a link to specs/z.json.
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("out/z.json").path, withDestinationPath: "../specs/z.json")
        try Data(contentsOf: sample("softmax")).write(to: folder.appendingPathComponent("one/z.json"))
        let linkedBefore = try snapshot(folder)
        let linked = try runMgviz(["one/z.json", "./one/../specs/z.json", "--out-dir", "out", "--format", "json"], in: folder)
        #expect(linked.status == MgvizProcess.ExitStatus.usage.rawValue)
        #expect(linked.stderr == "mgviz: error: the output out/z.json of one/z.json would overwrite the spec ./one/../specs/z.json; choose another --out-dir\n")
        let itself = try runMgviz(["specs/z.json", "--out-dir", "./out/", "--format", "json"], in: folder)
        #expect(itself.status == MgvizProcess.ExitStatus.usage.rawValue)
        #expect(itself.stderr == "mgviz: error: specs/z.json: the output would overwrite the spec itself; choose another --out-dir\n")
        #expect(try snapshot(folder) == linkedBefore)
    }
}
