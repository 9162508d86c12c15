/// Layer normalization (Ba, Kiros & Hinton 2016, "Layer Normalization"), over the last axis.
extension Reference {

    /// For each row r of x (rows×cols):
    ///
    ///     μ = (1/C) Σ_c x[r,c]                 σ² = (1/C) Σ_c (x[r,c] − μ)²   (population variance)
    ///     rstd = 1/√(σ² + eps)                 x̂[r,c] = (x[r,c] − μ)·rstd
    ///     y[r,c] = γ[c]·x̂[r,c] + β[c]
    ///
    /// - Parameters: y (rows×cols); mean, rstd (rows, saved for backward); x (rows×cols);
    ///   gamma, beta (cols); optional outputs for walkthroughs: variance (rows) = σ²,
    ///   normalized (rows×cols) = x̂ (written only when non-nil).
    public static func layerNormForward(y: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>,
                                        rstd: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>,
                                        gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
                                        rows: Int, cols: Int, eps: Float,
                                        variance: UnsafeMutablePointer<Float>?, normalized: UnsafeMutablePointer<Float>?) {
        let invC = 1 / Float(cols)
        for r in 0..<rows {
            let xr = x + r * cols, yr = y + r * cols
            var m: Float = 0
            for c in 0..<cols { m += xr[c] }
            m *= invC
            var v: Float = 0
            for c in 0..<cols { let d = xr[c] - m; v += d * d }
            v *= invC
            let s = 1 / (v + eps).squareRoot()
            for c in 0..<cols {
                let n = (xr[c] - m) * s
                normalized?[r * cols + c] = n
                yr[c] = n * gamma[c] + beta[c]
            }
            mean[r] = m
            rstd[r] = s
            variance?[r] = v
        }
    }

    /// Backward of `layerNormForward` (as llm.c's layernorm_backward). With x̂ = (x − μ)·rstd and
    /// g = dy ⊙ γ (the gradient reaching x̂):
    ///
    ///     dβ[c] = Σ_r dy[r,c]                  dγ[c] = Σ_r dy[r,c]·x̂[r,c]
    ///     dx[r,c] = rstd·(g[r,c] − mean_c(g[r,·]) − x̂[r,c]·mean_c(g[r,·] ⊙ x̂[r,·]))
    ///
    /// - Parameters: dx (rows×cols); dgamma, dbeta (cols, overwritten); dy (rows×cols);
    ///   x (rows×cols); mean, rstd (rows, from forward); gamma (cols).
    public static func layerNormBackward(dx: UnsafeMutablePointer<Float>, dgamma: UnsafeMutablePointer<Float>,
                                         dbeta: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>,
                                         x: UnsafePointer<Float>, mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
                                         gamma: UnsafePointer<Float>, rows: Int, cols: Int) {
        for c in 0..<cols { dgamma[c] = 0; dbeta[c] = 0 }
        let invC = 1 / Float(cols)
        for r in 0..<rows {
            let xr = x + r * cols, dyr = dy + r * cols, dxr = dx + r * cols
            let m = mean[r], s = rstd[r]
            // two reductions over the row: mean of g and mean of g ⊙ x̂
            var gMean: Float = 0, gNormMean: Float = 0
            for c in 0..<cols {
                let norm = (xr[c] - m) * s
                let g = dyr[c] * gamma[c]
                gMean += g
                gNormMean += g * norm
            }
            gMean *= invC
            gNormMean *= invC
            for c in 0..<cols {
                let norm = (xr[c] - m) * s
                let g = dyr[c] * gamma[c]
                dbeta[c] += dyr[c]
                dgamma[c] += dyr[c] * norm
                dxr[c] = s * (g - gMean - norm * gNormMean)
            }
        }
    }
}
