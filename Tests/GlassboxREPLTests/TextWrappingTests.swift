import XCTest
@testable import GlassboxREPL

/// Lesson text wrapped at word boundaries to the terminal's width (never "typ|e").
final class TextWrappingTests: XCTestCase {
    func lines(_ text: String, _ width: Int) -> [String] { TextWrapping.prose(text, width: width).map(\.text) }

    func testParagraphsAreRefilledOnlyWhenALineIsTooWide() {
        let text = "Each section puts a code cell into your input line.\nRun it, change it, run it again."
        XCTAssertEqual(lines(text, 80), ["Each section puts a code cell into your input line.", "Run it, change it, run it again."],
                       "lines that fit keep the author's breaks")
        XCTAssertEqual(lines(text, 30), [
            "Each section puts a code cell",
            "into your input line. Run it,",
            "change it, run it again.",
        ])
        for line in lines(text, 30) { XCTAssertLessThanOrEqual(line.count, 30) }
    }

    func testNoWordIsBroken() {
        let text = "The next cell is in your input line: Return runs it (edit it first if you like); Ctrl-U clears the line to type something else."
        let wrapped = lines(text, 100)
        XCTAssertEqual(wrapped, [
            "The next cell is in your input line: Return runs it (edit it first if you like); Ctrl-U clears the",
            "line to type something else.",
        ])
        XCTAssertEqual(wrapped.joined(separator: " "), text)
    }

    func testCodeSpansStayWholeAndALoneBacktickIsAChar() {
        XCTAssertEqual(TextWrapping.words("use `a b c` here"), ["use", "`a b c`", "here"])
        XCTAssertEqual(TextWrapping.words("a ` b c"), ["a", "`", "b", "c"])
        XCTAssertEqual(lines("aaaa `x = y + z` bbbb", 12), ["aaaa", "`x = y + z`", "bbbb"])
    }

    func testListItemsHangUnderTheirText() {
        let text = "- a list item that is long enough to wrap\n  onto a second line\n- short\n12. numbered item that wraps too"
        XCTAssertEqual(lines(text, 20), [
            "- a list item that",
            "  is long enough to",
            "  wrap onto a second",
            "  line",
            "- short",
            "12. numbered item",
            "    that wraps too",
        ])
    }

    func testFencesHeadingsTablesAndIndentedCodeKeepTheirLines() {
        let text = """
            ### A heading that is far too long for the width
            ```text
            a  b  c  d  e  f  g  h  i  j  k
            ```
            | col | col | col | col | col |
                indented code that is long too
            ~~~
            # not a heading inside a fence
            ~~~
            """
        let wrapped = TextWrapping.prose(text, width: 20)
        XCTAssertEqual(wrapped.map(\.text), text.split(separator: "\n").map(String.init))
        XCTAssertEqual(wrapped.map(\.kind), [.heading, .verbatim, .verbatim, .verbatim, .verbatim, .verbatim, .verbatim, .verbatim, .verbatim])
    }

    func testBlockQuotesKeepTheirMarker() {
        XCTAssertEqual(lines("> quoted text that wraps\n> over lines", 16), ["> quoted text", "> that wraps", "> over lines"])
    }

    func testPlainTextKeepsItsBreaksAndIndentation() {
        XCTAssertEqual(TextWrapping.plain("one two three four\n  five six seven", width: 10),
                       "one two\nthree four\n  five six\n  seven")
        XCTAssertEqual(TextWrapping.plain("hint text here", width: 12, firstLineUsed: 6), "hint\ntext here")
        XCTAssertEqual(TextWrapping.plain("a very long line", width: 5), "a very long line", "too narrow: left alone")
        XCTAssertEqual(TextWrapping.plain("x", width: .max), "x")
    }
}
