#if canImport(Glibc)
import Glibc
#endif

/// Reductions along one axis. A contiguous tensor reduced along axis `a` is seen as
/// (outer, n, inner): outer = ∏ dims before a, n = dim a, inner = ∏ dims after a, so
/// x[o, j, i] = x[(o·n + j)·inner + i] and the result is y[o, i] = y[o·inner + i].
extension Reference {

    // MARK: - Sum, mean, variance

    /// y[o, i] = Σⱼ x[o, j, i].
    /// - Parameters: y (outer×inner), x (outer×n×inner).
    public static func sumAxis(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>,
                               outer: Int, n: Int, inner: Int) {
        for o in 0..<outer {
            let yo = y + o * inner
            for i in 0..<inner { yo[i] = 0 }
            for j in 0..<n {
                let xr = x + (o * n + j) * inner
                for i in 0..<inner { yo[i] += xr[i] }
            }
        }
    }

    /// y[o, i] = (1/n) Σⱼ x[o, j, i]  (NaN when n = 0, as NumPy).
    /// - Parameters: y (outer×inner), x (outer×n×inner).
    public static func meanAxis(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>,
                                outer: Int, n: Int, inner: Int) {
        sumAxis(y, x, outer: outer, n: n, inner: inner)
        let scale = 1 / Float(n)
        for k in 0..<(outer * inner) { y[k] *= scale }
    }

    /// Population variance (divide by n, as NumPy `var` and layer norm):
    /// μ = (1/n) Σⱼ x[o, j, i];  y[o, i] = (1/n) Σⱼ (x[o, j, i] − μ)²  (two passes, no cancellation).
    /// - Parameters: y (outer×inner), mean (outer×inner, written), x (outer×n×inner).
    public static func varianceAxis(_ y: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>,
                                    _ x: UnsafePointer<Float>, outer: Int, n: Int, inner: Int) {
        meanAxis(mean, x, outer: outer, n: n, inner: inner)
        let scale = 1 / Float(n)
        for o in 0..<outer {
            let yo = y + o * inner, mo = mean + o * inner
            for i in 0..<inner { yo[i] = 0 }
            for j in 0..<n {
                let xr = x + (o * n + j) * inner
                for i in 0..<inner { let d = xr[i] - mo[i]; yo[i] += d * d }
            }
            for i in 0..<inner { yo[i] *= scale }
        }
    }

    // MARK: - Max, min, argmax

    /// y[o, i] = maxⱼ x[o, j, i] (or min when `isMin`); index[o, i] = the first j that attains it.
    /// A NaN wins (as NumPy `max`) and its index is returned. n must be ≥ 1.
    /// - Parameters: y (outer×inner) or nil, index (outer×inner) or nil, x (outer×n×inner).
    public static func extremumAxis(_ y: UnsafeMutablePointer<Float>?, index: UnsafeMutablePointer<Int>?,
                                    _ x: UnsafePointer<Float>, isMin: Bool, outer: Int, n: Int, inner: Int) {
        for o in 0..<outer {
            for i in 0..<inner {
                let base = o * n * inner + i
                var best = x[base], bestJ = 0
                if !best.isNaN {
                    for j in 1..<max(n, 1) {
                        let v = x[base + j * inner]
                        if v.isNaN { best = v; bestJ = j; break }
                        if isMin ? (v < best) : (v > best) { best = v; bestJ = j }
                    }
                }
                y?[o * inner + i] = best
                index?[o * inner + i] = bestJ
            }
        }
    }

    // MARK: - Softmax family (rows: the last axis)

    /// Softmax of each row, stable form (subtract the row maximum m):
    /// y[r, c] = e^(x[r,c] − m) / Σ_c′ e^(x[r,c′] − m),  m = max_c x[r, c].
    /// - Parameters: y (rows×cols), x (rows×cols); y may alias x.
    public static func softmaxRows(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, rows: Int, cols: Int) {
        for r in 0..<rows {
            let xr = x + r * cols, yr = y + r * cols
            var m = -Float.infinity
            for c in 0..<cols where xr[c] > m || xr[c].isNaN { m = xr[c]; if m.isNaN { break } }
            var s: Float = 0
            for c in 0..<cols { let e = expf(xr[c] - m); yr[c] = e; s += e }
            let inv = 1 / s
            for c in 0..<cols { yr[c] *= inv }
        }
    }

