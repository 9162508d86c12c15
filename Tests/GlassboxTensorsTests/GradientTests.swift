import XCTest
@testable import GlassboxTensors

/// Every differentiable op's gradient against central finite differences (see `GradCheck`).
final class GradientTests: XCTestCase {
    override func setUp() { Trace.listener = nil; GradMode.isEnabled = true; Interrupt.clear() }

    func testUnaryOps() throws {
        let ops: [(String, (Tensor) throws -> Tensor, Float, Float)] = [
            ("neg", Ops.neg, -2, 2), ("exp", Ops.exp, -2, 2), ("log", Ops.log, 0.5, 3), ("sqrt", Ops.sqrt, 0.5, 3),
            ("abs", Ops.abs, 0.2, 2), ("tanh", Ops.tanh, -2, 2), ("sigmoid", Ops.sigmoid, -3, 3),
            ("relu", Ops.relu, 0.1, 2), ("gelu", Ops.gelu, -3, 3),
        ]
        for (name, f, lo, hi) in ops {
            let x = try GradCheck.param([7], lo, hi)
            try GradCheck.check([x]) { p in try f(p[0]) }
            _ = name
        }
        // relu and abs on the negative side (away from the kink)
        try GradCheck.check([try GradCheck.param([5], -2, -0.1)]) { try Ops.relu($0[0]) }
        try GradCheck.check([try GradCheck.param([5], -2, -0.1)]) { try Ops.abs($0[0]) }
    }

    func testBinaryOpsWithBroadcasting() throws {
        let a = try GradCheck.param([3, 4], 0.5, 2, seed: 1), b = try GradCheck.param([4], 0.5, 2, seed: 2)
        let c = try GradCheck.param([3, 1], 0.5, 2, seed: 3), s = try GradCheck.param([], 0.5, 2, seed: 4)
        try GradCheck.check([a, b]) { try Ops.add($0[0], $0[1]) }
        try GradCheck.check([a, c]) { try Ops.sub($0[0], $0[1]) }
        try GradCheck.check([b, c]) { try Ops.mul($0[0], $0[1]) }
        try GradCheck.check([a, s]) { try Ops.div($0[0], $0[1]) }
        try GradCheck.check([s, a]) { try Ops.div($0[0], $0[1]) }
        try GradCheck.check([a, c], h: 1e-3) { try Ops.pow($0[0], $0[1]) }
        try GradCheck.check([a, b], h: 1e-3) { try Ops.maximum($0[0], $0[1]) }
        try GradCheck.check([a, c], h: 1e-3) { try Ops.minimum($0[0], $0[1]) }
        let cond = try Ops.greater(GradCheck.param([3, 4], seed: 5), Tensor(scalar: 0))
        try GradCheck.check([a, b]) { try Ops.select(cond, $0[0], $0[1]) }
    }

    func testMaximumTieSplitsGradient() throws {
        let a = try Ops.param(Tensor(scalar: 2)), b = try Ops.param(Tensor(scalar: 2))
        try Autograd.backward(Ops.maximum(a, b))
        XCTAssertEqual(a.grad?.scalarValue, 0.5); XCTAssertEqual(b.grad?.scalarValue, 0.5)
    }

    func testMatmulAllForms() throws {
        let A = try GradCheck.param([3, 4], seed: 1), B = try GradCheck.param([4, 2], seed: 2)
        let v = try GradCheck.param([4], seed: 3), u = try GradCheck.param([3], seed: 4)
        try GradCheck.check([A, B]) { try Ops.matmul($0[0], $0[1]) }
        try GradCheck.check([A, v]) { try Ops.matmul($0[0], $0[1]) }
        try GradCheck.check([u, A]) { try Ops.matmul($0[0], $0[1]) }
        try GradCheck.check([v, v]) { try Ops.matmul($0[0], $0[1]) }
        let X = try GradCheck.param([2, 1, 3, 4], seed: 5), W = try GradCheck.param([3, 4, 2], seed: 6)
        try GradCheck.check([X, W]) { try Ops.matmul($0[0], $0[1]) }
        try GradCheck.check([X, B]) { try Ops.matmul($0[0], $0[1]) }
        try GradCheck.check([A, B]) { try Ops.matmul(Ops.transpose($0[1]), Ops.transpose($0[0])) }
    }

    func testReductions() throws {
        let x = try GradCheck.param([3, 4, 2], seed: 7)
        for axis in [nil, 0, 1, -1] as [Int?] {
            try GradCheck.check([x]) { try Ops.sum($0[0], axis: axis) }
            try GradCheck.check([x]) { try Ops.mean($0[0], axis: axis) }
            try GradCheck.check([x]) { try Ops.variance($0[0], axis: axis) }
            try GradCheck.check([x], h: 1e-3) { try Ops.max($0[0], axis: axis) }
            try GradCheck.check([x], h: 1e-3) { try Ops.min($0[0], axis: axis, keepDims: true) }
        }
    }

    func testViews() throws {
        let x = try GradCheck.param([3, 4], seed: 8)
        try GradCheck.check([x]) { try Ops.reshape($0[0], [2, 6]) }
        try GradCheck.check([x]) { try Ops.transpose($0[0]) }
        try GradCheck.check([x]) { try Ops.index($0[0], [.slice(start: nil, stop: nil, step: -2), .index(1)]) }
        try GradCheck.check([x]) { try Ops.index($0[0], [.all, .slice(start: 1, stop: 3, step: nil)]) }
        // a non-contiguous view feeding elementwise ops and a reshape (which copies)
        try GradCheck.check([x]) { try Ops.reshape(Ops.exp(Ops.transpose($0[0])), [12]) }
    }
}
