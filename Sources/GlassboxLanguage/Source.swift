// MARK: - Source text and positions

/// A piece of source text the user typed: one REPL cell, one script, or one lesson cell.
///
/// Every AST node points into a `Source` with a `SourceRange`. A function keeps the `Source` it
/// was defined in, so that an error inside it can show the line of its definition even when it is
/// called from a later cell.
public final class Source: Sendable {
    /// A label for diagnostics: `In [3]`, a file name, or `<input>`.
    public let name: String
    /// The text as typed.
    public let text: String
    /// The text as Unicode scalars; `SourceRange` offsets index this array.
    public let scalars: [Unicode.Scalar]
    /// Offsets (into `scalars`) at which each line starts; `lineStarts[0] == 0`.
    let lineStarts: [Int]
    /// The number of the text's first line where it came from (a cell that starts on line 12 of
    /// a script); diagnostics report lines counted from here.
    public let firstLine: Int

    public init(_ text: String, name: String = "<input>", firstLine: Int = 1) {
        self.name = name
        self.text = text
        self.firstLine = firstLine
        let scalars = Array(text.unicodeScalars)
        self.scalars = scalars
        var starts = [0]
        for (i, s) in scalars.enumerated() where s == "\n" { starts.append(i + 1) }
        self.lineStarts = starts
    }

    /// The text of `range`, clipped to the source.
    public func text(of range: SourceRange) -> String {
        let lo = max(0, min(range.start, scalars.count))
        let hi = max(lo, min(range.end, scalars.count))
        var s = String.UnicodeScalarView()
        s.append(contentsOf: scalars[lo..<hi])
        return String(s)
    }

    /// The 1-based line that contains `offset`.
    public func line(of offset: Int) -> Int {
        // Binary search for the last line start ≤ offset.
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        return lo + 1
    }

    /// The text of 1-based line `n`, without its newline.
    public func lineText(_ n: Int) -> String {
        guard n >= 1, n <= lineStarts.count else { return "" }
        let start = lineStarts[n - 1]
        var end = n < lineStarts.count ? lineStarts[n] - 1 : scalars.count
        if end > start, scalars[end - 1] == "\r" { end -= 1 }
        return text(of: SourceRange(start, max(start, end)))
    }

    /// The offset at which 1-based line `n` starts.
    func lineStart(_ n: Int) -> Int { lineStarts[max(0, min(n - 1, lineStarts.count - 1))] }
}

/// A half-open span `start..<end` of Unicode-scalar offsets into a `Source`.
public struct SourceRange: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var start: Int
    public var end: Int

    public init(_ start: Int, _ end: Int) {
        self.start = start
        self.end = max(start, end)
    }

    /// The smallest range that covers both.
    public func union(_ other: SourceRange) -> SourceRange {
        SourceRange(min(start, other.start), max(end, other.end))
    }

    public var length: Int { end - start }
    public var description: String { "\(start)..<\(end)" }
}
