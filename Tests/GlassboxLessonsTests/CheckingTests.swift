import XCTest
import GlassboxLanguage
@testable import GlassboxLessons

/// `:check`: exact / approximate / wrong with the max difference, shapes explained in words, and
/// the expected quantity computed by the kernels from an expression.
final class CheckingTests: XCTestCase {
    var session = Session()

    override func setUp() {
        session = Session()
        run("x = linspace(-4, 4, 9)")
    }

    func run(_ code: String, file: StaticString = #filePath, line: UInt = #line) {
        let result = session.run(code)
        if let error = result.error { XCTFail("\(code): \(error)", file: file, line: line) }
    }

    let derivative = Exercise(
        id: "sigmoid-derivative", prompt: "σ′(x)", answer: "ds",
        expect: "(sigmoid(x + 1e-3) - sigmoid(x - 1e-3)) / 2e-3", tolerance: .within(1e-4),
        hints: ["product", "σ(1−σ)"], solution: "ds = sigmoid(x) * (1 - sigmoid(x))")

    func testTheSolutionIsApproximatelyTheFiniteDifference() {
        run("ds = sigmoid(x) * (1 - sigmoid(x))")
        let result = derivative.check(in: session)
        guard case .approximate(let d) = result.verdict else { return XCTFail("\(result.verdict)") }
        XCTAssertGreaterThan(d, 0)
        XCTAssertLessThan(d, 1e-4)
        XCTAssertTrue(result.passed)
        XCTAssertTrue(result.message.hasPrefix("approximate (max difference "), result.message)
    }

    func testAWrongAnswerFailsWithItsMaxDifference() {
        run("ds = sigmoid(x)")    // forgot the (1 − σ) factor
        let result = derivative.check(in: session)
        guard case .wrong(let d) = result.verdict else { return XCTFail("\(result.verdict)") }
        // max |σ − σ(1−σ)| over x = −4…4 is at x = 4: σ(4)² ≈ 0.9643
        XCTAssertEqual(d, 0.9643, accuracy: 1e-3)
        XCTAssertFalse(result.passed)
        XCTAssertEqual(result.message, "wrong (max difference 0.96)")
    }

    func testANearAnswerWithinTheTolerancePasses() {
        run("ds = sigmoid(x) * (1 - sigmoid(x)) + 5e-5")
        XCTAssertTrue(derivative.check(in: session).passed)
        run("ds = sigmoid(x) * (1 - sigmoid(x)) + 5e-4")
        XCTAssertFalse(derivative.check(in: session).passed)
    }

    func testRelativeToleranceScalesWithTheQuantity() {
        let e = Exercise(id: "big", prompt: "", answer: "y", expect: "x * 1e6", tolerance: .within(1e-5), solution: "")
        run("x = linspace(1, 4, 4)")
        run("y = x * 1e6 + 5")        // 5 off on numbers from 1e6: relative error ≤ 5e-6
        XCTAssertTrue(e.check(in: session).passed)
        run("y = x * 1e6 + 100")
        XCTAssertFalse(e.check(in: session).passed)
    }

    func testExactAnswer() {
        let e = Exercise(id: "double", prompt: "", answer: "y", expect: "x + x", tolerance: .exact, solution: "")
        run("y = 2 * x")
        let result = e.check(in: session)
        XCTAssertEqual(result.verdict, .exact)
        XCTAssertEqual(result.message, "exact")
        run("y = 2 * x + 1e-6")
        guard case .wrong = e.check(in: session).verdict else { return XCTFail("exact tolerance must refuse near answers") }
    }

    func testShapeMismatchIsExplainedInWords() {
        run("ds = reshape(sigmoid(x) * (1 - sigmoid(x)), 9, 1)")
        let result = derivative.check(in: session)
        XCTAssertEqual(result.verdict, .shapeMismatch(answer: [9, 1], expected: [9], item: nil))
        XCTAssertTrue(result.message.hasPrefix("your ds has shape 9×1 but the expected quantity has shape 9-element"), result.message)
        XCTAssertFalse(result.passed)
    }

    func testTheClassicBroadcastMistakeIsNamed() {
        // A 9-element vector and a 9×1 broadcast to 9×9.
        run("ds = sigmoid(x) * (1 - reshape(sigmoid(x), 9, 1))")
        let message = derivative.check(in: session).message
        XCTAssertTrue(message.contains("has shape 9×9"), message)
        XCTAssertTrue(message.contains("a 9-element vector and a 9×1 broadcast to 9×9"), message)
    }

    func testShapeAdvice() {
        XCTAssertTrue(Exercise.shapeAdvice([3, 2], [2, 3], subject: "your W").contains("transposed (try W')"))
        XCTAssertTrue(Exercise.shapeAdvice([], [3], subject: "your y").contains("one number too early"))
        XCTAssertTrue(Exercise.shapeAdvice([6], [2, 3], subject: "your y").contains("arranged differently"))
        XCTAssertTrue(Exercise.shapeAdvice([2], [2, 3], subject: "your y").contains("wrong axis"))
    }

    func testTheExpectedQuantityFollowsTheSession() {
        // Not a number written into the lesson: change x and the expected quantity changes with it.
        run("x = [0, 1]")
        run("ds = sigmoid(x) * (1 - sigmoid(x))")
        XCTAssertTrue(derivative.check(in: session).passed)
    }

