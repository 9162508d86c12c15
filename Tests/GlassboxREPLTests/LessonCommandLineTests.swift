import Foundation
import XCTest

/// `glassbox run FILE.md`, `glassbox run --check FILE.md` and `glassbox lesson [N]` as a shell
/// runs them: what goes to stdout and stderr, and the exit status.
final class LessonCommandLineTests: XCTestCase {
    typealias Outcome = GlassboxProcess.Outcome

    func glassbox(_ arguments: [String], stdin: String = "", environment: [String: String] = [:]) throws -> Outcome {
        try GlassboxProcess.run(arguments, stdin: stdin, environment: environment)
    }

    var directory = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "glassbox-lesson-cli-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        addTeardownBlock { [directory] in try? FileManager.default.removeItem(atPath: directory) }
    }

    func file(_ name: String, _ text: String) throws -> String {
        let path = directory + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    let notebook = """
        # Notes

        ```glassbox
        x = [1, 2, 3]
        x * 2
        ```

        ```output
        3-element
        [2, 4, 6]
        ```

        ```exercise
        id: sum
        prompt: Add up x.
        answer: s
        expect: sum(x)
        solution: s = x[0] + x[1] + x[2]
        ```
        """

    func testRunPrintsWhatEachCellPrints() throws {
        let path = try file("nb.md", notebook)
        let outcome = try glassbox(["run", path])
        XCTAssertEqual(outcome.output, "3-element\n[2, 4, 6]\n")
        XCTAssertEqual(outcome.errors, "")
        XCTAssertEqual(outcome.status, 0)
    }

    func testRunLocatesAnErrorInTheFileAndExitsWithOne() throws {
        let path = try file("bad.md", "# Bad\n\n```glassbox\ny = 1\nz = nope\n```\n")
        let outcome = try glassbox(["run", path])
        XCTAssertTrue(outcome.errors.hasPrefix("\(path):5:5: error: unknown name `nope`"), outcome.errors)
        XCTAssertEqual(outcome.status, 1)
    }

    func testCheckPassesAndSummarises() throws {
        let path = try file("nb.md", notebook)
        let outcome = try glassbox(["run", "--check", path])
        XCTAssertEqual(outcome.output, "\(path): 1 cell ran, 1 of 1 recorded outputs match, 1 of 1 exercise solutions pass\n")
        XCTAssertEqual(outcome.status, 0, outcome.errors)
    }

    func testCheckReportsADifferentOutputAndAFailingSolution() throws {
        let text = notebook.replacingOccurrences(of: "[2, 4, 6]", with: "[2, 4, 8]")
            .replacingOccurrences(of: "x[0] + x[1] + x[2]", with: "x[0] + x[1]")
        let path = try file("nb.md", text)
        let outcome = try glassbox(["run", "--check", path])
        XCTAssertTrue(outcome.errors.contains("\(path):9: the cell on line 4 printed something other than its recorded output"), outcome.errors)
        XCTAssertTrue(outcome.errors.contains("\(path):13: the solution of exercise `sum` does not pass its own check: wrong (max difference 3)"), outcome.errors)
        XCTAssertTrue(outcome.output.hasSuffix("FAILED\n"), outcome.output)
        XCTAssertEqual(outcome.status, 1)
    }

    func testAMalformedNotebookIsNamed() throws {
        let path = try file("broken.md", "```glassbox\nx = 1\n")
        let outcome = try glassbox(["run", "--check", path])
        XCTAssertEqual(outcome.errors, "\(path):1: error: the ```glassbox block opened here is never closed\n")
        XCTAssertEqual(outcome.status, 1)
    }

    func testCheckDoesNotCombineWithJSON() throws {
        let outcome = try glassbox(["run", "--check", "--json", "x.md"])
        XCTAssertEqual(outcome.status, 2)
    }

    func testLessonListsAndOpens() throws {
        _ = try file("07-tiny.md", "---\ntitle: Tiny\nlesson: 7\n---\n\n## One\n\n```glassbox\ny = 2\n```\n")
        let list = try glassbox(["lesson"], environment: ["GLASSBOX_LESSONS": directory])
        XCTAssertTrue(list.output.contains("7  Tiny  not started"), list.output)
        XCTAssertEqual(list.status, 0)

        let missing = try glassbox(["lesson", "42"], environment: ["GLASSBOX_LESSONS": directory])
        XCTAssertEqual(missing.errors, "glassbox: there is no lesson 42 (lessons: 7)\n")
        XCTAssertEqual(missing.status, 1)

        let opened = try glassbox(["lesson", "7"], stdin: "y = 2\n", environment: ["GLASSBOX_LESSONS": directory])
        XCTAssertTrue(opened.output.contains("## One  (section 1 of 1)"), opened.output)
        XCTAssertTrue(opened.output.contains("End of the lesson"), opened.output)
        XCTAssertEqual(opened.status, 0)
    }
}
