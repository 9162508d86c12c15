import GlassboxLanguage
import GlassboxLessons

// MARK: - JSON on the wire

extension JSONValue {
    /// The value as compact JSON (no spaces or newlines), the form message frames carry.
    var compactText: String {
        var out = ""
        writeCompact(to: &out)
        return out
    }

    private func writeCompact(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n):
            if !n.isFinite { out += "null" } else if n.rounded() == n, n.magnitude < 9e15 { out += String(Int64(n)) } else { out += String(n) }
        case .string(let s): out += JSON.string(s)
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.writeCompact(to: &out)
            }
            out += "]"
        case .object(let pairs):
            out += "{"
            for (i, (key, value)) in pairs.enumerated() {
                if i > 0 { out += "," }
                out += JSON.string(key)
                out += ":"
                value.writeCompact(to: &out)
            }
            out += "}"
        }
    }

    /// The frame's bytes parsed as JSON; nil when they are not UTF-8 JSON.
    static func parse(frame: [UInt8]) -> JSONValue? {
        guard let text = String(validating: frame, as: UTF8.self) else { return nil }
        return try? JSONValue.parse(text)
    }

    /// `content["code"]` as a string, or `fallback` when absent or not a string.
    func string(_ key: String, _ fallback: String = "") -> String { self[key]?.stringValue ?? fallback }
    /// `content[key]` as a whole number, or `fallback`.
    func int(_ key: String, _ fallback: Int) -> Int { self[key]?.intValue ?? fallback }
    /// `content[key]` as a Boolean, or `fallback`.
    func bool(_ key: String, _ fallback: Bool) -> Bool { self[key]?.boolValue ?? fallback }
}
