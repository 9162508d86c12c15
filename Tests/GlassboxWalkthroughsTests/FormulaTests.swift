import XCTest
import GlassboxLanguage
import GlassboxTensors
@testable import GlassboxWalkthroughs

/// Formulas get exactly the parentheses they need; labels come from variables, earlier steps
/// or the constant's value; ASCII spelling for terminals that are not UTF-8.
final class FormulaTests: XCTestCase {
    let a = Formula("a"), b = Formula("b"), c = Formula("c")

    func testParenthesesFollowPrecedenceAndAssociativity() {
        let sum = Formula.infix(a, "+", b, .sum, associative: true)
        XCTAssertEqual(Formula.infix(sum, "⊙", c, .product, associative: true).text, "(a + b) ⊙ c")
        XCTAssertEqual(Formula.infix(c, "+", sum, .sum, associative: true).text, "c + a + b")
        XCTAssertEqual(Formula.infix(c, "−", sum, .sum, associative: false).text, "c − (a + b)")
        let quotient = Formula.infix(a, "/", b, .product, associative: false)
        XCTAssertEqual(quotient.text, "a/b")
        XCTAssertEqual(Formula.infix(quotient, "·", c, .product, associative: true).text, "(a/b)·c", "mixed products keep brackets")
        XCTAssertEqual(Formula.infix(c, "/", quotient, .product, associative: false).text, "c/(a/b)")
        XCTAssertEqual(Formula.negate(sum).text, "−(a + b)")
        XCTAssertEqual(Formula.transposed(sum).text, "(a + b)ᵀ")
        XCTAssertEqual(Formula.transposed(a).text, "aᵀ")
        XCTAssertEqual(Formula.power(sum, Formula("2"), exponentValue: 2).text, "(a + b)²")
        XCTAssertEqual(Formula.power(a, Formula("0.5"), exponentValue: 0.5).text, "a^0.5")
        XCTAssertEqual(Formula.squareRoot(sum).text, "√(a + b)")
    }

    func testPrimitiveFormulas() throws {
        let x = try Tensor(shape: [2], data: [1, 2]), two = Tensor(scalar: 2)
        func f(_ op: Op, _ inputs: [Tensor], _ labels: [Formula]) -> String? {
            op.spec.display == .math ? op.spec.formula(Operands(labels: labels, inputs: inputs)).text : nil
        }
        XCTAssertEqual(f(.mul, [x, x], [a, b]), "a ⊙ b")
        XCTAssertEqual(f(.mul, [x, two], [a, Formula("2")]), "a·2", "a product with a number")
        XCTAssertEqual(f(.matmul, [x, x], [a, Formula.transposed(b)]), "a·bᵀ")
        XCTAssertEqual(f(.sigmoid, [x], [a]), "σ(a)")
        XCTAssertEqual(f(.pow, [x, two], [a, Formula("2")]), "a²")
        XCTAssertEqual(f(.sum, [x], [a]), "Σ a")
        XCTAssertEqual(f(.lessEqual, [x, x], [a, b]), "a ≤ b")
        XCTAssertNil(f(.randn, [], []), "creation ops are shown by their source text")
    }

    func testLabelsPreferVariablesThenStepsThenValues() throws {
        let s = Session()
        run("x = [1, 2]; y = x", in: s)
        let w = try walkthrough("explain exp(x) * 2 + [[1, 2, 3, 4, 5]] @ ones(5, 2)", in: s)
        XCTAssertEqual(w.steps.map(\.formula), ["exp(x)", "exp(x)·2", "ones(5, 2)", "⟨1×5⟩·ones(5, 2)", "exp(x)·2 + ⟨1×5⟩·ones(5, 2)"])
        let long = try walkthrough("explain exp(exp(exp(exp(exp(x) + 1) + 1) + 1) + 1) + 1", in: s)
        XCTAssertEqual(long.steps.last?.formula, "exp(exp([6]) + 1) + 1", "a long formula is referred to by its step number")
    }

    func testALongLoopIsCountedNotShown() throws {
        let s = Session()
        run("x = 0", in: s)
        let w = try walkthrough("explain { for i in 1...3000 { x = x + 1 }; x }", in: s)
        XCTAssertEqual(w.steps.count, Walkthrough.maxSteps)
        XCTAssertEqual(w.omitted, 1000)
        let text = ExplainRenderer().render(w)
        XCTAssertTrue(text.contains("… and 1000 more events not shown"))
    }

