import GlassboxTensors

// MARK: - Session

/// One notebook's worth of state: its variables, functions and settings. The REPL, lessons and
/// tests talk to the language only through this type.
///
/// A session is used from one thread at a time. Nothing here prints, reads the terminal or traps.
public final class Session {
    /// Digits after the decimal point in the plain-text form of values.
    public var precision: Int = 4
    /// Where `print(…)` writes, one line per call (without the newline). By default lines are
    /// collected in `printed`.
    public var output: ((String) -> Void)? = nil
    /// Lines `print` wrote while `output` was nil.
    public private(set) var printed: [String] = []
    /// The folder that relative paths in `load_csv` and `read_text` start from; nil means the
    /// working directory. Runners of a file (a lesson, a notebook) set it to that file's folder.
    public var directory: String? = nil

    private var slots: [String: Slot] = [:]
    /// User-bound globals in order of first binding.
    private var boundOrder: [Slot] = []

    public init() {
        for b in Builtins.table { slot(b.name).initial = .function(Function(builtin: b)) }
        for c in Builtins.constants { slot(c.name).initial = .number(c.value) }
        for s in slots.values { s.value = s.initial }
    }

    deinit {
        // A user function's compiled body holds the slots it reads — often its own (`f(n) = …
        // f(n - 1)`) — and the slot holds the function: empty every slot so that the cycles go.
        for s in slots.values {
            s.value = nil
            s.initial = nil
        }
    }

    // MARK: Running cells

    /// Parses and runs `text` as one cell. Statements run in order and the first error stops the
    /// cell; each assignment is all-or-nothing, so a failed statement leaves every variable as it
    /// was. Never throws, never traps.
    ///
    /// - Parameter name: how diagnostics name this text (`In [3]`, a file name).
    /// - Parameter firstLine: the line the text starts on in its file (diagnostics count from it).
    public func run(_ text: String, name: String = "<input>", firstLine: Int = 1) -> CellResult {
        let source = Source(text, name: name, firstLine: firstLine)
        let program: [(Stmt, Node)]
        do { program = try compile(source) } catch { return CellResult(statements: [], error: error) }
        let context = Context(session: self, source: source)
        var results: [StatementResult] = []
        for (statement, node) in program {
            switch execute(statement, node, context) {
            case .success(let r): results.append(r)
            case .failure(let d): return CellResult(statements: results, error: d)
            }
        }
        return CellResult(statements: results, error: nil)
    }

    /// Runs a script file with each top-level statement as its own cell, in order (what
    /// `glassbox run FILE.gbx` needs: one result per statement, line numbers from the file).
    /// A syntax error anywhere runs nothing and gives one failed cell. After a failing statement
    /// the script stops when `stopAtFirstError`, else goes on with the next statement.
    /// `onCell` hears each cell as soon as it ran (so that its value can be shown in order with
    /// what `print` writes).
    @discardableResult
    public func runScript(_ text: String, name: String, stopAtFirstError: Bool = false,
                          onCell: ((CellResult) -> Void)? = nil) -> [CellResult] {
        let source = Source(text, name: name)
        var cells: [CellResult] = []
        func add(_ cell: CellResult) {
            cells.append(cell)
            onCell?(cell)
        }
        let program: [(Stmt, Node)]
        do { program = try compile(source) } catch {
            add(CellResult(statements: [], error: error))
            return cells
        }
        let context = Context(session: self, source: source)
        for (statement, node) in program {
            switch execute(statement, node, context) {
            case .success(let r):
                add(CellResult(statements: [r], error: nil))
            case .failure(let d):
                add(CellResult(statements: [], error: d))
                if stopAtFirstError { return cells }
            }
        }
        return cells
    }

    /// Parses and compiles all of `source` before anything runs.
    private func compile(_ source: Source) throws(Diagnostic) -> [(Stmt, Node)] {
        let statements = try Parser.parse(source)
        var compiler = Compiler(session: self, source: source)
        var program: [(Stmt, Node)] = []
        for s in statements { program.append((s, try compiler.statement(s))) }
        return program
    }

    private func execute(_ statement: Stmt, _ node: Node, _ context: Context) -> Result<StatementResult, Diagnostic> {
        do {
            let v = try node.eval(context)
            try context.settleDeferred(statement.range)
            let value: Value?
            if case .none = v { value = nil } else { value = v }
            return .success(StatementResult(value: value, silenced: statement.silenced, range: statement.range))
        } catch {
            context.stack.removeAll()
            context.base = 0
            context.callDepth = 0
            return .failure(RuntimeError.from(error, at: statement.range).diagnostic(in: context.currentSource))
        }
    }

    /// How many `include`s are running inside each other now (`maxIncludeDepth` at most: a file
    /// that includes itself stops there with a message).
    private var includeDepth = 0
    static let maxIncludeDepth = 16

