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
        let printed = CappedOutput()
        let saved = session.output
        session.output = { printed.write($0 + "\n") }
        defer { session.output = saved }
        // Diagnostics count lines from the cell's own line of the file: `lesson.md:42:5: error: …`.
        let result = session.run(source, name: file, firstLine: line)
        // Every printed line ends in a newline; the last is dropped, as lines are joined below.
        var lines: [String] = []
        var text = printed.take()
        if !text.isEmpty {
            text.removeLast()
            lines.append(text)
        }
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
