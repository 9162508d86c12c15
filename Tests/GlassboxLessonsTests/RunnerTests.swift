import XCTest
import GlassboxLanguage
@testable import GlassboxLessons

/// `glassbox run` and `glassbox run --check` on notebooks, and how recorded outputs compare.
final class RunnerTests: XCTestCase {
    // MARK: Output comparison

    func testNumbersWithinTheLastPrintedDigitMatch() {
        XCTAssertTrue(OutputMatch.matches(recorded: "[0.0180, 0.0474]", actual: "[0.0181, 0.0474]"))
        XCTAssertFalse(OutputMatch.matches(recorded: "[0.0180, 0.0474]", actual: "[0.0183, 0.0474]"))
        XCTAssertTrue(OutputMatch.matches(recorded: "1.2346e-05", actual: "1.2347e-05"))
        XCTAssertFalse(OutputMatch.matches(recorded: "1.2346e-05", actual: "1.2346e-04"))
        XCTAssertTrue(OutputMatch.matches(recorded: "1.0000", actual: "1"))
        // A hand-written shorter number: within its own half unit.
        XCTAssertTrue(OutputMatch.matches(recorded: "[0.75, 0.12]", actual: "[0.7500, 0.1249]"))
        XCTAssertFalse(OutputMatch.matches(recorded: "[0.76, 0.12]", actual: "[0.7500, 0.1249]"))
    }

    func testWholeNumbersMustBeEqual() {
        XCTAssertTrue(OutputMatch.matches(recorded: "2×3\n[1, 2, 3]", actual: "2×3\n[1, 2, 3]"))
        XCTAssertFalse(OutputMatch.matches(recorded: "[1, 2, 3]", actual: "[1, 2, 4]"))
        XCTAssertFalse(OutputMatch.matches(recorded: "2×3", actual: "3×2"))
    }

    func testAlignmentDoesNotMatter() {
        XCTAssertTrue(OutputMatch.matches(recorded: "[[ 1.5000, -2.0000],\n [10.0000,  3.0000]]",
                                          actual: "[[1.5000, -2.0000],\n [10.0000, 3.0000]]"))
    }

    func testEllipsisMatchesAnyText() {
        XCTAssertTrue(OutputMatch.matches(recorded: "9-element\n[0.018, 0.047, …]", actual: "9-element\n[0.018, 0.047, 0.1192, 0.2689, 0.5]"))
        XCTAssertTrue(OutputMatch.matches(recorded: "loss ... done", actual: "loss 0.3 0.2 0.1 done"))
        XCTAssertFalse(OutputMatch.matches(recorded: "loss … done", actual: "loss 0.3 0.2 0.1"))
        XCTAssertTrue(OutputMatch.matches(recorded: "…", actual: ""))
    }

    func testWordsAndSymbols() {
        XCTAssertTrue(OutputMatch.matches(recorded: "[nan, inf, -inf]", actual: "[nan, inf, -inf]"))
        XCTAssertFalse(OutputMatch.matches(recorded: "[nan]", actual: "[inf]"))
        XCTAssertFalse(OutputMatch.matches(recorded: "a - b", actual: "a + b"))
        XCTAssertFalse(OutputMatch.matches(recorded: "x", actual: ""))
    }

    func testFirstDifferingLine() {
        XCTAssertEqual(OutputMatch.firstDifferingLine(recorded: "3-element\n[1, 2, 3]", actual: "3-element\n[1, 2, 4]"), 2)
    }

    // MARK: Running notebooks

    func notebook(_ text: String) throws -> Notebook { try Notebook.parse(text, name: "nb.md") }

    let good = """
        # A notebook

        ```glassbox setup
        x = [1, 2, 3]
        ```

        ```glassbox
        print("hello")
        x * 2
        ```

        ```output
        hello
        3-element
        [2, 4, 6]
        ```

        ```exercise
        id: squares
        prompt: Square every element.
        answer: sq
        expect: x * x
        solution: sq = x ^ 2
        ```
        """

