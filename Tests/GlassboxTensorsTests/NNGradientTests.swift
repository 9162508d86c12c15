import XCTest
@testable import GlassboxTensors

/// Gradients of the nn ops against central finite differences, and the fused ops against the
/// same computation composed from primitives (values and gradients).
final class NNGradientTests: XCTestCase {
    override func setUp() { Trace.listener = nil; GradMode.isEnabled = true; Interrupt.clear() }

    // MARK: - Finite differences

    func testSoftmaxFamily() throws {
        let x = try GradCheck.param([3, 5], -2, 2, seed: 11)
        for axis in [-1, 0] {
            try GradCheck.check([x]) { try Ops.softmax($0[0], axis: axis) }
            try GradCheck.check([x]) { try Ops.logSoftmax($0[0], axis: axis) }
            try GradCheck.check([x]) { try Ops.logsumexp($0[0], axis: axis) }
        }
        let x3 = try GradCheck.param([2, 3, 4], seed: 12)
        try GradCheck.check([x3]) { try Ops.softmax($0[0], axis: 1) }
        try GradCheck.check([x3]) { try Ops.logsumexp($0[0], axis: 1, keepDims: true) }
    }

    func testConcatStack() throws {
        let a = try GradCheck.param([2, 3], seed: 13), b = try GradCheck.param([2, 1], seed: 14), c = try GradCheck.param([2, 3], seed: 15)
        try GradCheck.check([a, b, c]) { try Ops.concat($0, axis: 1) }
        try GradCheck.check([a, c]) { try Ops.concat($0, axis: 0) }
        try GradCheck.check([a, c]) { try Ops.stack($0, axis: 1) }
        try GradCheck.check([a, c]) { try Ops.stack($0, axis: -1) }
        XCTAssertEqual(try Ops.concat([a, b], axis: 1).shape, [2, 4])
        XCTAssertEqual(try Ops.stack([a, c], axis: 2).shape, [2, 3, 2])
        XCTAssertEqual(try Ops.concat([tensor([2], [1, 2]), tensor([1], [3])]).toArray(), [1, 2, 3])
        XCTAssertEqual(try Ops.stack([tensor([2], [1, 2]), tensor([2], [3, 4])], axis: 1).toArray(), [1, 3, 2, 4])
        XCTAssertThrowsError(try Ops.concat([a, b], axis: 0)) {
            XCTAssertEqual("\($0)", "concat: shapes 2×3 and 2×1 do not match (all dimensions except axis 0 must match)")
        }
        XCTAssertThrowsError(try Ops.stack([a, b]))
        XCTAssertThrowsError(try Ops.concat([]))
    }

    func testLosses() throws {
        let p = try GradCheck.param([4, 3], seed: 16), t = try Ops.randn([4, 3])
        try GradCheck.check([p]) { try Ops.mse($0[0], t) }
        XCTAssertThrowsError(try Ops.mse(p, Ops.zeros([4])))
        let logits = try GradCheck.param([4, 5], -2, 2, seed: 17)
        let labels = tensor([4], [0, 4, 2, 2])
        try GradCheck.check([logits]) { try Ops.crossEntropy($0[0], labels) }
        let single = try GradCheck.param([5], seed: 18)
        try GradCheck.check([single]) { try Ops.crossEntropy($0[0], Tensor(scalar: 3)) }
        XCTAssertThrowsError(try Ops.crossEntropy(logits, tensor([4], [0, 5, 1, 1]))) {
            XCTAssertEqual("\($0)", "cross_entropy: label 5.0 is not a class index in 0...4")
        }
        XCTAssertThrowsError(try Ops.crossEntropy(logits, tensor([4], [0, 1.5, 1, 1])))
        XCTAssertThrowsError(try Ops.crossEntropy(logits, tensor([3], [0, 1, 1])))
    }

    func testLinear() throws {
        let x = try GradCheck.param([3, 4], seed: 19), W = try GradCheck.param([2, 4], seed: 20), b = try GradCheck.param([2], seed: 21)
        try GradCheck.check([x, W, b]) { try Ops.linear($0[0], $0[1], $0[2]) }
        XCTAssertThrowsError(try Ops.linear(x, Ops.zeros([4, 2]), b)) {
            XCTAssertEqual("\($0)", "linear: shapes 3×4 and 4×2 do not match (x's last dimension must equal W's in-features (W is (out, in)))")
        }
    }

