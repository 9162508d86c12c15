#if canImport(Glibc)
import Glibc
#endif

/// Scaled dot-product attention (Vaswani et al. 2017, "Attention Is All You Need", eq. 1):
/// Attention(Q, K, V) = softmax(Q·Kᵀ/√d_k + M)·V, over `batch` independent heads.
extension Reference {

    /// Forward, per head b and query row i:
    ///
    ///     scores[i,j] = Σ_e q[i,e]·k[j,e]          scaled[i,j] = scores[i,j]·scale   (scale = 1/√d)
    ///     masked[i,j] = scaled[i,j] + mask[i,j]    (mask entries 0 or −∞; no mask: masked = scaled)
    ///     weights[i,·] = softmax(masked[i,·])      out[i,e] = Σ_j weights[i,j]·v[j,e]
    ///
    /// - Parameters: out (batch×tq×dv); weights (batch×tq×tk, saved for backward);
    ///   q (batch×tq×d); k (batch×tk×d); v (batch×tk×dv); mask (tq×tk, shared by all heads) or nil;
    ///   optional outputs for walkthroughs, each batch×tq×tk: scores, scaledScores, maskedScores.
    ///   A row whose mask is all −∞ gives NaN weights (as PyTorch). Polls `Interrupt` per head.
    public static func attentionForward(out: UnsafeMutablePointer<Float>, weights: UnsafeMutablePointer<Float>,
                                        q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                                        mask: UnsafePointer<Float>?, batch: Int, tq: Int, tk: Int, d: Int, dv: Int,
                                        scale: Float, scores: UnsafeMutablePointer<Float>?,
                                        scaledScores: UnsafeMutablePointer<Float>?, maskedScores: UnsafeMutablePointer<Float>?) {
        for b in 0..<batch {
            if Interrupt.isRequested { return }
            let qb = q + b * tq * d, kb = k + b * tk * d, vb = v + b * tk * dv
            for i in 0..<tq {
                let w = weights + (b * tq + i) * tk
                let row = (b * tq + i) * tk
                // scores, scaled, masked; weights holds the masked scores until the softmax
                for j in 0..<tk {
                    var s: Float = 0
                    for e in 0..<d { s += qb[i * d + e] * kb[j * d + e] }
                    scores?[row + j] = s
                    let scaled = s * scale
                    scaledScores?[row + j] = scaled
                    let masked = scaled + (mask?[i * tk + j] ?? 0)
                    maskedScores?[row + j] = masked
                    w[j] = masked
                }
                softmaxRows(w, w, rows: 1, cols: tk)
                let o = out + (b * tq + i) * dv
                for e in 0..<dv { o[e] = 0 }
                for j in 0..<tk {
                    let wj = w[j]
                    for e in 0..<dv { o[e] += wj * vb[j * dv + e] }
                }
            }
        }
    }

    /// Backward, per head, from the forward lines (W = weights, G = dOut):
    ///
    ///     "out = W·V":         dV = Wᵀ·G;  dW[i,j] = Σ_e G[i,e]·v[j,e]
    ///     "W = softmax(S)":    dS[i,j] = W[i,j]·(dW[i,j] − Σ_j′ dW[i,j′]·W[i,j′])   (the mask adds no term)
    ///     "S = scale·Q·Kᵀ":    dQ = scale·dS·K;  dK = scale·dSᵀ·Q
    ///
    /// dW is recomputed in a second sweep instead of stored, so no scratch memory is needed.
    /// - Parameters: dq (batch×tq×d), dk (batch×tk×d), dv (batch×tk×dv) — overwritten;
    ///   dOut (batch×tq×dv); q, k, v and weights as in forward. Polls `Interrupt` per head.
    public static func attentionBackward(dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>,
                                         dv dV: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                                         q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                                         weights: UnsafePointer<Float>, batch: Int, tq: Int, tk: Int, d: Int, dv: Int,
                                         scale: Float) {
        for idx in 0..<(batch * tq * d) { dq[idx] = 0 }
        for idx in 0..<(batch * tk * d) { dk[idx] = 0 }
        for idx in 0..<(batch * tk * dv) { dV[idx] = 0 }
        for b in 0..<batch {
            if Interrupt.isRequested { return }
            let qb = q + b * tq * d, kb = k + b * tk * d, vb = v + b * tk * dv
            let dqb = dq + b * tq * d, dkb = dk + b * tk * d, dvb = dV + b * tk * dv
            for i in 0..<tq {
                let w = weights + (b * tq + i) * tk, g = dOut + (b * tq + i) * dv
                // dW[i,j] = G[i,·]·v[j,·]; dot = Σ_j dW[i,j]·W[i,j]
                var dot: Float = 0
                for j in 0..<tk where w[j] != 0 {
                    var dwj: Float = 0
                    for e in 0..<dv { dwj += g[e] * vb[j * dv + e] }
                    dot += dwj * w[j]
                }
                for j in 0..<tk {
                    // dV[j,·] += W[i,j]·G[i,·]
                    for e in 0..<dv { dvb[j * dv + e] += w[j] * g[e] }
                    if w[j] == 0 { continue }   // masked (or underflowed) weights pass no gradient
                    var dwj: Float = 0
                    for e in 0..<dv { dwj += g[e] * vb[j * dv + e] }
                    let ds = w[j] * (dwj - dot) * scale
                    for e in 0..<d {
                        dqb[i * d + e] += ds * kb[j * d + e]
                        dkb[j * d + e] += ds * qb[i * d + e]
                    }
                }
            }
        }
    }

    /// The causal mask: y[i,j] = 0 for j ≤ i and −∞ for j > i (a query sees itself and the past).
    /// - Parameters: y (n×n).
    public static func causalMask(_ y: UnsafeMutablePointer<Float>, n: Int) {
        causalMask(y, rows: n, cols: n)
    }

    /// The rows×cols mask of the last `rows` queries over `cols` keys (cols ≥ rows: the earlier
    /// keys come from a cache): query i is position cols − rows + i and sees keys 0 … that
    /// position, y[i, j] = 0 for j ≤ cols − rows + i, else −∞.
    public static func causalMask(_ y: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
        let shift = cols - rows
        for i in 0..<rows {
            for j in 0..<cols { y[i * cols + j] = j <= shift + i ? 0 : -Float.infinity }
        }
    }
}
