#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - The file layer

/// Why a file could not be read or written, naming the file.
public struct FileError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        /// The system refused (`reason` is its words: "No such file or directory").
        case system
        /// A directory, pipe or device where a regular file was wanted.
        case notRegularFile
        /// Larger than the reader's cap.
        case tooLarge
    }
    public let kind: Kind
    public let path: String
    /// What failed: `cannot read`, `cannot save`; empty for `tooLarge`.
    public let action: String
    /// Why: the system's words (`No such file or directory`), `it is a directory`,
    /// `is 70 MiB; files of at most 64 MiB can be read`.
    public let reason: String

    public init(_ kind: Kind, path: String, action: String, _ reason: String) {
        self.kind = kind
        self.path = path
        self.action = action
        self.reason = reason
    }

    /// One line without the path: `cannot read: No such file or directory`.
    public var message: String { action.isEmpty ? reason : action + ": " + reason }

    public var description: String { "\(path): \(message)" }
}

/// Every read and write of a whole file, for every module above the kernels: text and bytes
/// read with a size cap (a huge or endless file is refused, not loaded), and saves that are
/// atomic — a temporary file in the same directory is written, flushed to disk and renamed over
/// the target, so a reader sees the old file or the new one, and a failure at any point (disk
/// full, Ctrl-C, a crash) leaves the old file exactly as it was.
public enum FileIO {
    // MARK: Reading

    /// The whole of a text file (invalid UTF-8 is replaced, as `String(decoding:)` does).
    public static func readText(_ path: String, limit: Int, regularFilesOnly: Bool = true) throws(FileError) -> String {
        String(decoding: try readBytes(path, limit: limit, regularFilesOnly: regularFilesOnly), as: UTF8.self)
    }

