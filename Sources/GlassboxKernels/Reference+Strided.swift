/// Strided loops: copies between views, broadcasting, and the accumulation that undoes a broadcast.
///
/// A view is a base pointer plus one stride per axis (in elements); element (i₀, …, iₙ₋₁) lives at
/// Σ iₖ·strideₖ. A stride of 0 repeats one element along an axis (broadcasting); a negative stride
/// walks backwards (`x[::-1]`). The loops below visit elements in row-major order of `shape`, the
/// last axis innermost.
extension Reference {

    // MARK: - Iteration

    /// Calls `body(n, offsetA, offsetB, strideA, strideB)` once per row of `shape` (the last axis is
    /// the row, of n elements), with the element offsets of the row's first element in two views.
    /// A rank-0 shape is one row of one element.
    @inline(__always)
    public static func forEachRow(shape: [Int], _ sa: [Int], _ sb: [Int],
                                  _ body: (Int, Int, Int, Int, Int) -> Void) {
        let r = shape.count
        if r == 0 { body(1, 0, 0, 0, 0); return }
        let n = shape[r - 1]
        var rows = 1
        for d in 0..<(r - 1) { rows *= shape[d] }
        if n == 0 || rows == 0 { return }
        var index = [Int](repeating: 0, count: r)
        var oa = 0, ob = 0
        for _ in 0..<rows {
            body(n, oa, ob, sa[r - 1], sb[r - 1])
            // Advance the multi-index over the outer axes like an odometer.
            var d = r - 2
            while d >= 0 {
                index[d] += 1; oa += sa[d]; ob += sb[d]
                if index[d] < shape[d] { break }
                oa -= sa[d] * shape[d]; ob -= sb[d] * shape[d]; index[d] = 0
                d -= 1
            }
        }
    }

    /// As `forEachRow(shape:_:_:_:)` for three views; offsets and row strides come as triples.
    @inline(__always)
    public static func forEachRow(shape: [Int], _ sa: [Int], _ sb: [Int], _ sc: [Int],
                                  _ body: (Int, (Int, Int, Int), (Int, Int, Int)) -> Void) {
        let r = shape.count
        if r == 0 { body(1, (0, 0, 0), (0, 0, 0)); return }
        let n = shape[r - 1]
        var rows = 1
        for d in 0..<(r - 1) { rows *= shape[d] }
        if n == 0 || rows == 0 { return }
        var index = [Int](repeating: 0, count: r)
        var oa = 0, ob = 0, oc = 0
        for _ in 0..<rows {
            body(n, (oa, ob, oc), (sa[r - 1], sb[r - 1], sc[r - 1]))
            var d = r - 2
            while d >= 0 {
                index[d] += 1; oa += sa[d]; ob += sb[d]; oc += sc[d]
                if index[d] < shape[d] { break }
                oa -= sa[d] * shape[d]; ob -= sb[d] * shape[d]; oc -= sc[d] * shape[d]; index[d] = 0
                d -= 1
            }
        }
    }

    // MARK: - Copies

    /// y[i] = value for i < count.
    public static func fill(_ y: UnsafeMutablePointer<Float>, _ value: Float, count: Int) {
        for i in 0..<count { y[i] = value }
    }

    /// Copy between two views of the same shape: y[idx] = x[idx], offsets Σ iₖ·strideₖ.
    /// With contiguous `yStrides` this makes a view contiguous; with a 0 stride in `xStrides`
    /// it materializes a broadcast.
    public static func copyStrided(_ y: UnsafeMutablePointer<Float>, yStrides: [Int],
                                   _ x: UnsafePointer<Float>, xStrides: [Int], shape: [Int]) {
        forEachRow(shape: shape, yStrides, xStrides) { n, yo, xo, sy, sx in
            for j in 0..<n { y[yo + j * sy] = x[xo + j * sx] }
        }
    }

    /// Accumulate between two views of the same shape: y[idx] += x[idx].
    /// With 0 strides in `yStrides` several x elements add into one y element: this is how the
    /// gradient of a broadcast is summed back to the smaller shape, and how the gradient of an
    /// indexing view is scattered into a buffer of the original shape.
    public static func addStrided(_ y: UnsafeMutablePointer<Float>, yStrides: [Int],
                                  _ x: UnsafePointer<Float>, xStrides: [Int], shape: [Int]) {
        forEachRow(shape: shape, yStrides, xStrides) { n, yo, xo, sy, sx in
            for j in 0..<n { y[yo + j * sy] += x[xo + j * sx] }
        }
    }
}

// MARK: - Sequences

extension Reference {
    /// y[i] = start + i·step for i < count (computed in Double, then rounded to Float).
    public static func arange(_ y: UnsafeMutablePointer<Float>, start: Double, step: Double, count: Int) {
        for i in 0..<count { y[i] = Float(start + Double(i) * step) }
    }

    /// y[i] = start + i·(stop − start)/(count − 1) for i < count; y[count−1] = stop exactly
    /// (NumPy `linspace` with endpoint).
    public static func linspace(_ y: UnsafeMutablePointer<Float>, start: Double, stop: Double, count: Int) {
        let step = count > 1 ? (stop - start) / Double(count - 1) : 0
        for i in 0..<count { y[i] = Float(start + Double(i) * step) }
        if count > 1 { y[count - 1] = Float(stop) }
    }

    /// y[i, i] = value for i < min(rows, cols); other elements are left as they are.
    /// - Parameters: y (rows×cols).
    public static func fillDiagonal(_ y: UnsafeMutablePointer<Float>, _ value: Float, rows: Int, cols: Int) {
        for i in 0..<Swift.min(rows, cols) { y[i * cols + i] = value }
    }
}
