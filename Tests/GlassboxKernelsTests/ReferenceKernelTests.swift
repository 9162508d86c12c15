import Foundation
import XCTest
@testable import GlassboxKernels

/// The plain reference loops against independent Double computations, on awkward shapes and
/// extreme values. (The fast loops are compared against these in Fast*Tests.)
final class ReferenceKernelTests: XCTestCase {
    override func setUp() { Interrupt.clear() }

    // MARK: - gemm

    func testGemmAllTransposesAwkwardShapesAndLeadingDimensions() {
        let shapes = [(1, 1, 1), (7, 33, 1), (33, 7, 129), (129, 33, 7), (1, 129, 33), (33, 1, 7)]
        for (m, n, k) in shapes {
            for transA in [false, true] {
                for transB in [false, true] {
                    for accumulate in [false, true] {
                        // stored A is m×k (or k×m), with 3 columns of padding: lda > the row length
                        let (aRows, aCols) = transA ? (k, m) : (m, k), (bRows, bCols) = transB ? (n, k) : (k, n)
                        let lda = aCols + 3, ldb = bCols + 3, ldc = n + 2
                        let a = values(aRows * lda, seed: 1), b = values(bRows * ldb, seed: 2), c0 = values(m * ldc, seed: 3)
                        let out = withBuffers([a, b, c0]) { p in
                            Reference.gemm(transA: transA, transB: transB, m: m, n: n, k: k, a: p[0], lda: lda, b: p[1], ldb: ldb,
                                           c: p[2], ldc: ldc, accumulate: accumulate)
                        }[2]
                        var expected = c0.map(Double.init)
                        for i in 0..<m { for j in 0..<n {
                            var s = accumulate ? Double(c0[i * ldc + j]) : 0
                            for p in 0..<k {
                                let aip = transA ? a[p * lda + i] : a[i * lda + p], bpj = transB ? b[j * ldb + p] : b[p * ldb + j]
                                s += Double(aip) * Double(bpj)
                            }
                            expected[i * ldc + j] = s
                        } }
                        assertClose(out, expected, tol: 1e-5, "gemm m\(m) n\(n) k\(k) tA \(transA) tB \(transB) acc \(accumulate)")
                    }
                }
            }
        }
    }

    func testGemmStopsWhenInterrupted() {
        let out = withBuffers([[Float](repeating: 1, count: 4), [Float](repeating: 1, count: 4), [Float](repeating: -7, count: 4)]) { p in
            Interrupt.request()
            Reference.gemm(transA: false, transB: false, m: 2, n: 2, k: 2, a: p[0], lda: 2, b: p[1], ldb: 2, c: p[2], ldc: 2, accumulate: false)
            Interrupt.clear()
        }[2]
        XCTAssertEqual(out, [-7, -7, -7, -7])   // returned before writing a row
    }

    // MARK: - Elementwise

    func testUnaryAtExtremeValues() {
        let x = extremeValues
        let c = (2 / Double.pi).squareRoot()
        let reference: [(UnaryOp, (Double) -> Double)] = [
            (.neg, { -$0 }), (.exp, { Foundation.exp($0) }), (.abs, { Swift.abs($0) }), (.tanh, { Foundation.tanh($0) }),
            (.sigmoid, { 1 / (1 + Foundation.exp(-$0)) }), (.relu, { max($0, 0) }),
            (.gelu, { 0.5 * $0 * (1 + Foundation.tanh(c * ($0 + 0.044715 * $0 * $0 * $0))) }),
        ]
        for (op, f) in reference {
            let y = withBuffers([x, x]) { p in Reference.unary(op, p[1], p[0], count: x.count) }[1]
            assertClose(y, x.map { f(Double($0)) }, tol: 2e-6, "\(op)")
            XCTAssertFalse(y.contains { $0.isNaN }, "\(op) made a NaN from \(x)")
        }
        let positive: [Float] = [1e4, denormal, Float.leastNonzeroMagnitude, 1, 0.5, 20]
        for (op, f) in [(UnaryOp.log, { Foundation.log($0) }), (.sqrt, { ($0 as Double).squareRoot() })] as [(UnaryOp, (Double) -> Double)] {
            let y = withBuffers([positive, positive]) { p in Reference.unary(op, p[1], p[0], count: positive.count) }[1]
            assertClose(y, positive.map { f(Double($0)) }, tol: 2e-6, "\(op)")
        }
        let atZero = withBuffers([[0, -1], [0, 0]]) { p in Reference.unary(.log, p[1], p[0], count: 2) }[1]
        XCTAssertEqual(atZero[0], -.infinity); XCTAssertTrue(atZero[1].isNaN)
    }

