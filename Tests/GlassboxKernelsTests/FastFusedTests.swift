import XCTest
@testable import GlassboxKernelsFast
#if canImport(Glibc)
import Glibc
#endif

/// LSTM cell, attention and the optimizers against their composed formulas in Double; the
/// backward passes against central finite differences of the Double forward.
final class FastFusedTests: XCTestCase {
    // MARK: - LSTM cell

    static func sigmoid(_ x: Double) -> Double { 1 / (1 + Glibc.exp(-x)) }

    /// (h, c) of the cell from pre-activations and c_prev, in Double (PyTorch's i, f, g, o).
    static func lstmReference(_ pre: [Double], _ cPrev: [Double], batch: Int, hidden H: Int) -> (h: [Double], c: [Double]) {
        var h = [Double](repeating: 0, count: batch * H), c = h
        for b in 0..<batch {
            for j in 0..<H {
                let p = b * 4 * H
                let i = sigmoid(pre[p + j]), f = sigmoid(pre[p + H + j])
                let g = Glibc.tanh(pre[p + 2 * H + j]), o = sigmoid(pre[p + 3 * H + j])
                c[b * H + j] = f * cPrev[b * H + j] + i * g
                h[b * H + j] = o * Glibc.tanh(c[b * H + j])
            }
        }
        return (h, c)
    }

    func testLSTMCellForwardBackward() {
        var rng = SplitMix(seed: 21)
        for (batch, hidden) in [(1, 1), (2, 7), (3, 8), (2, 33)] {
            let H = hidden
            let pre = rng.array(batch * 4 * H, -3, 3), cPrev = rng.array(batch * H, -2, 2)
            var gates = [Float](repeating: 0, count: batch * 4 * H)
            var c = [Float](repeating: 0, count: batch * H), tanhC = c, h = c
            Fast.lstmCellForward(gates: &gates, c: &c, tanhC: &tanhC, h: &h, preact: pre, cPrev: cPrev, batch: batch, hidden: H)
            let ref = Self.lstmReference(pre.map(Double.init), cPrev.map(Double.init), batch: batch, hidden: H)
            assertFastClose(h, ref.h, tol: 1e-6, "lstm h \(batch)×\(H)")
            assertFastClose(c, ref.c, tol: 1e-6, "lstm c \(batch)×\(H)")
            assertFastClose(tanhC, ref.c.map(Glibc.tanh), tol: 1e-6, "lstm tanhC")

            // Loss = Σ dh⊙h + Σ dc⊙c, so dPreact and dcPrev are its gradients.
            let dh = rng.array(batch * H), dcUp = rng.array(batch * H)
            for withDc in [false, true] {
                var dPre = [Float](repeating: .nan, count: batch * 4 * H)
                var dcPrev = [Float](repeating: .nan, count: batch * H)
                dcUp.withUnsafeBufferPointer { dcp in
                    Fast.lstmCellBackward(dPreact: &dPre, dcPrev: &dcPrev, dh: dh, dc: withDc ? dcp.baseAddress : nil,
                                          gates: gates, cPrev: cPrev, tanhC: tanhC, batch: batch, hidden: H)
                }
                let loss = { (r: (h: [Double], c: [Double])) -> Double in
                    var s = 0.0
                    for i in 0..<r.h.count { s += Double(dh[i]) * r.h[i] + (withDc ? Double(dcUp[i]) * r.c[i] : 0) }
                    return s
                }
                let cd = cPrev.map(Double.init), pd = pre.map(Double.init)
                assertFastClose(dPre, fastNumericGradient(pre) { loss(Self.lstmReference($0, cd, batch: batch, hidden: H)) },
                            tol: 1e-4, "lstm dPreact \(batch)×\(H) dc=\(withDc)")
                assertFastClose(dcPrev, fastNumericGradient(cPrev) { loss(Self.lstmReference(pd, $0, batch: batch, hidden: H)) },
                            tol: 1e-4, "lstm dcPrev \(batch)×\(H) dc=\(withDc)")
            }
        }
    }

    // MARK: - Attention

    /// out = softmax(q·kᵀ·scale + mask)·v per head, in Double.
    static func attentionReference(
        _ q: [Double], _ k: [Double], _ v: [Double], mask: [Float]?,
        batch: Int, tq: Int, tk: Int, d: Int, dv: Int, scale: Double
    ) -> [Double] {
        var out = [Double](repeating: 0, count: batch * tq * dv)
        for b in 0..<batch {
            for i in 0..<tq {
                var s = [Double](repeating: 0, count: tk)
                for j in 0..<tk {
                    var dot = 0.0
                    for p in 0..<d { dot += q[(b * tq + i) * d + p] * k[(b * tk + j) * d + p] }
                    s[j] = dot * scale + Double(mask?[i * tk + j] ?? 0)
                }
                let m = s.max() ?? 0
                let e = s.map { Glibc.exp($0 - m) }
                let sum = e.reduce(0, +)
                for c in 0..<dv {
                    var acc = 0.0
                    for j in 0..<tk { acc += e[j] / sum * v[(b * tk + j) * dv + c] }
                    out[(b * tq + i) * dv + c] = acc
                }
            }
        }
        return out
    }

