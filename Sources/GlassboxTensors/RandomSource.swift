/// The seeded random generator behind `rand`, `randn` and `seed(n)`: the same numbers on every
/// machine, because nothing in it depends on the platform's libraries.
///
/// - Generator: PCG32, "XSH RR 64/32" (O'Neill 2014, pcg-random.org): a 64-bit LCG state
///   (multiplier 6364136223846793005) whose output is an xorshift-high, random-rotate of the old
///   state. `seed(n)` is `pcg32_srandom_r(rng, n, 54)` of the reference C implementation.
/// - Uniform `rand`: u = (next() >> 8)·2⁻²⁴ ∈ [0, 1), 24 random bits (every Float in that grid).
/// - Normal `randn`: Marsaglia's polar method (Marsaglia & Bray 1964) in Double: draw
///   u, v = 2·(next()·2⁻³²) − 1 until 0 < s = u² + v² < 1; then u·√(−2 ln s / s) and
///   v·√(−2 ln s / s) are two independent N(0, 1) samples, used in that order. `ln` is computed
///   by `portableLog` from IEEE +, −, ×, ÷ only, and √ is exact in IEEE, so no libm is involved.
/// - Default: the generator starts as after `seed(0)`.
public struct PCG32: Sendable {
    public private(set) var state: UInt64 = 0
    public let increment: UInt64

    /// `pcg32_srandom_r(initstate: seed, initseq: sequence)`.
    public init(seed: UInt64, sequence: UInt64 = 54) {
        increment = (sequence << 1) | 1
        _ = next()
        state &+= seed
        _ = next()
    }

    /// The next 32 random bits.
    public mutating func next() -> UInt32 {
        let old = state
        state = old &* 6364136223846793005 &+ increment
        let xorshifted = UInt32(truncatingIfNeeded: ((old >> 18) ^ old) >> 27)
        let rot = UInt32(truncatingIfNeeded: old >> 59)
        return (xorshifted >> rot) | (xorshifted << ((~rot &+ 1) & 31))
    }
}

public enum RandomSource {
    nonisolated(unsafe) static var generator = PCG32(seed: 0)
    nonisolated(unsafe) static var spareNormal: Double? = nil

    /// Restarts the generator: every later draw is reproducible.
    public static func seed(_ n: UInt64) {
        generator = PCG32(seed: n)
        spareNormal = nil
    }

    /// `seed(n)` for a language integer; negative seeds use their two's-complement bits.
    public static func seed(_ n: Int) {
        seed(UInt64(bitPattern: Int64(n)))
    }

    /// A uniform Float in [0, 1) on a grid of 2⁻²⁴.
    public static func uniform() -> Float {
        Float(generator.next() >> 8) * 0x1p-24
    }

    /// A standard normal sample (Marsaglia polar method; see the type's documentation).
    public static func normal() -> Float {
        if let spare = spareNormal {
            spareNormal = nil
            return Float(spare)
        }
        while true {
            let u = 2 * Double(generator.next()) * 0x1p-32 - 1
            let v = 2 * Double(generator.next()) * 0x1p-32 - 1
            let s = u * u + v * v
            if s >= 1 || s == 0 { continue }
            let factor = (-2 * portableLog(s) / s).squareRoot()
            spareNormal = v * factor
            return Float(u * factor)
        }
    }

    /// ln x for finite x > 0 using only exactly-rounded IEEE operations, so that it gives the same
    /// bits everywhere: x = m·2ᵉ with m ∈ [1/√2, √2); ln m = 2·atanh(t) = 2(t + t³/3 + t⁵/5 + …),
    /// t = (m − 1)/(m + 1), |t| ≤ 0.172, summed until the terms vanish; ln x = ln m + e·ln 2.
    public static func portableLog(_ x: Double) -> Double {
        var m = x.significand                  // [1, 2)
        var e = Double(Int(x.exponent))
        if m > 1.4142135623730951 { m /= 2; e += 1 }
        let t = (m - 1) / (m + 1), t2 = t * t
        var term = t, sum = 0.0, k = 1.0
        while true {
            let next = sum + term / k
            if next == sum { break }
            sum = next
            term *= t2
            k += 2
        }
        return 2 * sum + e * 0.6931471805599453
    }
}
