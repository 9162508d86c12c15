/// Ops that move elements: broadcasting a view (`expand`), triangles (`tril`, `triu`), padding,
/// gathering along an axis (PyTorch `torch.gather`) and sorting (`sort`, `argsort`, `topk`).

// MARK: - Specs

extension OpSpec {
    /// Shown as written (`expand(x, 3, 4)`): a view that repeats along axes of size 1.
    static let expand = OpSpec(
        .expand, .source,
        derivative: .rule { o in
            DerivativeRule(local: "each element of \(o.a(0).text) appears several times: its gradients add up",
                           gradients: ["\(o.g.text) summed over the expanded axes"])
        })
    /// Shown as written (`diagonal(A)`): a view of the elements with equal indices on two axes.
    static let diagonal = OpSpec(
        .diagonal, .source,
        derivative: .rule { o in
            DerivativeRule(local: "\(o.out) is a view of \(o.a(0).text)'s diagonal: each element gets its gradient, the rest 0",
                           gradients: ["\(o.g.text) placed on the diagonal of zeros shaped like \(o.a(0).text)"])
        })
    static let tril = triangle(.tril, "j − i ≤ k")
    static let triu = triangle(.triu, "j − i ≥ k")
    static func triangle(_ op: Op, _ kept: String) -> OpSpec {
        OpSpec(op, .math, formula: { o in .call(op.name, o.labels, extra: o.attribute("k").map { ["k=\($0)"] } ?? []) },
               derivative: .rule { o in
                   DerivativeRule(local: "\(o.d(0)) = 1 where \(kept), else 0",
                                  gradients: ["\(op.name)(\(o.g.text))"])
               })
    }
    static let pad = OpSpec(
        .pad, .source,
        derivative: .rule { o in
            DerivativeRule(local: "\(o.a(0).text) sits inside the padded result; the padding is constant",
                           gradients: ["the part of \(o.g.text) where \(o.a(0).text) sits"])
        })
    static let gather = OpSpec(
        .gather, .math,
        formula: { o in .call("gather", o.labels, extra: o.attribute("axis").map { ["axis=\($0)"] } ?? []) },
        derivative: .rule { o in
            DerivativeRule(local: "\(o.out) copies elements of \(o.a(0).text) chosen by the index",
                           gradients: ["\(o.g.text) scattered back to where each element came from (scatter-add)", nil])
        })
    static let sort = OpSpec(
        .sort, .math,
        formula: { o in .call("sort", o.labels, extra: o.attributes.map { "\($0.name)=\($0.value)" }) },
        derivative: .rule { o in
            DerivativeRule(local: "the values are \(o.a(0).text)'s elements in a new order",
                           gradients: ["\(o.g.text) put back in \(o.a(0).text)'s order"])
        }, outputSymbols: ["values", "indices"])
}

// MARK: - expand, tril, triu, pad

extension Ops {
    /// PyTorch `x.expand(sizes)`: a view of x broadcast to `shape` (axes of size 1 repeat, new
    /// leading axes may be added; −1 keeps a size). Backward: the gradient summed back to x's shape.
    public static func expand(_ x: Tensor, _ shape: [Int]) throws -> Tensor {
        let name = Op.expand.name
        guard shape.count >= x.rank else {
            throw TensorError.shapeMismatch(op: name, x.shape, shape, detail: "the new shape needs at least \(x.rank) axes")
        }
        let pad = shape.count - x.rank
        var target = shape
        for (k, d) in shape.enumerated() where d == -1 {
            guard k >= pad else { throw TensorError.invalidArgument(op: name, message: "−1 cannot stand for a new axis") }
            target[k] = x.shape[k - pad]
        }
        guard (try? Shape.broadcast(x.shape, target, op: name)) == target, target.allSatisfy({ $0 >= 0 }) else {
            throw TensorError.shapeMismatch(op: name, x.shape, target, detail: "only axes of size 1 can expand")
        }
        let strides = Shape.broadcastStrides(x.shape, x.strides, to: target)
        let y = Tensor(storage: x.storage, shape: target, strides: strides, offset: x.offset,
                       isContiguous: Shape.isContiguous(target, strides))
        if Tensor.recording(x) {
            let xShape = x.shape
            y.record(.expand, [x]) { g in [try sumTo(g.contiguous(op: name), xShape, op: name)] }
        }
        if let listener = Trace.listener { listener.opDidRun(OpEvent(op: .expand, inputs: [x], outputs: [y])) }
        return y
    }