    func testAttentionForwardBackward() {
        var rng = SplitMix(seed: 31)
        for (batch, tq, tk, d, dv, masked) in [(1, 1, 1, 1, 1, false), (2, 7, 7, 5, 3, true), (1, 9, 17, 8, 16, false),
                                                 (2, 33, 33, 7, 9, true)] {
            let q = rng.array(batch * tq * d, -2, 2), k = rng.array(batch * tk * d, -2, 2), v = rng.array(batch * tk * dv)
            // Causal mask where square: 0 on and below the diagonal, −inf above.
            let mask: [Float]? = masked ? (0..<(tq * tk)).map { ($0 % tk) > ($0 / tk) ? -.infinity : 0 } : nil
            let scale = 1 / Float(d).squareRoot()
            var out = [Float](repeating: .nan, count: batch * tq * dv)
            var weights = [Float](repeating: .nan, count: batch * tq * tk)
            var scores = weights, scaled = weights, masked = weights
            func withMask<R>(_ body: (UnsafePointer<Float>?) -> R) -> R {
                if let mask { return mask.withUnsafeBufferPointer { body($0.baseAddress) } }
                return body(nil)
            }
            withMask { mp in
                Fast.attentionForward(out: &out, weights: &weights, q: q, k: k, v: v, mask: mp,
                                      batch: batch, tq: tq, tk: tk, d: d, dv: dv, scale: scale,
                                      scores: &scores, scaledScores: &scaled, maskedScores: &masked)
            }
            let qd = q.map(Double.init), kd = k.map(Double.init), vd = v.map(Double.init)
            let ref = { (q: [Double], k: [Double], v: [Double]) in
                Self.attentionReference(q, k, v, mask: mask, batch: batch, tq: tq, tk: tk, d: d, dv: dv, scale: Double(scale))
            }
            assertFastClose(out, ref(qd, kd, vd), tol: 1e-5, "attention out \(batch)×\(tq)×\(tk)×\(d)×\(dv) mask=\(masked)")
            if mask != nil, tk > 1 { XCTAssertEqual(weights[1], 0, "masked weight"); XCTAssertEqual(masked[1], -.infinity) }
            for idx in 0..<scores.count {
                XCTAssertEqual(scaled[idx], scores[idx] * scale)
                XCTAssertEqual(masked[idx], scaled[idx] + (mask?[idx % (tq * tk)] ?? 0))
            }
            // Per-head scores against the Double dot products (head 0, row 0).
            for j in 0..<tk {
                let dot = (0..<d).reduce(0.0) { $0 + Double(q[$1]) * Double(k[j * d + $1]) }
                XCTAssertEqual(Double(scores[j]), dot, accuracy: 1e-5 * (1 + abs(dot)))
            }

            let dOut = rng.array(batch * tq * dv)
            var dq = [Float](repeating: .nan, count: q.count), dk = [Float](repeating: .nan, count: k.count)
            var dV = [Float](repeating: .nan, count: v.count)
            Fast.attentionBackward(dq: &dq, dk: &dk, dv: &dV, dOut: dOut, q: q, k: k, v: v, weights: weights,
                                   batch: batch, tq: tq, tk: tk, d: d, dv: dv, scale: scale)
            let loss = { (o: [Double]) in zip(o, dOut).reduce(0) { $0 + $1.0 * Double($1.1) } }
            assertFastClose(dq, fastNumericGradient(q) { loss(ref($0, kd, vd)) }, tol: 1e-4, "attention dq")
            assertFastClose(dk, fastNumericGradient(k) { loss(ref(qd, $0, vd)) }, tol: 1e-4, "attention dk")
            assertFastClose(dV, fastNumericGradient(v) { loss(ref(qd, kd, $0)) }, tol: 1e-4, "attention dv")
        }
    }

    // MARK: - Optimizers

