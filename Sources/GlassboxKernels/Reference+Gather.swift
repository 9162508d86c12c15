// MARK: - Gathering, scattering and sampling (plain loops)

extension Reference {
    /// NumPy `take` along one axis. x is (outer, size, inner); `index` holds m positions in
    /// 0..<size; y is (outer, m, inner): y[o, j, i] = x[o, index[j], i].
    public static func gatherAxis(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, index: UnsafePointer<Int>,
                                  m: Int, outer: Int, size: Int, inner: Int) {
        for o in 0..<outer {
            for j in 0..<m {
                let src = x + (o * size + index[j]) * inner, dst = y + (o * m + j) * inner
                for i in 0..<inner { dst[i] = src[i] }
            }
        }
    }

    /// The backward of `gatherAxis`: dx[o, index[j], i] += dy[o, j, i]. A position picked twice
    /// receives both contributions. dx must hold zeros (or earlier sums) on entry.
    public static func scatterAddAxis(dx: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>, index: UnsafePointer<Int>,
                                      m: Int, outer: Int, size: Int, inner: Int) {
        for o in 0..<outer {
            for j in 0..<m {
                let src = dy + (o * m + j) * inner, dst = dx + (o * size + index[j]) * inner
                for i in 0..<inner { dst[i] += src[i] }
            }
        }
    }

    /// One-hot rows (PyTorch `F.one_hot`): y (count, n) is 0 except y[k, labels[k]] = 1.
    public static func oneHot(_ y: UnsafeMutablePointer<Float>, labels: UnsafePointer<Int>, count: Int, n: Int) {
        for k in 0..<count * n { y[k] = 0 }
        for k in 0..<count { y[k * n + labels[k]] = 1 }
    }

    /// A Fisher–Yates shuffle of 0, 1, …, n−1 into y: for i = n−1 down to 1, swap y[i] with y[j],
    /// j = min(⌊u·(i+1)⌋, i), where u is the next of the n−1 uniform draws in [0, 1).
    public static func permutation(_ y: UnsafeMutablePointer<Float>, uniforms: UnsafePointer<Float>, n: Int) {
        for i in 0..<n { y[i] = Float(i) }
        guard n > 1 else { return }
        var next = 0
        for i in stride(from: n - 1, to: 0, by: -1) {
            let j = Swift.min(Int(uniforms[next] * Float(i + 1)), i)
            next += 1
            let t = y[i]; y[i] = y[j]; y[j] = t
        }
    }

    /// Why `multinomial` refused its weights.
    public enum SamplingFailure: Equatable, Sendable {
        /// A weight that is negative or not finite.
        case invalidWeight(Float)
        /// Row r's weights sum to 0.
        case zeroRow(Int)
    }

    /// Inverse-CDF sampling (PyTorch `torch.multinomial` with replacement): p is (rows, k) of
    /// weights ≥ 0 (not necessarily normalized); y (rows, n) holds on entry one uniform draw in
    /// [0, 1) per sample and on return the category each draw lands in: the first whose
    /// cumulative weight (summed in Double) exceeds u·total — never one of weight 0; when rounding
    /// leaves u·total at the very top, the last category of weight > 0. Returns nil, or why the
    /// weights were refused (checked before any draw is used).
    public static func multinomialRows(_ y: UnsafeMutablePointer<Float>, _ p: UnsafePointer<Float>,
                                       rows: Int, k: Int, n: Int) -> SamplingFailure? {
        for i in 0..<rows * k where !(p[i].isFinite && p[i] >= 0) { return .invalidWeight(p[i]) }
        var cumulative = [Double](repeating: 0, count: k)
        for r in 0..<rows {
            let row = p + r * k
            var total = 0.0
            var last = 0
            for c in 0..<k {
                total += Double(row[c])
                cumulative[c] = total
                if row[c] > 0 { last = c }
            }
            guard total > 0 else { return .zeroRow(r) }
            for s in 0..<n {
                let u = Double(y[r * n + s]) * total
                var pick = last
                for c in 0..<k where cumulative[c] > u { pick = c; break }
                y[r * n + s] = Float(pick)
            }
        }
        return nil
    }
}
