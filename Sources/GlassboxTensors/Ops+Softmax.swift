/// softmax, log_softmax and logsumexp along any axis (default the last), numerically stable.
/// The kernels work on rows (the last axis); another axis is first moved last with a copy.

extension OpSpec {
    static let softmax = softmaxLike(.softmax) { o in
        DerivativeRule(local: "∂\(o.out)ᵢ/∂\(o.a(0).text)ⱼ = \(o.out)ᵢ·(δᵢⱼ − \(o.out)ⱼ)",
                       gradients: ["\(o.out) ⊙ (\(o.g.text) − Σⱼ \(o.g.text)ⱼ·\(o.out)ⱼ)"])
    }
    static let logSoftmax = softmaxLike(.logSoftmax) { o in
        DerivativeRule(local: "∂\(o.out)ᵢ/∂\(o.a(0).text)ⱼ = δᵢⱼ − softmax(\(o.a(0).text))ⱼ",
                       gradients: ["\(o.g.text) − softmax(\(o.a(0).text))·Σⱼ \(o.g.text)ⱼ"])
    }
    static let logsumexp = OpSpec(
        .logsumexp, .math, formula: { Formula("log Σ exp(" + $0.a(0).text + ")", .prefix) },
        derivative: .rule { o in
            DerivativeRule(local: "∂\(o.out)/∂\(o.a(0).text)ⱼ = softmax(\(o.a(0).text))ⱼ",
                           gradients: ["\(o.g.text) ⊙ softmax(\(o.a(0).text))"])
        })

    /// `softmax(x)`; `softmax(x, axis=0)` when the axis is not the last.
    static func softmaxLike(_ op: Op, _ rule: @escaping @Sendable (Operands) -> DerivativeRule) -> OpSpec {
        OpSpec(op, .math, formula: { o in
            let rank = o.inputs.first?.rank ?? 0
            let extra = o.attribute("axis").flatMap { rank > 0 && $0 != String(rank - 1) ? ["axis=\($0)"] : nil } ?? []
            return .call(op.name, o.labels, extra: extra)
        }, derivative: .rule(rule))
    }
}

extension Ops {

    /// softmax(x)ᵢ = e^(xᵢ − m) / Σⱼ e^(xⱼ − m), m = max x, along `axis`.
    /// Backward: dx = y ⊙ (dy − Σ dy⊙y).
    public static func softmax(_ x: Tensor, axis: Int = -1) throws -> Tensor {
        try rowwise(x, axis: axis, op: .softmax, forward: Kernels.softmaxRows) { dx, dy, y, rows, cols in
            Kernels.softmaxRowsBackward(dx: dx, dy: dy, y: y, rows: rows, cols: cols)
        }
    }

    /// log_softmax(x)ᵢ = xᵢ − m − ln Σⱼ e^(xⱼ − m), along `axis`.
    /// Backward: dx = dy − softmax(x)·Σ dy.
    public static func logSoftmax(_ x: Tensor, axis: Int = -1) throws -> Tensor {
        try rowwise(x, axis: axis, op: .logSoftmax, forward: Kernels.logSoftmaxRows) { dx, dy, y, rows, cols in
            Kernels.logSoftmaxRowsBackward(dx: dx, dy: dy, y: y, rows: rows, cols: cols)
        }
    }

    /// logsumexp(x) = m + ln Σⱼ e^(xⱼ − m) along `axis` (the axis is removed unless `keepDims`).
    /// Backward: dx = dy · softmax(x).
    public static func logsumexp(_ x: Tensor, axis: Int = -1, keepDims: Bool = false) throws -> Tensor {
        let name = Op.logsumexp.name
        let a = try Shape.normalizeAxis(axis, rank: x.rank, op: name)
        let xr = try moveAxisLast(x, a).contiguous(op: name)
        let cols = x.shape[a], rows = cols == 0 ? 0 : xr.count / cols
        var shape = x.shape
        if keepDims { shape[a] = 1 } else { shape.remove(at: a) }
        let y = try Tensor.uninitialized(shape, op: name)
        if cols == 0 { Kernels.fill(y.pointer, -.infinity, count: y.count) } else {
            Kernels.logSumExpRows(y.pointer, xr.pointer, rows: rows, cols: cols)
        }
        if Tensor.recording(x) {
            let savedY = y.detachedView()
            y.record(.logsumexp, [x]) { g in
                let gc = try g.contiguous(op: name)
                let dxr = try Tensor.uninitialized(like: xr, op: name)
                Kernels.logSumExpRowsBackward(dx: dxr.pointer, dy: gc.pointer, x: xr.pointer, y: savedY.pointer, rows: rows, cols: cols)
                return [try moveLastAxisBack(dxr, a).contiguous(op: name)]
            }
        }
        if let listener = Trace.listener {
            listener.opDidRun(OpEvent(op: .logsumexp, inputs: [x], outputs: [y], attributes: [("axis", String(a))]))
        }
        return y
    }

    /// Shared body of softmax and log_softmax: the same shape in and out, one row kernel each way.
    static func rowwise(_ x: Tensor, axis: Int, op: Op,
                        forward: (UnsafeMutablePointer<Float>, UnsafePointer<Float>, Int, Int) -> Void,
                        backward: @escaping (UnsafeMutablePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, Int, Int) -> Void)
        throws -> Tensor {
        let name = op.name
        let a = try Shape.normalizeAxis(axis, rank: x.rank, op: name)
        let xr = try moveAxisLast(x, a).contiguous(op: name)
        let cols = x.shape[a], rows = cols == 0 ? 0 : xr.count / cols
        let yr = try Tensor.uninitialized(like: xr, op: name)
        forward(yr.pointer, xr.pointer, rows, cols)
        let y = try moveLastAxisBack(yr, a).contiguous(op: name)
        if Tensor.recording(x) {
            // y may be yr itself (axis = −1): keep a detached view, or y would own itself.
            let savedY = yr.detachedView()
            y.record(op, [x]) { g in
                let gr = try moveAxisLast(g, a).contiguous(op: name)
                let dxr = try Tensor.uninitialized(like: xr, op: name)
                backward(dxr.pointer, gr.pointer, savedY.pointer, rows, cols)
                return [try moveLastAxisBack(dxr, a).contiguous(op: name)]
            }
        }
        if let listener = Trace.listener {
            listener.opDidRun(OpEvent(op: op, inputs: [x], outputs: [y], attributes: [("axis", String(a))]))
        }
        return y
    }

    /// A view of `x` with axis `a` moved to the end (no autograd record; internal data movement).
    static func moveAxisLast(_ x: Tensor, _ a: Int) -> Tensor {
        if a == x.rank - 1 { return x }
        var shape = x.shape, strides = x.strides
        let n = shape.remove(at: a), s = strides.remove(at: a)
        shape.append(n); strides.append(s)
        return Tensor(storage: x.storage, shape: shape, strides: strides, offset: x.offset,
                      isContiguous: Shape.isContiguous(shape, strides))
    }

    /// The inverse of `moveAxisLast`: a view with the last axis moved back to position `a`.
    static func moveLastAxisBack(_ y: Tensor, _ a: Int) -> Tensor {
        if a == y.rank - 1 { return y }
        var shape = y.shape, strides = y.strides
        let n = shape.removeLast(), s = strides.removeLast()
        shape.insert(n, at: a); strides.insert(s, at: a)
        return Tensor(storage: y.storage, shape: shape, strides: strides, offset: y.offset,
                      isContiguous: Shape.isContiguous(shape, strides))
    }
}