    func testSGDMomentum() {
        var rng = SplitMix(seed: 41)
        for count in [1, 7, 33, 129] {
            var p = rng.array(count), vel = rng.array(count)
            let g = rng.array(count)
            let (p0, v0) = (p, vel)
            var (p2, vel2) = (p, vel)
            var update = [Float](repeating: 0, count: count)
            Fast.sgdStep(param: &p, velocity: &vel, grad: g, count: count, lr: 0.1, momentum: 0.9, update: nil)
            Fast.sgdStep(param: &p2, velocity: &vel2, grad: g, count: count, lr: 0.1, momentum: 0.9, update: &update)
            let vWant = (0..<count).map { 0.9 * Double(v0[$0]) + Double(g[$0]) }
            assertFastClose(vel, vWant, tol: 1e-6, "sgd velocity")
            assertFastClose(p, (0..<count).map { Double(p0[$0]) - 0.1 * vWant[$0] }, tol: 1e-6, "sgd param")
            assertFastClose(vel2, vWant, tol: 1e-6, "sgd velocity (with update)")
            assertFastClose(p2, (0..<count).map { Double(p0[$0]) - 0.1 * vWant[$0] }, tol: 1e-6, "sgd param (with update)")
            assertFastClose(update, vWant.map { 0.1 * $0 }, tol: 1e-6, "sgd update")
        }
    }

    /// Three Adam steps against Algorithm 1 of Kingma & Ba (2015) in Double.
    func testAdamThreeSteps() {
        var rng = SplitMix(seed: 42)
        for count in [1, 7, 33, 129] {
            var p = rng.array(count)
            var m = [Float](repeating: 0, count: count), v = m
            var pd = p.map(Double.init), md = [Double](repeating: 0, count: count), vd = md
            let (lr, b1, b2, eps) = (0.01, 0.9, 0.999, 1e-8)
            for t in 1...3 {
                let g = rng.array(count)
                var mHat = [Float](repeating: 0, count: count), vHat = mHat, update = mHat
                Fast.adamStep(param: &p, m: &m, v: &v, grad: g, count: count, lr: Float(lr), beta1: Float(b1),
                              beta2: Float(b2), eps: Float(eps), t: t, mHat: &mHat, vHat: &vHat, update: &update)
                var mh = [Double](), vh = [Double](), up = [Double]()
                for i in 0..<count {
                    let gi = Double(g[i])
                    md[i] = b1 * md[i] + (1 - b1) * gi
                    vd[i] = b2 * vd[i] + (1 - b2) * gi * gi
                    mh.append(md[i] / (1 - power(b1, t)))
                    vh.append(vd[i] / (1 - power(b2, t)))
                    up.append(lr * mh[i] / (vh[i].squareRoot() + eps))
                    pd[i] -= up[i]
                }
                assertFastClose(p, pd, tol: 1e-6, "adam param t=\(t) n=\(count)")
                assertFastClose(m, md, tol: 1e-6, "adam m"); assertFastClose(v, vd, tol: 1e-6, "adam v")
                assertFastClose(mHat, mh, tol: 1e-6, "adam mHat"); assertFastClose(vHat, vh, tol: 1e-6, "adam vHat")
                assertFastClose(update, up, tol: 1e-6, "adam update")
            }
        }
    }

    /// Adam flushes subnormal moments to zero (fast, and no visible change to the parameter),
    /// and leaves the thread's floating-point mode as it found it: subnormals still come out of
    /// ordinary arithmetic afterwards.
    func testAdamFlushesSubnormalMomentsAndRestoresTheMode() {
        let count = 19
        var p = [Float](repeating: 0.5, count: count)
        var m = [Float](repeating: 1e-39, count: count), v = m   // subnormal moments
        let g = [Float](repeating: 1e-25, count: count)          // g² = 1e-50 underflows
        var update = [Float](repeating: 1, count: count)
        Fast.adamStep(param: &p, m: &m, v: &v, grad: g, count: count, lr: 1e-3, beta1: 0.9, beta2: 0.999,
                      eps: 1e-8, t: 5, mHat: nil, vHat: nil, update: &update)
        XCTAssertEqual(v, [Float](repeating: 0, count: count), "β₂·v (subnormal) + (1 − β₂)·g² flushed")
        XCTAssertTrue(m.allSatisfy { $0 > 0 && $0.isNormal }, "(1 − β₁)·g = 1e-26 is normal and kept")
        XCTAssertEqual(p, [Float](repeating: 0.5, count: count), "a 1e-26 moment moves nothing")
        // The caller's mode is back: a subnormal product is not flushed.
        var tiny = Float.leastNormalMagnitude
        blackHoleFloat(&tiny)
        XCTAssertEqual(tiny / 4, Float.leastNormalMagnitude / 4)
        XCTAssertTrue((tiny / 4).isSubnormal)
    }

    func power(_ x: Double, _ n: Int) -> Double { Glibc.pow(x, Double(n)) }
}

/// Hides a value from the optimizer, so that arithmetic on it happens at run time.
@inline(never)
func blackHoleFloat(_ x: inout Float) {}
