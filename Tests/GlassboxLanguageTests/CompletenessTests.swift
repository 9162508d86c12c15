import XCTest
@testable import GlassboxLanguage

final class CompletenessTests: XCTestCase {
    private func answer(_ text: String) -> String {
        switch Language.isComplete(text) {
        case .complete: return "complete"
        case .incomplete: return "incomplete"
        case .invalid: return "invalid"
        }
    }

    func testComplete() {
        for text in ["x = 1", "", "# just a comment", "f(x) = x + 1", "for i in 1...3 { x = i }",
                     "if a { 1 } else { 2 }", "x = [1,\n 2]", "\"multi\nline\""] {
            XCTAssertEqual(answer(text), "complete", text)
        }
    }

    func testIncomplete() {
        for text in ["x = [1, 2", "f(", "g(x) = {", "for i in 1...3 {\n x = i", "x = 1 +", "x =",
                     "\"unclosed", "if a", "for i in", "y = sum(x,\n", "explain", "a, b =", "x.",
                     "if a { 1 } else"] {
            XCTAssertEqual(answer(text), "incomplete", text)
        }
    }

    func testInvalid() {
        for text in ["x = )", "x = 1 2", "1 = x", "a < b < c", "x = [1, 2)", "'a'", "x ** 2"] {
            XCTAssertEqual(answer(text), "invalid", text)
        }
    }
}
