import XCTest
import GlassboxLanguage
import GlassboxLessons
#if canImport(Glibc)
import Glibc
#endif
@testable import GlassboxREPL

/// Lessons and notebooks at the prompt: `:lesson` offers each cell in the input line, running
/// it moves on, `:check` / `:hint` / `:solution` work on the exercise, `:save` and `:export`
/// write the session, and `glassbox run --check` re-runs a saved session.
final class LessonREPLTests: XCTestCase {
    let lesson = """
        ---
        title: Tiny
        lesson: 7
        sources:
          - none needed
        ---

        # 7. Tiny

        ## Doubling

        ```glassbox setup
        x = [1, 2, 3]
        ```

        Double it:

        ```glassbox
        y = x * 2
        ```

        ```exercise
        id: triple
        prompt: Now triple x.
        answer: t
        expect: 3 * x
        hint: like y, with 3
        solution: t = x * 3
        ```

        ## Done

        ```glassbox
        y + 1
        ```
        """

    var directory = ""

    override func setUpWithError() throws {
        var template = Array("/tmp/glassbox-repl-lessons-XXXXXX".utf8CString)
        let made: String? = template.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress, let result = mkdtemp(base) else { return nil }
            return String(cString: result)
        }
        directory = try XCTUnwrap(made)
        try TextFile.writeAtomically(lesson, to: directory + "/07-tiny.md")
    }

    override func tearDown() {
        for name in ["07-tiny.md", "progress.json", "s.md", "s.ipynb", "other.md"] { unlink(directory + "/" + name) }
        rmdir(directory)
    }

    func harness(_ events: [ScriptedLineReader.Event]) -> Harness {
        let h = Harness(events)
        h.repl.notebook.lessonsDirectory = directory
        h.repl.notebook.progressPath = directory + "/progress.json"
        return h
    }

    func testALessonOffersEachCellAndChecksTheExercise() throws {
        let h = harness([
            .line(":lesson 7"),
            .line("y = x * 2"),          // the offered cell, run as offered
            .line(":check"),             // t is not defined yet
            .line("t = x * 2"),          // a wrong answer
            .line(":check"),
            .line(":hint"),
            .line(":solution"),
            .line("t = x * 3"),
            .line(":check"),
            .line(":next"),
            .endOfInput,
        ])
        let screen = h.run()
        XCTAssertEqual(h.reader.prefills, ["y = x * 2", "t = x * 3", ":next", "y + 1"], screen)
        for expected in [
            "## Doubling  (section 1 of 2)", "Double it:", "Exercise triple", "Now triple x.",
            "✗ `triple`: `t` is not defined yet",
            "✗ `triple`: wrong (max difference 3)",
            "Hint 1 of 1: like y, with 3",
            "    t = x * 3",
            "✓ `triple`: exact — solved.",
            "## Done  (section 2 of 2)",
        ] {
            XCTAssertTrue(screen.contains(expected), "missing \(expected)\n\(screen)")
        }
        let progress = ProgressStore(path: directory + "/progress.json")
        XCTAssertEqual(progress.lesson("07-tiny").section, 2)
        XCTAssertEqual(progress.lesson("07-tiny").exercises["triple"], ExerciseProgress(tries: 1 + 1, hintsShown: 1, solved: true, sawSolution: true))
    }

    /// When the input line is pre-filled with `:next`, the text says to press Enter, not to type
    /// `:next`; a learner who types it anyway (`:next:next`, `:next :next`) still goes on.
    func testThePrefilledNextAgreesWithTheTextAndADoubledNextGoesOn() {
        for doubled in [":next:next", ":next :next"] {
            let h = harness([.line(":lesson 7 1"), .line("y = x * 2"), .line("t = x * 3"), .line(":check"),
                             .line(doubled), .endOfInput])
            unlink(directory + "/progress.json")   // each round starts with the exercise open
            let screen = h.run() + h.errors.text
            XCTAssertEqual(Array(h.reader.prefills.prefix(2)), ["y = x * 2", ":next"], screen)
            // While the exercise is open the line is empty and the text names `:next`; once it is
            // solved the line holds `:next` and the text says to press Enter.
            XCTAssertTrue(screen.contains("End of section 1 of 2. `:next` goes on to “Done”."), screen)
            XCTAssertTrue(screen.contains("✓ `triple`: exact — solved.\n\nPress Enter to go on to “Done” (the line holds `:next`)."), screen)
            XCTAssertTrue(screen.contains("## Done  (section 2 of 2)"), "`\(doubled)` goes on\n\(screen)")
            XCTAssertFalse(screen.contains("unknown command"), screen)
        }
    }

    /// `:lesson N` points the session's relative paths at the lessons folder; ending the lesson,
    /// `:reset` and opening another lesson give the learner's own folder back.
    func testLeavingALessonGivesBackTheLearnersFolder() {
        let mine = "/learner/own/folder"
        func folder(after events: [ScriptedLineReader.Event]) -> (String?, String) {
            let h = harness(events + [.endOfInput])
            h.repl.session.directory = mine
            let screen = h.run()
            return (h.repl.session.directory, screen)
        }
        let (during, screen) = folder(after: [.line(":lesson 7 1")])
        XCTAssertNotEqual(during, mine, screen)
        XCTAssertEqual(during.map { $0.hasPrefix(directory) }, true, "the lesson's folder while it plays\n\(screen)")

        let (reset, resetScreen) = folder(after: [.line(":lesson 7 1"), .line(":reset")])
        XCTAssertEqual(reset, mine, resetScreen)
        XCTAssertTrue(resetScreen.contains("the lesson is closed"), resetScreen)

        let (again, againScreen) = folder(after: [.line(":lesson 7 1"), .line(":lesson 7 2"), .line(":reset")])
        XCTAssertEqual(again, mine, "a second lesson gives back the learner's folder, not the first lesson's\n\(againScreen)")

        let (ended, endedScreen) = folder(after: [.line(":lesson 7 2"), .line("y + 1")])
        XCTAssertTrue(endedScreen.contains("End of the lesson"), endedScreen)
        XCTAssertEqual(ended, mine, endedScreen)

        let (back, backScreen) = folder(after: [.line(":lesson 7 2"), .line("y + 1"), .line(":back")])
        XCTAssertNotEqual(back, mine, "going back into the lesson takes its folder again\n\(backScreen)")
    }

    func testExploringKeepsTheCellOffered() {
        let h = harness([.line(":lesson 7"), .line("x"), .line("y = x*2"), .endOfInput])
        let screen = h.run()
        XCTAssertEqual(Array(h.reader.prefills.prefix(2)), ["y = x * 2", "y = x * 2"], screen)
        XCTAssertTrue(screen.contains("Exercise triple"), "the edited cell counts as running the offered one\n\(screen)")
    }

    func testLessonCommandsExplainTheirMistakes() {
        let screen = harness([.line(":check"), .line(":lesson 12"), .line(":lesson seven"), .line(":lesson 7 5"), .endOfInput]).run()
        XCTAssertTrue(screen.contains("error: no lesson is open; `:lessons` lists them"), screen)
        XCTAssertTrue(screen.contains("error: there is no lesson 12 (lessons: 7)"), screen)
        XCTAssertTrue(screen.contains("error: `:lesson` takes a lesson number"), screen)
        XCTAssertTrue(screen.contains("error: lesson 7 has 2 sections, not 5"), screen)
    }

    func testLessonsListsProgress() {
        let h = harness([.line(":lesson 7"), .line(":lessons"), .endOfInput])
        let screen = h.run()
        XCTAssertTrue(screen.contains("7  Tiny  section 1 of 2 · 0 of 1 exercises"), screen)
    }

    // MARK: Notebooks

    func testSaveWritesANotebookThatRunCheckPasses() throws {
        let path = directory + "/s.md"
        let h = harness([
            .line("seed(3); W = randn(2, 2)"),
            .line("print(\"W is\", W.shape)"),
            .line("W @ [1, 1]"),
            .line("oops = nope"),
            .line(":precision 2"),
            .line("W"),
            .line(":save \(path)"),
            .line(":export \(directory)/s.ipynb"),
            .endOfInput,
        ])
        let screen = h.run()
        XCTAssertTrue(screen.contains("Saved 5 cells to \(path)"), screen)
        XCTAssertTrue(screen.contains("Exported 5 cells"), screen)

        let notebook = try Notebook.parse(TextFile.read(path), name: path)
        XCTAssertEqual(notebook.cells.map(\.source), ["seed(3); W = randn(2, 2)", "print(\"W is\", W.shape)", "W @ [1, 1]", ":precision 2", "W"])
        XCTAssertEqual(notebook.cells[1].output?.text, "W is [2, 2]")
        let runner = REPLCellRunner(session: Session(), fileName: path)
        let report = NotebookRunner.run(notebook, with: runner, mode: .check)
        XCTAssertTrue(report.passed, report.problems.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(report.outputsCompared, 3)
    }

    func testSaveAsksBeforeReplacingAFileItDidNotWrite() throws {
        let path = directory + "/other.md"
        try TextFile.writeAtomically("precious\n", to: path)
        let h = harness([.line("x = 1"), .line(":save \(path)"), .endOfInput])
        let screen = h.run()
        XCTAssertTrue(screen.contains("exists; `:save \(path)` again replaces it"), screen)
        XCTAssertEqual(try TextFile.read(path), "precious\n")

        let again = harness([.line("x = 1"), .line(":save \(path)"), .line(":save \(path)"), .endOfInput])
        _ = again.run()
        XCTAssertTrue(try TextFile.read(path).contains("x = 1"))
    }

    func testSaveAndExportNameTheRightFormat() {
        let screen = harness([.line(":save notes.ipynb"), .line(":export notes.md"), .line(":save"), .endOfInput]).run()
        XCTAssertTrue(screen.contains("`:save` writes a .md file, not `notes.ipynb`; `:export` writes .ipynb files"), screen)
        XCTAssertTrue(screen.contains("`:export` writes a .ipynb file, not `notes.md`; `:save` writes .md files"), screen)
        XCTAssertTrue(screen.contains("`:save` needs a file name"), screen)
    }

    func testNotebookCellsRunCommandsAndLocateErrors() {
        let runner = REPLCellRunner(session: Session(), fileName: "lesson.md")
        XCTAssertNil(runner.run(":precision 2", file: "lesson.md", line: 10).error)
        XCTAssertEqual(runner.run("1 / 3", file: "lesson.md", line: 12).output, "0.33")
        let failed = runner.run("a = 1\nb = nope", file: "lesson.md", line: 20)
        XCTAssertTrue(failed.error?.hasPrefix("lesson.md:21:5: error: unknown name `nope`") ?? false, failed.error ?? "")
        XCTAssertNotNil(runner.run(":nonsense", file: "lesson.md", line: 30).error)
    }
}

