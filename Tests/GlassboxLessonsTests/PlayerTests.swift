import XCTest
import GlassboxLanguage
@testable import GlassboxLessons

/// A lesson played the way the REPL plays it: prose, the next cell offered in the input line,
/// `:next`, `:back`, `:check`, `:hint`, `:solution`, progress kept and resumed.
final class PlayerTests: XCTestCase {
    let text = """
        ---
        title: Tiny
        lesson: 99
        ---

        # 99. Tiny

        Welcome.

        ## One

        Read this.

        ```glassbox setup
        x = [1, 2, 3]
        ```

        First cell:

        ```glassbox
        y = x * 2
        ```

        After the first cell.

        ```glassbox
        z = y + 1
        ```

        ```exercise
        id: double
        prompt: Double x.
        answer: d
        expect: 2 * x
        hint: multiply
        hint: by two
        solution: d = x * 2
        ```

        ## Two

        ```glassbox
        w = z * 10
        ```
        """

    var directory = TemporaryDirectory()

    override func setUp() { directory = TemporaryDirectory() }

    func makePlayer(store: ProgressStore? = nil, session: Session = Session()) throws -> (LessonPlayer, Session, ProgressStore) {
        let store = store ?? ProgressStore(path: directory.file("progress.json"))
        let lesson = try Notebook.parse(text, name: "99-tiny.md")
        return (LessonPlayer(lesson: lesson, key: "99-tiny", runner: SessionCellRunner(session: session), store: store), session, store)
    }

    func notes(_ step: LessonStep) -> [String] {
        step.lines.compactMap { if case .note(let n) = $0 { return n } else { return nil } }
    }

    func testAWholeLesson() throws {
        let (player, session, store) = try makePlayer()

        // Opening: the introduction, section One's prose up to the first cell, which is offered.
        let opened = player.start()
        XCTAssertEqual(opened.lines, [
            .prose("# 99. Tiny\n\nWelcome."),
            .heading("One", section: 1, of: 2),
            .prose("Read this."),
            .prose("First cell:"),
            .note("The next cell is in your input line: Return runs it (edit it first if you like); Ctrl-U clears the line to type something else."),
        ])
        XCTAssertEqual(opened.prefill, "y = x * 2")
        XCTAssertNotNil(session.value(of: "x"), "the setup cell ran")

        // Exploring does not move the lesson; the cell stays offered.
        XCTAssertNil(player.learnerRan("x", succeeded: true))
        XCTAssertEqual(player.pendingInput, "y = x * 2")

        // A failed edit is offered again as typed.
        let failed = try XCTUnwrap(player.learnerRan("y = x * q", succeeded: false))
        XCTAssertEqual(failed.prefill, "y = x * q")
        XCTAssertEqual(player.pendingInput, "y = x * q")

        // Running it moves on to the prose after it and the next cell.
        _ = session.run("y = x * 2")
        let second = try XCTUnwrap(player.learnerRan("y = x * 2", succeeded: true))
        XCTAssertEqual(second.lines, [.prose("After the first cell.")])
        XCTAssertEqual(second.prefill, "z = y + 1")

        // The last cell leads to the exercise and the end of the section.
        _ = session.run("z = y + 1")
        let end = try XCTUnwrap(player.learnerRan("z = y + 1", succeeded: true))
        XCTAssertEqual(end.lines.first, .exercise(id: "double", prompt: "Double x.", answer: "d", solved: false))
        XCTAssertTrue(notes(end).contains { $0.contains("Exercise `double` is open") })
        XCTAssertTrue(notes(end).contains { $0.contains("End of section 1 of 2") })
        XCTAssertNil(end.prefill, "no `:next` offered while an exercise is open")

        // :check before an answer exists does not count as a try, so no solution yet.
        XCTAssertTrue(player.check().lines.contains { if case .failure(let m) = $0 { return m.contains("not defined yet") } else { return false } })
        XCTAssertTrue(notes(player.solution()).first?.contains("at least once") ?? false)

        // A wrong answer.
        _ = session.run("d = x * 3")
        let wrong = player.check()
        XCTAssertEqual(wrong.lines.first, .failure("✗ `double`: wrong (max difference 3)"))
        XCTAssertEqual(store.lesson("99-tiny").exercises["double"]?.tries, 1)

        // Hints, one at a time, then the last one again.
        XCTAssertEqual(player.hint().lines, [.hint("multiply", number: 1, count: 2)])
        XCTAssertEqual(player.hint().lines, [.hint("by two", number: 2, count: 2)])
        XCTAssertTrue(notes(player.hint()).first?.contains("last hint") ?? false)

        // The solution after a try, in the input line.
        let solution = player.solution()
        XCTAssertTrue(solution.lines.contains(.code("d = x * 2")))
        XCTAssertEqual(solution.prefill, "d = x * 2")

        // Solved: `:next` is offered.
        _ = session.run("d = x * 2")
        let solved = player.check()
        XCTAssertEqual(solved.lines.first, .success("✓ `double`: exact — solved."))
        XCTAssertEqual(solved.prefill, ":next")

        let two = player.next()
        XCTAssertEqual(two.lines, [.heading("Two", section: 2, of: 2)])
        XCTAssertEqual(two.prefill, "w = z * 10")

        let progress = store.lesson("99-tiny")
        XCTAssertEqual(progress.section, 2)
        XCTAssertEqual(progress.exercises["double"], ExerciseProgress(tries: 2, hintsShown: 2, solved: true, sawSolution: true))
        XCTAssertEqual(player.whereabouts, "Lesson 99, section 2 of 2: Two")

        // The end of the lesson.
        _ = session.run("w = z * 10")
        let last = try XCTUnwrap(player.learnerRan("w = z * 10", succeeded: true))
        XCTAssertTrue(notes(last).contains { $0.contains("End of the lesson (1 of 1 exercises solved)") })
        XCTAssertTrue(store.lesson("99-tiny").finished)
        XCTAssertTrue(notes(player.next()).first?.contains("last section") ?? false)
    }

