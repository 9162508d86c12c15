// Vector transcendental functions on `SIMD8<Float>`: eight lanes per call, no branches on the
// common path, every operation an AVX2/FMA instruction. The array kernels in
// Fast+Elementwise.swift and the fused layers call these.
//
// Accuracy (measured by FastMathTests against glibc's correctly rounded `expf`/`logf`/`tanhf`,
// and against the formula evaluated in Double for sigmoid and GELU; see Docs/KERNELS.md):
//   exp, log, tanh, sigmoid, gelu: ≤ 2 ulp over the whole Float range,
//   with ±0, ±inf, NaN and subnormal inputs and results handled as the C functions do.
//   sin, cos: within 2e-7 of glibc's `sinf`/`cosf` (absolute); |x| > 10⁵ is handed to them.
//   erf: within 1e-6 of glibc's `erff` (absolute) over the whole Float range.

import CGlassboxSIMD
import Glibc

typealias V8 = SIMD8<Float>
typealias U8 = SIMD8<UInt32>

// MARK: - Bit helpers

extension Fast {
    @inline(__always) static func bits(_ x: V8) -> U8 { unsafeBitCast(x, to: U8.self) }
    @inline(__always) static func float(_ u: U8) -> V8 { unsafeBitCast(u, to: V8.self) }
    @inline(__always) static func fma(_ a: V8, _ b: V8, _ c: V8) -> V8 { c.addingProduct(a, b) }
    /// Whether every lane of a comparison result is true (`vmovmskps`).
    @inline(__always) static func allLanes(_ m: SIMDMask<SIMD8<Int32>>) -> Bool {
        gb_movemask8(unsafeBitCast(m, to: V8.self)) == 0xFF
    }
}

// MARK: - exp

extension Fast {
    /// eˣ for eight lanes.
    ///
    /// Method (Cody & Waite 1980; polynomial from Cephes `expf`, Moshier 1989): n = round(x/ln 2),
    /// r = x − n·ln 2 with ln 2 split in two so that r is exact (|r| ≤ ln 2 / 2), eʳ ≈ 1 + r +
    /// r²·P₅(r), and n added to its exponent bits. Below x = −86.9 (results near and below 2⁻¹²⁶)
    /// 2ⁿ is applied in two steps so that subnormal results round once; x > 88.72 gives +inf, x < −103.97 gives 0.
    @inline(__always)
    static func exp(_ x: V8) -> V8 {
        // n = round(x·log₂e) ∈ [−125, 127] and eʳ ∈ [√½, √2) (exponent −1 or 0), so eʳ·2ⁿ is a
        // normal float and multiplying by 2ⁿ is adding n to the exponent bits.
        if allLanes(expFastRange(x)) { return expInRange(x) }
        return expWide(x)
    }

    /// p·2ⁿ for t = n + 1.5·2²³ (as `expReduced` returns it), when the result is a normal float:
    /// the low bits of t are n, and (bits(t) << 23) is n in the exponent field (the bits of
    /// 1.5·2²³ shift out), added to p's bits — one integer add instead of building 2ⁿ and
    /// multiplying.
    @inline(__always)
    static func scaleByPowerOfTwo(_ p: V8, _ t: V8) -> V8 {
        float(bits(p) &+ (bits(t) &<< 23))
    }

    /// Whether every lane lies where `expInRange` may be used.
    @inline(__always)
    static func expFastRange(_ x: V8) -> SIMDMask<SIMD8<Int32>> {
        (x .>= V8(repeating: -86.9)) .& (x .<= V8(repeating: 88.0))
    }

    /// eˣ for lanes that are all in [−86.9, 88] (checked by the caller, `expFastRange`).
    @inline(__always)
    static func expInRange(_ x: V8) -> V8 {
        let (p, t) = expReduced(x)
        return scaleByPowerOfTwo(p, t)
    }

