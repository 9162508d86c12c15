import GlassboxTensors

// MARK: - Calls

/// `f(a, b, axis=1)`: evaluates the callee and the arguments, then binds them to the function's
/// parameters (checking count and keyword names against its signature) and runs it.
final class CallNode: Node {
    let callee: Node
    let arguments: [Node]
    /// Keyword of each argument; nil for positional ones (which all come first).
    let labels: [String?]
    let labelRanges: [SourceRange?]

    init(_ callee: Node, _ arguments: [Node], labels: [String?], labelRanges: [SourceRange?], _ range: SourceRange) {
        self.callee = callee
        self.arguments = arguments
        self.labels = labels
        self.labelRanges = labelRanges
        super.init(range)
    }

    /// The name the function was called by, for messages.
    var calleeName: String? {
        if let g = callee as? GlobalGet { return g.slot.name }
        if let l = callee as? LocalGet { return l.name }
        return nil
    }

    override func eval(_ c: Context) throws -> Value {
        try c.checkStack(range)
        if let g = callee as? GlobalGet, g.slot.value == nil {
            throw c.session.unknownName(g.slot.name, g.range, calling: true)
        }
        let f = try callee.eval(c)
        guard case .function(let function) = f else {
            let name = calleeName.map { "`\($0)` is" } ?? "this is"
            throw RuntimeError(.type, "\(name) a \(f.typeName), not a function", callee.range)
        }
        var values: [Value] = []
        values.reserveCapacity(arguments.count)
        for argument in arguments {
            let v = try argument.eval(c)
            if case .none = v {
                throw RuntimeError(.type, "this argument gives nothing (it has no value)", argument.range)
            }
            values.append(v)
        }
        switch function.body {
        case .builtin(let b): return try b.call(values, self, c)
        case .user(let u): return try u.call(values, self, c)
        }
    }

    func argumentRange(_ i: Int) -> SourceRange {
        guard i < arguments.count else { return range }
        if let label = labelRanges[i] { return label.union(arguments[i].range) }
        return arguments[i].range
    }
}

// MARK: - User functions

/// A function defined with `f(x, y=2) = body`. Parameters and every name assigned in the body
/// are locals (slots `0..<localCount` of its frame); other names are globals, looked up when used.
final class UserFunction {
    let name: String
    let parameterNames: [String]
    /// Default value of each parameter (compiled at the top level, evaluated at each call).
    let defaults: [Node?]
    var body: Node
    let localCount: Int
    let source: Source
    let definitionRange: SourceRange
    /// The parameters (a default shows as its source text), and the binder every call goes through.
    let spec: Signature

    init(name: String, parameterNames: [String], defaults: [Node?], body: Node, localCount: Int,
         source: Source, definitionRange: SourceRange) {
        self.name = name
        self.parameterNames = parameterNames
        self.defaults = defaults
        self.body = body
        self.localCount = localCount
        self.source = source
        self.definitionRange = definitionRange
        self.spec = Signature(name, zip(parameterNames, defaults).map { name, d in
            d.map { .optional(name, source.text(of: $0.range)) } ?? .required(name)
        })
    }

    var signatureNote: String { spec.note }

    var signature: String { spec.text }

    func call(_ values: [Value], _ call: CallNode, _ c: Context) throws -> Value {
        var bound = try spec.bind(values, call, withRanges: false).values
        for p in 0..<bound.count where bound[p] == nil {
            if let d = defaults[p] { bound[p] = try d.eval(c) }
        }

        // Run the body in a new frame. (Recursion without loops must stop on Ctrl-C too.)
        if Interrupt.isRequested { throw RuntimeError.interrupted(call.range) }
        c.callDepth += 1
        defer { c.callDepth -= 1 }
        if c.callDepth > Context.maxCallDepth {
            throw RuntimeError(.depth, "too many nested calls (more than \(Context.maxCallDepth)); " +
                               "is `\(name)` calling itself without end?", call.range)
        }
        let savedBase = c.base
        let newBase = c.stack.count
        c.stack.append(contentsOf: bound)
        if localCount > bound.count {
            c.stack.append(contentsOf: repeatElement(nil, count: localCount - bound.count))
        }
        c.base = newBase
        let callerSource = c.currentSource
        let recording = c.recorder != nil
        if recording { c.callStack.append(callerSource.text(of: call.range)) }
        c.currentSource = source
        defer {
            c.stack.removeSubrange(newBase...)
            c.base = savedBase
            c.currentSource = callerSource
            if recording { c.callStack.removeLast() }
        }
        do {
            return try body.eval(c)
        } catch var e as RuntimeError {
            if e.source == nil {
                e.source = source
                if e.kind != .interrupted && e.kind != .depth {
                    let line = callerSource.line(of: call.range.start) + callerSource.firstLine - 1
                    e.notes.append("in `\(name)`, called as `\(callerSource.text(of: call.range))` " +
                                   "(\(callerSource.name), line \(line))")
                }
            }
            throw e
        }
    }
}

func countText(_ n: Int, _ noun: String) -> String {
    n == 1 ? "1 \(noun)" : "\(n) \(noun)s"
}
