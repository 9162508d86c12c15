import Foundation
import XCTest
import GlassboxLanguage
@testable import GlassboxREPL

/// Scripts, pipes and `--json`: the same loop as the notebook, shown for programs.
final class ScriptOutputTests: XCTestCase {
    func script(_ source: String, _ presentation: REPL.Presentation) -> Harness {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false).map {
            ScriptedLineReader.Event.line(String($0))
        }
        let harness = Harness(lines, presentation: presentation, echo: false)
        harness.run()
        return harness
    }

    // MARK: Plain scripts

    func testScriptsPrintEveryUnsilencedValueWithoutPrompts() {
        let harness = script("x = [1, 2]\nx * 2; x + 1\n# a comment\n\nx;\nprint(\"done\")", .script(fileName: "demo.gbx"))
        // `;` ends a statement and silences it, in scripts as at the prompt.
        XCTAssertEqual(harness.screen.text, "2-element\n[2, 3]\ndone\n")
        XCTAssertEqual(harness.errors.text, "")
        XCTAssertEqual(harness.repl.failedCells, 0)
    }

    func testScriptErrorsNameTheFileLineAndGoOn() {
        let harness = script("x = 1\n\ny = [1,\n  nope]\nx + 1", .script(fileName: "demo.gbx"))
        XCTAssertEqual(harness.screen.text, "2\n")
        XCTAssertTrue(harness.errors.text.hasPrefix("demo.gbx:4:3: error: unknown name `nope`"), harness.errors.text)
        XCTAssertEqual(harness.repl.failedCells, 1)
    }

    func testAnErrorInsideAFunctionNamesTheLineOfItsDefinition() {
        let harness = script("# helpers\nf(x) = x + nope_yet\n\n\nf(1)", .script(fileName: "lib.gbx"))
        XCTAssertTrue(harness.errors.text.hasPrefix("lib.gbx:2:12: error: unknown name `nope_yet`"), harness.errors.text)
    }

    func testCtrlCStopsAScript() {
        let reader = ScriptedLineReader(events: [.lineThenInterrupt("for i in 1...100000000 { }"), .line("1")],
                                        interactive: false)
        let out = StringSink(), err = StringSink()
        let repl = REPL(session: Session(), reader: reader, presentation: .script(fileName: nil),
                        renderer: Renderer(style: .plain), output: out, errors: err)
        repl.run()
        InterruptSignal.clear()
        XCTAssertTrue(repl.wasInterrupted)
        XCTAssertEqual(out.text, "", "nothing after the interrupted cell runs")
        XCTAssertTrue(err.text.contains("interrupted"), err.text)
    }

    // MARK: JSON

    /// Each line of standard output is one JSON object.
    func objects(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> [[String: Any]] {
        text.split(separator: "\n").compactMap { row in
            let object = try? JSONSerialization.jsonObject(with: Data(row.utf8)) as? [String: Any]
            if object == nil { XCTFail("not a JSON object: \(row)", file: file, line: line) }
            return object
        }
    }

    func testJSONHasOneObjectPerValueWithItsCell() throws {
        let harness = script("""
            x = [[1, 2, 3], [4, 5, 6]]
            x
            (x[0, 0], "two")
            y = x + nope
            [1, 2] / 0; [-1, 0] / 0
            print("hello \\"world\\"")
            """, .json)
        XCTAssertEqual(harness.errors.text, "")
        let rows = objects(harness.screen.text)
        XCTAssertEqual(rows.count, 5, harness.screen.text)
        guard rows.count == 5 else { return }

        XCTAssertEqual(rows[0]["cell"] as? Int, 2)
        let value = try XCTUnwrap(rows[0]["value"] as? [String: Any])
        XCTAssertEqual(value["shape"] as? [Int], [2, 3])
        XCTAssertEqual(value["data"] as? [[Double]], [[1, 2, 3], [4, 5, 6]])

        XCTAssertEqual(rows[1]["cell"] as? Int, 3)
        let tuple = try XCTUnwrap((rows[1]["value"] as? [String: Any])?["tuple"] as? [Any])
        XCTAssertEqual(tuple.count, 2)

        XCTAssertEqual(rows[2]["cell"] as? Int, 4)
        let error = try XCTUnwrap(rows[2]["error"] as? [String: Any])
        XCTAssertEqual(error["message"] as? String, "unknown name `nope`")
        XCTAssertEqual(error["line"] as? Int, 1)
        XCTAssertEqual(error["column"] as? Int, 9)
        XCTAssertEqual(error["length"] as? Int, 4)

        // The statement silenced by `;` prints nothing; non-finite numbers are strings.
        XCTAssertEqual(rows[3]["cell"] as? Int, 5)
        XCTAssertEqual((rows[3]["value"] as? [String: Any])?["data"] as? [String], ["-inf", "nan"])

        XCTAssertEqual(rows[4]["cell"] as? Int, 6)
        XCTAssertEqual(rows[4]["print"] as? String, "hello \"world\"")
        XCTAssertEqual(harness.repl.failedCells, 1)
    }

    func testJSONKeepsCommandOutputOffStandardOutput() {
        let harness = script(":vars\n1", .json)
        XCTAssertEqual(harness.screen.text, "{\"cell\": 1, \"value\": {\"shape\": [], \"data\": 1}}\n")
        XCTAssertEqual(harness.errors.text, "No variables yet.\n")
    }

    func testJSONStringEscapes() {
        XCTAssertEqual(JSON.string("a\"b\\c\nd\u{1}é"), "\"a\\\"b\\\\c\\nd\\u0001é\"")
    }
}
