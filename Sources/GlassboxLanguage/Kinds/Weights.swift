import GlassboxTensors

// MARK: - Weights: named tensors

/// What `load("model.safetensors")` returns: a mapping from names (`features.0.0.weight`) to
/// tensors, like a PyTorch `state_dict`. `w["name"]` is one tensor, `keys(w)` the sorted names,
/// `len(w)` their count, `has(w, "name")` whether one is there; `save` writes it back.
public final class Weights: ValueKind {
    /// The names, sorted.
    public let names: [String]
    let tensors: [String: Tensor]
    /// Where it was read from, for messages (empty when built in the session).
    let origin: String

    public init(_ entries: [(name: String, tensor: Tensor)], origin: String = "") {
        var tensors: [String: Tensor] = [:]
        for (n, t) in entries { tensors[n] = t }
        self.tensors = tensors
        self.names = tensors.keys.sorted()
        self.origin = origin
    }

    public subscript(name: String) -> Tensor? { tensors[name] }

    /// The total number of values in all the tensors.
    public var parameterCount: Int { tensors.values.reduce(0) { $0 + $1.count } }

    public var typeName: String { "weights" }

    /// `weights: 158 tensors, 3,504,872 values` and the first names with their shapes.
    public func text(_ formatter: ValueFormatter) -> String {
        var lines = ["weights: \(summary)"]
        let shown = names.prefix(8)
        let width = shown.map(\.count).max() ?? 0
        for n in shown {
            lines.append("  " + n + String(repeating: " ", count: width - n.count) + "  " + shapeText(tensors[n]!.shape))
        }
        if names.count > shown.count { lines.append("  … \(names.count - shown.count) more (keys(w) lists them all)") }
        return lines.joined(separator: "\n")
    }

    var summary: String { "\(countText(names.count, "tensor")), \(Weights.grouped(parameterCount)) values" }

    /// 3504872 → `3,504,872`.
    static func grouped(_ n: Int) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return out
    }

    /// `{"weights": {"name": [shape], …}}`: the names and shapes, not the values.
    public var json: JSONValue {
        .object([("weights", .object(names.map { ($0, .array(tensors[$0]!.shape.map { .number(Double($0)) })) }))])
    }

    public static let attributes = AttributeTable<Weights>([
        Attribute("count", "the number of tensors") { w, _ in .number(Float(w.names.count)) },
        Attribute("parameters", "the number of values in all the tensors") { w, _ in .number(Float(w.parameterCount)) },
    ])

    /// `w["features.0.0.weight"]`; an unknown name suggests the closest one.
    public func element(_ key: Value, _ access: IndexAccess) throws -> Value {
        guard case .string(let name) = key else {
            throw RuntimeError(.type, "weights are indexed by a name in quotes, got a \(key.typeName)", access.keyRange)
        }
        if let t = tensors[name] { return .tensor(t) }
        var message = "no tensor named \"\(name)\" in these weights (\(countText(names.count, "tensor")))"
        if let near = Suggestions.closest(to: name, among: names) { message += "; did you mean \"\(near)\"?" }
        else if let prefix = names.first(where: { $0.hasSuffix(name) || $0.hasPrefix(name) }) { message += "; one is \"\(prefix)\"" }
        throw RuntimeError(.value, message, access.keyRange)
    }

    public var variablesSummary: String { summary }
}
