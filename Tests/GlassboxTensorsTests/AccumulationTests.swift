import XCTest
@testable import GlassboxTensors

/// Gradient accumulation in place (`Autograd.runNode`): a tensor used three times or more gets
/// its contributions added into one buffer that the backward pass owns, and the recurrent cells
/// add their weight gradients into it with a gemm. Nothing another tensor's gradient shares may
/// change, every backward starts afresh, and the result is what the pass gives with a listener
/// (where every total is a new tensor).
final class AccumulationTests: XCTestCase {
    override func setUp() { Trace.listener = nil; GradMode.isEnabled = true; Interrupt.clear() }
    override func tearDown() { Trace.listener = nil }

    final class Silent: TraceListener {
        func opDidRun(_ event: OpEvent) {}
        func backwardDidRun(_ event: BackwardEvent) {}
    }

    func testManyUsesSumAndSharedGradientsStayIntact() throws {
        // u = w + 0 hands its gradient to w unchanged (the same tensor); u is used three times
        // (∂/∂u = 1 + 2 + 3 = 6) and w once more directly (∂/∂w = 6 + 5 = 11).
        let w = try Ops.param(tensor([3], [1, -2, 0.5]))
        let u = try Ops.add(w, Tensor(scalar: 0))
        var loss = try Ops.sum(u)
        loss = try Ops.add(loss, Ops.sum(Ops.mul(u, Tensor(scalar: 2))))
        loss = try Ops.add(loss, Ops.sum(Ops.mul(u, Tensor(scalar: 3))))
        loss = try Ops.add(loss, Ops.sum(Ops.mul(w, Tensor(scalar: 5))))
        for _ in 0..<2 {   // a second backward replaces, never adds to, the first one's gradients
            try Autograd.backward(loss)
            XCTAssertEqual(u.grad?.toArray(), [6, 6, 6])
            XCTAssertEqual(w.grad?.toArray(), [11, 11, 11])
        }
        let earlier = try XCTUnwrap(w.grad)
        try Autograd.backward(loss)
        XCTAssertEqual(earlier.toArray(), [11, 11, 11], "a gradient from an earlier backward is never written")
    }

    func testTenUsesOfOneParameter() throws {
        let w = try Ops.param(tensor([2, 2], [1, 2, 3, 4]))
        var loss = Tensor(scalar: 0)
        for k in 1...10 { loss = try Ops.add(loss, Ops.sum(Ops.mul(w, Tensor(scalar: Float(k))))) }
        try Autograd.backward(loss)
        XCTAssertEqual(w.grad?.toArray(), [55, 55, 55, 55])
    }

    /// An LSTM unrolled over 12 steps: W_ih and W_hh receive 12 contributions each, from the
    /// third on added by the cell's own gemm into the buffer autograd owns. Same gradients as
    /// with a listener (all totals new tensors), to rounding.
    func testUnrolledLSTMMatchesTheListenedPass() throws {
        let (B, I, H, T) = (3, 5, 4, 12)
        let W_ih = try GradCheck.param([4 * H, I], seed: 1), W_hh = try GradCheck.param([4 * H, H], seed: 2)
        let b_ih = try GradCheck.param([4 * H], seed: 3), b_hh = try GradCheck.param([4 * H], seed: 4)
        let xs = try (0..<T).map { t in try GradCheck.param([B, I], seed: 10 + UInt64(t)) }
        func run() throws -> [[Float]] {
            var h = try Ops.zeros([B, H]), c = try Ops.zeros([B, H])
            var loss = Tensor(scalar: 0)
            for t in 0..<T {
                (h, c) = try Ops.lstmCell(xs[t], h, c, W_ih, W_hh, b_ih, b_hh)
                loss = try Ops.add(loss, Ops.sum(Ops.mul(h, h)))
            }
            try Autograd.backward(loss)
            return try [W_ih, W_hh, b_ih, b_hh, xs[0], xs[T - 1]].map { try XCTUnwrap($0.grad).toArray() }
        }
        let inPlace = try run()
        Trace.listener = Silent()
        let listened = try run()
        Trace.listener = nil
        for (k, name) in ["W_ih", "W_hh", "b_ih", "b_hh", "x_0", "x_T"].enumerated() {
            assertClose(inPlace[k], listened[k], tol: 1e-5, name)
        }
        XCTAssertNotEqual(inPlace[0], [Float](repeating: 0, count: inPlace[0].count))
    }

