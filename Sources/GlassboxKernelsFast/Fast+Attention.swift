// Scaled dot-product attention (Vaswani et al. 2017, eq. 1) over `batch` independent heads,
// forward and backward. The only tq×tk matrices are the saved weights and, in backward, one
// scratch for dP/dS per call: nothing bigger than the scores is materialized. The products are
// `Fast.gemm` calls on the head's slices; the softmax is fused with the scaling and the mask.

// MARK: - Forward

extension Fast {
    /// out = softmax(q·kᵀ·scale + mask)·v for each head; the softmax ("weights") is saved.
    ///
    /// Shapes: q: [batch × tq × d], k: [batch × tk × d], v: [batch × tk × dv],
    /// mask: [tq × tk] of 0 or −inf (shared by the heads) or nil, weights: [batch × tq × tk],
    /// out: [batch × tq × dv]; scale is usually 1/√d. Optional outputs for walkthroughs, each
    /// [batch × tq × tk], written only when non-nil: scores = q·kᵀ, scaledScores = scores·scale,
    /// maskedScores = scaledScores + mask.
    public static func attentionForward(
        out: UnsafeMutablePointer<Float>, weights: UnsafeMutablePointer<Float>,
        q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
        mask: UnsafePointer<Float>?, batch: Int, tq: Int, tk: Int, d: Int, dv: Int, scale: Float,
        scores: UnsafeMutablePointer<Float>?, scaledScores: UnsafeMutablePointer<Float>?,
        maskedScores: UnsafeMutablePointer<Float>?
    ) {
        for head in 0..<batch {
            let o = head * tq * tk
            attentionForwardHead(
                out: out + head * tq * dv, weights: weights + o,
                q: q + head * tq * d, k: k + head * tk * d, v: v + head * tk * dv,
                mask: mask, tq: tq, tk: tk, d: d, dv: dv, scale: scale,
                scores: scores.map { $0 + o }, scaledScores: scaledScores.map { $0 + o },
                maskedScores: maskedScores.map { $0 + o })
        }
    }

    /// One head of `attentionForward` (also called per head by the threaded dispatcher).
    public static func attentionForwardHead(
        out: UnsafeMutablePointer<Float>, weights: UnsafeMutablePointer<Float>,
        q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
        mask: UnsafePointer<Float>?, tq: Int, tk: Int, d: Int, dv: Int, scale: Float,
        scores: UnsafeMutablePointer<Float>? = nil, scaledScores: UnsafeMutablePointer<Float>? = nil,
        maskedScores: UnsafeMutablePointer<Float>? = nil
    ) {
        guard tq > 0 else { return }
        guard tk > 0 else {
            for i in 0..<(tq * dv) { out[i] = .nan }   // softmax over an empty row: 0/0
            return
        }
        // S = q·kᵀ (tq × tk), into the weights buffer.
        gemm(transA: false, transB: true, m: tq, n: tk, k: d, a: q, lda: d, b: k, ldb: d,
             c: weights, ldc: tk, accumulate: false)
        if scores != nil || scaledScores != nil || maskedScores != nil {
            for idx in 0..<(tq * tk) {
                let s = weights[idx], scaled = s * scale
                scores?[idx] = s
                scaledScores?[idx] = scaled
                maskedScores?[idx] = scaled + (mask?[idx] ?? 0)
            }
        }
        // P = softmax(S·scale + mask), row by row, in place.
        for i in 0..<tq {
            let row = weights + i * tk
            let maskRow = mask.map { UnsafePointer($0 + i * tk) }
            let m = maxScaledMasked(row, tk, scale: scale, mask: maskRow)
            let sum = expShiftStoreSum(row, row, tk, scale: scale, mask: maskRow, shift: m)
            scaleRow(row, tk, by: 1 / sum)
        }
        // out = P·v (tq × dv).
        gemm(transA: false, transB: false, m: tq, n: dv, k: tk, a: weights, lda: tk, b: v, ldb: dv,
             c: out, ldc: dv, accumulate: false)
    }

