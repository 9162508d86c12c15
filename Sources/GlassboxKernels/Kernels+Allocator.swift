#if canImport(Glibc)
import CMalloc
#endif

// MARK: - The C allocator

extension Kernels {
    /// Largest block glibc's malloc serves from its heap (reused) rather than from a fresh
    /// `mmap` (whose pages the kernel must fault in and zero on first touch): 32 MiB, glibc's
    /// own upper bound for its adaptive threshold.
    public static let mallocMmapThreshold = 32 << 20

    /// Free memory at the top of the heap that glibc keeps for reuse instead of returning it
    /// to the system: 128 MiB.
    public static let mallocTrimThreshold = 128 << 20

    /// Tells glibc's malloc to keep and reuse the memory of freed tensors: blocks of up to
    /// `mallocMmapThreshold` come from the heap, and up to `mallocTrimThreshold` of freed heap
    /// stays mapped. Called once at start-up by the `glassbox` executable and the benchmarks.
    ///
    /// Why: a training step allocates and frees the same tensors again and again — for the
    /// LSTM benchmark many 16–64 KiB activations per pass, for attention a 512 KiB score
    /// buffer per call. With glibc's defaults (128 KiB mmap threshold, raised adaptively only
    /// after an mmapped block is freed; 128 KiB trim threshold) much of that memory goes back
    /// to the kernel at the end of a pass and is faulted in and zeroed again in the next; kept,
    /// it is reused without page faults (`perf stat -e page-faults` shows the difference).
    /// PyTorch's CPU performance guide recommends the same kind of change (a caching allocator
    /// such as jemalloc or TCMalloc via `LD_PRELOAD`).
    /// The live-tensor limits (`Tensor.totalAllocationLimit`) count tensors, not the
    /// allocator's cache, and are unaffected.
    ///
    /// Returns whether glibc accepted both settings.
    @discardableResult
    public static func tuneAllocator() -> Bool {
        #if canImport(Glibc)
        let mmap = mallopt(M_MMAP_THRESHOLD, Int32(mallocMmapThreshold))
        let trim = mallopt(M_TRIM_THRESHOLD, Int32(mallocTrimThreshold))
        return mmap == 1 && trim == 1
        #else
        return false
        #endif
    }
}
