// MARK: - Products, running sums and products, triangles, sorting (plain loops)

// Every loop below reads x as (outer, n, inner) around one axis: element (o, j, i) is at
// (o·n + j)·inner + i.

extension Reference {
    /// y (outer, inner) = Π_j x (outer, n, inner).
    public static func prodAxis(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, outer: Int, n: Int, inner: Int) {
        for o in 0..<outer {
            for i in 0..<inner {
                var p: Float = 1
                for j in 0..<n { p *= x[(o * n + j) * inner + i] }
                y[o * inner + i] = p
            }
        }
    }

    /// The backward of `prodAxis`: dx_j = dy · Π_{k≠j} x_k, from prefix and suffix products
    /// (exact with zeros in x, unlike dy·y/x_j).
    public static func prodAxisBackward(dx: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>,
                                        outer: Int, n: Int, inner: Int) {
        for o in 0..<outer {
            for i in 0..<inner {
                var prefix: Float = 1
                for j in 0..<n {
                    let at = (o * n + j) * inner + i
                    dx[at] = prefix
                    prefix *= x[at]
                }
                var suffix: Float = 1
                for j in stride(from: n - 1, through: 0, by: -1) {
                    let at = (o * n + j) * inner + i
                    dx[at] *= suffix * dy[o * inner + i]
                    suffix *= x[at]
                }
            }
        }
    }

    /// Running sums along the axis: y_j = Σ_{k≤j} x_k, or with `reverse` y_j = Σ_{k≥j} x_k
    /// (the backward of the forward sum). Accumulates in Double.
    public static func cumsumAxis(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, outer: Int, n: Int, inner: Int,
                                  reverse: Bool = false) {
        for o in 0..<outer {
            for i in 0..<inner {
                var s = 0.0
                for step in 0..<n {
                    let j = reverse ? n - 1 - step : step
                    let at = (o * n + j) * inner + i
                    s += Double(x[at])
                    y[at] = Float(s)
                }
            }
        }
    }

    /// Running products along the axis: y_j = Π_{k≤j} x_k.
    public static func cumprodAxis(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, outer: Int, n: Int, inner: Int) {
        for o in 0..<outer {
            for i in 0..<inner {
                var p: Float = 1
                for j in 0..<n {
                    let at = (o * n + j) * inner + i
                    p *= x[at]
                    y[at] = p
                }
            }
        }
    }

    /// The backward of `cumprodAxis`: dx_k = Σ_{j≥k} dy_j · Π_{m≤j, m≠k} x_m, written out with a
    /// running product that skips x_k (exact with zeros; O(n²) per row).
    public static func cumprodAxisBackward(dx: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>,
                                           outer: Int, n: Int, inner: Int) {
        for o in 0..<outer {
            for i in 0..<inner {
                func at(_ j: Int) -> Int { (o * n + j) * inner + i }
                var before: Float = 1   // Π_{m<k} x_m
                for k in 0..<n {
                    var total: Float = 0
                    var skip = before      // Π_{m≤j, m≠k} x_m for j = k
                    for j in k..<n {
                        if j > k { skip *= x[at(j)] }
                        total += dy[at(j)] * skip
                    }
                    dx[at(k)] = total
                    before *= x[at(k)]
                }
            }
        }
    }

    /// y = x with the elements above (`lower`) or below the k-th diagonal set to 0, for each of
    /// `batch` (rows, cols) matrices: tril keeps j − i ≤ k, triu keeps j − i ≥ k.
    public static func triangle(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, batch: Int, rows: Int, cols: Int,
                                k: Int, lower: Bool) {
        for b in 0..<batch {
            for r in 0..<rows {
                for c in 0..<cols {
                    let at = (b * rows + r) * cols + c
                    let keep = lower ? c - r <= k : c - r >= k
                    y[at] = keep ? x[at] : 0
                }
            }
        }
    }

    /// The positions that sort each lane (o, ·, i) along the axis, ascending or descending, stable
    /// (equal values keep their order); NaN counts as larger than every number (as PyTorch).
    /// index (outer, n, inner) holds positions in 0..<n.
    public static func argsortAxis(index: UnsafeMutablePointer<Int>, _ x: UnsafePointer<Float>, outer: Int, n: Int, inner: Int,
                                   descending: Bool) {
        var lane = [Int](repeating: 0, count: n)
        for o in 0..<outer {
            for i in 0..<inner {
                func value(_ j: Int) -> Float { x[(o * n + j) * inner + i] }
                for j in 0..<n { lane[j] = j }
                func before(_ a: Int, _ b: Int) -> Bool {
                    let va = value(a), vb = value(b)
                    if va.isNaN || vb.isNaN {
                        if va.isNaN && vb.isNaN { return false }
                        return descending ? va.isNaN : vb.isNaN
                    }
                    return descending ? va > vb : va < vb
                }
                // Insertion into a merge sort: stable, O(n log n).
                lane = mergeSorted(lane, before)
                for j in 0..<n { index[(o * n + j) * inner + i] = lane[j] }
            }
        }
    }

    /// A stable merge sort of `a` by `before`.
    static func mergeSorted(_ a: [Int], _ before: (Int, Int) -> Bool) -> [Int] {
        guard a.count > 1 else { return a }
        var src = a, dst = a
        var width = 1
        while width < a.count {
            var lo = 0
            while lo < a.count {
                let mid = Swift.min(lo + width, a.count), hi = Swift.min(lo + 2 * width, a.count)
                var l = lo, r = mid, k = lo
                while l < mid && r < hi {
                    if before(src[r], src[l]) { dst[k] = src[r]; r += 1 } else { dst[k] = src[l]; l += 1 }
                    k += 1
                }
                while l < mid { dst[k] = src[l]; l += 1; k += 1 }
                while r < hi { dst[k] = src[r]; r += 1; k += 1 }
                lo = hi
            }
            swap(&src, &dst)
            width *= 2
        }
        return src
    }

    /// torch.gather along the middle axis: x (outer, n, inner), index (outer, m, inner) of
    /// positions in 0..<n, y (outer, m, inner): y[o, j, i] = x[o, index[o, j, i], i].
    public static func gatherAlong(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, index: UnsafePointer<Int>,
                                   outer: Int, n: Int, m: Int, inner: Int) {
        for o in 0..<outer {
            for j in 0..<m {
                for i in 0..<inner {
                    let at = (o * m + j) * inner + i
                    y[at] = x[(o * n + index[at]) * inner + i]
                }
            }
        }
    }

    /// The backward of `gatherAlong`: dx[o, index[o, j, i], i] += dy[o, j, i]; dx holds zeros on entry.
    public static func scatterAddAlong(dx: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>, index: UnsafePointer<Int>,
                                       outer: Int, n: Int, m: Int, inner: Int) {
        for o in 0..<outer {
            for j in 0..<m {
                for i in 0..<inner {
                    let at = (o * m + j) * inner + i
                    dx[(o * n + index[at]) * inner + i] += dy[at]
                }
            }
        }
    }
}
