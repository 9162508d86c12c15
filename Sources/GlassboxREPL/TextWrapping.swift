// MARK: - Wrapping lesson text to the terminal

/// Wraps text at word boundaries to a width, so that a terminal never breaks a word in two
/// ("typ|e something else"). Lesson prose is Markdown, hard-wrapped by its author at about 100
/// columns; on a narrower terminal each paragraph is reflowed, on a wide one it is left as
/// written.
///
/// Only what reads as running text is reflowed: paragraphs, list items (with a hanging indent
/// under the item's text) and block quotes. Fenced blocks (```` ``` ```` or `~~~`), indented
/// code, tables and headings keep their lines, since their columns mean something; a line of
/// them that is too wide is left to the terminal.
enum TextWrapping {
    /// One line of wrapped prose, and what it is (the REPL styles headings).
    struct Line: Equatable {
        enum Kind: Equatable { case text, heading, verbatim }
        var text: String
        var kind: Kind
    }

    /// Fewer columns than this and nothing is wrapped (a word per line helps nobody).
    static let minimumWidth = 10

    // MARK: Prose

    /// Lesson prose in `width` columns.
    static func prose(_ text: String, width: Int) -> [Line] {
        var lines: [Line] = []
        var paragraph: Paragraph? = nil
        var fence: String? = nil   // the opening fence while inside a fenced block
        func flush() {
            if let p = paragraph { lines += p.lines(width: width).map { Line(text: $0, kind: .text) } }
            paragraph = nil
        }
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            let trimmed = line.drop(while: { $0 == " " })
            if let open = fence {
                lines.append(Line(text: line, kind: .verbatim))
                if closesFence(trimmed, opened: open) { fence = nil }
                continue
            }
            if let open = fenceMarker(trimmed), line.count - trimmed.count < 4 {
                flush()
                fence = open
                lines.append(Line(text: line, kind: .verbatim))
                continue
            }
            if trimmed.isEmpty {
                flush()
                lines.append(Line(text: "", kind: .text))
            } else if trimmed.hasPrefix("#") && line.count - trimmed.count < 4 {
                flush()
                lines.append(Line(text: line, kind: .heading))
            } else if let item = listItem(line) {
                flush()
                paragraph = Paragraph(first: item.marker, rest: String(repeating: " ", count: item.marker.count),
                                      lines: [item.text], written: [line])
            } else if trimmed.hasPrefix(">") {
                let text = String(trimmed.dropFirst().drop(while: { $0 == " " }))
                if paragraph?.first != "> " { flush() }
                if paragraph == nil { paragraph = Paragraph(first: "> ", rest: "> ", lines: [], written: []) }
                paragraph?.lines.append(text)
                paragraph?.written.append(line)
            } else if trimmed.hasPrefix("|") {
                flush()
                lines.append(Line(text: line, kind: .verbatim))
            } else if paragraph != nil, paragraph?.first != "> " {
                // A continuation line of a paragraph or list item (its indentation is layout).
                paragraph?.lines.append(String(trimmed))
                paragraph?.written.append(line)
            } else if line.count - trimmed.count >= 4 {
                flush()
                lines.append(Line(text: line, kind: .verbatim))   // indented code
            } else {
                flush()
                paragraph = Paragraph(first: "", rest: "", lines: [String(trimmed)], written: [line])
            }
        }
        flush()
        return lines
    }

    /// Plain text in `width` columns: each line on its own (its breaks are kept), broken at
    /// spaces where it is too long, with continuation lines indented as the line itself is.
    static func plain(_ text: String, width: Int, firstLineUsed: Int = 0) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { index, raw in
            let line = String(raw)
            let indent = String(line.prefix(while: { $0 == " " }))
            let paragraph = Paragraph(first: indent, rest: indent, lines: [String(line.dropFirst(indent.count))], written: [line])
            return paragraph.lines(width: width, firstLineUsed: index == 0 ? firstLineUsed : 0)
                .joined(separator: "\n")
        }.joined(separator: "\n")
    }

    // MARK: Markdown pieces

    /// ```` ``` ```` or `~~~` (three or more) at the start of a line: the fence, else nil.
    static func fenceMarker(_ line: Substring) -> String? {
        guard let c = line.first, c == "`" || c == "~" else { return nil }
        let run = line.prefix(while: { $0 == c })
        return run.count >= 3 ? String(run) : nil
    }

    /// A closing fence: at least as long as the opening one, of the same character, nothing after.
    static func closesFence(_ line: Substring, opened: String) -> Bool {
        guard let marker = fenceMarker(line), marker.first == opened.first, marker.count >= opened.count else { return false }
        return line.dropFirst(marker.count).allSatisfy { $0 == " " }
    }

    /// `- item`, `* item`, `+ item`, `1. item`, `1) item`: the marker with its indentation and the
    /// space after it, and the item's text.
    static func listItem(_ line: String) -> (marker: String, text: String)? {
        let indent = line.prefix(while: { $0 == " " })
        guard indent.count < 4 else { return nil }
        var rest = line.dropFirst(indent.count)
        var marker = String(indent)
        if let c = rest.first, c == "-" || c == "*" || c == "+" {
            rest = rest.dropFirst()
            marker.append(c)
        } else {
            let digits = rest.prefix(while: \.isASCII).prefix(while: \.isNumber)
            guard !digits.isEmpty, digits.count <= 9 else { return nil }
            rest = rest.dropFirst(digits.count)
            guard let c = rest.first, c == "." || c == ")" else { return nil }
            rest = rest.dropFirst()
            marker += digits + String(c)
        }
        guard rest.first == " " else { return nil }
        let text = rest.drop(while: { $0 == " " })
        guard !text.isEmpty else { return nil }
        return (marker + " ", String(text))
    }

    // MARK: Filling a paragraph

    /// Running text: the lines as written, then filled to a width when one of them is too wide.
    struct Paragraph {
        /// Put before the first line (a list marker, `> `) and before every later line.
        var first: String
        var rest: String
        /// The text of each line, without its marker or indentation.
        var lines: [String]
        /// The lines as the author wrote them.
        var written: [String]

        func lines(width: Int, firstLineUsed: Int = 0) -> [String] {
            guard width >= TextWrapping.minimumWidth else { return written }
            let fits = written.enumerated().allSatisfy { index, line in
                line.count + (index == 0 ? firstLineUsed : 0) <= width
            }
            if fits { return written }
            var result: [String] = []
            var current = first
            var used = firstLineUsed + first.count
            var empty = true
            for word in TextWrapping.words(lines.joined(separator: " ")) {
                if !empty && used + 1 + word.count > width {
                    result.append(current)
                    current = rest
                    used = rest.count
                    empty = true
                }
                if !empty {
                    current += " "
                    used += 1
                }
                current += word
                used += word.count
                empty = false
            }
            result.append(current)
            return result
        }
    }

    /// The words of `text`, split at spaces; a `code span` with spaces in it stays one word
    /// (a backtick with no partner is an ordinary character).
    static func words(_ text: String) -> [String] {
        let characters = Array(text)
        var words: [String] = []
        var word = ""
        var codeEnd: Int? = nil   // the closing backtick of the code span we are in
        for (i, c) in characters.enumerated() {
            if i == codeEnd {
                codeEnd = nil
            } else if c == "`", codeEnd == nil {
                codeEnd = characters[(i + 1)...].firstIndex(of: "`")
            }
            if c == " " && codeEnd == nil {
                if !word.isEmpty { words.append(word) }
                word = ""
            } else {
                word.append(c)
            }
        }
        if !word.isEmpty { words.append(word) }
        return words
    }
}