    func testRNNCell() throws {
        let (B, I, H) = (3, 4, 5)
        let x = try GradCheck.param([B, I], seed: 22), h = try GradCheck.param([B, H], seed: 23)
        let Wih = try GradCheck.param([H, I], -0.5, 0.5, seed: 24), Whh = try GradCheck.param([H, H], -0.5, 0.5, seed: 25)
        let bih = try GradCheck.param([H], seed: 26), bhh = try GradCheck.param([H], seed: 27)
        try GradCheck.check([x, h, Wih, Whh, bih, bhh]) { try Ops.rnnCell($0[0], $0[1], $0[2], $0[3], $0[4], $0[5]) }
        // unbatched
        let x1 = try GradCheck.param([I], seed: 28), h1 = try GradCheck.param([H], seed: 29)
        try GradCheck.check([x1, h1, Wih]) { try Ops.rnnCell($0[0], $0[1], $0[2], Whh, bih, bhh) }
        XCTAssertThrowsError(try Ops.rnnCell(x, h, Whh, Whh, bih, bhh)) {
            XCTAssertEqual("\($0)", "rnn_cell: shapes 5×5 and 5×4 do not match (W_ih must be (H, I))")
        }
    }

    func testLSTMCellBothOutputs() throws {
        let (B, I, H) = (2, 3, 4)
        let x = try GradCheck.param([B, I], seed: 30), h = try GradCheck.param([B, H], seed: 31), c = try GradCheck.param([B, H], seed: 32)
        let Wih = try GradCheck.param([4 * H, I], -0.5, 0.5, seed: 33), Whh = try GradCheck.param([4 * H, H], -0.5, 0.5, seed: 34)
        let bih = try GradCheck.param([4 * H], seed: 35), bhh = try GradCheck.param([4 * H], seed: 36)
        let all = [x, h, c, Wih, Whh, bih, bhh]
        try GradCheck.check(all) { p in try Ops.lstmCell(p[0], p[1], p[2], p[3], p[4], p[5], p[6]).h }
        try GradCheck.check(all) { p in try Ops.lstmCell(p[0], p[1], p[2], p[3], p[4], p[5], p[6]).c }
        // both outputs reaching the loss (the multi-output node gets both upstream gradients)
        try GradCheck.check(all) { p in
            let (h2, c2) = try Ops.lstmCell(p[0], p[1], p[2], p[3], p[4], p[5], p[6])
            return try Ops.add(Ops.mul(h2, Tensor(scalar: 2)), c2)
        }
    }

    func testAttention() throws {
        let q = try GradCheck.param([2, 3, 4], seed: 37), k = try GradCheck.param([2, 5, 4], seed: 38), v = try GradCheck.param([2, 5, 2], seed: 39)
        try GradCheck.check([q, k, v]) { try Ops.attention($0[0], $0[1], $0[2]) }
        let mask = try Ops.index(Ops.causalMask(5), [.slice(start: 0, stop: 3, step: nil)])   // (3, 5)
        try GradCheck.check([q, k, v]) { try Ops.attention($0[0], $0[1], $0[2], mask: mask) }
        XCTAssertThrowsError(try Ops.attention(q, v, v))
    }

    func testLayerNorm() throws {
        let x = try GradCheck.param([3, 6], -2, 2, seed: 40), g = try GradCheck.param([6], 0.5, 1.5, seed: 41), b = try GradCheck.param([6], seed: 42)
        try GradCheck.check([x, g, b], h: 1e-2, tol: 3e-3) { try Ops.layerNorm($0[0], $0[1], $0[2]) }
        XCTAssertThrowsError(try Ops.layerNorm(x, Ops.ones([5]), b))
    }

    // MARK: - Fused equals composed

    /// lstm_cell against the same cell built from matmul, add, slicing, σ, tanh and ⊙.
    func testLSTMCellEqualsComposed() throws {
        let (B, I, H) = (3, 5, 4)
        RandomSource.seed(5)
        let x = try Ops.param(Ops.randn([B, I])), h = try Ops.param(Ops.randn([B, H])), c = try Ops.param(Ops.randn([B, H]))
        let Wih = try Ops.param(Ops.randn([4 * H, I])), Whh = try Ops.param(Ops.randn([4 * H, H]))
        let bih = try Ops.param(Ops.randn([4 * H])), bhh = try Ops.param(Ops.randn([4 * H]))
        let all = [x, h, c, Wih, Whh, bih, bhh]

        func composed() throws -> (Tensor, Tensor) {
            let pre = try Ops.add(Ops.add(Ops.linear(x, Wih, bih), Ops.linear(h, Whh)), bhh)
            func block(_ k: Int) throws -> Tensor { try Ops.index(pre, [.all, .slice(start: k * H, stop: (k + 1) * H, step: nil)]) }
            let i = try Ops.sigmoid(block(0)), f = try Ops.sigmoid(block(1)), g = try Ops.tanh(block(2)), o = try Ops.sigmoid(block(3))
            let c2 = try Ops.add(Ops.mul(f, c), Ops.mul(i, g))
            return (try Ops.mul(o, Ops.tanh(c2)), c2)
        }
        try assertSameValueAndGradients(all, fused: {
            let (h2, c2) = try Ops.lstmCell(x, h, c, Wih, Whh, bih, bhh); return [h2, c2]
        }, composed: { let (h2, c2) = try composed(); return [h2, c2] })
    }

