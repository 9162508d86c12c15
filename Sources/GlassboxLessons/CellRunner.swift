import GlassboxLanguage

// MARK: - Running one cell

/// What one cell printed, and whether it failed.
public struct CellOutcome: Sendable {
    /// What `glassbox run` prints for the cell: lines from `print(…)`, then the plain-text form
    /// of every value the cell's statements showed (no colour). No trailing newline.
    public var output: String
    /// The error, formatted as the language formats diagnostics; nil when the cell ran.
    public var error: String?
    /// Ctrl-C stopped the cell.
    public var interrupted: Bool

    public init(output: String, error: String? = nil, interrupted: Bool = false) {
        self.output = output
        self.error = error
        self.interrupted = interrupted
    }

    public var succeeded: Bool { error == nil }
}

/// Runs the cells of a notebook. `SessionCellRunner` runs code in a `Session`; the REPL supplies
/// one that also runs `:commands` (`:walk attention` in a lesson cell) and renders values as
/// it does on screen.
public protocol CellRunner: AnyObject {
    /// The session the cells run in (exercises are checked in it).
    var session: Session { get }
    /// Runs `source`, the cell that starts on line `line` of the notebook `file`.
    func run(_ source: String, file: String, line: Int) -> CellOutcome
}

/// Runs cells directly in a session; values are shown with `ValueFormatter` at the session's
/// precision, as `glassbox run` shows them.
public final class SessionCellRunner: CellRunner {
    public let session: Session

    public init(session: Session = Session()) {
        self.session = session
    }

    public func run(_ source: String, file: String, line: Int) -> CellOutcome {
        let trimmed = source.trimmingWhitespace()
        if trimmed.hasPrefix(":") {
            let words = trimmed.split(whereSeparator: \.isWhitespace)
            // `:precision N` is the one command a saved notebook writes; it only sets the session.
            if words.count == 2, words[0] == ":precision", let n = Int(words[1]), (0...16).contains(n) {
                session.precision = n
                return CellOutcome(output: "")
            }
            return CellOutcome(output: "", error: "error: `\(words[0])` is a REPL command; it runs in `glassbox run` and the REPL, not here")
        }
        let printed = LineCollector()
        let saved = session.output
        session.output = { printed.append($0) }
        defer { session.output = saved }
        // Diagnostics count lines from the cell's own line of the file: `lesson.md:42:5: error: …`.
        let result = session.run(source, name: file, firstLine: line)
        var lines = printed.kept
        let formatter = ValueFormatter(precision: session.precision)
        for statement in result.statements where !statement.silenced {
            guard let value = statement.value else { continue }
            let text = formatter.format(value)
            if !text.isEmpty { lines.append(text) }
        }
        return CellOutcome(
            output: lines.joined(separator: "\n"),
            error: result.error?.formatted(),
            interrupted: result.error?.kind == .interrupted)
    }
}

/// Collects `print` lines while a cell runs, keeping the last `limit` of them: a cell that
/// prints in a long loop (`for i in 1...1e7 { print(i) }`) must not hold all of it in memory.
/// What was dropped is said in the first kept line.
final class LineCollector {
    /// Lines kept at most (the last ones printed).
    static let defaultLimit = 10_000
    let limit: Int
    private var lines: [String] = []
    /// Lines printed and then dropped from the front.
    private(set) var dropped = 0

    init(limit: Int = LineCollector.defaultLimit) { self.limit = max(1, limit) }

    func append(_ line: String) {
        lines.append(line)
        // Trim in batches, so that appending stays amortized O(1).
        if lines.count >= 2 * limit {
            let excess = lines.count - limit
            lines.removeFirst(excess)
            dropped += excess
        }
    }

    /// The kept lines, preceded by a note of how many earlier ones were dropped.
    var kept: [String] {
        let tail = lines.suffix(limit)
        let skipped = dropped + (lines.count - tail.count)
        guard skipped > 0 else { return Array(tail) }
        return ["… \(skipped) earlier printed line\(skipped == 1 ? "" : "s") not kept (a cell keeps its last \(limit))"] + tail
    }
}
