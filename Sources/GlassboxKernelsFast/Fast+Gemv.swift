// Matrix-vector products: a gemm with one row of A (m = 1), as every decoding step of a language
// model runs them. Packing B into panels would read and write all of B for one use of it, so
// these stream B once, straight from where it is: decoding is bound by how fast B's bytes arrive.

extension Fast {
    /// c[j] (+)= Σ_i x[i]·B[i, j] for j in `columns`, B row-major k×n with row stride ldb: four rows
    /// of B are added at a time into the 8-lane accumulators of c (kept in L1 for a column chunk).
    /// `blockWidth` columns of c are kept in L1 while all k rows stream past them; a whole row
    /// (blockWidth ≥ the columns) reads B strictly in memory order.
    public static func gemvRows(c: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, b: UnsafePointer<Float>, ldb: Int,
                                k: Int, columns: Range<Int>, accumulate: Bool, blockWidth: Int = 512) {
        let j0 = columns.lowerBound, n = columns.count
        if !accumulate { (c + j0).update(repeating: 0, count: n) }
        var block = 0
        while block < n {
            let width = Swift.min(blockWidth, n - block)
            let cb = c + j0 + block, bb = b + j0 + block
            var i = 0
            while i + 4 <= k {
                let x0 = V8(repeating: x[i]), x1 = V8(repeating: x[i + 1]), x2 = V8(repeating: x[i + 2]), x3 = V8(repeating: x[i + 3])
                let r0 = bb + i * ldb, r1 = r0 + ldb, r2 = r1 + ldb, r3 = r2 + ldb
                var j = 0
                while j + 8 <= width {
                    var acc = load(UnsafePointer(cb + j))
                    acc = acc.addingProduct(x0, load(r0 + j))
                    acc = acc.addingProduct(x1, load(r1 + j))
                    acc = acc.addingProduct(x2, load(r2 + j))
                    acc = acc.addingProduct(x3, load(r3 + j))
                    store(acc, cb + j)
                    j += 8
                }
                while j < width {
                    cb[j] += x[i] * r0[j] + x[i + 1] * r1[j] + x[i + 2] * r2[j] + x[i + 3] * r3[j]
                    j += 1
                }
                i += 4
            }
            while i < k {
                axpy(cb, bb + i * ldb, x[i], width)
                i += 1
            }
            block += width
        }
    }

    /// c[j] (+)= Σ_i x[i]·Bᵀ[i, j] = dot(x, B[j, :]) for j in `rows`, B stored n×k with row stride
    /// ldb (a transposed operand, as x @ Wᵀ with W out×in): one dot product per row of B.
    public static func gemvDots(c: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, b: UnsafePointer<Float>, ldb: Int,
                                k: Int, rows: Range<Int>, accumulate: Bool) {
        for j in rows {
            let d = dot(x, b + j * ldb, k)
            c[j] = accumulate ? c[j] + d : d
        }
    }

    /// y[i] += a · x[i] for i < n.
    @inline(__always)
    static func axpy(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ a: Float, _ n: Int) {
        let av = V8(repeating: a)
        var i = 0
        while i + 8 <= n {
            store(load(UnsafePointer(y + i)).addingProduct(av, load(x + i)), y + i)
            i += 8
        }
        while i < n { y[i] += a * x[i]; i += 1 }
    }

    /// Σ a[i]·b[i] for i < n.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var s0 = V8(), s1 = V8()
        var i = 0
        while i + 16 <= n {
            s0 = s0.addingProduct(load(a + i), load(b + i))
            s1 = s1.addingProduct(load(a + i + 8), load(b + i + 8))
            i += 16
        }
        if i + 8 <= n { s0 = s0.addingProduct(load(a + i), load(b + i)); i += 8 }
        var s = (s0 + s1).sum()
        while i < n { s += a[i] * b[i]; i += 1 }
        return s
    }
}
