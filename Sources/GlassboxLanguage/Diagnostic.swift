// MARK: - Diagnostics

/// Every error a user can cause: a one-line message, the span it points at, and the source that
/// span is in. `formatted()` is the one formatter that renders them with a caret.
public struct Diagnostic: Error, CustomStringConvertible, Sendable {
    /// The class of mistake, for tests and tools; the message says the rest.
    public enum Kind: String, Sendable, CaseIterable {
        case syntax          // the text does not parse
        case unknownName     // a name that is not bound (with the closest known one)
        case arity           // wrong number of arguments (with the signature)
        case keyword         // an unknown or repeated keyword argument (with the signature)
        case type            // a value of the wrong kind (a string where a tensor is needed, …)
        case shape           // shapes that do not fit (names the op and both shapes)
        case index           // an index or axis out of range
        case value           // a bad argument value (negative size, non-integer axis, …)
        case depth           // nesting or recursion too deep
        case interrupted     // Ctrl-C
        case allocation      // a tensor too large to allocate
        case runtime         // anything else that fails while running
    }

    public let kind: Kind
    public let message: String
    /// Extra lines: the signature of a function called wrongly, where a function was called from.
    public var notes: [String]
    public let source: Source
    public let range: SourceRange
    /// True when the error is only that the input ended too early (used by `isComplete`).
    let atEnd: Bool

    init(_ kind: Kind, _ message: String, _ source: Source, _ range: SourceRange,
         notes: [String] = [], atEnd: Bool = false) {
        self.kind = kind
        self.message = message
        self.source = source
        self.range = range
        self.notes = notes
        self.atEnd = atEnd
    }

    // MARK: Position

    /// Line of the start of the span, counted from `source.firstLine` (1 unless the source is a
    /// piece of a longer file).
    public var line: Int { localLine + source.firstLine - 1 }

    /// 1-based line of the start of the span within `source.text`.
    var localLine: Int { source.line(of: range.start) }

    /// 1-based column of the start of the span, counted in characters.
    public var column: Int {
        let lineStart = source.lineStart(localLine)
        return characterCount(SourceRange(lineStart, range.start)) + 1
    }

    /// Length of the span in characters, at least 1, clipped to the end of its line.
    public var length: Int {
        let lineNumber = localLine
        let lineEnd = lineNumber < source.lineStarts.count ? source.lineStarts[lineNumber] - 1 : source.scalars.count
        let end = min(range.end, lineEnd)
        return max(1, characterCount(SourceRange(range.start, end)))
    }

    private func characterCount(_ r: SourceRange) -> Int {
        r.length <= 0 ? 0 : source.text(of: r).count
    }

    // MARK: Formatting

    public var description: String { formatted() }

    /// The diagnostic as the user sees it:
    ///
    ///     error: unknown name `zeroes`; did you mean `zeros`?
    ///       x = zeroes(3)
    ///           ^~~~~~
    ///
    /// A `name:line:column: ` prefix is added when the span is not in `current` (an error inside a
    /// function defined in an earlier cell) or the source has several lines.
    public func formatted(relativeTo current: Source? = nil) -> String {
        let lineNumber = localLine
        let showLocation = current !== source || source.lineStarts.count > 1
        var out = showLocation ? "\(source.name):\(line):\(column): error: \(message)" : "error: \(message)"
        let text = source.lineText(lineNumber)
        if !text.allSatisfy({ $0 == " " || $0 == "\t" }) || range.start >= source.scalars.count {
            out += "\n  " + text + "\n  " + caretLine(for: text)
        }
        for note in notes { out += "\nnote: " + note }
        return out
    }

    /// Spaces (tabs where the line has tabs) up to the column, then `^~~~` under the span.
    func caretLine(for lineText: String) -> String {
        var pad = ""
        for (k, ch) in lineText.enumerated() where k < column - 1 { pad.append(ch == "\t" ? "\t" : " ") }
        if lineText.count < column - 1 { pad += String(repeating: " ", count: column - 1 - lineText.count) }
        return pad + "^" + String(repeating: "~", count: max(0, length - 1))
    }

    /// A copy with one more note line.
    func adding(note: String) -> Diagnostic {
        var d = self
        d.notes.append(note)
        return d
    }
}
