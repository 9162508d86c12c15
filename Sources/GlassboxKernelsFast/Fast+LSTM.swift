// The pointwise part of an LSTM cell, forward and backward (PyTorch's `nn.LSTMCell` layout:
// the 4H axis holds the gate blocks i, f, g, o). The two matmuls that make the pre-activations,
// x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh, are done by the caller with gemm (over a sequence, the input
// projection of all time steps is one matmul); this is everything after them, in one pass.
//
// Each loop handles eight hidden units per step with plain vector loads and stores; the last
// H mod 8 units of a row are copied into a zero-padded scratch block on the stack and go through
// the same eight-lane code, so the hot loop has no per-element branches.

// MARK: - Forward

extension Fast {
    /// LSTM cell after the matmuls (PyTorch `nn.LSTM` docs; Hochreiter & Schmidhuber 1997):
    ///
    ///     i = σ(preact[:, 0:H])     f = σ(preact[:, H:2H])
    ///     g = tanh(preact[:, 2H:3H]) o = σ(preact[:, 3H:4H])
    ///     c = f⊙c_prev + i⊙g        h = o⊙tanh(c)
    ///
    /// Shapes: gates, preact: [batch × 4H] (gates saves [i, f, g, o] for backward);
    /// c, tanhC, h, cPrev: [batch × H].
    public static func lstmCellForward(
        gates: UnsafeMutablePointer<Float>, c: UnsafeMutablePointer<Float>, tanhC: UnsafeMutablePointer<Float>,
        h: UnsafeMutablePointer<Float>, preact: UnsafePointer<Float>, cPrev: UnsafePointer<Float>,
        batch: Int, hidden: Int
    ) {
        let H = hidden, full = H / 8 * 8
        for b in 0..<batch {
            let p = preact + b * 4 * H, gt = gates + b * 4 * H
            let cp = cPrev + b * H, cb = c + b * H, tc = tanhC + b * H, hb = h + b * H
            var j = 0
            while j < full {
                lstmForward8(gt + j, cb + j, tc + j, hb + j, p + j, cp + j, stride: H)
                j += 8
            }
            if j < H {
                // Scratch rows: preact/gates blocks i, f, g, o (8 each), then cPrev, c, tanh c, h.
                let n = H - j
                withUnsafeTemporaryAllocation(of: Float.self, capacity: 64) { buffer in
                    guard let s = buffer.baseAddress else { return }   // never nil: capacity > 0
                    s.initialize(repeating: 0, count: 64)
                    for k in 0..<4 { (s + 8 * k).update(from: p + k * H + j, count: n) }
                    (s + 32).update(from: cp + j, count: n)
                    lstmForward8(s, s + 40, s + 48, s + 56, s, s + 32, stride: 8)
                    for k in 0..<4 { (gt + k * H + j).update(from: s + 8 * k, count: n) }
                    (cb + j).update(from: s + 40, count: n)
                    (tc + j).update(from: s + 48, count: n)
                    (hb + j).update(from: s + 56, count: n)
                }
            }
        }
    }

    /// Eight hidden units of the forward cell; gate blocks `stride` floats apart. `gates` may
    /// alias `preact` (the tail's scratch block).
    @inline(__always)
    static func lstmForward8(
        _ gates: UnsafeMutablePointer<Float>, _ c: UnsafeMutablePointer<Float>, _ tanhC: UnsafeMutablePointer<Float>,
        _ h: UnsafeMutablePointer<Float>, _ preact: UnsafePointer<Float>, _ cPrev: UnsafePointer<Float>, stride H: Int
    ) {
        let i = sigmoid(load(preact)), f = sigmoid(load(preact + H))
        let g = tanh(load(preact + 2 * H)), o = sigmoid(load(preact + 3 * H))
        let cNew = fma(f, load(cPrev), i * g)
        let t = tanh(cNew)
        store(i, gates); store(f, gates + H); store(g, gates + 2 * H); store(o, gates + 3 * H)
        store(cNew, c); store(t, tanhC); store(o * t, h)
    }
}

// MARK: - Backward

