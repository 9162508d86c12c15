import GlassboxKernelsFast

/// Public entry points for elementwise, strided and reduction kernels.
///
/// Each forwards to the reference loop of the same name (see `Reference` for formulas and shapes)
/// or, where an optimized loop exists and `Kernels.useFast`, to it (through `Threaded`, which
/// spreads large work over the cores).
extension Kernels {

    // MARK: - Elementwise

    /// y = f(x) elementwise (`Reference.unary`). y may alias x.
    @inline(__always)
    public static func unary(_ op: UnaryOp, _ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int) {
        if useFast {
            Threaded.unary(op, y, x, count: count)
        } else {
            Reference.unary(op, y, x, count: count)
        }
    }

    /// dx = dy · f′(x) elementwise (`Reference.unaryBackward`).
    public static func unaryBackward(_ op: UnaryOp, dx: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>,
                                     x: UnsafePointer<Float>, y: UnsafePointer<Float>, count: Int) {
        if useFast {
            Threaded.unaryBackward(op, dx: dx, dy: dy, x: x, y: y, count: count)
        } else {
            Reference.unaryBackward(op, dx: dx, dy: dy, x: x, y: y, count: count)
        }
    }

    /// y = a ∘ b, same shape (`Reference.binary`).
    @inline(__always)
    public static func binary(_ op: BinaryOp, _ y: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>,
                              _ b: UnsafePointer<Float>, count: Int) {
        // Tiny tensors stay on the plain loop: for an op on a few floats, dispatch would cost
        // more than the arithmetic.
        if count >= Threaded.binaryFastMinimum, useFast, let arithmetic = Threaded.arithmetic(op) {
            Threaded.binary(arithmetic, y, a, b, count: count)
        } else {
            Reference.binary(op, y, a, b, count: count)
        }
    }

    /// y = a ∘ s or s ∘ a (`Reference.binaryScalar`).
    @inline(__always)
    public static func binaryScalar(_ op: BinaryOp, _ y: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>,
                                    _ s: Float, scalarOnLeft: Bool, count: Int) {
        Reference.binaryScalar(op, y, a, s, scalarOnLeft: scalarOnLeft, count: count)
    }

    /// y[r, c] = a[r, c] ∘ b[c] (`Reference.binaryRow`).
    public static func binaryRow(_ op: BinaryOp, _ y: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>,
                                 _ b: UnsafePointer<Float>, rowOnLeft: Bool, rows: Int, cols: Int) {
        if useFast, let arithmetic = Threaded.arithmetic(op) {
            Threaded.binaryRow(arithmetic, y, a, b, rowOnLeft: rowOnLeft, rows: rows, cols: cols)
        } else {
            Reference.binaryRow(op, y, a, b, rowOnLeft: rowOnLeft, rows: rows, cols: cols)
        }
    }

    /// y = a ∘ b through strides, general broadcasting (`Reference.binaryStrided`).
    public static func binaryStrided(_ op: BinaryOp, _ y: UnsafeMutablePointer<Float>,
                                     _ a: UnsafePointer<Float>, aStrides: [Int],
                                     _ b: UnsafePointer<Float>, bStrides: [Int], shape: [Int]) {
        Reference.binaryStrided(op, y, a, aStrides: aStrides, b, bStrides: bStrides, shape: shape)
    }

    /// y = where(c ≠ 0, a, b) through strides (`Reference.selectStrided`).
    public static func selectStrided(_ y: UnsafeMutablePointer<Float>,
                                     _ c: UnsafePointer<Float>, cStrides: [Int],
                                     _ a: UnsafePointer<Float>, aStrides: [Int],
                                     _ b: UnsafePointer<Float>, bStrides: [Int], shape: [Int]) {
        Reference.selectStrided(y, c, cStrides: cStrides, a, aStrides: aStrides, b, bStrides: bStrides, shape: shape)
    }

    // MARK: - Copies

    /// y[i] = value (`Reference.fill`); on the fast path, large fills (the gradient of a `sum`
    /// spread over its input) in chunks on all cores.
    public static func fill(_ y: UnsafeMutablePointer<Float>, _ value: Float, count: Int) {
        guard useFast else { return Reference.fill(y, value, count: count) }
        Threaded.splitRange(count, threshold: Threaded.elementwiseParallelThreshold * 2, grain: Threaded.elementwiseGrain * 2) { s, n in
            Reference.fill(y + s, value, count: n)
        }
    }

    /// y[idx] = x[idx] between views (`Reference.copyStrided`).
    public static func copyStrided(_ y: UnsafeMutablePointer<Float>, yStrides: [Int],
                                   _ x: UnsafePointer<Float>, xStrides: [Int], shape: [Int]) {
        Reference.copyStrided(y, yStrides: yStrides, x, xStrides: xStrides, shape: shape)
    }

    /// y[idx] += x[idx] between views (`Reference.addStrided`).
    public static func addStrided(_ y: UnsafeMutablePointer<Float>, yStrides: [Int],
                                  _ x: UnsafePointer<Float>, xStrides: [Int], shape: [Int]) {
        Reference.addStrided(y, yStrides: yStrides, x, xStrides: xStrides, shape: shape)
    }

    // MARK: - Reductions

    /// y[o, i] = Σⱼ x[o, j, i] (`Reference.sumAxis`).
    /// On the fast path `Fast.sumAxis`: the reference's order for column sums; 32 partial sums
    /// for a whole row (inner = 1).
    public static func sumAxis(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, outer: Int, n: Int, inner: Int) {
        if useFast {
            Fast.sumAxis(y, x, outer: outer, n: n, inner: inner)
        } else {
            Reference.sumAxis(y, x, outer: outer, n: n, inner: inner)
        }
    }

