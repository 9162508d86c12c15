#if canImport(Glibc)
import Glibc
#endif

// Matrix multiplication: the blocked driver (Goto & van de Geijn 2008; BLIS, Van Zee & van de
// Geijn 2015). The packing routines are in Fast+GemmPacking.swift and the register-blocked
// micro-kernel in Fast+GemmMicroKernel.swift.
//
// The loops, outermost first (BLIS names):
//
//   for jc in 0..<n step NC        B block  (KC × NC)  lives in L3
//     for pc in 0..<k step KC      pack op(B)[pc.., jc..] into KC × NR panels
//       for ic in 0..<m step MC    pack op(A)[ic.., pc..] into MR × KC panels — lives in L2
//         for jr in 0..<nc step NR     one B micro-panel (KC × NR) stays in L1
//           for ir in 0..<mc step MR   micro-kernel: C[MR × NR] += Ã · B̃ in 12 ymm registers

// MARK: - Block sizes

extension Fast {
    /// Rows of C computed by one micro-kernel call (broadcast elements of packed A).
    @inlinable public static var gemmMR: Int { 6 }
    /// Columns of C computed by one micro-kernel call (two `SIMD8<Float>` of packed B).
    @inlinable public static var gemmNR: Int { 16 }
    /// Depth of one packed block. A B micro-panel is KC·NR·4 B = 16 KiB, half of the target's
    /// 32 KiB L1d; an A micro-panel (6 KiB) streams beside it.
    @inlinable public static var gemmKC: Int { 256 }
    /// Rows of one packed A block: MC·KC·4 B = 144 KiB, well inside the target's 512 KiB L2
    /// (room for C tiles and the B micro-panel). A multiple of MR.
    @inlinable public static var gemmMC: Int { 144 }
    /// Columns of one packed B block: KC·NC·4 B ≈ 4 MiB, inside the 32 MiB L3. A multiple of NR.
    @inlinable public static var gemmNC: Int { 4080 }
    /// Bytes of one block of C that gets an epilogue (see `gemmPacked`): well inside L2 beside
    /// the packed A block and B panels.
    @inlinable public static var gemmEpilogueBlockBytes: Int { 256 * 1024 }
    /// Bytes the A-packing may write past the packed block (`gb_pack_a6x8`'s last store).
    @inlinable public static var gemmPackSlack: Int { 64 }
}

// MARK: - gemm

