// Packing for gemm: copies a block of op(A) or op(B) into the panel layout the micro-kernel
// reads with unit stride. Transposed operands are handled here, by reading the source with the
// other stride — the only place a transpose costs anything. Panels past the matrix edge are
// zero-padded so that edge tiles run through the same micro-kernel.

import CGlassboxSIMD

// MARK: - Packing A

extension Fast {
    /// Packs op(A)[row ..< row+mc, col ..< col+kc] into ⌈mc/MR⌉ panels of kc × MR floats:
    /// `packed[panel·kc·MR + p·MR + r] = op(A)[row + panel·MR + r, col + p]` (0 past the edge).
    @inline(__always)
    static func packA(
        transA: Bool, a: UnsafePointer<Float>, lda: Int, row: Int, col: Int, mc: Int, kc: Int,
        into packed: UnsafeMutablePointer<Float>
    ) {
        let mr = gemmMR
        var i0 = 0
        var dst = packed
        while i0 < mc {
            let rows = min(mr, mc - i0)
            if transA {
                // op(A)[i, p] = a[p·lda + i]: each p gives `rows` contiguous floats.
                var src = a + col * lda + row + i0
                if rows == mr {
                    for _ in 0..<kc {
                        dst[0] = src[0]; dst[1] = src[1]; dst[2] = src[2]
                        dst[3] = src[3]; dst[4] = src[4]; dst[5] = src[5]
                        dst += mr
                        src += lda
                    }
                } else {
                    for _ in 0..<kc {
                        for r in 0..<mr { dst[r] = r < rows ? src[r] : 0 }
                        dst += mr
                        src += lda
                    }
                }
            } else {
                // op(A)[i, p] = a[i·lda + p]: `rows` row pointers read in step.
                let base = a + (row + i0) * lda + col
                if rows == mr {
                    // Eight depths at a time transposed in registers (gb_pack_a6x8 writes two
                    // floats past its 48, overwritten next; `gemmPackSlack` covers the last).
                    var p = 0
                    while p + 8 <= kc {
                        gb_pack_a6x8(base + p, lda, dst)
                        dst += 8 * mr
                        p += 8
                    }
                    let r0 = base, r1 = base + lda, r2 = base + 2 * lda
                    let r3 = base + 3 * lda, r4 = base + 4 * lda, r5 = base + 5 * lda
                    while p < kc {
                        dst[0] = r0[p]; dst[1] = r1[p]; dst[2] = r2[p]
                        dst[3] = r3[p]; dst[4] = r4[p]; dst[5] = r5[p]
                        dst += mr
                        p += 1
                    }
                } else {
                    for p in 0..<kc {
                        for r in 0..<mr { dst[r] = r < rows ? base[r * lda + p] : 0 }
                        dst += mr
                    }
                }
            }
            i0 += mr
        }
    }
}

// MARK: - Packing B

extension Fast {
    /// Packs op(B)[row ..< row+kc, col ..< col+nc] into ⌈nc/NR⌉ panels of kc × NR floats:
    /// `packed[panel·kc·NR + p·NR + j] = op(B)[row + p, col + panel·NR + j]` (0 past the edge).
    @inline(__always)
    static func packB(
        transB: Bool, b: UnsafePointer<Float>, ldb: Int, row: Int, col: Int, kc: Int, nc: Int,
        into packed: UnsafeMutablePointer<Float>
    ) {
        let nr = gemmNR
        var j0 = 0
        var panel = packed
        while j0 < nc {
            let cols = min(nr, nc - j0)
            if transB && cols == nr {
                // op(B)[p, j] = b[j·ldb + p]: 8×8 blocks of B transposed in registers.
                let src = b + (col + j0) * ldb + row
                var p = 0
                while p + 8 <= kc {
                    gb_transpose8x8(src + p, ldb, panel + p * nr, nr)
                    gb_transpose8x8(src + 8 * ldb + p, ldb, panel + p * nr + 8, nr)
                    p += 8
                }
                while p < kc {
                    for j in 0..<nr { panel[p * nr + j] = src[j * ldb + p] }
                    p += 1
                }
            } else if transB {
                // A partial panel: read each column contiguously, zero the rest.
                for j in 0..<nr {
                    if j < cols {
                        let src = b + (col + j0 + j) * ldb + row
                        for p in 0..<kc { panel[p * nr + j] = src[p] }
                    } else {
                        for p in 0..<kc { panel[p * nr + j] = 0 }
                    }
                }
            } else {
                // op(B)[p, j] = b[p·ldb + j]: each p gives `cols` contiguous floats.
                var src = b + row * ldb + col + j0
                var dst = panel
                if cols == nr {
                    for _ in 0..<kc {
                        let raw = UnsafeRawPointer(src)
                        let lo = raw.loadUnaligned(as: SIMD8<Float>.self)
                        let hi = raw.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
                        UnsafeMutableRawPointer(dst).storeBytes(of: lo, as: SIMD8<Float>.self)
                        UnsafeMutableRawPointer(dst).storeBytes(
                            of: hi, toByteOffset: 32, as: SIMD8<Float>.self)
                        dst += nr
                        src += ldb
                    }
                } else {
                    for _ in 0..<kc {
                        for j in 0..<nr { dst[j] = j < cols ? src[j] : 0 }
                        dst += nr
                        src += ldb
                    }
                }
            }
            j0 += nr
            panel += kc * nr
        }
    }
}
