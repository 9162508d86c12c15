import GlassboxLanguage

// MARK: - The notebook loop

/// Reads cells, runs them in a `Session`, and shows what they produced.
///
/// The same loop serves three audiences, which differ only in how results are shown
/// (`Presentation`): a person at the terminal (`In [n]:`/`Out[n]:`, colour), a script or pipe
/// (values as plain text, errors on stderr), and a program (`--json`, one object per line).
/// The REPL never evaluates anything itself: the language answers "is this input complete?"
/// and "run this cell".
public final class REPL {
    /// How results are shown.
    public enum Presentation: Equatable, Sendable {
        /// Prompts, `Out[n]:` for a cell's last value, errors on standard output.
        case notebook
        /// No prompts; every unsilenced value as plain text; errors on standard error, located
        /// in `fileName` (`demo.gbx:3:5: error: …`) when given.
        case script(fileName: String?)
        /// `--json`: every value and error as one JSON object on its own line (`JSON` in GlassboxLanguage).
        case json
    }

    public let session: Session
    public let reader: LineReader
    public let presentation: Presentation
    public var renderer: Renderer
    public var commands: CommandTable
    let output: TextSink
    let errors: TextSink

    /// The number the next cell gets (`In [n]`).
    public internal(set) var cellNumber = 1
    /// Cells that ended with an error (exit status 1 for scripts).
    public private(set) var failedCells = 0
    /// A script stopped by Ctrl-C (exit status 130).
    public private(set) var wasInterrupted = false
    /// Set by `:quit`; the loop stops before reading again.
    public var shouldQuit = false

    /// `Out[n]` for every cell so far; `.none` where a cell showed nothing.
    var outputs: [Value] = [.none]
    /// `In [n]:` prompts shown so far (each but the first follows a blank line).
    var promptsShown = 0
    /// Lines consumed so far, to locate errors in scripts.
    var linesRead = 0
    /// The cell being run, for `print` output in JSON.
    var runningCell = 0
    /// `:time` grows its loop until one run takes this long (IPython: 0.2 s); tests shorten it.
    var timingMinimumRun = 0.2
    /// Text to place in the editor at the next prompt (lessons offer a starting formula).
    var pendingPrefill: String? = nil
    /// The open lesson and the cells recorded for `:save` (REPL+Notebook.swift).
    let notebook = NotebookState()
    /// `:step on`: explain pauses after each step (REPL+Walkthroughs.swift).
    public var stepMode = false
    /// Columns lesson text is wrapped to (at word boundaries); nil leaves it as written (pipes).
    /// At a terminal it is the terminal's width, read again before each lesson step.
    public var lessonTextWidth: Int? = nil
    /// Walkthroughs and pictures in Unicode (braille, σ); ASCII when the terminal is not UTF-8.
    public var unicode = true

    public init(
        session: Session,
        reader: LineReader,
        presentation: Presentation,
        renderer: Renderer,
        output: TextSink,
        errors: TextSink
    ) {
        self.session = session
        self.reader = reader
        self.presentation = presentation
        self.renderer = renderer
        self.output = output
        self.errors = errors
        self.commands = CommandTable(REPL.standardCommands() + REPL.lessonCommands() + REPL.notebookCommands()
                                     + REPL.walkthroughCommands())
        session.output = { [unowned self] line in self.printed(line) }
        notebook.attach(to: self)
        if let scripted = reader as? ScriptedLineReader {
            scripted.onInterruptRequest = { InterruptSignal.simulate() }
        }
        reader.completer = { [unowned self] text in self.completionSource().complete(text) }
    }

    var isNotebook: Bool { presentation == .notebook }

    /// Reads and runs cells until the input ends or `:quit`.
    public func run() {
        while !shouldQuit, step() {}
        output.flush()
        errors.flush()
    }

    /// Reads and runs one cell (or command). Returns false at the end of the input.
    @discardableResult
    public func step() -> Bool {
        InterruptSignal.clear()
        output.flush()
        errors.flush()
        switch readCell() {
        case .end:
            return false
        case .interrupted:
            // At a prompt Ctrl-C drops the line; in a pipe it stops the script.
            if !reader.isInteractive {
                wasInterrupted = true
                return false
            }
            return true
        case .cell(let source, let startLine):
            handle(source, startLine: startLine)
            return true
        }
    }

    /// Offers `text` in the editor at the next prompt, ready to edit (lessons).
    public func prefillNextInput(_ text: String) { pendingPrefill = text }

    // MARK: Handling one cell

    func handle(_ source: String, startLine: Int) {
        let trimmed = source.trimmingWhitespace()
        guard !trimmed.isEmpty else { return }
        if reader.isInteractive { reader.addHistory(source) }
        if trimmed.hasPrefix(":") {
            runCommand(trimmed)
        } else if let name = helpRequest(trimmed) {
            showHelp(name)
        } else if !isCommentOnly(source) {
            execute(source, startLine: startLine)
        }
    }

