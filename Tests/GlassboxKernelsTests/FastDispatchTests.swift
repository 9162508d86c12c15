import XCTest
@testable import GlassboxKernels
import GlassboxKernelsFast

/// The public `Kernels.*` entry points (which take the fast, threaded path on this CPU) against
/// the plain `Reference.*` loops, on awkward sizes (1, 7, 33, 129, and sizes large enough to be
/// split over the cores) and extreme values (±1e4, 0, subnormals).
final class FastDispatchTests: XCTestCase {
    override func setUp() {
        Interrupt.clear()
    }

    func close(_ a: [Float], _ b: [Float], rel: Float, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, what, file: file, line: line)
        var worst: Float = 0, at = 0
        for i in 0..<min(a.count, b.count) {
            if a[i].isNaN && b[i].isNaN { continue }
            if a[i] == b[i] { continue }
            let e = abs(a[i] - b[i]) / (abs(b[i]) + 1)
            if !(e <= worst) { worst = e.isNaN ? .infinity : e; at = i }
        }
        XCTAssertLessThanOrEqual(worst, rel, "\(what): fast \(a.isEmpty ? 0 : a[at]) vs reference \(b.isEmpty ? 0 : b[at]) at \(at)",
                                 file: file, line: line)
    }

    func testFastPathIsTakenHere() {
        XCTAssertEqual(Kernels.useFast, Kernels.cpuHasAVX2FMA && getenv("GLASSBOX_KERNELS") == nil)
    }

    func testGemmMatchesReference() {
        var rng = SplitMix(seed: 51)
        // Threaded shapes: (97, 4100, 70) splits columns and spans two NC blocks; (530, 515, 517)
        // and (1000, 300, 900) split rows unevenly and span three and four KC blocks.
        for (m, n, k) in [(1, 1, 1), (1, 3000, 300), (1, 700, 3001), (1, 8200, 40), (7, 33, 129), (129, 7, 33), (200, 130, 70), (33, 300, 257), (97, 4100, 70),
                          (530, 515, 517), (1000, 300, 900)] {
            for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                for accumulate in [true, false] {
                    let a = rng.array(m * k), b = rng.array(k * n)
                    var c1 = rng.array(m * n), c2 = c1
                    let lda = ta ? m : k, ldb = tb ? k : n
                    Kernels.gemm(transA: ta, transB: tb, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: &c1, ldc: n, accumulate: accumulate)
                    Reference.gemm(transA: ta, transB: tb, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: &c2, ldc: n, accumulate: accumulate)
                    close(c1, c2, rel: Float(k) * 2e-7, "gemm \(m)×\(n)×\(k) \(ta) \(tb) accumulate \(accumulate)")
                }
            }
        }
    }

    func testUnaryMatchesReference() {
        var rng = SplitMix(seed: 52)
        let extremes: [Float] = [1e4, -1e4, 0, -0.0, denormal, -denormal, 88.5, -88.5, -104, 30, -30]
        for count in [1, 7, 33, 129, 70_001] {
            var x = rng.array(count, -12, 12)
            for (i, e) in extremes.enumerated() where i < count { x[i] = e }
            for op: UnaryOp in [.exp, .log, .tanh, .sigmoid, .gelu, .relu, .sqrt, .abs, .neg] {
                // UnaryOp has cases with parameters, so it is not Equatable: match the cases.
                let positiveOnly: Bool
                switch op { case .log, .sqrt: positiveOnly = true; default: positiveOnly = false }
                let input = positiveOnly ? x.map { abs($0) } : x
                var y1 = [Float](repeating: 0, count: count), y2 = y1
                Kernels.unary(op, &y1, input, count: count)
                Reference.unary(op, &y2, input, count: count)
                // 2 ulp from libm; the reference's GELU loses digits for x < −3 (1 + tanh
                // cancels), so compare it on absolute error there.
                if case .gelu = op {
                    for i in 0..<count { XCTAssertEqual(y1[i], y2[i], accuracy: 3e-7 * max(1, abs(y2[i])), "gelu(\(input[i]))") }
                } else {
                    close(y1, y2, rel: 3e-7, "\(op) n=\(count)")
                }
            }
            // sin, cos and erf: absolute bounds (sin and cos have zeros, where relative error
            // says nothing); 70 001 elements go through the threaded split.
            for (op, bound) in [(UnaryOp.sin, Float(2e-7)), (.cos, 2e-7), (.erf, 1e-6)] {
                var y1 = [Float](repeating: .nan, count: count), y2 = y1
                Kernels.unary(op, &y1, x, count: count)
                Reference.unary(op, &y2, x, count: count)
                for i in 0..<count {
                    XCTAssertLessThanOrEqual(abs(y1[i] - y2[i]), bound, "\(op)(\(x[i])) n=\(count): \(y1[i]) vs \(y2[i])")
                }
            }
        }
    }

    /// ReLU6 and clip are comparisons only, so the vector map must give the reference's bits:
    /// NaN stays NaN, −0 at the lower bound 0 becomes +0, the bounds themselves stay.
    func testClampMapsMatchReferenceBitForBit() {
        var rng = SplitMix(seed: 54)
        let edges: [Float] = [.nan, -0.0, 0, 6, -6, 6.0000005, .infinity, -.infinity, 2, -2, -1.5, 1.5]
        for count in [1, 5, 8, 17, 129, 70_001] {
            var x = rng.array(count, -9, 9)
            for (i, e) in edges.enumerated() where i < count { x[i] = e }
            for op: UnaryOp in [.relu6, .clip(lo: -1.5, hi: 2), .clip(lo: 0, hi: 0)] {
                var y1 = [Float](repeating: 7, count: count), y2 = y1
                Kernels.unary(op, &y1, x, count: count)
                Reference.unary(op, &y2, x, count: count)
                for i in 0..<count {
                    XCTAssertEqual(y1[i].bitPattern, y2[i].bitPattern, "\(op)(\(x[i])) n=\(count): \(y1[i]) vs \(y2[i])")
                }
            }
        }
    }

    /// The backward loops of the activations: masks (relu, relu6, clip; boundaries, NaN and ±∞ in
    /// x) and the derivatives read from the output (exp, tanh, sigmoid) give the reference's bits,
    /// also when dx overwrites dy.
    func testUnaryBackwardMatchesReferenceBitForBit() {
        var rng = SplitMix(seed: 55)
        let edges: [Float] = [.nan, -0.0, 0, 6, -6, 6.0000005, .infinity, -.infinity, 2, -2, -1.5, 1.5, 5.9999995, 1e-40]
        for count in [1, 5, 8, 17, 129, 70_001] {
            var x = rng.array(count, -9, 9)
            for (i, e) in edges.enumerated() where i < count { x[i] = e }
            let dy = rng.array(count, -3, 3)
            let y = rng.array(count, -1, 1)
            for op: UnaryOp in [.relu, .relu6, .clip(lo: -1.5, hi: 2), .clip(lo: -.infinity, hi: 0), .exp, .tanh, .sigmoid] {
                var d1 = [Float](repeating: 7, count: count), d2 = d1
                Kernels.unaryBackward(op, dx: &d1, dy: dy, x: x, y: y, count: count)
                Reference.unaryBackward(op, dx: &d2, dy: dy, x: x, y: y, count: count)
                var inPlace = dy
                inPlace.withUnsafeMutableBufferPointer { g in
                    Kernels.unaryBackward(op, dx: g.baseAddress!, dy: g.baseAddress!, x: x, y: y, count: count)
                }
                for i in 0..<count {
                    XCTAssertEqual(d1[i].bitPattern, d2[i].bitPattern, "\(op)′ at x = \(x[i]) n=\(count): \(d1[i]) vs \(d2[i])")
                    XCTAssertEqual(inPlace[i].bitPattern, d2[i].bitPattern, "\(op)′ in place at \(i) n=\(count)")
                }
            }
        }
    }

    func testSoftmaxFamilyMatchesReference() {
        var rng = SplitMix(seed: 53)
        for (rows, cols) in [(1, 1), (7, 33), (129, 7), (300, 257)] {
            var x = rng.array(rows * cols, -30, 30)
            x[0] = 1e4
            var y1 = [Float](repeating: 0, count: x.count), y2 = y1
            Kernels.softmaxRows(&y1, x, rows: rows, cols: cols)
            Reference.softmaxRows(&y2, x, rows: rows, cols: cols)
            close(y1, y2, rel: 1e-6, "softmax \(rows)×\(cols)")
            Kernels.logSoftmaxRows(&y1, x, rows: rows, cols: cols)
            Reference.logSoftmaxRows(&y2, x, rows: rows, cols: cols)
            close(y1, y2, rel: 2e-6, "logSoftmax \(rows)×\(cols)")
        }
    }

    func testLayerNormMatchesReference() {
        var rng = SplitMix(seed: 54)
        for (rows, cols) in [(1, 1), (7, 33), (129, 7), (300, 129)] {
            let x = rng.array(rows * cols, -3, 3), g = rng.array(cols), b = rng.array(cols), dy = rng.array(rows * cols)
            var y1 = [Float](repeating: 0, count: x.count), y2 = y1, n1 = y1, n2 = y1
            var mean1 = [Float](repeating: 0, count: rows), mean2 = mean1, rstd1 = mean1, rstd2 = mean1, var1 = mean1, var2 = mean1
            Kernels.layerNormForward(y: &y1, mean: &mean1, rstd: &rstd1, x: x, gamma: g, beta: b, rows: rows, cols: cols,
                                     eps: 1e-5, variance: &var1, normalized: &n1)
            Reference.layerNormForward(y: &y2, mean: &mean2, rstd: &rstd2, x: x, gamma: g, beta: b, rows: rows, cols: cols,
                                       eps: 1e-5, variance: &var2, normalized: &n2)
            close(y1, y2, rel: 2e-5, "layerNorm y"); close(n1, n2, rel: 2e-5, "layerNorm x̂")
            close(mean1, mean2, rel: 1e-5, "mean"); close(rstd1, rstd2, rel: 2e-5, "rstd"); close(var1, var2, rel: 2e-5, "variance")
            var dx1 = y1, dx2 = y1, dg1 = g, dg2 = g, db1 = b, db2 = b
            Kernels.layerNormBackward(dx: &dx1, dgamma: &dg1, dbeta: &db1, dy: dy, x: x, mean: mean2, rstd: rstd2,
                                      gamma: g, rows: rows, cols: cols)
            Reference.layerNormBackward(dx: &dx2, dgamma: &dg2, dbeta: &db2, dy: dy, x: x, mean: mean2, rstd: rstd2,
                                        gamma: g, rows: rows, cols: cols)
            close(dx1, dx2, rel: 1e-4, "layerNorm dx"); close(dg1, dg2, rel: 1e-4, "dgamma"); close(db1, db2, rel: 1e-4, "dbeta")
        }
    }

    func testLSTMCellMatchesReference() {
        var rng = SplitMix(seed: 55)
        for (batch, H) in [(1, 1), (7, 33), (33, 129)] {
            let pre = rng.array(batch * 4 * H, -4, 4), cPrev = rng.array(batch * H), dh = rng.array(batch * H), dc = rng.array(batch * H)
            var g1 = [Float](repeating: 0, count: batch * 4 * H), g2 = g1
            var c1 = [Float](repeating: 0, count: batch * H), c2 = c1, t1 = c1, t2 = c1, h1 = c1, h2 = c1
            Kernels.lstmCellForward(gates: &g1, c: &c1, tanhC: &t1, h: &h1, preact: pre, cPrev: cPrev, batch: batch, hidden: H)
            Reference.lstmCellForward(gates: &g2, c: &c2, tanhC: &t2, h: &h2, preact: pre, cPrev: cPrev, batch: batch, hidden: H)
            close(g1, g2, rel: 3e-7, "gates"); close(c1, c2, rel: 3e-7, "c"); close(h1, h2, rel: 3e-7, "h")
            var dp1 = g1, dp2 = g1, dcp1 = c1, dcp2 = c1
            Kernels.lstmCellBackward(dPreact: &dp1, dcPrev: &dcp1, dh: dh, dc: dc, gates: g2, cPrev: cPrev, tanhC: t2, batch: batch, hidden: H)
            Reference.lstmCellBackward(dPreact: &dp2, dcPrev: &dcp2, dh: dh, dc: dc, gates: g2, cPrev: cPrev, tanhC: t2, batch: batch, hidden: H)
            close(dp1, dp2, rel: 1e-6, "dPreact"); close(dcp1, dcp2, rel: 1e-6, "dcPrev")
        }
    }

    /// `Ops.lstmCell` lets the kernel write the gates over the pre-activations: both paths give
    /// exactly what they give out of place, threaded sizes (B·4H ≥ 4096) and tails included.
    func testLSTMCellForwardInPlaceEqualsOutOfPlace() {
        var rng = SplitMix(seed: 56)
        for (batch, H) in [(1, 1), (3, 7), (7, 33), (33, 129)] {
            let pre = rng.array(batch * 4 * H, -4, 4), cPrev = rng.array(batch * H)
            for fast in [true, false] {
                func forward(_ gates: UnsafeMutablePointer<Float>, _ preact: UnsafePointer<Float>,
                             _ c: inout [Float], _ t: inout [Float], _ h: inout [Float]) {
                    if fast {
                        Kernels.lstmCellForward(gates: gates, c: &c, tanhC: &t, h: &h, preact: preact, cPrev: cPrev, batch: batch, hidden: H)
                    } else {
                        Reference.lstmCellForward(gates: gates, c: &c, tanhC: &t, h: &h, preact: preact, cPrev: cPrev, batch: batch, hidden: H)
                    }
                }
                var g1 = [Float](repeating: 0, count: batch * 4 * H)
                var c1 = [Float](repeating: 0, count: batch * H), t1 = c1, h1 = c1, c2 = c1, t2 = c1, h2 = c1
                g1.withUnsafeMutableBufferPointer { g in pre.withUnsafeBufferPointer { forward(g.baseAddress!, $0.baseAddress!, &c1, &t1, &h1) } }
                var inPlace = pre
                inPlace.withUnsafeMutableBufferPointer { forward($0.baseAddress!, UnsafePointer($0.baseAddress!), &c2, &t2, &h2) }
                XCTAssertEqual(inPlace, g1, "gates, fast: \(fast), \(batch)×\(H)")
                XCTAssertEqual(c2, c1); XCTAssertEqual(t2, t1); XCTAssertEqual(h2, h1, "h, fast: \(fast), \(batch)×\(H)")
            }
        }
    }

    func testAttentionMatchesReference() {
        var rng = SplitMix(seed: 56)
        for (batch, tq, tk, d, dv, masked) in [(1, 1, 1, 1, 1, false), (3, 7, 7, 33, 5, true), (8, 40, 40, 16, 16, true), (2, 9, 17, 8, 3, false)] {
            let q = rng.array(batch * tq * d), k = rng.array(batch * tk * d), v = rng.array(batch * tk * dv), dOut = rng.array(batch * tq * dv)
            var mask: [Float]? = nil
            if masked { mask = [Float](repeating: 0, count: tq * tk); mask!.withUnsafeMutableBufferPointer { Kernels.causalMask($0.baseAddress!, n: tq) } }
            let scale = 1 / Float(d).squareRoot()
            var o1 = [Float](repeating: 0, count: batch * tq * dv), o2 = o1
            var w1 = [Float](repeating: 0, count: batch * tq * tk), w2 = w1, s1 = w1, s2 = w1, ss1 = w1, ss2 = w1, ms1 = w1, ms2 = w1
            let mp = mask.map { UnsafeMutablePointer<Float>.allocate(capacity: $0.count) }
            defer { mp?.deallocate() }
            if let mask, let mp { mp.initialize(from: mask, count: mask.count) }
            Kernels.attentionForward(out: &o1, weights: &w1, q: q, k: k, v: v, mask: mp, batch: batch, tq: tq, tk: tk, d: d, dv: dv,
                                     scale: scale, scores: &s1, scaledScores: &ss1, maskedScores: &ms1)
            Reference.attentionForward(out: &o2, weights: &w2, q: q, k: k, v: v, mask: mp, batch: batch, tq: tq, tk: tk, d: d, dv: dv,
                                       scale: scale, scores: &s2, scaledScores: &ss2, maskedScores: &ms2)
            close(o1, o2, rel: 2e-6, "attention out"); close(w1, w2, rel: 2e-6, "weights")
            close(s1, s2, rel: 2e-6, "scores"); close(ss1, ss2, rel: 2e-6, "scaled"); close(ms1, ms2, rel: 2e-6, "masked")
            var dq1 = q, dq2 = q, dk1 = k, dk2 = k, dv1 = v, dv2 = v
            Kernels.attentionBackward(dq: &dq1, dk: &dk1, dv: &dv1, dOut: dOut, q: q, k: k, v: v, weights: w2,
                                      batch: batch, tq: tq, tk: tk, d: d, dv: dv, scale: scale)
            Reference.attentionBackward(dq: &dq2, dk: &dk2, dv: &dv2, dOut: dOut, q: q, k: k, v: v, weights: w2,
                                        batch: batch, tq: tq, tk: tk, d: d, dv: dv, scale: scale)
            close(dq1, dq2, rel: 5e-6, "dq"); close(dk1, dk2, rel: 5e-6, "dk"); close(dv1, dv2, rel: 5e-6, "dv")
        }
    }

    func testOptimizersMatchReference() {
        var rng = SplitMix(seed: 57)
        for count in [1, 7, 33, 129, 100_003] {
            let p0 = rng.array(count), g = rng.array(count), m0 = rng.array(count, 0, 0.1), v0 = rng.array(count, 0, 0.01)
            var p1 = p0, p2 = p0, m1 = m0, m2 = m0, vv1 = v0, vv2 = v0
            var mh1 = p0, mh2 = p0, vh1 = p0, vh2 = p0, u1 = p0, u2 = p0
            Kernels.adamStep(param: &p1, m: &m1, v: &vv1, grad: g, count: count, lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8,
                             t: 3, mHat: &mh1, vHat: &vh1, update: &u1)
            Reference.adamStep(param: &p2, m: &m2, v: &vv2, grad: g, count: count, lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8,
                               t: 3, mHat: &mh2, vHat: &vh2, update: &u2)
            // Both form the bias corrections 1 − βᵗ in Double (in Float, 1 − 0.999³ cancels to ~2e−5
            // relative error), so they agree to a few ulps everywhere.
            close(p1, p2, rel: 1e-6, "adam param"); close(m1, m2, rel: 1e-6, "m"); close(vv1, vv2, rel: 1e-6, "v")
            close(mh1, mh2, rel: 1e-6, "m̂"); close(vh1, vh2, rel: 1e-6, "v̂"); close(u1, u2, rel: 2e-6, "update")
            var q1 = p0, q2 = p0, vel1 = m0, vel2 = m0, up1 = p0, up2 = p0
            Kernels.sgdStep(param: &q1, velocity: &vel1, grad: g, count: count, lr: 0.1, momentum: 0.9, update: &up1)
            Reference.sgdStep(param: &q2, velocity: &vel2, grad: g, count: count, lr: 0.1, momentum: 0.9, update: &up2)
            close(q1, q2, rel: 1e-6, "sgd param"); close(vel1, vel2, rel: 1e-6, "velocity"); close(up1, up2, rel: 1e-6, "sgd update")
        }
    }

    /// A requested interrupt stops a large threaded product before it finishes (the caller
    /// then throws); the flag is cleared again for the other tests.
    func testInterruptStopsLargeGemm() {
        let n = 512
        let a = [Float](repeating: 1, count: n * n), b = a
        var c = [Float](repeating: -1, count: n * n)
        Interrupt.request()
        Kernels.gemm(transA: false, transB: false, m: n, n: n, k: n, a: a, lda: n, b: b, ldb: n, c: &c, ldc: n, accumulate: false)
        Interrupt.clear()
        XCTAssert(c.contains(-1), "an interrupted product should stop early")
    }
}

