import GlassboxKernels
import GlassboxKernelsFast

// MARK: - Matmul rows

/// C = A·B for n×n matrices; `threaded` uses both cores (`Threaded.gemm`), otherwise the
/// single-threaded `Fast.gemm` is timed.
func matmulRow(_ name: String, n: Int, threaded: Bool) -> (String, () -> Measurement) {
    (name, {
        let a = Buffer(randomArray(n * n, seed: 1)), b = Buffer(randomArray(n * n, seed: 2)), c = Buffer(n * n)
        let flops = 2 * Double(n) * Double(n) * Double(n)
        return measure(name, flops: flops) {
            if threaded {
                Threaded.gemm(transA: false, transB: false, m: n, n: n, k: n,
                              a: a.p, lda: n, b: b.p, ldb: n, c: c.p, ldc: n, accumulate: false)
            } else {
                Fast.gemm(transA: false, transB: false, m: n, n: n, k: n,
                          a: a.p, lda: n, b: b.p, ldb: n, c: c.p, ldc: n, accumulate: false)
            }
        }
    })
}

func kernelRows() -> [(name: String, run: () -> Measurement)] { [
    matmulRow("matmul_1024_2threads", n: 1024, threaded: true),
    matmulRow("matmul_1024_1thread", n: 1024, threaded: false),
    matmulRow("matmul_64", n: 64, threaded: true),
    unaryRow("exp_1e6") { Threaded.exp($0, $1, count: $2) },
    unaryRow("log_1e6", abs: true) { Threaded.log($0, $1, count: $2) },
    unaryRow("tanh_1e6") { Threaded.tanh($0, $1, count: $2) },
    unaryRow("sigmoid_1e6") { Threaded.sigmoid($0, $1, count: $2) },
    unaryRow("gelu_1e6") { Threaded.gelu($0, $1, count: $2) },
    unaryRow("sin_1e6") { Threaded.sin($0, $1, count: $2) },
    unaryRow("cos_1e6") { Threaded.cos($0, $1, count: $2) },
    unaryRow("erf_1e6") { Threaded.erf($0, $1, count: $2) },
    unaryRow("exp_1e6_1thread") { Fast.exp($0, $1, count: $2) },
    // Diagnostics: one thread each, and a plain copy (−x) for the memory traffic alone.
    unaryRow("tanh_1e6_1thread") { Fast.tanh($0, $1, count: $2) },
    unaryRow("sigmoid_1e6_1thread") { Fast.sigmoid($0, $1, count: $2) },
    unaryRow("gelu_1e6_1thread") { Fast.gelu($0, $1, count: $2) },
    unaryRow("sin_1e6_1thread") { Fast.sin($0, $1, count: $2) },
    unaryRow("erf_1e6_1thread") { Fast.erf($0, $1, count: $2) },
    unaryRow("neg_1e6_1thread") { Fast.neg($0, $1, count: $2) },
    softmaxRow(),
    layerNormRow(),
    adamRow(),
    gemmShapeRow("gemm_l1_144x64x256", m: 144, n: 64, k: 256),
    gemmShapeRow("gemm_1thread_96", m: 96, n: 96, k: 96),
    gemmShapeRow("gemm_1thread_128", m: 128, n: 128, k: 128),
] + gemmPathRows() + [
    gemmShapeRow("gemm_1thread_512", m: 512, n: 512, k: 512),
    gemmShapeRow("gemm_1thread_1020", m: 1020, n: 1020, k: 1020),
] }

