import XCTest
@testable import GlassboxLanguage
import GlassboxTensors

final class EvaluatorTests: XCTestCase {
    var s = Session()

    override func setUp() {
        s = Session()
    }

    func testArithmeticAndPrecedence() {
        XCTAssertEqual(show("1 + 2 * 3", in: s), "7")
        XCTAssertEqual(show("-2^2", in: s), "-4")
        XCTAssertEqual(show("2^-1", in: s), "0.5")
        XCTAssertEqual(show("2^3^2", in: s), "512")
        XCTAssertEqual(show("(1 + 2) * 3", in: s), "9")
        XCTAssertEqual(show("[1, 2, 3] * 2", in: s), "3-element\n[2, 4, 6]")
        XCTAssertEqual(show("1 < 2", in: s), "1")
        XCTAssertEqual(show("[1, 2, 3] >= 2", in: s), "3-element\n[0, 1, 1]")
    }

    func testVariablesAndTensors() {
        XCTAssertEqual(show("A = [[1, 2], [3, 4]]; A @ A", in: s), "2×2\n[[ 7, 10],\n [15, 22]]")
        XCTAssertEqual(show("A'", in: s), "2×2\n[[1, 3],\n [2, 4]]")
        XCTAssertEqual(show("A.T", in: s), "2×2\n[[1, 3],\n [2, 4]]")
        XCTAssertEqual(show("A.shape", in: s), "2-element\n[2, 2]")
        XCTAssertEqual(show("A[0, 1]", in: s), "2")
        XCTAssertEqual(show("A[:, -1]", in: s), "2-element\n[2, 4]")
        XCTAssertEqual(show("x = arange(10); x[1:8:3]", in: s), "3-element\n[1, 4, 7]")
        XCTAssertEqual(show("α = 0.5; θ = α * 2; θ", in: s), "1")
    }

    func testFunctions() {
        XCTAssertEqual(show("f(x) = 1 / (1 + exp(-x)); f(0)", in: s), "0.5")
        XCTAssertEqual(show("g(x) = { a = x^2; a + 1 }; g(3)", in: s), "10")
        XCTAssertEqual(show("p(x, n=2) = x^n; p(3) + p(2, n=3)", in: s), "17")
        XCTAssertEqual(show("fact(n) = if n <= 1 { 1 } else { n * fact(n - 1) }; fact(5)", in: s), "120")
        XCTAssertEqual(show("h = sigmoid; h(0)", in: s), "0.5")
    }

    func testLoopsAndConditionals() {
        XCTAssertEqual(show("s = 0; for i in 1...100 { s = s + i }; s", in: s), "5050")
        XCTAssertEqual(show("s = 0; for i in 0..<4 { s = s + i }; s", in: s), "6")
        XCTAssertEqual(show("i", in: s), "3")
        XCTAssertEqual(show("n = 0; for r in [[1, 2], [3, 4]] { n = n + sum(r) }; n", in: s), "10")
        XCTAssertEqual(show("x = 100; while x > 1 { x = x / 2 }; x", in: s), "0.7812")
        XCTAssertEqual(show("y = if 2 > 1 { \"yes\" } else { \"no\" }; y", in: s), "\"yes\"")
        XCTAssertEqual(show("for i in 5...1 { x = 0 }; x", in: s), "0.7812")
    }

    func testTuples() {
        XCTAssertEqual(show("t = (1, 2); a, b = t; b - a", in: s), "1")
        XCTAssertEqual(show("a, b = b, a; a", in: s), "2")
        XCTAssertEqual(show("t[-1]", in: s), "2")
        XCTAssertEqual(show("(1, \"a\")", in: s), "(1, \"a\")")
    }

    func testStringsAndPrint() {
        XCTAssertEqual(show("\"a\" + \"b\"", in: s), "\"ab\"")
        _ = s.run("print(\"loss\", 0.25, [1, 2])")
        XCTAssertEqual(s.printed, ["loss 0.25 [1, 2]"], "among other values a tensor is inline, as NumPy prints it")
        _ = s.run("print([1, 2]); print(\"W =\", [[1, 2], [3, 4]])")
        XCTAssertEqual(s.printed.suffix(2), ["2-element\n[1, 2]", "W = [[1, 2],\n [3, 4]]"], "alone, as the notebook shows it")
    }

    func testStatementResults() {
        let r = s.run("x = 1\nx + 1\nx;")
        XCTAssertNil(r.error)
        XCTAssertEqual(r.statements.count, 3)
        XCTAssertNil(r.statements[0].value)
        XCTAssertEqual(r.statements.map(\.silenced), [false, false, true])
        XCTAssertNil(r.lastValue)
    }
}
