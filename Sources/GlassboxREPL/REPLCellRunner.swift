import GlassboxTensors
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

/// Keeps what is written (and passes it on, when given somewhere to pass it) — the last
/// `limit` bytes of it or so, cut at a line start, with a note of how many lines were dropped:
/// a cell that prints in a long loop must not hold all of it in memory.
final class CaptureSink: TextSink {
    /// Bytes kept at most (about 1 MiB; a lesson cell's recorded output is far smaller).
    static let defaultLimit = 1 << 20
    let limit: Int
    private var text = ""
    private var droppedLines = 0
    let forward: TextSink?

    init(forward: TextSink? = nil, limit: Int = CaptureSink.defaultLimit) {
        self.forward = forward
        self.limit = max(64, limit)
    }

    func write(_ text: String) {
        self.text += text
        forward?.write(text)
        if self.text.utf8.count > 2 * limit { trim() }
    }

    /// Drops whole lines from the front until at most `limit` bytes are left.
    private func trim() {
        let utf8 = text.utf8
        var cut = utf8.index(utf8.startIndex, offsetBy: utf8.count - limit)
        // Move to the start of the next line, so that no line is kept in part.
        if let newline = utf8[cut...].firstIndex(of: UInt8(ascii: "\n")) { cut = utf8.index(after: newline) }
        droppedLines += utf8[..<cut].reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        text = String(text[cut...])
    }

    func flush() { forward?.flush() }

    /// What was written since the last call.
    func take() -> String {
        defer { text = ""; droppedLines = 0 }
        guard droppedLines > 0 else { return text }
        let s = droppedLines == 1 ? "" : "s"
        let size = NumberText.bytes(limit)
        return "… \(droppedLines) earlier line\(s) of output not kept (a cell keeps about its last \(size))\n" + text
    }
}
