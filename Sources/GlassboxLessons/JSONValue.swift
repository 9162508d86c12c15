import GlassboxLanguage

// MARK: - A small JSON value

/// Just enough JSON for the progress file and `.ipynb` export: RFC 8259 in, pretty-printed
/// out (objects keep their key order, as Jupyter's files do). No Foundation in this module.
public indirect enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    /// Keys in the order they are written.
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// The value under `key`, for an object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let pairs) = self else { return nil }
        return pairs.first(where: { $0.0 == key })?.1
    }

    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var numberValue: Double? { if case .number(let n) = self { return n } else { return nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }
    public var objectValue: [(String, JSONValue)]? { if case .object(let o) = self { return o } else { return nil } }

    /// A whole number that fits an Int, else nil.
    public var intValue: Int? {
        guard let n = numberValue, n.rounded() == n, n.magnitude < 9e15 else { return nil }
        return Int(n)
    }

    // MARK: Writing

    /// Pretty-printed with `indent` spaces per level (Jupyter writes 1), and a final newline.
    public func text(indent: Int = 1) -> String {
        var out = ""
        write(to: &out, level: 0, indent: indent)
        return out + "\n"
    }

    func write(to out: inout String, level: Int, indent: Int) {
        let pad = String(repeating: " ", count: (level + 1) * indent)
        let closePad = String(repeating: " ", count: level * indent)
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += Self.numberText(n)
        case .string(let s): out += Self.quoted(s)
        case .array(let items):
            guard !items.isEmpty else { out += "[]"; return }
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += pad
                item.write(to: &out, level: level + 1, indent: indent)
                out += i + 1 < items.count ? ",\n" : "\n"
            }
            out += closePad + "]"
        case .object(let pairs):
            guard !pairs.isEmpty else { out += "{}"; return }
            out += "{\n"
            for (i, (key, value)) in pairs.enumerated() {
                out += pad + Self.quoted(key) + ": "
                value.write(to: &out, level: level + 1, indent: indent)
                out += i + 1 < pairs.count ? ",\n" : "\n"
            }
            out += closePad + "}"
        }
    }

    /// Whole numbers without a point; others as Swift prints a Double (shortest round trip).
    /// JSON has no NaN or infinity; they are written as null.
    static func numberText(_ n: Double) -> String {
        guard n.isFinite else { return "null" }
        if n.rounded() == n, n.magnitude < 9e15 { return String(Int64(n)) }
        return String(n)
    }

    /// A JSON string literal: the language's `JSON.string`, the one escaper every JSON writer uses.
    static func quoted(_ text: String) -> String { JSON.string(text) }
}
