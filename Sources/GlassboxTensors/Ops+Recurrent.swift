/// Layers: linear, and the RNN and LSTM cells in PyTorch's documented layout
/// (torch.nn.Linear, torch.nn.RNNCell with tanh, torch.nn.LSTMCell).
extension OpSpec {
    /// Fused: its steps are `preact` and `h_t`.
    static let rnnCell = OpSpec(
        .rnnCell, .layer,
        derivative: .rule { o in
            DerivativeRule(
                local: "h′ = tanh(p), p = x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh, so ∂p = \(o.g.text) ⊙ (1 − h′²)",
                gradients: ["∂p·W_ih", "∂p·W_hh", "∂pᵀ·x", "∂pᵀ·h", "Σ_batch ∂p", "Σ_batch ∂p"])
        }, intermediates: ["preact", "h_t"])

    /// Fused (PyTorch's gate layout i, f, g, o): its steps are the gates and the new states.
    static let lstmCell = OpSpec(
        .lstmCell, .layer,
        derivative: .rule { o in
            let dh = o.upstream.first ?? "∂L/∂h′", dc = o.upstream.count > 1 ? o.upstream[1] : "∂L/∂c′"
            return DerivativeRule(
                local: "∂c = \(dc) + \(dh) ⊙ o ⊙ (1 − tanh²c′); ∂o = \(dh) ⊙ tanh c′ ⊙ o(1 − o); "
                    + "∂i = ∂c ⊙ g ⊙ i(1 − i); ∂f = ∂c ⊙ c_{t−1} ⊙ f(1 − f); ∂g = ∂c ⊙ i ⊙ (1 − g²); ∂p = [∂i, ∂f, ∂g, ∂o]",
                gradients: ["∂p·W_ih", "∂p·W_hh", "∂c ⊙ f", "∂pᵀ·x", "∂pᵀ·h", "Σ_batch ∂p", "Σ_batch ∂p"])
        }, intermediates: ["preact", "i_t", "f_t", "g_t", "o_t", "c_t", "h_t"], outputSymbols: ["h′", "c′"])
}

extension Ops {

    // MARK: - Linear

    /// linear(x, W, b) = x·Wᵀ + b (PyTorch `F.linear`).
    /// - Parameters: x (…, in), W (out, in), b (out) or nil. Result (…, out).
    /// Composed from transpose, matmul and add, so its backward is theirs.
    public static func linear(_ x: Tensor, _ W: Tensor, _ b: Tensor? = nil) throws -> Tensor {
        let name = "linear"
        guard W.rank == 2 else {
            throw TensorError.invalidArgument(op: name, message: "W must be (out, in), got shape \(TensorError.format(W.shape))")
        }
        guard x.rank >= 1, x.shape[x.rank - 1] == W.shape[1] else {
            throw TensorError.shapeMismatch(op: name, x.shape, W.shape, detail: "x's last dimension must equal W's in-features (W is (out, in))")
        }
        if let b, b.shape != [W.shape[0]] {
            throw TensorError.shapeMismatch(op: name, W.shape, b.shape, detail: "b must be (out)")
        }
        let y = try matmul(x, transpose(W))
        return try b.map { try add(y, $0) } ?? y
    }

    // MARK: - RNN cell

