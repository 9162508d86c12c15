import XCTest
@testable import GlassboxKernelsFast

/// `Fast.gemm` against a naive triple loop in `Double` on awkward sizes: 1, primes, one past
/// and one short of the 6×16 tile and of the KC = 256 / MC = 144 blocks, both transposes,
/// accumulation, and leading dimensions wider than the rows.
final class FastGemmTests: XCTestCase {
    /// A strided m×n matrix of small random values with row stride `ld` ≥ n; the padding
    /// holds NaN so that a kernel reading past a row would poison the result.
    struct Matrix {
        var rows: Int, cols: Int, ld: Int
        var data: [Float]
        init(rows: Int, cols: Int, ld: Int, rng: inout SplitMix) {
            self.rows = rows; self.cols = cols; self.ld = ld
            data = [Float](repeating: .nan, count: max(1, rows * ld))
            for i in 0..<rows { for j in 0..<cols { data[i * ld + j] = rng.uniform() * 2 - 1 } }
        }
        subscript(i: Int, j: Int) -> Float { data[i * ld + j] }
    }

    /// Which of gemm's ways to run: as dispatched, or one path forced.
    enum Path: String { case dispatch, packed, unpacked }

    /// Runs one product and checks every element of C (and that C's padding is untouched).
    func check(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, accumulate: Bool, pad: Int,
        path: Path = .dispatch, rng: inout SplitMix, file: StaticString = #filePath, line: UInt = #line
    ) {
        // Stored shapes: A is m×k (or k×m when transposed), B is k×n (or n×k).
        let a = transA
            ? Matrix(rows: k, cols: m, ld: m + pad, rng: &rng)
            : Matrix(rows: m, cols: k, ld: k + pad, rng: &rng)
        let b = transB
            ? Matrix(rows: n, cols: k, ld: k + pad, rng: &rng)
            : Matrix(rows: k, cols: n, ld: n + pad, rng: &rng)
        var c = Matrix(rows: m, cols: n, ld: n + pad, rng: &rng)
        let c0 = c.data
        a.data.withUnsafeBufferPointer { pa in
            b.data.withUnsafeBufferPointer { pb in
                c.data.withUnsafeMutableBufferPointer { pc in
                    switch path {
                    case .dispatch:
                        Fast.gemm(
                            transA: transA, transB: transB, m: m, n: n, k: k,
                            a: pa.baseAddress!, lda: a.ld, b: pb.baseAddress!, ldb: b.ld,
                            c: pc.baseAddress!, ldc: c.ld, accumulate: accumulate)
                    case .packed:
                        Fast.gemmPacked(
                            transA: transA, transB: transB, m: m, n: n, k: k,
                            a: pa.baseAddress!, lda: a.ld, b: pb.baseAddress!, ldb: b.ld,
                            c: pc.baseAddress!, ldc: c.ld, accumulate: accumulate)
                    case .unpacked:
                        Fast.gemmUnpacked(
                            transA: transA, m: m, n: n, k: k,
                            a: pa.baseAddress!, lda: a.ld, b: pb.baseAddress!, ldb: b.ld,
                            c: pc.baseAddress!, ldc: c.ld, accumulate: accumulate)
                    }
                }
            }
        }
        var worst = 0.0
        var worstAt = (0, 0)
        for i in 0..<m {
            for j in 0..<n {
                var sum = accumulate ? Double(c0[i * c.ld + j]) : 0
                var magnitude = abs(sum)
                for p in 0..<k {
                    let x = Double(transA ? a[p, i] : a[i, p])
                    let y = Double(transB ? b[j, p] : b[p, j])
                    sum += x * y
                    magnitude += abs(x * y)
                }
                // Float accumulation error is at most ~k·ε·Σ|aᵢbᵢ|; allow that, never less.
                let error = abs(Double(c[i, j]) - sum) / (magnitude * Double(k + 2) * 1.2e-7 + 1e-30)
                if !(error <= worst) { worst = error.isNaN ? .infinity : error; worstAt = (i, j) }
            }
            for j in n..<c.ld where i * c.ld + j < c.data.count {
                XCTAssert(c.data[i * c.ld + j].isNaN, "padding of C written at (\(i), \(j))", file: file, line: line)
            }
        }
        XCTAssertLessThanOrEqual(
            worst, 1,
            "gemm (\(path)) transA=\(transA) transB=\(transB) m=\(m) n=\(n) k=\(k) acc=\(accumulate) pad=\(pad): "
                + "error/bound \(worst) at \(worstAt)",
            file: file, line: line)
    }

    func testAwkwardSizesAllTransposes() {
        var rng = SplitMix(seed: 1)
        let sizes = [1, 2, 5, 6, 7, 15, 16, 17, 33, 64, 129]
        for transA in [false, true] {
            for transB in [false, true] {
                for m in sizes {
                    for n in [1, 7, 16, 33, 129] {
                        let k = sizes[(m + n) % sizes.count]
                        check(transA: transA, transB: transB, m: m, n: n, k: k,
                              accumulate: (m + n) % 2 == 0, pad: m % 3, rng: &rng)
                    }
                }
            }
        }
    }

