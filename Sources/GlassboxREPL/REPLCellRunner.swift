import GlassboxLanguage
import GlassboxLessons

// MARK: - Running notebook cells through the REPL

/// Runs the cells of a notebook or lesson exactly as `glassbox run` runs a script: values in the
/// plain-text form, `print` lines in order, errors located in the file (`lesson.md:42:5: error:
/// …`), and `:commands` (`:walk attention`, `:precision 2`) run as at the prompt.
///
/// What a cell prints is captured for `run --check`; with `echo`, it also goes on to standard
/// output and standard error as it is written.
final class REPLCellRunner: CellRunner {
    let repl: REPL
    let output: CaptureSink
    let errors: CaptureSink

    var session: Session { repl.session }

    init(session: Session, fileName: String, json: Bool = false, echo: TextSink? = nil, echoErrors: TextSink? = nil) {
        output = CaptureSink(forward: echo)
        errors = CaptureSink(forward: echoErrors)
        repl = REPL(
            session: session, reader: ScriptedLineReader(events: [], interactive: false),
            presentation: json ? .json : .script(fileName: fileName),
            renderer: Renderer(style: .plain), output: output, errors: errors)
    }

    func run(_ source: String, file: String, line: Int) -> CellOutcome {
        _ = output.take()
        _ = errors.take()
        let failedBefore = repl.failedCells
        repl.handle(source, startLine: line)
        repl.output.flush()
        let printed = Self.trimmed(output.take()), problems = Self.trimmed(errors.take())
        // A cell fails when the language says so, or when a `:command` in it reported a problem.
        let failed = repl.failedCells > failedBefore || !problems.isEmpty
        return CellOutcome(output: printed, error: failed ? (problems.isEmpty ? "error: the cell failed" : problems) : nil,
                           interrupted: repl.wasInterrupted)
    }

    static func trimmed(_ text: String) -> String {
        var text = text
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}

/// Keeps what is written, capped as every cell's output is (`CappedOutput`), and passes it on
/// in full when given somewhere to pass it.
final class CaptureSink: TextSink {
    static let defaultLimit = CappedOutput.defaultLimit
    private let kept: CappedOutput
    let forward: TextSink?

    init(forward: TextSink? = nil, limit: Int = CaptureSink.defaultLimit) {
        self.forward = forward
        self.kept = CappedOutput(limit: limit)
    }

    func write(_ text: String) {
        kept.write(text)
        forward?.write(text)
    }

    func flush() { forward?.flush() }

    /// What was written since the last call.
    func take() -> String { kept.take() }
}
