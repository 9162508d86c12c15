// The pointwise part of an LSTM cell, forward and backward (PyTorch's `nn.LSTMCell` layout:
// the 4H axis holds the gate blocks i, f, g, o). The two matmuls that make the pre-activations,
// x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh, are done by the caller with gemm (over a sequence, the input
// projection of all time steps is one matmul); this is everything after them, in one pass.

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
        let H = hidden
        for b in 0..<batch {
            let p = preact + b * 4 * H, gt = gates + b * 4 * H
            let cp = cPrev + b * H, cb = c + b * H, tc = tanhC + b * H, hb = h + b * H
            var j = 0
            while j < H {
                let n = min(8, H - j)
                let full = n == 8
                @inline(__always) func ld(_ q: UnsafePointer<Float>) -> V8 { full ? load(q) : loadPartial(q, n) }
                @inline(__always) func st(_ v: V8, _ q: UnsafeMutablePointer<Float>) {
                    if full { store(v, q) } else { storePartial(v, q, n) }
                }
                let i = sigmoid(ld(p + j)), f = sigmoid(ld(p + H + j))
                let g = tanh(ld(p + 2 * H + j)), o = sigmoid(ld(p + 3 * H + j))
                let cNew = fma(f, ld(cp + j), i * g)
                let t = tanh(cNew)
                st(i, gt + j); st(f, gt + H + j); st(g, gt + 2 * H + j); st(o, gt + 3 * H + j)
                st(cNew, cb + j); st(t, tc + j); st(o * t, hb + j)
                j += 8
            }
        }
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
        let H = hidden
        let one = V8(repeating: 1)
        for b in 0..<batch {
            let gt = gates + b * 4 * H, dp = dPreact + b * 4 * H
            let cp = cPrev + b * H, tc = tanhC + b * H, dhb = dh + b * H, dcp = dcPrev + b * H
            let dcb = dc.map { $0 + b * H }
            var j = 0
            while j < H {
                let n = min(8, H - j)
                let full = n == 8
                @inline(__always) func ld(_ q: UnsafePointer<Float>) -> V8 { full ? load(q) : loadPartial(q, n) }
                @inline(__always) func st(_ v: V8, _ q: UnsafeMutablePointer<Float>) {
                    if full { store(v, q) } else { storePartial(v, q, n) }
                }
                let i = ld(gt + j), f = ld(gt + H + j), g = ld(gt + 2 * H + j), o = ld(gt + 3 * H + j)
                let t = ld(tc + j), d = ld(dhb + j)
                var dcTotal = d * o * (one - t * t)
                if let dcb { dcTotal += ld(dcb + j) }
                let dO = d * t
                st(dcTotal * g * i * (one - i), dp + j)
                st(dcTotal * ld(cp + j) * f * (one - f), dp + H + j)
                st(dcTotal * i * (one - g * g), dp + 2 * H + j)
                st(dO * o * (one - o), dp + 3 * H + j)
                st(dcTotal * f, dcp + j)
                j += 8
            }
        }
    }
}
