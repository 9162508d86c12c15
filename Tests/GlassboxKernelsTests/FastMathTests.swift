import XCTest
@testable import GlassboxKernelsFast
#if canImport(Glibc)
import Glibc
#endif

/// The vector transcendental functions against the C library (glibc's `expf`, `logf`, `tanhf`,
/// correctly rounded or within 1 ulp) and, for σ and GELU which libc lacks, against the formula
/// evaluated in Double. Inputs: every k-th Float bit pattern (k = 211 by default, all 2³² with
/// `GLASSBOX_EXHAUSTIVE=1`), every value within 2048 ulps of each boundary of the methods
/// (range limits, polynomial switch points), and the special values. Bound: 2 ulp.
final class FastMathTests: XCTestCase {
    // MARK: - Ulp distance

    /// Distance in units in the last place: floats mapped to an ordered integer line (−0 and
    /// +0 coincide; subnormals count in steps of 2⁻¹⁴⁹). NaN matches only NaN.
    static func ulps(_ a: Float, _ b: Float) -> UInt64 {
        if a.isNaN || b.isNaN { return a.isNaN && b.isNaN ? 0 : .max }
        func ordinal(_ x: Float) -> Int64 {
            let bits = Int64(x.bitPattern & 0x7FFF_FFFF)
            return x.sign == .minus ? -bits : bits
        }
        return UInt64((ordinal(a) - ordinal(b)).magnitude)
    }

    // MARK: - Inputs

    static let specials: [Float] = [
        0, -0.0, .infinity, -.infinity, .nan, -.nan, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
        .leastNormalMagnitude, -.leastNormalMagnitude, Float(bitPattern: 0x007F_FFFF),
        -Float(bitPattern: 0x007F_FFFF), .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
        1, -1, 0.5, -0.5, 2, -2, 1e-20, -1e-20, 1e4, -1e4, 1e30, -1e30,
    ]

    /// Points where a method switches branch or a result leaves the normal range.
    static let boundaries: [Float] = [
        88.72, 88.7228, 88.72284, 89.5, -86.9, -87.33, -87.3365, -103.97, -104, -104.5, 0.625, -0.625,
        9.1, -9.1, 4.5, -4.5, 0x1p-126, 1, 0.70710677, 1.4142135, -10, -10.5, -11, -13, 88.0, 88.03, 44.36,
        0.34657359, -0.34657359,
    ]

    static var stride: UInt64 {
        if let env = getenv("GLASSBOX_EXHAUSTIVE"), String(cString: env) == "1" { return 1 }
        return 211
    }

    /// Calls `body` with chunks of inputs: the strided sweep, the boundary neighbourhoods and
    /// the special values.
    static func forEachInputChunk(_ body: ([Float]) -> Void) {
        var chunk: [Float] = []
        chunk.reserveCapacity(1 << 20)
        var pattern: UInt64 = 0
        while pattern < (1 << 32) {
            chunk.append(Float(bitPattern: UInt32(pattern)))
            if chunk.count == 1 << 20 { body(chunk); chunk.removeAll(keepingCapacity: true) }
            pattern += stride
        }
        for b in boundaries {
            var x = b
            for _ in 0..<2048 { x = x.nextDown }
            for _ in 0..<4096 { chunk.append(x); x = x.nextUp }
        }
        chunk += specials
        body(chunk)
    }

    // MARK: - Checking

    struct Worst { var ulps: UInt64 = 0; var input: Float = 0; var got: Float = 0; var want: Float = 0 }

