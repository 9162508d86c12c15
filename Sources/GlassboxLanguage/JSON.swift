import GlassboxTensors

// MARK: - Machine-readable output (contract: `--json`)

/// One JSON object per line for each statement that yields a value:
///
///     {"cell": 3, "value": {"shape": [2, 3], "data": [[1, 2, 3], [4, 5, 6]]}}
///     {"cell": 4, "value": {"tuple": [{"shape": [], "data": 1}, {"string": "a"}]}}
///     {"cell": 5, "trace": [{"step": "mul", "formula": "x * 2", "value": {…}}, …]}
///     {"cell": 6, "error": {"message": "…", "line": 1, "column": 7, "length": 3}}
///
/// Non-finite numbers are the strings "nan", "inf", "-inf".
public enum JSON {
    /// The line for a statement's value; nil for nothing (`.none`).
    public static func cellValue(_ value: Value, cell: Int) -> String? {
        switch value {
        case .none: return nil
        case .explanation(let e): return traceLine(cell: cell, steps: traceSteps(e), cut: traceCut(e))
        default: return "{\"cell\": \(cell), \"value\": \(self.value(value))}"
        }
    }

    /// The line for a failed cell. Line and column are 1-based, in characters, in the source the
    /// diagnostic points into.
    public static func cellError(_ d: Diagnostic, cell: Int) -> String {
        "{\"cell\": \(cell), \"error\": {\"message\": \(string(d.message)), \"line\": \(d.line), " +
            "\"column\": \(d.column), \"length\": \(d.length)}}"
    }

    /// A value as JSON: tensors `{"shape", "data"}` (data nested by rank; a number for rank 0),
    /// `{"tuple": […]}`, `{"string": "…"}`, `{"function": "signature"}`, `null` for nothing.
    public static func value(_ value: Value) -> String {
        switch value {
        case .tensor(let t): return tensor(t)
        case .string(let s): return "{\"string\": \(string(s))}"
        case .tuple(let t): return "{\"tuple\": [" + t.items.map { self.value($0) }.joined(separator: ", ") + "]}"
        case .function(let f): return "{\"function\": \(string(f.signature))}"
        case .object(let o): return o.json
        case .explanation(let e): return "{\"trace\": \(trace(traceSteps(e)))}"
        case .plot(let p): return plot(p)
        case .none: return "null"
        }
    }

    /// `{"shape": [2, 3], "data": [[…], […]]}`. An empty tensor with more than `maxEmptyBrackets`
    /// empty rows (`zeros(1e15, 0)`) writes `"data": []`: its shape says the rest.
    public static func tensor(_ t: Tensor) -> String {
        let data = t.toArray()
        var out = "{\"shape\": [" + t.shape.map(String.init).joined(separator: ", ") + "], \"data\": "
        if data.isEmpty, ValueFormatter.bracketCount(t.shape) > maxEmptyBrackets { return out + "[]}" }
        var position = 0
        nested(t.shape, 0, data, &position, &out)
        return out + "}"
    }

    static let maxEmptyBrackets = 100_000

    /// `{"plot": {"kind": "line", "x": […], "y": [[…]]}}` or
    /// `{"plot": {"kind": "heatmap", "shape": [r, c], "data": [[…]]}}`, with `"title"` when given.
    public static func plot(_ p: PlotValue) -> String {
        func list(_ xs: [Float]) -> String { "[" + xs.map(number).joined(separator: ", ") + "]" }
        var out = "{\"plot\": {\"kind\": \"\(p.kind.rawValue)\", "
        switch p.kind {
        case .line:
            out += "\"x\": \(list(p.x)), \"y\": [" + p.series.map(list).joined(separator: ", ") + "]"
        case .heatmap:
            var data = ""
            var position = 0
            nested([p.rows, p.columns], 0, p.matrix, &position, &data)
            out += "\"shape\": [\(p.rows), \(p.columns)], \"data\": " + data
        }
        if let title = p.title { out += ", \"title\": \(string(title))" }
        return out + "}}"
    }

    // MARK: Pieces

    private static func nested(_ shape: [Int], _ axis: Int, _ data: [Float], _ p: inout Int, _ out: inout String) {
        if axis == shape.count {
            out += number(p < data.count ? data[p] : .nan)
            p += 1
            return
        }
        out += "["
        for i in 0..<shape[axis] {
            if i > 0 { out += ", " }
            nested(shape, axis + 1, data, &p, &out)
        }
        out += "]"
    }

    /// Shortest round-trip decimal; whole numbers without `.0`; non-finite as strings.
    public static func number(_ x: Float) -> String {
        if x.isNaN { return "\"nan\"" }
        if x.isInfinite { return x < 0 ? "\"-inf\"" : "\"inf\"" }
        if x == x.rounded(), x.magnitude < 1e15 { return String(Int64(x)) }
        return x.description
    }

    /// A JSON string literal (`ValueFormatter.literal`, the one string-literal writer).
    public static func string(_ s: String) -> String { ValueFormatter.literal(s, json: true) }
}
