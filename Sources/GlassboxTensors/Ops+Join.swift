/// concat and stack: copies of several tensors into one; backward hands each input its slice.

extension OpSpec {
    static let concat = join(.concat)
    static let stack = join(.stack)

    /// `concat(a, b, axis=0)`
    static func join(_ op: Op) -> OpSpec {
        OpSpec(op, .math, formula: { o in .call(op.name, o.labels, extra: o.attribute("axis").map { ["axis=\($0)"] } ?? []) },
               derivative: .rule { o in
                   DerivativeRule(local: "each piece gets its own slice of the gradient",
                                  gradients: o.labels.map { "the slice of \(o.g.text) that \($0.text) filled" })
               })
    }
}

extension Ops {

    /// Joins tensors along an existing axis (NumPy `concatenate`); every other dimension must match.
    public static func concat(_ xs: [Tensor], axis: Int = 0) throws -> Tensor {
        try join(xs, axis: axis, isStack: false)
    }

    /// Joins tensors of one shape along a new axis (NumPy `stack`).
    public static func stack(_ xs: [Tensor], axis: Int = 0) throws -> Tensor {
        try join(xs, axis: axis, isStack: true)
    }

    static func join(_ xs: [Tensor], axis: Int, isStack: Bool) throws -> Tensor {
        let op: Op = isStack ? .stack : .concat
        let name = op.name
        guard let first = xs.first else {
            throw TensorError.invalidArgument(op: name, message: "needs at least one tensor")
        }
        let a = try Shape.normalizeAxis(axis, rank: first.rank + (isStack ? 1 : 0), op: name)
        var outShape = first.shape
        if isStack { outShape.insert(xs.count, at: a) } else { outShape[a] = 0 }
        for x in xs {
            let fits = isStack ? x.shape == first.shape
                : x.rank == first.rank && zip(x.shape, first.shape).enumerated().allSatisfy { $0.offset == a || $0.element.0 == $0.element.1 }
            guard fits else {
                let detail = isStack ? "all tensors must have the same shape" : "all dimensions except axis \(a) must match"
                throw TensorError.shapeMismatch(op: name, first.shape, x.shape, detail: detail)
            }
            if !isStack { outShape[a] += x.shape[a] }
        }
        let y = try Tensor.uninitialized(outShape, op: name)
        // Where input k lands in y: an offset along the axis, and y's strides seen with x's shape.
        var placements: [(offset: Int, strides: [Int])] = []
        var start = 0
        for x in xs {
            var strides = y.strides
            if isStack { strides.remove(at: a) }
            placements.append((start * y.strides[a], strides))
            Kernels.copyStrided(y.pointer + start * y.strides[a], yStrides: strides, x.pointer, xStrides: x.strides, shape: x.shape)
            start += isStack ? 1 : x.shape[a]
        }
        if Tensor.recording(xs) {
            let shapes = xs.map(\.shape)
            y.record(op, xs) { g in
                let gc = try g.contiguous(op: name)
                return zip(shapes, placements).map { shape, place in
                    Tensor(storage: gc.storage, shape: shape, strides: place.strides, offset: gc.offset + place.offset,
                           isContiguous: Shape.isContiguous(shape, place.strides))
                }
            }
        }
        if let listener = Trace.listener {
            listener.opDidRun(OpEvent(op: op, inputs: xs, outputs: [y], attributes: [("axis", String(a))]))
        }
        return y
    }
}