    /// The diagonal of axes a and b (NumPy `diagonal(x, 0, a, b)`, PyTorch `torch.diagonal`): a view
    /// with both axes replaced by one last axis of length min(size_a, size_b), stepping by the sum
    /// of their strides. Backward: the gradient placed on the diagonal of zeros.
    public static func diagonal(_ x: Tensor, axis1: Int = 0, axis2: Int = 1) throws -> Tensor {
        let name = Op.diagonal.name
        let a = try Shape.normalizeAxis(axis1, rank: x.rank, op: name), b = try Shape.normalizeAxis(axis2, rank: x.rank, op: name)
        guard a != b else { throw TensorError.invalidArgument(op: name, message: "the two axes must differ, got \(a) twice") }
        func geometry(_ strides: [Int]) -> (shape: [Int], strides: [Int]) {
            var shape: [Int] = [], out: [Int] = []
            for d in 0..<x.rank where d != a && d != b { shape.append(x.shape[d]); out.append(strides[d]) }
            return (shape + [Swift.min(x.shape[a], x.shape[b])], out + [strides[a] + strides[b]])
        }
        let view = geometry(x.strides)
        let y = Tensor(storage: x.storage, shape: view.shape, strides: view.strides, offset: x.offset,
                       isContiguous: Shape.isContiguous(view.shape, view.strides))
        if Tensor.recording(x) {
            let xShape = x.shape
            y.record(.diagonal, [x]) { g in
                let dx = try Tensor.filled(xShape, 0, op: name)
                Kernels.addStrided(dx.pointer, yStrides: geometry(dx.strides).strides, g.pointer, xStrides: g.strides, shape: g.shape)
                return [dx]
            }
        }
        if let listener = Trace.listener { listener.opDidRun(OpEvent(op: .diagonal, inputs: [x], outputs: [y])) }
        return y
    }

    /// The lower triangle of each matrix (the last two axes): elements with j − i ≤ k kept, the rest 0
    /// (NumPy / PyTorch `tril`; k = 0 the main diagonal, k < 0 below it).
    public static func tril(_ x: Tensor, k: Int = 0) throws -> Tensor { try triangle(x, k: k, op: .tril) }

    /// The upper triangle: elements with j − i ≥ k kept (`triu`).
    public static func triu(_ x: Tensor, k: Int = 0) throws -> Tensor { try triangle(x, k: k, op: .triu) }

    static func triangle(_ x: Tensor, k: Int, op: Op) throws -> Tensor {
        let name = op.name
        guard x.rank >= 2 else {
            throw TensorError.invalidArgument(op: name, message: "needs a matrix (or a stack of them), got shape \(Shape.text(x.shape))")
        }
        let rows = x.shape[x.rank - 2], cols = x.shape[x.rank - 1], batch = x.count / Swift.max(rows * cols, 1)
        let xc = try x.contiguous(op: name)
        let y = try Tensor.uninitialized(like: xc, op: name)
        let lower = op == .tril
        Kernels.triangle(y.pointer, xc.pointer, batch: rows * cols == 0 ? 0 : batch, rows: rows, cols: cols, k: k, lower: lower)
        if Tensor.recording(x) {
            y.record(op, [x]) { g in
                let gc = try g.contiguous(op: name)
                let dx = try Tensor.uninitialized(like: gc, op: name)
                Kernels.triangle(dx.pointer, gc.pointer, batch: rows * cols == 0 ? 0 : batch, rows: rows, cols: cols, k: k, lower: lower)
                return [dx]
            }
        }
        if let listener = Trace.listener {
            listener.opDidRun(OpEvent(op: op, inputs: [x], outputs: [y], attributes: k == 0 ? [] : [("k", String(k))]))
        }
        return y
    }

