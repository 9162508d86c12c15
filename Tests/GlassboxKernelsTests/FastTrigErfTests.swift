import XCTest
@testable import GlassboxKernelsFast
#if canImport(Glibc)
import Glibc
#endif

/// `Fast.sin`, `Fast.cos` and `Fast.erf` against glibc's `sinf`, `cosf` and `erff` (the
/// reference loops call these): absolute error ≤ 2e-7 for sin and cos on |x| ≤ 10⁴ (and up to
/// the reduction limit 10⁵), the very results of glibc above it, ≤ 1e-6 for erf everywhere;
/// dense grids, random values, the floats nearest multiples of π/2, special values and
/// awkward counts.
final class FastTrigErfTests: XCTestCase {
    typealias Map = (UnsafeMutablePointer<Float>, UnsafePointer<Float>, Int) -> Void

    static var sinFast: Map { { Fast.sin($0, $1, count: $2) } }
    static var cosFast: Map { { Fast.cos($0, $1, count: $2) } }
    static var erfFast: Map { { Fast.erf($0, $1, count: $2) } }

    /// Every k-th positive float up to `limit` (by bit pattern: dense near 0, as floats are)
    /// and its negation.
    static func grid(upTo limit: Float, stride: UInt32) -> [Float] {
        var xs: [Float] = []
        var u: UInt32 = 0
        while Float(bitPattern: u) <= limit {
            let x = Float(bitPattern: u)
            xs.append(x); xs.append(-x)
            u += stride
        }
        return xs
    }

    /// The floats on either side of k·π/2 for k in 1…n (where sin or cos is nearly 0 and the
    /// reduction cancels most), with a few neighbours each.
    static func nearHalfPiMultiples(_ n: Int) -> [Float] {
        var xs: [Float] = []
        for k in 1...n {
            var x = Float(Double(k) * Double.pi / 2)
            for _ in 0..<3 { x = x.nextDown }
            for _ in 0..<7 { xs.append(x); xs.append(-x); x = x.nextUp }
        }
        return xs
    }

    /// The largest |fast − reference| over `xs` (NaN must match NaN), and where.
    func maxAbsError(_ fast: Map, _ reference: (Float) -> Float, _ xs: [Float]) -> (Float, Float) {
        var y = [Float](repeating: 0, count: xs.count)
        xs.withUnsafeBufferPointer { x in
            y.withUnsafeMutableBufferPointer { fast($0.baseAddress!, x.baseAddress!, x.count) }
        }
        var worst: Float = 0, at: Float = 0
        for (x, got) in zip(xs, y) {
            let want = reference(x)
            let e: Float = want.isNaN ? (got.isNaN ? 0 : .infinity) : abs(got - want)
            if !(e <= worst) { worst = e.isNaN ? .infinity : e; at = x }
        }
        return (worst, at)
    }

    /// The largest distance in ulps over `xs` where the reference's magnitude is at least
    /// `floor` (near the zeros of sin and cos an ulp is tiny and says little).
    func maxUlps(_ fast: Map, _ reference: (Float) -> Float, _ xs: [Float], floor: Float) -> UInt64 {
        var y = [Float](repeating: 0, count: xs.count)
        xs.withUnsafeBufferPointer { x in
            y.withUnsafeMutableBufferPointer { fast($0.baseAddress!, x.baseAddress!, x.count) }
        }
        var worst: UInt64 = 0
        for (x, got) in zip(xs, y) {
            let want = reference(x)
            if !(abs(want) >= floor) && !want.isNaN { continue }
            worst = max(worst, FastMathTests.ulps(got, want))
        }
        return worst
    }

    func assertAbs(_ name: String, _ fast: Map, _ reference: @escaping (Float) -> Float, _ xs: [Float],
                   _ bound: Float, file: StaticString = #filePath, line: UInt = #line) {
        let (worst, at) = maxAbsError(fast, reference, xs)
        XCTAssertLessThanOrEqual(worst, bound, "\(name): error \(worst) at x = \(at)", file: file, line: line)
        let ulps = maxUlps(fast, reference, xs, floor: 0)
        let ulpsAway = maxUlps(fast, reference, xs, floor: 1e-3)
        print("\(name): max abs error \(worst) over \(xs.count) inputs (at x = \(at)); "
              + "max \(ulps) ulp, \(ulpsAway) ulp where |f| ≥ 1e-3")
    }