extension FastDispatchTests {
    func testBinaryRowMatchesReference() {
        var rng = SplitMix(seed: 58)
        for (rows, cols) in [(1, 1), (7, 33), (129, 7), (300, 257)] {
            let a = rng.array(rows * cols, -4, 4), b = rng.array(cols, 0.5, 2)
            for op: BinaryOp in [.add, .sub, .mul, .div, .maximum, .less] {
                for rowOnLeft in [false, true] {
                    var y1 = [Float](repeating: 0, count: a.count), y2 = y1
                    Kernels.binaryRow(op, &y1, a, b, rowOnLeft: rowOnLeft, rows: rows, cols: cols)
                    Reference.binaryRow(op, &y2, a, b, rowOnLeft: rowOnLeft, rows: rows, cols: cols)
                    XCTAssertEqual(y1, y2, "binaryRow \(op) rowOnLeft=\(rowOnLeft) \(rows)×\(cols)")
                }
            }
        }
    }
}

extension FastDispatchTests {
    /// Work that is split at all is split at least once per core (a 1024³ product is one
    /// grain: it must still use both cores).
    func testSplitWorkUsesEveryCore() {
        for work in [1, 1 << 20, 1 << 30, (1 << 30) + 1, 5 << 30] {
            let chunks = Threaded.chunkCount(work: work, grain: 1 << 30)
            XCTAssertGreaterThanOrEqual(chunks, Threaded.workers, "work \(work)")
            XCTAssertEqual(chunks % Threaded.workers, 0, "work \(work): \(chunks) chunks")
        }
        XCTAssertEqual(Threaded.chunkCount(work: 5 << 30, grain: 1 << 30) / Threaded.workers * Threaded.workers,
                       (5 + Threaded.workers - 1) / Threaded.workers * Threaded.workers)
    }
}

