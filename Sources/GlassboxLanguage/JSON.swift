import GlassboxTensors

// MARK: - Machine-readable output (contract: `--json`)

/// One JSON object per line for each statement that yields a value:
///
///     {"cell": 3, "value": {"shape": [2, 3], "data": [[1, 2, 3], [4, 5, 6]]}}
///     {"cell": 4, "value": {"tuple": [{"shape": [], "data": 1}, {"string": "a"}]}}
///     {"cell": 5, "trace": [{"step": "mul", "formula": "x * 2", "value": {…}}, …]}
///     {"cell": 6, "error": {"message": "…", "line": 1, "column": 7, "length": 3}}
///
/// Non-finite numbers are the strings "nan", "inf", "-inf". Every record is a `JSONValue`
/// written in its one-line style, so there is one JSON writer.
public enum JSON {
    /// The line for a statement's value; nil for nothing (`.none`).
    public static func cellValue(_ value: Value, cell: Int) -> String? {
        switch value {
        case .none: return nil
        case .explanation(let e): return traceLine(cell: cell, steps: traceSteps(e), cut: traceCut(e))
        default: return JSONValue.object([("cell", .number(Double(cell))), ("value", json(value))]).line
        }
    }

    /// The line for a failed cell. Line and column are 1-based, in characters, in the source the
    /// diagnostic points into.
    public static func cellError(_ d: Diagnostic, cell: Int) -> String {
        let error = JSONValue.object([("message", .string(d.message)), ("line", .number(Double(d.line))),
                                      ("column", .number(Double(d.column))), ("length", .number(Double(d.length)))])
        return JSONValue.object([("cell", .number(Double(cell))), ("error", error)]).line
    }

    /// The line for what `print` wrote while a cell ran.
    public static func cellPrint(_ text: String, cell: Int) -> String {
        JSONValue.object([("cell", .number(Double(cell))), ("print", .string(text))]).line
    }

    /// A value as JSON text (`json(_:)`).
    public static func value(_ value: Value) -> String { json(value).line }

    /// A value as JSON: tensors `{"shape", "data"}` (data nested by rank; a number for rank 0),
    /// `{"tuple": […]}`, `{"string": "…"}`, `{"function": "signature"}`, an object kind's own
    /// form, `null` for nothing.
    public static func json(_ value: Value) -> JSONValue {
        switch value {
        case .tensor(let t): return tensor(t)
        case .string(let s): return .object([("string", .string(s))])
        case .tuple(let t): return .object([("tuple", .array(t.items.map(json)))])
        case .function(let f): return .object([("function", .string(f.signature))])
        case .object(let o): return o.json
        case .explanation(let e): return .object([("trace", trace(traceSteps(e)))])
        case .plot(let p): return plot(p)
        case .none: return .null
        }
    }

    /// `{"shape": [2, 3], "data": [[…], […]]}`. An empty tensor with more than `maxEmptyBrackets`
    /// empty rows (`zeros(1e15, 0)`) writes `"data": []`: its shape says the rest.
    public static func tensor(_ t: Tensor) -> JSONValue {
        let data = t.toArray()
        let shape = JSONValue.array(t.shape.map { .number(Double($0)) })
        if data.isEmpty, ValueFormatter.bracketCount(t.shape) > maxEmptyBrackets {
            return .object([("shape", shape), ("data", .array([]))])
        }
        var position = 0
        return .object([("shape", shape), ("data", nested(t.shape, 0, data, &position))])
    }

    static let maxEmptyBrackets = 100_000

    /// `{"plot": {"kind": "line", "x": […], "y": [[…]]}}` or
    /// `{"plot": {"kind": "heatmap", "shape": [r, c], "data": [[…]]}}`,
    /// `{"plot": {"kind": "image", "shape": [channels, h, w], "data": […]}}` (values in [0, 1], with
    /// `"scaled_from": [lo, hi]` when they were stretched) or `{"plot": {"kind": "maps", "shape":
    /// [n, h, w], "data": […], "channels": […]}}`, with `"title"` when given.
    public static func plot(_ p: PlotValue) -> JSONValue {
        func list(_ xs: [Float]) -> JSONValue { .array(xs.map { .number(Double($0)) }) }
        var fields: [(String, JSONValue)] = [("kind", .string(p.kind.rawValue))]
        switch p.kind {
        case .line:
            fields += [("x", list(p.x)), ("y", .array(p.series.map(list)))]
        case .heatmap:
            var position = 0
            fields += [("shape", .array([.number(Double(p.rows)), .number(Double(p.columns))])),
                       ("data", nested([p.rows, p.columns], 0, p.matrix, &position))]
        case .image, .maps:
            var position = 0
            let shape = [p.count, p.rows, p.columns]
            fields += [("shape", .array(shape.map { .number(Double($0)) })), ("data", nested(shape, 0, p.matrix, &position))]
            if p.kind == .maps { fields.append(("channels", .array(p.labels.map { .number(Double($0)) }))) }
            if let s = p.scaledFrom { fields.append(("scaled_from", .array([.number(Double(s.lo)), .number(Double(s.hi))]))) }
        }
        if let title = p.title { fields.append(("title", .string(title))) }
        return .object([("plot", .object(fields))])
    }

    // MARK: Pieces

    /// The elements of a row-major buffer as arrays nested by `shape`.
    private static func nested(_ shape: [Int], _ axis: Int, _ data: [Float], _ p: inout Int) -> JSONValue {
        if axis == shape.count {
            defer { p += 1 }
            return .number(Double(p < data.count ? data[p] : .nan))
        }
        var items: [JSONValue] = []
        items.reserveCapacity(shape[axis])
        for _ in 0..<shape[axis] { items.append(nested(shape, axis + 1, data, &p)) }
        return .array(items)
    }

    /// A JSON string literal (`ValueFormatter.literal`, the one string-literal writer).
    public static func string(_ s: String) -> String { ValueFormatter.literal(s, json: true) }
}
