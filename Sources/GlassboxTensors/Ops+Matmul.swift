/// Matrix multiplication with NumPy `matmul` semantics.

extension OpSpec {
    static let matmul = OpSpec(
        .matmul, .math, formula: { .infix($0.a(0), "·", $0.a(1), .product, associative: true) },
        derivative: .rule { o in
            let a = o.a(0), b = o.a(1)
            return DerivativeRule(
                local: "\(o.out) = \(a.operand(of: .product))·\(b.operand(of: .product)): "
                    + "\(o.d(0)) = \(Formula.transposed(b).text) on the right, \(o.d(1)) = \(Formula.transposed(a).text) on the left",
                gradients: [Formula.infix(o.g, "·", .transposed(b), .product, associative: true).text,
                            Formula.infix(.transposed(a), "·", o.g, .product, associative: true).text])
        })
}

extension Ops {
    /// a @ b: for matrices C = A·B, Cᵢⱼ = Σₚ Aᵢₚ·Bₚⱼ, with A (m×k), B (k×n), C (m×n).
    ///
    /// NumPy semantics: a 1-D `a` is a row vector (k) → (1×k) and its axis is dropped from the
    /// result; a 1-D `b` is a column (k) → (k×1), likewise dropped; with more than two axes the
    /// leading axes are batch axes and broadcast. Scalars are refused (use `*`).
    /// Backward: ∂L/∂A = G·Bᵀ, ∂L/∂B = Aᵀ·G, summed over broadcast batch axes.
    public static func matmul(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        let name = Op.matmul.name
        guard a.rank >= 1, b.rank >= 1 else {
            throw TensorError.invalidArgument(op: name, message: "operands must have at least one axis (use * to scale by a number)")
        }
        let av = vectorAsMatrix(a, isLeft: true), bv = vectorAsMatrix(b, isLeft: false)
        let m = av.shape[av.shape.count - 2], k = av.shape[av.shape.count - 1]
        let k2 = bv.shape[bv.shape.count - 2], n = bv.shape[bv.shape.count - 1]
        guard k == k2 else {
            throw TensorError.shapeMismatch(op: name, a.shape, b.shape, detail: "inner dimensions \(k) and \(k2) differ")
        }
        let aBatch = Array(av.shape.dropLast(2)), bBatch = Array(bv.shape.dropLast(2))
        let batch = try Shape.broadcast(aBatch, bBatch, op: name)
        var outShape = batch + [m, n]
        let y = try Tensor.uninitialized(outShape, op: name)
        try batchedGemm(y, av, bv, batch: batch, m: m, n: n, k: k)

        // Drop the axes that NumPy added for 1-D operands.
        if a.rank == 1 { outShape.remove(at: outShape.count - 2) }
        if b.rank == 1 { outShape.removeLast() }
        let result = outShape.count == y.rank ? y
            : Tensor(storage: y.storage, shape: outShape, strides: Shape.contiguousStrides(outShape), offset: 0, isContiguous: true)

        if Tensor.recording(a, b) {
            let virtualOut = batch + [m, n]
            result.record(.matmul, [a, b]) { g in
                let gv = try reshape(g, virtualOut)
                let aM = a.rank == 1 ? try reshape(a, [1, k]) : a    // the operands as matrices
                let bM = b.rank == 1 ? try reshape(b, [k, 1]) : b
                var da: Tensor? = nil, db: Tensor? = nil
                if a.requiresGrad {   // G·Bᵀ, summed over batch axes that were broadcast
                    let full = try matmul(gv, swapAxes(bM, -1, -2))
                    da = try reshape(sumTo(full, av.shape, op: name), a.shape)
                }
                if b.requiresGrad && bBatch.isEmpty && !batch.isEmpty {
                    // B shared by every batch (x @ W): Σ_batch Aᵀ·G is one product of the
                    // stacked matrices, (batch·m × k)ᵀ·(batch·m × n), with no batch of partial
                    // results to sum afterwards.
                    let full = try matmul(swapAxes(reshape(aM, [-1, k]), 0, 1), reshape(gv, [-1, n]))
                    db = try reshape(full, b.shape)
                } else if b.requiresGrad {   // Aᵀ·G
                    let full = try matmul(swapAxes(aM, -1, -2), gv)
                    db = try reshape(sumTo(full, bv.shape, op: name), b.shape)
                }
                return [da, db]
            }
        }
        if let listener = Trace.listener { listener.opDidRun(OpEvent(op: .matmul, inputs: [a, b], outputs: [result])) }
        return result
    }

    /// The (shape, strides) of a 1-D operand seen as a matrix: (1×k) on the left, (k×1) on the right.
    static func vectorAsMatrix(_ t: Tensor, isLeft: Bool) -> (shape: [Int], strides: [Int], tensor: Tensor) {
        if t.rank >= 2 { return (t.shape, t.strides, t) }
        let k = t.shape[0], s = t.strides[0]
        return isLeft ? ([1, k], [k * s, s], t) : ([k, 1], [s, 1], t)
    }

