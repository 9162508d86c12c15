import XCTest
@testable import GlassboxLanguage
import GlassboxTensors

/// One test per class of mistake: the kind, a message that names the problem, the span, and
/// that every variable is intact afterwards.
final class DiagnosticTests: XCTestCase {
    var s = Session()

    override func setUp() {
        s = Session()
        _ = s.run("x = [1, 2, 3]; A = ones(2, 3); B = ones(4, 5)")
    }

    override func tearDown() {
        // Every mistake leaves the variables as they were.
        XCTAssertEqual(show("x", in: s), "3-element\n[1, 2, 3]")
        XCTAssertEqual(show("A.shape", in: s), "2-element\n[2, 3]")
        Interrupt.clear()
    }

    private func check(_ text: String, _ kind: Diagnostic.Kind, _ message: String, span: String? = nil,
                       note: String? = nil, file: StaticString = #filePath, line: UInt = #line) {
        guard let d = failure(text, in: s) else { return XCTFail("no error for \(text)", file: file, line: line) }
        XCTAssertEqual(d.kind, kind, d.message, file: file, line: line)
        XCTAssertEqual(d.message, message, file: file, line: line)
        if let span { XCTAssertEqual(d.source.text(of: d.range), span, file: file, line: line) }
        if let note { XCTAssertEqual(d.notes.first, note, file: file, line: line) }
    }

    func testFormatterDrawsACaretUnderTheSpan() {
        let d = failure("y = zeroes(3)", in: s)
        XCTAssertEqual(d?.formatted(relativeTo: d?.source),
                       "error: unknown name `zeroes`; did you mean `zeros`?\n  y = zeroes(3)\n      ^~~~~~")
        XCTAssertEqual(d?.line, 1)
        XCTAssertEqual(d?.column, 5)
        XCTAssertEqual(d?.length, 6)
    }

    func testSyntax() {
        check("y = (1 + ", .syntax, "expected a value, found the end of the input")
        check("y = x ** 2", .syntax, "use `^` for powers (`x^2`)", span: "**")
        check("x = 5 5", .syntax, "unexpected a number after the end of a statement; separate statements with a newline or `;`")
        check("for i in 1...3 { f(x) = x }", .syntax,
              "functions are defined at the top level, not inside a block, loop or function", span: "f")
    }

    func testUnknownNameSuggestsTheClosest() {
        check("zeroes(3)", .unknownName, "unknown name `zeroes`; did you mean `zeros`?", span: "zeroes")
        check("sigmod(x)", .unknownName, "unknown name `sigmod`; did you mean `sigmoid`?")
        check("y = X + 1", .unknownName, "unknown name `X`; did you mean `x`?", span: "X")
        check("qqqqq", .unknownName, "unknown name `qqqqq`")
        check("f(a) = { b = b + a }; f(1)", .unknownName,
              "`b` is used before it is assigned in `f` (a name assigned inside a function is local to it)")
    }

    func testArityShowsTheSignature() {
        check("sigmoid(x, x)", .arity, "`sigmoid` takes 1 argument, got 2", span: "x",
              note: "signature: sigmoid(x)")
        check("where(x, x)", .arity, "`where` is missing its argument `b`", note: "signature: where(c, a, b)")
        check("f(a, b) = a + b; f(1)", .arity, "`f` is missing its argument `b`", note: "signature: f(a, b)")
    }

    func testKeywordShowsTheSignature() {
        check("sum(x, axs=0)", .keyword, "`sum` has no keyword argument `axs`; did you mean `axis`?", span: "axs",
              note: "signature: sum(x, axis=all, keepdim=false)")
        check("sum(x, x=x)", .keyword, "`x` is given twice")
        check("f(a) = a; f(b=1)", .keyword, "`f` has no keyword argument `b`")
    }

    func testType() {
        check("x + \"a\"", .type, "`+` needs tensors or numbers, got a string; to show numbers with text use print(\"…\", x)",
              span: "\"a\"")
        check("x(1)", .type, "`x` is a tensor, not a function", span: "x")
        check("y = print(1)", .type, "the right side gives nothing to assign to `y`")
        check("h, c = x", .type, "cannot unpack a tensor into 2 names; the right side must be a tuple")
        check("if x { 1 }", .shape, "a condition must be a single number, got a tensor of shape 3-element; reduce it first (sum, max, min)")
    }