    func testUnaryBackwardIsTheDerivative() {
        // dx = f′(x) with dy = 1, against a central difference of the Double function
        let x: [Float] = [-3, -0.7, -0.1, 0.2, 0.9, 2.5]
        let c = (2 / Double.pi).squareRoot()
        let fs: [(UnaryOp, (Double) -> Double)] = [
            (.neg, { -$0 }), (.exp, { Foundation.exp($0) }), (.tanh, { Foundation.tanh($0) }),
            (.sigmoid, { 1 / (1 + Foundation.exp(-$0)) }), (.relu, { max($0, 0) }), (.abs, { Swift.abs($0) }),
            (.gelu, { 0.5 * $0 * (1 + Foundation.tanh(c * ($0 + 0.044715 * $0 * $0 * $0))) }),
        ]
        for (op, f) in fs {
            let y = withBuffers([x, x]) { p in Reference.unary(op, p[1], p[0], count: x.count) }[1]
            let dx = withBuffers([[Float](repeating: 0, count: x.count), [Float](repeating: 1, count: x.count), x, y]) { p in
                Reference.unaryBackward(op, dx: p[0], dy: p[1], x: p[2], y: p[3], count: x.count)
            }[0]
            let h = 1e-6
            assertClose(dx, x.map { (f(Double($0) + h) - f(Double($0) - h)) / (2 * h) }, tol: 1e-5, "\(op)′")
        }
        // the derivatives stay finite at the extremes (no 0·∞)
        for op in [UnaryOp.sigmoid, .tanh, .gelu] {
            let big: [Float] = [1e4, -1e4]
            let y = withBuffers([big, big]) { p in Reference.unary(op, p[1], p[0], count: 2) }[1]
            let dx = withBuffers([[0, 0], [1, 1], big, y]) { p in Reference.unaryBackward(op, dx: p[0], dy: p[1], x: p[2], y: p[3], count: 2) }[0]
            XCTAssertTrue(dx.allSatisfy { $0.isFinite }, "\(op)′ at ±1e4 gave \(dx)")
        }
    }

    /// The per-op loops of `unaryBackward` give exactly `unaryGradient`'s bits, element by
    /// element, on awkward lengths (vectorized bodies and their tails), with ±0, ±∞, NaN and
    /// subnormals among the values, and when dx is dy (in place).
    func testUnaryBackwardLoopsMatchTheScalarFormula() {
        let specials: [Float] = [0, -0, .infinity, -.infinity, .nan, 1e-40, -1e-40, 1, -1, 0.5]
        for n in awkwardSizes + [specials.count] {
            var x = values(n, seed: 21, -4, 4), dy = values(n, seed: 22, -2, 2)
            for (i, v) in specials.enumerated() where i < n { x[i] = v; dy[(n - 1 - i + n) % n] = v }
            for op in [UnaryOp.neg, .exp, .log, .sqrt, .abs, .tanh, .sigmoid, .relu, .gelu] {
                let y = withBuffers([x, x]) { p in Reference.unary(op, p[1], p[0], count: n) }[1]
                let expected = (0..<n).map { Reference.unaryGradient(op, dy: dy[$0], x: x[$0], y: y[$0]) }
                let got = withBuffers([[Float](repeating: 7, count: n), dy, x, y]) { p in
                    Reference.unaryBackward(op, dx: p[0], dy: p[1], x: p[2], y: p[3], count: n)
                }[0]
                let inPlace = withBuffers([dy, x, y]) { p in
                    Reference.unaryBackward(op, dx: p[0], dy: p[0], x: p[1], y: p[2], count: n)
                }[0]
                for i in 0..<n {
                    XCTAssertEqual(got[i].bitPattern, expected[i].bitPattern, "\(op) n=\(n) i=\(i): \(got[i]) vs \(expected[i])")
                    XCTAssertEqual(inPlace[i].bitPattern, expected[i].bitPattern, "\(op) in place n=\(n) i=\(i)")
                }
            }
        }
    }

