import XCTest
@testable import GlassboxREPL

/// The pieces of line reading that do not need a terminal.
final class LineReaderTests: XCTestCase {
    func testScriptedReaderEchoesLikeATerminal() {
        let echo = StringSink()
        let reader = ScriptedLineReader(events: [.line("x = 1"), .interrupt, .endOfInput], echo: echo)
        XCTAssertEqual(reader.readLine(prompt: Prompt(plain: "In [1]: ")), .line("x = 1"))
        XCTAssertEqual(reader.readLine(prompt: Prompt(plain: "In [2]: ")), .interrupted)
        XCTAssertEqual(reader.readLine(prompt: Prompt(plain: "In [2]: ")), .endOfInput)
        XCTAssertEqual(reader.readLine(prompt: Prompt(plain: "In [2]: ")), .endOfInput)
        XCTAssertEqual(echo.text, "In [1]: x = 1\nIn [2]: ^C\nIn [2]: \nIn [2]: \n")
    }

    func testScriptedReaderRecordsPrefills() {
        let reader = ScriptedLineReader(events: [.line("a")])
        _ = reader.readLine(prompt: .none, prefill: "W = ")
        XCTAssertEqual(reader.prefills, ["W = "])
    }

    func testSourceSplitsIntoLines() {
        let reader = ScriptedLineReader(source: "a = 1\n\nb = 2\n")
        XCTAssertEqual(reader.readLine(prompt: .none), .line("a = 1"))
        XCTAssertEqual(reader.readLine(prompt: .none), .line(""))
        XCTAssertEqual(reader.readLine(prompt: .none), .line("b = 2"))
        XCTAssertEqual(reader.readLine(prompt: .none), .endOfInput)
        XCTAssertFalse(reader.isInteractive)
    }

    func testPromptEscapesAreBracketed() {
        let styled = "\u{1B}[32mIn [\u{1B}[1m3\u{1B}[0;32m]:\u{1B}[0m "
        XCTAssertEqual(
            EditLineReader.markingEscapes(styled),
            "\u{1}\u{1B}[32m\u{1}In [\u{1}\u{1B}[1m\u{1}3\u{1}\u{1B}[0;32m\u{1}]:\u{1}\u{1B}[0m\u{1} ")
        // Escapes in a row share one bracket: libedit prints a bracket with the character after it.
        XCTAssertEqual(
            EditLineReader.markingEscapes("\u{1B}[0m\u{1B}[1;32m3 "),
            "\u{1}\u{1B}[0m\u{1B}[1;32m\u{1}3 ")
        XCTAssertEqual(EditLineReader.markingEscapes("In [1]: "), "In [1]: ")
    }

    func testPrefillIsTypedLiterally() {
        XCTAssertEqual(EditLineReader.typedLiterally("a\nb\tc"), "a\u{16}\nb\u{16}\tc")
        XCTAssertEqual(EditLineReader.typedLiterally("θ = 1"), "θ = 1")
    }

    func testPastedNewlinesBecomeLineFeeds() {
        XCTAssertEqual(EditLineReader.normalizingPaste("a = 1\rb = 2\r\nc = 3\n"), "a = 1\nb = 2\nc = 3\n")
    }

    func testNoColourWhenAskedOrPiped() {
        XCTAssertFalse(Terminal.wantsColour(fd: 1, environment: ["NO_COLOR": "1", "TERM": "xterm"]))
        XCTAssertFalse(Terminal.wantsColour(fd: 1, environment: ["TERM": "dumb"]))
        // A pipe is never a terminal.
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        defer { close(fds[0]); close(fds[1]) }
        XCTAssertFalse(Terminal.wantsColour(fd: fds[1], environment: ["TERM": "xterm-256color"]))
    }
}

/// Continued lines at a terminal start indented by the brackets still open.
final class AutoIndentTests: XCTestCase {
    func testDepthIgnoresStringsAndComments() {
        XCTAssertEqual(REPL.openBracketDepth("for i in 1...3 {"), 1)
        XCTAssertEqual(REPL.openBracketDepth("f(x) = {\n  a = [1,"), 2)
        XCTAssertEqual(REPL.openBracketDepth("s = \"{[(\" + \"\\\"{\""), 0)
        XCTAssertEqual(REPL.openBracketDepth("x = 1 # {\ny = {"), 1)
        XCTAssertEqual(REPL.openBracketDepth("}}}"), 0)
    }
}
