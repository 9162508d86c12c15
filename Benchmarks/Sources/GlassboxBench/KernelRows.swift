import GlassboxKernels
import GlassboxKernelsFast

// MARK: - Matmul rows

/// C = A·B for n×n matrices; `threaded` uses both cores (`Threaded.gemm`), otherwise the
/// single-threaded `Fast.gemm` is timed.
func matmulRow(_ name: String, n: Int, threaded: Bool) -> (String, () -> Measurement) {
    (name, {
        let a = randomArray(n * n, seed: 1), b = randomArray(n * n, seed: 2)
        var c = [Float](repeating: 0, count: n * n)
        let flops = 2 * Double(n) * Double(n) * Double(n)
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    let pa = pa.baseAddress!, pb = pb.baseAddress!, pc = pc.baseAddress!
                    return measure(name, flops: flops) {
                        if threaded {
                            Threaded.gemm(transA: false, transB: false, m: n, n: n, k: n,
                                          a: pa, lda: n, b: pb, ldb: n, c: pc, ldc: n, accumulate: false)
                        } else {
                            Fast.gemm(transA: false, transB: false, m: n, n: n, k: n,
                                      a: pa, lda: n, b: pb, ldb: n, c: pc, ldc: n, accumulate: false)
                        }
                    }
                }
            }
        }
    })
}

func kernelRows() -> [(name: String, run: () -> Measurement)] { [
    matmulRow("matmul_1024_2threads", n: 1024, threaded: true),
    matmulRow("matmul_1024_1thread", n: 1024, threaded: false),
    matmulRow("matmul_64", n: 64, threaded: true),
    gemmShapeRow("gemm_l1_144x64x256", m: 144, n: 64, k: 256),
    gemmShapeRow("gemm_1thread_512", m: 512, n: 512, k: 512),
    gemmShapeRow("gemm_1thread_1020", m: 1020, n: 1020, k: 1020),
] }

/// Diagnostics (not in the table): rectangular single-threaded products.
func gemmShapeRow(_ name: String, m: Int, n: Int, k: Int) -> (String, () -> Measurement) {
    (name, {
        let a = randomArray(m * k, seed: 1), b = randomArray(k * n, seed: 2)
        var c = [Float](repeating: 0, count: m * n)
        let flops = 2 * Double(m) * Double(n) * Double(k)
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    let pa = pa.baseAddress!, pb = pb.baseAddress!, pc = pc.baseAddress!
                    return measure(name, flops: flops) {
                        Fast.gemm(transA: false, transB: false, m: m, n: n, k: k,
                                  a: pa, lda: k, b: pb, ldb: n, c: pc, ldc: n, accumulate: false)
                    }
                }
            }
        }
    })
}
