// MARK: - Recording a session as a notebook

/// Remembers the cells of a REPL session and what they printed, so that `:save FILE.md` can
/// write them in the lesson format (and `:export FILE.ipynb` as Jupyter). The REPL records each
/// cell after it runs; lessons record the setup cells they run unseen.
public final class NotebookRecorder {
    public enum Entry: Sendable {
        /// A cell that ran, its output (as `glassbox run` prints it) and the precision in force.
        case cell(Cell, precision: Int)
        /// A cell that failed: kept as text, so the saved notebook still runs.
        case failed(source: String, error: String)
    }

    public private(set) var entries: [Entry] = []

    public init() {}

    public var isEmpty: Bool { entries.isEmpty }

    /// Records one cell. `output` is what it printed (empty: nothing); `error` the formatted
    /// diagnostic when it failed.
    public func record(_ source: String, output: String, error: String?, kind: Cell.Kind = .code, precision: Int = 4) {
        let code = NotebookParser.trimmedLines(source.split(separator: "\n", omittingEmptySubsequences: false))
        guard !code.isEmpty else { return }
        if let error {
            entries.append(.failed(source: code, error: error))
            return
        }
        var trimmed = output
        while trimmed.hasSuffix("\n") { trimmed.removeLast() }
        let recorded = kind == .code && !trimmed.isEmpty ? RecordedOutput(trimmed) : nil
        entries.append(.cell(Cell(kind: kind, source: code, output: recorded), precision: precision))
    }

    /// Forgets everything (after `:reset`, the earlier cells no longer describe the session).
    public func clear() { entries = [] }

    /// The session as a notebook. A `:precision N` cell is put wherever the precision changed,
    /// so the outputs come out the same when `glassbox run --check` runs it again.
    public func notebook(name: String, title: String, fields: [FrontMatter.Field] = []) -> Notebook {
        var blocks: [Block] = [
            .prose(Prose("# \(title)\n\nA Glassbox session. `glassbox run` runs it again; `glassbox run --check` also checks that every cell prints what it printed then.")),
        ]
        var precision = 4
        for entry in entries {
            switch entry {
            case .cell(let cell, let p):
                if p != precision {
                    blocks.append(.cell(Cell(source: ":precision \(p)")))
                    precision = p
                }
                blocks.append(.cell(cell))
            case .failed(let source, let error):
                blocks.append(.prose(Prose(
                    "This cell failed, so it is kept as text and does not run again:\n\n"
                    + Notebook.fenced(source, info: "text") + "\n\n" + Notebook.fenced(error, info: "text"))))
            }
        }
        return Notebook(name: name, frontMatter: FrontMatter(title: title, fields: fields), introduction: blocks)
    }
}
