import GlassboxTensors
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Reading and saving text files

/// Lesson, notebook and progress files through the one file layer (`FileIO`): reads capped at
/// `maxBytes`, atomic saves, and failures as `LessonError`s of kind `.file` that name the file.
public enum TextFile {
    /// The largest lesson, notebook or progress file read.
    public static let maxBytes = 64 << 20

    /// The whole of a text file.
    public static func read(_ path: String) throws(LessonError) -> String {
        do { return try FileIO.readText(path, limit: maxBytes) } catch { throw lessonError(error) }
    }

    /// Whether something exists at `path`.
    public static func exists(_ path: String) -> Bool { FileIO.exists(path) }

    /// The last component of a path (`notes.md` for `a/b/notes.md`).
    public static func baseName(_ path: String) -> String { split(path).base }

    /// The folder of a path (`.` for a bare file name).
    public static func directoryName(_ path: String) -> String { split(path).directory }

    /// Whether `path` is a directory.
    public static func isDirectory(_ path: String) -> Bool { FileIO.isDirectory(path) }

    /// Where a save is made to fail on purpose, for the tests of atomicity.
    typealias FaultPoint = FileIO.FaultPoint
    static var fault: FaultPoint? {
        get { FileIO.fault }
        set { FileIO.fault = newValue }
    }

    /// Saves `text` at `path` atomically (`FileIO.writeAtomically`).
    public static func writeAtomically(_ text: String, to path: String) throws(LessonError) {
        do { try FileIO.writeAtomically(text, to: path) } catch { throw lessonError(error) }
    }

    /// Creates `path` and any missing parents (like `mkdir -p`), with `mode` for new ones.
    public static func makeDirectory(_ path: String, mode: mode_t = 0o755) throws(LessonError) {
        do { try FileIO.makeDirectory(path, mode: mode) } catch { throw lessonError(error) }
    }

    /// The directory and the last component of a path (`"."` for a bare name).
    static func split(_ path: String) -> (directory: String, base: String) { FileIO.split(path) }

    static func lessonError(_ e: FileError) -> LessonError { LessonError(.file, file: e.path, e.message) }
}