    func testBinaryFastPathsAgreeWithStridedLoop() {
        for n in awkwardSizes {
            let rows = 3
            let a = values(rows * n, seed: 4, 0.5, 2), b = values(n, seed: 5, 0.5, 2)
            for op in [BinaryOp.add, .sub, .mul, .div, .pow, .maximum, .minimum, .less, .equal] {
                let row = withBuffers([[Float](repeating: 0, count: rows * n), a, b]) { p in
                    Reference.binaryRow(op, p[0], p[1], p[2], rowOnLeft: false, rows: rows, cols: n)
                }[0]
                let strided = withBuffers([[Float](repeating: 0, count: rows * n), a, b]) { p in
                    Reference.binaryStrided(op, p[0], p[1], aStrides: [n, 1], p[2], bStrides: [0, 1], shape: [rows, n])
                }[0]
                XCTAssertEqual(row, strided, "\(op) n=\(n)")
                let scalar = withBuffers([[Float](repeating: 0, count: rows * n), a, [2.5]]) { p in
                    Reference.binaryScalar(op, p[0], p[1], p[2][0], scalarOnLeft: true, count: rows * n)
                }[0]
                XCTAssertEqual(scalar, a.map { Reference.apply(op, 2.5, $0) }, "\(op) scalar on the left")
            }
        }
    }

    func testStridedCopyWithNegativeAndZeroStrides() {
        // x is 2×3 row-major; read it transposed and reversed along the rows: y[i, j] = x[1 − j, i]
        let x: [Float] = [0, 1, 2, 3, 4, 5]
        let y = withBuffers([[Float](repeating: 0, count: 6), x]) { p in
            Reference.copyStrided(p[0], yStrides: [2, 1], UnsafePointer(p[1] + 3), xStrides: [1, -3], shape: [3, 2])
        }[0]
        XCTAssertEqual(y, [3, 0, 4, 1, 5, 2])
        // adding with a 0 stride in y sums rows: the gradient of a broadcast
        let summed = withBuffers([[0, 0, 0], x]) { p in
            Reference.addStrided(p[0], yStrides: [0, 1], p[1], xStrides: [3, 1], shape: [2, 3])
        }[0]
        XCTAssertEqual(summed, [3, 5, 7])
    }

    // MARK: - Reductions and softmax

    func testReductionsOnAwkwardShapes() {
        for (outer, n, inner) in [(1, 1, 1), (7, 33, 1), (1, 129, 7), (3, 7, 33)] {
            let x = values(outer * n * inner, seed: 6, -1e4, 1e4)
            let count = outer * inner
            let out = withBuffers([[Float](repeating: 0, count: count), [Float](repeating: 0, count: count),
                                   [Float](repeating: 0, count: count), x]) { p in
                Reference.sumAxis(p[0], p[3], outer: outer, n: n, inner: inner)
                Reference.varianceAxis(p[1], mean: p[2], p[3], outer: outer, n: n, inner: inner)
            }
            var sums = [Double](), vars = [Double]()
            for o in 0..<outer { for i in 0..<inner {
                let column = (0..<n).map { Double(x[(o * n + $0) * inner + i]) }
                let s = column.reduce(0, +), m = s / Double(n)
                sums.append(s); vars.append(column.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(n))
            } }
            assertClose(out[0], sums, tol: 1e-3, "sum (\(outer), \(n), \(inner))")   // |x| ≤ 1e4: relative to 1 + |Σ|
            assertClose(out[1], vars, tol: 1e-5, "variance (\(outer), \(n), \(inner))")
        }
    }

    func testSoftmaxFamilyIsStableAtExtremes() {
        for cols in awkwardSizes {
            var x = values(2 * cols, seed: 7, -5, 5)
            x[0] = 1e4; x[cols] = -1e4                                   // one huge, one tiny entry
            let out = withBuffers([x, x, x, [0, 0]]) { p in
                Reference.softmaxRows(p[0], p[0], rows: 2, cols: cols)      // in place (y aliases x)
                Reference.logSoftmaxRows(p[1], p[1], rows: 2, cols: cols)
                Reference.logSumExpRows(p[3], p[2], rows: 2, cols: cols)
            }
            var soft = [Double](), logSoft = [Double](), lse = [Double]()
            for r in 0..<2 {
                let row = x[(r * cols)..<((r + 1) * cols)].map(Double.init), m = row.max() ?? 0
                let l = m + Foundation.log(row.map { Foundation.exp($0 - m) }.reduce(0, +))
                lse.append(l); soft += row.map { Foundation.exp($0 - l) }; logSoft += row.map { $0 - l }
            }
            assertClose(out[0], soft, tol: 1e-6, "softmax cols \(cols)")
            assertClose(out[1], logSoft, tol: 1e-6, "log_softmax cols \(cols)")
            assertClose(out[3], lse, tol: 1e-6, "logsumexp cols \(cols)")
        }
        let allMasked = withBuffers([[-.infinity, -.infinity], [0]]) { p in Reference.logSumExpRows(p[1], p[0], rows: 1, cols: 2) }[1]
        XCTAssertEqual(allMasked, [-.infinity])
    }

