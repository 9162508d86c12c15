/// Loss functions.
extension OpSpec {
    /// Fused: its steps are `probs` and `losses` (the walkthrough's cross-entropy steps).
    static let crossEntropy = OpSpec(
        .crossEntropy, .layer,
        derivative: .rule { o in
            DerivativeRule(local: "∂\(o.out)/∂logits = (softmax(logits) − onehot(labels))/B",
                           gradients: ["\(o.g.text)·(softmax(\(o.a(0).text)) − onehot(\(o.a(1).text)))/B", nil])
        }, intermediates: ["probs", "losses"])
}

extension Ops {

    /// Mean squared error: mean((pred − target)²) over all elements (PyTorch `F.mse_loss`).
    /// The shapes must be equal (broadcasting (N, 1) against (N) would silently give N×N).
    /// Composed from sub, mul and mean, so its backward is theirs.
    public static func mse(_ pred: Tensor, _ target: Tensor) throws -> Tensor {
        guard pred.shape == target.shape else {
            throw TensorError.shapeMismatch(op: "mse", pred.shape, target.shape, detail: "pred and target must have the same shape")
        }
        let d = try sub(pred, target)
        return try mean(mul(d, d))
    }

    /// Cross-entropy of logits against class labels, averaged over the batch (PyTorch
    /// `F.cross_entropy`): loss = (1/B) Σ_b [logsumexp(logits[b]) − logits[b, label_b]].
    /// - Parameters: logits (B×C), labels (B) holding class indices 0..<C as floats; or logits (C)
    ///   with a one-element label. Backward: dlogits = (softmax(logits) − onehot(labels)) / B.
    /// Trace intermediates: `probs` (softmax of the logits), `losses` (per example).
    public static func crossEntropy(_ logits: Tensor, _ labels: Tensor) throws -> Tensor {
        let name = Op.crossEntropy.name
        guard logits.rank == 1 || logits.rank == 2 else {
            throw TensorError.invalidArgument(op: name, message: "logits must be (C) or (B, C), got shape \(TensorError.format(logits.shape))")
        }
        let rows = logits.rank == 2 ? logits.shape[0] : 1, cols = logits.shape[logits.rank - 1]
        let labelsOK = logits.rank == 2 ? labels.shape == [rows] : labels.count == 1
        guard labelsOK else {
            throw TensorError.shapeMismatch(op: name, logits.shape, labels.shape, detail: "labels must hold one class index per row of logits")
        }
        guard rows > 0, cols > 0 else { throw TensorError.invalidArgument(op: name, message: "logits are empty") }
        var classes = [Int](repeating: 0, count: rows)
        for (r, value) in labels.toArray().enumerated() {
            guard value == value.rounded(), value >= 0, value < Float(cols) else {
                throw TensorError.invalidArgument(op: name, message: "label \(value) is not a class index in 0...\(cols - 1)")
            }
            classes[r] = Int(value)
        }
        let savedClasses = classes
        let x = try logits.contiguous(op: name)
        let probs = try Tensor.uninitialized(logits.shape, op: name)
        let losses = try Tensor.uninitialized([rows], op: name)
        savedClasses.withUnsafeBufferPointer { c in
            if let p = c.baseAddress {
                Kernels.crossEntropyForward(losses: losses.pointer, probs: probs.pointer, logits: x.pointer, labels: p, rows: rows, cols: cols)
            }
        }
        let y = try Tensor.uninitialized(Shape.scalar, op: name)
        Kernels.meanAxis(y.pointer, losses.pointer, outer: 1, n: rows, inner: 1)
        if Tensor.recording(logits) {
            y.record(.crossEntropy, [logits, labels]) { g in
                let dl = try Tensor.filled([rows], (g.scalarValue ?? 0) / Float(rows), op: name)
                let dx = try Tensor.uninitialized(logits.shape, op: name)
                savedClasses.withUnsafeBufferPointer { c in
                    if let p = c.baseAddress {
                        Kernels.crossEntropyBackward(dlogits: dx.pointer, dlosses: dl.pointer, probs: probs.pointer, labels: p, rows: rows, cols: cols)
                    }
                }
                return [dx, nil]
            }
        }
        if let listener = Trace.listener {
            listener.opDidRun(OpEvent(op: .crossEntropy, inputs: [logits, labels], outputs: [y],
                                      intermediates: zip(OpSpec.crossEntropy.intermediates, [probs, losses]).map { ($0, $1) }))
        }
        return y
    }
}
