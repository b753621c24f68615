import Glibc
import MgvizExport
import Synchronization

/// A file that cannot be read or written, and why. The command words it.
public enum FileError: Error, Equatable, Sendable {
    /// `reason` is the system's word for it, or what is there instead of a file.
    case cannotRead(path: String, reason: String)
    /// A file of `bytes` where at most `limit` are read.
    case tooLarge(path: String, bytes: Int, limit: Int)
    /// `path` is `-` for standard output.
    case cannotWrite(path: String, reason: String)
    /// A folder where a file is to be written.
    case outputIsAFolder(path: String)
    /// A block device where a file is to be written: only files, pipes and character devices are.
    case outputIsABlockDevice(path: String)
    /// Something other than a regular file where only a file will do (a Markdown document, its
    /// images); `kind` says what: "a FIFO", "a character device", …
    case notARegularFile(path: String, kind: String)
}

package func systemError(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

/// The current folder's path, or "" if it cannot be read.
package func currentFolder() -> String {
    guard let pointer = getcwd(nil, 0) else { return "" }
    defer { free(pointer) }
    return String(cString: pointer)
}

/// `name` in `folder`, as the kernel reads it.
package func joinedPath(_ folder: String, _ name: String) -> String {
    folder.hasSuffix("/") ? folder + name : folder + "/" + name
}

/// The folder part of `path`: "." for a bare name.
package func folder(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
}

/// The part of `path` after its last slash.
private func name(of path: String) -> String {
    path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path
}

/// Where a path leads once its symbolic links are followed.
private enum Place {
    /// The end of the chain, which is not a link; its status, or nil when nothing is there.
    case file(String, stat?)
    /// One of this process's own descriptors, which its /proc link cannot stand for: the link of
    /// a pipe or a socket reads `pipe:[…]`, and a socket cannot be opened by name at all.
    case descriptor(Int32)
}

/// Follows `path`'s chain of symbolic links one link at a time, so that a dangling link still
/// tells where its file would be. Nil, with errno set, for a loop or a link that cannot be read.
private func follow(_ path: String) -> Place? {
    var current = path
    // The kernel's own limit on links in one lookup.
    for _ in 0...40 {
        if let number = descriptorNumber(named: current) { return .descriptor(number) }
        var info = stat()
        guard lstat(current, &info) == 0 else { return errno == ENOENT ? .file(current, nil) : nil }
        guard (info.st_mode & S_IFMT) == S_IFLNK else { return .file(current, info) }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(current, &buffer, buffer.count - 1)
        guard count >= 0 else { return nil }
        let destination = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        current = destination.hasPrefix("/") ? destination : joinedPath(folder(of: current), destination)
    }
    errno = ELOOP
    return nil
}

/// The number of the descriptor that `path` names: /dev/stdin, /dev/stdout, /dev/stderr,
/// /dev/fd/N or /proc/self/fd/N.
private func descriptorNumber(named path: String) -> Int32? {
    switch path {
    case "/dev/stdin": return STDIN_FILENO
    case "/dev/stdout": return STDOUT_FILENO
    case "/dev/stderr": return STDERR_FILENO
    default:
        for prefix in ["/dev/fd/", "/proc/self/fd/"] where path.hasPrefix(prefix) {
            let digits = path.dropFirst(prefix.count)
            guard !digits.isEmpty, digits.allSatisfy({ ("0"..."9").contains($0) }) else { return nil }
            return Int32(digits)
        }
        return nil
    }
}

/// What a file that is not a regular file is, in words: "a FIFO", "a folder", …
private func kind(of mode: mode_t) -> String {
    switch mode & S_IFMT {
    case S_IFIFO: return "a FIFO"
    case S_IFCHR: return "a character device"
    case S_IFBLK: return "a block device"
    case S_IFSOCK: return "a socket"
    case S_IFDIR: return "a folder"
    case S_IFLNK: return "a symbolic link"
    default: return "not a regular file"
    }
}

/// Which file a path names, to tell whether two paths are one: an existing file's device and
/// inode, or else where it would be created.
package enum FileIdentity: Hashable {
    case inode(dev_t, ino_t)
    case location(String)

    private init(_ info: stat) { self = .inode(info.st_dev, info.st_ino) }

    /// Nil for standard input and for what is not a regular file: a pipe cannot be overwritten.
    package init?(input path: String) {
        var info = stat()
        guard path != "-", stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        self.init(info)
    }

    /// Nil for standard output and for what is written in place (devices, pipes), and for a
    /// target that cannot be written at all, which its write reports.
    package init?(output path: String) {
        guard path != "-", let target = try? OutputFile.target(of: path) else { return nil }
        switch target {
        case .file(let end, let existing):
            self.init(file: end, existing: existing)
        case .descriptor(let number):
            var info = stat()
            guard fstat(number, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
            self.init(info)
        case .stream, .socket:
            return nil
        }
    }

    /// For an output that must be a regular file, replaced whole (a Markdown document's image):
    /// a FIFO, device, socket or descriptor there is refused, as is what `OutputFile` refuses.
    package init(regularOutput path: String) throws(FileError) {
        switch try OutputFile.target(of: path) {
        case .file(let end, let existing):
            self.init(file: end, existing: existing)
        case .stream(let end), .socket(let end):
            var info = stat()
            throw .notARegularFile(path: path, kind: stat(end, &info) == 0 ? kind(of: info.st_mode) : "not a regular file")
        case .descriptor:
            throw .notARegularFile(path: path, kind: "a descriptor of this process")
        }
    }

    /// The file at the end of a path's links: its inode, or the canonical place it would be
    /// created at.
    private init(file end: String, existing: stat?) {
        if let existing {
            self.init(existing)
            return
        }
        let parent = folder(of: end)
        let canonical = realpath(parent, nil).map { pointer in
            defer { free(pointer) }
            return String(cString: pointer)
        }
        self = .location(joinedPath(canonical ?? parent, name(of: end)))
    }
}

package enum InputFile {
    /// The bytes of the file at `path`, or of standard input for `-`, at most `limit`. Refuses
    /// a file over the limit before reading it; a pipe is read as standard input is.
    package static func read(_ path: String, limit: Int) throws(FileError) -> [UInt8] {
        if path == "-" { return readAll(from: STDIN_FILENO, limit: limit) }
        let descriptor = try open(path)
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .cannotRead(path: path, reason: systemError()) }
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            guard Int(info.st_size) <= limit else {
                throw .tooLarge(path: path, bytes: Int(info.st_size), limit: limit)
            }
        // `mgviz <(make-spec) …`: the size is known only at the end, so the spec parser refuses
        // what goes over the limit.
        case S_IFIFO, S_IFSOCK:
            break
        default:
            throw .cannotRead(path: path, reason: "not a regular file or a pipe")
        }
        return readAll(from: descriptor, limit: limit)
    }

    /// A regular file's bytes, at most `limit` (refused before reading when the file is larger).
    /// Anything else (a FIFO, a device, a socket, a folder) is refused before it is opened, so
    /// that nothing blocks or has an effect on open, and again once it is open, non-blocking,
    /// in case it was replaced in between.
    package static func readRegularFile(_ path: String, limit: Int) throws(FileError) -> [UInt8] {
        func check(_ info: stat) throws(FileError) {
            guard (info.st_mode & S_IFMT) == S_IFREG else { throw .notARegularFile(path: path, kind: kind(of: info.st_mode)) }
        }
        var info = stat()
        guard stat(path, &info) == 0 else { throw .cannotRead(path: path, reason: systemError()) }
        try check(info)
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard descriptor >= 0 else { throw .cannotRead(path: path, reason: systemError()) }
        defer { close(descriptor) }
        guard fstat(descriptor, &info) == 0 else { throw .cannotRead(path: path, reason: systemError()) }
        try check(info)
        guard Int(info.st_size) <= limit else { throw .tooLarge(path: path, bytes: Int(info.st_size), limit: limit) }
        return readAll(from: descriptor, limit: limit)
    }

    private static func open(_ path: String) throws(FileError) -> Int32 {
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        if descriptor >= 0 { return descriptor }
        let failure = errno
        // A socket cannot be opened by name: read /dev/stdin and the like through the descriptor.
        if failure == ENXIO, case .descriptor(let number)? = follow(path) {
            let copy = dup(number)
            if copy >= 0 { return copy }
            throw .cannotRead(path: path, reason: systemError())
        }
        throw .cannotRead(path: path, reason: systemError(failure))
    }

    /// Reads to the end, or to one byte past `limit` so that the caller can refuse it.
    private static func readAll(from descriptor: Int32, limit: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while bytes.count <= limit {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += chunk[0..<count]
        }
        return bytes
    }
}