    // MARK: - Fused kernels

    func testLayerNormConstantAndHugeRows() {
        for cols in awkwardSizes {
            let constant = [Float](repeating: 1e4, count: cols), huge = values(cols, seed: 8, -1e4, 1e4)
            let x = constant + huge, gamma = values(cols, seed: 9, 0.5, 1.5), beta = values(cols, seed: 10)
            let out = withBuffers([x, [0, 0], [0, 0], x, gamma, beta, [0, 0], x]) { p in
                Reference.layerNormForward(y: p[0], mean: p[1], rstd: p[2], x: p[3], gamma: p[4], beta: p[5], rows: 2, cols: cols,
                                           eps: 1e-5, variance: p[6], normalized: p[7])
            }
            var expected = [Double]()
            for r in 0..<2 {
                let row = x[(r * cols)..<((r + 1) * cols)].map(Double.init)
                let m = row.reduce(0, +) / Double(cols), v = row.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(cols)
                expected += row.enumerated().map { ($0.element - m) / (v + 1e-5).squareRoot() * Double(gamma[$0.offset]) + Double(beta[$0.offset]) }
            }
            assertClose(out[0], expected, tol: 2e-4, "layer_norm cols \(cols)")
            XCTAssertEqual(Array(out[7].prefix(cols)), [Float](repeating: 0, count: cols), "constant row normalizes to 0")
        }
    }

    func testLSTMCellSaturatesWithoutNaN() {
        let H = 7
        var preact = values(4 * H, seed: 11, -3, 3)
        preact[0] = 1e4; preact[H] = -1e4; preact[2 * H] = 1e4; preact[3 * H] = -1e4
        let cPrev = values(H, seed: 12, -2, 2)
        let out = withBuffers([[Float](repeating: 0, count: 4 * H), cPrev, cPrev, cPrev, preact, cPrev]) { p in
            Reference.lstmCellForward(gates: p[0], c: p[1], tanhC: p[2], h: p[3], preact: p[4], cPrev: p[5], batch: 1, hidden: H)
        }
        func sig(_ v: Float) -> Double { 1 / (1 + Foundation.exp(-Double(v))) }
        var c = [Double](), h = [Double]()
        for j in 0..<H {
            let i = sig(preact[j]), f = sig(preact[H + j]), g = Foundation.tanh(Double(preact[2 * H + j])), o = sig(preact[3 * H + j])
            c.append(f * Double(cPrev[j]) + i * g); h.append(o * Foundation.tanh(c[j]))
        }
        assertClose(out[1], c, tol: 1e-6, "c"); assertClose(out[3], h, tol: 1e-6, "h")
        let back = withBuffers([[Float](repeating: 0, count: 4 * H), cPrev, [Float](repeating: 1, count: H), [Float](repeating: 1, count: H),
                                out[0], cPrev, out[2]]) { p in
            Reference.lstmCellBackward(dPreact: p[0], dcPrev: p[1], dh: p[2], dc: p[3], gates: p[4], cPrev: p[5], tanhC: p[6], batch: 1, hidden: H)
        }
        XCTAssertTrue(back[0].allSatisfy(\.isFinite) && back[1].allSatisfy(\.isFinite))
        XCTAssertEqual(back[0][0], 0); XCTAssertEqual(back[0][H], 0)      // saturated gates pass no gradient
    }

