import GlassboxLanguage
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - The progress file

/// Keeps `Progress` in a JSON file under the learner's home (`~/.glassbox_progress.json`, or
/// `$GLASSBOX_PROGRESS`). Every change is saved at once, atomically.
///
/// Nothing about the file can stop a lesson: a damaged file is renamed aside
/// (`….corrupt`, `….corrupt-2`, …) with a warning and progress starts afresh; a file that cannot
/// be read or written gives a warning and the lesson goes on without saving.
public final class ProgressStore {
    /// The file, or nil when progress is not kept (no home directory).
    public let path: String?
    public private(set) var progress: Progress
    /// Warnings not yet shown to the learner; `takeWarnings()` empties the list.
    private var warnings: [String] = []
    /// Set after a save failed, so the learner is warned once, not at every step.
    private var saveFailed = false
    /// Cleared when a damaged file could not be moved aside: it must not be overwritten.
    private var mayWrite = true

    /// Loads the file at `path` (nil: keep progress in memory only).
    public init(path: String?) {
        self.path = path
        self.progress = Progress()
        guard let path, TextFile.exists(path) else { return }
        let text: String
        do {
            text = try TextFile.read(path)
        } catch {
            warnings.append("warning: cannot read your progress file (\(error.message)); progress is not saved this time")
            mayWrite = false
            return
        }
        do {
            progress = try Progress(json: JSONValue.parse(text))
        } catch let error as JSONError {
            setAside(path, reason: "it is not valid JSON: \(error)")
        } catch {
            setAside(path, reason: "\(error)")
        }
    }

    /// `$GLASSBOX_PROGRESS`, else `~/.glassbox_progress.json`; nil when there is no home
    /// directory or the variable is set to the empty string.
    public static func standardPath() -> String? {
        if let override = getenv("GLASSBOX_PROGRESS") {
            let path = String(cString: override)
            return path.isEmpty ? nil : path
        }
        var home = getenv("HOME").map { String(cString: $0) }
        if home?.isEmpty ?? true, let entry = getpwuid(getuid()), let dir = entry.pointee.pw_dir {
            home = String(cString: dir)
        }
        guard let home, !home.isEmpty else { return nil }
        return home + (home.hasSuffix("/") ? "" : "/") + ".glassbox_progress.json"
    }

    /// The learner's progress in one lesson.
    public func lesson(_ key: String) -> LessonProgress { progress.lessons[key] ?? LessonProgress() }

    /// Changes one lesson's progress and saves.
    public func update(_ key: String, _ change: (inout LessonProgress) -> Void) {
        var lesson = self.lesson(key)
        change(&lesson)
        guard lesson != progress.lessons[key] else { return }
        progress.lessons[key] = lesson
        save()
    }

    /// Forgets one lesson's progress (`:lesson N restart`) and saves.
    public func reset(_ key: String) {
        guard progress.lessons.removeValue(forKey: key) != nil else { return }
        save()
    }

    /// Warnings to show now (each is shown once).
    public func takeWarnings() -> [String] {
        defer { warnings = [] }
        return warnings
    }

    // MARK: Saving

    func save() {
        guard let path, mayWrite else { return }
        do {
            try TextFile.writeAtomically(progress.json.text(indent: 2), to: path)
            saveFailed = false
        } catch {
            if !saveFailed {
                warnings.append("warning: cannot save your progress (\(error.message)); the lesson goes on")
            }
            saveFailed = true
        }
    }

    /// Renames a damaged file to the first free `PATH.corrupt[-n]` and warns.
    private func setAside(_ path: String, reason: String) {
        var backup = path + ".corrupt"
        var n = 2
        while TextFile.exists(backup), n < 1000 {
            backup = path + ".corrupt-\(n)"
            n += 1
        }
        if !TextFile.exists(backup), rename(path, backup) == 0 {
            warnings.append("warning: your progress file \(path) was damaged (\(reason)); it was kept as \(backup) and progress starts afresh")
        } else {
            let why = String(cString: strerror(errno))
            warnings.append("warning: your progress file \(path) is damaged (\(reason)) and could not be moved aside (\(why)); it is left as it is and progress is not saved this time")
            mayWrite = false
        }
    }
}
