/// Public entry points for the fused network kernels and optimizer updates. Each forwards to the
/// reference loop of the same name (formulas, shapes and sources there) or, when `Kernels.useFast`,
/// to the optimized loop with the same argument list, spread over the cores by `Threaded`.
extension Kernels {

    // MARK: - Layer norm

    /// `Reference.layerNormForward` (Ba et al. 2016).
    public static func layerNormForward(y: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>,
                                        rstd: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>,
                                        gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
                                        rows: Int, cols: Int, eps: Float,
                                        variance: UnsafeMutablePointer<Float>?, normalized: UnsafeMutablePointer<Float>?) {
        if useFast {
            Threaded.layerNormForward(y: y, mean: mean, rstd: rstd, x: x, gamma: gamma, beta: beta, rows: rows, cols: cols,
                                       eps: eps, variance: variance, normalized: normalized)
        } else {
            Reference.layerNormForward(y: y, mean: mean, rstd: rstd, x: x, gamma: gamma, beta: beta, rows: rows, cols: cols,
                                       eps: eps, variance: variance, normalized: normalized)
        }
    }

    /// `Reference.layerNormBackward`.
    public static func layerNormBackward(dx: UnsafeMutablePointer<Float>, dgamma: UnsafeMutablePointer<Float>,
                                         dbeta: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>,
                                         x: UnsafePointer<Float>, mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
                                         gamma: UnsafePointer<Float>, rows: Int, cols: Int) {
        if useFast {
            Threaded.layerNormBackward(dx: dx, dgamma: dgamma, dbeta: dbeta, dy: dy, x: x, mean: mean, rstd: rstd,
                                        gamma: gamma, rows: rows, cols: cols)
        } else {
            Reference.layerNormBackward(dx: dx, dgamma: dgamma, dbeta: dbeta, dy: dy, x: x, mean: mean, rstd: rstd,
                                        gamma: gamma, rows: rows, cols: cols)
        }
    }

    // MARK: - LSTM cell

    /// `Reference.lstmCellForward` (PyTorch layout, gates i, f, g, o). `gates` may be `preact`
    /// (computed in place: every path reads a unit's four pre-activations before writing its gates).
    public static func lstmCellForward(gates: UnsafeMutablePointer<Float>, c: UnsafeMutablePointer<Float>,
                                       tanhC: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>,
                                       preact: UnsafePointer<Float>, cPrev: UnsafePointer<Float>, batch: Int, hidden: Int) {
        if useFast {
            Threaded.lstmCellForward(gates: gates, c: c, tanhC: tanhC, h: h, preact: preact, cPrev: cPrev,
                                      batch: batch, hidden: hidden)
        } else {
            Reference.lstmCellForward(gates: gates, c: c, tanhC: tanhC, h: h, preact: preact, cPrev: cPrev,
                                      batch: batch, hidden: hidden)
        }
    }

    /// `Reference.lstmCellBackward`.
    public static func lstmCellBackward(dPreact: UnsafeMutablePointer<Float>, dcPrev: UnsafeMutablePointer<Float>,
                                        dh: UnsafePointer<Float>, dc: UnsafePointer<Float>?,
                                        gates: UnsafePointer<Float>, cPrev: UnsafePointer<Float>,
                                        tanhC: UnsafePointer<Float>, batch: Int, hidden: Int) {
        if useFast {
            Threaded.lstmCellBackward(dPreact: dPreact, dcPrev: dcPrev, dh: dh, dc: dc, gates: gates, cPrev: cPrev,
                                       tanhC: tanhC, batch: batch, hidden: hidden)
        } else {
            Reference.lstmCellBackward(dPreact: dPreact, dcPrev: dcPrev, dh: dh, dc: dc, gates: gates, cPrev: cPrev,
                                       tanhC: tanhC, batch: batch, hidden: hidden)
        }
    }

    // MARK: - Attention

