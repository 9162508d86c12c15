#if canImport(Glibc)
import Glibc
#endif

/// Cross-entropy of logits against class indices (PyTorch `F.cross_entropy` without weights).
extension Reference {

    /// For each row r, with m = max_c logits[r,c] and s = Σ_c e^(logits[r,c] − m):
    ///     p[r,c] = e^(logits[r,c] − m)/s                       (the softmax)
    ///     loss[r] = −log p[r, label_r] = (m − logits[r, label_r]) + ln s
    /// (written this way, the loss keeps its digits even when the logits are ±1e4).
    /// - Parameters: losses (rows); probs (rows×cols, saved for backward); logits (rows×cols);
    ///   labels (rows) — each a class index in 0..<cols (checked by the caller).
    public static func crossEntropyForward(losses: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>,
                                           logits: UnsafePointer<Float>, labels: UnsafePointer<Int>,
                                           rows: Int, cols: Int) {
        for r in 0..<rows {
            let x = logits + r * cols, p = probs + r * cols
            var m = -Float.infinity
            for c in 0..<cols where x[c] > m || x[c].isNaN { m = x[c]; if m.isNaN { break } }
            var s: Float = 0
            for c in 0..<cols { let e = expf(x[c] - m); p[c] = e; s += e }
            for c in 0..<cols { p[c] /= s }
            losses[r] = (m - x[labels[r]]) + logf(s)
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
