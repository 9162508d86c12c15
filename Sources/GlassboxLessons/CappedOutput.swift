import GlassboxTensors

// MARK: - Capped output

/// Keeps what a cell writes — the last `limit` bytes of it or so, cut at a line start, with a
/// note of how many lines were dropped: a cell that prints in a long loop
/// (`for i in 1...1e7 { print(i) }`) must not hold all of it in memory. The one collector behind
/// every runner of notebook cells (`SessionCellRunner`, and the REPL's capture of a cell).
public final class CappedOutput {
    /// Bytes kept at most (about 1 MiB; a lesson cell's recorded output is far smaller).
    public static let defaultLimit = 1 << 20
    public let limit: Int
    private var text = ""
    private var droppedLines = 0

    public init(limit: Int = CappedOutput.defaultLimit) { self.limit = max(64, limit) }

    public func write(_ text: String) {
        self.text += text
        // Trim only at twice the limit, so that writing stays amortized O(1).
        if self.text.utf8.count > 2 * limit { trim() }
    }

    /// Drops whole lines from the front until at most `limit` bytes are left.
    private func trim() {
        let utf8 = text.utf8
        var cut = utf8.index(utf8.startIndex, offsetBy: utf8.count - limit)
        // Move to the start of the next line, so that no line is kept in part.
        if let newline = utf8[cut...].firstIndex(of: UInt8(ascii: "\n")) { cut = utf8.index(after: newline) }
        droppedLines += utf8[..<cut].reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        text = String(text[cut...])
    }

    /// What was written since the last call, preceded by a note when lines were dropped.
    public func take() -> String {
        defer { text = ""; droppedLines = 0 }
        if text.utf8.count > limit { trim() }
        guard droppedLines > 0 else { return text }
        let s = droppedLines == 1 ? "" : "s"
        return "… \(droppedLines) earlier line\(s) of output not kept (a cell keeps about its last "
            + "\(NumberText.bytes(limit)))\n" + text
    }
}
