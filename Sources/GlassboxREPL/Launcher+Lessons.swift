import GlassboxTensors
import GlassboxLanguage
import GlassboxLessons
#if canImport(Glibc)
import Glibc
#endif

// MARK: - glassbox run FILE.md, run --check, lesson [N]

extension Launcher {
    /// `glassbox run [--check] FILE...`: scripts (`.gbx`) and notebooks or lessons (`.md`), in
    /// order. Without `--check` every file runs in one session (a later file sees the variables of
    /// an earlier one), printing what each cell prints. With `--check` each notebook runs in a
    /// fresh session, quietly, and its recorded outputs and exercise solutions are checked; the
    /// problems go to standard error and one summary line per notebook to standard output.
    ///
    /// Exit status: 0 when everything ran (and passed), 1 when a cell failed or a check did not
    /// pass, 2 when a file cannot be read, 130 when Ctrl-C stopped the run.
    public static func runFiles(_ files: [String], check: Bool, json: Bool) -> Int32 {
        InterruptSignal.install()
        let out = StandardStream.output(), err = StandardStream.error()
        defer {
            out.flush()
            err.flush()
        }
        var session = Session()
        var status: Int32 = 0
        var cellsBefore = 0
        for path in files {
            let source: String
            do {
                // Any file but a directory: `glassbox run <(…)` reads a pipe.
                source = try FileIO.readText(path, limit: maxSourceBytes, regularFilesOnly: false)
            } catch {
                err.write("glassbox: \(error.action.isEmpty ? "cannot read" : error.action) \(path): \(error.reason)\n")
                return 2
            }
            guard path.hasSuffix(".md") else {
                let repl = makeScriptREPL(reader: ScriptedLineReader(source: source), fileName: path, json: json, session: session)
                repl.cellNumber = cellsBefore + 1
                repl.run()
                cellsBefore = repl.cellNumber - 1
                if repl.wasInterrupted { return 130 }
                if repl.failedCells > 0 { status = 1 }
                continue
            }
            let notebook: Notebook
            do {
                notebook = try Notebook.parse(source, name: path)
            } catch {
                err.write("\(error)\n")
                status = 1
                continue
            }
            if check { session = Session() }
            let runner = REPLCellRunner(session: session, fileName: path, json: json,
                                        echo: check ? nil : out, echoErrors: check ? nil : err)
            runner.repl.cellNumber = cellsBefore + 1
            let report = NotebookRunner.run(notebook, with: runner, mode: check ? .check : .run)
            cellsBefore = runner.repl.cellNumber - 1
            if check {
                for problem in report.problems { err.write(problem.description + "\n") }
                out.write("\(path): \(report.summary)" + (report.passed ? "" : " — FAILED") + "\n")
            }
            if report.interrupted { return 130 }
            if !report.passed { status = 1 }
        }
        return status
    }

    /// `glassbox lesson [N [SECTION]]`: the notebook with the lesson list, or with lesson N open
    /// (where the learner left off). Without a terminal, `glassbox lesson` prints the list.
    public static func lesson(number: Int?, section: Int? = nil) -> Int32 {
        Terminal.adoptUTF8Locale()
        InterruptSignal.install()
        let interactive = Terminal.isTerminal(STDIN_FILENO)
        let editor = interactive ? EditLineReader(historyFile: HistoryFile.standard()) : nil
        let reader: LineReader = editor ?? PlainLineReader()
        let output = StandardStream.output(), errors = StandardStream.error()
        let style = Style(enabled: Terminal.wantsColour(fd: STDOUT_FILENO))
        let repl = REPL(
            session: Session(), reader: reader, presentation: .notebook,
            renderer: Renderer(style: style, lineWidth: Terminal.columns()),
            output: output, errors: errors)
        repl.unicode = Terminal.prefersUnicode()
        defer {
            output.flush()
            errors.flush()
        }
        // Refuse a lesson that does not exist before starting anything.
        let library: LessonLibrary
        do {
            library = try repl.notebook.library()
        } catch {
            errors.write("glassbox: \(error.message)\n")
            return 1
        }
        if let number, library.entry(number: number) == nil {
            let known = library.entries.compactMap(\.number).map(String.init).joined(separator: ", ")
            errors.write("glassbox: there is no lesson \(number)" + (known.isEmpty ? "" : " (lessons: \(known))") + "\n")
            return 1
        }
        guard let number else {
            repl.listLessons()
            guard editor != nil else { return 0 }
            output.write("\n")
            repl.run()
            return 0
        }
        if editor != nil {
            output.write(banner(style: style))
        }
        repl.openLesson(section.map { "\(number) \($0)" } ?? "\(number)")
        repl.run()
        return 0
    }
}
