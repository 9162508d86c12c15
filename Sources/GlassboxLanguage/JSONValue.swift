// MARK: - A small JSON value

/// The one JSON value and writer: RFC 8259 in (the progress file, `.ipynb`), and out in two
/// styles (`JSONStyle`): pretty for files, one line for `--json` (objects keep their key order,
/// as Jupyter's files do). No Foundation.
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
        write(to: &out, level: 0, style: .pretty(indent: indent))
        return out + "\n"
    }

    /// On one line, as `--json` writes each record: `{"cell": 3, "value": {"shape": [2], "data": [1, 2]}}`.
    public var line: String {
        var out = ""
        write(to: &out, level: 0, style: .line)
        return out
    }

    func write(to out: inout String, level: Int, style: JSONStyle) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += Self.numberText(n, style)
        case .string(let s): out += Self.quoted(s)
        case .array(let items):
            guard !items.isEmpty else { out += "[]"; return }
            out += "["
            for (i, item) in items.enumerated() {
                out += style.separator(first: i == 0, level: level + 1)
                item.write(to: &out, level: level + 1, style: style)
            }
            out += style.closing(level: level) + "]"
        case .object(let pairs):
            guard !pairs.isEmpty else { out += "{}"; return }
            out += "{"
            for (i, (key, value)) in pairs.enumerated() {
                out += style.separator(first: i == 0, level: level + 1) + Self.quoted(key) + ": "
                value.write(to: &out, level: level + 1, style: style)
            }
            out += style.closing(level: level) + "}"
        }
    }

    /// Whole numbers without a point. Pretty: others as Swift prints a Double (shortest round
    /// trip), and NaN and infinity, which JSON lacks, as null. One line (`--json`, whose numbers
    /// are float32 values): others as Swift prints a Float, and non-finite ones as the strings
    /// "nan", "inf", "-inf" (CONTRACT.md).
    static func numberText(_ n: Double, _ style: JSONStyle) -> String {
        switch style {
        case .pretty:
            guard n.isFinite else { return "null" }
            if n.rounded() == n, n.magnitude < 9e15 { return String(Int64(n)) }
            return String(n)
        case .line:
            if n.isNaN { return "\"nan\"" }
            if n.isInfinite { return n < 0 ? "\"-inf\"" : "\"inf\"" }
            if n.rounded() == n, n.magnitude < 1e15 { return String(Int64(n)) }
            return Float(n).description
        }
    }

    /// A JSON string literal (`ValueFormatter.literal`, the one string-literal writer).
    static func quoted(_ text: String) -> String { ValueFormatter.literal(text, json: true) }
}

/// How `JSONValue` is written.
public enum JSONStyle: Sendable {
    /// One item a line, nested `indent` spaces a level: files (progress, `.ipynb`).
    case pretty(indent: Int)
    /// All on one line with `, ` and `: ` between items: `--json` records.
    case line

    /// What goes before an item of an array or object.
    func separator(first: Bool, level: Int) -> String {
        switch self {
        case .pretty(let indent): return (first ? "\n" : ",\n") + String(repeating: " ", count: level * indent)
        case .line: return first ? "" : ", "
        }
    }

    /// What goes before the closing bracket.
    func closing(level: Int) -> String {
        switch self {
        case .pretty(let indent): return "\n" + String(repeating: " ", count: level * indent)
        case .line: return ""
        }
    }
}