/// Diagnostics: the same product through each of `Fast.gemm`'s two paths (packed panels, or
/// A and B read in place), to choose `Fast.prefersUnpacked`'s limits by interleaved timing,
/// e.g. `glassbox-bench --interleave gemm_96_packed gemm_96_unpacked`.
func gemmPathRows() -> [(name: String, run: () -> Measurement)] {
    // (name, m, n, k, transA): squares, the MLP's dW1 = xᵀ·dh and the LSTM's recurrent product.
    let shapes = [("64", 64, 64, 64, false), ("96", 96, 96, 96, false), ("128", 128, 128, 128, false),
                  ("192", 192, 192, 192, false), ("256", 256, 256, 256, false),
                  ("mlp_dw1", 784, 128, 64, true), ("lstm_h", 32, 512, 128, false),
                  ("mlp_fwd", 64, 128, 784, false), ("m32_k512", 32, 512, 512, false),
                  ("m64_n1024", 64, 1024, 256, false), ("m128_n512", 128, 512, 128, false)]
    return shapes.flatMap { name, m, n, k, transA in
        [false, true].map { unpacked in
            ("gemm_\(name)_\(unpacked ? "unpacked" : "packed")", {
                let a = Buffer(randomArray(m * k, seed: 1)), b = Buffer(randomArray(k * n, seed: 2))
                let c = Buffer(m * n)
                let lda = transA ? m : k
                return measure("gemm_\(name)_\(unpacked ? "unpacked" : "packed")", flops: 2 * Double(m * n * k)) {
                    if unpacked {
                        Fast.gemmUnpacked(transA: transA, m: m, n: n, k: k, a: a.p, lda: lda,
                                          b: b.p, ldb: n, c: c.p, ldc: n, accumulate: false)
                    } else {
                        Fast.gemmPacked(transA: transA, transB: false, m: m, n: n, k: k, a: a.p, lda: lda,
                                        b: b.p, ldb: n, c: c.p, ldc: n, accumulate: false)
                    }
                }
            })
        }
    }
}

/// Diagnostics (not in the issue's table): rectangular single-threaded products.
func gemmShapeRow(_ name: String, m: Int, n: Int, k: Int) -> (String, () -> Measurement) {
    (name, {
        let a = Buffer(randomArray(m * k, seed: 1)), b = Buffer(randomArray(k * n, seed: 2)), c = Buffer(m * n)
        let flops = 2 * Double(m) * Double(n) * Double(k)
        return measure(name, flops: flops) {
            Fast.gemm(transA: false, transB: false, m: m, n: n, k: k,
                      a: a.p, lda: k, b: b.p, ldb: n, c: c.p, ldc: n, accumulate: false)
        }
    })
}

// MARK: - Elementwise, row and optimizer rows

/// y = f(x) over 10⁶ floats uniform in [−10, 10) (log: |x|), on all cores.
func unaryRow(
    _ name: String, abs: Bool = false,
    _ f: @escaping (UnsafeMutablePointer<Float>, UnsafePointer<Float>, Int) -> Void
) -> (String, () -> Measurement) {
    (name, {
        var values = randomArray(1_000_000, seed: 3, -10, 10)
        if abs { values = values.map { Swift.abs($0) } }
        let x = Buffer(values), y = Buffer(values.count)
        return measure(name) { f(y.p, x.p, 1_000_000) }
    })
}

func softmaxRow() -> (String, () -> Measurement) {
    ("softmax_512x512", {
        let x = Buffer(randomArray(512 * 512, seed: 4, -5, 5)), y = Buffer(512 * 512)
        return measure("softmax_512x512") { Threaded.softmaxRows(y.p, x.p, rows: 512, cols: 512) }
    })
}

func layerNormRow() -> (String, () -> Measurement) {
    ("layernorm_4096x256", {
        let rows = 4096, cols = 256
        let x = randomArray(rows * cols, seed: 5), g = randomArray(cols, seed: 6), b = randomArray(cols, seed: 7)
        var y = [Float](repeating: 0, count: x.count), mean = [Float](repeating: 0, count: rows), rstd = mean
        return measure("layernorm_4096x256") {
            Threaded.layerNormForward(y: &y, mean: &mean, rstd: &rstd, x: x, gamma: g, beta: b,
                                      rows: rows, cols: cols, eps: 1e-5, variance: nil, normalized: nil)
        }
    })
}

func adamRow() -> (String, () -> Measurement) {
    ("adam_1e6", {
        let n = 1_000_000
        var p = randomArray(n, seed: 8)
        let g = randomArray(n, seed: 9)
        var m = [Float](repeating: 0, count: n), v = m
        var t = 0
        return measure("adam_1e6") {
            t += 1
            Threaded.adamStep(param: &p, m: &m, v: &v, grad: g, count: n, lr: 1e-3, beta1: 0.9, beta2: 0.999,
                              eps: 1e-8, t: t, mHat: nil, vHat: nil, update: nil)
        }
    })
}
