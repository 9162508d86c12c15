import Foundation
import XCTest
@testable import GlassboxKernels

/// Awkward sizes every kernel is tried on: 1, a prime below a SIMD width, one past 32, one past 128.
let awkwardSizes = [1, 7, 33, 129]

/// A denormal (subnormal) Float, 2⁻¹³³ ≈ 9.2e-41.
let denormal = Float.leastNormalMagnitude / 128

/// Extreme inputs: large magnitudes, zeros of both signs, denormals, ordinary values.
let extremeValues: [Float] = [1e4, -1e4, 0, -0.0, denormal, -denormal, Float.leastNonzeroMagnitude, 1, -1, 0.5, -3, 20, -20]

/// Deterministic values in [lo, hi) (a tiny LCG; no dependency on the library's RNG).
func values(_ n: Int, seed: UInt64, _ lo: Float = -1, _ hi: Float = 1) -> [Float] {
    var s = seed &* 6364136223846793005 &+ 1442695040888963407
    return (0..<n).map { _ in
        s = s &* 6364136223846793005 &+ 1442695040888963407
        return lo + (hi - lo) * Float(s >> 40) * 0x1p-24
    }
}

/// Runs `body` with mutable pointers to copies of the arrays, returning them afterwards.
func withBuffers(_ arrays: [[Float]], _ body: ([UnsafeMutablePointer<Float>]) -> Void) -> [[Float]] {
    let buffers = arrays.map { a -> UnsafeMutablePointer<Float> in
        let p = UnsafeMutablePointer<Float>.allocate(capacity: max(a.count, 1))
        p.initialize(from: a, count: a.count)
        return p
    }
    body(buffers)
    defer { buffers.forEach { $0.deallocate() } }
    return zip(buffers, arrays).map { Array(UnsafeBufferPointer(start: $0, count: $1.count)) }
}

/// Max relative difference |a − b|/(1 + |b|), equal NaNs and equal infinities count as 0.
func maxDifference(_ a: [Float], _ b: [Double]) -> (Double, Int) {
    var worst = 0.0, at = 0
    for i in 0..<min(a.count, b.count) {
        let x = Double(a[i]), y = b[i]
        if (x.isNaN && y.isNaN) || x == y { continue }
        let d = abs(x - y) / (1 + abs(y))
        if !(d <= worst) { worst = d; at = i }
    }
    return (worst, at)
}

func assertClose(_ a: [Float], _ b: [Double], tol: Double, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, "\(what): counts", file: file, line: line)
    let (d, at) = maxDifference(a, b)
    XCTAssertLessThanOrEqual(d, tol, "\(what): max difference \(d) at \(at): \(at < a.count ? a[at] : .nan) vs \(at < b.count ? b[at] : .nan); "
        + "first values \(Array(a.prefix(4))) vs \(Array(b.prefix(4)))", file: file, line: line)
}
