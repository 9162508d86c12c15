import GlassboxTensors

// MARK: - The plain-text form of any value

extension ValueFormatter {
    /// The header line (if any) and body of a tensor.
    public func format(_ tensor: Tensor) -> String {
        let body = self.body(shape: tensor.shape, data: tensor.toArray())
        guard let header = header(shape: tensor.shape, isParameter: tensor.isParameter) else { return body }
        return header + "\n" + body
    }

    /// The header line of a tensor, or nil for a number.
    public func header(_ tensor: Tensor) -> String? { header(shape: tensor.shape, isParameter: tensor.isParameter) }

    /// The body of a tensor (its rows, or the number).
    public func body(_ tensor: Tensor) -> String { body(shape: tensor.shape, data: tensor.toArray()) }

    /// How the notebook shows a value (`Out[n]`); empty for nothing.
    public func format(_ value: Value) -> String {
        switch value {
        case .tensor(let t): return format(t)
        case .string(let s): return quoted(s)
        case .tuple(let t): return format(t)
        case .function(let f):
            return f.definition ?? "\(f.signature) — built-in"
        case .object(let o): return o.text(self)
        case .explanation(let e): return format(e)
        case .plot(let p): return p.summary
        case .none: return ""
        }
    }

    /// Tuples of numbers and strings on one line `(1, 2)`; others one element per block:
    ///
    ///     (2 values)
    ///     [0] 1×4
    ///     [[…]]
    func format(_ t: TupleValue) -> String {
        // `–` marks an empty place (only the REPL makes them: `Out[n]` of a cell that showed nothing).
        let parts = t.items.prefix(100).map { item -> String in
            if case .none = item { return "–" }
            return format(item)
        }
        if parts.allSatisfy({ !$0.contains("\n") }) && parts.reduce(0, { $0 + $1.count }) < lineWidth {
            return "(" + parts.joined(separator: ", ") + (t.count == 1 ? ",)" : ")")
        }
        var out = "(\(countText(t.count, "value")))"
        for (i, p) in parts.enumerated() { out += "\n[\(i)] " + p }
        if t.count > parts.count { out += "\n…" }
        return out
    }

    /// `"…"` as the language writes a string: quotes, backslashes, newlines and tabs escaped
    /// (`JSON.string` is the same literal with control characters escaped too).
    func quoted(_ s: String) -> String { ValueFormatter.literal(s, json: false) }

    /// The one string-literal writer. `json` also escapes carriage returns and the other
    /// control characters, as RFC 8259 requires; the notebook shows them as they are.
    static func literal(_ s: String, json: Bool) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r" where json: out += "\\r"
            default:
                if json && u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    /// A plain listing of what `explain` recorded (walkthroughs render it properly).
    func format(_ e: Explanation) -> String {
        var lines = ["explain \(e.expression): \(countText(e.events.count, "step"))"]
        for (i, ev) in e.events.prefix(200).enumerated() {
            switch ev.event {
            case .op(let op):
                let shapes = op.outputs.map { shapeText($0.shape) }.joined(separator: ", ")
                lines.append("\(i + 1). \(op.op)  \(ev.text)  → \(shapes)")
            case .backwardStart(let root, _):
                lines.append("\(i + 1). backward from \(root.name ?? ev.text)")
            case .backward(let b):
                lines.append("\(i + 1). ∂ \(b.op)")
            }
        }
        if e.events.count > 200 { lines.append("… and \(countText(e.events.count - 200, "more step"))") }
        if let cut = e.truncation {
            lines.append("recording cut short after step \(cut.recorded): \(cut.limitText); " +
                         "\(countText(cut.unrecorded, "more op")) ran unrecorded")
        }
        return lines.joined(separator: "\n")
    }
}
