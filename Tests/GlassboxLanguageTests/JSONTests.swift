import Foundation
import XCTest
@testable import GlassboxLanguage

/// The `--json` objects (`JSON`), checked both as text and by parsing them back.
final class JSONTests: XCTestCase {
    let s = Session()

    private func line(_ text: String, cell: Int = 1) -> String? {
        let r = s.run(text)
        if let e = r.error { return JSON.cellError(e, cell: cell) }
        return r.lastValue.flatMap { JSON.cellValue($0, cell: cell) }
    }

    func testTensorsAreNestedArrays() throws {
        XCTAssertEqual(line("[[1, 2.5, 3], [4, 5, 6]]", cell: 3),
                       #"{"cell": 3, "value": {"shape": [2, 3], "data": [[1, 2.5, 3], [4, 5, 6]]}}"#)
        XCTAssertEqual(line("7"), #"{"cell": 1, "value": {"shape": [], "data": 7}}"#)
        XCTAssertEqual(line("zeros(2, 0)"), #"{"cell": 1, "value": {"shape": [2, 0], "data": [[], []]}}"#)
        // Parses as JSON, with the numbers intact.
        let object = try JSONSerialization.jsonObject(with: Data(XCTUnwrap(line("[0.1, -2e-7]")).utf8)) as? [String: Any]
        let value = object?["value"] as? [String: Any]
        let data = value?["data"] as? [Double]
        XCTAssertEqual(Float(data?[0] ?? 0), 0.1)
        XCTAssertEqual(Float(data?[1] ?? 0), -2e-7)
    }

    func testNonFiniteNumbersAreStrings() {
        XCTAssertEqual(line("[1, 0, -1] / 0"),
                       #"{"cell": 1, "value": {"shape": [3], "data": ["inf", "nan", "-inf"]}}"#)
    }

    func testTuplesAndStrings() {
        XCTAssertEqual(line("(1, \"a\\\"b\")", cell: 4),
                       #"{"cell": 4, "value": {"tuple": [{"shape": [], "data": 1}, {"string": "a\"b"}]}}"#)
    }

    func testNothingPrintsNoLine() {
        XCTAssertNil(line("x = 1"))
        XCTAssertNil(line("seed(0)"))
    }

    func testErrorsCarryLineColumnAndLength() throws {
        let text = try XCTUnwrap(line("x = 1\ny = zeroes(3)", cell: 6))
        XCTAssertEqual(text, #"{"cell": 6, "error": {"message": "unknown name `zeroes`; did you mean `zeros`?", "line": 2, "column": 5, "length": 6}}"#)
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        XCTAssertEqual((object?["error"] as? [String: Any])?["column"] as? Int, 5)
    }

    func testExplainGivesATrace() throws {
        _ = s.run("x = [1, 2]")
        let text = try XCTUnwrap(line("explain x * 2 + 1", cell: 5))
        XCTAssertTrue(text.hasPrefix(#"{"cell": 5, "trace": [{"step": "mul", "formula": "x * 2", "value": {"shape": [2], "data": [2, 4]}}, "#), text)
        XCTAssertTrue(text.contains(#"{"step": "add", "formula": "x * 2 + 1", "value": {"shape": [2], "data": [3, 5]}}"#), text)
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(text.utf8)))
    }
}
