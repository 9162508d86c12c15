import XCTest

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

// MARK: - Comparisons

extension XCTestCase {
    func assertFastClose(
        _ got: [Float], _ want: [Double], tol: Double, _ what: String,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertEqual(got.count, want.count, what, file: file, line: line)
        var worst = 0.0, at = 0
        for i in 0..<min(got.count, want.count) {
            let e = abs(Double(got[i]) - want[i]) / (abs(want[i]) + 1)
            if !(e <= worst) { worst = e.isNaN ? .infinity : e; at = i }
        }
        XCTAssertLessThanOrEqual(
            worst, tol,
            "\(what): max error \(worst) at \(at): got \(got.isEmpty ? 0 : got[at]), want \(want.isEmpty ? 0 : want[at]); "
                + "first values \(Array(got.prefix(4))) vs \(Array(want.prefix(4)))",
            file: file, line: line)
    }

    /// Central differences of a scalar function of `x` (step 1e-4, in Double).
    func fastNumericGradient(_ x: [Float], _ f: ([Double]) -> Double) -> [Double] {
        var xd = x.map(Double.init)
        var g = [Double](repeating: 0, count: x.count)
        for i in 0..<x.count {
            let h = 1e-4 * max(1, abs(xd[i]))
            let x0 = xd[i]
            xd[i] = x0 + h; let fp = f(xd)
            xd[i] = x0 - h; let fm = f(xd)
            xd[i] = x0
            g[i] = (fp - fm) / (2 * h)
        }
        return g
    }

}