    /// Runs a cell in the session and shows its results; numbers it and binds `_`, `_n`, `Out`.
    func execute(_ source: String, startLine: Int) {
        let cell = cellNumber
        cellNumber += 1
        runningCell = cell
        if reader is EditLineReader { renderer.lineWidth = Terminal.columns() }   // the window may have been resized
        // A script's cells count lines from where they start in the file, so every diagnostic —
        // also one raised later inside a function this cell defines — names the file's line.
        var firstLine = 1
        if case .script(_?) = presentation { firstLine = startLine }
        let result = session.run(source, name: cellName(cell, startLine: startLine), firstLine: firstLine)
        present(result, cell: cell, startLine: startLine)
        remember(result.lastValue ?? .none, cell: cell)
        if let error = result.error {
            failedCells += 1
            if error.kind == .interrupted, !reader.isInteractive {
                wasInterrupted = true
                shouldQuit = true
            }
        }
        notebook.cellDidRun(self, source: source, result: result)
        output.flush()
    }

    func cellName(_ cell: Int, startLine: Int) -> String {
        switch presentation {
        case .notebook: return "In [\(cell)]"
        case .script(let fileName?): return fileName
        case .script(nil), .json: return "cell \(cell)"
        }
    }

    /// `_` is the latest output, `_3` and `Out[3]` the output of cell 3 (IPython's names). A cell
    /// that showed nothing leaves an empty place in `Out` (shown as `–`; `Out[3]` is then an
    /// error saying it holds no value) and defines no `_3`.
    func remember(_ value: Value, cell: Int) {
        while outputs.count <= cell { outputs.append(.none) }
        outputs[cell] = value
        if !value.isNone {
            session.define("_", value)
            session.define("_\(cell)", value)
        }
        // `Out` appears with the first output (IPython's starts as an empty dict).
        guard !value.isNone || session.value(of: "Out") != nil else { return }
        if let all = TupleValue(outputs) { session.define("Out", .tuple(all)) }
    }

    /// The names the REPL binds for past outputs, which `:vars` and completion leave out.
    static func isOutputName(_ name: String) -> Bool {
        name == "_" || name == "Out" || (name.hasPrefix("_") && name.dropFirst().allSatisfy(\.isNumber))
    }

    /// `?name` and `name?` ask for help on `name`.
    func helpRequest(_ text: String) -> String? {
        var name = Substring(text)
        if name.hasPrefix("?") { name = name.dropFirst() } else if name.hasSuffix("?") { name = name.dropLast() } else { return nil }
        let trimmed = name.trimmingWhitespace()
        return trimmed.isEmpty ? "" : trimmed
    }

    func isCommentOnly(_ source: String) -> Bool {
        source.split(separator: "\n").allSatisfy { line in
            let text = line.drop(while: \.isWhitespace)
            return text.isEmpty || text.hasPrefix("#")
        }
    }

    // MARK: Commands

    func runCommand(_ line: String) {
        let (name, argument) = splitCommand(line)
        if name.isEmpty { return say(overview()) }
        switch commands.lookup(name) {
        case .found(let command):
            command.run(self, argument)
        case .ambiguous(let names):
            problem("`:\(name)` could be " + names.map { "`:\($0)`" }.joined(separator: ", ") + "; type more of it")
        case .unknown(let suggestion):
            let hint = suggestion.map { "; did you mean `:\($0)`?" } ?? "; `:help` lists the commands"
            problem("unknown command `:\(name)`" + hint)
        }
    }

    /// Text from a command, for the person (on stderr in JSON mode, so stdout stays JSON).
    public func say(_ text: String) {
        let sink = presentation == .json ? errors : output
        sink.write(text.hasSuffix("\n") ? text : text + "\n")
    }

    /// A problem with a command or its argument (not a cell failure).
    public func problem(_ message: String) {
        let sink = isNotebook ? output : errors
        sink.write(renderer.problem(message) + "\n")
    }

    // MARK: Completion

    func completionSource() -> CompletionSource {
        var source = CompletionSource(
            variables: { [unowned self] in
                session.variables.map(\.name).filter { !REPL.isOutputName($0) }
            },
            builtins: { Builtins.names },
            keywords: Language.keywords,
            commands: { [unowned self] in commands.names },
            attributes: Value.tensorAttributes.names
        )
        source.attributesOfVariable = { [unowned self] name in
            guard session.variables.contains(where: { $0.name == name }) else { return nil }
            return session.value(of: name)?.attributeDocs.map(\.name)
        }
        return source
    }
}

extension Value {
    var isNone: Bool {
        if case .none = self { return true }
        return false
    }
}