    /// Runs the Glassbox file at `path` in this session: every statement in order, its
    /// definitions and variables kept, what it prints printed (`include "file"`). A relative path
    /// starts from the folder of the file being run (`from`), or `directory`, or the working
    /// directory at the prompt. An error inside the file points into the file, with a note
    /// naming where it was included from.
    func include(_ path: String, from including: Source, at range: SourceRange) throws {
        var resolved = path
        if !path.hasPrefix("/") {
            let name = including.name
            if let slash = name.lastIndex(of: "/"), FileIO.exists(name), !FileIO.isDirectory(name) {
                resolved = String(name[..<slash]) + "/" + path
            } else {
                resolved = DataBuiltins.resolve(path, self)
            }
        }
        guard includeDepth < Session.maxIncludeDepth else {
            throw RuntimeError(.depth, "includes nested more than \(Session.maxIncludeDepth) deep (does a file include itself?)", range)
        }
        let text = try DataBuiltins.read(resolved, self, range)
        let source = Source(text, name: resolved)
        includeDepth += 1
        defer { includeDepth -= 1 }
        let note = "in the file included at \(including.name), line \(including.line(of: range.start) + including.firstLine - 1)"
        let program: [(Stmt, Node)]
        do { program = try compile(source) } catch {
            var e = RuntimeError(error.kind, error.message, error.range, notes: error.notes + [note])
            e.source = error.source
            throw e
        }
        let context = Context(session: self, source: source)
        for (_, node) in program {
            do {
                _ = try node.eval(context)
            } catch {
                var e = RuntimeError.from(error, at: node.range)
                if e.source == nil { e.source = context.currentSource }
                e.notes.append(note)
                throw e
            }
        }
    }

    /// The answer to "is this input complete?" (same as `Language.isComplete`).
    public static func completeness(of text: String) -> Completeness { Language.isComplete(text) }

    // MARK: Variables

    /// Binds `name` to `value` (the REPL binds `_`, `_3`, `Out` this way).
    public func define(_ name: String, _ value: Value) {
        let s = slot(name)
        s.value = value
        if !s.isUserBound { noteBound(s) }
    }

    /// The value bound to `name`: a variable, a user function, a built-in or a constant.
    public func value(of name: String) -> Value? { slots[name]?.value }

    /// Unbinds one user variable (a built-in of the same name comes back).
    public func remove(_ name: String) {
        guard let s = slots[name] else { return }
        s.value = s.initial
        s.isUserBound = false
        boundOrder.removeAll { $0 === s }
    }

    /// User-bound names and their values, in the order they were first bound.
    public var variables: [Variable] {
        boundOrder.compactMap { s in s.value.map { Variable(name: s.name, value: $0) } }
    }

    /// Forgets every user binding; built-ins and constants come back.
    public func reset() {
        for s in slots.values {
            s.value = s.initial
            s.isUserBound = false
        }
        boundOrder.removeAll()
        printed.removeAll()
    }

    // MARK: Formatting, help, completion

    /// The plain-text form of a value at the session's precision.
    public func format(_ value: Value) -> String {
        ValueFormatter(precision: precision).format(value)
    }

    /// Completions for `prefix`: variables, user functions, built-ins, constants and keywords.
    public func completions(prefix: String) -> [String] {
        var names = Set(Language.keywords)
        for (name, s) in slots where s.value != nil { names.insert(name) }
        return names.filter { $0.hasPrefix(prefix) }.sorted()
    }

    // MARK: Internals

    /// The slot for a global name, created (unbound) on first use.
    func slot(_ name: String) -> Slot {
        if let s = slots[name] { return s }
        let s = Slot(name: name)
        slots[name] = s
        return s
    }

    func noteBound(_ slot: Slot) {
        slot.isUserBound = true
        boundOrder.append(slot)
    }

    /// Gives every tensor bound to a user variable that takes part in autograd and has no name
    /// yet the variable's name, so that backward traces can label named intermediates.
    func nameTensors() {
        for s in boundOrder {
            if case .tensor(let t)? = s.value, t.requiresGrad, t.name == nil { t.name = s.name }
        }
    }

    func emit(_ line: String) {
        if let output { output(line) } else { printed.append(line) }
    }

    /// "unknown name `zeroes`; did you mean `zeros`?" The suggestion is a name of the same kind —
    /// a function where one is called, a value elsewhere — never a keyword; a NumPy or PyTorch
    /// spelling says what Glassbox calls it (`concatenate` → `concat`).
    func unknownName(_ name: String, _ range: SourceRange, calling: Bool = false) -> RuntimeError {
        if let hint = Spellings.functionHint(name) {
            return RuntimeError(.unknownName, "unknown name `\(name)`\(hint)", range)
        }
        if Spellings.modules.contains(name) {
            return RuntimeError(.unknownName, "unknown name `\(name)`: Glassbox has no modules — its functions are built in "
                                + "(write `exp(x)`, not `\(name).exp(x)`)", range)
        }
        let known = slots.values.filter { slot in
            guard let v = slot.value else { return false }
            if case .function = v { return calling }
            return !calling
        }.map(\.name)
        let hint = Suggestions.closest(to: name, among: known).map { "; did you mean `\($0)`?" } ?? ""
        return RuntimeError(.unknownName, "unknown name `\(name)`\(hint)", range)
    }
}

// MARK: - Results

/// What running one cell produced.
public struct CellResult {
    /// One entry per top-level statement that ran to completion, in order.
    public let statements: [StatementResult]
    /// The error that stopped the cell, if any.
    public let error: Diagnostic?

    /// The value to show as `Out[n]`: the last statement's, if it has one, was not silenced by
    /// `;`, and no error happened.
    public var lastValue: Value? {
        guard error == nil, let last = statements.last, !last.silenced else { return nil }
        return last.value
    }
}

/// One top-level statement that ran.
public struct StatementResult {
    /// nil for assignments, definitions, loops and calls that return nothing.
    public let value: Value?
    /// The statement ended with `;`.
    public let silenced: Bool
    /// Where the statement is in the cell.
    public let range: SourceRange
}

/// A user-bound name, for `:vars`.
public struct Variable {
    public let name: String
    public let value: Value
}