    /// PyTorch `F.pad(x, widths, value=)` (constant mode): `widths` pairs (before, after) from the
    /// last axis backwards — (left, right) of the last axis, then (top, bottom) of the one before…
    /// Widths must be ≥ 0. Backward: the slice of the gradient where x sits.
    public static func pad(_ x: Tensor, _ widths: [Int], value: Float = 0) throws -> Tensor {
        let name = Op.pad.name
        guard widths.count % 2 == 0, widths.count / 2 <= x.rank else {
            throw TensorError.invalidArgument(op: name, message: "widths must come in (before, after) pairs, at most one pair per axis "
                                              + "(\(x.rank) here), got \(widths.count) numbers")
        }
        guard widths.allSatisfy({ $0 >= 0 }) else {
            throw TensorError.invalidArgument(op: name, message: "widths must be ≥ 0")
        }
        var before = [Int](repeating: 0, count: x.rank), shape = x.shape
        for pair in 0..<(widths.count / 2) {
            let axis = x.rank - 1 - pair
            before[axis] = widths[2 * pair]
            shape[axis] += widths[2 * pair] + widths[2 * pair + 1]
        }
        let y = try Tensor.filled(shape, value, op: name)
        let offset = zip(before, y.strides).reduce(0) { $0 + $1.0 * $1.1 }
        Kernels.copyStrided(y.pointer + offset, yStrides: y.strides, x.pointer, xStrides: x.strides, shape: x.shape)
        if Tensor.recording(x) {
            let xShape = x.shape
            y.record(.pad, [x]) { g in
                let gc = try g.contiguous(op: name)
                let view = Tensor(storage: gc.storage, shape: xShape, strides: gc.strides, offset: gc.offset + offset,
                                  isContiguous: Shape.isContiguous(xShape, gc.strides))
                return [try view.contiguous(op: name)]
            }
        }
        if let listener = Trace.listener {
            listener.opDidRun(OpEvent(op: .pad, inputs: [x], outputs: [y], attributes: [("value", number(value))]))
        }
        return y
    }
}

// MARK: - gather and sort

extension Ops {
    /// PyTorch `torch.gather(x, axis, index)`: out[…, j, …] = x[…, index[…, j, …], …] along `axis`;
    /// index has x's rank, its other axes no longer than x's (x is read from their start).
    /// Backward: a scatter-add, so an element chosen twice receives both gradients.
    public static func gather(_ x: Tensor, axis: Int, _ index: Tensor) throws -> Tensor {
        let name = Op.gather.name
        guard index.rank == x.rank, x.rank > 0 else {
            throw TensorError.shapeMismatch(op: name, x.shape, index.shape, detail: "index must have x's rank")
        }
        let a = try Shape.normalizeAxis(axis, rank: x.rank, op: name)
        for d in 0..<x.rank where d != a && index.shape[d] > x.shape[d] {
            throw TensorError.shapeMismatch(op: name, x.shape, index.shape, detail: "index is longer than x along axis \(d)")
        }
        // x cut to the index's extent along the other axes (a view), so both split alike.
        let specs = (0..<x.rank).map { d in d == a ? IndexSpec.all : .slice(start: 0, stop: index.shape[d], step: 1) }
        let xs = try GradMode.withDisabled { try Ops.index(x, specs) }
        let n = x.shape[a]
        let positions = try wholeIndices(index, op: name) { value in
            guard let i = wholeNumber(value), i >= -n, i < n else { return .invalidIndex(op: name, value: value, axis: a, size: n) }
            return nil
        }.map { $0 < 0 ? $0 + n : $0 }
        let (outer, m, inner) = Shape.split(index.shape, axis: a)
        let xc = try xs.contiguous(op: name)
        let y = try Tensor.uninitialized(index.shape, op: name)
        positions.withUnsafeBufferPointer { p in
            if let base = p.baseAddress {
                Kernels.gatherAlong(y.pointer, xc.pointer, index: base, outer: outer, n: n, m: m, inner: inner)
            }
        }
        if Tensor.recording(x) {
            let xShape = x.shape, cut = xs.shape
            y.record(.gather, [x, index]) { g in
                let dcut = try scatterAlong(g, into: cut, positions: positions, outer: outer, n: n, m: m, inner: inner, op: name)
                if cut == xShape { return [dcut, nil] }
                return [try pad(dcut, (0..<xShape.count).reversed().flatMap { [0, xShape[$0] - cut[$0]] }), nil]
            }
        }
        if let listener = Trace.listener {
            listener.opDidRun(OpEvent(op: .gather, inputs: [x, index], outputs: [y], attributes: [("axis", String(a))]))
        }
        return y
    }