extension Fast {
    /// Gradients of the LSTM cell's pointwise part. With dh (and dc, the gradient reaching c
    /// from later steps, or nil for none):
    ///
    ///     dc_total = dc + dh⊙o⊙(1 − tanh²c)
    ///     di = dc_total⊙g    df = dc_total⊙c_prev    dg = dc_total⊙i    do = dh⊙tanh c
    ///     dPreact = [di⊙i(1−i), df⊙f(1−f), dg⊙(1−g²), do⊙o(1−o)]    dc_prev = dc_total⊙f
    ///
    /// Shapes: dPreact, gates: [batch × 4H]; dcPrev, dh, dc, cPrev, tanhC: [batch × H].
    /// dPreact and dcPrev are overwritten.
    public static func lstmCellBackward(
        dPreact: UnsafeMutablePointer<Float>, dcPrev: UnsafeMutablePointer<Float>,
        dh: UnsafePointer<Float>, dc: UnsafePointer<Float>?, gates: UnsafePointer<Float>,
        cPrev: UnsafePointer<Float>, tanhC: UnsafePointer<Float>, batch: Int, hidden: Int
    ) {
        if let dc {
            lstmBackwardRows(dPreact, dcPrev, dh, dc, gates, cPrev, tanhC, batch, hidden, hasDC: true)
        } else {   // no gradient from later steps: read dh in its place and ignore it
            lstmBackwardRows(dPreact, dcPrev, dh, dh, gates, cPrev, tanhC, batch, hidden, hasDC: false)
        }
    }

    @inline(__always)
    static func lstmBackwardRows(
        _ dPreact: UnsafeMutablePointer<Float>, _ dcPrev: UnsafeMutablePointer<Float>,
        _ dh: UnsafePointer<Float>, _ dc: UnsafePointer<Float>, _ gates: UnsafePointer<Float>,
        _ cPrev: UnsafePointer<Float>, _ tanhC: UnsafePointer<Float>, _ batch: Int, _ H: Int, hasDC: Bool
    ) {
        let full = H / 8 * 8
        for b in 0..<batch {
            let gt = gates + b * 4 * H, dp = dPreact + b * 4 * H
            let cp = cPrev + b * H, tc = tanhC + b * H, dhb = dh + b * H, dcb = dc + b * H, dcp = dcPrev + b * H
            var j = 0
            while j < full {
                lstmBackward8(dp + j, dcp + j, dhb + j, dcb + j, gt + j, cp + j, tc + j, stride: H, hasDC: hasDC)
                j += 8
            }
            if j < H {
                // Scratch rows: gates i, f, g, o (8 each; overwritten by dPreact), cPrev, tanh c,
                // dh, dc, dcPrev.
                let n = H - j
                withUnsafeTemporaryAllocation(of: Float.self, capacity: 72) { buffer in
                    guard let s = buffer.baseAddress else { return }   // never nil: capacity > 0
                    s.initialize(repeating: 0, count: 72)
                    for k in 0..<4 { (s + 8 * k).update(from: gt + k * H + j, count: n) }
                    (s + 32).update(from: cp + j, count: n)
                    (s + 40).update(from: tc + j, count: n)
                    (s + 48).update(from: dhb + j, count: n)
                    (s + 56).update(from: dcb + j, count: n)
                    lstmBackward8(s, s + 64, s + 48, s + 56, s, s + 32, s + 40, stride: 8, hasDC: hasDC)
                    for k in 0..<4 { (dp + k * H + j).update(from: s + 8 * k, count: n) }
                    (dcp + j).update(from: s + 64, count: n)
                }
            }
        }
    }

    /// Eight hidden units of the backward cell; gate blocks `stride` floats apart. `dPreact`
    /// may alias `gates` (each gate is read before its gradient is stored).
    @inline(__always)
    static func lstmBackward8(
        _ dPreact: UnsafeMutablePointer<Float>, _ dcPrev: UnsafeMutablePointer<Float>, _ dh: UnsafePointer<Float>,
        _ dc: UnsafePointer<Float>, _ gates: UnsafePointer<Float>, _ cPrev: UnsafePointer<Float>,
        _ tanhC: UnsafePointer<Float>, stride H: Int, hasDC: Bool
    ) {
        let one = V8(repeating: 1)
        let i = load(gates), f = load(gates + H), g = load(gates + 2 * H), o = load(gates + 3 * H)
        let t = load(tanhC), d = load(dh)
        var dcTotal = d * o * (one - t * t)
        if hasDC { dcTotal += load(dc) }
        let dO = d * t
        let cp = load(cPrev)
        store(dcTotal * g * i * (one - i), dPreact)
        store(dcTotal * cp * f * (one - f), dPreact + H)
        store(dcTotal * i * (one - g * g), dPreact + 2 * H)
        store(dO * o * (one - o), dPreact + 3 * H)
        store(dcTotal * f, dcPrev)
    }
}
