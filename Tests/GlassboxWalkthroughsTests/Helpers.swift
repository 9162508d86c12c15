import XCTest
import GlassboxLanguage
import GlassboxTensors
@testable import GlassboxWalkthroughs

extension XCTestCase {
    /// Runs `code` in `session`, failing the test on an error.
    func run(_ code: String, in session: Session, file: StaticString = #filePath, line: UInt = #line) {
        let result = session.run(code)
        if let error = result.error { XCTFail("`\(code)` failed: \(error.formatted())", file: file, line: line) }
    }

    /// The walkthrough of `explain EXPR` (pass the whole `explain …` statement).
    func walkthrough(_ code: String, in session: Session, file: StaticString = #filePath, line: UInt = #line) throws -> Walkthrough {
        let result = session.run(code)
        if let error = result.error { throw error }
        guard case .explanation(let e)? = result.lastValue else {
            XCTFail("`\(code)` gave no explanation", file: file, line: line)
            throw XCTSkip("no explanation")
        }
        return Walkthrough(e, session: session)
    }

    /// The tensor bound to `name`.
    func tensor(_ name: String, in session: Session, file: StaticString = #filePath, line: UInt = #line) throws -> Tensor {
        guard case .tensor(let t)? = session.value(of: name) else {
            XCTFail("`\(name)` is not a tensor", file: file, line: line)
            throw XCTSkip("no tensor")
        }
        return t
    }

    /// Asserts two tensors hold the same shape and bit-for-bit the same floats.
    func assertBitIdentical(_ a: Tensor?, _ b: Tensor?, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let a, let b else { return XCTFail("\(what): missing tensor", file: file, line: line) }
        XCTAssertEqual(a.shape, b.shape, "\(what): shapes", file: file, line: line)
        let x = a.toArray(), y = b.toArray()
        for (k, (p, q)) in zip(x, y).enumerated() where p.bitPattern != q.bitPattern {
            return XCTFail("\(what): element \(k) differs: \(p) vs \(q) (first values \(x.prefix(4)) vs \(y.prefix(4)))",
                           file: file, line: line)
        }
    }

    /// Asserts |a − b| ≤ tolerance elementwise (for checking that a step's label matches its value).
    func assertClose(_ a: Tensor?, _ b: Tensor?, _ what: String, tolerance: Float = 1e-5,
                     file: StaticString = #filePath, line: UInt = #line) {
        guard let a, let b else { return XCTFail("\(what): missing tensor", file: file, line: line) }
        XCTAssertEqual(a.count, b.count, "\(what): sizes", file: file, line: line)
        let x = a.toArray(), y = b.toArray()
        let worst = zip(x, y).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThanOrEqual(worst, tolerance, "\(what): max difference \(worst); \(x.prefix(4)) vs \(y.prefix(4))",
                                 file: file, line: line)
    }
}

/// Setups shared by the bit-for-bit tests and the snapshots: small, seeded, and named as a
/// learner would name them.
enum Setups {
    static let lstm = """
        seed(7)
        x = randn(2, 3)
        h = randn(2, 4)
        c = randn(2, 4)
        W_ih = randn(16, 3) * 0.5
        W_hh = randn(16, 4) * 0.5
        b_ih = randn(16) * 0.1
        b_hh = randn(16) * 0.1
        """
    static let rnn = """
        seed(8)
        x = randn(1, 3)
        h = randn(1, 4)
        W_ih = randn(4, 3) * 0.5
        W_hh = randn(4, 4) * 0.5
        b_ih = randn(4) * 0.1
        b_hh = randn(4) * 0.1
        """
    static let attention = """
        seed(9)
        Q = randn(3, 4)
        K = randn(3, 4)
        V = randn(3, 2)
        M = causal_mask(3)
        """
    static let layerNorm = """
        seed(10)
        x = randn(2, 5) * 3 + 1
        gamma = [1.0, 0.5, 2.0, 1.0, 1.5]
        beta = [0.0, 0.1, -0.1, 0.2, 0.0]
        """
    static let training = """
        seed(11)
        W = param(randn(2, 3) * 0.5)
        b = param(zeros(2))
        x = [[1.0, -2.0, 0.5]]
        target = [[0.5, -0.5]]
        loss = mse(x @ W' + b, target)
        backward(loss)
        """
    static let sharedUse = """
        w = param([1.0, -2.0, 3.0])
        y = sum(w * w + 3 * w)
        """
}
