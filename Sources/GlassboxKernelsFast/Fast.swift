import CGlassboxSIMD

/// Optimized SIMD loops, compiled for x86-64-v3 (AVX2 + FMA).
///
/// Every function here is pure and single-threaded: contiguous `Float` buffers in, buffers out.
/// Threading, the Ctrl-C flag and the choice between these loops and the plain reference loops
/// live one module up, in `GlassboxKernels`, which is compiled for any x86-64 CPU. Nothing in
/// this module may be called on a CPU without AVX2 and FMA: `Kernels.useFast` guards every call.
public enum Fast {}

extension Fast {
    /// The `pause` instruction, a hint for spin-wait loops (`Threaded`'s worker pool). It is an
    /// SSE2 instruction, which every x86-64 CPU has.
    @inline(__always)
    public static func spinPause() { gb_pause() }
}
