import GlassboxLanguage
import GlassboxLessons

// MARK: - Lessons and notebooks in the REPL

/// What the REPL keeps for lessons and notebooks: the open lesson, and every cell that ran with
/// what it printed (for `:save` and `:export`). The REPL calls three hooks — `attach` once,
/// `offer` before each cell is read, `cellDidRun` after each cell ran — and the lesson
/// commands (`Commands+Lessons.swift`) do the rest.
final class NotebookState {
    /// Every cell of the session, for `:save` / `:export`.
    let recorder = NotebookRecorder()
    /// The lesson being played, if any.
    var player: LessonPlayer? = nil
    /// Where lessons are read from and progress kept: the standard places, looked up on first
    /// use (tests set them before). A nil progress path keeps progress in memory only.
    lazy var lessonsDirectory: String? = LessonLibrary.standardDirectory()
    lazy var progressPath: String? = ProgressStore.standardPath()
    /// Opened on first use, so that a session without lessons never touches the file.
    private var store: ProgressStore? = nil
    /// `print` lines of the cell being run.
    private var printed: [String] = []
    /// Files this session has written, which `:save` and `:export` may replace without asking.
    var savedPaths: Set<String> = []
    /// A file that exists, named once: the second `:save` of it replaces it.
    var warnedPaths: Set<String> = []

    /// Whether cells are recorded: in the interactive notebook, where `:save` is for. Scripts
    /// and `--json` runs skip it (it would format every value twice and keep every output).
    private(set) var isRecording = false

    /// Listens to `print` alongside the REPL's own handler.
    func attach(to repl: REPL) {
        isRecording = repl.isNotebook
        guard isRecording else { return }
        let shown = repl.session.output
        repl.session.output = { [unowned self] line in
            self.printed.append(line)
            shown?(line)
        }
    }

    /// The text for the input line of the next cell: the cell an open lesson offers.
    func offer() -> String? {
        printed = []
        return player?.pendingInput
    }

    /// Records the cell, and lets an open lesson move on when it was the cell it offered.
    func cellDidRun(_ repl: REPL, source: String, result: CellResult) {
        if isRecording { record(repl, source: source, result: result) }
        if let player, let step = player.learnerRan(source, succeeded: result.error == nil) {
            if !step.lines.isEmpty { repl.say("") }   // a blank line after the cell's output
            repl.show(step)
        }
    }

    private func record(_ repl: REPL, source: String, result: CellResult) {
        var lines = printed
        printed = []
        let plain = Renderer(style: .plain)
        for statement in result.statements where !statement.silenced {
            guard let value = statement.value else { continue }
            let text = plain.value(value, precision: repl.session.precision)
            if !text.isEmpty { lines.append(text) }
        }
        let error = result.error.map { $0.formatted(relativeTo: $0.source) }
        recorder.record(source, output: lines.joined(separator: "\n"), error: error, precision: repl.session.precision)
    }

    func progressStore() -> ProgressStore {
        if let store { return store }
        let made = ProgressStore(path: progressPath)
        store = made
        return made
    }

    func library() throws(LessonError) -> LessonLibrary {
        guard let directory = lessonsDirectory else {
            throw LessonError(.notFound, file: "Lessons", "no lessons directory found (set GLASSBOX_LESSONS to the folder of the lesson files)")
        }
        return try LessonLibrary(directory: directory)
    }
}