    /// The whole of a file, at most `limit` bytes.
    ///
    /// With `regularFilesOnly` (the default) a pipe, terminal or device is refused: reading one
    /// could block the session (Ctrl-C cannot reach a blocked read) or never end (`/dev/zero`).
    /// The type is checked before the file is opened (opening a device can have effects of its
    /// own) and again on the open file, which is opened non-blocking so that a path swapped for
    /// a pipe in between cannot block either. A file larger than `limit` is refused by its size,
    /// before any of it is read, and again if it grows while it is read. Without
    /// `regularFilesOnly` only directories are refused (`glassbox run <(…)` reads a pipe).
    public static func readBytes(_ path: String, limit: Int, regularFilesOnly: Bool = true) throws(FileError) -> [UInt8] {
        func check(_ info: stat) throws(FileError) {
            let type = info.st_mode & S_IFMT
            if type == S_IFDIR { throw FileError(.notRegularFile, path: path, action: "cannot read", "it is a directory") }
            if regularFilesOnly, type != S_IFREG {
                throw FileError(.notRegularFile, path: path, action: "cannot read", "it is \(kind(of: info.st_mode)), not a regular file")
            }
            if type == S_IFREG, info.st_size > limit { throw tooLarge(path, size: Int(info.st_size), limit: limit) }
        }
        var info = stat()
        if regularFilesOnly {
            guard stat(path, &info) == 0 else { throw failure("cannot read", path) }
            try check(info)
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC | (regularFilesOnly ? O_NONBLOCK : 0))
        guard fd >= 0 else { throw failure("cannot read", path) }
        defer { close(fd) }
        guard fstat(fd, &info) == 0 else { throw failure("cannot read", path) }
        try check(info)
        var bytes: [UInt8] = []
        if (info.st_mode & S_IFMT) == S_IFREG { bytes.reserveCapacity(Swift.min(Int(info.st_size), limit)) }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure("cannot read", path)
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > limit { throw tooLarge(path, size: nil, limit: limit) }
        }
        return bytes
    }

    /// `a directory`, `a pipe`, … for a file type in `st_mode`.
    public static func kind(of mode: mode_t) -> String {
        let names: [mode_t: String] = [S_IFDIR: "a directory", S_IFIFO: "a pipe", S_IFCHR: "a character device",
                                       S_IFBLK: "a block device", S_IFSOCK: "a socket"]
        return names[mode & S_IFMT] ?? "a special file"
    }

    // MARK: Saving

    /// Where a save is made to fail on purpose, for the tests of atomicity.
    public enum FaultPoint: Sendable { case afterWrite, beforeRename }
    nonisolated(unsafe) public static var fault: FaultPoint? = nil

    /// Saves `text` at `path` atomically (`writeAtomically(_:to:)` for bytes).
    public static func writeAtomically(_ text: String, to path: String) throws(FileError) {
        try writeAtomically(Array(text.utf8), to: path)
    }

    /// Saves `bytes` at `path` atomically: temporary file (same directory), write, fsync,
    /// rename. An existing file keeps its permissions; a symbolic link is followed, so the file
    /// it points to is replaced and the link stays. On any failure the temporary file is
    /// removed and the old file is untouched.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws(FileError) {
        var target = path
        var info = stat()
        if lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK, let resolved = realpath(path, nil) {
            target = String(cString: resolved)
            free(resolved)
        }
        var mode: mode_t = 0o644
        if stat(target, &info) == 0 {
            if (info.st_mode & S_IFMT) == S_IFDIR {
                throw FileError(.notRegularFile, path: path, action: "cannot save", "it is a directory")
            }
            mode = info.st_mode & 0o7777
        }
        let (directory, base) = split(target)
        let temporary = "\(directory)/.\(base).tmp-\(getpid())-\(nextSerial())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw failure("cannot save", path, context: directory) }
        var ok = false
        defer { if !ok { unlink(temporary) } }

        var written = 0
        let writeFailed: Bool = bytes.withUnsafeBytes { buffer in
            guard let start = buffer.baseAddress else { return false }   // nothing to write
            while written < buffer.count {
                let n = write(fd, start + written, buffer.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    return true
                }
                written += n
            }
            return false
        }
        if writeFailed || fault == .afterWrite {
            if fault == .afterWrite { errno = EIO }
            let error = failure("cannot save", path)
            close(fd)
            throw error
        }
        if fsync(fd) != 0 {
            let error = failure("cannot save", path)
            close(fd)
            throw error
        }
        close(fd)
        // The permissions of a new file follow the umask; an existing file's are kept exactly.
        if stat(target, &info) == 0 { _ = chmod(temporary, mode) }
        if fault == .beforeRename {
            errno = EIO
            throw failure("cannot save", path)
        }
        guard rename(temporary, target) == 0 else { throw failure("cannot save", path) }
        ok = true
        // Make the rename itself durable (best effort: not every file system allows it).
        let dirfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirfd >= 0 {
            _ = fsync(dirfd)
            close(dirfd)
        }
    }

    /// Creates `path` and any missing parents (like `mkdir -p`), with `mode` for new ones.
    public static func makeDirectory(_ path: String, mode: mode_t = 0o755) throws(FileError) {
        if isDirectory(path) { return }
        let (parent, _) = split(path)
        if parent != path, !parent.isEmpty, !isDirectory(parent) { try makeDirectory(parent, mode: mode) }
        if mkdir(path, mode) != 0, errno != EEXIST { throw failure("cannot create the directory", path) }
    }

    // MARK: Paths

    /// Whether something exists at `path` (a dangling link counts).
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// Whether `path` is a directory.
    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// The directory and the last component of a path (`"."` for a bare name).
    public static func split(_ path: String) -> (directory: String, base: String) {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return (".", String(trimmed)) }
        let directory = trimmed[..<slash]
        return (directory.isEmpty ? "/" : String(directory), String(trimmed[trimmed.index(after: slash)...]))
    }

    // MARK: Helpers

    nonisolated(unsafe) static var serial = 0
    static func nextSerial() -> Int {
        serial += 1
        return serial
    }

    /// `what: reason (in directory)`, with the system's reason for the last failure.
    static func failure(_ what: String, _ path: String, context: String? = nil) -> FileError {
        let reason = String(cString: strerror(errno))
        let place = context.map { " (in \($0))" } ?? ""
        return FileError(.system, path: path, action: what, reason + place)
    }

    /// `is 70.0 MiB; files of at most 64 MiB can be read` (size nil: it grew while read).
    static func tooLarge(_ path: String, size: Int?, limit: Int) -> FileError {
        let what = size.map { "is \(NumberText.bytes($0))" } ?? "is larger than \(NumberText.bytes(limit))"
        return FileError(.tooLarge, path: path, action: "", "\(what); files of at most \(NumberText.bytes(limit)) can be read")
    }
}
