// gemm for small products without packing: the 6×16 micro-kernel reads A and B in place.
//
// Packing pays for itself when a panel is reused many times from a cache it would otherwise
// miss. When B is small (it stays in L1/L2 as it is) or A has few rows (a packed B panel
// would serve only a handful of row tiles), the copy is mostly cost: for a 64×64×64 product,
// packing both operands is a sizable share of the time. Here each 6×16 tile of C broadcasts A's elements
// straight from six row pointers (or, for a transposed A, from six adjacent floats of one row
// of the stored matrix) and loads B's 16 columns straight from each of its rows. Only a
// partial last column strip (n not a multiple of 16) is copied, into a zero-padded k × 16
// panel, so that no load reads past a row of B. Rows past the bottom edge reread the last
// valid row of A and are not stored.

extension Fast {
    /// Whether `gemm` runs this product unpacked (`gemmUnpacked`). B must not be transposed
    /// (its 16 columns are then contiguous in each of its rows), and either
    /// - B is small: at most 16 Ki floats (64 KiB, in L2 beside a block of A) and one depth
    ///   block deep, so a k × 16 strip of B (≤ 16 KiB) stays in L1 while A's rows pass, or
    /// - A has at most 64 rows, so packing B would be used by at most 11 row tiles — too few to
    ///   pay for the copy — and B is at most 128 Ki floats (512 KiB, the target's L2).
    ///
    /// The bounds follow timings of both paths on the same products (`glassbox-bench
    /// --interleave gemm_S_packed gemm_S_unpacked`): unpacked is faster for squares up to 192³
    /// and for the LSTM's and the MLP's products; 256³ and a 32-row A times a 512×512 B are not,
    /// and stay packed.
    @inline(__always)
    public static func prefersUnpacked(transB: Bool, m: Int, n: Int, k: Int) -> Bool {
        guard !transB else { return false }
        let bFloats = k * n
        return (k <= gemmKC && bFloats <= 16 * 1024) || (m <= 64 && bFloats <= 128 * 1024)
    }

    /// C = op(A)·B [+ C] with B not transposed and m, n, k > 0, without packing A or B (same
    /// arguments and layout as `gemm`). Any size is correct; `prefersUnpacked` says when it
    /// is the faster path.
    public static func gemmUnpacked(
        transA: Bool, m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool, epilogue: Epilogue? = nil
    ) {
        let nr = gemmNR
        let fullCols = n / nr * nr
        // A partial last strip of B is packed (zero-padded to 16 columns) on the stack.
        withUnsafeTemporaryAllocation(of: Float.self, capacity: fullCols < n ? k * nr : 0) { edge in
            if fullCols < n, let panel = edge.baseAddress {
                packB(transB: false, b: b, ldb: ldb, row: 0, col: fullCols, kc: k, nc: n - fullCols, into: panel)
            }
            // Blocks of MC rows, so that a block of A stays in L2 while every strip of B passes.
            var ic = 0
            while ic < m {
                let rowsInBlock = min(gemmMC, m - ic)
                var jr = 0
                while jr < n {
                    let cols = min(nr, n - jr)
                    if cols == nr {
                        unpackedStrip(
                            transA: transA, row: ic, rows: rowsInBlock, cols: nr, k: k, a: a, lda: lda,
                            b: b + jr, ldb: ldb, c: c + jr, ldc: ldc, accumulate: accumulate)
                    } else if let panel = edge.baseAddress {
                        unpackedStrip(
                            transA: transA, row: ic, rows: rowsInBlock, cols: cols, k: k, a: a, lda: lda,
                            b: panel, ldb: nr, c: c + jr, ldc: ldc, accumulate: accumulate)
                    }
                    jr += nr
                }
                // This block of rows is final: its output stage runs while it is in cache.
                epilogue?.shifted(rows: ic, ld: ldc).apply(c + ic * ldc, ldc: ldc, rows: rowsInBlock, cols: n)
                ic += rowsInBlock
            }
        }
    }

    /// Rows `row ..< row + rows` of one strip of C, `cols` ≤ 16 columns wide, whose B strip
    /// (k × 16, row stride `ldb`) starts at `b`: one micro-kernel call per 6 rows.
    @inline(__always)
    static func unpackedStrip(
        transA: Bool, row: Int, rows: Int, cols: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool
    ) {
        let mr = gemmMR, nr = gemmNR
        var ir = row
        while ir < row + rows {
            let tileRows = min(mr, row + rows - ir)
            // Element (r, p) of this tile of op(A) is at a_r[p·step].
            let last = tileRows - 1
            let (first, rowStep, step) = transA ? (a + ir, 1, lda) : (a + ir * lda, lda, 1)
            let a1 = first + min(1, last) * rowStep, a2 = first + min(2, last) * rowStep
            let a3 = first + min(3, last) * rowStep, a4 = first + min(4, last) * rowStep
            let a5 = first + min(5, last) * rowStep
            let acc = cols <= 8
                ? accumulate6x8(kc: k, step: step, a0: first, a1: a1, a2: a2, a3: a3, a4: a4, a5: a5, b: b, ldb: ldb)
                : accumulate6x16(kc: k, step: step, a0: first, a1: a1, a2: a2, a3: a3, a4: a4, a5: a5, b: b, ldb: ldb)
            let tile = c + ir * ldc
            if tileRows == mr && cols == nr {
                acc.store(to: tile, ldc: ldc, addToC: accumulate)
            } else {
                acc.store(to: tile, ldc: ldc, addToC: accumulate, rows: tileRows, cols: cols)
            }
            ir += mr
        }
    }
}
