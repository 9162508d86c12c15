#if canImport(Glibc)
import Glibc
#endif

/// Cross-entropy of logits against class indices (PyTorch `F.cross_entropy` without weights).
extension Reference {

    /// For each row r: p[r,·] = softmax(logits[r,·]) and
    ///     loss[r] = −log p[r, label_r] = logsumexp(logits[r,·]) − logits[r, label_r].
    /// - Parameters: losses (rows); probs (rows×cols, saved for backward); logits (rows×cols);
    ///   labels (rows) — each a class index in 0..<cols (checked by the caller).
    public static func crossEntropyForward(losses: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>,
                                           logits: UnsafePointer<Float>, labels: UnsafePointer<Int>,
                                           rows: Int, cols: Int) {
        for r in 0..<rows {
            let x = logits + r * cols
            let lse = logSumExp(x, cols)
            for c in 0..<cols { probs[r * cols + c] = expf(x[c] - lse) }
            losses[r] = lse - x[labels[r]]
        }
    }

    /// dlogits[r,c] = dloss[r]·(p[r,c] − [c = label_r])   (softmax minus the one-hot target).
    /// - Parameters: dlogits (rows×cols); dlosses (rows); probs (rows×cols); labels (rows).
    public static func crossEntropyBackward(dlogits: UnsafeMutablePointer<Float>, dlosses: UnsafePointer<Float>,
                                            probs: UnsafePointer<Float>, labels: UnsafePointer<Int>,
                                            rows: Int, cols: Int) {
        for r in 0..<rows {
            for c in 0..<cols {
                let indicator: Float = c == labels[r] ? 1 : 0
                dlogits[r * cols + c] = dlosses[r] * (probs[r * cols + c] - indicator)
            }
        }
    }
}
