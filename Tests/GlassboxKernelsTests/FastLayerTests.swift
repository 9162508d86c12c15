import XCTest
@testable import GlassboxKernelsFast
#if canImport(Glibc)
import Glibc
#endif

/// The fused kernels (softmax, layer norm, LSTM cell, attention, optimizers) against plain
/// formulas evaluated in Double, on awkward sizes (1, 7, 33, 129 — tails of the 8-lane loops),
/// and every backward against central finite differences of the Double forward.
final class FastLayerTests: XCTestCase {
    // MARK: - Softmax

    func softmaxReference(_ x: [Float], rows: Int, cols: Int, log: Bool) -> [Double] {
        var y = [Double](repeating: 0, count: rows * cols)
        for r in 0..<rows {
            let row = (0..<cols).map { Double(x[r * cols + $0]) }
            let m = row.max() ?? 0
            let s = row.reduce(0) { $0 + Glibc.exp($1 - m) }
            for j in 0..<cols { y[r * cols + j] = log ? row[j] - m - Glibc.log(s) : Glibc.exp(row[j] - m) / s }
        }
        return y
    }

    func testSoftmaxAndLogSoftmaxRows() {
        var rng = SplitMix(seed: 11)
        for (rows, cols) in [(1, 1), (3, 7), (2, 8), (5, 33), (4, 129), (1, 512)] {
            var x = rng.array(rows * cols, -20, 20)
            if cols > 3 { x[1] = 1e4; x[2] = -1e4 }                // extremes stay finite
            var y = [Float](repeating: 0, count: x.count)
            Fast.softmaxRows(&y, x, rows: rows, cols: cols)
            assertFastClose(y, softmaxReference(x, rows: rows, cols: cols, log: false), tol: 1e-6, "softmax \(rows)×\(cols)")
            Fast.logSoftmaxRows(&y, x, rows: rows, cols: cols)
            assertFastClose(y, softmaxReference(x, rows: rows, cols: cols, log: true), tol: 1e-6, "logSoftmax \(rows)×\(cols)")
            // In place (y aliases x).
            var z = x
            z.withUnsafeMutableBufferPointer { Fast.softmaxRows($0.baseAddress!, $0.baseAddress!, rows: rows, cols: cols) }
            assertFastClose(z, softmaxReference(x, rows: rows, cols: cols, log: false), tol: 1e-6, "softmax in place")
        }
    }

    func testSoftmaxNaNRowStaysNaN() {
        let x: [Float] = [1, .nan, 3, 4, 5, 6, 7, 8, 9, 1, 2, 3]
        var y = [Float](repeating: 0, count: 12)
        Fast.softmaxRows(&y, x, rows: 2, cols: 6)
        XCTAssert(y[0..<6].allSatisfy(\.isNaN), "\(y)")
        XCTAssert(y[6..<12].allSatisfy { !$0.isNaN }, "\(y)")
    }

    // MARK: - Layer norm

    func layerNormReference(_ x: [Double], _ g: [Double], _ b: [Double], rows: Int, cols: Int, eps: Double) -> [Double] {
        var y = [Double](repeating: 0, count: rows * cols)
        for r in 0..<rows {
            let row = x[(r * cols)..<((r + 1) * cols)]
            let mu = row.reduce(0, +) / Double(cols)
            let variance = row.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / Double(cols)
            let rs = 1 / (variance + eps).squareRoot()
            for j in 0..<cols { y[r * cols + j] = (x[r * cols + j] - mu) * rs * g[j] + b[j] }
        }
        return y
    }

    func testLayerNormForwardAndBackward() {
        var rng = SplitMix(seed: 12)
        for (rows, cols) in [(1, 1), (2, 7), (3, 33), (2, 129)] {
            let x = rng.array(rows * cols, -3, 3).map { $0 + 100 }    // offset: tests the two-pass variance
            let g = rng.array(cols, 0.5, 1.5), b = rng.array(cols)
            let dy = rng.array(rows * cols)
            var y = [Float](repeating: 0, count: rows * cols)
            var mean = [Float](repeating: 0, count: rows), rstd = mean, variance = mean
            var normalized = y
            Fast.layerNormForward(y: &y, mean: &mean, rstd: &rstd, x: x, gamma: g, beta: b, rows: rows, cols: cols, eps: 1e-5,
                                  variance: &variance, normalized: &normalized)
            let xd = x.map(Double.init), gd = g.map(Double.init), bd = b.map(Double.init)
            assertFastClose(y, layerNormReference(xd, gd, bd, rows: rows, cols: cols, eps: 1e-5), tol: 2e-4, "layerNorm \(rows)×\(cols)")
            let ones = [Double](repeating: 1, count: cols), zeros = [Double](repeating: 0, count: cols)
            assertFastClose(normalized, layerNormReference(xd, ones, zeros, rows: rows, cols: cols, eps: 1e-5), tol: 2e-4, "x̂")
            for r in 0..<rows { XCTAssertEqual(1 / (variance[r] + 1e-5).squareRoot(), rstd[r], accuracy: rstd[r] * 1e-6) }

            var dx = [Float](repeating: .nan, count: rows * cols)
            var dg = [Float](repeating: .nan, count: cols), db = dg
            Fast.layerNormBackward(dx: &dx, dgamma: &dg, dbeta: &db, dy: dy, x: x, mean: mean, rstd: rstd,
                                   gamma: g, rows: rows, cols: cols)
            let loss = { (y: [Double]) in zip(y, dy).reduce(0) { $0 + $1.0 * Double($1.1) } }
            assertFastClose(dx, fastNumericGradient(x) { loss(self.layerNormReference($0, gd, bd, rows: rows, cols: cols, eps: 1e-5)) },
                        tol: 2e-3, "layerNorm dx \(rows)×\(cols)")
            assertFastClose(dg, fastNumericGradient(g) { loss(self.layerNormReference(xd, $0, bd, rows: rows, cols: cols, eps: 1e-5)) },
                        tol: 2e-3, "layerNorm dgamma")
            assertFastClose(db, fastNumericGradient(b) { loss(self.layerNormReference(xd, gd, $0, rows: rows, cols: cols, eps: 1e-5)) },
                        tol: 2e-3, "layerNorm dbeta")
        }
    }
}

/// The masked tail loads and stores every kernel's last count mod 8 elements go through: they
/// touch exactly `count` floats. A page with no access rights right after the floats would show a
/// read past them as a crash; here the neighbours are sentinels that must come back unchanged
/// and lanes past `count` must hold the fill.
final class FastPartialVectorTests: XCTestCase {
    func testPartialLoadsAndStoresTouchExactlyCountFloats() {
        for count in 0..<8 {
            var buffer = [Float](repeating: -7, count: 24)
            for i in 0..<count { buffer[8 + i] = Float(i + 1) }
            buffer.withUnsafeMutableBufferPointer { b in
                let p = b.baseAddress! + 8
                let v = Fast.loadPartial(p, count, fill: 42)
                for lane in 0..<8 { XCTAssertEqual(v[lane], lane < count ? Float(lane + 1) : 42, "load \(count) lane \(lane)") }
                Fast.storePartial(SIMD8<Float>(repeating: 9), p, count)
            }
            for i in 0..<24 {
                let expected: Float = (8..<(8 + count)).contains(i) ? 9 : -7
                XCTAssertEqual(buffer[i], expected, "store \(count) at \(i)")
            }
        }
    }
}