extension FastDispatchTests {
    func testBinaryMatchesReference() {
        var rng = SplitMix(seed: 59)
        for count in [1, 7, 1023, 1024, 1031, 70_001] {
            let a = rng.array(count, -4, 4), b = rng.array(count, 0.5, 2)
            for op: BinaryOp in [.add, .sub, .mul, .div, .pow, .maximum, .less] {
                var y1 = [Float](repeating: 0, count: count), y2 = y1
                Kernels.binary(op, &y1, a, b, count: count)
                Reference.binary(op, &y2, a, b, count: count)
                // Bit patterns: pow of a negative base is NaN on both sides.
                XCTAssert(y1.map(\.bitPattern) == y2.map(\.bitPattern), "binary \(op) n=\(count)")
            }
            // In place: y aliases a.
            var y = a
            y.withUnsafeMutableBufferPointer { Kernels.binary(.add, $0.baseAddress!, $0.baseAddress!, b, count: count) }
            XCTAssertEqual(y, zip(a, b).map { $0 + $1 }, "in-place add n=\(count)")
        }
    }
}

extension FastDispatchTests {
    /// Column sums (inner ≥ 8) keep the reference's order, bit for bit; whole-row sums
    /// (inner = 1) use 32 partial sums and agree to rounding.
    func testSumAndMeanMatchReference() {
        var rng = SplitMix(seed: 60)
        for (outer, n, inner) in [(1, 1, 1), (1, 7, 1), (3, 33, 1), (1, 70_001, 1), (2, 5, 3), (7, 9, 8), (3, 33, 129), (2, 3, 512)] {
            let x = rng.array(outer * n * inner, -4, 4)
            var y1 = [Float](repeating: 0, count: outer * inner), y2 = y1
            Kernels.sumAxis(&y1, x, outer: outer, n: n, inner: inner)
            Reference.sumAxis(&y2, x, outer: outer, n: n, inner: inner)
            if inner == 1 {
                // Both are sums of n terms of size ≤ 4: each within n·4·2⁻²⁴ of the exact sum.
                for i in 0..<y1.count { XCTAssertEqual(y1[i], y2[i], accuracy: Float(n) * 4 * 0x1p-23, "sum \(outer)×\(n)×\(inner)") }
            } else {
                XCTAssertEqual(y1, y2, "sum \(outer)×\(n)×\(inner)")
            }
            Kernels.meanAxis(&y1, x, outer: outer, n: n, inner: inner)
            Reference.meanAxis(&y2, x, outer: outer, n: n, inner: inner)
            for i in 0..<y1.count { XCTAssertEqual(y1[i], y2[i], accuracy: 4 * 0x1p-23 * 4, "mean \(outer)×\(n)×\(inner)") }
        }
        var empty: [Float] = [7]
        Kernels.meanAxis(&empty, [], outer: 1, n: 0, inner: 1)
        XCTAssert(empty[0].isNaN, "the mean of nothing is NaN, as NumPy")
    }
}
