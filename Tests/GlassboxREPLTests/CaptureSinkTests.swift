import XCTest
@testable import GlassboxREPL

/// FOLLOWUPS 16: what a notebook cell prints through the REPL is kept up to a limit — the last
/// lines, whole, with a note of how many were dropped — and passed on in full when echoed.
final class CaptureSinkTests: XCTestCase {
    final class Counter: TextSink {
        var bytes = 0
        func write(_ text: String) { bytes += text.utf8.count }
        func flush() {}
    }

    func testOnlyTheLastWholeLinesAreKeptAndTheDropIsSaid() {
        let echo = Counter()
        let sink = CaptureSink(forward: echo, limit: 100)
        var written = 0
        for i in 1...1000 {
            let line = "line \(i)\n"
            written += line.utf8.count
            sink.write(line)
        }
        XCTAssertEqual(echo.bytes, written, "the echo gets everything")
        let kept = sink.take()
        let lines = kept.split(separator: "\n")
        XCTAssertTrue(lines[0].hasPrefix("… "), kept)
        XCTAssertTrue(lines[0].hasSuffix(" earlier lines of output not kept (a cell keeps about its last 100 bytes)"), kept)
        let dropped = Int(lines[0].dropFirst(2).prefix { $0.isNumber }) ?? -1
        XCTAssertEqual(dropped + lines.count - 1, 1000, "every line is either kept or counted")
        XCTAssertEqual(lines.last, "line 1000")
        XCTAssertTrue(lines[1].hasPrefix("line "), "kept lines are whole")
        XCTAssertLessThanOrEqual(kept.utf8.count, 300)
        // The next take starts afresh.
        sink.write("a\n")
        XCTAssertEqual(sink.take(), "a\n")
    }

    /// One long line of multi-byte characters and no newline: the cut lands inside a character
    /// and must not split it.
    func testACutWithoutANewlineKeepsWholeCharacters() {
        let sink = CaptureSink(limit: 100)
        for _ in 0..<200 { sink.write("é🙂") }
        let kept = sink.take()
        XCTAssertTrue(kept.unicodeScalars.allSatisfy { $0 == "é" || $0 == "🙂" || $0.isASCII }, kept)
        XCTAssertTrue(kept.hasSuffix("é🙂"))
        XCTAssertLessThanOrEqual(kept.utf8.count, 300)
    }
}