    /// FOLLOWUPS 16: a cell that prints in a long loop keeps only its last lines, and says how
    /// many it dropped.
    func testACellKeepsOnlyItsLastPrintedLines() {
        let runner = SessionCellRunner()
        // 300000 lines of 6 or 7 bytes: about 2 MiB, twice what a cell keeps.
        let n = 300_000
        let outcome = runner.run("for i in 1...\(n) { print(i) }; 7", file: "t.md", line: 1)
        XCTAssertNil(outcome.error)
        let lines = outcome.output.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertTrue(lines[0].hasSuffix(" earlier lines of output not kept (a cell keeps about its last 1 MiB)"), "\(lines[0])")
        let dropped = Int(lines[0].dropFirst(2).prefix { $0.isNumber }) ?? -1
        XCTAssertEqual(dropped + lines.count - 2, n, "every line is kept or counted; the note and the value are not lines printed")
        XCTAssertEqual(lines[1], "\(dropped + 1)", "the kept lines are the last ones, whole")
        XCTAssertEqual(lines[lines.count - 2], "\(n)")
        XCTAssertEqual(lines.last, "7")
        // Under the limit nothing is said; an empty printed line is kept.
        XCTAssertEqual(runner.run("print(1); print(2)", file: "t.md", line: 1).output, "1\n2")
        XCTAssertEqual(runner.run("print(\"\"); 7", file: "t.md", line: 1).output, "\n7")
    }

