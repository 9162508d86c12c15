import XCTest
@testable import GlassboxKernels
import GlassboxKernelsFast

/// The m = 1 path of `Threaded.gemm` (`Threaded.gemv`: B streamed once, split over the cores)
/// against the reference gemm: both transposes, accumulate, row strides wider than the rows,
/// widths that leave tails of the 8-lane and 4-row loops, and sizes that split and do not.
final class GemvTests: XCTestCase {
    func testMatrixVectorProductsMatchTheReference() {
        var rng = SplitMix(seed: 77)
        for (n, k) in [(64, 16), (71, 19), (1000, 33), (2304, 768), (50257 / 16, 130)] {
            for transA in [false, true] {
                for transB in [false, true] {
                    for accumulate in [false, true] {
                        let lda = transA ? 3 : k, ldb = (transB ? k : n) + 5
                        let a = rng.array(transA ? k * lda : k, -1, 1)
                        let b = rng.array((transB ? n : k) * ldb, -1, 1)
                        let c0 = rng.array(n, -1, 1)
                        var want = c0, got = c0
                        Reference.gemm(transA: transA, transB: transB, m: 1, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb,
                                       c: &want, ldc: n, accumulate: accumulate)
                        Threaded.gemm(transA: transA, transB: transB, m: 1, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb,
                                      c: &got, ldc: n, accumulate: accumulate)
                        assertFastClose(got, want.map(Double.init), tol: 1e-6 * Double(k),
                                        "gemv n \(n) k \(k) transA \(transA) transB \(transB) accumulate \(accumulate)")
                    }
                }
            }
        }
    }
}