    /// FOLLOWUPS 18: past explain's byte bound the recording stops, and the walkthrough (text
    /// and JSON) says so, where, and how much ran unrecorded, instead of ending silently.
    func testACutRecordingSaysWhereAndWhyInTextAndJSON() throws {
        let saved = Tensor.allocationLimit
        Tensor.allocationLimit = 9 << 20   // explain keeps at most min(this, 1 GiB) of tensors
        defer { Tensor.allocationLimit = saved }
        let s = Session()
        run("n = 524288", in: s)
        let w = try walkthrough("explain { for i in 1...5 { y = zeros(n) + 1 }; y }", in: s)
        let cut = try XCTUnwrap(w.truncation)
        XCTAssertEqual(cut.reason, .bytes)
        XCTAssertEqual(cut.recorded, 4, "two 2 MiB tensors per iteration; the fifth would pass 9 MiB")
        XCTAssertEqual(cut.unrecorded, 6)
        XCTAssertEqual(w.steps.count, 4)
        XCTAssertEqual(w.cutLines.count, 1)
        XCTAssertTrue(w.cutLines[0].hasPrefix("recording cut short after step [4] "), w.cutLines[0])
        XCTAssertTrue(w.cutLines[0].hasSuffix("explain keeps at most 9 MiB of tensors; 6 more ops ran unrecorded"), w.cutLines[0])
        let text = ExplainRenderer().render(w)
        XCTAssertTrue(text.contains("cut short"), String(text.prefix(300)))
        XCTAssertTrue(text.contains("6 more ops ran unrecorded"), String(text.suffix(300)))
        let json = TraceJSON.line(w, cell: 1)
        XCTAssertTrue(json.hasSuffix("\"truncated\": {\"after_step\": 4, \"reason\": \"bytes\", \"limit\": \(9 << 20), \"unrecorded\": 6, \"message\": \"\(w.cutLines[0])\"}}"),
                      String(json.suffix(300)))
        // The value is still the whole expression's.
        guard case .tensor(let y) = w.value else { return XCTFail("\(w.value)") }
        XCTAssertEqual(y.shape, [1 << 19])
        // A recording within the bounds says nothing of the kind.
        let whole = try walkthrough("explain zeros(2) + 1", in: s)
        XCTAssertNil(whole.truncation)
        XCTAssertFalse(TraceJSON.line(whole, cell: 2).contains("truncated"))
    }

    func testASCIISpelling() {
        XCTAssertEqual(ASCIIMath.transliterate("σ(x·W_iiᵀ + b_ii) ⊙ c_{t−1}"), "sigmoid(x*W_ii' + b_ii) * c_{t-1}")
        XCTAssertEqual(ASCIIMath.transliterate("m_t/(1 − β₁ᵗ)"), "m_t/(1 - beta1^t)")
        XCTAssertEqual(ASCIIMath.transliterate("x̂ = (x − μ)/√(σ² + ε)"), "xhat = (x - mu)/sqrt(var + eps)")
        XCTAssertEqual(ASCIIMath.transliterate("plain"), "plain")
        XCTAssertTrue(ASCIIMath.transliterate("∂L/∂z₃ ⟨2×3⟩ 中").unicodeScalars.allSatisfy(\.isASCII))
    }

    func testLocalDerivativesOfCommonOps() throws {
        let x = try Tensor(shape: [2], data: [1, 2])
        func rule(_ op: Op, _ n: Int, _ inputs: [Tensor]? = nil) -> DerivativeRule? {
            op.spec.derivative(Operands(labels: [a, b].prefix(n).map { $0 }, inputs: inputs ?? Array(repeating: x, count: n),
                                        outputs: [Formula("z")], upstream: ["∂L/∂z"], number: Labeler.number))
        }
        XCTAssertEqual(rule(.mul, 2)?.gradients, ["∂L/∂z ⊙ b", "∂L/∂z ⊙ a"])
        XCTAssertEqual(rule(.matmul, 2)?.gradients, ["∂L/∂z·bᵀ", "aᵀ·∂L/∂z"])
        XCTAssertEqual(rule(.tanh, 1)?.gradients, ["∂L/∂z ⊙ (1 − z²)"])
        XCTAssertEqual(rule(.sigmoid, 1)?.local, "∂z/∂a = σ(a)·(1 − σ(a)) = z ⊙ (1 − z)")
        XCTAssertEqual(rule(.div, 2)?.gradients, ["(∂L/∂z)/b", "−∂L/∂z ⊙ a/b²"])
        XCTAssertEqual(rule(.pow, 2, [x, Tensor(scalar: 3)])?.gradients.first, "∂L/∂z ⊙ (3·a²)", "n·aⁿ⁻¹ for a constant n")
        XCTAssertEqual(rule(.pow, 2, [x, Tensor(scalar: 2)])?.gradients.first, "∂L/∂z ⊙ (2·a)")
        XCTAssertNil(rule(.less, 2), "a comparison records no node")
    }
}