    func testCheckPassesOnAGoodNotebook() throws {
        var events: [String] = []
        let report = NotebookRunner.run(try notebook(good), with: SessionCellRunner(), mode: .check) { event in
            switch event {
            case .cell(let cell, let outcome): events.append("cell \(cell.line): \(outcome.output)")
            case .exercise(let e, let result): events.append("exercise \(e.id): \(result.message)")
            }
        }
        XCTAssertTrue(report.passed, report.problems.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(report.cellsRun, 2)
        XCTAssertEqual(report.outputsCompared, 1)
        XCTAssertEqual(report.exercisesChecked, 1)
        XCTAssertEqual(events, ["cell 4: ", "cell 8: hello\n3-element\n[2, 4, 6]", "exercise squares: exact"])
        XCTAssertEqual(report.summary, "2 cells ran, 1 of 1 recorded outputs match, 1 of 1 exercise solutions pass")
    }

    func testCheckFindsADifferentOutput() throws {
        let text = good.replacingOccurrences(of: "[2, 4, 6]", with: "[2, 4, 7]")
        let report = NotebookRunner.run(try notebook(text), with: SessionCellRunner(), mode: .check)
        XCTAssertFalse(report.passed)
        XCTAssertEqual(report.problems.map(\.kind), [.outputDiffers])
        XCTAssertEqual(report.problems.first?.line, 13)
        XCTAssertTrue(report.problems.first?.description.contains("first at line 3 of the output") ?? false)
        // Plain `run` does not compare.
        XCTAssertTrue(NotebookRunner.run(try notebook(text), with: SessionCellRunner(), mode: .run).passed)
    }

    func testCheckFindsAWrongSolution() throws {
        let text = good.replacingOccurrences(of: "sq = x ^ 2", with: "sq = x * 2")
        let report = NotebookRunner.run(try notebook(text), with: SessionCellRunner(), mode: .check)
        XCTAssertEqual(report.problems.map(\.kind), [.solutionFails])
        XCTAssertTrue(report.problems[0].message.contains("wrong (max difference 3)"), report.problems[0].message)
    }

    func testCheckFindsAFailingSolutionAndAFailingCell() throws {
        let text = good.replacingOccurrences(of: "sq = x ^ 2", with: "sq = y ^ 2")
            .replacingOccurrences(of: "x = [1, 2, 3]", with: "x = [1, 2, 3]\nz = zeroes(2)")
        let report = NotebookRunner.run(try notebook(text), with: SessionCellRunner(), mode: .check)
        XCTAssertEqual(report.problems.map(\.kind), [.cellFailed, .solutionFails])
        XCTAssertTrue(report.problems[0].detail?.contains("did you mean `zeros`") ?? false)
        XCTAssertEqual(report.cellsFailed, 1)
    }

    func testCheckFindsAnExerciseGivenAway() throws {
        let text = good.replacingOccurrences(of: "x = [1, 2, 3]", with: "x = [1, 2, 3]\nsq = x * x")
        let report = NotebookRunner.run(try notebook(text), with: SessionCellRunner(), mode: .check)
        XCTAssertEqual(report.problems.map(\.kind), [.givenAway])
    }

    /// The player shows an exercise with everything after it up to the next code cell, running
    /// the setup cells on the way; the checker solves it there too, and names a setup cell that
    /// gives the answer away.
    func testCheckSolvesAnExerciseWhereThePlayerLeavesItOpen() throws {
        let text = """
            ## One

            ```glassbox setup
            x = [1, 2, 3]
            ```

            ```exercise
            id: squares
            prompt: Square every element.
            answer: sq
            expect: x * x
            solution: sq = x ^ 2
            ```

            ```glassbox setup
            x = [4, 5, 6]
            ```

            ```glassbox
            x
            ```
            """
        var events: [String] = []
        let report = NotebookRunner.run(try notebook(text), with: SessionCellRunner(), mode: .check) { event in
            switch event {
            case .cell(let cell, _): events.append("cell \(cell.line)")
            case .exercise(let e, let result): events.append("exercise \(e.id): \(result.message)")
            }
        }
        XCTAssertTrue(report.passed, report.problems.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(events, ["cell 4", "cell 16", "exercise squares: exact", "cell 20"],
                       "the solution runs after the setup cell the player runs while the exercise is open")

        let givenAway = text.replacingOccurrences(of: "x = [4, 5, 6]", with: "sq = x * x")
        let bad = NotebookRunner.run(try notebook(givenAway), with: SessionCellRunner(), mode: .check)
        XCTAssertEqual(bad.problems.map(\.kind), [.givenAway])
        XCTAssertEqual(bad.problems.first?.line, 7)
        XCTAssertTrue(bad.problems.first?.message.contains("given away by the setup cell on line 16") ?? false,
                      bad.problems.first?.description ?? "")
        XCTAssertEqual(bad.summary, "3 cells ran, 0 of 0 recorded outputs match, 0 of 1 exercise solutions pass")

        // The player stops at the end of a section: the next section's setup cells run after.
        let endOfSection = text.replacingOccurrences(of: "```glassbox setup\nx = [4", with: "## Two\n\n```glassbox setup\nx = [4")
        var order: [String] = []
        let report2 = NotebookRunner.run(try notebook(endOfSection), with: SessionCellRunner(), mode: .check) { event in
            if case .exercise(let e, _) = event { order.append(e.id) } else { order.append("cell") }
        }
        XCTAssertEqual(order, ["cell", "squares", "cell", "cell"])
        XCTAssertTrue(report2.passed)
    }

    func testRunReseedsSoRandomOutputsRepeat() throws {
        let text = "```glassbox\nrandn(3)\n```\n"
        var first = "", second = ""
        _ = NotebookRunner.run(try notebook(text), with: SessionCellRunner(), mode: .run) {
            if case .cell(_, let o) = $0 { first = o.output }
        }
        _ = Session().run("randn(100)")    // move the generator on
        _ = NotebookRunner.run(try notebook(text), with: SessionCellRunner(), mode: .run) {
            if case .cell(_, let o) = $0 { second = o.output }
        }
        XCTAssertEqual(first, second)
        XCTAssertFalse(first.isEmpty)
    }

    func testSilencedValuesAndCommands() throws {
        let runner = SessionCellRunner()
        XCTAssertEqual(runner.run("y = 1; 2;", file: "f", line: 1).output, "")
        XCTAssertEqual(runner.run(":precision 2", file: "f", line: 1).output, "")
        XCTAssertEqual(runner.run("0.123456", file: "f", line: 1).output, "0.12")
        let walk = runner.run(":walk attention", file: "f", line: 1)
        XCTAssertTrue(walk.error?.contains("REPL command") ?? false)
    }

    func testErrorsNameTheFileAndLine() throws {
        let outcome = SessionCellRunner().run("a = 1\nb = nope", file: "lesson.md", line: 40)
        XCTAssertTrue(outcome.error?.hasPrefix("lesson.md:41:5: error: unknown name `nope`") ?? false, outcome.error ?? "")
    }
}
