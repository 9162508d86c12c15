import GlassboxKernelsFast
#if canImport(Glibc)
import Glibc
#endif

/// The optimized kernels spread over the CPU's cores.
///
/// `GlassboxKernelsFast` is single-threaded and stateless; this is where work is split. Each
/// function here has the argument list of its `Fast` (and `Kernels`) counterpart. Small work
/// runs on the calling thread with no threading cost at all; large work is cut into chunks that
/// the workers take in turn, and every worker polls `Interrupt.isRequested` before each chunk,
/// so Ctrl-C stops a long product within one chunk.
///
/// Call these only when `Kernels.useFast` is true (they run AVX2/FMA code).
public enum Threaded {}

// MARK: - Workers

extension Threaded {
    /// Worker threads used for large work: the online cores (2 on the target machine), or
    /// `GLASSBOX_THREADS` when set to a positive number (1 runs everything on the caller).
    public static let workers: Int = {
        if let text = getenv("GLASSBOX_THREADS"), let n = Int(String(cString: text)), n > 0 { return n }
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }()

    /// Runs `body(chunk)` for every chunk in 0..<chunks on up to `workers` threads (the caller
    /// and the pool's workers, `WorkerPool`), which claim chunks one at a time; chunks are
    /// skipped once an interrupt is requested. Returns when every chunk has finished.
    @inline(__always)
    static func forEachChunk(_ chunks: Int, _ body: (Int) -> Void) {
        if workers <= 1 || chunks <= 1 {
            for chunk in 0..<chunks {
                if Interrupt.isRequested { return }
                body(chunk)
            }
            return
        }
        WorkerPool.shared.run(chunks: chunks, body)
    }

    /// Number of chunks for `work` units of work when one chunk should hold about `grain`
    /// units: a multiple of the worker count so that the workers finish together.
    /// Callers only split work that is above their threshold, so this is never fewer than
    /// `workers` (a chunk per core at least).
    static func chunkCount(work: Int, grain: Int) -> Int {
        let wanted = max(1, work / max(1, grain))
        let rounded = (wanted + workers - 1) / workers * workers
        return max(workers, rounded)
    }
}

// MARK: - gemm

extension Threaded {
    /// Products below this many multiply-adds (m·n·k) run on the calling thread: below it,
    /// waking a second thread and splitting the work costs more than the second core saves.
    public static let gemmParallelThreshold = 96 * 96 * 96

    /// `Fast.gemm` over all cores: C = op(A)·op(B) [+ C] (same arguments). The rows of C are
    /// split when m is the larger side, else the columns; each chunk is a whole number of
    /// micro-tiles (6 rows or 16 columns) and packs its own panels.
    public static func gemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool, epilogue: Epilogue? = nil
    ) {
        if m == 1 && n >= 64 && k >= 16 {
            gemv(transA: transA, transB: transB, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, accumulate: accumulate)
            epilogue?.apply(c, ldc: ldc, rows: 1, cols: n)
            return
        }
        let work = m * n * max(k, 1)
        if workers == 1 || work < gemmParallelThreshold {
            Fast.gemm(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda,
                      b: b, ldb: ldb, c: c, ldc: ldc, accumulate: accumulate, epilogue: epilogue)
            return
        }
        // About 2³⁰ multiply-adds per chunk: small enough for Ctrl-C to stop a product soon, and
        // few enough chunks that re-packing B per chunk stays a small share (a 1024³ product is
        // exactly one chunk per core).
        let splitRows = m >= n
        let tile = splitRows ? Fast.gemmMR : Fast.gemmNR
        let side = splitRows ? m : n
        let tiles = (side + tile - 1) / tile
        let chunks = min(tiles, chunkCount(work: work, grain: 1 << 30))
        let tilesPerChunk = (tiles + chunks - 1) / chunks
        let used = (tiles + tilesPerChunk - 1) / tilesPerChunk
        forEachChunk(used) { chunk in
            let start = chunk * tilesPerChunk * tile
            let count = min(side, start + tilesPerChunk * tile) - start
            if count <= 0 { return }
            if splitRows {
                Fast.gemm(transA: transA, transB: transB, m: count, n: n, k: k,
                          a: transA ? a + start : a + start * lda, lda: lda, b: b, ldb: ldb,
                          c: c + start * ldc, ldc: ldc, accumulate: accumulate,
                          epilogue: epilogue?.shifted(rows: start, ld: ldc))
            } else {
                Fast.gemm(transA: transA, transB: transB, m: m, n: count, k: k,
                          a: a, lda: lda, b: transB ? b + start * ldb : b + start, ldb: ldb,
                          c: c + start, ldc: ldc, accumulate: accumulate,
                          epilogue: epilogue?.shifted(rows: 0, cols: start, ld: ldc))
            }
        }
    }
}