    func testResumingRunsTheEarlierSectionsFirst() throws {
        let (first, _, store) = try makePlayer()
        _ = first.start()
        _ = first.next()
        XCTAssertEqual(store.lesson("99-tiny").section, 2)

        // A new session, as after restarting glassbox.
        let (player, session, _) = try makePlayer(store: ProgressStore(path: directory.file("progress.json")))
        let resumed = player.start()
        XCTAssertTrue(notes(resumed).first?.hasPrefix("Welcome back: resuming at section 2 of 2 (the 3 cells") ?? false, "\(resumed.lines)")
        XCTAssertEqual(resumed.prefill, "w = z * 10")
        XCTAssertEqual(session.value(of: "z").flatMap(\.tensor)?.toArray(), [3, 5, 7])
    }

    func testNextRunsTheCellsTheLearnerSkipped() throws {
        let (player, session, _) = try makePlayer()
        _ = player.start(at: 1)
        let step = player.next()
        XCTAssertTrue(notes(step).first?.contains("Ran the 2 cells") ?? false, "\(step.lines)")
        XCTAssertNotNil(session.value(of: "z"))
    }

    func testBackGoesToThePreviousSectionFromItsStart() throws {
        let (player, _, _) = try makePlayer()
        _ = player.start(at: 2)
        let back = player.back()
        XCTAssertEqual(back.lines.first, .heading("One", section: 1, of: 2))
        XCTAssertEqual(back.prefill, "y = x * 2")
        let again = player.back()
        XCTAssertTrue(notes(again).first?.contains("first section") ?? false)
    }

    func testAFailingSetupCellIsAWarningNotACrash() throws {
        let broken = text.replacingOccurrences(of: "x = [1, 2, 3]", with: "x = zeroes(3)")
        let lesson = try Notebook.parse(broken, name: "99-tiny.md")
        let player = LessonPlayer(lesson: lesson, key: "k", runner: SessionCellRunner(), store: nil)
        let step = player.start()
        XCTAssertTrue(step.lines.contains { if case .warning(let w) = $0 { return w.contains("zeroes") } else { return false } })
        XCTAssertEqual(step.prefill, "y = x * 2")
    }

    func testResemblance() {
        XCTAssertTrue(LessonPlayer.resembles("y = x*2", "y = x * 2"))
        XCTAssertTrue(LessonPlayer.resembles("s = sigmoid(x * 2)", "s = sigmoid(x)"))
        XCTAssertFalse(LessonPlayer.resembles("x", "s = sigmoid(x)"))
        XCTAssertFalse(LessonPlayer.resembles("x.shape", "s = sigmoid(x)"))
    }
}
