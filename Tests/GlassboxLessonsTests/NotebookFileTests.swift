import XCTest
import GlassboxLanguage
#if canImport(Glibc)
import Glibc
#endif
@testable import GlassboxLessons

/// `:save` (the lesson format written back) and `:export` (Jupyter nbformat 4.5).
final class NotebookFileTests: XCTestCase {
    let lessonText = """
        ---
        title: "Adam: m, v and bias correction"
        lesson: 6
        summary: the update step by step
        sources:
          - Kingma & Ba (2015), Adam: A Method for Stochastic Optimization, arXiv:1412.6980
        ---

        # 6. Adam

        Intro.

        ## First moment

        ```glassbox setup
        seed(0); g = [0.5, -1, 2]
        ```

        Prose between.

        ```glassbox
        m = 0.1 * g
        m
        ```

        ```output
        3-element
        [0.05, -0.1, 0.2]
        ```

        ```exercise
        id: m1
        prompt: |
          Compute m₁ for β₁ = 0.9.
        answer: m1
        expect: (1 - 0.9) * g
        tolerance: exact
        hint: m₀ = 0.
        hint:
          two lines
          of hint
        solution:
          m1 = 0.1 * g
          m1
        ```

        ## With ``` inside

        ````glassbox
        s = "```"
        ````
        """

    // MARK: The lesson format, written back

    func testMarkdownRoundTrip() throws {
        let nb = try Notebook.parse(lessonText, name: "06-adam.md")
        let written = nb.markdown()
        let again = try Notebook.parse(written, name: "06-adam.md")
        XCTAssertEqual(again.frontMatter, nb.frontMatter)
        XCTAssertEqual(again.cells.map(\.source), nb.cells.map(\.source))
        XCTAssertEqual(again.cells.map(\.kind), nb.cells.map(\.kind))
        XCTAssertEqual(again.cells.map { $0.output?.text }, nb.cells.map { $0.output?.text })
        XCTAssertEqual(again.exercises.first?.prompt, "Compute m₁ for β₁ = 0.9.")
        XCTAssertEqual(again.exercises.map(\.id), ["m1"])
        XCTAssertEqual(again.exercises.first?.hints, nb.exercises.first?.hints)
        XCTAssertEqual(again.exercises.first?.solution, "m1 = 0.1 * g\nm1")
        XCTAssertEqual(again.exercises.first?.tolerance, .exact)
        XCTAssertEqual(again.sections.map(\.title), nb.sections.map(\.title))
        XCTAssertEqual(again.markdown(), written, "writing is stable")
        XCTAssertTrue(written.contains("title: \"Adam: m, v and bias correction\""), "a title with a colon is quoted for YAML")
        XCTAssertTrue(written.contains("````glassbox\ns = \"```\"\n````"))
    }

