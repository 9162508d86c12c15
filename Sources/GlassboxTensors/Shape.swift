/// Shape arithmetic: element counts, strides, broadcasting, axes and indices.
/// Every check a user's input can fail throws a `TensorError` naming the op.
public enum Shape {
    /// The shape (and strides) of a scalar; one shared empty array.
    public static let scalar: [Int] = []

    /// The one spelling of a shape wherever a learner reads one — error messages, the header of
    /// a printed tensor, `:vars`, `?name`, exercise feedback, walkthrough labels: `2×3` for a
    /// matrix (`2×3×4` for higher ranks), `3-element` for a vector and `scalar` for rank 0.
    /// A vector says `-element` because a bare `3` above `[2, 4, 6]` read as the value.
    public static func text(_ shape: [Int]) -> String {
        switch shape.count {
        case 0: return "scalar"
        case 1: return "\(shape[0])-element"
        default: return shape.map(String.init).joined(separator: "×")
        }
    }

    /// The most axes a tensor may have (NumPy's limit, `NPY_MAXDIMS`). Without a limit,
    /// `zeros(ones(100000))` made a rank-100000 tensor whose printing recursed once per axis
    /// and overflowed the stack (found with the fuzz harness).
    public static let maxRank = 64

    /// ∏ shape, checking the rank is at most `maxRank`, each dimension is ≥ 0 and the product
    /// does not overflow.
    @inline(__always)
    public static func count(_ shape: [Int], op: String) throws -> Int {
        try checkRank(shape, op: op)
        var n = 1
        for d in shape {
            guard d >= 0 else { throw TensorError.invalidDimension(op: op, value: Double(d)) }
            let (p, overflow) = n.multipliedReportingOverflow(by: d)
            guard !overflow else { throw TensorError.allocationTooLarge(op: op, shape: shape, limit: Tensor.allocationLimit) }
            n = p
        }
        if n == 0 { try checkEmpty(shape, op: op) }
        return n
    }

    /// An empty tensor keeps its other dimensions, and kernels loop over them: `zeros(2^50, 0)`
    /// made `x + 1` loop over 2⁵⁰ empty rows without ever checking for Ctrl-C (found with the fuzz
    /// harness). So ∏ max(dᵢ, 1) must stay within `Tensor.allocationLimit` as if the tensor
    /// were full; `zeros(3, 0)` and `zeros(1000, 0)` are fine.
    public static func checkEmpty(_ shape: [Int], op: String) throws {
        let limit = Swift.max(Storage.alwaysAllowed, Tensor.allocationLimit / MemoryLayout<Float>.stride)
        var nominal = 1
        for d in shape {
            let (p, overflow) = nominal.multipliedReportingOverflow(by: Swift.max(d, 1))
            guard !overflow, p <= limit else {
                throw TensorError.allocationTooLarge(op: op, shape: shape, limit: Tensor.allocationLimit)
            }
            nominal = p
        }
    }

    /// Throws unless `shape` has at most `maxRank` axes.
    @inline(__always)
    public static func checkRank(_ shape: [Int], op: String) throws {
        guard shape.count <= maxRank else {
            throw TensorError.invalidArgument(op: op, message: "a tensor has at most \(maxRank) axes, got \(shape.count)")
        }
    }

    /// Row-major strides: the last axis has stride 1.
    @inline(__always)
    public static func contiguousStrides(_ shape: [Int]) -> [Int] {
        if shape.isEmpty { return scalar }
        var strides = [Int](repeating: 1, count: shape.count)
        var s = 1
        for k in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[k] = s
            s &*= shape[k]
        }
        return strides
    }

    /// Whether `strides` lay out `shape` row-major without gaps (axes of size 1 may have any stride).
    public static func isContiguous(_ shape: [Int], _ strides: [Int]) -> Bool {
        var expected = 1
        for k in stride(from: shape.count - 1, through: 0, by: -1) where shape[k] != 1 {
            if shape[k] == 0 { return true }
            if strides[k] != expected { return false }
            expected &*= shape[k]
        }
        return true
    }

    /// A user-given dimension (a number from the language) as an Int: a whole number ≥ 0.
    public static func dimension(_ value: Double, op: String) throws -> Int {
        guard value.isFinite, value >= 0, value == value.rounded(), value < 9.0e15 else {
            throw TensorError.invalidDimension(op: op, value: value)
        }
        return Int(value)
    }

    /// An axis in −rank..<rank as 0..<rank.
    @inline(__always)
    public static func normalizeAxis(_ axis: Int, rank: Int, op: String) throws -> Int {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0 && a < rank else { throw TensorError.invalidAxis(op: op, axis: axis, rank: rank) }
        return a
    }

    /// An index in −size..<size as 0..<size.
    @inline(__always)
    public static func normalizeIndex(_ index: Int, size: Int, axis: Int, op: String) throws -> Int {
        let i = index < 0 ? index + size : index
        guard i >= 0 && i < size else { throw TensorError.indexOutOfRange(op: op, index: index, axis: axis, size: size) }
        return i
    }

    /// NumPy broadcasting: align shapes at the right; each pair of dimensions must be equal or
    /// one of them 1, and the result takes the larger.
    public static func broadcast(_ a: [Int], _ b: [Int], op: String) throws -> [Int] {
        if a == b { return a }
        let r = Swift.max(a.count, b.count)
        var out = [Int](repeating: 1, count: r)
        for k in 0..<r {
            let da = k < r - a.count ? 1 : a[k - (r - a.count)]
            let db = k < r - b.count ? 1 : b[k - (r - b.count)]
            if da == db || db == 1 { out[k] = da } else if da == 1 { out[k] = db } else {
                throw TensorError.shapeMismatch(op: op, a, b, detail: "cannot broadcast")
            }
        }
        return out
    }

    /// The strides that read a tensor of (`shape`, `strides`) as if it had shape `target`
    /// (which it must broadcast to): leading new axes and size-1 axes get stride 0.
    public static func broadcastStrides(_ shape: [Int], _ strides: [Int], to target: [Int]) -> [Int] {
        let lead = target.count - shape.count
        var out = [Int](repeating: 0, count: target.count)
        for k in 0..<shape.count where shape[k] != 1 || target[k + lead] == 1 {
            out[k + lead] = shape[k] == 1 ? 0 : strides[k]
        }
        return out
    }

    /// (outer, n, inner) for a reduction along `axis` of a contiguous `shape`.
    static func split(_ shape: [Int], axis: Int) -> (outer: Int, n: Int, inner: Int) {
        var outer = 1, inner = 1
        for k in 0..<axis { outer *= shape[k] }
        for k in (axis + 1)..<shape.count { inner *= shape[k] }
        return (outer, shape[axis], inner)
    }
}
