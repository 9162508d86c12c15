// Sums along one axis of a contiguous tensor seen as (outer, n, inner), as `Reference.sumAxis`:
// y[o, i] = Σⱼ x[o, j, i] with x[o, j, i] = x[(o·n + j)·inner + i].

extension Fast {
    /// y[o, i] = Σⱼ x[o, j, i]. Shapes: y [outer × inner], x [outer × n × inner].
    ///
    /// inner ≥ 8 (a column sum, e.g. a bias gradient Σ_batch dy): eight or 32 columns at a time,
    /// each column summed down j in index order, so every result is bit for bit the reference
    /// loop's. inner = 1 (a whole row, e.g. `sum(x)`): 32 running partial sums (four vectors),
    /// combined pairwise at the end; this order differs from the reference's left-to-right sum,
    /// and its rounding error is smaller (each partial sum holds n/32 terms). 1 < inner < 8:
    /// the reference order, one scalar per column.
    public static func sumAxis(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>,
                               outer: Int, n: Int, inner: Int) {
        for o in 0..<outer {
            let xo = x + o * n * inner, yo = y + o * inner
            if inner == 1 {
                yo[0] = sumRow(xo, n)
                continue
            }
            var i = 0
            while i + 32 <= inner {
                var s0 = V8(), s1 = V8(), s2 = V8(), s3 = V8()
                for j in 0..<n {
                    let r = xo + j * inner + i
                    s0 += load(r); s1 += load(r + 8); s2 += load(r + 16); s3 += load(r + 24)
                }
                store(s0, yo + i); store(s1, yo + i + 8); store(s2, yo + i + 16); store(s3, yo + i + 24)
                i += 32
            }
            while i + 8 <= inner {
                var s = V8()
                for j in 0..<n { s += load(xo + j * inner + i) }
                store(s, yo + i)
                i += 8
            }
            while i < inner {
                var s: Float = 0
                for j in 0..<n { s += xo[j * inner + i] }
                yo[i] = s
                i += 1
            }
        }
    }

    /// Σ x[0..<n] with 32 partial sums.
    @inline(__always)
    static func sumRow(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var s0 = V8(), s1 = V8(), s2 = V8(), s3 = V8()
        var j = 0
        while j + 32 <= n {
            s0 += load(x + j); s1 += load(x + j + 8); s2 += load(x + j + 16); s3 += load(x + j + 24)
            j += 32
        }
        while j + 8 <= n {
            s0 += load(x + j)
            j += 8
        }
        if j < n { s1 += loadPartial(x + j, n - j) }
        let s = (s0 + s1) + (s2 + s3)
        let h = (s.lowHalf + s.highHalf)
        return (h[0] + h[2]) + (h[1] + h[3])
    }
}
