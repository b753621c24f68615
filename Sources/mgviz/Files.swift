import Foundation
import MgvizSpec

/// A failure to report on one line, with its exit code (all below 128).
struct Failure: Error {
    var message: String
    var exitCode: Int32

    init(_ message: String, exitCode: Int32) {
        self.message = message
        self.exitCode = exitCode
    }
}

extension Failure {
    init(_ error: SpecError) { self.init(error.description, exitCode: 65) }
}

func systemError() -> String { String(cString: strerror(errno)) }

enum InputFile {
    /// Whether two paths name one existing file (through links and relative paths too).
    static func isSameFile(_ a: String, _ b: String) -> Bool {
        var first = stat(), second = stat()
        guard stat(a, &first) == 0, stat(b, &second) == 0 else { return false }
        return first.st_dev == second.st_dev && first.st_ino == second.st_ino
    }

    /// The spec's bytes and the name to use in messages. Refuses files over the size limit
    /// before reading them.
    static func read(_ path: String) throws(Failure) -> ([UInt8], String) {
        let limit = Spec.maximumFileBytes
        if path == "-" {
            let bytes = readAll(from: STDIN_FILENO, limit: limit)
            return (bytes, "<stdin>")
        }
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw Failure("cannot read \(path): \(systemError())", exitCode: 66) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw Failure("cannot read \(path): \(systemError())", exitCode: 66) }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw Failure("cannot read \(path): not a regular file", exitCode: 66)
        }
        guard Int(info.st_size) <= limit else {
            throw Failure("\(path): the file is \(info.st_size) bytes, over the limit of \(limit)", exitCode: 65)
        }
        return (readAll(from: descriptor, limit: limit), path)
    }

    /// Reads to the end, or to one byte past `limit` so that the spec parser can refuse it.
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

enum OutputFile {
    /// Writes `contents` to `path` atomically: a temp file in the same folder is written,
    /// fsynced and renamed over the target, so a failure or a kill never leaves a partial
    /// file there. A file that already holds exactly these bytes is left alone, so its
    /// timestamp stays. `-` writes to standard output.
    static func write(_ contents: some ContiguousBytes, to path: String) throws(Failure) {
        if path == "-" {
            guard contents.withUnsafeBytes({ writeAll(STDOUT_FILENO, $0) }) else {
                throw Failure("cannot write to standard output: \(systemError())", exitCode: 73)
            }
            return
        }
        if contents.withUnsafeBytes({ holds(path, $0) }) { return }
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var template = Array("\(folder)/.\(url.lastPathComponent).XXXXXX".utf8CString)
        let descriptor = mkstemp(&template)
        guard descriptor >= 0 else { throw Failure("cannot write \(path): \(systemError())", exitCode: 73) }
        let temporary = String(cString: template)
        var ok = false
        defer {
            if !ok { unlink(temporary) }
        }
        do {
            defer { close(descriptor) }
            let written = contents.withUnsafeBytes { writeAll(descriptor, $0) }
            guard written, fsync(descriptor) == 0 else { throw Failure("cannot write \(path): \(systemError())", exitCode: 73) }
            // mkstemp makes the file private; give it the usual permissions.
            let mask = umask(0)
            umask(mask)
            fchmod(descriptor, 0o666 & ~mask)
        }
        guard rename(temporary, path) == 0 else { throw Failure("cannot write \(path): \(systemError())", exitCode: 73) }
        ok = true
    }

    /// Whether the file at `path` holds exactly `bytes`; reads it only when the sizes match.
    private static func holds(_ path: String, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size) == bytes.count,
              let existing = FileManager.default.contents(atPath: path)
        else { return false }
        return existing.withUnsafeBytes { $0.elementsEqual(bytes) }
    }

    private static func writeAll(_ descriptor: Int32, _ buffer: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < buffer.count {
            let count = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            offset += count
        }
        return true
    }
}