    func check(
        _ name: String, maxUlps: UInt64 = 2,
        fast: (UnsafeMutablePointer<Float>, UnsafePointer<Float>, Int) -> Void,
        reference: (Float) -> Float, file: StaticString = #filePath, line: UInt = #line
    ) {
        var worst = Worst()
        var tested = 0
        Self.forEachInputChunk { inputs in
            var out = [Float](repeating: 0, count: inputs.count)
            inputs.withUnsafeBufferPointer { x in
                out.withUnsafeMutableBufferPointer { y in fast(y.baseAddress!, x.baseAddress!, x.count) }
            }
            for (x, y) in zip(inputs, out) {
                let want = reference(x)
                let d = Self.ulps(y, want)
                if d > worst.ulps { worst = Worst(ulps: d, input: x, got: y, want: want) }
            }
            tested += inputs.count
        }
        XCTAssertLessThanOrEqual(
            worst.ulps, maxUlps,
            "\(name): \(worst.ulps) ulp at x = \(worst.input) (bits 0x\(String(worst.input.bitPattern, radix: 16))): "
                + "got \(worst.got), want \(worst.want); \(tested) inputs",
            file: file, line: line)
        print("\(name): max \(worst.ulps) ulp over \(tested) inputs (worst at x = \(worst.input))")
    }

    // MARK: - Double references

    static func sigmoidReference(_ x: Float) -> Float {
        let d = Double(x)
        return Float(d >= 0 ? 1 / (1 + Glibc.exp(-d)) : Glibc.exp(d) / (1 + Glibc.exp(d)))
    }

    /// ½x(1 + tanh u) = x·σ(2u), u = √(2/π)(x + 0.044715x³), in Double.
    static func geluReference(_ x: Float) -> Float {
        if x == -.infinity { return -0.0 }
        let d = Double(x)
        let twoU = d * (1.5957691216057308 + 1.5957691216057308 * 0.044715 * d * d)
        let s = twoU >= 0 ? 1 / (1 + Glibc.exp(-twoU)) : Glibc.exp(twoU) / (1 + Glibc.exp(twoU))
        return Float(d * s)
    }

    // MARK: - Tests

    func testExp() {
        check("exp", fast: { Fast.exp($0, $1, count: $2) }, reference: { Glibc.expf($0) })
    }

    func testLog() {
        check("log", fast: { Fast.log($0, $1, count: $2) }, reference: { Glibc.logf($0) })
    }

    func testTanh() {
        check("tanh", fast: { Fast.tanh($0, $1, count: $2) }, reference: { Glibc.tanhf($0) })
    }

    func testSigmoid() {
        check("sigmoid", fast: { Fast.sigmoid($0, $1, count: $2) }, reference: Self.sigmoidReference)
    }

    func testGelu() {
        check("gelu", fast: { Fast.gelu($0, $1, count: $2) }, reference: Self.geluReference)
    }

    func testSimpleMapsExact() {
        let x: [Float] = [-3, -0.0, 0, 2.5, .infinity, -.infinity, denormal, 7, 9, 16, 0.25, -1]
        for (name, fast, reference) in [
            ("relu", Fast.relu, { max($0, 0) }),
            ("sqrt", Fast.sqrt, { $0.squareRoot() }),
            ("abs", Fast.abs, { Swift.abs($0) }),
            ("neg", Fast.neg, { -$0 }),
        ] as [(String, (UnsafeMutablePointer<Float>, UnsafePointer<Float>, Int) -> Void, (Float) -> Float)] {
            var y = [Float](repeating: 0, count: x.count)
            fast(&y, x, x.count)
            for i in 0..<x.count {
                XCTAssertEqual(Self.ulps(y[i], reference(x[i])), 0, "\(name)(\(x[i])) = \(y[i])")
            }
        }
    }

    /// Every count from 0 to 40 (the vector loop, the 8-wide loop and the partial tail) and an
    /// in-place call (y aliasing x).
    func testTailsAndAliasing() {
        var rng = SplitMix(seed: 7)
        for count in 0...40 {
            var x = rng.array(count, -5, 5)
            var y = [Float](repeating: .nan, count: count + 3)
            Fast.exp(&y, x, count: count)
            for i in 0..<count { XCTAssertLessThanOrEqual(Self.ulps(y[i], expf(x[i])), 2) }
            for i in count..<(count + 3) { XCTAssert(y[i].isNaN, "wrote past count \(count)") }
            let want = x.map(tanhf)
            x.withUnsafeMutableBufferPointer { p in
                if let base = p.baseAddress { Fast.tanh(base, base, count: count) }
            }
            for i in 0..<count { XCTAssertLessThanOrEqual(Self.ulps(x[i], want[i]), 2) }
        }
    }
}