    /// rnn_cell(x, h, W_ih, W_hh, b_ih, b_hh) = tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh)
    /// (Elman RNN, PyTorch `nn.RNNCell` with tanh).
    /// - Parameters: x (B, I) or (I); h (B, H) or (H); W_ih (H, I); W_hh (H, H); b_ih, b_hh (H).
    ///   Result h′ with h's shape. Trace intermediates: `preact`, `h_t`.
    /// Backward (dpre = dh′ ⊙ (1 − h′²)): dx = dpre·W_ih, dh = dpre·W_hh, dW_ih = dpreᵀ·x,
    /// dW_hh = dpreᵀ·h, db_ih = db_hh = Σ_batch dpre.
    public static func rnnCell(_ x: Tensor, _ h: Tensor, _ W_ih: Tensor, _ W_hh: Tensor,
                               _ b_ih: Tensor, _ b_hh: Tensor) throws -> Tensor {
        let name = Op.rnnCell.name
        let cell = try CellAffine(name: name, gates: 1, x: x, h: h, W_ih: W_ih, W_hh: W_hh, b_ih: b_ih, b_hh: b_hh)
        let preact = try cell.preactivation()
        let hNew = try Tensor.uninitialized(h.shape, op: name)
        Kernels.unary(.tanh, hNew.pointer, preact.pointer, count: hNew.count)
        let inputs = [x, h, W_ih, W_hh, b_ih, b_hh]
        if Tensor.recording(inputs) {
            let savedH = hNew.detachedView()
            Tensor.record(.rnnCell, outputs: [hNew], inputs: inputs) { upstream, targets in
                let gc = try upstream[0].contiguous(op: name)
                let dPre = try Tensor.uninitialized([cell.batch, cell.hidden], op: name)
                Kernels.unaryBackward(.tanh, dx: dPre.pointer, dy: gc.pointer, x: preact.pointer, y: savedH.pointer, count: dPre.count)
                // inputs: x, h, W_ih, W_hh, b_ih, b_hh
                return try cell.backward(dPre, dWihInto: targets.count == 6 ? targets[2] : nil,
                                         dWhhInto: targets.count == 6 ? targets[3] : nil)
            }
        }
        if let listener = Trace.listener {
            listener.opDidRun(OpEvent(op: .rnnCell, inputs: inputs, outputs: [hNew], intermediates:
                zip(OpSpec.rnnCell.intermediates, [cell.unbatched(preact), hNew]).map { ($0, $1) }))
        }
        return hNew
    }

    // MARK: - LSTM cell

    /// lstm_cell(x, h, c, W_ih, W_hh, b_ih, b_hh) → (h′, c′), PyTorch `nn.LSTMCell`:
    ///
    ///     preact = x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh        (B, 4H), gate blocks i, f, g, o
    ///     i = σ(preact_i)  f = σ(preact_f)  g = tanh(preact_g)  o = σ(preact_o)
    ///     c′ = f ⊙ c + i ⊙ g                               h′ = o ⊙ tanh(c′)
    ///
    /// - Parameters: x (B, I) or (I); h, c (B, H) or (H); W_ih (4H, I); W_hh (4H, H);
    ///   b_ih, b_hh (4H). Fused: the pointwise part is one kernel after the two matmuls.
    ///   Trace intermediates: `preact`, `i_t`, `f_t`, `g_t`, `o_t`, `c_t`, `h_t`.
    public static func lstmCell(_ x: Tensor, _ h: Tensor, _ c: Tensor, _ W_ih: Tensor, _ W_hh: Tensor,
                                _ b_ih: Tensor, _ b_hh: Tensor) throws -> (h: Tensor, c: Tensor) {
        let name = Op.lstmCell.name
        let cell = try CellAffine(name: name, gates: 4, x: x, h: h, W_ih: W_ih, W_hh: W_hh, b_ih: b_ih, b_hh: b_hh)
        guard c.shape == h.shape else {
            throw TensorError.shapeMismatch(op: name, h.shape, c.shape, detail: "h and c must have the same shape")
        }
        let (B, H) = (cell.batch, cell.hidden)
        let preact = try cell.preactivation()
        let cPrev = try c.contiguous(op: name)
        // The kernel may write the gates over the pre-activations (each group of lanes is read
        // before it is written), which saves a B×4H buffer a step; a walkthrough listening keeps
        // both, since it shows the pre-activations.
        let gates = Trace.listener == nil ? preact : try Tensor.uninitialized([B, 4 * H], op: name)
        let tanhC = try Tensor.uninitialized([B, H], op: name)
        let cNew = try Tensor.uninitialized(h.shape, op: name), hNew = try Tensor.uninitialized(h.shape, op: name)
        Kernels.lstmCellForward(gates: gates.pointer, c: cNew.pointer, tanhC: tanhC.pointer, h: hNew.pointer,
                                preact: preact.pointer, cPrev: cPrev.pointer, batch: B, hidden: H)
        let inputs = [x, h, c, W_ih, W_hh, b_ih, b_hh]
        if Tensor.recording(inputs) {
            Tensor.record(.lstmCell, outputs: [hNew, cNew], inputs: inputs) { upstream, targets in
                let dh = try upstream[0].contiguous(op: name), dc = try upstream[1].contiguous(op: name)
                let dPre = try Tensor.uninitialized([B, 4 * H], op: name)
                let dcPrev = try Tensor.uninitialized(c.shape, op: name)
                Kernels.lstmCellBackward(dPreact: dPre.pointer, dcPrev: dcPrev.pointer, dh: dh.pointer, dc: dc.pointer,
                                         gates: gates.pointer, cPrev: cPrev.pointer, tanhC: tanhC.pointer, batch: B, hidden: H)
                // inputs: x, h, c, W_ih, W_hh, b_ih, b_hh
                var grads = try cell.backward(dPre, dWihInto: targets.count == 7 ? targets[3] : nil,
                                              dWhhInto: targets.count == 7 ? targets[4] : nil)
                grads.insert(c.requiresGrad ? dcPrev : nil, at: 2)   // c comes third
                return grads
            }
        }
        if let listener = Trace.listener {
            // i_t, f_t, g_t, o_t are views of the gate blocks the kernel wrote.
            func gate(_ k: Int) -> Tensor {
                let shape = cell.isBatched ? [B, H] : [H], strides = cell.isBatched ? [4 * H, 1] : [1]
                return Tensor(storage: gates.storage, shape: shape, strides: strides, offset: k * H,
                              isContiguous: !cell.isBatched || B == 1)
            }
            let values = [cell.unbatched(preact), gate(0), gate(1), gate(2), gate(3), cNew, hNew]
            listener.opDidRun(OpEvent(op: .lstmCell, inputs: inputs, outputs: [hNew, cNew], intermediates:
                zip(OpSpec.lstmCell.intermediates, values).map { ($0, $1) }))
        }
        return (hNew, cNew)
    }
}

