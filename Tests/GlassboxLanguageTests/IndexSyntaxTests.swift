import XCTest
@testable import GlassboxLanguage
import GlassboxTensors

/// Indexing as NumPy in the language: `...`, `None`, masks, index tensors, assignment to an index
/// with value semantics and `+=` and its siblings.
final class IndexSyntaxTests: XCTestCase {
    func testParsing() throws {
        func tree(_ text: String) throws -> String { try Language.parse(Source(text)).map(\.description).joined(separator: "; ") }
        XCTAssertEqual(try tree("x[..., None, 0]"), "(index x ... None 0)")
        XCTAssertEqual(try tree("x[0, 1:3] = v"), "(= (index x 0 1:3) v)")
        XCTAssertEqual(try tree("x += 1"), "(+= x 1)")
        XCTAssertEqual(try tree("x[i] /= 2 * y"), "(/= (index x i) (* 2 y))")
        XCTAssertEqual(try tree("x -= -1"), "(-= x (neg 1))")
        XCTAssertEqual(try tree("f(x, y=-1)"), "(call f x y=(neg 1))", "`=-` is still `=` then `-`")
        XCTAssertEqual(try tree("for i in 1...3 { x[i] *= 2 }"), "(for i 1...3 {(*= (index x i) 2)})")
    }

    func testSyntaxErrors() {
        let s = Session()
        XCTAssertEqual(failure("None + 1", in: s)?.message, "`None` is a new axis and is written only inside an index (`x[None, :]`)")
        XCTAssertEqual(failure("f(x)[0] = 1", in: s)?.message,
                       "cannot assign to this expression; assign to an index of a variable, all at once (`x[0, 1] = v`, not `x[0][1] = v`)")
        XCTAssertEqual(failure("x[0][1] = 1", in: s)?.range.start, 0)
        XCTAssertEqual(failure("2 += 1", in: s)?.message,
                       "cannot assign to this expression; `+=` changes a variable (`x += 1`) or an index of one (`x[0] += 1`)")
        guard case .incomplete = Language.isComplete("x +=") else { return XCTFail("`x +=` waits for more") }
    }

    func testReadingLikeNumPy() {
        let s = Session()
        _ = s.run("x = reshape(arange(24), 2, 3, 4)")
        XCTAssertEqual(show("x[..., 1]", in: s), "2×3\n[[ 1,  5,  9],\n [13, 17, 21]]")
        XCTAssertEqual(show("x[None, :, 1].shape", in: s), "3-element\n[1, 2, 4]")
        XCTAssertEqual(show("x[x > 20]", in: s), "3-element\n[21, 22, 23]")
        XCTAssertEqual(show("x[1, [2, 0], 3]", in: s), "2-element\n[23, 15]")
        XCTAssertEqual(show("x[:, :, [3, 3, 0]].shape", in: s), "3-element\n[2, 3, 3]")
        XCTAssertEqual(show("sum(x[0] > 5)", in: s), "6")
        XCTAssertEqual(show("x[0][x[0] > 9]", in: s), "2-element\n[10, 11]")
        XCTAssertEqual(show("x[[1, 1]].shape", in: s), "3-element\n[2, 3, 4]", "a 0/1 vector shaped like axis 0 is a mask")
        XCTAssertEqual(show("take(x, [1, 1]).shape", in: s), "3-element\n[2, 3, 4]")
        XCTAssertEqual(show("x[[1, 0, 1]].shape", in: s), "3-element\n[3, 3, 4]", "not shaped like axis 0: indices")
        XCTAssertEqual(show("x[[2]]", in: s), "error: take: index 2 is out of range for axis 0 of size 2")
        XCTAssertEqual(show("x[..., ...]", in: s), "error: index: an index can have only one `...`")
        XCTAssertEqual(show("x[0:[1, 2]]", in: s), "error: an index must be a single whole number here, got a tensor of shape 2-element")
    }

    func testAssignmentHasValueSemantics() {
        let s = Session()
        _ = s.run("x = [1, 2, 3, 4]; y = x; f(v) = { v[0] = 100; v }")
        _ = s.run("x[0] = 5")
        XCTAssertEqual(show("x", in: s), "4-element\n[5, 2, 3, 4]")
        XCTAssertEqual(show("y", in: s), "4-element\n[1, 2, 3, 4]", "another variable holding the old tensor is unchanged")
        XCTAssertEqual(show("f(y)", in: s), "4-element\n[100,   2,   3,   4]")
        XCTAssertEqual(show("y", in: s), "4-element\n[1, 2, 3, 4]", "a function's parameter is its own copy")
        _ = s.run("x[1:3] += 10; x[x > 10] *= -1; x[-1] /= 4; x -= 1")
        XCTAssertEqual(show("x", in: s), "4-element\n[  4, -13, -14,   0]")
        _ = s.run("M = zeros(2, 3); M[:, 1] = [7, 8]; M[0] = 1")
        XCTAssertEqual(show("M", in: s), "2×3\n[[1, 1, 1],\n [0, 8, 0]]")
        _ = s.run("M[[1, 1], [0, 2]] = 5")
        XCTAssertEqual(show("M", in: s), "2×3\n[[1, 1, 1],\n [5, 8, 5]]")
        XCTAssertEqual(show("M[arange(2), [2, 1]]", in: s), "2-element\n[1, 8]", "one element per row, as in NumPy")
        XCTAssertEqual(failure("M[[0], :, [0]] = 5", in: s)?.message,
                       "index_put: index tensors must stand side by side (`x[i, j]`, not `x[i, :, j]`)")
        _ = s.run("s = \"a\"; s += \"b\"")
        XCTAssertEqual(show("s", in: s), "\"ab\"")
    }

