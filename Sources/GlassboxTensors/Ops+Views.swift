/// Views: results that share storage with their input (reshape of a contiguous tensor, transpose,
/// indexing and slicing), and the copies that undo them in backward.

/// One entry of an index expression `x[…]`, one per axis from the left.
public enum IndexSpec: Equatable, Sendable {
    /// A single position (negative counts from the end); removes the axis.
    case index(Int)
    /// `start:stop:step` with NumPy's rules (nil = default; negative start/stop count from the
    /// end; a negative step walks backwards; step 0 is an error). Keeps the axis.
    case slice(start: Int?, stop: Int?, step: Int?)
    /// `None` — a new axis of size 1 here (NumPy `np.newaxis`); consumes no axis of the input.
    case newAxis
    /// `...` — as many `:` as the other entries leave axes (at most one per index).
    case ellipsis

    /// `:` — the whole axis.
    public static let all = IndexSpec.slice(start: nil, stop: nil, step: nil)
}

// MARK: - Reshape

extension OpSpec {
    /// Shown as written (`reshape(x, 3, 2)`): the numbers are the same, only the shape changes.
    static let reshape = OpSpec(
        .reshape, .source,
        derivative: .rule { o in
            DerivativeRule(local: "the same numbers in a new shape: the gradient is reshaped back",
                           gradients: ["reshape(\(o.g.text), \(Shape.text(o.inputs.first?.shape ?? [])))"])
        })
}

extension Ops {
    /// The same elements in a new shape (row-major order); one dimension may be −1 to be inferred.
    /// A view when `x` is contiguous, else a copy. Backward: reshape the gradient back.
    public static func reshape(_ x: Tensor, _ shape: [Int]) throws -> Tensor {
        let name = Op.reshape.name
        let target = try inferShape(shape, count: x.count, from: x.shape, op: name)
        let xc = try x.contiguous(op: name)
        let y = Tensor(storage: xc.storage, shape: target, strides: Shape.contiguousStrides(target),
                       offset: xc.offset, isContiguous: true)
        if Tensor.recording(x) {
            let original = x.shape
            y.record(.reshape, [x]) { g in [try reshape(g, original)] }
        }
        if let listener = Trace.listener {
            listener.opDidRun(OpEvent(op: .reshape, inputs: [x], outputs: [y], attributes: [("shape", TensorError.format(target))]))
        }
        return y
    }

    static func inferShape(_ shape: [Int], count: Int, from original: [Int], op: String) throws -> [Int] {
        try Shape.checkRank(shape, op: op)
        var known = 1, inferAt: Int? = nil
        for (k, d) in shape.enumerated() {
            if d == -1 && inferAt == nil { inferAt = k; continue }
            guard d >= 0 else { throw TensorError.invalidDimension(op: op, value: Double(d)) }
            let (p, overflow) = known.multipliedReportingOverflow(by: d)
            guard !overflow else { throw TensorError.shapeMismatch(op: op, original, shape, detail: "different sizes") }
            known = p
        }
        var out = shape
        if let k = inferAt {
            guard known > 0, count % known == 0 else {
                throw TensorError.shapeMismatch(op: op, original, shape, detail: "cannot infer the −1 dimension")
            }
            out[k] = count / known
        } else if known != count {
            throw TensorError.shapeMismatch(op: op, original, shape, detail: "\(count) elements cannot become \(known)")
        }
        if count == 0 { try Shape.checkEmpty(out, op: op) }
        return out
    }
}

// MARK: - Transpose

extension OpSpec {
    static let transpose = OpSpec(
        .transpose, .math, formula: { .transposed($0.a(0)) },
        derivative: .rule { o in
            DerivativeRule(local: "a view with the axes reordered: the gradient is reordered back",
                           gradients: [Formula.transposed(o.g).text])
        })
    static let permute = OpSpec(
        .permute, .source,
        derivative: .rule { o in
            DerivativeRule(local: "a view with the axes reordered: the gradient is reordered back",
                           gradients: ["\(o.g.text) with the axes put back"])
        })
}

extension Ops {
    /// Reverses the axes (NumPy `x.T`): a matrix's transpose; a vector or scalar is unchanged.
    public static func transpose(_ x: Tensor) throws -> Tensor {
        try permute(x, Array((0..<x.rank).reversed()), op: .transpose)
    }

    /// Swaps two axes (PyTorch `x.transpose(a, b)`); negative axes count from the end.
    public static func swapAxes(_ x: Tensor, _ a: Int, _ b: Int) throws -> Tensor {
        let i = try Shape.normalizeAxis(a, rank: x.rank, op: "transpose")
        let j = try Shape.normalizeAxis(b, rank: x.rank, op: "transpose")
        var axes = Array(0..<x.rank)
        axes.swapAt(i, j)
        return try permute(x, axes, op: .transpose)
    }