    /// max over j of x[j]·scale + mask[j].
    @inline(__always)
    static func maxScaledMasked(_ x: UnsafePointer<Float>, _ n: Int, scale: Float, mask: UnsafePointer<Float>?) -> Float {
        if mask == nil && scale > 0 { return rowMax(x, n) * scale }
        var m: Float = -.infinity
        for j in 0..<n {
            let s = x[j] * scale + (mask?[j] ?? 0)
            if s > m || s.isNaN { m = s }
        }
        return m
    }
}

// MARK: - Backward

extension Fast {
    /// Gradients of attention, per head, with P the saved weights and S the scaled scores:
    ///
    ///     dv = Pᵀ·dOut        dP = dOut·vᵀ
    ///     dS = P⊙(dP − rowsum(dP⊙P))          (softmax backward, per row)
    ///     dq = dS·k·scale     dk = dSᵀ·q·scale
    ///
    /// Shapes as in `attentionForward`; dOut: [batch × tq × dv]; dq: [batch × tq × d],
    /// dk: [batch × tk × d], dv: [batch × tk × dv], all overwritten. Scratch: one tq × tk
    /// buffer for dP/dS, allocated per call.
    public static func attentionBackward(
        dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>, dv dV: UnsafeMutablePointer<Float>,
        dOut: UnsafePointer<Float>, q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
        weights: UnsafePointer<Float>, batch: Int, tq: Int, tk: Int, d: Int, dv: Int, scale: Float
    ) {
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: max(1, tq * tk))
        defer { scratch.deallocate() }
        for head in 0..<batch {
            attentionBackwardHead(
                dq: dq + head * tq * d, dk: dk + head * tk * d, dV: dV + head * tk * dv,
                dOut: dOut + head * tq * dv, q: q + head * tq * d, k: k + head * tk * d,
                v: v + head * tk * dv, weights: weights + head * tq * tk, scratch: scratch,
                tq: tq, tk: tk, d: d, dv: dv, scale: scale)
        }
    }

    /// One head of `attentionBackward`; `scratch` holds tq × tk floats.
    public static func attentionBackwardHead(
        dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>, dV: UnsafeMutablePointer<Float>,
        dOut: UnsafePointer<Float>, q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
        weights: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>,
        tq: Int, tk: Int, d: Int, dv: Int, scale: Float
    ) {
        // dv = Pᵀ·dOut (tk × dv).
        gemm(transA: true, transB: false, m: tk, n: dv, k: tq, a: weights, lda: tk, b: dOut, ldb: dv,
             c: dV, ldc: dv, accumulate: false)
        // dP = dOut·vᵀ (tq × tk).
        gemm(transA: false, transB: true, m: tq, n: tk, k: dv, a: dOut, lda: dv, b: v, ldb: dv,
             c: scratch, ldc: tk, accumulate: false)
        // dS·scale = scale·P⊙(dP − Σⱼ dPⱼPⱼ), in place.
        for i in 0..<tq {
            let p = weights + i * tk, ds = scratch + i * tk
            var acc = V8()
            var j = 0
            while j + 8 <= tk { acc = fma(load(ds + j), load(p + j), acc); j += 8 }
            var dot = acc.sum()
            while j < tk { dot += ds[j] * p[j]; j += 1 }
            let dotV = V8(repeating: dot), s = V8(repeating: scale)
            j = 0
            while j + 8 <= tk { store(s * load(p + j) * (load(ds + j) - dotV), ds + j); j += 8 }
            while j < tk { ds[j] = scale * p[j] * (ds[j] - dot); j += 1 }
        }
        // dq = dS·k (tq × d); dk = dSᵀ·q (tk × d).
        gemm(transA: false, transB: false, m: tq, n: d, k: tk, a: scratch, lda: tk, b: k, ldb: d,
             c: dq, ldc: d, accumulate: false)
        gemm(transA: true, transB: false, m: tk, n: d, k: tq, a: scratch, lda: tk, b: q, ldb: d,
             c: dk, ldc: d, accumulate: false)
    }
}