    func testTheExpectedQuantityLeavesTheLearnersNamesAlone() {
        // Lesson 4's `used-twice`: a block in `expect` binds names at the top level.
        run("y2 = 100; print_me = 1")
        let exercise = Exercise(
            id: "used-twice", prompt: "dy/du", answer: "du",
            expect: "{ u = param(1.5); y2 = u * u * u + 2 * u; print(\"from expect\"); backward(y2); grad(u) }",
            tolerance: .within(1e-5), hints: [], solution: "du = 3 * 1.5^2 + 2")
        run("du = 3 * 1.5^2 + 2")
        var printed: [String] = []
        session.output = { printed.append($0) }
        let namesBefore = session.variables.map(\.name)
        let y2Before = session.value(of: "y2")?.tensor
        XCTAssertTrue(exercise.check(in: session).passed)
        XCTAssertNil(session.value(of: "u"), "`u` from the expectation must not appear")
        XCTAssertTrue(session.value(of: "y2")?.tensor === y2Before, "the learner's `y2` is the learner's again")
        XCTAssertEqual(session.variables.map(\.name), namesBefore)
        XCTAssertEqual(printed, [], "what the expectation prints is not shown")
        // A built-in the expectation shadows comes back.
        let shadowing = Exercise(id: "s", prompt: "", answer: "du", expect: "{ sum = 3; 3 * 1.5^2 + 2 }",
                                 tolerance: .within(1e-5), hints: [], solution: "")
        XCTAssertTrue(shadowing.check(in: session).passed)
        XCTAssertEqual(session.run("sum([1, 2])").lastValue?.tensor?.scalarValue, 3)
    }

    func testUndefinedAnswer() {
        let result = derivative.check(in: session)
        XCTAssertEqual(result.verdict, .notDefined(name: "ds"))
        XCTAssertTrue(result.message.contains("`ds` is not defined yet"))
    }

    func testCheckAnExpressionDirectly() {
        XCTAssertTrue(derivative.check(in: session, expression: "sigmoid(x) * (1 - sigmoid(x))").passed)
        let bad = derivative.check(in: session, expression: "sigmoid(z)")
        guard case .answerFailed(let message) = bad.verdict else { return XCTFail("\(bad.verdict)") }
        XCTAssertTrue(message.contains("unknown name `z`"), message)
        XCTAssertTrue(bad.message.hasPrefix("`sigmoid(z)` could not be evaluated"))
    }

    func testExpectationThatCannotBeComputed() {
        run("ds = 1")
        run("x = \"no longer a tensor\"")
        let result = derivative.check(in: session)
        guard case .expectationFailed = result.verdict else { return XCTFail("\(result.verdict)") }
        XCTAssertFalse(result.passed)
    }

    func testKindMismatch() {
        run("ds = \"sigmoid\"")
        XCTAssertEqual(derivative.check(in: session).message, "your ds is a string but the expected quantity is a tensor of shape 9-element")
    }

    func testNaNs() throws {
        let e = Exercise(id: "log", prompt: "", answer: "y", expect: "log(x)", solution: "")
        run("y = log(x)")                      // NaN where x < 0, on both sides
        XCTAssertEqual(e.check(in: session).verdict, .exact)
        run("y = log(abs(x))")                 // a number where the expected quantity has NaN
        let result = e.check(in: session)
        guard case .wrong(let d) = result.verdict else { return XCTFail("\(result.verdict)") }
        XCTAssertTrue(d.isNaN)
        XCTAssertTrue(result.message.contains("nan"))
    }

    func testTuplesCompareItemByItem() {
        let e = Exercise(id: "pair", prompt: "", answer: "hc", expect: "(x, x * 2)", solution: "")
        run("hc = (x, x * 2)")
        XCTAssertEqual(e.check(in: session).verdict, .exact)
        run("hc = (x, reshape(x * 2, 9, 1))")
        let result = e.check(in: session)
        XCTAssertEqual(result.verdict, .shapeMismatch(answer: [9, 1], expected: [9], item: 1))
        XCTAssertTrue(result.message.hasPrefix("item [1] of your hc has shape 9×1"), result.message)
        run("hc = (x,)")
        XCTAssertTrue(e.check(in: session).message.contains("a tuple of 1"), e.check(in: session).message)
    }

    func testNumbersAndParameters() {
        let e = Exercise(id: "mean", prompt: "", answer: "m", expect: "mean(x)", solution: "")
        run("m = param(sum(x) / 9)")
        XCTAssertTrue(e.check(in: session).passed)
        run("m = x")
        XCTAssertEqual(e.check(in: session).message,
                       "your m has shape 9-element but the expected quantity is a single number: the exercise asks for one number (reduce with sum, mean or max?)")
    }

    func testShortNumbers() {
        XCTAssertEqual(shortNumber(0.41), "0.41")
        XCTAssertEqual(shortNumber(3.2e-7), "3.2e-07")
        XCTAssertEqual(shortNumber(12.0), "12")
        XCTAssertEqual(shortNumber(1e-5), "1e-05")
        XCTAssertEqual(shortNumber(0.001), "0.001")
        XCTAssertEqual(shortNumber(9.96), "10")
        XCTAssertEqual(shortNumber(123456), "1.2e+05")
        XCTAssertEqual(shortNumber(-0.5), "-0.5")
        XCTAssertEqual(shortNumber(.infinity), "inf")
    }
}
