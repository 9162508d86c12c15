import CGlassboxSIMD

// The gemm micro-kernel: a 6×16 tile of C held in 12 `SIMD8<Float>` accumulators (12 of the 16
// ymm registers; 2 hold the B row, 1 the broadcast A element). Each step of the depth loop is
// 2 loads, 6 broadcasts and 12 FMAs (`vfmadd231ps`), which keeps both FMA ports of a Haswell or
// Zen core busy: 6×16×2 = 192 flops per step.

// MARK: - Full tile

extension Fast {
    /// C[0..<6, 0..<16] (row stride `ldc`) = Ã·B̃ (+ C if `addToC`), where Ã is a packed
    /// kc × 6 A panel (`a[p·6 + r]`) and B̃ a packed kc × 16 B panel (`b[p·16 + j]`).
    @inline(__always)
    static func microKernel6x16(
        kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int, addToC: Bool
    ) {
        prefetchTile(c, ldc: ldc)
        let acc = accumulate6x16(kc: kc, a: a, b: b)
        acc.store(to: c, ldc: ldc, addToC: addToC)
    }

    /// Prefetches the 6×16 tile of C (both cache lines of each row, which may straddle two)
    /// before the depth loop, so that its stores (and loads, with `addToC`) find it in cache.
    @inline(__always)
    static func prefetchTile(_ c: UnsafeMutablePointer<Float>, ldc: Int) {
        for r in 0..<6 {
            gb_prefetch_write(c + r * ldc)
            gb_prefetch_write(c + r * ldc + 15)
        }
    }

    /// An edge tile (rows ≤ 6, cols ≤ 16): the same register computation over the zero-padded
    /// panels — only the left half of the tile when cols ≤ 8, half the FMAs — then only the
    /// valid `rows × cols` part is written to C.
    @inline(never)
    static func microKernelEdge(
        kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int, addToC: Bool, rows: Int, cols: Int
    ) {
        let tile = cols <= 8
            ? accumulate6x8(kc: kc, step: gemmMR, a0: a, a1: a + 1, a2: a + 2, a3: a + 3, a4: a + 4, a5: a + 5,
                            b: b, ldb: gemmNR)
            : accumulate6x16(kc: kc, a: a, b: b)
        tile.store(to: c, ldc: ldc, addToC: addToC, rows: rows, cols: cols)
    }
}

// MARK: - Register block

/// The 6×16 accumulator tile: `cr0` holds columns 0..<8 of row r, `cr1` columns 8..<16.
struct Tile6x16 {
    var c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51: SIMD8<Float>

    /// Writes (or adds, with `addToC`) the tile into C at `c` with row stride `ldc`.
    @inline(__always)
    func store(to c: UnsafeMutablePointer<Float>, ldc: Int, addToC: Bool) {
        Tile6x16.storeRow(c00, c01, to: c, addToC: addToC)
        Tile6x16.storeRow(c10, c11, to: c + ldc, addToC: addToC)
        Tile6x16.storeRow(c20, c21, to: c + 2 * ldc, addToC: addToC)
        Tile6x16.storeRow(c30, c31, to: c + 3 * ldc, addToC: addToC)
        Tile6x16.storeRow(c40, c41, to: c + 4 * ldc, addToC: addToC)
        Tile6x16.storeRow(c50, c51, to: c + 5 * ldc, addToC: addToC)
    }

    /// Stores only the top-left `rows × cols` part (rows ≤ 6, cols ≤ 16).
    @inline(__always)
    func store(to c: UnsafeMutablePointer<Float>, ldc: Int, addToC: Bool, rows: Int, cols: Int) {
        if cols == 16 {
            // Bottom edge: whole rows, stored straight from the registers.
            if rows == 6 { store(to: c, ldc: ldc, addToC: addToC) } else { store(to: c, ldc: ldc, addToC: addToC, rows: rows) }
            return
        }
        // Right edge: each valid row through masked stores, which write nothing past `cols`.
        @inline(__always) func row(_ lo: SIMD8<Float>, _ hi: SIMD8<Float>, _ r: Int) {
            guard r < rows else { return }
            let p = c + r * ldc
            if cols <= 8 {
                Fast.storePartial(addToC ? lo + Fast.loadPartial(p, cols) : lo, p, cols)
            } else {
                Fast.store(addToC ? lo + Fast.load(p) : lo, p)
                Fast.storePartial(addToC ? hi + Fast.loadPartial(p + 8, cols - 8) : hi, p + 8, cols - 8)
            }
        }
        row(c00, c01, 0); row(c10, c11, 1); row(c20, c21, 2)
        row(c30, c31, 3); row(c40, c41, 4); row(c50, c51, 5)
    }

    /// Stores only the first `rows` (< 6) rows.
    @inline(__always)
    func store(to c: UnsafeMutablePointer<Float>, ldc: Int, addToC: Bool, rows: Int) {
        Tile6x16.storeRow(c00, c01, to: c, addToC: addToC)
        if rows > 1 { Tile6x16.storeRow(c10, c11, to: c + ldc, addToC: addToC) }
        if rows > 2 { Tile6x16.storeRow(c20, c21, to: c + 2 * ldc, addToC: addToC) }
        if rows > 3 { Tile6x16.storeRow(c30, c31, to: c + 3 * ldc, addToC: addToC) }
        if rows > 4 { Tile6x16.storeRow(c40, c41, to: c + 4 * ldc, addToC: addToC) }
    }

