// AVX instructions that Swift's SIMD types do not lower to on their own, as `static inline`
// wrappers over the Intel intrinsics. Swift imports `gb_float8` as `SIMD8<Float>`, and the
// wrappers inline into the caller. Only GlassboxKernelsFast imports this header, and it is
// compiled with -march=x86-64-v3, so nothing here reaches a CPU without AVX2.
//
// Why: `SIMD8<Float>.squareRoot()` becomes eight scalar `sqrtss` with an errno branch each
// (Swift's Float.squareRoot on Linux) where one `vsqrtps` would do; and
// `SIMD8<Double>(SIMD8<Float>)`, `SIMD8<Float>(SIMD8<Int32>)` and `all(mask)` are
// out-of-line generic calls, not one or two instructions.
#ifndef GLASSBOX_SIMD_H
#define GLASSBOX_SIMD_H

#include <immintrin.h>

typedef float gb_float8 __attribute__((ext_vector_type(8)));
typedef double gb_double8 __attribute__((ext_vector_type(8)));
typedef int gb_int8 __attribute__((ext_vector_type(8)));

/// √x in every lane, correctly rounded (`vsqrtps`).
static inline __attribute__((always_inline)) gb_float8 gb_sqrt8(gb_float8 x) {
    return (gb_float8)_mm256_sqrt_ps((__m256)x);
}

/// Float → Double in every lane (two `vcvtps2pd`); exact.
static inline __attribute__((always_inline)) gb_double8 gb_widen8(gb_float8 x) {
    return __builtin_convertvector(x, gb_double8);
}

/// Double → Float in every lane, rounded to nearest (two `vcvtpd2ps`).
static inline __attribute__((always_inline)) gb_float8 gb_narrow8(gb_double8 x) {
    return __builtin_convertvector(x, gb_float8);
}

/// Int32 → Float in every lane (`vcvtdq2ps`).
static inline __attribute__((always_inline)) gb_float8 gb_itof8(gb_int8 x) {
    return __builtin_convertvector(x, gb_float8);
}

/// The sign bits of the eight lanes as an 8-bit mask (`vmovmskps`): a lane mask (all ones or
/// all zeros per lane) is all-true when this is 0xFF and all-false when it is 0.
static inline __attribute__((always_inline)) int gb_movemask8(gb_float8 x) {
    return _mm256_movemask_ps((__m256)x);
}

/// Stores the transpose of the 8×8 block whose rows are r0…r7: row i of the result (column i of
/// the block) goes to dst + i·ldd, rows in order 0…7 (the classic unpack / shuffle / permute
/// sequence, 24 shuffles for 64 floats).
static inline __attribute__((always_inline)) void gb_transpose8_store(
    __m256 r0, __m256 r1, __m256 r2, __m256 r3, __m256 r4, __m256 r5, __m256 r6, __m256 r7,
    float *dst, long ldd) {
    __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
    __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
    __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
    __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
    __m256 s0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0)), s1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
    __m256 s2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0)), s3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
    __m256 s4 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(1, 0, 1, 0)), s5 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(3, 2, 3, 2));
    __m256 s6 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(1, 0, 1, 0)), s7 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(3, 2, 3, 2));
    _mm256_storeu_ps(dst, _mm256_permute2f128_ps(s0, s4, 0x20));
    _mm256_storeu_ps(dst + ldd, _mm256_permute2f128_ps(s1, s5, 0x20));
    _mm256_storeu_ps(dst + 2 * ldd, _mm256_permute2f128_ps(s2, s6, 0x20));
    _mm256_storeu_ps(dst + 3 * ldd, _mm256_permute2f128_ps(s3, s7, 0x20));
    _mm256_storeu_ps(dst + 4 * ldd, _mm256_permute2f128_ps(s0, s4, 0x31));
    _mm256_storeu_ps(dst + 5 * ldd, _mm256_permute2f128_ps(s1, s5, 0x31));
    _mm256_storeu_ps(dst + 6 * ldd, _mm256_permute2f128_ps(s2, s6, 0x31));
    _mm256_storeu_ps(dst + 7 * ldd, _mm256_permute2f128_ps(s3, s7, 0x31));
}

