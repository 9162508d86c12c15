// AVX instructions that Swift's SIMD types do not lower to on their own, as `static inline`
// wrappers over the Intel intrinsics. Swift imports `gb_float8` as `SIMD8<Float>`, and the
// wrappers inline into the caller. Only GlassboxKernelsFast imports this header, and it is
// compiled with -march=x86-64-v3, so nothing here reaches a CPU without AVX2.
//
// Why: `SIMD8<Float>.squareRoot()` becomes eight scalar `sqrtss` with an errno branch each
// (Swift's Float.squareRoot on Linux), eight times slower than one `vsqrtps`.
#ifndef GLASSBOX_SIMD_H
#define GLASSBOX_SIMD_H

#include <immintrin.h>

typedef float gb_float8 __attribute__((ext_vector_type(8)));

/// √x in every lane, correctly rounded (`vsqrtps`).
static inline __attribute__((always_inline)) gb_float8 gb_sqrt8(gb_float8 x) {
    return (gb_float8)_mm256_sqrt_ps((__m256)x);
}

#endif