    func testSavedSessionRunsAndChecksAgain() throws {
        // Record a session as the REPL does, save it, read it back and check it.
        let session = Session()
        let runner = SessionCellRunner(session: session)
        let recorder = NotebookRecorder()
        for code in ["seed(1); W = randn(2, 3)", "W @ [1, 2, 3]", "print(\"norm\", sum(W ^ 2))", "bad = zeroes(3)", "W'"] {
            let outcome = runner.run(code, file: "In", line: 1)
            recorder.record(code, output: outcome.output, error: outcome.error, precision: session.precision)
        }
        session.precision = 2
        let outcome = runner.run("W * 10", file: "In", line: 1)
        recorder.record("W * 10", output: outcome.output, error: outcome.error, precision: session.precision)

        let dir = TemporaryDirectory()
        let path = dir.file("session.md")
        let nb = recorder.notebook(name: path, title: "My session")
        try TextFile.writeAtomically(nb.markdown(), to: path)
        let saved = try Notebook.parse(TextFile.read(path), name: path)
        XCTAssertEqual(saved.cells.count, 6, "4 cells that ran, and a :precision cell; the failed one is kept as text")
        XCTAssertTrue(saved.cells.contains { $0.source == ":precision 2" })
        let text = try TextFile.read(path)
        XCTAssertTrue(text.contains("```text\nbad = zeroes(3)\n```"))

        let report = NotebookRunner.run(saved, with: SessionCellRunner(), mode: .check)
        XCTAssertTrue(report.passed, report.problems.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(report.outputsCompared, 4)
    }

    // MARK: Jupyter

    func testJupyterStructure() throws {
        let nb = try Notebook.parse(lessonText, name: "06-adam.md")
        let json = nb.jupyter()
        XCTAssertEqual(json["nbformat"], .number(4))
        XCTAssertEqual(json["nbformat_minor"], .number(5))
        let cells = try XCTUnwrap(json["cells"]?.arrayValue)
        let ids = cells.compactMap { $0["id"]?.stringValue }
        XCTAssertEqual(ids.count, cells.count, "every cell has an id")
        XCTAssertEqual(Set(ids).count, ids.count, "ids are unique")
        XCTAssertEqual(cells.map { $0["cell_type"]?.stringValue ?? "" }, ["markdown", "markdown", "code", "markdown", "code", "markdown", "markdown", "code"])
        // The setup cell is hidden; the code cell keeps its output.
        XCTAssertEqual(cells[2]["metadata"]?["jupyter"]?["source_hidden"], .bool(true))
        let output = try XCTUnwrap(cells[4]["outputs"]?.arrayValue?.first)
        XCTAssertEqual(output["output_type"], .string("execute_result"))
        XCTAssertEqual(output["data"]?["text/plain"], .array([.string("3-element\n"), .string("[0.05, -0.1, 0.2]")]))
        XCTAssertEqual(cells[4]["source"], .array([.string("m = 0.1 * g\n"), .string("m")]))
        // Section headings and exercises become Markdown.
        let markdown = cells[5]["source"]?.arrayValue?.compactMap(\.stringValue).joined() ?? ""
        XCTAssertTrue(markdown.contains("**Exercise `m1`.**"), markdown)
        XCTAssertTrue(markdown.contains("<summary>Solution</summary>"), markdown)
        let second = cells[3]["source"]?.arrayValue?.first?.stringValue
        XCTAssertEqual(second, "Prose between.")
    }

    /// Validates exported notebooks against the nbformat 4.5 schema with the `nbformat` Python
    /// package (`python3 -m pip install nbformat`), strictly: no silent repair of missing ids.
    func testExportValidatesAgainstTheNbformatSchema() throws {
        let dir = TemporaryDirectory()
        let lesson = try Notebook.parse(lessonText, name: "06-adam.md")
        let recorder = NotebookRecorder()
        recorder.record("x = 1", output: "", error: nil)
        recorder.record("x + 1", output: "2", error: nil)
        recorder.record("y = nope", output: "", error: "error: unknown name `nope`")
        let paths = [dir.file("lesson.ipynb"), dir.file("session.ipynb"), dir.file("empty.ipynb")]
        try TextFile.writeAtomically(lesson.jupyter().text(), to: paths[0])
        try TextFile.writeAtomically(recorder.notebook(name: "s", title: "S").jupyter().text(), to: paths[1])
        try TextFile.writeAtomically(Notebook(name: "e").jupyter().text(), to: paths[2])

        let (status, output) = validate(paths)
        if status == 3 {
            XCTFail("the nbformat Python package is missing; install it with `python3 -m pip install nbformat`\n\(output)")
            return
        }
        XCTAssertEqual(status, 0, output)

        // And the validator does refuse a cell without an id (so the check above means something).
        guard case .object(var top) = lesson.jupyter(), var cells = lesson.jupyter()["cells"]?.arrayValue,
              case .object(let first) = cells[0] else { return XCTFail("unexpected structure") }
        cells[0] = .object(first.filter { $0.0 != "id" })
        top = top.map { $0.0 == "cells" ? ("cells", .array(cells)) : $0 }
        try TextFile.writeAtomically(JSONValue.object(top).text(), to: dir.file("broken.ipynb"))
        XCTAssertEqual(validate([dir.file("broken.ipynb")]).status, 1)
    }

    /// Runs Scripts/validate_ipynb.py on `paths`: its exit status and what it printed.
    func validate(_ paths: [String]) -> (status: Int32, output: String) {
        let script = String(#filePath.dropLast("NotebookFileTests.swift".count)) + "Scripts/validate_ipynb.py"
        let command = "python3 '\(script)' " + paths.map { "'\($0)'" }.joined(separator: " ") + " 2>&1"
        guard let pipe = popen(command, "r") else { return (-1, "cannot start python3") }
        var output = ""
        var buffer = [CChar](repeating: 0, count: 4096)
        while fgets(&buffer, Int32(buffer.count), pipe) != nil {
            output += String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        let status = pclose(pipe)
        let exited = (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
        return (exited, output)
    }
}