// MARK: - The two affine maps of a recurrent cell

/// preact (B, G·H) = x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh, shared by the RNN (G = 1) and LSTM (G = 4)
/// cells, with shape checks that name the argument at fault, and its backward.
struct CellAffine {
    let name: String
    let x: Tensor, h: Tensor, W_ih: Tensor, W_hh: Tensor, b_ih: Tensor, b_hh: Tensor
    let batch: Int, inputSize: Int, hidden: Int, rowsOut: Int
    let isBatched: Bool
    /// Which gradients backward computes: those of the arguments that require one (a constant
    /// input sequence gets no dx, the initial zero state no dh).
    let needs: (x: Bool, h: Bool, W_ih: Bool, W_hh: Bool, b: Bool)

    init(name: String, gates G: Int, x: Tensor, h: Tensor, W_ih: Tensor, W_hh: Tensor, b_ih: Tensor, b_hh: Tensor) throws {
        self.name = name
        guard (x.rank == 2 && h.rank == 2) || (x.rank == 1 && h.rank == 1) else {
            throw TensorError.shapeMismatch(op: name, x.shape, h.shape, detail: "x and h must both be (B, ·) or both unbatched")
        }
        isBatched = x.rank == 2
        batch = isBatched ? x.shape[0] : 1
        inputSize = x.shape[x.rank - 1]
        hidden = h.shape[h.rank - 1]
        rowsOut = G * hidden
        if isBatched && h.shape[0] != batch {
            throw TensorError.shapeMismatch(op: name, x.shape, h.shape, detail: "x and h must have the same batch size")
        }
        let gateRows = G == 1 ? "H" : "\(G)H"
        guard W_ih.shape == [rowsOut, inputSize] else {
            throw TensorError.shapeMismatch(op: name, W_ih.shape, [rowsOut, inputSize], detail: "W_ih must be (\(gateRows), I)")
        }
        guard W_hh.shape == [rowsOut, hidden] else {
            throw TensorError.shapeMismatch(op: name, W_hh.shape, [rowsOut, hidden], detail: "W_hh must be (\(gateRows), H)")
        }
        guard b_ih.shape == [rowsOut] else {
            throw TensorError.shapeMismatch(op: name, b_ih.shape, [rowsOut], detail: "b_ih must be (\(gateRows))")
        }
        guard b_hh.shape == [rowsOut] else {
            throw TensorError.shapeMismatch(op: name, b_hh.shape, [rowsOut], detail: "b_hh must be (\(gateRows))")
        }
        needs = (x.requiresGrad, h.requiresGrad, W_ih.requiresGrad, W_hh.requiresGrad, b_ih.requiresGrad || b_hh.requiresGrad)
        self.x = try x.contiguous(op: name)
        self.h = try h.contiguous(op: name)
        self.W_ih = try W_ih.contiguous(op: name)
        self.W_hh = try W_hh.contiguous(op: name)
        self.b_ih = try b_ih.contiguous(op: name)
        self.b_hh = try b_hh.contiguous(op: name)
    }

