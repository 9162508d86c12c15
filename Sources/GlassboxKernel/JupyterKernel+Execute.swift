import GlassboxLanguage
import GlassboxLessons
import GlassboxREPL
import Synchronization

// MARK: - execute_request

extension JupyterKernel {
    /// Whether a cell is running. While none is, SIGINTs are forgotten as they come (see
    /// `KernelStream.startFlusher`), so that interrupts pressed at an idle kernel never add up
    /// to the REPL's escape (the process exits after several unanswered Ctrl-Cs).
    static let isExecuting = Atomic<Bool>(false)

    /// Runs a cell (spec 5.3, "Execute"): `execute_input`, then what the cell prints as
    /// `stream`, each value it shows (every statement not ending in `;`, as `glassbox run`
    /// shows them; the last as `execute_result`, earlier ones as `display_data`), an `error`
    /// if it failed, and the `execute_reply`. A `:command` or `?name` line runs as at the
    /// prompt, its text as `stream`.
    ///
    /// `silent` shows nothing and, like `store_history: false`, leaves the execution count,
    /// `_`, `Out` and the history alone.
    func execute(_ request: Message) {
        let content = request.content
        let code = content.string("code")
        let silent = content.bool("silent", false)
        let storeHistory = content.bool("store_history", !silent) && !silent
        stdout.parent = request.header
        stderr.parent = request.header
        InterruptSignal.clear()   // an interrupt that came while idle is not for this cell
        Self.isExecuting.store(true, ordering: .relaxed)
        defer {
            Self.isExecuting.store(false, ordering: .relaxed)
            InterruptSignal.clear()
        }

        let counted = storeHistory && !Self.isBlank(code) && !repl.isCommandOrHelp(code)
        let count = counted ? repl.cellNumber : repl.cellNumber - 1
        if !silent {
            channels.publish("execute_input", .object([("code", .string(code)), ("execution_count", .number(Double(count)))]),
                             parent: request.header)
        }

        var failure: Diagnostic? = nil
        var shown: String? = nil
        if Self.isBlank(code) {
            // nothing to run
        } else if repl.isCommandOrHelp(code) {
            repl.runCommandOrHelp(code)
        } else {
            let result: CellResult
            if counted {
                result = repl.runCell(code).result
            } else {
                result = repl.session.run(code, name: "In [\(count)]")
            }
            stdout.flush()
            if !silent { shown = present(result, count: count, parent: request.header) }
            failure = result.error
        }
        stdout.flush()
        stderr.flush()

        if counted { history.append(HistoryEntry(line: count, input: code, output: shown)) }
        var reply: [(String, JSONValue)]
        if let failure {
            let error = errorContent(failure, count: count)
            if !silent { channels.publish("error", .object(error), parent: request.header) }
            reply = [("status", .string("error"))] + error
        } else {
            reply = [("status", .string("ok")), ("payload", .array([]))]
        }
        reply.append(("execution_count", .number(Double(count))))
        reply.append(("user_expressions", userExpressions(content["user_expressions"])))
        if failure != nil, content.bool("stop_on_error", true) {
            queuedBehindFailure += channels.waiting(on: channels.shell)
        }
        self.reply(request, "execute_reply", .object(reply))
    }

    /// Publishes the values the cell shows; returns the last one's plain text (for history).
    func present(_ result: CellResult, count: Int, parent: JSONValue) -> String? {
        let values = result.statements.filter { !$0.silenced }.compactMap(\.value).filter { !$0.isNothing }
        var last: String? = nil
        for (i, value) in values.enumerated() {
            let bundle = RichOutput.bundle(value, repl: repl, cell: count)
            last = bundle.plainText
            let isLast = i == values.count - 1 && result.error == nil
            var content: [(String, JSONValue)] = [("data", bundle.data), ("metadata", .object([]))]
            if isLast {
                content.insert(("execution_count", .number(Double(count))), at: 0)
                channels.publish("execute_result", .object(content), parent: parent)
            } else {
                content.append(("transient", .object([])))
                channels.publish("display_data", .object(content), parent: parent)
            }
        }
        return last
    }

    /// `ename`, `evalue` and `traceback` for a diagnostic: the traceback is the REPL's caret
    /// diagnostic, line by line, coloured as a terminal shows it (front ends render ANSI
    /// colour in tracebacks).
    func errorContent(_ error: Diagnostic, count: Int) -> [(String, JSONValue)] {
        let text = Renderer(style: Style(enabled: true)).diagnostic(error, cellName: "In [\(count)]")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { JSONValue.string(String($0)) }
        return [("ename", .string(Self.errorName(error.kind))), ("evalue", .string(error.message)), ("traceback", .array(lines))]
    }

    /// `shape` → `ShapeError`; an interrupted cell is a `KeyboardInterrupt`, as front ends
    /// know it from IPython.
    static func errorName(_ kind: Diagnostic.Kind) -> String {
        if kind == .interrupted { return "KeyboardInterrupt" }
        let raw = kind.rawValue
        return raw.prefix(1).uppercased() + raw.dropFirst() + "Error"
    }

    /// `user_expressions`: each expression evaluated after the cell, as a MIME bundle or an
    /// error (spec 5.3, "Execute", user_expressions).
    func userExpressions(_ requested: JSONValue?) -> JSONValue {
        guard let pairs = requested?.objectValue else { return .object([]) }
        var out: [(String, JSONValue)] = []
        for (name, expression) in pairs {
            let result = repl.session.run(expression.stringValue ?? "", name: "user_expressions")
            if let error = result.error {
                out.append((name, .object([("status", .string("error"))] + errorContent(error, count: repl.cellNumber))))
            } else {
                let bundle = result.lastValue.map { RichOutput.bundle($0, repl: repl, cell: repl.cellNumber).data } ?? .object([])
                out.append((name, .object([("status", .string("ok")), ("data", bundle), ("metadata", .object([]))])))
            }
        }
        return .object(out)
    }

    /// Empty, or only spaces and comments.
    static func isBlank(_ code: String) -> Bool {
        code.split(separator: "\n").allSatisfy { line in
            let text = line.drop(while: \.isWhitespace)
            return text.isEmpty || text.hasPrefix("#")
        }
    }
}

extension Value {
    var isNothing: Bool {
        if case .none = self { return true }
        return false
    }
}