extension Fast {
    /// General matrix multiply, single-threaded: **C = op(A)·op(B) [+ C]**.
    ///
    /// `op(A)` is m×k: A itself (`a[i·lda + p]`) or, with `transA`, Aᵀ where A is k×m
    /// (`a[p·lda + i]`). `op(B)` is k×n: B (`b[p·ldb + j]`) or, with `transB`, Bᵀ where B is
    /// n×k (`b[j·ldb + p]`). C is m×n with row stride `ldc` (`c[i·ldc + j]`); with
    /// `accumulate` the product is added to C, otherwise C is overwritten (k = 0 gives zeros).
    ///
    /// Method: Goto's algorithm as in BLIS — op(A) and op(B) are copied ("packed") into
    /// contiguous MR×KC and KC×NR panels (transposition happens here, never as a separate
    /// copy), then a 6×16 register-blocked FMA micro-kernel runs over the panels. Partial edge
    /// tiles are zero-padded in the panels, so they run through the same micro-kernel and only
    /// their store is masked. Scratch: one A block and one B block in the calling thread's
    /// kept scratch memory (`threadScratch`). Small products whose B fits in L1
    /// (`prefersUnpacked`) skip the packing: the same micro-kernel reads A and B where they
    /// are (`gemmUnpacked`, Fast+GemmUnpacked.swift).
    ///
    /// - Precondition: `lda`, `ldb`, `ldc` at least the row lengths they stride over;
    ///   C must not overlap A or B.
    ///
    /// `epilogue`, when given, is applied to each block of C (at most MC rows × NC columns) as
    /// soon as the block holds its final value, while it is in cache (rows of C are its
    /// channels; see `Epilogue`).
    public static func gemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool, epilogue: Epilogue? = nil
    ) {
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            if !accumulate {
                for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) }
            }
            epilogue?.apply(c, ldc: ldc, rows: m, cols: n)
            return
        }
        if prefersUnpacked(transB: transB, m: m, n: n, k: k) {
            gemmUnpacked(transA: transA, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb,
                         c: c, ldc: ldc, accumulate: accumulate, epilogue: epilogue)
        } else {
            gemmPacked(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda,
                       b: b, ldb: ldb, c: c, ldc: ldc, accumulate: accumulate, epilogue: epilogue)
        }
    }

    /// `gemm` always through packed panels (same arguments): any size, either transpose.
    /// Public so that benchmarks and tests can run each of `gemm`'s paths.
    public static func gemmPacked(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool, epilogue: Epilogue? = nil
    ) {
        guard m > 0, n > 0, k > 0 else {
            // Empty products (nothing, or zeros) need no panels.
            gemm(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb,
                 c: c, ldc: ldc, accumulate: accumulate, epilogue: epilogue)
            return
        }
        let mr = gemmMR, nr = gemmNR
        let kcMax = min(k, gemmKC)
        let mcMax = min(roundUp(m, mr), gemmMC)
        // With an epilogue, a block of C (MC rows × NC columns) is read again right after it is
        // computed, so it must still be in L2: its columns are capped to keep it near
        // `gemmEpilogueBlockBytes` (a 144 × 3136 block of a 56×56 layer is 1.8 MB otherwise).
        let ncLimit = epilogue == nil ? gemmNC : max(nr, gemmEpilogueBlockBytes / (4 * mcMax) / nr * nr)
        let ncMax = min(roundUp(n, nr), ncLimit)

        // 64-byte aligned scratch: whole cache lines, aligned SIMD loads of packed B. The
        // calling thread's own block, kept between calls (`threadScratch`); a fresh
        // allocation only when that cannot grow.
        let aBytes = roundUp(mcMax * kcMax * 4 + gemmPackSlack, 64), bBytes = ncMax * kcMax * 4
        let kept = threadScratch(aBytes + bBytes)
        let scratch = kept ?? UnsafeMutableRawPointer.allocate(byteCount: aBytes + bBytes, alignment: 64)
        defer { if kept == nil { scratch.deallocate() } }
        let packedA = scratch.bindMemory(to: Float.self, capacity: mcMax * kcMax)
        let packedB = (scratch + aBytes).bindMemory(to: Float.self, capacity: ncMax * kcMax)

        var jc = 0
        while jc < n {
            let nc = min(ncMax, n - jc)
            var pc = 0
            while pc < k {
                let kc = min(gemmKC, k - pc)
                // The first depth block overwrites C (unless accumulating); later ones add.
                let addToC = accumulate || pc > 0
                // The last depth block leaves C final: the epilogue runs on each block then.
                let last = pc + kc == k ? epilogue : nil
                packB(transB: transB, b: b, ldb: ldb, row: pc, col: jc, kc: kc, nc: nc, into: packedB)
                var ic = 0
                while ic < m {
                    let mc = min(gemmMC, m - ic)
                    packA(transA: transA, a: a, lda: lda, row: ic, col: pc, mc: mc, kc: kc, into: packedA)
                    macroKernel(
                        mc: mc, nc: nc, kc: kc, packedA: packedA, packedB: packedB,
                        c: c + ic * ldc + jc, ldc: ldc, addToC: addToC)
                    // The block of C just finished (mc × nc, in L2) gets its output stage now.
                    last?.shifted(rows: ic, cols: jc, ld: ldc).apply(c + ic * ldc + jc, ldc: ldc, rows: mc, cols: nc)
                    ic += mc
                }
                pc += kc
            }
            jc += nc
        }
    }

    /// The two inner loops over one packed A block (mc × kc) and one packed B block (kc × nc):
    /// each MR×NR tile of C is one micro-kernel call.
    @inline(__always)
    static func macroKernel(
        mc: Int, nc: Int, kc: Int,
        packedA: UnsafePointer<Float>, packedB: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int, addToC: Bool
    ) {
        let mr = gemmMR, nr = gemmNR
        var jr = 0
        while jr < nc {
            let cols = min(nr, nc - jr)
            let bPanel = packedB + jr * kc
            var ir = 0
            while ir < mc {
                let rows = min(mr, mc - ir)
                let aPanel = packedA + ir * kc
                let tile = c + ir * ldc + jr
                if rows == mr && cols == nr {
                    microKernel6x16(kc: kc, a: aPanel, b: bPanel, c: tile, ldc: ldc, addToC: addToC)
                } else {
                    microKernelEdge(
                        kc: kc, a: aPanel, b: bPanel, c: tile, ldc: ldc, addToC: addToC,
                        rows: rows, cols: cols)
                }
                ir += mr
            }
            jr += nr
        }
    }

    @inline(__always)
    static func roundUp(_ x: Int, _ multiple: Int) -> Int {
        (x + multiple - 1) / multiple * multiple
    }
}

// MARK: - Per-thread scratch

/// The thread-specific slot holding each thread's scratch block; the destructor frees a
/// thread's block when the thread ends.
private let scratchKey: pthread_key_t = {
    var key = pthread_key_t()
    _ = pthread_key_create(&key) { block in free(block) }
    return key
}()

/// Bytes before the usable scratch memory: the block's capacity is stored there.
private let scratchHeader = 64

extension Fast {
    /// At least `bytes` of 64-byte aligned memory that belongs to the calling thread and stays
    /// allocated until the thread ends; nil when memory is exhausted. Every call from one
    /// thread returns the same block (grown when a call needs more), so a gemm packs into warm,
    /// already mapped pages instead of asking malloc — and the kernel's page-fault path, for a
    /// block malloc maps afresh — for its packing buffers on every call: dozens of times per
    /// LSTM step. Blocks are 2 MiB aligned, rounded up to 2 MiB, and marked `MADV_HUGEPAGE`, so
    /// where transparent huge pages are in "madvise" mode a packed B block is one TLB entry.
    /// At most 6 MiB per thread (`gemm`'s largest blocks need ≈ 4.3 MiB). Not reentrant within
    /// a thread: only `gemm` uses it, and gemm never calls itself.
    static func threadScratch(_ bytes: Int) -> UnsafeMutableRawPointer? {
        let huge = 2 << 20
        if let block = pthread_getspecific(scratchKey) {
            if block.load(as: Int.self) >= bytes { return block + scratchHeader }
            _ = pthread_setspecific(scratchKey, nil)
            free(block)
        }
        let capacity = (bytes + scratchHeader + huge - 1) / huge * huge - scratchHeader
        var memory: UnsafeMutableRawPointer? = nil
        guard posix_memalign(&memory, huge, capacity + scratchHeader) == 0, let block = memory else { return nil }
        _ = madvise(block, capacity + scratchHeader, MADV_HUGEPAGE)
        block.storeBytes(of: capacity, as: Int.self)
        guard pthread_setspecific(scratchKey, block) == 0 else {
            free(block)
            return nil
        }
        return block + scratchHeader
    }
}