    /// attention against softmax(Q·Kᵀ/√d + M)·V from primitives, with and without a mask.
    func testAttentionEqualsComposed() throws {
        RandomSource.seed(6)
        let q = try Ops.param(Ops.randn([2, 4, 3])), k = try Ops.param(Ops.randn([2, 4, 3])), v = try Ops.param(Ops.randn([2, 4, 5]))
        for mask in [nil, try Ops.causalMask(4)] {
            try assertSameValueAndGradients([q, k, v], fused: { [try Ops.attention(q, k, v, mask: mask)] }, composed: {
                var s = try Ops.div(Ops.matmul(q, Ops.swapAxes(k, -1, -2)), Tensor(scalar: Float(3).squareRoot()))
                if let mask { s = try Ops.add(s, mask) }
                return [try Ops.matmul(Ops.softmax(s), v)]
            })
        }
    }

    /// layer_norm against (x − mean)/√(var + eps)·γ + β from primitives.
    func testLayerNormEqualsComposed() throws {
        RandomSource.seed(7)
        let x = try Ops.param(Ops.randn([4, 7])), g = try Ops.param(Ops.randn([7])), b = try Ops.param(Ops.randn([7]))
        try assertSameValueAndGradients([x, g, b], fused: { [try Ops.layerNorm(x, g, b)] }, composed: {
            let mu = try Ops.mean(x, axis: -1, keepDims: true), v = try Ops.variance(x, axis: -1, keepDims: true)
            let n = try Ops.div(Ops.sub(x, mu), Ops.sqrt(Ops.add(v, Tensor(scalar: 1e-5))))
            return [try Ops.add(Ops.mul(n, g), b)]
        })
    }

    /// rnn_cell against tanh(linear(x, W_ih, b_ih) + linear(h, W_hh, b_hh)).
    func testRNNCellEqualsComposed() throws {
        RandomSource.seed(8)
        let x = try Ops.param(Ops.randn([3, 4])), h = try Ops.param(Ops.randn([3, 5]))
        let Wih = try Ops.param(Ops.randn([5, 4])), Whh = try Ops.param(Ops.randn([5, 5]))
        let bih = try Ops.param(Ops.randn([5])), bhh = try Ops.param(Ops.randn([5]))
        try assertSameValueAndGradients([x, h, Wih, Whh, bih, bhh], fused: { [try Ops.rnnCell(x, h, Wih, Whh, bih, bhh)] }, composed: {
            [try Ops.tanh(Ops.add(Ops.linear(x, Wih, bih), Ops.linear(h, Whh, bhh)))]
        })
    }

    /// cross_entropy against −mean(Σ_c onehot ⊙ log_softmax(logits)).
    func testCrossEntropyEqualsComposed() throws {
        RandomSource.seed(10)
        let logits = try Ops.param(Ops.mul(Ops.randn([5, 4]), Tensor(scalar: 3)))
        let labels = tensor([5], [3, 0, 1, 1, 2])
        let onehot = try Ops.equal(Ops.reshape(labels, [5, 1]), Ops.arange(0, 4))
        try assertSameValueAndGradients([logits], fused: { [try Ops.crossEntropy(logits, labels)] }, composed: {
            [try Ops.neg(Ops.mean(Ops.sum(Ops.mul(onehot, Ops.logSoftmax(logits)), axis: 1)))]
        })
    }

    /// Runs both versions, compares outputs, then backward of Σ wᵢ·outᵢ and compares every gradient.
    func assertSameValueAndGradients(_ params: [Tensor], fused: () throws -> [Tensor], composed: () throws -> [Tensor],
                                     tol: Float = 2e-5, file: StaticString = #filePath, line: UInt = #line) throws {
        func lossAndGrads(_ f: () throws -> [Tensor]) throws -> ([[Float]], [[Float]]) {
            let outs = try f()
            var loss = Tensor(scalar: 0)
            for (k, o) in outs.enumerated() {
                let w = try Tensor(shape: o.shape, data: GradCheck.weights(count: o.count).map { $0 * Float(k + 1) })
                loss = try Ops.add(loss, Ops.sum(Ops.mul(o, w)))
            }
            try Autograd.backward(loss)
            return (outs.map { $0.toArray() }, params.map { $0.grad?.toArray() ?? [] })
        }
        let (fv, fg) = try lossAndGrads(fused), (cv, cg) = try lossAndGrads(composed)
        for k in 0..<fv.count { assertClose(fv[k], cv[k], tol: tol, "output \(k)", file: file, line: line) }
        for k in 0..<fg.count { assertClose(fg[k], cg[k], tol: 10 * tol, "gradient of param \(k)", file: file, line: line) }
    }
}