/// Transposes an 8×8 block: dst[i·ldd + j] = src[j·lds + i] (unaligned rows). Used to pack a
/// transposed gemm operand.
static inline __attribute__((always_inline)) void gb_transpose8x8(const float *src, long lds, float *dst, long ldd) {
    gb_transpose8_store(_mm256_loadu_ps(src), _mm256_loadu_ps(src + lds),
                        _mm256_loadu_ps(src + 2 * lds), _mm256_loadu_ps(src + 3 * lds),
                        _mm256_loadu_ps(src + 4 * lds), _mm256_loadu_ps(src + 5 * lds),
                        _mm256_loadu_ps(src + 6 * lds), _mm256_loadu_ps(src + 7 * lds), dst, ldd);
}

/// Packs a 6 × 8 block of row-major A (six rows of eight floats, row stride `lda`) as eight
/// groups of six: dst[p·6 + r] = src[r·lda + p] — the gemm A-panel layout, by the 8×8 transpose
/// with two zero rows, stored with a row stride of 6. The rows are stored in order as eight
/// floats each, so every store's last two (zero) floats are overwritten by the next group: the
/// call writes dst[0 ..< 50], two floats past the block, which the caller must own.
static inline __attribute__((always_inline)) void gb_pack_a6x8(const float *src, long lda, float *dst) {
    __m256 zero = _mm256_setzero_ps();
    gb_transpose8_store(_mm256_loadu_ps(src), _mm256_loadu_ps(src + lda),
                        _mm256_loadu_ps(src + 2 * lda), _mm256_loadu_ps(src + 3 * lda),
                        _mm256_loadu_ps(src + 4 * lda), _mm256_loadu_ps(src + 5 * lda),
                        zero, zero, dst, 6);
}

/// min(a, b) per lane with `vminps` semantics: b when either is NaN (tanh relies on it to cap
/// a NaN lane to a finite exp argument).
static inline __attribute__((always_inline)) gb_float8 gb_min8(gb_float8 a, gb_float8 b) {
    return _mm256_min_ps(a, b);
}

/// Asks for the cache line holding `p` ahead of a write (`prefetchw`-like hint, kept in all
/// cache levels): the gemm micro-kernel prefetches its C tile while it multiplies.
static inline __attribute__((always_inline)) void gb_prefetch_write(const void *p) {
    __builtin_prefetch(p, 1, 3);
}

/// Sets the calling thread's SSE control register to flush subnormal results to zero (FTZ,
/// bit 15) and to read subnormal operands as zero (DAZ, bit 6), and returns the previous value
/// for `gb_restore_csr`. On Intel cores every operation that reads or produces a subnormal
/// takes a slow microcode assist; Adam's moments decay into that range once the
/// gradients get small (PyTorch offers the same switch as `torch.set_flush_denormal`;
/// TensorFlow turns it on by default).
static inline __attribute__((always_inline)) unsigned gb_flush_subnormals(void) {
    unsigned old = _mm_getcsr();
    _mm_setcsr(old | 0x8040);
    return old;
}

/// Restores the SSE control register saved by `gb_flush_subnormals`.
static inline __attribute__((always_inline)) void gb_restore_csr(unsigned csr) {
    _mm_setcsr(csr);
}

/// A spin-wait hint (`pause`): lets the other hyperthread run and saves power while a worker
/// thread waits for work or for its peers.
static inline __attribute__((always_inline)) void gb_pause(void) {
    _mm_pause();
}

/// The lane mask of the first `count` lanes (0 ≤ count ≤ 8): all ones in lanes i < count.
static inline __attribute__((always_inline)) __m256i gb_lanes_below(long count) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/// Loads the first `count` (0 ≤ count ≤ 8) floats at `p` into the low lanes, `fill` in the
/// others (`vmaskmovps`: the lanes past `count` are not read, so they may lie past the end of
/// an allocation).
static inline __attribute__((always_inline)) gb_float8 gb_load_first8(const float *p, long count, float fill) {
    __m256i mask = gb_lanes_below(count);
    __m256 v = _mm256_maskload_ps(p, mask);
    return (gb_float8)_mm256_blendv_ps(_mm256_set1_ps(fill), v, _mm256_castsi256_ps(mask));
}

/// Stores the low `count` (0 ≤ count ≤ 8) lanes of `v` at `p` (`vmaskmovps`): nothing is
/// written, or read, past them.
static inline __attribute__((always_inline)) void gb_store_first8(float *p, gb_float8 v, long count) {
    _mm256_maskstore_ps(p, gb_lanes_below(count), (__m256)v);
}

#endif
