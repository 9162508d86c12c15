// MARK: - Products, running sums and products, triangles, sorting, gather along an axis

// Plain loops (`Reference+Scan.swift`); shapes as (outer, n, inner) around one axis.
extension Kernels {
    /// Π along the axis (`Reference.prodAxis`).
    public static func prodAxis(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, outer: Int, n: Int, inner: Int) {
        Reference.prodAxis(y, x, outer: outer, n: n, inner: inner)
    }
    /// dx_j = dy · Π_{k≠j} x_k (`Reference.prodAxisBackward`).
    public static func prodAxisBackward(dx: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>,
                                        outer: Int, n: Int, inner: Int) {
        Reference.prodAxisBackward(dx: dx, dy: dy, x, outer: outer, n: n, inner: inner)
    }
    /// Running sums, forward or from the end (`Reference.cumsumAxis`).
    public static func cumsumAxis(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, outer: Int, n: Int, inner: Int,
                                  reverse: Bool = false) {
        Reference.cumsumAxis(y, x, outer: outer, n: n, inner: inner, reverse: reverse)
    }
    /// Running products (`Reference.cumprodAxis`).
    public static func cumprodAxis(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, outer: Int, n: Int, inner: Int) {
        Reference.cumprodAxis(y, x, outer: outer, n: n, inner: inner)
    }
    /// The backward of running products (`Reference.cumprodAxisBackward`).
    public static func cumprodAxisBackward(dx: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>,
                                           outer: Int, n: Int, inner: Int) {
        Reference.cumprodAxisBackward(dx: dx, dy: dy, x, outer: outer, n: n, inner: inner)
    }
    /// tril / triu of each matrix (`Reference.triangle`).
    public static func triangle(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, batch: Int, rows: Int, cols: Int,
                                k: Int, lower: Bool) {
        Reference.triangle(y, x, batch: batch, rows: rows, cols: cols, k: k, lower: lower)
    }
    /// Stable sorting positions along the axis (`Reference.argsortAxis`).
    public static func argsortAxis(index: UnsafeMutablePointer<Int>, _ x: UnsafePointer<Float>, outer: Int, n: Int, inner: Int,
                                   descending: Bool) {
        Reference.argsortAxis(index: index, x, outer: outer, n: n, inner: inner, descending: descending)
    }
    /// torch.gather along the axis (`Reference.gatherAlong`).
    public static func gatherAlong(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, index: UnsafePointer<Int>,
                                   outer: Int, n: Int, m: Int, inner: Int) {
        Reference.gatherAlong(y, x, index: index, outer: outer, n: n, m: m, inner: inner)
    }
    /// Its backward, a scatter-add (`Reference.scatterAddAlong`).
    public static func scatterAddAlong(dx: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>, index: UnsafePointer<Int>,
                                       outer: Int, n: Int, m: Int, inner: Int) {
        Reference.scatterAddAlong(dx: dx, dy: dy, index: index, outer: outer, n: n, m: m, inner: inner)
    }
}