    /// Shared reduction: returns eʳ (in [√½, √2]) and t = n + 1.5·2²³ for x clamped to the
    /// range where n fits.
    @inline(__always)
    static func expReduced(_ x: V8) -> (V8, V8) {
        let magic = V8(repeating: 0x1.8p23)
        let t = fma(x, V8(repeating: 0x1.715476p0), magic)  // x·log₂e + magic, rounded to integer
        let n = t - magic
        var r = fma(n, V8(repeating: -0x1.62e43p-1), x)      // x − n·ln2_hi (exact)
        r = fma(n, V8(repeating: 0x1.05c610p-29), r)         // − n·ln2_lo
        var p = V8(repeating: 1.9875691500e-4)
        p = fma(p, r, V8(repeating: 1.3981999507e-3))
        p = fma(p, r, V8(repeating: 8.3334519073e-3))
        p = fma(p, r, V8(repeating: 4.1665795894e-2))
        p = fma(p, r, V8(repeating: 1.6666665459e-1))
        p = fma(p, r, V8(repeating: 5.0000001201e-1))
        let r2 = r * r
        p = fma(p, r2, r) + V8(repeating: 1)
        return (p, t)
    }

    /// exp on the slow path: any lane outside [−86.9, 88], ±inf or NaN.
    @inline(never)
    static func expWide(_ x: V8) -> V8 {
        // Clamp so that n ∈ [−151, 129]; beyond, the result is 0 or inf anyway.
        var xc = x.replacing(with: -104, where: x .< V8(repeating: -104))
        xc.replace(with: 89.5, where: x .> V8(repeating: 89.5))
        let (p, t) = expReduced(xc)
        // 2ⁿ = 2^(n₁)·2^(n − n₁) with n₁ = n/2: both factors are normal floats.
        let n = SIMD8<Int32>(truncatingIfNeeded: bits(t) &- bits(V8(repeating: 0x1.8p23)))
        let n1 = n &>> 1
        let n2 = n &- n1
        let s1 = float(U8(truncatingIfNeeded: (n1 &+ 127) &<< 23))
        let s2 = float(U8(truncatingIfNeeded: (n2 &+ 127) &<< 23))
        var y = (p * s1) * s2
        y.replace(with: x, where: x .!= x)                        // NaN stays NaN
        return y
    }
}

// MARK: - log

extension Fast {
    /// ln x for eight lanes.
    ///
    /// Method (Cephes `logf`, Moshier 1989): x = m·2ᵉ with m ∈ [√½, √2), f = m − 1,
    /// ln x = e·ln 2 + f − f²/2 + f³·P₈(f), ln 2 split in two. Subnormal x is first scaled by
    /// 2²³. x < 0 or NaN gives NaN, ±0 gives −inf, +inf gives +inf.
    @inline(__always)
    static func log(_ x: V8) -> V8 {
        let normal = (x .>= V8(repeating: 0x1p-126)) .& (x .< V8(repeating: .infinity))
        if allLanes(normal) { return logNormalBiased(x, SIMD8<Int32>()) }
        return logWide(x)
    }

    @inline(never)
    static func logWide(_ x: V8) -> V8 {
        let tiny = x .< V8(repeating: 0x1p-126)
        let scaled = x.replacing(with: x * V8(repeating: 0x1p23), where: tiny)
        let bias = SIMD8<Int32>(repeating: 0).replacing(with: 23, where: tiny)
        var y = logNormalBiased(scaled, bias)
        y.replace(with: -.infinity, where: x .== V8(repeating: 0))
        y.replace(with: .infinity, where: x .== V8(repeating: .infinity))
        y.replace(with: .nan, where: (x .< V8(repeating: 0)) .| (x .!= x))
        return y
    }