    func testShapeNamesBothShapesAndTheOp() {
        check("A @ B", .shape, "matmul: shapes 2×3 and 4×5 do not match (inner dimensions 3 and 4 differ)", span: "A @ B")
        check("A + B", .shape, "add: shapes 2×3 and 4×5 do not match (cannot broadcast)", span: "A + B")
        check("[[1, 2], [3]]", .shape, "the elements of a tensor literal must have the same shape; the first has shape 2-element but this one 1-element")
    }

    func testIndex() {
        check("x[3]", .index, "index: index 3 is out of range for axis 0 of size 3", span: "x[3]")
        check("sum(A, axis=2)", .index, "sum: axis 2 is out of range for a rank-2 tensor (valid axes are -2...1)")
        check("x[0.5]", .index, "an index must be a whole number, got 0.5", span: "0.5")
    }

    func testValue() {
        check("zeros(-1)", .value, "zeros: dimension -1 must be a whole number ≥ 0")
        check("zeros(1.5)", .value, "a dimension must be a whole number, got 1.5", span: "1.5")
        check("for i in 1...2.5 { }", .value, "a range bound must be a whole number, got 2.5")
    }

    func testDepthLimitsNeverOverflowTheStack() {
        check("f(n) = f(n + 1); f(0)", .depth,
              "too many nested calls (more than 1000); is `f` calling itself without end?")
        let deep = "y = " + String(repeating: "(", count: 500) + "1" + String(repeating: ")", count: 500)
        check(deep, .depth, "expression nested too deeply (more than 100 levels)")
        check("t = 1; for i in 1...100 { t = (t, t) }", .depth,
              "tuple nested too deeply or too large (at most 64 levels and 100000 values)")
    }

    func testInterruptStopsLoops() {
        Interrupt.request()
        check("for i in 1...1000000000 { y = i }", .interrupted, "interrupted")
        Interrupt.clear()
        check("y", .unknownName, "unknown name `y`")   // nothing half-assigned... y never bound
    }

    func testAllocation() {
        let d = failure("zeros(100000, 100000, 100000)", in: s)
        XCTAssertEqual(d?.kind, .allocation)
        XCTAssertTrue(d?.message.hasPrefix("zeros: a tensor of shape 100000×100000×100000 would exceed the memory limit") == true,
                      d?.message ?? "")
    }

    func testRuntime() {
        check("explain { explain x }", .runtime, "`explain` cannot run inside another `explain`")
    }

    func testErrorsInsideFunctionsPointIntoTheirDefinition() {
        _ = s.run("bad(v) = v @ B", name: "In [1]")
        let d = s.run("y = bad(A)", name: "In [2]").error
        XCTAssertEqual(d?.source.name, "In [1]")
        XCTAssertEqual(d.map { $0.source.text(of: $0.range) }, "v @ B")
        XCTAssertEqual(d?.notes, ["in `bad`, called as `bad(A)` (In [2], line 1)"])
        XCTAssertEqual(d?.formatted(relativeTo: nil).split(separator: "\n").first.map(String.init),
                       "In [1]:1:10: error: matmul: shapes 2×3 and 4×5 do not match (inner dimensions 3 and 4 differ)")
    }

    func testFailedAssignmentKeepsTheOldValue() {
        XCTAssertNotNil(failure("x = x @ B", in: s))
        XCTAssertNotNil(failure("x, A = (1, zeros(-1))", in: s))
        XCTAssertNotNil(failure("x, A = (1, 2, 3)", in: s))
    }
}

final class DiagnosticLocationTests: XCTestCase {
    /// A cell that starts on line 11 of a script reports the script's line numbers.
    func testLinesCountFromTheCellsFirstLine() {
        let s = Session()
        _ = s.run("f(v) = v @ ones(3, 3)", name: "demo.gbx", firstLine: 4)
        let d = s.run("x = [1, 2]\ny = f(x)", name: "demo.gbx", firstLine: 11).error
        XCTAssertEqual(d?.line, 4)
        XCTAssertEqual(d?.column, 8)
        XCTAssertEqual(d?.notes, ["in `f`, called as `f(x)` (demo.gbx, line 12)"])
        XCTAssertEqual(d?.formatted(relativeTo: nil).split(separator: "\n").first.map(String.init),
                       "demo.gbx:4:8: error: matmul: shapes 2-element and 3×3 do not match (inner dimensions 2 and 3 differ)")
        let e = s.run("z = 1\nz = zeroes(2)", name: "demo.gbx", firstLine: 20).error
        XCTAssertEqual(e.map { JSON.cellError($0, cell: 3) },
                       #"{"cell": 3, "error": {"message": "unknown name `zeroes`; did you mean `zeros`?", "line": 21, "column": 5, "length": 6}}"#)
    }
}