    func testFailedAssignmentLeavesTheVariable() throws {
        let s = Session()
        _ = s.run("x = [1, 2, 3]")
        let d = try XCTUnwrap(failure("x[0:2] = [1, 2, 3]", in: s))
        XCTAssertEqual(d.message, "cannot assign a value of shape 3-element to `x[0:2]`, of shape 2-element (the value must broadcast to it)")
        XCTAssertEqual(d.range, SourceRange(9, 18), "the caret is under the value")
        XCTAssertEqual(failure("x[5] = 1", in: s)?.message, "index_put: index 5 is out of range for axis 0 of size 3")
        XCTAssertEqual(failure("x[0] = \"a\"", in: s)?.message, "`x[0]` can only be given numbers or a tensor, got a string")
        XCTAssertEqual(failure("t = (1, 2); t[0] = 1", in: s)?.message,
                       "`t` holds a tuple; only a tensor's elements can be assigned (a new value for the whole name is `t = …`)")
        XCTAssertEqual(failure("x += ones(2)", in: s)?.message, "add: shapes 3-element and 2-element do not match (cannot broadcast)")
        XCTAssertEqual(show("x", in: s), "3-element\n[1, 2, 3]")
    }

    /// Hostile indexes end in a diagnostic (or an empty result), never a trap, and leave `x` as it was.
    func testHostileIndexesFailCleanly() {
        let s = Session()
        _ = s.run("x = reshape(arange(6), 2, 3)")
        let failing = [
            "x[[1e30]]", "x[[nan]]", "x[[0.5]]", "x[[-3]]", "x[..., ..., 0]", "x[0, 0, 0]", "x[[0], [0], [0]]",
            "x[1e9] = 1", "x[None] = zeros(2, 2, 3)", "x[zeros(2, 3) > -1] = [1, 2]", "x[x] = x / 0", "x[(1, 2)]",
            "x[[0], :, [0]]", "x[[0, 1], [0, 1, 2]]", "y = 3; y[0] = 1",
        ]
        for line in failing {
            XCTAssertNotNil(failure(line, in: s), line)
            XCTAssertEqual(show("x", in: s), "2×3\n[[0, 1, 2],\n [3, 4, 5]]", "after \(line)")
        }
        XCTAssertEqual(show("x[zeros(0)].shape", in: s), "2-element\n[0, 3]")
        XCTAssertEqual(show("x[zeros(2, 3) > 1]", in: s), "0-element\n[]")
        XCTAssertEqual(show("x[None, None, ..., None].shape", in: s), "5-element\n[1, 1, 2, 3, 1]")
        XCTAssertEqual(show("x[[[0, 1], [1, 0]], 0]", in: s), "2×2\n[[0, 3],\n [3, 0]]")
    }

    func testGradientFlowsToTheOldTensorAndTheValue() {
        let s = Session()
        _ = s.run("a = param([1, 2, 3]); v = param([10, 20]); x = a * 1; x[1:3] = v * 2; x[x > 30] += 1")
        _ = s.run("backward(sum(x * [1, 2, 3]))")
        XCTAssertEqual(show("grad(a)", in: s), "3-element\n[1, 0, 0]")
        XCTAssertEqual(show("grad(v)", in: s), "2-element\n[4, 6]")
        _ = s.run("w = param([1, 2, 3]); backward(sum(w[[2, 0, 2, 2]]))")
        XCTAssertEqual(show("grad(w)", in: s), "3-element\n[1, 0, 3]", "a repeated index accumulates")
    }

    func testExplainShowsEachNewOp() throws {
        let s = Session()
        _ = s.run("x = param([1, -2, 3])")
        let r = s.run("explain { y = x; y[0] = 5; sum(y[y > 0]) }")
        if let e = r.error { return XCTFail(e.message) }
        guard case .explanation(let e)? = r.lastValue else { return XCTFail("no explanation") }
        let ops = e.events.compactMap { ev -> String? in
            if case .op(let op) = ev.event { return "\(op.op): \(ev.text)" }
            return nil
        }
        XCTAssertEqual(ops, ["index_put: y[0] = 5", "greater: y > 0", "masked_select: y[y > 0]", "sum: sum(y[y > 0])"])
        XCTAssertEqual(Op.indexPut.spec.formula(Operands(labels: [Formula("x"), Formula("v")], inputs: [],
                                                         attributes: [("index", "0, 1:3")])).text, "x with x[0, 1:3] ← v")
    }
}
