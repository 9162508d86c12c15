import XCTest
import GlassboxLanguage
@testable import GlassboxREPL

/// Whole REPL sessions, as a person sees them at the terminal.
final class TranscriptTests: XCTestCase {
    func testCellsAreNumberedAndValuesShownAsOut() {
        assertTranscript("""
            In [1]: x = [1, 2, 3]

            In [2]: x * 2
            Out[2]: 3-element
            [2, 4, 6]

            In [3]: 7
            Out[3]: 7

            In [4]: 
            """)
    }

    func testEarlierOutputsByUnderscoreAndOut() {
        assertTranscript("""
            In [1]: 2 + 3
            Out[1]: 5

            In [2]: _ * 10
            Out[2]: 50

            In [3]: Out[1] + _2
            Out[3]: 55

            In [4]: _1
            Out[4]: 5

            In [5]: 
            """)
    }

    func testACellWithoutOutputLeavesAnEmptyPlaceInOut() {
        assertTranscript("""
            In [1]: x = 1

            In [2]: x + 1
            Out[2]: 2

            In [3]: Out
            Out[3]: (–, –, 2)

            In [4]: Out[1]
            error: `Out[1]` holds no value
              Out[1]
              ^~~~~~

            In [5]: _1
            error: unknown name `_1`
              _1
              ^~

            In [6]: Out[5]
            error: `Out[5]` holds no value
              Out[5]
              ^~~~~~

            In [7]: 
            """)
    }

    func testTrailingSemicolonSilencesAResult() {
        assertTranscript("""
            In [1]: 41 + 1;

            In [2]: y = 1; y + 1;

            In [3]: y
            Out[3]: 1

            In [4]: 
            """)
    }

    func testIncompleteInputContinues() {
        assertTranscript("""
            In [1]: total = 0

            In [2]: for i in 1...4 {
               ...:     total = total + i
               ...: }

            In [3]: [1,
               ...:  2]
            Out[3]: 2-element
            [1, 2]

            In [4]: total
            Out[4]: 10

            In [5]: 
            """)
    }

    func testAnErrorKeepsEveryVariable() {
        assertTranscript("""
            In [1]: x = [1, 2]

            In [2]: x = x + zeroes(2)
            error: unknown name `zeroes`; did you mean `zeros`?
              x = x + zeroes(2)
                      ^~~~~~

            In [3]: x
            Out[3]: 2-element
            [1, 2]

            In [4]: 
            """)
    }

    func testCtrlCAtThePromptDropsTheLineAndPartialCell() {
        assertTranscript("""
            In [1]: ^C

            In [1]: for i in 1...3 {
               ...: ^C

            In [1]: 5
            Out[1]: 5

            In [2]: 
            """)
    }

    func testCtrlCDuringACellReturnsToThePromptWithVariablesIntact() {
        let harness = Harness([
            .line("y = 5"),
            .lineThenInterrupt("for i in 1...100000000 { y = y + 1 }"),
            .line("y >= 5"),
        ])
        let screen = harness.run()
        XCTAssertTrue(screen.contains("error: interrupted"), screen)
        XCTAssertTrue(screen.contains("In [3]: y >= 5\nOut[3]: 1\n"), screen)
        XCTAssertFalse(InterruptSignal.isPending, "the flag is cleared once back at the prompt")
    }

    func testEndOfInputInTheMiddleOfACellStillReportsIt() {
        let harness = Harness([.line("x = [1,")])
        let screen = harness.run()
        XCTAssertTrue(screen.contains("error:"), screen)
        XCTAssertEqual(harness.repl.failedCells, 1)
    }

    func testQuitStopsReading() {
        let harness = Harness([.line(":quit"), .line("1 + 1")])
        XCTAssertEqual(harness.run(), "In [1]: :quit\n")
    }

    func testPastedBlockRunsAsOneCell() {
        let harness = Harness([.line("a = 1\nb = a + 1\nb * 10")])
        let screen = harness.run()
        XCTAssertTrue(screen.hasSuffix("Out[1]: 20\n\nIn [2]: \n"), screen)
        XCTAssertEqual(harness.reader.history, ["a = 1\nb = a + 1\nb * 10"])
    }

    func testHistoryKeepsCellsAndCommandsButNotBlankLines() {
        let harness = Harness([.line("x = 1"), .line(""), .line("for i in 1...2 {"), .line("x = x + i"), .line("}"),
                               .line(":vars")])
        harness.run()
        XCTAssertEqual(harness.reader.history, ["x = 1", "for i in 1...2 {\nx = x + i\n}", ":vars"])
    }

    func testPrefillReachesTheReader() {
        let harness = Harness([.line("1")])
        harness.repl.prefillNextInput("W = ")
        harness.run()
        XCTAssertEqual(harness.reader.prefills, ["W = "])
    }

    func testColourOnlyWhenAsked() {
        let plain = Harness([.line("[1, 2] + 1"), .line("nope")]).run()
        XCTAssertFalse(plain.contains("\u{1B}["), plain)
        let coloured = Harness([.line("[1, 2] + 1"), .line("nope")], colour: true).run()
        XCTAssertTrue(coloured.contains("\u{1B}[31mOut[\u{1B}[0m"), coloured)
        XCTAssertTrue(coloured.contains("\u{1B}[1;31merror:\u{1B}[0m"), coloured)
    }
}
