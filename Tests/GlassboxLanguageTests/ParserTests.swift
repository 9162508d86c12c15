import XCTest
@testable import GlassboxLanguage

final class ParserTests: XCTestCase {
    private func tree(_ text: String) throws -> String {
        try Parser.parse(Source(text)).map(\.description).joined(separator: "\n")
    }

    private func syntaxError(_ text: String) -> Diagnostic? {
        do {
            _ = try Parser.parse(Source(text))
            return nil
        } catch {
            return error
        }
    }

    // MARK: Precedence, in Docs/LANGUAGE.md's order

    func testPrecedenceLevels() throws {
        XCTAssertEqual(try tree("a + b * c"), "(+ a (* b c))")
        XCTAssertEqual(try tree("a - b - c"), "(- (- a b) c)")
        XCTAssertEqual(try tree("a @ b * c / d"), "(/ (* (@ a b) c) d)")
        XCTAssertEqual(try tree("a < b + 1"), "(< a (+ b 1))")
        XCTAssertEqual(try tree("-x^2"), "(neg (^ x 2))")
        XCTAssertEqual(try tree("-a * b"), "(* (neg a) b)")
        XCTAssertEqual(try tree("2^3^2"), "(^ 2 (^ 3 2))")
        XCTAssertEqual(try tree("2^-1"), "(^ 2 (neg 1))")
        XCTAssertEqual(try tree("x'^2"), "(^ (' x) 2)")
        XCTAssertEqual(try tree("a^b'"), "(^ a (' b))")
        XCTAssertEqual(try tree("f(x)[0].T'"), "(' (. (index (call f x) 0) T))")
        XCTAssertEqual(try tree("sigmoid(y) * 2 + 1"), "(+ (* (call sigmoid y) 2) 1)")
        XCTAssertEqual(try tree("(a + b) * c"), "(* (+ a b) c)")
    }

    func testComparisonsDoNotChain() {
        XCTAssertEqual(syntaxError("a < b < c")?.message, "comparisons cannot be chained; compare two values at a time")
    }

    // MARK: Literals, calls, indexing

    func testLiteralsTuplesAndCalls() throws {
        XCTAssertEqual(try tree("[[1, 2], [3, 4]]"), "[[1 2] [3 4]]")
        XCTAssertEqual(try tree("[]"), "[]")
        XCTAssertEqual(try tree("(1, x)"), "(tuple 1 x)")
        XCTAssertEqual(try tree("(1,)"), "(tuple 1)")
        XCTAssertEqual(try tree("sum(x, axis=-1)"), "(call sum x axis=(neg 1))")
        XCTAssertEqual(try tree("adam(W, b, lr=0.01)"), "(call adam W b lr=0.01)")
        XCTAssertEqual(try tree("\"hi\""), "\"hi\"")
    }

    func testIndexing() throws {
        XCTAssertEqual(try tree("y[0, 1:3]"), "(index y 0 1:3)")
        XCTAssertEqual(try tree("y[:, -1]"), "(index y : (neg 1))")
        XCTAssertEqual(try tree("y[::2]"), "(index y ::2)")
        XCTAssertEqual(try tree("y[1:]"), "(index y 1:)")
        XCTAssertEqual(try tree("y[:n-1:2]"), "(index y :(- n 1):2)")
    }

    // MARK: Statements

    func testAssignmentsAndDefinitions() throws {
        XCTAssertEqual(try tree("x = 1"), "(= x 1)")
        XCTAssertEqual(try tree("h, c = lstm_cell(x, h, c)"), "(= h,c (call lstm_cell x h c))")
        XCTAssertEqual(try tree("a, b = b, a"), "(= a,b (tuple b a))")
        XCTAssertEqual(try tree("f(x) = 1 / (1 + exp(-x))"), "(def f(x) (/ 1 (+ 1 (call exp (neg x)))))")
        XCTAssertEqual(try tree("g(x) = { a = x^2; a + 1 }"), "(def g(x) {(= a (^ x 2)); (+ a 1)})")
        XCTAssertEqual(try tree("p(x, n=2) = x^n"), "(def p(x,n=2) (^ x n))")
    }