    /// Reorders the axes: result axis k is input axis `axes[k]` (NumPy `transpose(x, axes)`). A view.
    public static func permute(_ x: Tensor, _ axes: [Int], op: Op = .permute) throws -> Tensor {
        let name = op.name
        guard axes.count == x.rank else {
            throw TensorError.invalidArgument(op: name, message: "expected \(x.rank) axes, got \(axes.count)")
        }
        var normalized = [Int](), seen = Set<Int>()
        for a in axes {
            let n = try Shape.normalizeAxis(a, rank: x.rank, op: name)
            guard seen.insert(n).inserted else {
                throw TensorError.invalidArgument(op: name, message: "axis \(a) appears twice")
            }
            normalized.append(n)
        }
        let shape = normalized.map { x.shape[$0] }, strides = normalized.map { x.strides[$0] }
        let y = Tensor(storage: x.storage, shape: shape, strides: strides, offset: x.offset,
                       isContiguous: Shape.isContiguous(shape, strides))
        if Tensor.recording(x) {
            var inverse = [Int](repeating: 0, count: normalized.count)
            for (k, a) in normalized.enumerated() { inverse[a] = k }
            y.record(op, [x]) { g in [try permute(g, inverse, op: op)] }
        }
        if let listener = Trace.listener { listener.opDidRun(OpEvent(op: op, inputs: [x], outputs: [y])) }
        return y
    }
}

// MARK: - Indexing

extension OpSpec {
    /// Shown as written (`x[0, 1:3]`).
    static let index = OpSpec(
        .index, .source,
        derivative: .rule { o in
            DerivativeRule(local: "\(o.out) picks elements of \(o.a(0).text): each picked element gets its gradient, the rest 0",
                           gradients: ["\(o.g.text) placed into zeros shaped like \(o.a(0).text)"])
        })
}

extension Ops {
    /// `x[s₀, s₁, …]` with NumPy's basic indexing: integers pick (and drop the axis), slices keep it,
    /// `None` inserts an axis of size 1, `...` stands for every axis the others leave; missing
    /// trailing specs mean `:`. Always a view. Backward scatters the gradient into zeros.
    public static func index(_ x: Tensor, _ specs: [IndexSpec]) throws -> Tensor {
        let name = Op.index.name
        let view = try viewGeometry(shape: x.shape, strides: x.strides, offset: x.offset, specs, op: name)
        let y = Tensor(storage: x.storage, shape: view.shape, strides: view.strides, offset: view.offset,
                       isContiguous: Shape.isContiguous(view.shape, view.strides))
        if Tensor.recording(x) {
            let xShape = x.shape
            y.record(.index, [x]) { g in
                let dx = try Tensor.filled(xShape, 0, op: name)
                let target = try viewGeometry(shape: xShape, strides: dx.strides, offset: 0, specs, op: name)
                Kernels.addStrided(dx.pointer + target.offset, yStrides: target.strides, g.pointer, xStrides: g.strides, shape: g.shape)
                return [dx]
            }
        }
        if let listener = Trace.listener { listener.opDidRun(OpEvent(op: .index, inputs: [x], outputs: [y])) }
        return y
    }

    /// Shape, strides and offset of `x[specs]` for a tensor laid out by (`shape`, `strides`, `offset`).
    static func viewGeometry(shape: [Int], strides: [Int], offset: Int, _ specs: [IndexSpec], op: String) throws
        -> (shape: [Int], strides: [Int], offset: Int) {
        let expanded = try expandEllipsis(specs, rank: shape.count, op: op)
        var outShape: [Int] = [], outStrides: [Int] = [], position = offset, axis = 0
        for spec in expanded {
            switch spec {
            case .newAxis:
                outShape.append(1)
                outStrides.append(0)
                continue
            case .ellipsis:
                continue  // expanded into `:` above
            case .index(let i):
                position += try Shape.normalizeIndex(i, size: shape[axis], axis: axis, op: op) * strides[axis]
            case let .slice(start, stop, step):
                let s = step ?? 1
                guard s != 0 else { throw TensorError.invalidArgument(op: op, message: "slice step cannot be 0") }
                let (first, length) = sliceRange(start: start, stop: stop, step: s, size: shape[axis])
                if length > 0 { position += first * strides[axis] }
                outShape.append(length)
                // with two or more elements |step| < size, so the product cannot overflow
                outStrides.append(length > 1 ? strides[axis] * s : strides[axis])
            }
            axis += 1
        }
        return (outShape, outStrides, position)
    }

