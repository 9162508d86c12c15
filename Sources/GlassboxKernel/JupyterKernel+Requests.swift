import GlassboxLanguage
import GlassboxLessons
import GlassboxREPL

// MARK: - kernel_info, complete, inspect, is_complete, history

extension JupyterKernel {
    /// `kernel_info_reply` (spec 5.3, "Kernel info"): the protocol version, and the language
    /// with its file extension and MIME type.
    static var kernelInfo: JSONValue {
        .object([
            ("status", .string("ok")),
            ("protocol_version", .string(Message.protocolVersion)),
            ("implementation", .string("glassbox")),
            ("implementation_version", .string(Launcher.version)),
            ("language_info", languageInfo),
            ("banner", .string("Glassbox \(Launcher.version) — a see-through tensor notebook. `?name` explains a built-in, `:help` lists the commands.")),
            ("help_links", .array([])),
            ("debugger", .bool(false)),
        ])
    }

    static var languageInfo: JSONValue {
        .object([
            ("name", .string("glassbox")),
            ("version", .string(Launcher.version)),
            ("mimetype", .string("text/x-glassbox")),
            ("file_extension", .string(".gbx")),
        ])
    }

    /// `complete_reply`: the REPL's Tab completion for the line up to the cursor. Positions
    /// count Unicode code points (spec 5.2 and later).
    func complete(_ content: JSONValue) -> JSONValue {
        let code = content.string("code")
        let scalars = Array(code.unicodeScalars)
        let cursor = min(max(0, content.int("cursor_pos", scalars.count)), scalars.count)
        var line = String(String.UnicodeScalarView(scalars[..<cursor]))
        if let newline = line.lastIndex(of: "\n") { line = String(line[line.index(after: newline)...]) }
        let completion = repl.complete(line)
        let start = cursor - completion.word.unicodeScalars.count
        return .object([
            ("status", .string("ok")),
            ("matches", .array(completion.matches.map(JSONValue.string))),
            ("cursor_start", .number(Double(start))),
            ("cursor_end", .number(Double(cursor))),
            ("metadata", .object([])),
        ])
    }

    /// `inspect_reply`: `?name` help for the name at the cursor (or the function whose
    /// argument list the cursor is in).
    func inspect(_ content: JSONValue) -> JSONValue {
        let code = content.string("code")
        let scalars = Array(code.unicodeScalars)
        let cursor = min(max(0, content.int("cursor_pos", scalars.count)), scalars.count)
        let name = Self.name(in: scalars, at: cursor)
        let help = name.flatMap { repl.helpText(for: $0) }
        return .object([
            ("status", .string("ok")),
            ("found", .bool(help != nil)),
            ("data", help.map { .object([("text/plain", .string($0))]) } ?? .object([])),
            ("metadata", .object([])),
        ])
    }

    /// The identifier touching `cursor`; else the one before the innermost `(` still open.
    static func name(in scalars: [Unicode.Scalar], at cursor: Int) -> String? {
        func isName(_ s: Unicode.Scalar) -> Bool { s.properties.isAlphabetic || s.properties.numericType != nil || s == "_" }
        var start = cursor, end = cursor
        while start > 0, isName(scalars[start - 1]) { start -= 1 }
        while end < scalars.count, isName(scalars[end]) { end += 1 }
        // A number (`axis=0`) is no name: look for the call it is an argument of.
        if start < end, scalars[start].properties.numericType == nil { return String(String.UnicodeScalarView(scalars[start..<end])) }
        var depth = 0, i = cursor - 1
        while i >= 0 {
            if scalars[i] == ")" { depth += 1 }
            if scalars[i] == "(" {
                if depth == 0 { return name(in: scalars, at: i) }
                depth -= 1
            }
            i -= 1
        }
        return nil
    }

    /// `is_complete_reply`: the language's completeness check; an incomplete cell gets the
    /// indent its next line starts with (four spaces per open bracket or brace).
    func isComplete(_ content: JSONValue) -> JSONValue {
        let code = content.string("code")
        if repl.isCommandOrHelp(code) { return .object([("status", .string("complete"))]) }
        switch Session.completeness(of: code) {
        case .complete: return .object([("status", .string("complete"))])
        case .incomplete: return .object([("status", .string("incomplete")), ("indent", .string(REPL.indent(after: code)))])
        case .invalid: return .object([("status", .string("invalid"))])
        }
    }

    /// `history_reply` for `tail` (the last `n`), `range` (execution counts `start..<stop`) and
    /// `search` (a glob `pattern` over the whole input, `*` and `?`; `unique` drops repeats,
    /// `n` keeps the last n). Each entry is `[session, line, input]`, or with `output`
    /// `[session, line, [input, output]]`; this kernel's session is 1.
    func historyReply(_ content: JSONValue) -> JSONValue {
        var entries = history
        let n = content["n"]?.intValue
        switch content.string("hist_access_type", "tail") {
        case "range":
            let start = content.int("start", 1), stop = content.int("stop", Int.max)
            entries = entries.filter { $0.line >= start && $0.line < stop }
        case "search":
            let pattern = Array(content.string("pattern", "*"))
            entries = entries.filter { Self.glob(pattern, matches: Array($0.input)) }
            if content.bool("unique", false) {
                var seen = Set<String>()
                entries = entries.reversed().filter { seen.insert($0.input).inserted }.reversed()
            }
            if let n { entries = Array(entries.suffix(max(0, n))) }
        default:
            if let n { entries = Array(entries.suffix(max(0, n))) }
        }
        let output = content.bool("output", false)
        let items: [JSONValue] = entries.map { e in
            let input = JSONValue.string(e.input)
            let cell: JSONValue = output ? .array([input, e.output.map(JSONValue.string) ?? .null]) : input
            return .array([.number(1), .number(Double(e.line)), cell])
        }
        return .object([("status", .string("ok")), ("history", .array(items))])
    }

    /// Shell-style glob: `*` any run of characters, `?` any one character.
    static func glob(_ p: [Character], matches s: [Character]) -> Bool {
        var pi = 0, si = 0, starP = -1, starS = 0
        while si < s.count {
            if pi < p.count, p[pi] == "?" || p[pi] == s[si] {
                pi += 1; si += 1
            } else if pi < p.count, p[pi] == "*" {
                starP = pi; starS = si; pi += 1
            } else if starP >= 0 {
                pi = starP + 1; starS += 1; si = starS
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