    /// `Reference.attentionForward` (Vaswani et al. 2017). Polls `Interrupt`.
    public static func attentionForward(out: UnsafeMutablePointer<Float>, weights: UnsafeMutablePointer<Float>,
                                        q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                                        mask: UnsafePointer<Float>?, batch: Int, tq: Int, tk: Int, d: Int, dv: Int,
                                        scale: Float, scores: UnsafeMutablePointer<Float>?,
                                        scaledScores: UnsafeMutablePointer<Float>?, maskedScores: UnsafeMutablePointer<Float>?) {
        if useFast {
            Threaded.attentionForward(out: out, weights: weights, q: q, k: k, v: v, mask: mask, batch: batch, tq: tq,
                                       tk: tk, d: d, dv: dv, scale: scale, scores: scores, scaledScores: scaledScores,
                                       maskedScores: maskedScores)
        } else {
            Reference.attentionForward(out: out, weights: weights, q: q, k: k, v: v, mask: mask, batch: batch, tq: tq,
                                       tk: tk, d: d, dv: dv, scale: scale, scores: scores, scaledScores: scaledScores,
                                       maskedScores: maskedScores)
        }
    }

    /// `Reference.attentionBackward`. Polls `Interrupt`.
    public static func attentionBackward(dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>,
                                         dv dV: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                                         q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                                         weights: UnsafePointer<Float>, batch: Int, tq: Int, tk: Int, d: Int, dv: Int,
                                         scale: Float) {
        if useFast {
            Threaded.attentionBackward(dq: dq, dk: dk, dv: dV, dOut: dOut, q: q, k: k, v: v, weights: weights,
                                        batch: batch, tq: tq, tk: tk, d: d, dv: dv, scale: scale)
        } else {
            Reference.attentionBackward(dq: dq, dk: dk, dv: dV, dOut: dOut, q: q, k: k, v: v, weights: weights,
                                        batch: batch, tq: tq, tk: tk, d: d, dv: dv, scale: scale)
        }
    }

    /// `Reference.causalMask`.
    public static func causalMask(_ y: UnsafeMutablePointer<Float>, n: Int) {
        Reference.causalMask(y, n: n)
    }

    /// `Reference.causalMask(_:rows:cols:)`.
    public static func causalMask(_ y: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
        Reference.causalMask(y, rows: rows, cols: cols)
    }

    // MARK: - Cross-entropy

    /// `Reference.crossEntropyForward`.
    public static func crossEntropyForward(losses: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>,
                                           logits: UnsafePointer<Float>, labels: UnsafePointer<Int>, rows: Int, cols: Int) {
        Reference.crossEntropyForward(losses: losses, probs: probs, logits: logits, labels: labels, rows: rows, cols: cols)
    }

    /// `Reference.crossEntropyBackward`.
    public static func crossEntropyBackward(dlogits: UnsafeMutablePointer<Float>, dlosses: UnsafePointer<Float>,
                                            probs: UnsafePointer<Float>, labels: UnsafePointer<Int>, rows: Int, cols: Int) {
        Reference.crossEntropyBackward(dlogits: dlogits, dlosses: dlosses, probs: probs, labels: labels, rows: rows, cols: cols)
    }

    // MARK: - Optimizers

    /// `Reference.sgdStep` (PyTorch SGD with momentum).
    public static func sgdStep(param: UnsafeMutablePointer<Float>, velocity: UnsafeMutablePointer<Float>,
                               grad: UnsafePointer<Float>, count: Int, lr: Float, momentum: Float,
                               update: UnsafeMutablePointer<Float>?) {
        if useFast {
            Threaded.sgdStep(param: param, velocity: velocity, grad: grad, count: count, lr: lr, momentum: momentum, update: update)
        } else {
            Reference.sgdStep(param: param, velocity: velocity, grad: grad, count: count, lr: lr, momentum: momentum, update: update)
        }
    }

    /// `Reference.adamStep` (Kingma & Ba 2015).
    public static func adamStep(param: UnsafeMutablePointer<Float>, m: UnsafeMutablePointer<Float>,
                                v: UnsafeMutablePointer<Float>, grad: UnsafePointer<Float>, count: Int,
                                lr: Float, beta1: Float, beta2: Float, eps: Float, t: Int,
                                mHat: UnsafeMutablePointer<Float>?, vHat: UnsafeMutablePointer<Float>?,
                                update: UnsafeMutablePointer<Float>?) {
        if useFast {
            Threaded.adamStep(param: param, m: m, v: v, grad: grad, count: count, lr: lr, beta1: beta1, beta2: beta2,
                               eps: eps, t: t, mHat: mHat, vHat: vHat, update: update)
        } else {
            Reference.adamStep(param: param, m: m, v: v, grad: grad, count: count, lr: lr, beta1: beta1, beta2: beta2,
                               eps: eps, t: t, mHat: mHat, vHat: vHat, update: update)
        }
    }
}