// MARK: - gemv

extension Threaded {
    /// A gemm with one row of A: c (1×n) (+)= x·op(B), B streamed once (`Fast.gemvRows`,
    /// `Fast.gemvDots`), its columns (or rows, when transposed) split over the cores in chunks of
    /// about 256 KB of B. x is A's row (gathered when A is transposed: k×1 with stride lda).
    static func gemv(transA: Bool, transB: Bool, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
                     b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, accumulate: Bool) {
        let gathered: UnsafeMutablePointer<Float>? = transA ? .allocate(capacity: k) : nil
        defer { gathered?.deallocate() }
        if let gathered { for i in 0..<k { gathered[i] = a[i * lda] } }
        let x = UnsafePointer(gathered ?? UnsafeMutablePointer(mutating: a))
        let work = n * k
        if !transB && workers > 1 && work >= (1 << 16) && k >= 8 * workers && n <= 8192 {
            // Bands of whole rows, one per core: each core streams its part of B in memory order
            // (column chunks read a few hundred bytes per row at a stride of ldb, which the
            // prefetchers follow badly), into its own partial c; the partials are added at the end.
            rowBands(n: n, k: k, x: x, b: b, ldb: ldb, c: c, accumulate: accumulate)
            return
        }
        let chunks = workers == 1 || work < (1 << 16) ? 1 : chunkCount(work: work, grain: 1 << 16)
        // Column chunks a multiple of 8 wide, so that only the last has a scalar tail.
        let per = ((n + chunks - 1) / chunks + 7) / 8 * 8
        let used = (n + per - 1) / per
        let body: (Int) -> Void = { chunk in
            let lo = chunk * per, hi = Swift.min(n, lo + per)
            if lo >= hi { return }
            if transB {
                Fast.gemvDots(c: c, x: x, b: b, ldb: ldb, k: k, rows: lo..<hi, accumulate: accumulate)
            } else {
                Fast.gemvRows(c: c, x: x, b: b, ldb: ldb, k: k, columns: lo..<hi, accumulate: accumulate)
            }
        }
        if used <= 1 { body(0) } else { forEachChunk(used, body) }
    }

    /// c (+)= x·B with B's k rows split into one contiguous band per core.
    private static func rowBands(n: Int, k: Int, x: UnsafePointer<Float>, b: UnsafePointer<Float>, ldb: Int,
                                 c: UnsafeMutablePointer<Float>, accumulate: Bool) {
        let bands = workers
        let per = (k + bands - 1) / bands
        let partial = UnsafeMutablePointer<Float>.allocate(capacity: bands * n)
        defer { partial.deallocate() }
        forEachChunk(bands) { band in
            let lo = band * per, hi = Swift.min(k, lo + per)
            let out = partial + band * n
            if lo >= hi { out.update(repeating: 0, count: n); return }
            Fast.gemvRows(c: out, x: x + lo, b: b + lo * ldb, ldb: ldb, k: hi - lo, columns: 0..<n, accumulate: false,
                          blockWidth: n)
        }
        if !accumulate { c.update(from: partial, count: n) } else { for j in 0..<n { c[j] += partial[j] } }
        for band in 1..<bands {
            let p = partial + band * n
            for j in 0..<n { c[j] += p[j] }
        }
    }
}