    func testAttentionMaskAndHugeScores() {
        let (tq, tk, d, dv) = (3, 7, 33, 2)
        var q = values(tq * d, seed: 13), k = values(tk * d, seed: 14)
        q[0] = 1e4; k[0] = 1e4                       // one enormous score
        let v = values(tk * dv, seed: 15)
        var mask = [Float](repeating: 0, count: tq * tk)
        for i in 0..<tq { for j in 0..<tk where j > i + 2 { mask[i * tk + j] = -.infinity } }
        let scale = 1 / Float(d).squareRoot()
        let out = withBuffers([[Float](repeating: 0, count: tq * dv), [Float](repeating: 0, count: tq * tk), q, k, v, mask]) { p in
            Reference.attentionForward(out: p[0], weights: p[1], q: p[2], k: p[3], v: p[4], mask: p[5], batch: 1, tq: tq, tk: tk,
                                       d: d, dv: dv, scale: scale, scores: nil, scaledScores: nil, maskedScores: nil)
        }
        var weights = [Double](), o = [Double]()
        for i in 0..<tq {
            var s = [Double](repeating: 0, count: tk)
            for j in 0..<tk {
                var dot = 0.0
                for e in 0..<d { dot += Double(q[i * d + e]) * Double(k[j * d + e]) }
                s[j] = dot * Double(scale) + Double(mask[i * tk + j])
            }
            let m: Double = s.max() ?? 0
            let e: [Double] = s.map { Foundation.exp($0 - m) }
            let z: Double = e.reduce(0, +)
            let w: [Double] = e.map { $0 / z }
            weights += w
            for c in 0..<dv {
                var acc = 0.0
                for j in 0..<tk { acc += w[j] * Double(v[j * dv + c]) }
                o.append(acc)
            }
        }
        assertClose(out[1], weights, tol: 1e-6, "weights"); assertClose(out[0], o, tol: 1e-6, "output")
        XCTAssertEqual(out[1][tk - 1], 0)             // masked key gets exactly zero weight
    }

    func testAdamAndSGDWithExtremeGradients() {
        let g: [Float] = [1e4, -1e4, 0, denormal, -1, 0.5, 3]
        let p0 = values(g.count, seed: 16)
        let adam = withBuffers([p0, [Float](repeating: 0, count: g.count), [Float](repeating: 0, count: g.count), g,
                                [Float](repeating: 0, count: g.count)]) { p in
            for t in 1...2 {
                Reference.adamStep(param: p[0], m: p[1], v: p[2], grad: p[3], count: g.count, lr: 0.001, beta1: 0.9, beta2: 0.999,
                                   eps: 1e-8, t: t, mHat: nil, vHat: nil, update: p[4])
            }
        }
        // with a constant gradient, m̂ = g and v̂ = g², so each step moves by lr·g/(|g| + ε) ≈ lr·sign(g)
        var expected = [Double]()
        for (p, gi) in zip(p0, g) {
            let gd = Double(gi)
            expected.append(Double(p) - 2 * 0.001 * gd / (abs(gd) + 1e-8))
        }
        assertClose(adam[0], expected, tol: 1e-6, "adam")
        XCTAssertEqual(adam[0][2], p0[2])              // zero gradient: no move, no NaN
        let sgd = withBuffers([p0, [Float](repeating: 0, count: g.count), g]) { p in
            for _ in 0..<2 { Reference.sgdStep(param: p[0], velocity: p[1], grad: p[2], count: g.count, lr: 0.1, momentum: 0.9, update: nil) }
        }
        // v₁ = g, v₂ = 0.9g + g = 1.9g: p₂ = p₀ − 0.1·g − 0.1·1.9·g
        var expectedSGD = [Double]()
        for (p, gi) in zip(p0, g) { expectedSGD.append(Double(p) - 0.1 * Double(gi) - 0.19 * Double(gi)) }
        assertClose(sgd[0], expectedSGD, tol: 1e-6, "sgd")
    }

    func testCrossEntropyWithHugeLogits() {
        let logits: [Float] = [1e4, -1e4, 0, -1e4, 1e4, 1e4]
        let labels = [1, 2]
        var losses = [Float](repeating: 0, count: 2), probs = [Float](repeating: 0, count: 6)
        logits.withUnsafeBufferPointer { x in labels.withUnsafeBufferPointer { l in
            Reference.crossEntropyForward(losses: &losses, probs: &probs, logits: x.baseAddress!, labels: l.baseAddress!, rows: 2, cols: 3)
        } }
        XCTAssertEqual(losses[0], 2e4)                       // −log σ: logsumexp − x = 1e4 − (−1e4)
        XCTAssertEqual(losses[1], Float(Foundation.log(2.0)), accuracy: 1e-6)
        XCTAssertTrue(probs.allSatisfy(\.isFinite))
    }
}
