#if canImport(Glibc)
import Glibc
#endif

/// The LSTM cell's pointwise part, in PyTorch's documented layout (torch.nn.LSTMCell): the 4H
/// axis holds the gate blocks in the order i, f, g, o. The caller computes the pre-activations
///
///     preact (B×4H) = x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh       (two gemms and two row adds)
///
/// and these kernels do everything after the matmuls in one pass.
extension Reference {

    /// Forward:
    ///
    ///     i = σ(preact[:, 0H..<1H])   f = σ(preact[:, 1H..<2H])
    ///     g = tanh(preact[:, 2H..<3H]) o = σ(preact[:, 3H..<4H])
    ///     c = f ⊙ cPrev + i ⊙ g        h = o ⊙ tanh(c)
    ///
    /// - Parameters: gates (B×4H) = [i, f, g, o] after their activations (saved for backward; may
    ///   be `preact` itself); c (B×H); tanhC (B×H) = tanh(c) (saved); h (B×H); preact (B×4H); cPrev (B×H).
    public static func lstmCellForward(gates: UnsafeMutablePointer<Float>, c: UnsafeMutablePointer<Float>,
                                       tanhC: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>,
                                       preact: UnsafePointer<Float>, cPrev: UnsafePointer<Float>,
                                       batch: Int, hidden H: Int) {
        for b in 0..<batch {
            let a = preact + b * 4 * H, gate = gates + b * 4 * H
            for j in 0..<H {
                let i = sigmoid(a[j]), f = sigmoid(a[H + j])
                let g = tanhf(a[2 * H + j]), o = sigmoid(a[3 * H + j])
                gate[j] = i; gate[H + j] = f; gate[2 * H + j] = g; gate[3 * H + j] = o
                let cNew = f * cPrev[b * H + j] + i * g
                let t = tanhf(cNew)
                c[b * H + j] = cNew
                tanhC[b * H + j] = t
                h[b * H + j] = o * t
            }
        }
    }

    /// Backward, term by term from the forward lines:
    ///
    ///     "h = o ⊙ tanh(c)":        do = dh ⊙ tanh(c);   dc_total = dc + dh ⊙ o ⊙ (1 − tanh²(c))
    ///     "c = f ⊙ cPrev + i ⊙ g":  df = dc_total ⊙ cPrev; di = dc_total ⊙ g; dg = dc_total ⊙ i;
    ///                               dcPrev = dc_total ⊙ f
    ///     activations:              d(preact) = [di ⊙ i(1−i), df ⊙ f(1−f), dg ⊙ (1−g²), do ⊙ o(1−o)]
    ///
    /// - Parameters: dPreact (B×4H); dcPrev (B×H); dh (B×H); dc (B×H, or nil for zero);
    ///   gates (B×4H), cPrev (B×H), tanhC (B×H) from the forward pass.
    public static func lstmCellBackward(dPreact: UnsafeMutablePointer<Float>, dcPrev: UnsafeMutablePointer<Float>,
                                        dh: UnsafePointer<Float>, dc: UnsafePointer<Float>?,
                                        gates: UnsafePointer<Float>, cPrev: UnsafePointer<Float>,
                                        tanhC: UnsafePointer<Float>, batch: Int, hidden H: Int) {
        for b in 0..<batch {
            let gate = gates + b * 4 * H, da = dPreact + b * 4 * H
            for j in 0..<H {
                let k = b * H + j
                let i = gate[j], f = gate[H + j], g = gate[2 * H + j], o = gate[3 * H + j]
                let t = tanhC[k]
                let dO = dh[k] * t
                let dcTotal = (dc?[k] ?? 0) + dh[k] * o * (1 - t * t)
                let dF = dcTotal * cPrev[k], dI = dcTotal * g, dG = dcTotal * i
                dcPrev[k] = dcTotal * f
                da[j] = dI * i * (1 - i)
                da[H + j] = dF * f * (1 - f)
                da[2 * H + j] = dG * (1 - g * g)
                da[3 * H + j] = dO * o * (1 - o)
            }
        }
    }
}