    /// y[o, i] = mean over j (`Reference.meanAxis`): the sum (`sumAxis`) times 1/n.
    public static func meanAxis(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, outer: Int, n: Int, inner: Int) {
        if useFast {
            Fast.sumAxis(y, x, outer: outer, n: n, inner: inner)
            let scale = 1 / Float(n)
            for k in 0..<(outer * inner) { y[k] *= scale }
        } else {
            Reference.meanAxis(y, x, outer: outer, n: n, inner: inner)
        }
    }

    /// Population variance over j, with the mean written too (`Reference.varianceAxis`).
    public static func varianceAxis(_ y: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>,
                                    _ x: UnsafePointer<Float>, outer: Int, n: Int, inner: Int) {
        Reference.varianceAxis(y, mean: mean, x, outer: outer, n: n, inner: inner)
    }

    /// Max or min over j and the first index attaining it (`Reference.extremumAxis`).
    public static func extremumAxis(_ y: UnsafeMutablePointer<Float>?, index: UnsafeMutablePointer<Int>?,
                                    _ x: UnsafePointer<Float>, isMin: Bool, outer: Int, n: Int, inner: Int) {
        Reference.extremumAxis(y, index: index, x, isMin: isMin, outer: outer, n: n, inner: inner)
    }

    // MARK: - Softmax family

    /// Row softmax (`Reference.softmaxRows`).
    public static func softmaxRows(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, rows: Int, cols: Int) {
        if useFast {
            Threaded.softmaxRows(y, x, rows: rows, cols: cols)
        } else {
            Reference.softmaxRows(y, x, rows: rows, cols: cols)
        }
    }

    /// dx = y ⊙ (dy − Σ dy⊙y) (`Reference.softmaxRowsBackward`).
    public static func softmaxRowsBackward(dx: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>,
                                           y: UnsafePointer<Float>, rows: Int, cols: Int) {
        Reference.softmaxRowsBackward(dx: dx, dy: dy, y: y, rows: rows, cols: cols)
    }

    /// Row log-softmax (`Reference.logSoftmaxRows`).
    public static func logSoftmaxRows(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, rows: Int, cols: Int) {
        if useFast {
            Threaded.logSoftmaxRows(y, x, rows: rows, cols: cols)
        } else {
            Reference.logSoftmaxRows(y, x, rows: rows, cols: cols)
        }
    }

    /// dx = dy − softmax ⊙ Σ dy (`Reference.logSoftmaxRowsBackward`).
    public static func logSoftmaxRowsBackward(dx: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>,
                                              y: UnsafePointer<Float>, rows: Int, cols: Int) {
        Reference.logSoftmaxRowsBackward(dx: dx, dy: dy, y: y, rows: rows, cols: cols)
    }

    /// Row logsumexp (`Reference.logSumExpRows`).
    public static func logSumExpRows(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, rows: Int, cols: Int) {
        Reference.logSumExpRows(y, x, rows: rows, cols: cols)
    }

    /// dx = dy · softmax(x) (`Reference.logSumExpRowsBackward`).
    public static func logSumExpRowsBackward(dx: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>,
                                             x: UnsafePointer<Float>, y: UnsafePointer<Float>, rows: Int, cols: Int) {
        Reference.logSumExpRowsBackward(dx: dx, dy: dy, x: x, y: y, rows: rows, cols: cols)
    }
}

// MARK: - Matmul

extension Kernels {
    /// C (m×n) = op(A)·op(B) [+ C if accumulate] (`Reference.gemm`; formula and layout there).
    /// Polls `Interrupt.isRequested` and may return early with C partly written.
    public static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                            a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                            c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        if useFast {
            Threaded.gemm(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb,
                          c: c, ldc: ldc, accumulate: accumulate)
        } else {
            Reference.gemm(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb,
                           c: c, ldc: ldc, accumulate: accumulate)
        }
    }
}

// MARK: - Index helpers

extension Kernels {
    /// dx[o, index[o,i], i] = dy[o, i], zero elsewhere (`Reference.scatterAxis`).
    public static func scatterAxis(dx: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>,
                                   index: UnsafePointer<Int>, outer: Int, n: Int, inner: Int) {
        Reference.scatterAxis(dx: dx, dy: dy, index: index, outer: outer, n: n, inner: inner)
    }

    /// y[i] = Float(x[i]) (`Reference.indicesToFloat`).
    public static func indicesToFloat(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Int>, count: Int) {
        Reference.indicesToFloat(y, x, count: count)
    }
}

// MARK: - Sequences

extension Kernels {
    /// y[i] = start + i·step (`Reference.arange`).
    public static func arange(_ y: UnsafeMutablePointer<Float>, start: Double, step: Double, count: Int) {
        Reference.arange(y, start: start, step: step, count: count)
    }

    /// Evenly spaced from start to stop inclusive (`Reference.linspace`).
    public static func linspace(_ y: UnsafeMutablePointer<Float>, start: Double, stop: Double, count: Int) {
        Reference.linspace(y, start: start, stop: stop, count: count)
    }

    /// y[i, i] = value (`Reference.fillDiagonal`).
    public static func fillDiagonal(_ y: UnsafeMutablePointer<Float>, _ value: Float, rows: Int, cols: Int) {
        Reference.fillDiagonal(y, value, rows: rows, cols: cols)
    }
}
