import XCTest
@testable import GlassboxTensors

/// The vocabulary's gradients against central finite differences in Double (`GradCheck`), away
/// from kinks; the values and gradients are also checked against PyTorch (VocabularyTests).
final class VocabularyGradientTests: XCTestCase {
    override func setUp() { Trace.listener = nil; GradMode.isEnabled = true; Interrupt.clear() }

    func testElementwiseFunctions() throws {
        let ops: [(String, (Tensor) throws -> Tensor, Float, Float)] = [
            ("sin", Ops.sin, -3, 3), ("cos", Ops.cos, -3, 3), ("tan", Ops.tan, -1, 1), ("asin", Ops.asin, -0.8, 0.8),
            ("acos", Ops.acos, -0.8, 0.8), ("atan", Ops.atan, -3, 3), ("sinh", Ops.sinh, -2, 2), ("cosh", Ops.cosh, -2, 2),
            ("square", Ops.square, -2, 2), ("log1p", Ops.log1p, -0.5, 3), ("expm1", Ops.expm1, -2, 2),
            ("log2", Ops.log2, 0.5, 3), ("log10", Ops.log10, 0.5, 3), ("erf", Ops.erf, -2, 2), ("silu", Ops.silu, -3, 3),
            ("softplus", { try Ops.softplus($0) }, -3, 3), ("elu", { try Ops.elu($0, alpha: 0.7) }, -3, -0.1),
            ("leaky_relu", { try Ops.leakyRelu($0, negativeSlope: 0.2) }, -3, -0.1),
            ("relu6", Ops.relu6, 0.2, 5.8), ("clip", { try Ops.clip($0, min: -0.5, max: 0.5) }, -0.45, 0.45),
        ]
        for (name, f, lo, hi) in ops {
            let x = try GradCheck.param([7], lo, hi)
            try GradCheck.check([x]) { p in try f(p[0]) }
            XCTAssertNotNil(x.grad, name)
        }
        // Rounding has zero gradient (as PyTorch).
        for f in [Ops.floor, Ops.ceil, Ops.round, Ops.trunc, Ops.sign] {
            let x = try GradCheck.param([5], 0.1, 0.4)
            try Autograd.backward(Ops.sum(f(x)))
            XCTAssertEqual(x.grad?.toArray(), [0, 0, 0, 0, 0])
        }
        let a = try GradCheck.param([3, 4], -2, 2, seed: 1), b = try GradCheck.param([4], 0.5, 2, seed: 2)
        try GradCheck.check([a, b]) { try Ops.atan2($0[0], $0[1]) }
    }

    func testReductionsAndScans() throws {
        let x = try GradCheck.param([3, 4], 0.5, 1.5, seed: 3)
        try GradCheck.check([x]) { try Ops.prod($0[0], axis: 1) }
        try GradCheck.check([x]) { try Ops.prod($0[0]) }
        try GradCheck.check([x]) { try Ops.std($0[0], axis: 0, correction: 1) }
        try GradCheck.check([x]) { try Ops.variance($0[0], axis: -1, keepDims: true, correction: 1) }
        try GradCheck.check([x]) { try Ops.norm($0[0]) }
        try GradCheck.check([x]) { try Ops.norm($0[0], p: 3, axis: 1) }
        try GradCheck.check([x]) { try Ops.cumsum($0[0], axis: 1) }
        try GradCheck.check([x]) { try Ops.cumprod($0[0], axis: 0) }
        // With a zero: prod's and cumprod's gradients stay exact (no division by x).
        let z = try Ops.param(Tensor(shape: [4], data: [2, 0, 3, 4]))
        try GradCheck.check([z]) { try Ops.prod($0[0]) }
        try GradCheck.check([z]) { try Ops.cumprod($0[0], axis: 0) }
        // The 2-norm's gradient at 0 is 0 (as PyTorch), not NaN.
        let zero = try Ops.param(Ops.zeros([3]))
        try Autograd.backward(Ops.norm(zero))
        XCTAssertEqual(zero.grad?.toArray(), [0, 0, 0])
    }

    func testMovingElements() throws {
        let x = try GradCheck.param([3, 4], -2, 2, seed: 5)
        try GradCheck.check([x]) { try Ops.tril($0[0], k: 1) }
        try GradCheck.check([x]) { try Ops.triu($0[0], k: -1) }
        try GradCheck.check([x]) { try Ops.pad($0[0], [1, 2, 0, 1]) }
        try GradCheck.check([x]) { try Ops.expand(Ops.reshape($0[0], [3, 1, 4]), [3, 2, 4]) }
        try GradCheck.check([x]) { try Ops.diagonal($0[0]) }
        try GradCheck.check([x]) { try Ops.gather($0[0], axis: 1, Tensor(shape: [3, 2], data: [0, 0, 3, 1, 2, 2])) }
        try GradCheck.check([x]) { try Ops.sort($0[0], axis: 0, descending: true).values }
        try GradCheck.check([x]) { try Ops.topk($0[0], 2).values }
        let y = try GradCheck.param([2, 4], -2, 2, seed: 6)
        try GradCheck.check([x, y]) { try Ops.einsum("ij,kj->ik", $0) }
        let square = try GradCheck.param([3, 3], -2, 2, seed: 7)
        try GradCheck.check([square]) { try Ops.einsum("ii", $0) }
    }
}