    /// Each path on its own, on sizes where `gemm` would pick the other one too: the packed
    /// panels for small products, the in-place reads for every row and column edge (rows past
    /// the bottom reread a valid row; a partial strip of B is copied), depths past one block,
    /// and the MC row blocks.
    func testBothPathsOnAwkwardSizes() {
        var rng = SplitMix(seed: 4)
        let shapes = [(1, 1, 1), (5, 7, 3), (6, 16, 8), (7, 17, 9), (13, 33, 64), (64, 64, 64),
                      (65, 15, 1), (145, 31, 257), (150, 48, 40), (33, 129, 300), (300, 20, 17),
                      (20, 49, 300), (14, 196, 40)]   // a 7×7 and a 14×14 plane: edge strips of 1 and 4
        for (m, n, k) in shapes {
            for transA in [false, true] {
                for (i, path) in [Path.packed, .unpacked].enumerated() {
                    check(transA: transA, transB: false, m: m, n: n, k: k,
                          accumulate: (m + i) % 2 == 0, pad: (n + i) % 3, path: path, rng: &rng)
                }
                check(transA: transA, transB: true, m: m, n: n, k: k,
                      accumulate: m % 2 == 1, pad: 2, path: .packed, rng: &rng)
            }
        }
        // Empty products through either path: nothing, or zeros when not accumulating.
        for path in [Path.packed, .unpacked] {
            check(transA: false, transB: false, m: 3, n: 5, k: 0, accumulate: false, pad: 1, path: path, rng: &rng)
            check(transA: true, transB: false, m: 0, n: 5, k: 4, accumulate: false, pad: 1, path: path, rng: &rng)
        }
    }

    /// The choice between the paths: small B, or few rows of A with B up to 512 KiB, and never a
    /// transposed B (its columns are not contiguous).
    func testPathChoice() {
        XCTAssertTrue(Fast.prefersUnpacked(transB: false, m: 64, n: 64, k: 64))
        XCTAssertTrue(Fast.prefersUnpacked(transB: false, m: 1000, n: 64, k: 256))
        XCTAssertTrue(Fast.prefersUnpacked(transB: false, m: 32, n: 512, k: 128))
        XCTAssertTrue(Fast.prefersUnpacked(transB: false, m: 64, n: 128, k: 784))
        XCTAssertFalse(Fast.prefersUnpacked(transB: true, m: 64, n: 64, k: 64))
        XCTAssertFalse(Fast.prefersUnpacked(transB: false, m: 1000, n: 32, k: 512))
        XCTAssertFalse(Fast.prefersUnpacked(transB: false, m: 256, n: 256, k: 256))
        XCTAssertFalse(Fast.prefersUnpacked(transB: false, m: 32, n: 512, k: 512))
    }

    func testBlockBoundaries() {
        var rng = SplitMix(seed: 2)
        // Crosses KC = 256 (depth; 769 as four blocks), MC = 144 (rows) and the NR/MR edges
        // at once.
        for (m, n, k) in [(145, 33, 257), (150, 17, 513), (7, 200, 256), (289, 47, 300), (13, 35, 385), (20, 19, 769)] {
            for transA in [false, true] {
                for transB in [false, true] {
                    check(transA: transA, transB: transB, m: m, n: n, k: k,
                          accumulate: transA, pad: 3, rng: &rng)
                }
            }
        }
    }

    func testAccumulateAddsToExisting() {
        var rng = SplitMix(seed: 3)
        for accumulate in [false, true] {
            check(transA: false, transB: false, m: 13, n: 21, k: 300, accumulate: accumulate, pad: 5, rng: &rng)
        }
    }

    func testZeroDepthClearsOrKeeps() {
        var c: [Float] = [1, 2, 3, 4]
        let a: [Float] = [0], b: [Float] = [0]
        Fast.gemm(transA: false, transB: false, m: 2, n: 2, k: 0, a: a, lda: 1, b: b, ldb: 2,
                  c: &c, ldc: 2, accumulate: true)
        XCTAssertEqual(c, [1, 2, 3, 4])
        Fast.gemm(transA: false, transB: false, m: 2, n: 2, k: 0, a: a, lda: 1, b: b, ldb: 2,
                  c: &c, ldc: 2, accumulate: false)
        XCTAssertEqual(c, [0, 0, 0, 0])
    }

    func testExactSmallProduct() {
        // [[1,2,3],[4,5,6]] · [[7,8],[9,10],[11,12]] = [[58,64],[139,154]]
        let a: [Float] = [1, 2, 3, 4, 5, 6], b: [Float] = [7, 8, 9, 10, 11, 12]
        var c = [Float](repeating: 0, count: 4)
        Fast.gemm(transA: false, transB: false, m: 2, n: 2, k: 3, a: a, lda: 3, b: b, ldb: 2,
                  c: &c, ldc: 2, accumulate: false)
        XCTAssertEqual(c, [58, 64, 139, 154])
    }

    /// The per-thread packing memory: 64-byte aligned, the same block again for a request that
    /// fits, grown for one that does not, and each thread its own.
    func testThreadScratchIsAlignedReusedGrownAndPerThread() throws {
        let small = try XCTUnwrap(Fast.threadScratch(1000))
        XCTAssertEqual(Int(bitPattern: small) % 64, 0)
        small.storeBytes(of: 42, as: Int.self)
        XCTAssertEqual(Fast.threadScratch(1000), small, "a request that fits reuses the block")
        let big = try XCTUnwrap(Fast.threadScratch(5 << 20))
        XCTAssertEqual(Int(bitPattern: big) % 64, 0)
        // The whole grown block is writable.
        big.initializeMemory(as: UInt8.self, repeating: 7, count: 5 << 20)
        XCTAssertEqual(Fast.threadScratch(100), big, "a grown block serves smaller requests")
        let other = UnsafeSendableBox<UnsafeMutableRawPointer?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread {
            other.value = Fast.threadScratch(1000)
            done.signal()
        }.start()
        done.wait()
        XCTAssertNotNil(other.value)
        XCTAssertNotEqual(other.value, big, "another thread gets its own block")
    }
}

/// A box a test's helper thread writes once and the test reads after the thread finished.
final class UnsafeSendableBox<T>: @unchecked Sendable {
    var value: T
    init(_ value: T) { self.value = value }
}
