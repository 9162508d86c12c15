#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Reading and saving text files

/// Whole-file reads and atomic saves.
///
/// Every save goes to a temporary file in the same directory, is flushed to disk, and then
/// renamed over the target: a reader sees either the old file or the new one, and a failure at
/// any point (disk full, Ctrl-C, a crash) leaves the old file exactly as it was.
public enum TextFile {
    /// The whole of a text file.
    public static func read(_ path: String) throws(LessonError) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("cannot read", path) }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            throw LessonError(.file, file: path, "cannot read: it is a directory")
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure("cannot read", path)
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether something exists at `path`.
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// The last component of a path (`notes.md` for `a/b/notes.md`).
    public static func baseName(_ path: String) -> String { split(path).base }

    /// The folder of a path (`.` for a bare file name).
    public static func directoryName(_ path: String) -> String { split(path).directory }

    /// Whether `path` is a directory.
    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Where a save is made to fail on purpose, for the tests of atomicity.
    enum FaultPoint: Sendable { case afterWrite, beforeRename }
    nonisolated(unsafe) static var fault: FaultPoint? = nil

    /// Saves `text` at `path` atomically: temporary file (same directory), write, fsync,
    /// rename. An existing file keeps its permissions; a symbolic link is followed, so the file
    /// it points to is replaced and the link stays. On any failure the temporary file is
    /// removed and the old file is untouched.
    public static func writeAtomically(_ text: String, to path: String) throws(LessonError) {
        var target = path
        var info = stat()
        if lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK, let resolved = realpath(path, nil) {
            target = String(cString: resolved)
            free(resolved)
        }
        var mode: mode_t = 0o644
        if stat(target, &info) == 0 {
            if (info.st_mode & S_IFMT) == S_IFDIR {
                throw LessonError(.file, file: path, "cannot save: it is a directory")
            }
            mode = info.st_mode & 0o7777
        }
        let (directory, base) = split(target)
        let temporary = "\(directory)/.\(base).tmp-\(getpid())-\(nextSerial())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw failure("cannot save", path, context: directory) }
        var ok = false
        defer { if !ok { unlink(temporary) } }

        let bytes = Array(text.utf8)
        var written = 0
        let writeFailed: Bool = bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return false }   // nothing to write
            while written < buffer.count {
                let n = Glibc.write(fd, base + written, buffer.count - written)
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
    public static func makeDirectory(_ path: String, mode: mode_t = 0o755) throws(LessonError) {
        if isDirectory(path) { return }
        let (parent, _) = split(path)
        if parent != path, !parent.isEmpty, !isDirectory(parent) { try makeDirectory(parent, mode: mode) }
        if mkdir(path, mode) != 0, errno != EEXIST { throw failure("cannot create the directory", path) }
    }

    // MARK: Helpers

    nonisolated(unsafe) static var serial = 0
    static func nextSerial() -> Int {
        serial += 1
        return serial
    }

    /// The directory and the last component of a path (`"."` for a bare name).
    static func split(_ path: String) -> (directory: String, base: String) {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return (".", String(trimmed)) }
        let directory = trimmed[..<slash]
        return (directory.isEmpty ? "/" : String(directory), String(trimmed[trimmed.index(after: slash)...]))
    }

    static func failure(_ what: String, _ path: String, context: String? = nil) -> LessonError {
        let reason = String(cString: strerror(errno))
        let place = context.map { " (in \($0))" } ?? ""
        return LessonError(.file, file: path, "\(what): \(reason)\(place)")
    }
}