    /// The backward of a gather along an axis: zeros of `shape` (outer, n, inner) with each
    /// element of g (outer, m, inner) added at its position (`Kernels.scatterAddAlong`).
    static func scatterAlong(_ g: Tensor, into shape: [Int], positions: [Int], outer: Int, n: Int, m: Int, inner: Int,
                             op name: String) throws -> Tensor {
        let gc = try g.contiguous(op: name)
        let dx = try Tensor.filled(shape, 0, op: name)
        positions.withUnsafeBufferPointer { p in
            if let base = p.baseAddress {
                Kernels.scatterAddAlong(dx: dx.pointer, dy: gc.pointer, index: base, outer: outer, n: n, m: m, inner: inner)
            }
        }
        return dx
    }

    /// The positions that sort x along `axis` (stable; NaN last ascending, first descending), as a
    /// tensor of indices (NumPy `argsort`, PyTorch `argsort(stable=True)`). No gradient.
    public static func argsort(_ x: Tensor, axis: Int = -1, descending: Bool = false) throws -> Tensor {
        let name = "argsort"
        if x.rank == 0 { return try Tensor(shape: [], data: [0]) }
        let a = try Shape.normalizeAxis(axis, rank: x.rank, op: name)
        let (outer, n, inner) = Shape.split(x.shape, axis: a)
        let xc = try x.contiguous(op: name)
        var index = [Int](repeating: 0, count: x.count)
        let y = try Tensor.uninitialized(x.shape, op: name)
        index.withUnsafeMutableBufferPointer { p in
            if let base = p.baseAddress {
                Kernels.argsortAxis(index: base, xc.pointer, outer: outer, n: n, inner: inner, descending: descending)
                Kernels.indicesToFloat(y.pointer, base, count: p.count)
            }
        }
        return y
    }

    /// (values, indices): x sorted along `axis` (stable; NaN counts as the largest), and where each
    /// value came from (PyTorch `torch.sort`). The values' gradient goes back to the positions
    /// they came from; the indices have none.
    public static func sort(_ x: Tensor, axis: Int = -1, descending: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        let name = Op.sort.name
        let indices = try argsort(x, axis: axis, descending: descending)
        if x.rank == 0 { return (try GradMode.withDisabled { try reshape(x, []) }, indices) }
        let a = try Shape.normalizeAxis(axis, rank: x.rank, op: name)
        let values = try fused(.sort, [x], attributes: [("axis", String(a))] + (descending ? [("descending", "true")] : [])) {
            try gather(x, axis: a, indices)
        } backward: { _, g in
            let (outer, n, inner) = Shape.split(x.shape, axis: a)
            let positions = indices.toArray().map { Int($0) }
            return [try scatterAlong(g, into: x.shape, positions: positions, outer: outer, n: n, m: n, inner: inner, op: name)]
        }
        return (values, indices)
    }

    /// (values, indices) of the k largest (or smallest) elements along `axis`, largest first
    /// (PyTorch `torch.topk`): the first k of `sort`.
    public static func topk(_ x: Tensor, _ k: Int, axis: Int = -1, largest: Bool = true) throws -> (values: Tensor, indices: Tensor) {
        let name = "topk"
        guard x.rank > 0 else { throw TensorError.invalidArgument(op: name, message: "needs a tensor of rank ≥ 1, got a number") }
        let a = try Shape.normalizeAxis(axis, rank: x.rank, op: name)
        guard k >= 0, k <= x.shape[a] else {
            throw TensorError.invalidArgument(op: name, message: "k must be in 0…\(x.shape[a]) (the size of axis \(a)), got \(k)")
        }
        let (values, indices) = try sort(x, axis: a, descending: largest)
        let specs = (0..<x.rank).map { d in d == a ? IndexSpec.slice(start: 0, stop: k, step: 1) : .all }
        return (try index(values, specs), try GradMode.withDisabled { try index(indices, specs) })
    }
}
