/// SplitMix64 (Steele, Lea & Flood 2014): a tiny seeded generator so that test inputs are
/// the same on every machine.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 24 random bits.
    mutating func uniform() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// `count` values uniform in [lo, hi).
    mutating func array(_ count: Int, _ lo: Float = -1, _ hi: Float = 1) -> [Float] {
        (0..<count).map { _ in lo + (hi - lo) * uniform() }
    }
}