    /// ln(x·2⁻ᵇⁱᵃˢ) for positive normal x: the core of `log`.
    @inline(__always)
    static func logNormalBiased(_ x: V8, _ bias: SIMD8<Int32>) -> V8 {
        let u = bits(x)
        // Split x = m·2ᵉ with m ∈ [√½, √2): shift the mantissa range by the bits of √½.
        let offset = U8(repeating: 0x3F35_04F3)                   // bits of √½
        let v = u &- offset
        let e = SIMD8<Int32>(truncatingIfNeeded: v) &>> 23
        let m = float((v & U8(repeating: 0x007F_FFFF)) &+ offset)
        let ef = gb_itof8(e &- bias)
        let f = m - V8(repeating: 1)
        let z = f * f
        var p = V8(repeating: 7.0376836292e-2)
        p = fma(p, f, V8(repeating: -1.1514610310e-1))
        p = fma(p, f, V8(repeating: 1.1676998740e-1))
        p = fma(p, f, V8(repeating: -1.2420140846e-1))
        p = fma(p, f, V8(repeating: 1.4249322787e-1))
        p = fma(p, f, V8(repeating: -1.6668057665e-1))
        p = fma(p, f, V8(repeating: 2.0000714765e-1))
        p = fma(p, f, V8(repeating: -2.4999993993e-1))
        p = fma(p, f, V8(repeating: 3.3333331174e-1))
        var y = p * f * z
        y = fma(ef, V8(repeating: -2.12194440e-4), y)
        y = fma(z, V8(repeating: -0.5), y)
        return fma(ef, V8(repeating: 0.693359375), f + y)
    }
}

// MARK: - tanh

extension Fast {
    /// tanh x for eight lanes.
    ///
    /// Method: for |x| < 0.625 the odd polynomial of Cephes `tanhf` (Moshier 1989),
    /// x + x³·P₄(x²); above, tanh|x| = 1 − 2/(e^{2|x|} + 1) with |x| capped at 9.1 (where tanh
    /// already rounds to 1), then the sign of x. tanh(±0) = ±0, tanh(±inf) = ±1, NaN stays NaN.
    ///
    /// The cap keeps 2|x| ≤ 18.2, inside exp's fast range, so e^{2|x|} needs neither exp's
    /// range check nor its wide path. NaN needs no test of its own: `min(NaN, 9.1)` is 9.1 (the
    /// exp stays finite), and `NaN ≥ 0.625` is false, so a NaN lane takes the polynomial, which
    /// gives NaN.
    @inline(__always)
    static func tanh(_ x: V8) -> V8 {
        let signBit = U8(repeating: 0x8000_0000)
        let a = float(bits(x) & ~signBit)
        // Small: x + x·z·P(z), z = x².
        let z = x * x
        var p = V8(repeating: -5.70498872745e-3)
        p = fma(p, z, V8(repeating: 2.06390887954e-2))
        p = fma(p, z, V8(repeating: -5.37397155531e-2))
        p = fma(p, z, V8(repeating: 1.33314422036e-1))
        p = fma(p, z, V8(repeating: -3.33332819422e-1))
        let small = fma(x * z, p, x)
        // Large: 1 − 2/(e^{2|x|} + 1), with the sign of x put back. `gb_min8(a, 9.1)` is
        // `vminps`, which returns 9.1 for a NaN lane.
        let capped = gb_min8(a, V8(repeating: 9.1))
        let (pe, t) = expReduced(V8(repeating: 2) * capped)
        let e = scaleByPowerOfTwo(pe, t)                                  // n ≤ 27: normal
        let large = V8(repeating: 1) - V8(repeating: 2) / (e + V8(repeating: 1))
        let signed = float(bits(large) | (bits(x) & signBit))
        return small.replacing(with: signed, where: a .>= V8(repeating: 0.625))
    }
}

// MARK: - sigmoid

extension Fast {
    /// σ(x) = 1/(1 + e⁻ˣ) for eight lanes.
    ///
    /// Method: e = e^{−|x|} ∈ (0, 1] never overflows; σ(x) = 1/(1 + e) for x ≥ 0 and
    /// e/(1 + e) for x < 0, one division either way, so tiny results (x down to −103) keep full
    /// relative precision. σ(+inf) = 1, σ(−inf) = 0, NaN stays NaN.
    @inline(__always)
    static func sigmoid(_ x: V8) -> V8 {
        sigmoid(x, e: exp(negativeAbs(x)))
    }

    /// −|x|.
    @inline(__always)
    static func negativeAbs(_ x: V8) -> V8 { float(bits(x) | U8(repeating: 0x8000_0000)) }

