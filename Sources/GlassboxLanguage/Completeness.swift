// MARK: - Is the input complete?

/// The answer to the REPL's question after every line (as Julia's REPL and IPython ask it).
public enum Completeness: Sendable {
    /// The input parses: run it.
    case complete
    /// The input stops in the middle of something — an unclosed `(` `[` `{` or string, a trailing
    /// operator, `if c` without its block: read another line.
    case incomplete
    /// The input can never become valid by adding lines; the diagnostic says why.
    case invalid(Diagnostic)
}

public enum Language {
    /// The reserved words, for completion and highlighting.
    public static let keywords: [String] = Keyword.allCases.map(\.rawValue)

    /// Whether `source` is a complete cell. Never throws or traps.
    public static func isComplete(_ source: String) -> Completeness {
        do {
            _ = try Parser.parse(Source(source))
            return .complete
        } catch {
            return error.atEnd ? .incomplete : .invalid(error)
        }
    }

    /// Parses `source` into statements (for tools and tests).
    public static func parse(_ source: Source) throws(Diagnostic) -> [Stmt] {
        try Parser.parse(source)
    }
}