    // MARK: - sin, cos

    func testSinCosDenseGridTo1e4() {
        let xs = Self.grid(upTo: 1e4, stride: 127) + Self.nearHalfPiMultiples(6366)
        assertAbs("sin |x| ≤ 1e4", Self.sinFast, { Glibc.sinf($0) }, xs, 2e-7)
        assertAbs("cos |x| ≤ 1e4", Self.cosFast, { Glibc.cosf($0) }, xs, 2e-7)
    }

    func testSinCosRandomAndToReductionLimit() {
        var rng = SplitMix(seed: 61)
        let xs = rng.array(300_000, -4, 4) + rng.array(300_000, -1e4, 1e4) + rng.array(300_000, -1e5, 1e5)
            + Self.nearHalfPiMultiples(63_000).filter { abs($0) <= 1e5 }
        assertAbs("sin random", Self.sinFast, { Glibc.sinf($0) }, xs, 2e-7)
        assertAbs("cos random", Self.cosFast, { Glibc.cosf($0) }, xs, 2e-7)
    }

    /// Above 10⁵, ±inf and NaN the lanes are glibc's own results, bit for bit, also when they
    /// share a vector with in-range lanes.
    func testSinCosLargeAndSpecial() {
        var xs: [Float] = [1e5, 100_000.01, -100_000.01, 1.5e5, 1e6, -3e7, 1e10, 1e30, -1e38,
                           .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .infinity, -.infinity, .nan]
        xs += [0.5, 0, -0.0, 3, 2, 1, 1e-30, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
               Float(bitPattern: 0x007F_FFFF), .leastNormalMagnitude, 1e4, -1e4]
        xs += FastMathTests.specials
        for (name, fast, reference) in [("sin", Self.sinFast, { Glibc.sinf($0) }), ("cos", Self.cosFast, { Glibc.cosf($0) })]
            as [(String, Map, (Float) -> Float)] {
            var y = [Float](repeating: 0, count: xs.count)
            fast(&y, xs, xs.count)
            for (x, got) in zip(xs, y) {
                let want = reference(x)
                if abs(x) > 1e5 || !x.isFinite {
                    XCTAssertEqual(FastMathTests.ulps(got, want), 0, "\(name)(\(x)) = \(got), glibc \(want)")
                } else {
                    XCTAssertLessThanOrEqual(abs(got - want), 2e-7, "\(name)(\(x)) = \(got), glibc \(want)")
                }
            }
        }
        var y: [Float] = [0, 0, 0, 0, 0, 0]
        let special: [Float] = [.infinity, -.infinity, .nan, 0, -0.0, .leastNonzeroMagnitude]
        Fast.sin(&y, special, count: 6)
        XCTAssert(y[0].isNaN && y[1].isNaN && y[2].isNaN, "sin(±inf), sin(NaN): \(y)")
        XCTAssert(y[3] == 0 && y[3].sign == .plus && y[4] == 0 && y[4].sign == .minus, "sin(±0) = ±0: \(y)")
        XCTAssertEqual(y[5], .leastNonzeroMagnitude)
        Fast.cos(&y, special, count: 6)
        XCTAssert(y[0].isNaN && y[1].isNaN && y[2].isNaN, "cos(±inf), cos(NaN): \(y)")
        XCTAssertEqual(Array(y[3...]), [1, 1, 1])
    }

    // MARK: - erf