    /// σ(x) from e = e^{−|x|}.
    @inline(__always)
    static func sigmoid(_ x: V8, e: V8) -> V8 {
        let numerator = V8(repeating: 1).replacing(with: e, where: x .< V8(repeating: 0))
        return onePlusDivide(numerator, V8(), e)
    }

    /// (n + nLo)/(1 + e) for e ∈ [0, 1] with the roundings of 1 + e, of the numerator's split
    /// and of the quotient compensated (Dekker 1971: 1 + e = h + l exactly since |e| ≤ 1; the
    /// remainder n − q·h is exact with an FMA). One division (the reciprocal of h), then one
    /// correction step: error ≈ 0.5 ulp + the inputs' own.
    @inline(__always)
    static func onePlusDivide(_ n: V8, _ nLo: V8, _ e: V8) -> V8 {
        let one = V8(repeating: 1)
        let h = one + e
        let l = (one - h) + e                                   // 1 + e − h, exact
        let rcp = one / h
        let q = n * rcp
        let r = fma(-q, h, n)                                   // n − q·h, exact
        return fma(r + nLo - q * l, rcp, q)
    }
}

// MARK: - GELU

extension Fast {
    /// GELU with the tanh approximation (Hendrycks & Gimpel 2016):
    /// gelu(x) = ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), for eight lanes.
    ///
    /// Method: ½(1 + tanh u) = σ(2u) exactly, so gelu(x) = x·σ(2u) — no cancellation for
    /// negative x. 2u is computed in Double (its rounding would otherwise be amplified by up to
    /// |2u| ≈ 100 in e^{2u}) and split into hi + lo; e = e^{−|2u|} = p·2ⁿ with the lo part folded
    /// into p. For x ≥ 0: x/(1 + e); for x < 0: (x·p/(1 + e))·2ⁿ, scaled last so subnormal
    /// results round once; below x = −11 the result is −0. gelu(−inf) = −0, gelu(+inf) = +inf, NaN stays NaN.
    @inline(__always)
    static func gelu(_ x: V8) -> V8 {
        // w = −|2u| in Double, clamped at −120 so that n and the scale factors stay in range.
        let xd = gb_widen8(x)
        let k1 = SIMD8<Double>(repeating: 1.5957691216057308)          // 2·√(2/π)
        let k3 = SIMD8<Double>(repeating: 1.5957691216057308 * 0.044715)
        let twoU = xd * (k1 + k3 * (xd * xd))
        let floor = SIMD8<Double>(repeating: -120)
        var w = twoU.replacing(with: -twoU, where: twoU .> SIMD8<Double>())    // −|2u|
        w.replace(with: floor, where: w .< floor)
        let hi = gb_narrow8(w)
        let lo = gb_narrow8(w - gb_widen8(hi))
        // e = p·2ⁿ with 2ⁿ = s1·s2 (two normal factors).
        let (p0, t) = expReduced(hi)
        let p = fma(p0, lo, p0)                                           // e^{hi+lo} ≈ e^{hi}(1 + lo)
        let n = SIMD8<Int32>(truncatingIfNeeded: bits(t) &- bits(V8(repeating: 0x1.8p23)))
        let n1 = n &>> 1
        let n2 = n &- n1
        let s1 = float(U8(truncatingIfNeeded: (n1 &+ 127) &<< 23))
        let s2 = float(U8(truncatingIfNeeded: (n2 &+ 127) &<< 23))
        let e = (p * s1) * s2
        let negative = x .< V8(repeating: 0)
        let xp = x * p
        let xpLo = fma(x, p, -xp)                                         // x·p − xp, exact
        let numerator = x.replacing(with: xp, where: negative)
        let numeratorLo = V8().replacing(with: xpLo, where: negative)
        let q = onePlusDivide(numerator, numeratorLo, e)
        var y = q.replacing(with: (q * s1) * s2, where: negative)
        // Below −11, |x|·e^{2u} < 2⁻¹⁵⁰: the result rounds to −0 (also for −inf).
        y.replace(with: V8(repeating: -0.0), where: x .< V8(repeating: -11))
        y.replace(with: x, where: (x .!= x) .| (x .== V8(repeating: .infinity)))
        return y
    }
}

