import GlassboxLanguage
import GlassboxLessons
#if canImport(Glibc)
import Glibc
#endif

// MARK: - :save and :export

extension REPL {
    /// `:save FILE.md`, `:export FILE.ipynb`.
    static func notebookCommands() -> [REPLCommand] {
        [
            REPLCommand(name: "save", arguments: "FILE.md",
                        help: "write this session's cells and outputs as a notebook that `glassbox run` re-runs") { repl, argument in
                repl.saveNotebook(argument, format: .markdown)
            },
            REPLCommand(name: "export", arguments: "FILE.ipynb",
                        help: "write this session as a Jupyter notebook (nbformat 4.5)") { repl, argument in
                repl.saveNotebook(argument, format: .jupyter)
            },
        ]
    }

    enum NotebookFormat {
        case markdown, jupyter

        var suffix: String { self == .markdown ? ".md" : ".ipynb" }
        var command: String { self == .markdown ? ":save" : ":export" }
    }

    func saveNotebook(_ argument: String, format: NotebookFormat) {
        guard !argument.isEmpty else {
            return problem("`\(format.command)` needs a file name, such as `\(format.command) notes\(format.suffix)`")
        }
        guard argument.hasSuffix(format.suffix) else {
            let other: NotebookFormat = format == .markdown ? .jupyter : .markdown
            let hint = argument.hasSuffix(other.suffix) ? "; `\(other.command)` writes \(other.suffix) files" : ""
            return problem("`\(format.command)` writes a \(format.suffix) file, not `\(argument)`\(hint)")
        }
        guard notebook.isRecording else {
            return problem("`\(format.command)` saves an interactive session; a script is already a file")
        }
        let path = Self.expandingHome(argument)
        // Replacing a file this session did not write takes a second `:save` (it may be a lesson,
        // or yesterday's work).
        if TextFile.exists(path), !notebook.savedPaths.contains(path), !notebook.warnedPaths.contains(path) {
            notebook.warnedPaths.insert(path)
            return say(renderer.style.warning("\(argument) exists; `\(format.command) \(argument)` again replaces it."))
        }
        let name = TextFile.baseName(path)
        let title = String(name.dropLast(format.suffix.count))
        let saved = notebook.recorder.notebook(name: path, title: title)
        let text = format == .markdown ? saved.markdown() : saved.jupyter().text()
        do {
            try TextFile.writeAtomically(text, to: path)
        } catch {
            return problem(error.message + " (\(argument) is unchanged)")
        }
        notebook.savedPaths.insert(path)
        let cells = saved.cells.count
        let count = "\(cells) \(cells == 1 ? "cell" : "cells")"
        switch format {
        case .markdown:
            say("Saved \(count) to \(argument). `glassbox run \(argument)` runs it again; `--check` also compares the outputs.")
        case .jupyter:
            say("Exported \(count) to \(argument) (Jupyter nbformat 4.5).")
        }
    }

    /// `~/notes.md` → `$HOME/notes.md`.
    static func expandingHome(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/"), let home = getenv("HOME") else { return path }
        return String(cString: home) + path.dropFirst()
    }
}