    /// `specs` with the `...` replaced by as many `:` as the axes the other entries leave, and `:`
    /// appended for any axes still missing, so that every axis of a rank-`rank` tensor has an
    /// entry (`.newAxis` entries stay where they are and take no axis).
    static func expandEllipsis(_ specs: [IndexSpec], rank: Int, op: String) throws -> [IndexSpec] {
        let taking = specs.filter { $0 != .newAxis && $0 != .ellipsis }.count
        guard taking <= rank else {
            throw TensorError.invalidArgument(op: op, message: "too many indices (\(taking)) for a rank-\(rank) tensor")
        }
        let ellipses = specs.filter { $0 == .ellipsis }.count
        guard ellipses <= 1 else {
            throw TensorError.invalidArgument(op: op, message: "an index can have only one `...`")
        }
        let fill = [IndexSpec](repeating: .all, count: rank - taking)
        guard let e = specs.firstIndex(of: .ellipsis) else { return specs + fill }
        return Array(specs[..<e]) + fill + Array(specs[(e + 1)...])
    }

    /// NumPy's slice rules (`PySlice_AdjustIndices`): the first index and the number of elements.
    static func sliceRange(start: Int?, stop: Int?, step: Int, size n: Int) -> (first: Int, length: Int) {
        func adjust(_ v: Int, low: Int, high: Int) -> Int {
            let w = v < 0 ? v + n : v
            return Swift.min(Swift.max(w, low), high)
        }
        let first: Int, end: Int
        if step > 0 {
            first = start.map { adjust($0, low: 0, high: n) } ?? 0
            end = stop.map { adjust($0, low: 0, high: n) } ?? n
            return (first, end > first ? (end - first - 1) / step + 1 : 0)
        } else {
            first = start.map { adjust($0, low: -1, high: n - 1) } ?? n - 1
            end = stop.map { adjust($0, low: -1, high: n - 1) } ?? -1
            guard first > end else { return (first, 0) }
            return (first, step == Int.min ? 1 : (first - end - 1) / (-step) + 1)
        }
    }
}

// MARK: - Undoing a broadcast

extension Ops {
    /// Sums `g` down to `shape`, which must broadcast to `g.shape`: the gradient of a broadcast.
    /// Returns `g` itself when the shapes already agree.
    static func sumTo(_ g: Tensor, _ shape: [Int], op: String) throws -> Tensor {
        if g.shape == shape { return g }
        guard (try? Shape.broadcast(shape, g.shape, op: op)) == g.shape else {
            throw TensorError.shapeMismatch(op: op, shape, g.shape, detail: "gradient does not broadcast")
        }
        if g.isContiguous, g.count > 0, let block = summedBlock(g.shape, to: shape) {
            // The common cases — a bias's gradient (rows summed), a scalar's (everything) — as
            // one reduction kernel instead of the element-by-element strided loop.
            let out = try Tensor.uninitialized(shape, op: op)
            Kernels.sumAxis(out.pointer, g.pointer, outer: block.outer, n: block.n, inner: block.inner)
            return out
        }
        let out = try Tensor.filled(shape, 0, op: op)
        Kernels.addStrided(out.pointer, yStrides: Shape.broadcastStrides(shape, out.strides, to: g.shape),
                           g.pointer, xStrides: g.strides, shape: g.shape)
        return out
    }

    /// When summing an array of shape `from` down to `to` (which broadcasts to `from`) adds up
    /// one run of adjacent axes — [64, 128] → [128], [32, 128] → [], [8, 5, 3] → [8, 1, 3] —
    /// the row-major (outer, n, inner) split for `Kernels.sumAxis`; nil when the summed axes
    /// are not adjacent ([4, 5, 6] → [5, 1]).
    static func summedBlock(_ from: [Int], to: [Int]) -> (outer: Int, n: Int, inner: Int)? {
        let pad = from.count - to.count
        guard pad >= 0 else { return nil }
        var first = from.count, last = -1
        for i in 0..<from.count where (i < pad ? 1 : to[i - pad]) != from[i] {
            first = Swift.min(first, i)
            last = i
        }
        if last < 0 { return (outer: from.reduce(1, *), n: 1, inner: 1) }
        for i in first...last where from[i] != 1 && (i < pad ? 1 : to[i - pad]) == from[i] {
            return nil  // a kept axis between summed ones
        }
        return (outer: from[..<first].reduce(1, *), n: from[first...last].reduce(1, *),
                inner: from[(last + 1)...].reduce(1, *))
    }

    /// A contiguous copy of `x` broadcast to `shape` (NumPy `broadcast_to` followed by a copy).
    static func expand(_ x: Tensor, _ shape: [Int], op: String) throws -> Tensor {
        if x.shape == shape { return x }
        guard try Shape.broadcast(x.shape, shape, op: op) == shape else {
            throw TensorError.shapeMismatch(op: op, x.shape, shape, detail: "cannot broadcast")
        }
        let y = try Tensor.uninitialized(shape, op: op)
        if x.count == 1 {
            // A scalar's gradient spread over the input of a sum or mean: a plain fill.
            Kernels.fill(y.pointer, x.pointer[0], count: y.count)
            return y
        }
        Kernels.copyStrided(y.pointer, yStrides: y.strides, x.pointer,
                            xStrides: Shape.broadcastStrides(x.shape, x.strides, to: shape), shape: shape)
        return y
    }
}