// MARK: - sin, cos

extension Fast {
    /// Largest |x| that `sinCosInRange` reduces: x·2/π then has an error below 2⁻⁹, so the
    /// reduced argument stays within π/4 + 0.004, where the polynomials keep their accuracy.
    static let trigReductionLimit: Float = 100_000

    /// Whether every lane of both vectors has |x| ≤ `trigReductionLimit` (false for ±inf, NaN).
    @inline(__always)
    static func trigFastRange(_ a: V8, _ b: V8) -> Bool {
        let limit = V8(repeating: trigReductionLimit)
        let mask = U8(repeating: 0x7FFF_FFFF)
        return allLanes((float(bits(a) & mask) .<= limit) .& (float(bits(b) & mask) .<= limit))
    }

    /// sin x (`quadrantOffset` 0) or cos x = sin(x + π/2) (`quadrantOffset` 1) for eight lanes
    /// with |x| ≤ `trigReductionLimit`.
    ///
    /// Method (Cody & Waite 1980, as in Cephes `sinf`/`cosf`, Moshier 1989; Muller, "Elementary
    /// Functions", ch. 11): j = round(x·2/π) (by adding 1.5·2²³), r = x − j·π/2 with π/2 split
    /// into three floats P₁ + P₂ + P₃ and one FMA each — the first product is exact, so r is
    /// x mod π/2 to about one rounding of r itself, |r| ≤ π/4 (+ 0.004). Then, with z = r²,
    /// sin r ≈ r + r·z·S(z) and cos r ≈ 1 − z/2 + z²·C(z) (Cephes's minimax coefficients, S
    /// and C of degree 2), and the quadrant q = (j + offset) mod 4 picks sin r, cos r, −sin r or
    /// −cos r. The reduction runs on |x| (sin is odd, cos even; the sign of x is put back for
    /// sin), so that sin(±0) = ±0; the tiniest and subnormal x give x.
    @inline(__always)
    static func sinCosInRange(_ x: V8, quadrantOffset: UInt32) -> V8 {
        let signBit = U8(repeating: 0x8000_0000)
        let a = float(bits(x) & ~signBit)
        let magic = V8(repeating: 0x1.8p23)
        let t = fma(a, V8(repeating: 0x1.45f306p-1), magic)       // |x|·2/π + magic, rounded to integer
        let j = t - magic
        let q = bits(t) &+ U8(repeating: quadrantOffset)           // low bits: j + offset
        var r = fma(j, V8(repeating: -0x1.921fb6p0), a)            // |x| − j·P₁ (exact)
        r = fma(j, V8(repeating: 0x1.777a5cp-25), r)               // − j·P₂
        r = fma(j, V8(repeating: 0x1.ee59dap-50), r)               // − j·P₃
        let z = r * r
        var s = V8(repeating: -1.9515295891e-4)
        s = fma(s, z, V8(repeating: 8.3321608736e-3))
        s = fma(s, z, V8(repeating: -1.6666654611e-1))
        s = fma(s * z, r, r)                                       // r + r·z·S(z)
        var c = V8(repeating: 2.443315711809948e-5)
        c = fma(c, z, V8(repeating: -1.388731625493765e-3))
        c = fma(c, z, V8(repeating: 4.166664568298827e-2))
        c = fma(c * z, z, fma(z, V8(repeating: -0.5), V8(repeating: 1)))   // 1 − z/2 + z²·C(z)
        let odd = (q & U8(repeating: 1)) .!= U8(repeating: 0)
        let y = s.replacing(with: c, where: odd)
        let flip = (q & U8(repeating: 2)) &<< 30                  // negate in quadrants 2, 3
        return float(bits(y) ^ (quadrantOffset == 0 ? flip ^ (bits(x) & signBit) : flip))
    }

    /// sin x for eight lanes: `sinCosInRange` where |x| ≤ 10⁵, glibc `sinf` in the other lanes
    /// (±inf and NaN give NaN).
    @inline(__always)
    static func sin(_ x: V8) -> V8 {
        trigFastRange(x, x) ? sinCosInRange(x, quadrantOffset: 0) : trigWide(x, cosine: false)
    }