    @inline(__always)
    static func storeRow(
        _ lo: SIMD8<Float>, _ hi: SIMD8<Float>, to row: UnsafeMutablePointer<Float>, addToC: Bool
    ) {
        let raw = UnsafeMutableRawPointer(row)
        var lo = lo, hi = hi
        if addToC {
            lo += raw.loadUnaligned(as: SIMD8<Float>.self)
            hi += raw.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
        }
        raw.storeBytes(of: lo, as: SIMD8<Float>.self)
        raw.storeBytes(of: hi, toByteOffset: 32, as: SIMD8<Float>.self)
    }
}

extension Fast {
    /// Σₚ Ã[p, r]·B̃[p, j] for the 6×16 tile from packed panels (Ã[p, r] = a[6p + r], B̃ rows 16
    /// floats apart). Inlined with these constants the general loop below compiles to one A
    /// pointer with six broadcast offsets (checked in objdump: 6 `vbroadcastss`, 12
    /// `vfmadd231ps`, 2 loads per step).
    @inline(__always)
    static func accumulate6x16(kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>) -> Tile6x16 {
        accumulate6x16(
            kc: kc, step: gemmMR, a0: a, a1: a + 1, a2: a + 2, a3: a + 3, a4: a + 4, a5: a + 5,
            b: b, ldb: gemmNR)
    }

    /// Σₚ A[r, p]·B[p, j] for a 6×16 tile, in registers, with A[r, p] = a_r[p·step] and
    /// B[p, j] = b[p·ldb + j] for j < 16: the one depth loop of both gemm paths. Packed panels
    /// are the case a_r = a + r, step 6, ldb 16; the unpacked path passes six rows of A (or, for
    /// a transposed A, six adjacent floats of a stored row) and B's rows where they are.
    @inline(__always)
    static func accumulate6x16(
        kc: Int, step: Int,
        a0: UnsafePointer<Float>, a1: UnsafePointer<Float>, a2: UnsafePointer<Float>,
        a3: UnsafePointer<Float>, a4: UnsafePointer<Float>, a5: UnsafePointer<Float>,
        b: UnsafePointer<Float>, ldb: Int
    ) -> Tile6x16 {
        var c00 = SIMD8<Float>(), c01 = SIMD8<Float>()
        var c10 = SIMD8<Float>(), c11 = SIMD8<Float>()
        var c20 = SIMD8<Float>(), c21 = SIMD8<Float>()
        var c30 = SIMD8<Float>(), c31 = SIMD8<Float>()
        var c40 = SIMD8<Float>(), c41 = SIMD8<Float>()
        var c50 = SIMD8<Float>(), c51 = SIMD8<Float>()
        var offset = 0
        var pb = UnsafeRawPointer(b)
        let bStride = ldb * MemoryLayout<Float>.stride
        for _ in 0..<kc {
            let b0 = pb.loadUnaligned(as: SIMD8<Float>.self)
            let b1 = pb.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
            var s = SIMD8<Float>(repeating: a0[offset])
            c00.addProduct(s, b0); c01.addProduct(s, b1)
            s = SIMD8<Float>(repeating: a1[offset])
            c10.addProduct(s, b0); c11.addProduct(s, b1)
            s = SIMD8<Float>(repeating: a2[offset])
            c20.addProduct(s, b0); c21.addProduct(s, b1)
            s = SIMD8<Float>(repeating: a3[offset])
            c30.addProduct(s, b0); c31.addProduct(s, b1)
            s = SIMD8<Float>(repeating: a4[offset])
            c40.addProduct(s, b0); c41.addProduct(s, b1)
            s = SIMD8<Float>(repeating: a5[offset])
            c50.addProduct(s, b0); c51.addProduct(s, b1)
            offset += step
            pb += bStride
        }
        return Tile6x16(
            c00: c00, c01: c01, c10: c10, c11: c11, c20: c20, c21: c21,
            c30: c30, c31: c31, c40: c40, c41: c41, c50: c50, c51: c51)
    }

    /// `accumulate6x16` for the left 8 columns only (the right half of the tile is zero): the
    /// edge tiles of a product whose last column strip is at most 8 wide (n = 49 for a 7×7
    /// plane leaves one column) take half the loads and FMAs of a full tile.
    @inline(__always)
    static func accumulate6x8(
        kc: Int, step: Int,
        a0: UnsafePointer<Float>, a1: UnsafePointer<Float>, a2: UnsafePointer<Float>,
        a3: UnsafePointer<Float>, a4: UnsafePointer<Float>, a5: UnsafePointer<Float>,
        b: UnsafePointer<Float>, ldb: Int
    ) -> Tile6x16 {
        var c0 = SIMD8<Float>(), c1 = SIMD8<Float>(), c2 = SIMD8<Float>()
        var c3 = SIMD8<Float>(), c4 = SIMD8<Float>(), c5 = SIMD8<Float>()
        var offset = 0
        var pb = UnsafeRawPointer(b)
        let bStride = ldb * MemoryLayout<Float>.stride
        for _ in 0..<kc {
            let b0 = pb.loadUnaligned(as: SIMD8<Float>.self)
            c0.addProduct(SIMD8<Float>(repeating: a0[offset]), b0)
            c1.addProduct(SIMD8<Float>(repeating: a1[offset]), b0)
            c2.addProduct(SIMD8<Float>(repeating: a2[offset]), b0)
            c3.addProduct(SIMD8<Float>(repeating: a3[offset]), b0)
            c4.addProduct(SIMD8<Float>(repeating: a4[offset]), b0)
            c5.addProduct(SIMD8<Float>(repeating: a5[offset]), b0)
            offset += step
            pb += bStride
        }
        let z = SIMD8<Float>()
        return Tile6x16(c00: c0, c01: z, c10: c1, c11: z, c20: c2, c21: z, c30: c3, c31: z, c40: c4, c41: z, c50: c5, c51: z)
    }
}
