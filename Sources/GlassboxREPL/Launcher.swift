import GlassboxLanguage
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Starting Glassbox

/// What the command line starts: the notebook on a terminal, a script from stdin or files, or
/// one piece of code. Each returns the process's exit status: 0 when every cell ran, 1 when a
/// cell failed, 2 when a file cannot be read, 130 when Ctrl-C stopped a script.
public enum Launcher {
    public static let version = "0.1.0"

    /// `glassbox`: the notebook when standard input is a terminal, else stdin as a script.
    public static func start(json: Bool) -> Int32 {
        Terminal.adoptUTF8Locale()
        InterruptSignal.install()
        if !json, Terminal.isTerminal(STDIN_FILENO), let reader = EditLineReader(historyFile: HistoryFile.standard()) {
            return notebook(reader: reader)
        }
        let reader = PlainLineReader()
        return runScript(reader: reader, fileName: "<stdin>", json: json, session: Session())
    }

    /// `glassbox -e CODE`.
    public static func evaluate(_ code: String, json: Bool) -> Int32 {
        InterruptSignal.install()
        return runScript(reader: ScriptedLineReader(source: code), fileName: nil, json: json, session: Session())
    }

    // MARK: Pieces

    static func notebook(reader: EditLineReader) -> Int32 {
        let output = StandardStream.output()
        let style = Style(enabled: Terminal.wantsColour(fd: STDOUT_FILENO))
        let repl = REPL(
            session: Session(), reader: reader, presentation: .notebook,
            renderer: Renderer(style: style, lineWidth: Terminal.columns()),
            output: output, errors: StandardStream.error())
        repl.unicode = Terminal.prefersUnicode()
        output.write(banner(style: style))
        repl.run()
        return 0
    }

    /// The greeting at the top of an interactive session, wrapped between words to the terminal.
    static func banner(style: Style) -> String {
        let name = "Glassbox \(version)"
        let rest = TextWrapping.plain("— tensors you can see through. :help for help, Ctrl-D to quit.",
                                      width: Terminal.columns(), firstLineUsed: name.count + 1)
        return style.heading(name) + " " + rest + "\n\n"
    }

    static func runScript(reader: LineReader, fileName: String?, json: Bool, session: Session) -> Int32 {
        let repl = makeScriptREPL(reader: reader, fileName: fileName, json: json, session: session)
        repl.run()
        if repl.wasInterrupted { return 130 }
        return repl.failedCells > 0 ? 1 : 0
    }

    static func makeScriptREPL(reader: LineReader, fileName: String?, json: Bool, session: Session) -> REPL {
        var renderer = Renderer(style: Style(enabled: !json && Terminal.wantsColour(fd: STDOUT_FILENO)))
        renderer.errorStyle = Style(enabled: !json && Terminal.wantsColour(fd: STDERR_FILENO))
        let repl = REPL(
            session: session, reader: reader,
            presentation: json ? .json : .script(fileName: fileName),
            renderer: renderer,
            output: StandardStream.output(), errors: StandardStream.error())
        repl.unicode = Terminal.prefersUnicode()
        return repl
    }
}

/// The most bytes a script or notebook given on the command line may have.
let maxSourceBytes = 64 << 20
