import XCTest
@testable import GlassboxKernels
import GlassboxKernelsFast

/// The vector batch-norm kernels (`Kernels.batchNorm…` on the fast path: sixteen float lanes per
/// plane, whole channels per core) against the reference loops in Double, on planes that leave
/// tails of the 8- and 16-lane loops, one image and several, and a shape large enough to be split
/// over the cores.
final class BatchNormKernelTests: XCTestCase {
    func assertClose(_ a: UnsafeBufferPointer<Float>, _ b: [Float], tol: Float, _ what: String,
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, what, file: file, line: line)
        var worst: Float = 0
        for i in 0..<b.count { worst = max(worst, abs(a[i] - b[i]) / max(1, abs(b[i]))) }
        XCTAssertLessThanOrEqual(worst, tol, what, file: file, line: line)
    }

    func testFastPathMatchesTheReferenceLoops() {
        var rng = SplitMix(seed: 61)
        for (n, c, plane) in [(1, 3, 1), (2, 5, 7), (3, 4, 17), (1, 6, 49), (4, 3, 130), (2, 64, 784)] {
            let count = n * c * plane
            // An offset mean per channel, so that a one-pass E[x²] − μ² would lose digits.
            var x = rng.array(count, -1, 1)
            for i in 0..<count { x[i] += Float((i / plane) % c) * 3 + 10 }
            let dy = rng.array(count, -1, 1)
            let gamma = rng.array(c, 0.5, 1.5), beta = rng.array(c, -1, 1)
            var m1 = [Float](repeating: 0, count: c), v1 = m1, m2 = m1, v2 = m1
            Kernels.batchNormStatistics(mean: &m1, variance: &v1, x: x, batch: n, channels: c, plane: plane)
            Reference.batchNormStatistics(mean: &m2, variance: &v2, x: x, batch: n, channels: c, plane: plane)
            let label = "N\(n) C\(c) plane \(plane)"
            m1.withUnsafeBufferPointer { assertClose($0, m2, tol: 1e-6, "mean \(label)") }
            v1.withUnsafeBufferPointer { assertClose($0, v2, tol: 1e-5, "variance \(label)") }
            let rstd = v2.map { 1 / ($0 + 1e-5).squareRoot() }
            for training in [true, false] {
                var y1 = [Float](repeating: .nan, count: count), y2 = y1, h1 = y1, h2 = y1
                Kernels.batchNormForward(y: &y1, normalized: &h1, x: x, mean: m2, rstd: rstd, gamma: gamma, beta: beta,
                                         batch: n, channels: c, plane: plane)
                Reference.batchNormForward(y: &y2, normalized: &h2, x: x, mean: m2, rstd: rstd, gamma: gamma, beta: beta,
                                           batch: n, channels: c, plane: plane)
                // y = x·scale + shift cancels when the mean is far from 0: the fast path's fused
                // multiply-add and the reference's two roundings differ by an ulp of x·scale.
                for i in 0..<count {
                    let ch = (i / plane) % c, big = abs(x[i] * gamma[ch] * rstd[ch])
                    XCTAssertLessThanOrEqual(abs(y1[i] - y2[i]), 2 * big.ulp + 2e-6 * max(1, abs(y2[i])), "forward \(label) at \(i)")
                }
                h1.withUnsafeBufferPointer { assertClose($0, h2, tol: 0, "normalized \(label)") }
                var dx1 = [Float](repeating: .nan, count: count), dx2 = dx1
                var dg1 = [Float](repeating: .nan, count: c), dg2 = dg1, db1 = dg1, db2 = dg1
                Kernels.batchNormBackward(dx: &dx1, dgamma: &dg1, dbeta: &db1, dy: dy, x: x, mean: m2, rstd: rstd, gamma: gamma,
                                          training: training, batch: n, channels: c, plane: plane)
                Reference.batchNormBackward(dx: &dx2, dgamma: &dg2, dbeta: &db2, dy: dy, x: x, mean: m2, rstd: rstd, gamma: gamma,
                                            training: training, batch: n, channels: c, plane: plane)
                let scale = Float(n * plane)   // the sums grow with the values per channel
                dg1.withUnsafeBufferPointer { assertClose($0, dg2, tol: 2e-6 * scale, "dgamma \(label)") }
                db1.withUnsafeBufferPointer { assertClose($0, db2, tol: 2e-6 * scale, "dbeta \(label)") }
                dx1.withUnsafeBufferPointer { assertClose($0, dx2, tol: 1e-5, "dx \(label) training \(training)") }
            }
        }
    }

    /// dx alone, dγ and dβ alone: each output is optional and the others stay untouched.
    func testOptionalOutputs() {
        var rng = SplitMix(seed: 62)
        let n = 2, c = 3, plane = 10, count = n * c * plane
        let x = rng.array(count), dy = rng.array(count), gamma = rng.array(c, 0.5, 1.5)
        let mean = [Float](repeating: 0.1, count: c), rstd = [Float](repeating: 1.2, count: c)
        var dx = [Float](repeating: .nan, count: count), reference = dx
        Kernels.batchNormBackward(dx: &dx, dgamma: nil, dbeta: nil, dy: dy, x: x, mean: mean, rstd: rstd, gamma: gamma,
                                  training: true, batch: n, channels: c, plane: plane)
        Reference.batchNormBackward(dx: &reference, dgamma: nil, dbeta: nil, dy: dy, x: x, mean: mean, rstd: rstd,
                                    gamma: gamma, training: true, batch: n, channels: c, plane: plane)
        dx.withUnsafeBufferPointer { assertClose($0, reference, tol: 1e-5, "dx alone") }
        var dg = [Float](repeating: .nan, count: c)
        Kernels.batchNormBackward(dx: nil, dgamma: &dg, dbeta: nil, dy: dy, x: x, mean: mean, rstd: rstd, gamma: gamma,
                                  training: true, batch: n, channels: c, plane: plane)
        XCTAssertFalse(dg.contains { $0.isNaN })
    }
}