package enum OutputFile {
    /// One temp file at a time: `TemporaryFile.path` holds its name.
    private static let writing = Mutex(())

    /// What writing to a path means, by what is there.
    enum Target {
        /// Absent, or a regular file (with its status): replaced atomically at this path, the
        /// end of the link chain, so that a link stays a link.
        case file(String, stat?)
        /// A character device or a FIFO: written in place, never replaced.
        case stream(String)
        /// A Unix socket: connected to, since a socket cannot be opened by name.
        case socket(String)
        /// One of this process's descriptors, written as it stands (`-o /dev/stdout >> log`
        /// appends).
        case descriptor(Int32)
    }

    static func target(of path: String) throws(FileError) -> Target {
        guard let place = follow(path) else { throw .cannotWrite(path: path, reason: systemError()) }
        switch place {
        case .descriptor(let number):
            return .descriptor(number)
        case .file(let end, nil):
            return .file(end, nil)
        case .file(let end, let info?):
            switch info.st_mode & S_IFMT {
            case S_IFREG:
                return .file(end, info)
            case S_IFDIR:
                throw .outputIsAFolder(path: path)
            case S_IFBLK:
                throw .outputIsABlockDevice(path: path)
            case S_IFSOCK:
                return .socket(end)
            default:
                return .stream(end)
            }
        }
    }

    /// Writes `contents` to `path` by what is there (see `Target`). A file is replaced
    /// atomically: a temp file in the same folder is written, fsynced and renamed over it, so a
    /// failure or a kill never leaves a partial file there; it keeps the file's permissions and,
    /// as root, its owner. A file that already holds exactly these bytes is left alone, so its
    /// timestamp stays. A file that `>` could not open for writing is refused, with nothing
    /// written. Temp files that killed runs left in the folder are removed first (see
    /// `TemporaryFile.removeStale`). `-` writes to standard output.
    package static func write(_ contents: [UInt8], to path: String) throws(FileError) {
        try write(to: path) { $0.write(contents) }
    }

    /// Writes to `path` what `produce` writes, as it is made: the writer hands each 64 KiB on
    /// with write(2), so a diagram of millions of nodes is never whole in memory. Everything
    /// `write(_:to:)` promises holds: a file is replaced atomically through a temp file, which
    /// an error or a failed write removes (and a signal, where the command has installed its
    /// handler: see `TemporaryFile.path`); a file that already holds exactly these bytes is
    /// left alone, since nothing is written while the bytes made match it; streams, devices,
    /// sockets and standard output are written in place. An error `produce` throws is thrown
    /// on, after the temp file is gone.
    package static func write(to path: String, _ produce: (inout TextWriter) throws(FileError) -> Void) throws(FileError) {
        try writing.withLock { _ throws(FileError) in try writeLocked(to: path, produce) }
    }

    private static func writeLocked(to path: String, _ produce: (inout TextWriter) throws(FileError) -> Void) throws(FileError) {
        if path == "-" { return try stream(to: STDOUT_FILENO, reportingAs: "-", produce) }
        switch try target(of: path) {
        case .file(let end, let existing):
            if existing != nil { try refuseUnlessWritable(end, reportingAs: path) }
            TemporaryFile.removeStale(in: folder(of: end))
            let replacement = Replacement(end, existing: existing)
            defer { replacement.abandon() }
            var out = TextWriter(drain: replacement.take)
            try produce(&out)
            out.flush()
            guard !out.failed, replacement.finish() else {
                throw .cannotWrite(path: path, reason: systemError(replacement.failure))
            }
        case .stream(let end):
            // No O_CREAT or O_TRUNC: what is there is written to, never made anew.
            try streamInPlace(open(end, O_WRONLY | O_NOCTTY | O_CLOEXEC), reportingAs: path, produce)
        case .socket(let end):
            try streamInPlace(connectedSocket(end), reportingAs: path, produce)
        case .descriptor(let number):
            try stream(to: number, reportingAs: path, produce)
        }
    }

    /// Refuses a file that the shell's `>` could not open for writing, before anything is made
    /// or written: a write-protected file is kept, unless the user is root, whom `>` lets write
    /// it too. The kernel is asked the question `>` asks it, by an open for writing without
    /// O_TRUNC, closed at once, so that everything it weighs counts: the effective user and
    /// groups, root's override, ACLs, security modules, read-only mounts, immutable files, a
    /// running program. faccessat with AT_EACCESS would ask without opening, but glibc makes
    /// its answer up from the mode bits where the kernel lacks faccessat2 (before Linux 5.8),
    /// and fails it with EPERM under container seccomp profiles older than that call. The open
    /// writes nothing and changes no timestamp (an inotify watcher sees an open and a
    /// close-after-write). Like `>`, it refuses a write-protected file even when the file
    /// already holds the new bytes: whether a run succeeds does not depend on what was there.
    private static func refuseUnlessWritable(_ end: String, reportingAs path: String) throws(FileError) {
        // O_NONBLOCK, so that a FIFO put in its place since cannot hang the open.
        let descriptor = open(end, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        if descriptor >= 0 {
            close(descriptor)
            return
        }
        // EWOULDBLOCK: a reader holds a lease on the file (Samba does), which the kernel
        // breaks only once the permissions have let the open through; `>` would wait for it,
        // and the rename does not need it.
        guard errno == EWOULDBLOCK else { throw .cannotWrite(path: path, reason: systemError()) }
    }

    /// Writes to a descriptor just opened (-1 with errno set if that failed), then closes it.
    private static func streamInPlace(
        _ descriptor: Int32, reportingAs path: String, _ produce: (inout TextWriter) throws(FileError) -> Void
    ) throws(FileError) {
        guard descriptor >= 0 else { throw .cannotWrite(path: path, reason: systemError()) }
        defer { close(descriptor) }
        try stream(to: descriptor, reportingAs: path, produce)
    }

    private static func stream(
        to descriptor: Int32, reportingAs path: String, _ produce: (inout TextWriter) throws(FileError) -> Void
    ) throws(FileError) {
        let failure = Failure()
        var out = TextWriter { bytes in
            if writeAll(descriptor, bytes) { return true }
            failure.code = errno
            return false
        }
        try produce(&out)
        out.flush()
        if out.failed { throw .cannotWrite(path: path, reason: systemError(failure.code)) }
    }

    /// The errno of a write that failed inside a writer's drain.
    private final class Failure {
        var code: Int32 = 0
    }

    /// A regular file being replaced through a temp file beside it. While the bytes handed in
    /// match the file already there, nothing is written: only at the first difference is the
    /// temp file made, and the part that matched copied into it from the old file. If every
    /// byte matched and the old file ends there too, it is left as it was.
    private final class Replacement {
        let end: String
        let existing: stat?
        /// The old file, read alongside while it matches; -1 once it differs, or when there is none.
        var old: Int32 = -1
        /// How many bytes have been handed in, all equal to the old file's so far.
        var matched = 0
        /// The temp file, while it is open.
        var temporary: Int32 = -1
        var created = false
        var renamed = false
        var failure: Int32 = 0
        /// Bytes in the temp file, and how many of them the kernel was asked to write out.
        var size = 0
        var handedToDisk = 0
        /// Every so many bytes, the kernel is asked to start writing them out.
        static let writeBehind = 8 << 20
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: TextWriter.bufferSize, alignment: 1)

        init(_ end: String, existing: stat?) {
            self.end = end
            self.existing = existing
            // Compared with only if it is still the regular file that was there: non-blocking,
            // so that a FIFO put in its place since cannot hang the open.
            if let existing {
                old = open(end, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW)
                var info = stat()
                if old >= 0, fstat(old, &info) != 0 || (info.st_mode & S_IFMT) != S_IFREG
                    || info.st_dev != existing.st_dev || info.st_ino != existing.st_ino {
                    close(old)
                    old = -1
                }
            }
        }

        deinit { scratch.deallocate() }

        /// A writer's drain: false, with `failure` set, when the bytes could not be written.
        func take(_ bytes: UnsafeRawBufferPointer) -> Bool {
            if old >= 0 {
                if oldFileContinues(with: bytes) {
                    matched += bytes.count
                    return true
                }
                guard startTemporary() else { return false }
            } else if temporary < 0 {
                guard startTemporary() else { return false }
            }
            guard written(OutputFile.writeAll(temporary, bytes)) else { return false }
            size += bytes.count
            writeBehind()
            return true
        }

        /// Starts writing what is in the temp file to disk while the rest is made, so that the
        /// fsync at the end has little left to wait for (0.2 s of 0.2 s for 182 MB here).
        /// POSIX_FADV_DONTNEED starts writeback of the range's dirty pages and then drops the
        /// pages already written from the cache: a big output does not push out other files.
        private func writeBehind() {
            guard size - handedToDisk >= Self.writeBehind else { return }
            _ = posix_fadvise(temporary, off_t(handedToDisk), off_t(size - handedToDisk), POSIX_FADV_DONTNEED)
            handedToDisk = size
        }

        /// After the last bytes: true once the file at `end` holds them, renamed there or left
        /// alone as it already did.
        func finish() -> Bool {
            if old >= 0 {
                var byte: UInt8 = 0
                // More bytes, or a read error: either way the file differs and is replaced.
                if readRetrying(old, &byte, 1) == 0 { return true }  // the same bytes, and no more
                guard startTemporary() else { return false }
            } else if temporary < 0 {
                guard startTemporary() else { return false }
            }
            guard written(OutputFile.keepOwnerAndMode(temporary, of: existing) && fsync(temporary) == 0),
                  written(TemporaryFile.settle(renamingTo: end)) else { return false }
            renamed = true
            // Closed only once renamed: the close drops the lock that keeps other runs from
            // removing the temp file. The fsync has put its bytes on disk and reported any
            // error, so the close has nothing left to report.
            close(temporary)
            temporary = -1
            return true
        }

        /// Removes the temp file unless it was renamed, then closes what is open: the temp
        /// file's lock is held until its name is gone.
        func abandon() {
            if created && !renamed { _ = TemporaryFile.settle(renamingTo: nil) }
            created = false
            if old >= 0 { close(old) }
            old = -1
            if temporary >= 0 { close(temporary) }
            temporary = -1
        }

        private func written(_ done: Bool) -> Bool {
            if !done { failure = errno }
            return done
        }

        /// Whether the old file's next bytes are `bytes`; reads past them either way.
        private func oldFileContinues(with bytes: UnsafeRawBufferPointer) -> Bool {
            var offset = 0
            while offset < bytes.count {
                let wanted = min(scratch.count, bytes.count - offset)
                var filled = 0
                while filled < wanted {
                    let count = readRetrying(old, scratch.baseAddress! + filled, wanted - filled)
                    guard count > 0 else { return false }
                    filled += count
                }
                guard memcmp(scratch.baseAddress!, bytes.baseAddress! + offset, wanted) == 0 else { return false }
                offset += wanted
            }
            return true
        }

        /// Makes the temp file and copies into it the bytes that matched the old file, which
        /// stops being compared.
        private func startTemporary() -> Bool {
            temporary = TemporaryFile.create(in: folder(of: end))
            guard written(temporary >= 0) else { return false }
            created = true
            var offset = 0
            while offset < matched {
                let count = pread(old, scratch.baseAddress!, min(scratch.count, matched - offset), off_t(offset))
                if count < 0 && errno == EINTR { continue }
                if count == 0 { errno = EIO }
                guard written(count > 0), written(OutputFile.writeAll(temporary, UnsafeRawBufferPointer(start: scratch.baseAddress!, count: count))) else {
                    return false
                }
                offset += count
                size += count
                writeBehind()
            }
            if old >= 0 { close(old) }
            old = -1
            return true
        }

        private func readRetrying(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
            while true {
                let done = read(descriptor, buffer, count)
                if done < 0 && errno == EINTR { continue }
                return done
            }
        }
    }

    /// A stream connection to the Unix socket at `path`, or -1 with errno set.
    private static func connectedSocket(_ path: String) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            errno = ENAMETOOLONG
            return -1
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return -1 }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            let failure = errno
            close(descriptor)
            errno = failure
            return -1
        }
        return descriptor
    }

    /// Gives the temp file the mode of the file it replaces (mkstemp makes it private), or the
    /// usual mode for a new file; as root, also the replaced file's owner and group.
    private static func keepOwnerAndMode(_ descriptor: Int32, of existing: stat?) -> Bool {
        guard let existing else {
            let mask = umask(0)
            umask(mask)
            return fchmod(descriptor, 0o666 & ~mask) == 0
        }
        // Not set-user-ID or set-group-ID: a diagram is no program, and new content must not
        // inherit the right to run as someone else.
        if geteuid() == 0, fchown(descriptor, existing.st_uid, existing.st_gid) != 0 { return false }
        return fchmod(descriptor, existing.st_mode & 0o1777) == 0
    }

    private static func writeAll(_ descriptor: Int32, _ buffer: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < buffer.count {
            let count = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                if count == 0 { errno = EIO }  // no progress and no error: say so, not a stale one
                return false
            }
            offset += count
        }
        return true
    }

    /// Creates `path` and any missing parents, each with mode 0777 less the umask.
    package static func makeFolder(_ path: String) -> Bool {
        if mkdir(path, 0o777) == 0 || errno == EEXIST { return true }
        let parent = folder(of: path)
        guard errno == ENOENT, parent != path, makeFolder(parent) else { return false }
        return mkdir(path, 0o777) == 0 || errno == EEXIST
    }
}

