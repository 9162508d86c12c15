// AVX instructions that Swift's SIMD types do not lower to on their own, as `static inline`
// wrappers over the Intel intrinsics. Swift imports `gb_float8` as `SIMD8<Float>`, and the
// wrappers inline into the caller. Only GlassboxKernelsFast imports this header, and it is
// compiled with -march=x86-64-v3, so nothing here reaches a CPU without AVX2.
//
// Why: `SIMD8<Float>.squareRoot()` becomes eight scalar `sqrtss` with an errno branch each
// (Swift's Float.squareRoot on Linux), eight times slower than one `vsqrtps`; and
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

#endif