    /// Backward of softmax: dx = y ⊙ (dy − Σ_c dy⊙y)  (row by row).
    /// - Parameters: dx (rows×cols), dy (rows×cols), y (rows×cols, the softmax output).
    public static func softmaxRowsBackward(dx: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>,
                                           y: UnsafePointer<Float>, rows: Int, cols: Int) {
        for r in 0..<rows {
            let dyr = dy + r * cols, yr = y + r * cols, dxr = dx + r * cols
            var dot: Float = 0
            for c in 0..<cols { dot += dyr[c] * yr[c] }
            for c in 0..<cols { dxr[c] = yr[c] * (dyr[c] - dot) }
        }
    }

    /// Log-softmax of each row: y[r, c] = (x[r, c] − m) − ln Σ_c′ e^(x[r,c′] − m),  m = max_c x[r, c]
    /// (subtracting m first keeps the digits of x − m when the row holds values like ±1e4).
    /// - Parameters: y (rows×cols), x (rows×cols); y may alias x.
    public static func logSoftmaxRows(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, rows: Int, cols: Int) {
        for r in 0..<rows {
            let xr = x + r * cols, yr = y + r * cols
            var m = -Float.infinity
            for c in 0..<cols where xr[c] > m || xr[c].isNaN { m = xr[c]; if m.isNaN { break } }
            var s: Float = 0
            for c in 0..<cols { s += expf(xr[c] - m) }
            let logS = logf(s)
            for c in 0..<cols { yr[c] = (xr[c] - m) - logS }
        }
    }

    /// Backward of log-softmax: dx = dy − e^y ⊙ Σ_c dy  (e^y is the softmax).
    /// - Parameters: dx (rows×cols), dy (rows×cols), y (rows×cols, the log-softmax output).
    public static func logSoftmaxRowsBackward(dx: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>,
                                              y: UnsafePointer<Float>, rows: Int, cols: Int) {
        for r in 0..<rows {
            let dyr = dy + r * cols, yr = y + r * cols, dxr = dx + r * cols
            var s: Float = 0
            for c in 0..<cols { s += dyr[c] }
            for c in 0..<cols { dxr[c] = dyr[c] - expf(yr[c]) * s }
        }
    }

    /// y[r] = ln Σ_c e^(x[r, c]) = m + ln Σ_c e^(x[r, c] − m),  m = max_c x[r, c]
    /// (−∞ for a row of −∞; +∞ if the row holds +∞).
    /// - Parameters: y (rows), x (rows×cols).
    public static func logSumExpRows(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, rows: Int, cols: Int) {
        for r in 0..<rows { y[r] = logSumExp(x + r * cols, cols) }
    }

    /// Backward of logsumexp: dx[r, c] = dy[r] · e^(x[r, c] − y[r])  (the softmax of the row).
    /// - Parameters: dx (rows×cols), dy (rows), x (rows×cols), y (rows, the forward output).
    public static func logSumExpRowsBackward(dx: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>,
                                             x: UnsafePointer<Float>, y: UnsafePointer<Float>, rows: Int, cols: Int) {
        for r in 0..<rows {
            for c in 0..<cols { dx[r * cols + c] = dy[r] * expf(x[r * cols + c] - y[r]) }
        }
    }

    /// ln Σ e^(x[c]) of one row, stable; an all −∞ row gives −∞ and any +∞ gives +∞.
    @inline(__always)
    static func logSumExp(_ x: UnsafePointer<Float>, _ cols: Int) -> Float {
        var m = -Float.infinity
        for c in 0..<cols {
            if x[c].isNaN { return .nan }
            if x[c] > m { m = x[c] }
        }
        if m.isInfinite { return m }
        var s: Float = 0
        for c in 0..<cols { s += expf(x[c] - m) }
        return m + logf(s)
    }
}

// MARK: - Index helpers

extension Reference {
    /// The backward of max/min along an axis: dx[o, index[o,i], i] = dy[o, i], every other dx = 0.
    /// - Parameters: dx (outer×n×inner), dy (outer×inner), index (outer×inner, each in 0..<n).
    public static func scatterAxis(dx: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>,
                                   index: UnsafePointer<Int>, outer: Int, n: Int, inner: Int) {
        for k in 0..<(outer * n * inner) { dx[k] = 0 }
        for o in 0..<outer {
            for i in 0..<inner { dx[(o * n + index[o * inner + i]) * inner + i] = dy[o * inner + i] }
        }
    }

    /// y[i] = Float(x[i]): indices as tensor values (exact below 2²⁴).
    public static func indicesToFloat(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Int>, count: Int) {
        for i in 0..<count { y[i] = Float(x[i]) }
    }
}
