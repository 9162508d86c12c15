// MARK: - Gathering, scattering and sampling

// Memory-bound copies and draws: one plain loop each (`Reference+Gather.swift`), no fast variant.
extension Kernels {
    /// y (outer, m, inner) = x (outer, size, inner) at `index` along the middle axis (`Reference.gatherAxis`).
    public static func gatherAxis(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, index: UnsafePointer<Int>,
                                  m: Int, outer: Int, size: Int, inner: Int) {
        Reference.gatherAxis(y, x, index: index, m: m, outer: outer, size: size, inner: inner)
    }

    /// dx[o, index[j], i] += dy[o, j, i] (`Reference.scatterAddAxis`).
    public static func scatterAddAxis(dx: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>, index: UnsafePointer<Int>,
                                      m: Int, outer: Int, size: Int, inner: Int) {
        Reference.scatterAddAxis(dx: dx, dy: dy, index: index, m: m, outer: outer, size: size, inner: inner)
    }

    /// One-hot rows (`Reference.oneHot`).
    public static func oneHot(_ y: UnsafeMutablePointer<Float>, labels: UnsafePointer<Int>, count: Int, n: Int) {
        Reference.oneHot(y, labels: labels, count: count, n: n)
    }

    /// A Fisher–Yates permutation of 0..<n from n−1 uniform draws (`Reference.permutation`).
    public static func permutation(_ y: UnsafeMutablePointer<Float>, uniforms: UnsafePointer<Float>, n: Int) {
        Reference.permutation(y, uniforms: uniforms, n: n)
    }

    /// Inverse-CDF sampling of each row of weights (`Reference.multinomialRows`).
    public static func multinomialRows(_ y: UnsafeMutablePointer<Float>, _ p: UnsafePointer<Float>,
                                       rows: Int, k: Int, n: Int) -> Reference.SamplingFailure? {
        Reference.multinomialRows(y, p, rows: rows, k: k, n: n)
    }
}