    func testLoopsAndConditionals() throws {
        XCTAssertEqual(try tree("for i in 1...100 { x = x + i }"), "(for i 1...100 {(= x (+ x i))})")
        XCTAssertEqual(try tree("for i in 0..<n {\n  s = s + i\n}"), "(for i 0..<n {(= s (+ s i))})")
        XCTAssertEqual(try tree("for r in X { r }"), "(for r X {r})")
        XCTAssertEqual(try tree("while x > 1 { x = x / 2 }"), "(while (> x 1) {(= x (/ x 2))})")
        XCTAssertEqual(try tree("if loss < 0.1 { 1 } else { 2 }"), "(if (< loss 0.1) {1} {2})")
        XCTAssertEqual(try tree("y = if a { 1 } else if b { 2 } else { 3 }"), "(= y (if a {1} (if b {2} {3})))")
        XCTAssertEqual(try tree("if a {\n 1\n}\nelse {\n 2\n}"), "(if a {1} {2})")
        XCTAssertEqual(try tree("explain lstm_cell(x)"), "(explain (call lstm_cell x))")
    }

    func testStatementsAndSilencing() throws {
        let statements = try Parser.parse(Source("a = 1; b\nc;\n\nd"))
        XCTAssertEqual(statements.map(\.description), ["(= a 1)", "b", "c", "d"])
        XCTAssertEqual(statements.map(\.silenced), [true, false, true, false])
    }

    // MARK: Ranges

    func testEveryNodeCarriesItsRange() throws {
        let source = Source("y = sigmoid(x) * 2")
        let statements = try Parser.parse(source)
        guard case .assign(let targets, let value) = statements[0].kind,
              case .binary(_, let lhs, _) = value.kind else { return XCTFail("unexpected tree") }
        XCTAssertEqual(source.text(of: targets[0].range), "y")
        XCTAssertEqual(source.text(of: value.range), "sigmoid(x) * 2")
        XCTAssertEqual(source.text(of: lhs.range), "sigmoid(x)")
        XCTAssertEqual(source.text(of: statements[0].range), "y = sigmoid(x) * 2")
    }

    // MARK: Errors

    func testSyntaxErrors() {
        XCTAssertEqual(syntaxError("x = 1 2")?.message,
                       "unexpected a number after the end of a statement; separate statements with a newline or `;`")
        XCTAssertEqual(syntaxError("x[0][1] = 1")?.kind, .syntax)
        XCTAssertEqual(syntaxError("f(1) = 2")?.message, "a parameter must be a name (`f(x, y) = …`)")
        XCTAssertEqual(syntaxError("f(x, x) = 2")?.message, "parameter `x` appears twice")
        XCTAssertEqual(syntaxError("f(a=1, 2)")?.message, "positional arguments must come before keyword arguments")
        XCTAssertEqual(syntaxError("x = (1 + 2))")?.message, "unmatched `)`")
        XCTAssertEqual(syntaxError("y = for")?.message,
                       "`for` starts a statement and cannot be used inside an expression")
        let d = syntaxError("x = 1 + * 2")
        XCTAssertEqual(d?.message, "expected a value, found `*`")
        XCTAssertEqual(d?.column, 9)
    }

    func testDeepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000)
        XCTAssertEqual(syntaxError(deep)?.kind, .depth)
        XCTAssertEqual(syntaxError(String(repeating: "[", count: 50_000))?.kind, .depth)
        XCTAssertEqual(syntaxError(String(repeating: "{", count: 50_000))?.kind, .depth)
        XCTAssertEqual(syntaxError(String(repeating: "-", count: 50_000) + "1")?.kind, .depth)
        XCTAssertEqual(syntaxError("x = " + String(repeating: "2^", count: 50_000) + "1")?.kind, .depth)
        XCTAssertEqual(syntaxError("x = 1" + String(repeating: " + 1", count: 50_000))?.kind, .depth)
        XCTAssertEqual(syntaxError("x = y" + String(repeating: "'", count: 50_000))?.kind, .depth)
        XCTAssertEqual(syntaxError("x = f" + String(repeating: "(1)", count: 50_000))?.kind, .depth)
        XCTAssertEqual(syntaxError(String(repeating: "for i in 1...2 { ", count: 50_000))?.kind, .depth)
        XCTAssertEqual(syntaxError(String(repeating: "while 1 { ", count: 50_000))?.kind, .depth)
        XCTAssertEqual(syntaxError(String(repeating: "if 1 { 1 } else ", count: 50_000) + "{ 1 }")?.kind, .depth)
        XCTAssertEqual(syntaxError(String(repeating: "f(", count: 50_000))?.kind, .depth)
        XCTAssertEqual(syntaxError(String(repeating: "x[", count: 50_000))?.kind, .depth)
        // A long but shallow program is fine.
        XCTAssertNil(syntaxError(String(repeating: "x = x + 1\n", count: 20_000)))
        XCTAssertNil(syntaxError("x = [" + Array(repeating: "1", count: 50_000).joined(separator: ", ") + "]"))
    }
}