    /// The same for the RNN cell, whose rule also adds dW into autograd's buffer.
    func testUnrolledRNNMatchesTheListenedPass() throws {
        let (B, I, H, T) = (2, 3, 4, 9)
        let W_ih = try GradCheck.param([H, I], seed: 5), W_hh = try GradCheck.param([H, H], seed: 6)
        let b = try GradCheck.param([H], seed: 7)
        let x = try GradCheck.param([B, I], seed: 8)
        func run() throws -> [[Float]] {
            var h = try Ops.zeros([B, H])
            for _ in 0..<T { h = try Ops.rnnCell(x, h, W_ih, W_hh, b, b) }
            try Autograd.backward(Ops.sum(h))
            return try [W_ih, W_hh, b, x].map { try XCTUnwrap($0.grad).toArray() }
        }
        let inPlace = try run()
        Trace.listener = Silent()
        let listened = try run()
        Trace.listener = nil
        for (k, name) in ["W_ih", "W_hh", "b", "x"].enumerated() { assertClose(inPlace[k], listened[k], tol: 1e-5, name) }
    }

    /// A cell whose inputs need no gradient computes none for them.
    func testConstantInputsGetNoGradient() throws {
        let W_ih = try GradCheck.param([8, 3], seed: 1), W_hh = try GradCheck.param([8, 2], seed: 2)
        let b = try GradCheck.param([8], seed: 3)
        let x = tensor([1, 3], [1, 2, 3]), h = try Ops.zeros([1, 2]), c = try Ops.zeros([1, 2])
        let (h2, _) = try Ops.lstmCell(x, h, c, W_ih, W_hh, b, b)
        try Autograd.backward(Ops.sum(h2))
        XCTAssertNil(x.grad); XCTAssertNil(h.grad); XCTAssertNil(c.grad)
        XCTAssertNotNil(W_ih.grad); XCTAssertNotNil(W_hh.grad); XCTAssertNotNil(b.grad)
    }
}

/// `x @ W` with a batched x and a shared matrix W is one folded product (forward, and W's
/// gradient as one product over the stacked rows): the same values as one product per batch.
final class FoldedMatmulTests: XCTestCase {
    override func setUp() { Trace.listener = nil; GradMode.isEnabled = true }

    func testBatchedTimesSharedMatrixEqualsPerBatchProducts() throws {
        for (batch, m, k, n) in [([2], 3, 5, 4), ([2, 3], 7, 4, 17), ([1, 4], 1, 6, 3), ([3], 33, 9, 2)] {
            let x = try GradCheck.param(batch + [m, k], seed: 1), W = try GradCheck.param([k, n], seed: 2)
            let y = try Ops.matmul(x, W)
            let g = GradCheck.weights(count: y.count)
            try Autograd.backward(Ops.sum(Ops.mul(y, Tensor(shape: y.shape, data: g))))
            let xg = try XCTUnwrap(x.grad).toArray(), Wg = try XCTUnwrap(W.grad).toArray()
            // Reference: each batch's m×k matrix times W by 2-D products.
            let xs = x.toArray(), Ws = W.toArray(), ys = y.toArray()
            let count = batch.reduce(1, *)
            var dW = [Double](repeating: 0, count: k * n)
            for b in 0..<count {
                for i in 0..<m {
                    for j in 0..<n {
                        var s = 0.0
                        for p in 0..<k { s += Double(xs[(b * m + i) * k + p]) * Double(Ws[p * n + j]) }
                        XCTAssertEqual(Double(ys[(b * m + i) * n + j]), s, accuracy: 1e-5, "y \(batch) \(m)×\(k)×\(n)")
                        for p in 0..<k { dW[p * n + j] += Double(xs[(b * m + i) * k + p]) * Double(g[(b * m + i) * n + j]) }
                    }
                    for p in 0..<k {
                        var s = 0.0
                        for j in 0..<n { s += Double(g[(b * m + i) * n + j]) * Double(Ws[p * n + j]) }
                        XCTAssertEqual(Double(xg[(b * m + i) * k + p]), s, accuracy: 1e-5, "dx \(batch) \(m)×\(k)×\(n)")
                    }
                }
            }
            for idx in 0..<k * n { XCTAssertEqual(Double(Wg[idx]), dW[idx], accuracy: 1e-4, "dW \(batch) \(m)×\(k)×\(n)") }
        }
    }

    /// A batch of transposed views (not stacked rows) takes the per-batch path and agrees.
    func testNonStackedBatchStillCorrect() throws {
        let x = try GradCheck.param([3, 4, 5], seed: 3), W = try GradCheck.param([4, 2], seed: 4)
        let xt = try Ops.swapAxes(x, -1, -2)               // (3, 5, 4), columns not rows
        let y = try Ops.matmul(xt, W)
        let copy = try Ops.matmul(Ops.mul(xt, Tensor(scalar: 1)), W)   // a contiguous copy first
        XCTAssertEqual(y.toArray(), copy.toArray())
        try Autograd.backward(Ops.sum(y))
        let g1 = try XCTUnwrap(W.grad).toArray()
        try Autograd.backward(Ops.sum(copy))
        assertClose(g1, try XCTUnwrap(W.grad).toArray(), tol: 1e-6, "dW")
    }
}
