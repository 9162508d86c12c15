@preconcurrency import CLibEdit
import GlassboxTensors
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Persistent history

/// Where and how cells are remembered between sessions.
///
/// The file is libedit's own format (one entry a line, newlines and blanks escaped with
/// `strvis`), so a multi-line cell comes back as one entry. Every save merges: it re-reads the
/// file, appends the new cell and renames a temporary file over the old one, so a crash never
/// leaves half a file and two sessions at once both keep their cells.
public struct HistoryFile: Sendable {
    public let path: String
    /// Entries kept in the file; the oldest go first.
    public var limit: Int32 = 10_000

    public init(path: String) { self.path = path }

    /// `$GLASSBOX_HISTORY`, else `~/.glassbox_history`; nil when there is no home directory
    /// (then nothing is saved).
    public static func standard() -> HistoryFile? {
        if let override = getenv("GLASSBOX_HISTORY") {
            let path = String(cString: override)
            return path.isEmpty ? nil : HistoryFile(path: path)
        }
        var home = getenv("HOME").map { String(cString: $0) }
        if home?.isEmpty ?? true, let entry = getpwuid(getuid()), let dir = entry.pointee.pw_dir {
            home = String(cString: dir)
        }
        guard let home, !home.isEmpty else { return nil }
        return HistoryFile(path: home + (home.hasSuffix("/") ? "" : "/") + ".glassbox_history")
    }

    /// The largest history file saved (far more than `limit` cells of typing).
    static let maxBytes = 64 << 20

    /// Fills `history` with the saved entries (none when the file does not exist yet).
    func load(into history: OpaquePointer) {
        var event = HistEvent()
        _ = gb_history_load(history, &event, path)
    }

    /// Appends `entry` to the file, atomically. Returns false when the file cannot be written
    /// (a read-only home); the session goes on without persistent history then.
    @discardableResult
    func append(_ entry: String) -> Bool {
        guard let merged = history_init() else { return false }
        defer { history_end(merged) }
        var event = HistEvent()
        _ = gb_history_setsize(merged, &event, limit)
        _ = gb_history_setunique(merged, &event, 1)
        _ = gb_history_load(merged, &event, path)
        _ = gb_history_enter(merged, &event, entry)
        // libedit writes its format to a scratch file; the file layer then saves it atomically
        // (flushed to disk, permissions kept, a symbolic link followed) as every save is made.
        let scratch = path + ".scratch-\(getpid())"
        defer { unlink(scratch) }
        guard gb_history_save(merged, &event, scratch) >= 0,
              let bytes = try? FileIO.readBytes(scratch, limit: HistoryFile.maxBytes),
              (try? FileIO.writeAtomically(bytes, to: path)) != nil else { return false }
        return true
    }

    /// Every entry in the file, oldest first (for tests and `:history`).
    public func entries() -> [String] {
        guard let history = history_init() else { return [] }
        defer { history_end(history) }
        var event = HistEvent()
        _ = gb_history_setsize(history, &event, limit)
        load(into: history)
        var result: [String] = []
        var status = gb_history_last(history, &event)
        while status != -1 {
            if let text = event.str { result.append(String(cString: text)) }
            status = gb_history_prev(history, &event)
        }
        return result
    }
}
