/// Scaled dot-product attention (Vaswani et al. 2017) and the causal mask.

extension OpSpec {
    /// Fused: its steps are its intermediates (`masked_scores` only with a mask).
    static let attention = OpSpec(
        .attention, .layer,
        derivative: .rule { o in
            DerivativeRule(
                local: "P = softmax(S), S = Q·Kᵀ/√d_k (+ M), O = P·V; ∂P = \(o.g.text)·Vᵀ; ∂S = P ⊙ (∂P − Σⱼ (∂P ⊙ P)ⱼ)",
                gradients: ["∂S·K/√d_k", "∂Sᵀ·Q/√d_k", "Pᵀ·\(o.g.text)", nil])
        }, intermediates: ["scores", "scaled_scores", "masked_scores", "weights", "output"])
}

extension Ops {

    /// attention(Q, K, V, mask) = softmax(Q·Kᵀ/√d_k + M)·V over the last two axes.
    ///
    /// - Parameters: Q (…, tq, d), K (…, tk, d), V (…, tk, dv) with the same leading (batch/head)
    ///   axes; mask M broadcastable to (tq, tk), entries 0 (keep) or −∞ (hide), shared by every
    ///   head; nil for none. Result (…, tq, dv). Fused: one forward kernel, one backward kernel.
    ///   The mask receives no gradient.
    /// Trace intermediates: `scores` = Q·Kᵀ, `scaled_scores` = scores/√d_k, `masked_scores`
    /// (only with a mask), `weights` = the softmax, `output`.
    public static func attention(_ q: Tensor, _ k: Tensor, _ v: Tensor, mask: Tensor? = nil) throws -> Tensor {
        let name = Op.attention.name
        guard q.rank >= 2, k.rank == q.rank, v.rank == q.rank else {
            throw TensorError.invalidArgument(op: name, message: "Q, K and V must have the same rank ≥ 2, got shapes "
                + "\(TensorError.format(q.shape)), \(TensorError.format(k.shape)) and \(TensorError.format(v.shape))")
        }
        let r = q.rank
        let tq = q.shape[r - 2], d = q.shape[r - 1], tk = k.shape[r - 2], dv = v.shape[r - 1]
        let lead = Array(q.shape.dropLast(2))
        guard Array(k.shape.dropLast(2)) == lead, k.shape[r - 1] == d else {
            throw TensorError.shapeMismatch(op: name, q.shape, k.shape, detail: "K must be (…, tk, d) with Q's leading axes and d")
        }
        guard Array(v.shape.dropLast(2)) == lead, v.shape[r - 2] == tk else {
            throw TensorError.shapeMismatch(op: name, k.shape, v.shape, detail: "V must be (…, tk, dv) with as many rows as K")
        }
        var maskRows: Tensor? = nil
        if let mask {
            guard mask.rank <= 2 || mask.shape.dropLast(2).allSatisfy({ $0 == 1 }),
                  (try? Shape.broadcast(Array(mask.shape.suffix(2)), [tq, tk], op: name)) == [tq, tk] else {
                throw TensorError.shapeMismatch(op: name, mask.shape, [tq, tk], detail: "mask must broadcast to (tq, tk)")
            }
            let m2 = mask.rank > 2 ? try reshapeView(mask, Array(mask.shape.suffix(2))) : mask
            maskRows = try expand(m2, [tq, tk], op: name).contiguous(op: name)
        }
        let batch = lead.reduce(1, *)
        let qc = try q.contiguous(op: name), kc = try k.contiguous(op: name), vc = try v.contiguous(op: name)
        let out = try Tensor.uninitialized(lead + [tq, dv], op: name)
        let weights = try Tensor.uninitialized(lead + [tq, tk], op: name)
        let scale = 1 / Float(d).squareRoot()

        // The walkthrough's intermediates are written by the kernel only when someone listens.
        let listener = Trace.listener
        let scores = listener == nil ? nil : try Tensor.uninitialized(lead + [tq, tk], op: name)
        let scaled = listener == nil ? nil : try Tensor.uninitialized(lead + [tq, tk], op: name)
        let masked = listener == nil || maskRows == nil ? nil : try Tensor.uninitialized(lead + [tq, tk], op: name)
        Kernels.attentionForward(out: out.pointer, weights: weights.pointer, q: qc.pointer, k: kc.pointer, v: vc.pointer,
                                 mask: maskRows.map { UnsafePointer($0.pointer) }, batch: batch, tq: tq, tk: tk, d: d, dv: dv,
                                 scale: scale, scores: scores?.pointer, scaledScores: scaled?.pointer, maskedScores: masked?.pointer)
        if Interrupt.isRequested { throw TensorError.interrupted(op: name) }

        let inputs = mask.map { [q, k, v, $0] } ?? [q, k, v]
        if Tensor.recording(inputs) {
            out.record(.attention, inputs) { g in
                let gc = try g.contiguous(op: name)
                let dq = try Tensor.uninitialized(q.shape, op: name), dk = try Tensor.uninitialized(k.shape, op: name)
                let dvT = try Tensor.uninitialized(v.shape, op: name)
                Kernels.attentionBackward(dq: dq.pointer, dk: dk.pointer, dv: dvT.pointer, dOut: gc.pointer, q: qc.pointer,
                                          k: kc.pointer, v: vc.pointer, weights: weights.pointer, batch: batch, tq: tq,
                                          tk: tk, d: d, dv: dv, scale: scale)
                if Interrupt.isRequested { throw TensorError.interrupted(op: name) }
                return [dq, dk, dvT, nil]
            }
        }
        if let listener, let scores, let scaled {
            var steps: [(name: String, value: Tensor)] = [("scores", scores), ("scaled_scores", scaled)]
            if let masked { steps.append(("masked_scores", masked)) }
            steps += [("weights", weights), ("output", out)]
            listener.opDidRun(OpEvent(op: .attention, inputs: inputs, outputs: [out], intermediates: steps,
                                      attributes: [("scale", "1/√\(d)")]))
        }
        return out
    }

    /// The n×n causal mask: 0 on and below the diagonal, −∞ above (position i sees 0…i).
    public static func causalMask(_ n: Int) throws -> Tensor {
        let y = try Tensor.uninitialized([n, n], op: "causal_mask")
        Kernels.causalMask(y.pointer, n: n)
        report(.causalMask, y)
        return y
    }

    /// The tq×tk causal mask of the last tq positions over tk keys (tk ≥ tq, the earlier keys
    /// from a key/value cache): query i is position tk − tq + i and sees keys 0 … tk − tq + i.
    public static func causalMask(_ tq: Int, _ tk: Int) throws -> Tensor {
        guard tk >= tq, tq >= 0 else {
            throw TensorError.invalidArgument(op: "causal_mask", message: "the keys (\(tk)) must be at least as many as the queries (\(tq))")
        }
        let y = try Tensor.uninitialized([tq, tk], op: "causal_mask")
        Kernels.causalMask(y.pointer, rows: tq, cols: tk)
        report(.causalMask, y)
        return y
    }

    /// A view with a new shape of the same count (no record; internal).
    static func reshapeView(_ x: Tensor, _ shape: [Int]) throws -> Tensor {
        let xc = try x.contiguous(op: "reshape")
        return Tensor(storage: xc.storage, shape: shape, strides: Shape.contiguousStrides(shape), offset: xc.offset, isContiguous: true)
    }
}