// MARK: - Lesson text at the terminal's width

extension LessonREPLTests {
    func testLessonTextIsWrappedAtWordsToTheTerminalWidth() throws {
        let long = """
            ---
            title: Wide
            lesson: 8
            sources:
              - none needed
            ---

            # 8. Wide

            ## Words

            A paragraph written for a wide editor, which a narrow terminal would otherwise break in the middle of a word.

            ```glassbox
            z = 1
            ```
            """
        try TextFile.writeAtomically(long, to: directory + "/08-wide.md")
        defer { unlink(directory + "/08-wide.md") }
        let h = harness([.line(":lesson 8"), .endOfInput])
        h.repl.lessonTextWidth = 40
        let screen = h.run()
        for expected in [
            "A paragraph written for a wide editor,\nwhich a narrow terminal would otherwise\nbreak in the middle of a word.",
            "The next cell is in your input line:\nReturn runs it (edit it first if you\nlike); Ctrl-U clears the line to type\nsomething else.",
        ] {
            XCTAssertTrue(screen.contains(expected), "missing\n\(expected)\nin\n\(screen)")
        }
        for line in screen.split(separator: "\n") where !line.hasPrefix("In [") {
            XCTAssertLessThanOrEqual(line.count, 40, String(line))
        }
        // Without a width (a pipe), the text is shown as written.
        let piped = harness([.line(":lesson 8"), .endOfInput]).run()
        XCTAssertTrue(piped.contains("A paragraph written for a wide editor, which a narrow terminal would otherwise break in the middle of a word."), piped)
    }
}