    /// x·W_ihᵀ + h·W_hhᵀ by two gemms into one buffer, then both biases added to every row.
    func preactivation() throws -> Tensor {
        let out = try Tensor.uninitialized([batch, rowsOut], op: name)
        Kernels.gemm(transA: false, transB: true, m: batch, n: rowsOut, k: inputSize, a: x.pointer, lda: inputSize,
                     b: W_ih.pointer, ldb: inputSize, c: out.pointer, ldc: rowsOut, accumulate: false)
        Kernels.gemm(transA: false, transB: true, m: batch, n: rowsOut, k: hidden, a: h.pointer, lda: hidden,
                     b: W_hh.pointer, ldb: hidden, c: out.pointer, ldc: rowsOut, accumulate: true)
        Kernels.binaryRow(.add, out.pointer, out.pointer, b_ih.pointer, rowOnLeft: false, rows: batch, cols: rowsOut)
        Kernels.binaryRow(.add, out.pointer, out.pointer, b_hh.pointer, rowOnLeft: false, rows: batch, cols: rowsOut)
        if Interrupt.isRequested { throw TensorError.interrupted(op: name) }
        return out
    }

    /// Gradients of x, h, W_ih, W_hh, b_ih, b_hh from dPre (B, G·H):
    /// dx = dPre·W_ih, dh = dPre·W_hh, dW_ih = dPreᵀ·x, dW_hh = dPreᵀ·h, db_ih = db_hh = Σ_b dPre;
    /// nil for an argument that requires no gradient.
    ///
    /// `dWihInto`, `dWhhInto`: W_ih's and W_hh's gradient so far, when autograd offers it as an
    /// accumulation target (`Node.backward`): dPreᵀ·x is then added into it by the gemm itself
    /// (`accumulate: true`) and the target returned, as the direct kernel loop over time does.
    func backward(_ dPre: Tensor, dWihInto: Tensor? = nil, dWhhInto: Tensor? = nil) throws -> [Tensor?] {
        var dx: Tensor? = nil, dh: Tensor? = nil, dWih: Tensor? = nil, dWhh: Tensor? = nil, db: Tensor? = nil
        if needs.x {
            let t = try Tensor.uninitialized(isBatched ? [batch, inputSize] : [inputSize], op: name)
            Kernels.gemm(transA: false, transB: false, m: batch, n: inputSize, k: rowsOut, a: dPre.pointer, lda: rowsOut,
                         b: W_ih.pointer, ldb: inputSize, c: t.pointer, ldc: inputSize, accumulate: false)
            dx = t
        }
        if needs.h {
            let t = try Tensor.uninitialized(isBatched ? [batch, hidden] : [hidden], op: name)
            Kernels.gemm(transA: false, transB: false, m: batch, n: hidden, k: rowsOut, a: dPre.pointer, lda: rowsOut,
                         b: W_hh.pointer, ldb: hidden, c: t.pointer, ldc: hidden, accumulate: false)
            dh = t
        }
        if needs.W_ih {
            let t = try dWihInto ?? Tensor.uninitialized(W_ih.shape, op: name)
            Kernels.gemm(transA: true, transB: false, m: rowsOut, n: inputSize, k: batch, a: dPre.pointer, lda: rowsOut,
                         b: x.pointer, ldb: inputSize, c: t.pointer, ldc: inputSize, accumulate: dWihInto != nil)
            dWih = t
        }
        if needs.W_hh {
            let t = try dWhhInto ?? Tensor.uninitialized(W_hh.shape, op: name)
            Kernels.gemm(transA: true, transB: false, m: rowsOut, n: hidden, k: batch, a: dPre.pointer, lda: rowsOut,
                         b: h.pointer, ldb: hidden, c: t.pointer, ldc: hidden, accumulate: dWhhInto != nil)
            dWhh = t
        }
        if needs.b {
            let t = try Tensor.uninitialized([rowsOut], op: name)
            Kernels.sumAxis(t.pointer, dPre.pointer, outer: 1, n: batch, inner: rowsOut)
            db = t
        }
        if Interrupt.isRequested { throw TensorError.interrupted(op: name) }
        return [dx, dh, dWih, dWhh, db, db]
    }

    /// A (1, n) buffer seen as (n) when the cell was called without a batch axis.
    func unbatched(_ t: Tensor) -> Tensor {
        if isBatched { return t }
        return Tensor(storage: t.storage, shape: [t.count], strides: [1], offset: t.offset, isContiguous: true)
    }
}
