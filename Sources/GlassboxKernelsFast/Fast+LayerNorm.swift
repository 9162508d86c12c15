// Layer normalization (Ba, Kiros & Hinton 2016) over the rows of a matrix, forward and backward
// as a pair (llm.c's layernorm_forward / layernorm_backward). Each row is read from cache after
// its first pass: rows of a few thousand floats fit in L1.

// MARK: - Row sums

extension Fast {
    /// Σ x[i] for i < n.
    @inline(__always)
    static func rowSum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var a0 = V8(), a1 = V8()
        var i = 0
        while i + 16 <= n { a0 += load(x + i); a1 += load(x + i + 8); i += 16 }
        if i + 8 <= n { a0 += load(x + i); i += 8 }
        var s = (a0 + a1).sum()
        while i < n { s += x[i]; i += 1 }
        return s
    }
}

// MARK: - Forward

extension Fast {
    /// y = (x − μ)·rstd·γ + β per row, with μ = mean(x), rstd = 1/√(var(x) + ε) (biased
    /// variance, as PyTorch's `layer_norm`); μ and rstd are saved for backward.
    ///
    /// Shapes: y, x: [rows × cols]; mean, rstd: [rows]; gamma, beta: [cols]. Optional outputs
    /// for walkthroughs, written only when non-nil: variance [rows] = σ², normalized
    /// [rows × cols] = x̂. The variance is computed in a second pass over x − μ (no E[x²] − μ²
    /// cancellation).
    public static func layerNormForward(
        y: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>,
        x: UnsafePointer<Float>, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
        rows: Int, cols: Int, eps: Float,
        variance varianceOut: UnsafeMutablePointer<Float>?, normalized: UnsafeMutablePointer<Float>?
    ) {
        guard cols > 0 else { return }
        let n = Float(cols)
        for r in 0..<rows {
            let xr = x + r * cols, yr = y + r * cols
            let mu = rowSum(xr, cols) / n
            let muV = V8(repeating: mu)
            var v0 = V8(), v1 = V8()
            var i = 0
            while i + 8 <= cols { let d = load(xr + i) - muV; v0 = fma(d, d, v0); i += 8 }
            if i < cols { let d = loadPartial(xr + i, cols - i, fill: mu) - muV; v1 = fma(d, d, v1) }
            let variance = (v0 + v1).sum() / n
            let rs = 1 / (variance + eps).squareRoot()
            mean[r] = mu
            rstd[r] = rs
            varianceOut?[r] = variance
            let rsV = V8(repeating: rs)
            if let normalized {
                let nr = normalized + r * cols
                for j in 0..<cols { nr[j] = (xr[j] - mu) * rs }
            }
            i = 0
            while i + 8 <= cols {
                let xhat = (load(xr + i) - muV) * rsV
                store(fma(xhat, load(gamma + i), load(beta + i)), yr + i)
                i += 8
            }
            while i < cols { yr[i] = (xr[i] - mu) * rs * gamma[i] + beta[i]; i += 1 }
        }
    }
}

// MARK: - Backward

extension Fast {
    /// Gradients of layer norm. With x̂ = (x − μ)·rstd and ĝ = dy·γ (per row):
    ///
    ///     dβ = Σ_rows dy            dγ = Σ_rows dy·x̂
    ///     dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))
    ///
    /// Shapes: dx, dy, x: [rows × cols]; mean, rstd: [rows]; gamma, dgamma, dbeta: [cols].
    /// dx, dgamma and dbeta are overwritten.
    public static func layerNormBackward(
        dx: UnsafeMutablePointer<Float>, dgamma: UnsafeMutablePointer<Float>, dbeta: UnsafeMutablePointer<Float>,
        dy: UnsafePointer<Float>, x: UnsafePointer<Float>, mean: UnsafePointer<Float>,
        rstd: UnsafePointer<Float>, gamma: UnsafePointer<Float>, rows: Int, cols: Int
    ) {
        dgamma.update(repeating: 0, count: cols)
        dbeta.update(repeating: 0, count: cols)
        guard cols > 0 else { return }
        let n = Float(cols)
        for r in 0..<rows {
            let xr = x + r * cols, dyr = dy + r * cols, dxr = dx + r * cols
            let mu = mean[r], rs = rstd[r]
            let muV = V8(repeating: mu), rsV = V8(repeating: rs)
            // Pass 1: mean(ĝ), mean(ĝ·x̂), and the parameter gradients.
            var sg = V8(), sgx = V8()
            var i = 0
            while i + 8 <= cols {
                let xhat = (load(xr + i) - muV) * rsV
                let d = load(dyr + i)
                let g = d * load(gamma + i)
                sg += g
                sgx = fma(g, xhat, sgx)
                store(load(dbeta + i) + d, dbeta + i)
                store(fma(d, xhat, load(dgamma + i)), dgamma + i)
                i += 8
            }
            var sumG = sg.sum(), sumGX = sgx.sum()
            while i < cols {
                let xhat = (xr[i] - mu) * rs
                let g = dyr[i] * gamma[i]
                sumG += g; sumGX += g * xhat
                dbeta[i] += dyr[i]; dgamma[i] += dyr[i] * xhat
                i += 1
            }
            let meanG = V8(repeating: sumG / n), meanGX = V8(repeating: sumGX / n)
            // Pass 2: dx.
            i = 0
            while i + 8 <= cols {
                let xhat = (load(xr + i) - muV) * rsV
                let g = load(dyr + i) * load(gamma + i)
                store(rsV * (g - meanG - xhat * meanGX), dxr + i)
                i += 8
            }
            while i < cols {
                let xhat = (xr[i] - mu) * rs
                let g = dyr[i] * gamma[i]
                dxr[i] = rs * (g - sumG / n - xhat * (sumGX / n))
                i += 1
            }
        }
    }
}
