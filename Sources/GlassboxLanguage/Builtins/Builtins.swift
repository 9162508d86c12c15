import GlassboxTensors

// MARK: - The table

/// Public view of one built-in, for `?name` help, completion and Docs/BUILTINS.md.
public struct BuiltinDoc: Sendable {
    public let name: String
    /// `softmax(x, axis=-1)`
    public let signature: String
    /// One line.
    public let summary: String
    /// Code that runs, e.g. `softmax([1, 2, 3])`.
    public let example: String
    /// The group it is listed under (`Making tensors`, `Layers`, …).
    public let category: String
}

/// Every built-in function and constant.
public enum Builtins {
    /// The functions in table order (grouped by category).
    static let table: [Builtin] = creation + likes + shape + arrange + joining + elementwise + moreElementwise
        + reductions + moreReductions + softmaxFamily + losses + layers + convolution + transformer + autograd + optimizers + utilities + plots + pictures + data + files

    static let byName: [String: Builtin] = Dictionary(table.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })

    /// Named constants bound in every session.
    static let constants: [(name: String, value: Float, summary: String)] = [
        ("pi", .pi, "π = 3.14159…"),
        ("π", .pi, "π = 3.14159…"),
        ("inf", .infinity, "Positive infinity (masks use -inf)."),
        ("nan", .nan, "Not a number."),
        ("true", 1, "1 (booleans are 0/1 tensors)."),
        ("false", 0, "0 (booleans are 0/1 tensors)."),
    ]

    /// All built-in functions, in table order.
    public static var all: [BuiltinDoc] { table.map(doc) }

    /// The built-in called `name`, if any.
    public static func doc(for name: String) -> BuiltinDoc? { byName[name].map(doc) }

    /// Names of built-in functions and constants.
    public static var names: [String] { table.map(\.name) + constants.map(\.name) }

    private static func doc(_ b: Builtin) -> BuiltinDoc {
        BuiltinDoc(name: b.name, signature: b.signature, summary: b.summary, example: b.example,
                   category: b.category.rawValue)
    }
}

// MARK: - Docs/BUILTINS.md

extension Builtins {
    /// The text of Docs/BUILTINS.md, generated from the table (a test keeps the file in sync).
    public static func markdown() -> String {
        var out = """
        # Built-in functions

        Every built-in of the Glassbox language, grouped as a learner meets them. This page is
        generated from the built-ins table (`Sources/GlassboxLanguage/Builtins/`), the same table
        that answers `?name` in the notebook and completes names with Tab; do not edit it by hand.
        Regenerate it with `GLASSBOX_RECORD=1 swift test --filter BuiltinsDocTests`.

        Arguments written `d...` take any number of values; parameters after them are given by
        keyword (`concat(a, b, axis=1)`). Any parameter with a default may be given by keyword.
        `Docs/LANGUAGE.md` describes the language itself.

        """
        for category in Builtin.Category.allCases {
            let entries = table.filter { $0.category == category }
            guard !entries.isEmpty else { continue }
            out += "\n## \(category.rawValue)\n\n"
            out += "| function | what it does |\n| --- | --- |\n"
            for b in entries {
                out += "| `\(b.signature)` | \(b.summary.split(separator: "|", omittingEmptySubsequences: false).joined(separator: "\\|")) |\n"
            }
            out += "\n```glassbox\n" + entries.map(\.example).joined(separator: "\n") + "\n```\n"
        }
        out += "\n## Constants\n\n| name | value |\n| --- | --- |\n"
        for c in constants { out += "| `\(c.name)` | \(c.summary) |\n" }
        return out
    }
}