    /// cos x for eight lanes, as `sin`.
    @inline(__always)
    static func cos(_ x: V8) -> V8 {
        trigFastRange(x, x) ? sinCosInRange(x, quadrantOffset: 1) : trigWide(x, cosine: true)
    }

    /// sin or cos when some lane has |x| > 10⁵, ±inf or NaN: those lanes go to glibc (whose
    /// Payne–Hanek reduction is exact for any x), the others to the vector code.
    @inline(never)
    static func trigWide(_ x: V8, cosine: Bool) -> V8 {
        let inRange = float(bits(x) & U8(repeating: 0x7FFF_FFFF)) .<= V8(repeating: trigReductionLimit)
        var y = sinCosInRange(V8().replacing(with: x, where: inRange), quadrantOffset: cosine ? 1 : 0)
        for i in 0..<8 where !inRange[i] {
            y[i] = cosine ? Glibc.cosf(x[i]) : Glibc.sinf(x[i])
        }
        return y
    }
}

// MARK: - erf

extension Fast {
    /// erf x = (2/√π)∫₀ˣ e^(−t²) dt for eight lanes.
    ///
    /// Method: for |x| < 1, Cephes `erff` (Moshier 1989): erf x ≈ x·T(x²), T of degree 6. For
    /// a = |x| ≥ 1, erf x = ±(1 − erfc a) with erfc a = e^(−a² + Q(a)), where Q(a) ≈
    /// ln erfc(a) + a² (smooth, between −2 and −0.85 on [1, 4]) is a polynomial of degree 6 in
    /// a − 2.5, fitted by least squares at 4000 Chebyshev nodes of [1, 4] with weight erfc(a)
    /// (the factor by which an error in Q reaches the result); −a² + Q is one FMA, so a² is
    /// not rounded. One polynomial and one exp, no division (Cephes's `erfcf` needs 1/a and two
    /// polynomials). a is capped at 4, where 1 − erfc already rounds to 1, so the exp stays
    /// inside its fast range (no range check) and ±inf give ±1. erf(±0) = ±0; NaN stays NaN
    /// (`vminps` caps a NaN lane at 4, but `NaN ≥ 1` is false, so the lane takes x·T(x²)).
    @inline(__always)
    static func erf(_ x: V8) -> V8 {
        let signBit = U8(repeating: 0x8000_0000)
        let a = float(bits(x) & ~signBit)
        // Small: x·T(x²).
        let z = x * x
        var p = V8(repeating: 7.853861353153693e-5)
        p = fma(p, z, V8(repeating: -8.010193625184903e-4))
        p = fma(p, z, V8(repeating: 5.188327685732524e-3))
        p = fma(p, z, V8(repeating: -2.685381193529856e-2))
        p = fma(p, z, V8(repeating: 1.128358514861418e-1))
        p = fma(p, z, V8(repeating: -3.761262582423300e-1))
        p = fma(p, z, V8(repeating: 1.128379165726710e+0))
        let small = x * p
        // Large: 1 − e^(−a² + Q(a)), a capped at 4.
        let ac = gb_min8(a, V8(repeating: 4))
        let t = ac - V8(repeating: 2.5)                              // exact
        var q = V8(repeating: 0x1.873a3p-13)
        q = fma(q, t, V8(repeating: -0x1.3bfa82p-13))
        q = fma(q, t, V8(repeating: 0x1.43a16ep-9))
        q = fma(q, t, V8(repeating: -0x1.5ed142p-7))
        q = fma(q, t, V8(repeating: 0x1.cbbd1ap-5))
        q = fma(q, t, V8(repeating: -0x1.69285p-2))
        q = fma(q, t, V8(repeating: -0x1.8e8b9cp0))
        let erfc = expInRange(fma(-ac, ac, q))                     // exponent ∈ [−18, −1.8]
        let large = float(bits(V8(repeating: 1) - erfc) | (bits(x) & signBit))
        return small.replacing(with: large, where: a .>= V8(repeating: 1))
    }
}
