#if canImport(Glibc)
import Glibc
#endif

// Softmax and log-softmax over the rows of a matrix (the last axis), numerically stable:
// the row maximum is subtracted before exponentiating (so the largest term is e⁰ = 1 and
// nothing overflows). Per row: one pass for the maximum, then one fused pass that computes
// eˣ⁻ᵐᵃˣ, stores it and sums it, then a scaling pass over the (cache-resident) row.

// MARK: - Row helpers

extension Fast {
    /// max over x[0..<n] (n ≥ 1); −inf for an all −inf row.
    @inline(__always)
    static func rowMax(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var m0 = V8(repeating: -.infinity), m1 = m0
        var i = 0
        while i + 16 <= n {
            let a = load(x + i), b = load(x + i + 8)
            m0.replace(with: a, where: a .> m0)
            m1.replace(with: b, where: b .> m1)
            i += 16
        }
        if i + 8 <= n {
            let a = load(x + i)
            m0.replace(with: a, where: a .> m0)
            i += 8
        }
        m0.replace(with: m1, where: m1 .> m0)
        var m = m0.max()
        while i < n { if x[i] > m || x[i].isNaN { m = x[i] }; i += 1 }
        return m
    }

    /// y[i] = e^{s·x[i] + mask[i] − shift} for i < n (mask optional) and returns Σ y[i].
    @inline(__always)
    static func expShiftStoreSum(
        _ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ n: Int,
        scale: Float, mask: UnsafePointer<Float>?, shift: Float
    ) -> Float {
        let s = V8(repeating: scale), m = V8(repeating: -shift)
        var acc0 = V8(), acc1 = V8()
        var i = 0
        if let mask {
            while i + 8 <= n {
                let e = exp(fma(load(x + i), s, load(mask + i) + m))
                store(e, y + i); acc0 += e
                i += 8
            }
            if i < n {
                let e = exp(fma(loadPartial(x + i, n - i), s,
                                loadPartial(mask + i, n - i, fill: -.infinity) + m))
                storePartial(e, y + i, n - i); acc1 += e
            }
        } else {
            while i + 16 <= n {
                let e0 = exp(fma(load(x + i), s, m)), e1 = exp(fma(load(x + i + 8), s, m))
                store(e0, y + i); store(e1, y + i + 8)
                acc0 += e0; acc1 += e1
                i += 16
            }
            while i + 8 <= n {
                let e = exp(fma(load(x + i), s, m))
                store(e, y + i); acc0 += e
                i += 8
            }
            if i < n {
                let e = exp(fma(loadPartial(x + i, n - i, fill: -.infinity), s, m))
                storePartial(e, y + i, n - i); acc1 += e
            }
        }
        return (acc0 + acc1).sum()
    }

    /// y[i] *= c for i < n.
    @inline(__always)
    static func scaleRow(_ y: UnsafeMutablePointer<Float>, _ n: Int, by c: Float) {
        let v = V8(repeating: c)
        var i = 0
        while i + 8 <= n { store(load(y + i) * v, y + i); i += 8 }
        while i < n { y[i] *= c; i += 1 }
    }
}

// MARK: - softmax / log-softmax

extension Fast {
    /// Softmax over each row: y[r, j] = e^{x[r, j] − mᵣ} / Σₖ e^{x[r, k] − mᵣ}, mᵣ = maxₖ x[r, k].
    /// x, y: [rows × cols] row-major; y may alias x. A row holding NaN or +inf gives NaN.
    public static func softmaxRows(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, rows: Int, cols: Int) {
        guard cols > 0 else { return }
        for r in 0..<rows {
            let xr = x + r * cols, yr = y + r * cols
            let m = rowMax(xr, cols)
            let sum = expShiftStoreSum(yr, xr, cols, scale: 1, mask: nil, shift: m)
            scaleRow(yr, cols, by: 1 / sum)
        }
    }

    /// Log-softmax over each row: y[r, j] = x[r, j] − mᵣ − ln Σₖ e^{x[r, k] − mᵣ}.
    /// x, y: [rows × cols] row-major; y may alias x.
    public static func logSoftmaxRows(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, rows: Int, cols: Int) {
        guard cols > 0 else { return }
        for r in 0..<rows {
            let xr = x + r * cols, yr = y + r * cols
            let m = rowMax(xr, cols)
            // Σ e^{x − m} without storing: accumulate in registers.
            let mv = V8(repeating: -m)
            var acc0 = V8(), acc1 = V8()
            var i = 0
            while i + 16 <= cols {
                acc0 += exp(load(xr + i) + mv); acc1 += exp(load(xr + i + 8) + mv)
                i += 16
            }
            while i + 8 <= cols { acc0 += exp(load(xr + i) + mv); i += 8 }
            if i < cols { acc1 += exp(loadPartial(xr + i, cols - i, fill: -.infinity) + mv) }
            let shift = m + logf((acc0 + acc1).sum())
            let sv = V8(repeating: -shift)
            i = 0
            while i + 8 <= cols { store(load(xr + i) + sv, yr + i); i += 8 }
            while i < cols { yr[i] = xr[i] - shift; i += 1 }
        }
    }
}