    /// Every 97th Float bit pattern (all magnitudes, both signs), the neighbourhoods of the
    /// branch points 1, 2 and the cap 4, random values in [−5, 5], and the special values.
    func testErfEverywhere() {
        var xs: [Float] = []
        var pattern: UInt64 = 0
        while pattern < (1 << 32) {
            xs.append(Float(bitPattern: UInt32(pattern)))
            pattern += 97
        }
        for b: Float in [1, 2, 4, 3.92, 0.5, 1e-3] {
            for s: Float in [1, -1] {
                var x = s * b
                for _ in 0..<2048 { x = x.nextDown }
                for _ in 0..<4096 { xs.append(x); x = x.nextUp }
            }
        }
        var rng = SplitMix(seed: 62)
        xs += rng.array(200_000, -5, 5) + FastMathTests.specials
        assertAbs("erf", Self.erfFast, { Glibc.erff($0) }, xs, 1e-6)
    }

    /// Every float with 1 ≤ |x| ≤ 4.5: the fitted branch 1 − e^(−x² + Q(|x|)) and the cap at 4,
    /// to 1e-6 and to 2 ulp.
    func testErfEveryFloatOfTheFittedBranch() {
        var xs: [Float] = []
        var x: Float = 1
        while x <= 4.5 { xs.append(x); xs.append(-x); x = x.nextUp }
        assertAbs("erf 1 ≤ |x| ≤ 4.5", Self.erfFast, { Glibc.erff($0) }, xs, 1e-6)
        XCTAssertLessThanOrEqual(maxUlps(Self.erfFast, { Glibc.erff($0) }, xs, floor: 0), 2)
    }

    func testErfSpecialValues() {
        let xs: [Float] = [0, -0.0, .infinity, -.infinity, .nan, 4, -4, 4.5, 10, -1e30, .greatestFiniteMagnitude,
                           .leastNonzeroMagnitude, -.leastNonzeroMagnitude, 1e-30]
        var y = [Float](repeating: 0, count: xs.count)
        Fast.erf(&y, xs, count: xs.count)
        XCTAssert(y[0] == 0 && y[0].sign == .plus && y[1] == 0 && y[1].sign == .minus, "erf(±0) = ±0: \(y)")
        XCTAssertEqual(Array(y[2...3]), [1, -1])
        XCTAssert(y[4].isNaN)
        XCTAssertEqual(Array(y[5...10]), [1, -1, 1, 1, -1, 1])
        XCTAssertEqual(FastMathTests.ulps(y[11], Glibc.erff(.leastNonzeroMagnitude)), 0)
        XCTAssertEqual(FastMathTests.ulps(y[12], Glibc.erff(-.leastNonzeroMagnitude)), 0)
        XCTAssertLessThanOrEqual(FastMathTests.ulps(y[13], Glibc.erff(1e-30)), 1)
    }

    // MARK: - Counts and aliasing

    /// Counts 0, 1, 7, 8, 15, 16, 17, 33 and 1000 + 5 (the sixteen-lane loop, the eight-lane
    /// loop, the zero-padded tail), nothing written past `count`, and in place (y aliasing x);
    /// an out-of-range lane in the last partial vector takes the wide path.
    func testCountsAndAliasing() {
        var rng = SplitMix(seed: 63)
        for (name, fast, reference, bound) in [
            ("sin", Self.sinFast, { Glibc.sinf($0) }, Float(2e-7)),
            ("cos", Self.cosFast, { Glibc.cosf($0) }, 2e-7),
            ("erf", Self.erfFast, { Glibc.erff($0) }, 1e-6),
        ] as [(String, Map, (Float) -> Float, Float)] {
            for count in [0, 1, 7, 8, 15, 16, 17, 33, 1005] {
                var x = rng.array(count, -20, 20)
                if count > 2 { x[count - 1] = 3e5 }
                var y = [Float](repeating: .nan, count: count + 3)
                fast(&y, x, count)
                for i in 0..<count {
                    XCTAssertLessThanOrEqual(abs(y[i] - reference(x[i])), bound, "\(name)(\(x[i])), count \(count)")
                }
                for i in count..<(count + 3) { XCTAssert(y[i].isNaN, "\(name) wrote past count \(count)") }
                let want = x.map(reference)
                x.withUnsafeMutableBufferPointer { p in
                    if let base = p.baseAddress { fast(base, base, count) }
                }
                for i in 0..<count { XCTAssertLessThanOrEqual(abs(x[i] - want[i]), bound, "\(name) in place, count \(count)") }
            }
        }
    }
}
