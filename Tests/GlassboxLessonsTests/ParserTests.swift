import XCTest
@testable import GlassboxLessons

/// The lesson format's parser, including the edge cases a hand-written lesson meets.
final class ParserTests: XCTestCase {
    func parse(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> Notebook? {
        do {
            return try Notebook.parse(text, name: "test.md")
        } catch {
            XCTFail("unexpected error: \(error)", file: file, line: line)
            return nil
        }
    }

    /// The error a text gives, or a failure when it parses.
    func parseError(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> LessonError? {
        do {
            _ = try Notebook.parse(text, name: "test.md")
            XCTFail("expected an error", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    // MARK: A whole lesson

    func testTheExampleLessonOfTheFormat() throws {
        let text = """
        ---
        title: Activation functions
        lesson: 3
        summary: sigmoid, tanh, ReLU, GELU
        sources:
          - Hendrycks & Gimpel (2016), Gaussian Error Linear Units (GELUs), arXiv:1606.08415
          - "PyTorch: torch.nn.GELU"
        ---

        # 3. Activation functions

        Intro prose.

        ## The sigmoid

        Prose with σ(x) = 1 / (1 + e⁻ˣ).

        ```glassbox setup
        seed(0); x = linspace(-4, 4, 9)
        ```

        ```glassbox
        s = sigmoid(x)
        s
        ```

        ```output
        9-element
        [0.018, 0.047, …]
        ```

        ```exercise
        id: sigmoid-derivative
        prompt: Compute ds = σ′(x).
        answer: ds
        expect: (sigmoid(x + 1e-3) - sigmoid(x - 1e-3)) / 2e-3
        tolerance: 1e-4
        hint: σ′ is a product of two terms.
        hint: σ′(x) = σ(x)·(1 − σ(x)).
        solution: ds = sigmoid(x) * (1 - sigmoid(x))
        ```

        ## Tanh

        ```python
        ## not a section: inside another language's fence
        ```
        """
        let nb = try XCTUnwrap(parse(text))
        XCTAssertEqual(nb.frontMatter.title, "Activation functions")
        XCTAssertEqual(nb.frontMatter.lesson, 3)
        XCTAssertEqual(nb.frontMatter.sources.count, 2)
        XCTAssertEqual(nb.frontMatter.sources[1], "PyTorch: torch.nn.GELU")
        XCTAssertEqual(nb.title, "Activation functions")
        XCTAssertEqual(nb.sections.map(\.title), ["The sigmoid", "Tanh"])
        XCTAssertEqual(nb.sections[0].line, 14)

        let cells = nb.cells
        XCTAssertEqual(cells.count, 2)
        XCTAssertEqual(cells[0].kind, .setup)
        XCTAssertEqual(cells[0].source, "seed(0); x = linspace(-4, 4, 9)")
        XCTAssertEqual(cells[0].line, 19)
        XCTAssertEqual(cells[1].kind, .code)
        XCTAssertEqual(cells[1].source, "s = sigmoid(x)\ns")
        XCTAssertEqual(cells[1].output?.text, "9-element\n[0.018, 0.047, …]")
        XCTAssertEqual(cells[1].output?.line, 28)

        let e = try XCTUnwrap(nb.exercises.first)
        XCTAssertEqual(e.id, "sigmoid-derivative")
        XCTAssertEqual(e.answer, "ds")
        XCTAssertEqual(e.tolerance, .within(1e-4))
        XCTAssertEqual(e.hints.count, 2)
        XCTAssertEqual(e.solution, "ds = sigmoid(x) * (1 - sigmoid(x))")
        XCTAssertEqual(e.line, 32)

        // The python fence is prose of the second section, `##` line and all.
        guard case .prose(let prose)? = nb.sections[1].blocks.first else { return XCTFail("expected prose") }
        XCTAssertTrue(prose.text.contains("## not a section"))
    }

    // MARK: Front matter

    func testNoFrontMatterAndNoSections() throws {
        let nb = try XCTUnwrap(parse("# Notes\n\n```glassbox\n1 + 1\n```\n"))
        XCTAssertTrue(nb.frontMatter.isEmpty)
        XCTAssertEqual(nb.title, "Notes")
        XCTAssertTrue(nb.sections.isEmpty)
        XCTAssertEqual(nb.cells.map(\.source), ["1 + 1"])
    }

    func testUnclosedFrontMatter() {
        XCTAssertEqual(parseError("---\ntitle: x\n\n# body\n")?.line, 1)
    }

    func testLessonNumberMustBeWhole() {
        let error = parseError("---\nlesson: three\n---\n")
        XCTAssertEqual(error?.line, 2)
        XCTAssertTrue(error?.message.contains("whole number") ?? false)
    }

    func testDuplicateFrontMatterKey() {
        XCTAssertEqual(parseError("---\ntitle: a\ntitle: b\n---\n")?.line, 3)
    }

    func testUnknownFrontMatterKeysAreKept() throws {
        let nb = try XCTUnwrap(parse("---\ntitle: t\nauthor: someone\n---\n"))
        XCTAssertEqual(nb.frontMatter.fields, [FrontMatter.Field(key: "author", value: "someone")])
    }

    // MARK: Fences

    func testCRLFLineEndingsAndByteOrderMark() throws {
        let nb = try XCTUnwrap(parse("\u{FEFF}---\r\ntitle: t\r\n---\r\n## A\r\n```glassbox\r\nx = 1\r\n```\r\n"))
        XCTAssertEqual(nb.frontMatter.title, "t")
        XCTAssertEqual(nb.sections.first?.title, "A")
        XCTAssertEqual(nb.cells.first?.source, "x = 1")
    }

    func testLongerFencesAndTildesHoldBackticks() throws {
        let text = """
        ````glassbox
        s = "```"
        ````

        ~~~output
        "```"
        ~~~
        """
        let nb = try XCTUnwrap(parse(text))
        XCTAssertEqual(nb.cells.first?.source, "s = \"```\"")
        XCTAssertEqual(nb.cells.first?.output?.text, "\"```\"")
    }

    func testIndentedFenceLosesItsIndentInside() throws {
        let nb = try XCTUnwrap(parse("  ```glassbox\n  x = 1\n    y = 2\n  ```\n"))
        XCTAssertEqual(nb.cells.first?.source, "x = 1\n  y = 2")
    }

    func testUnclosedGlassboxFenceIsAnError() {
        let error = parseError("## A\n\ntext\n\n```glassbox\nx = 1\n")
        XCTAssertEqual(error?.line, 5)
        XCTAssertTrue(error?.message.contains("never closed") ?? false)
    }

    func testUnclosedOtherFenceRunsToTheEnd() throws {
        let nb = try XCTUnwrap(parse("## A\n```text\n## B\n"))
        XCTAssertEqual(nb.sections.count, 1)
    }

    func testEmptyCellAndUnknownOption() {
        XCTAssertTrue(parseError("```glassbox\n\n```\n")?.message.contains("empty") ?? false)
        XCTAssertTrue(parseError("```glassbox hidden\nx\n```\n")?.message.contains("`hidden`") ?? false)
    }

    func testInlineBackticksAreNotAFence() throws {
        let nb = try XCTUnwrap(parse("```glassbox` is how a cell starts\n## A\n"))
        XCTAssertEqual(nb.sections.count, 1)
        XCTAssertTrue(nb.cells.isEmpty)
    }

    // MARK: Sections

    func testHeadingForms() {
        XCTAssertEqual(NotebookParser.sectionTitle("## Title"), "Title")
        XCTAssertEqual(NotebookParser.sectionTitle("   ## Title ##"), "Title")
        XCTAssertEqual(NotebookParser.sectionTitle("## C# and F#"), "C# and F#")
        XCTAssertNil(NotebookParser.sectionTitle("### Sub"))
        XCTAssertNil(NotebookParser.sectionTitle("##Title"))
        XCTAssertNil(NotebookParser.sectionTitle("    ## code"))
        XCTAssertEqual(NotebookParser.sectionTitle("##"), "")
        XCTAssertEqual(parseError("##\n")?.line, 1)
    }

    func testIntroductionBeforeTheFirstSection() throws {
        let nb = try XCTUnwrap(parse("# T\n\nHello.\n\n## One\n\nBody.\n"))
        XCTAssertEqual(nb.introduction.count, 1)
        guard case .prose(let intro) = nb.introduction[0] else { return XCTFail() }
        XCTAssertEqual(intro.text, "# T\n\nHello.")
        XCTAssertEqual(intro.line, 1)
    }

    // MARK: Outputs

    func testOutputMustFollowACodeCell() {
        XCTAssertTrue(parseError("```output\n1\n```\n")?.message.contains("right after") ?? false)
        XCTAssertTrue(parseError("```glassbox\n1\n```\ntext\n```output\n1\n```\n")?.message.contains("text between") ?? false)
        XCTAssertTrue(parseError("```glassbox setup\n1\n```\n\n```output\n1\n```\n")?.message.contains("hidden") ?? false)
        XCTAssertTrue(parseError("```glassbox\n1\n```\n```output\n1\n```\n```output\n1\n```\n")?.message.contains("already") ?? false)
    }

    func testEmptyOutputIsAllowed() throws {
        let nb = try XCTUnwrap(parse("```glassbox\nx = 1\n```\n```output\n```\n"))
        XCTAssertEqual(nb.cells.first?.output?.text, "")
    }

    // MARK: Exercises

    let exercise = """
        id: e1
        prompt: p
        answer: y
        expect: x * 2
        solution: y = x * 2
        """

    func testExerciseDefaultsAndMultiLineValues() throws {
        let text = "```exercise\n\(exercise)\nhint:\n  first line\n\n  second line\n```\n"
        let nb = try XCTUnwrap(parse(text))
        let e = try XCTUnwrap(nb.exercises.first)
        XCTAssertEqual(e.tolerance, .standard)
        XCTAssertEqual(e.hints, ["first line\n\nsecond line"])
    }

    func testMultiLineSolution() throws {
        let text = "```exercise\nid: e\nprompt: p\nanswer: y\nexpect: x\nsolution:\n  a = x\n  y = a\n```\n"
        XCTAssertEqual(try XCTUnwrap(parse(text)).exercises.first?.solution, "a = x\ny = a")
    }

    func testExactTolerance() throws {
        let nb = try XCTUnwrap(parse("```exercise\n\(exercise)\ntolerance: exact\n```\n"))
        XCTAssertEqual(nb.exercises.first?.tolerance, .exact)
    }

    func testExerciseMistakesAreNamed() {
        XCTAssertTrue(parseError("```exercise\n\(exercise)\nhnit: x\n```\n")?.message.contains("did you mean `hint`") ?? false)
        XCTAssertTrue(parseError("```exercise\nid: e\nprompt: p\nanswer: y\nsolution: y = 1\n```\n")?.message.contains("`expect:`") ?? false)
        XCTAssertTrue(parseError("```exercise\n\(exercise)\ntolerance: small\n```\n")?.message.contains("tolerance") ?? false)
        XCTAssertTrue(parseError("```exercise\n\(exercise)\nid: again\n```\n")?.message.contains("twice") ?? false)
        XCTAssertTrue(parseError("```exercise\nid: e\nprompt: p\nanswer: y + 1\nexpect: x\nsolution: y = x\n```\n")?.message.contains("variable") ?? false)
        let unindented = "```exercise\nid: e\nprompt: p\nanswer: y\nexpect: x\nsolution:\n  a = x\ny = a\n```\n"
        let error = parseError(unindented)
        XCTAssertEqual(error?.line, 8)
        XCTAssertTrue(error?.message.contains("indented") ?? false)
    }

    func testDuplicateExerciseIDs() {
        let text = "```exercise\n\(exercise)\n```\n\n```exercise\n\(exercise)\n```\n"
        let error = parseError(text)
        XCTAssertEqual(error?.line, 9)
        XCTAssertTrue(error?.message.contains("line 1") ?? false)
    }

    func testErrorDescriptionReadsLikeACompiler() {
        XCTAssertEqual(LessonError(.format, file: "a.md", line: 3, "bad").description, "a.md:3: error: bad")
    }
}