/// The one temp file a process writes at a time (`OutputFile.write` holds a lock while it
/// exists).
package enum TemporaryFile {
    /// Its path as a C string, empty when there is none, for a signal handler that removes it
    /// and may read nothing else: a buffer allocated once, changed only with
    /// `signalsReadingPath` held back.
    nonisolated(unsafe) package static let path: UnsafeMutablePointer<CChar> = {
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(PATH_MAX))
        buffer.initialize(repeating: 0, count: Int(PATH_MAX))
        return buffer
    }()

    /// The signals whose handlers read `path`: held back while it changes, so that a handler
    /// never reads a name half written, or one that mkstemp tried and another process owns.
    /// Nil unless the command installed such handlers (MgvizProcess), so that a program that
    /// uses the library keeps its signal mask as it set it. Set before any write starts.
    nonisolated(unsafe) package static var signalsReadingPath: sigset_t?

    /// A new private file named `.mgviz-XXXXXX` in `folder`: a short name, so that a target of
    /// any length the file system takes can have one beside it. It is locked (see
    /// `removeStale`) until its descriptor is closed, which the caller does only after the
    /// file is renamed or removed. Returns its descriptor, or -1 with errno set.
    static func create(in folder: String) -> Int32 {
        let template = Array(joinedPath(folder, ".mgviz-XXXXXX").utf8CString)
        guard template.count <= Int(PATH_MAX) else {
            errno = ENAMETOOLONG
            return -1
        }
        return holdingPathReaders {
            // Ends: another run takes a file from under this one only while cleaning its
            // folder, which it does once.
            while true {
                template.withUnsafeBufferPointer { path.update(from: $0.baseAddress!, count: $0.count) }
                let descriptor = mkstemp(path)
                if descriptor < 0 || isLockedAndNamed(descriptor) {
                    if descriptor < 0 { path.pointee = 0 }
                    return descriptor
                }
                // Another run's removeStale has it, and removes it.
                path.pointee = 0
                close(descriptor)
            }
        }
    }

    /// Locks a file that mkstemp has just made. mkstemp makes it before it can be locked, so
    /// in that moment another run's `removeStale` may find it unlocked, lock it and remove
    /// it: then this lock is refused, or taken on a file that no longer has a name, and false
    /// says to make another. Once this lock is held on a named file, no run removes it. On a
    /// file system without locks the file is used unlocked: `removeStale` cannot lock it either,
    /// so it never removes it.
    private static func isLockedAndNamed(_ descriptor: Int32) -> Bool {
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { return errno != EWOULDBLOCK }
        var info = stat()
        return fstat(descriptor, &info) == 0 && info.st_nlink > 0
    }

    /// The folders this process has cleaned: only other processes leave temp files, so each
    /// folder is listed once, not once for every output a batch writes into it. Changed only
    /// under `OutputFile.write`'s lock.
    nonisolated(unsafe) private static var cleanedFolders: Set<FileIdentity> = []

    /// Removes the temp files that runs killed before they could (kill -9, a crash, a power
    /// cut) left in `folder`: regular files of this user named `.mgviz-` and six of mkstemp's
    /// letters, that no run holds locked. A run locks its temp file with flock from its
    /// creation (`create`) to after its rename or removal, on the descriptor it writes through,
    /// and the kernel drops the lock when the run dies, however it dies. Links are never
    /// followed, nothing else is touched, nothing waits: a file locked, or one that cannot be
    /// opened or checked, is left. Another user's files are theirs to clean, even for root.
    static func removeStale(in folder: String) {
        let directory = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        // A folder that cannot be read is reported, if at all, by the write that follows.
        guard directory >= 0 else { return }
        var info = stat()
        guard fstat(directory, &info) == 0, cleanedFolders.insert(.inode(info.st_dev, info.st_ino)).inserted,
              let listing = fdopendir(directory) else {
            close(directory)
            return
        }
        defer { closedir(listing) }
        while let entry = readdir(listing) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }
            if isTemporaryName(name) { removeIfUnlocked(name, in: dirfd(listing)) }
        }
    }

    /// The letters glibc's mkstemp puts in place of the X's.
    private static let mkstempLetters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)

    /// `.mgviz-` and six of mkstemp's letters: the names `create` makes, and no others.
    private static func isTemporaryName(_ name: String) -> Bool {
        let prefix = ".mgviz-".utf8
        let bytes = Array(name.utf8)
        return bytes.count == prefix.count + 6 && bytes.starts(with: prefix) && bytes.dropFirst(prefix.count).allSatisfy(mkstempLetters.contains)
    }

    /// Removes `name` from the folder open as `directory` if it is a regular file of this user
    /// that nobody holds locked, and still the file that was locked when it is removed.
    private static func removeIfUnlocked(_ name: String, in directory: Int32) {
        func isOwnFile(_ info: stat) -> Bool { (info.st_mode & S_IFMT) == S_IFREG && info.st_uid == geteuid() }
        var listed = stat()
        // Checked before the open too, so that no device or FIFO is opened.
        guard fstatat(directory, name, &listed, AT_SYMLINK_NOFOLLOW) == 0, isOwnFile(listed) else { return }
        // Non-blocking: a FIFO put in its place since cannot hang the open.
        let descriptor = openat(directory, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        // Closed after the removal: the lock is held until the name is gone.
        defer { close(descriptor) }
        var locked = stat(), named = stat()
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0, fstat(descriptor, &locked) == 0, isOwnFile(locked),
              fstatat(directory, name, &named, AT_SYMLINK_NOFOLLOW) == 0,
              named.st_dev == locked.st_dev, named.st_ino == locked.st_ino else { return }
        unlinkat(directory, name, 0)
    }

    /// Renames the temp file to `target`, or removes it when `target` is nil; returns whether
    /// that worked, with errno set if not.
    static func settle(renamingTo target: String?) -> Bool {
        holdingPathReaders {
            let done = target.map { rename(path, $0) == 0 } ?? (unlink(path) == 0)
            // A failed rename leaves the file there for the caller's settle(renamingTo: nil).
            if done || target == nil { path.pointee = 0 }
            return done
        }
    }

    /// Runs `body`, which changes `path`, with `signalsReadingPath` held back.
    private static func holdingPathReaders<T>(_ body: () -> T) -> T {
        guard var held = signalsReadingPath else { return body() }
        var previous = sigset_t()
        pthread_sigmask(SIG_BLOCK, &held, &previous)
        let result = body()
        let failure = errno
        pthread_sigmask(SIG_SETMASK, &previous, nil)
        errno = failure
        return result
    }
}