    /// C[batch] = A[batch]·B[batch] for every index of the broadcast `batch` shape, one gemm each.
    static func batchedGemm(_ c: Tensor, _ av: (shape: [Int], strides: [Int], tensor: Tensor),
                            _ bv: (shape: [Int], strides: [Int], tensor: Tensor),
                            batch: [Int], m: Int, n: Int, k: Int) throws {
        if m == 0 || n == 0 { return }
        if k == 0 { Kernels.fill(c.pointer, 0, count: c.count); return }
        let a = try GemmOperand(av, rows: m, cols: k), b = try GemmOperand(bv, rows: k, cols: n)
        let aStrides = Shape.broadcastStrides(Array(a.shape.dropLast(2)), Array(a.strides.dropLast(2)), to: batch)
        let bStrides = Shape.broadcastStrides(Array(b.shape.dropLast(2)), Array(b.strides.dropLast(2)), to: batch)
        var batchCount = 1
        for d in batch { batchCount *= d }
        if batchCount > 1, !a.trans, bStrides.allSatisfy({ $0 == 0 }),
           isStack(aStrides, batch, blockStride: m * a.ld) {
            // B shared by every batch and A's matrices one after another with one row stride:
            // a single (batch·m)×k by k×n product, as PyTorch folds x @ W. One large product
            // uses the cores where a batch of small ones would each run on one.
            Kernels.gemm(transA: false, transB: b.trans, m: batchCount * m, n: n, k: k,
                         a: a.base, lda: a.ld, b: b.base, ldb: b.ld, c: c.pointer, ldc: n, accumulate: false)
            withExtendedLifetime(a) {}
            withExtendedLifetime(b) {}
            if Interrupt.isRequested { throw TensorError.interrupted(op: "matmul") }
            return
        }
        for index in 0..<batchCount {
            var rest = index, aOffset = 0, bOffset = 0
            for d in stride(from: batch.count - 1, through: 0, by: -1) {
                let i = rest % batch[d]
                rest /= batch[d]
                aOffset += i * aStrides[d]
                bOffset += i * bStrides[d]
            }
            Kernels.gemm(transA: a.trans, transB: b.trans, m: m, n: n, k: k,
                         a: a.base + aOffset, lda: a.ld, b: b.base + bOffset, ldb: b.ld,
                         c: c.pointer + index * m * n, ldc: n, accumulate: false)
            if Interrupt.isRequested { throw TensorError.interrupted(op: "matmul") }
        }
        withExtendedLifetime(a) {}
        withExtendedLifetime(b) {}
    }
}

extension Ops {
    /// Whether batch strides `strides` (over `batch`) place the matrices one after another,
    /// `blockStride` floats apart, in row-major batch order (axes of size 1 are ignored).
    static func isStack(_ strides: [Int], _ batch: [Int], blockStride: Int) -> Bool {
        var expected = blockStride
        for d in stride(from: batch.count - 1, through: 0, by: -1) where batch[d] != 1 {
            if strides[d] != expected { return false }
            expected *= batch[d]
        }
        return true
    }
}

/// One operand of a gemm: its matrices must be row-major (stride 1 along columns) or column-major
/// (a transposed view: stride 1 along rows); anything else is first copied contiguous.
struct GemmOperand {
    let shape: [Int], strides: [Int]
    let trans: Bool, ld: Int
    let keepAlive: Tensor
    var base: UnsafeMutablePointer<Float> { keepAlive.pointer }

    init(_ v: (shape: [Int], strides: [Int], tensor: Tensor), rows: Int, cols: Int) throws {
        let r = v.shape.count
        let sRow = v.strides[r - 2], sCol = v.strides[r - 1]
        if (sCol == 1 || cols == 1) && (rows == 1 || sRow >= cols) {
            (shape, strides, trans, ld, keepAlive) = (v.shape, v.strides, false, rows == 1 ? cols : sRow, v.tensor)
        } else if (sRow == 1 || rows == 1) && (cols == 1 || sCol >= rows) {
            (shape, strides, trans, ld, keepAlive) = (v.shape, v.strides, true, cols == 1 ? rows : sCol, v.tensor)
        } else {
            // Copy the operand (viewed with its matrix shape) into contiguous memory.
            let copy = try Tensor.uninitialized(v.shape, op: "matmul")
            Kernels.copyStrided(copy.pointer, yStrides: copy.strides, v.tensor.pointer, xStrides: v.strides, shape: v.shape)
            (shape, strides, trans, ld, keepAlive) = (copy.shape, copy.strides, false, cols, copy)
        }
    }
}
