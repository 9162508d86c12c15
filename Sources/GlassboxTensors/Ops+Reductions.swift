/// Reductions along one axis (or over all elements when `axis` is nil), NumPy style: the axis is
/// removed unless `keepDims`. Negative axes count from the end.

extension OpSpec {
    /// `Σ x`, or `Σ(x, axis=1)` along an axis.
    static let sum = OpSpec(
        .sum, .math,
        formula: { o in o.attribute("axis").map { .call("Σ", o.labels, extra: ["axis=\($0)"]) }
            ?? Formula("Σ " + o.a(0).operand(of: .prefix), .prefix) },
        derivative: .rule { o in
            DerivativeRule(local: "∂\(o.out)/∂\(o.a(0).text)ⱼ = 1: every element counts once",
                           gradients: ["\(o.g.text), copied to every element of \(o.a(0).text)"])
        })
    static let mean = reduction(.mean) { o in
        let n = (o.inputs.first?.count ?? 1) / Swift.max(1, o.outputCount)
        return DerivativeRule(local: "∂\(o.out)/∂\(o.a(0).text)ⱼ = 1/n, n = \(n)",
                              gradients: ["(1/\(n))·\(o.g.text), copied to every element of \(o.a(0).text)"])
    }
    static let `var` = reduction(.var) { o in
        DerivativeRule(local: "∂\(o.out)/∂\(o.a(0).text)ⱼ = 2·(\(o.a(0).text)ⱼ − μ)/N, N = n − correction",
                       gradients: ["\(o.g.text) ⊙ 2·(\(o.a(0).text) − μ)/N"])
    }
    static let max = reduction(.max) { o in extremumRule(o, "largest", "argmax") }
    static let min = reduction(.min) { o in extremumRule(o, "smallest", "argmin") }
    static let argmax = OpSpec(.argmax, .math, formula: { axisCall("argmax", $0) },
                               derivative: .none("an index: piecewise constant, with no gradient"))
    static let argmin = OpSpec(.argmin, .math, formula: { axisCall("argmin", $0) },
                               derivative: .none("an index: piecewise constant, with no gradient"))

    /// `mean(x)`, `mean(x, axis=0)`.
    static func axisCall(_ name: String, _ o: Operands) -> Formula {
        .call(name, o.labels, extra: o.attributes.map { "\($0.name)=\($0.value)" })
    }

    static func reduction(_ op: Op, _ rule: @escaping @Sendable (Operands) -> DerivativeRule) -> OpSpec {
        OpSpec(op, .math, formula: { axisCall(op.name, $0) }, derivative: .rule(rule))
    }

    static func extremumRule(_ o: Operands, _ which: String, _ arg: String) -> DerivativeRule {
        DerivativeRule(local: "∂\(o.out)/∂\(o.a(0).text)ⱼ = 1 for the \(which) element, 0 elsewhere",
                       gradients: ["\(o.g.text) at the \(arg) of \(o.a(0).text), 0 elsewhere"])
    }
}

extension Ops {

    // MARK: - Public reductions

    /// Σ x along `axis`. Backward: the gradient is broadcast back over the reduced axis.
    public static func sum(_ x: Tensor, axis: Int? = nil, keepDims: Bool = false) throws -> Tensor {
        let r = try Reduction(x, axis: axis, keepDims: keepDims, op: .sum)
        let y = try r.output()
        Kernels.sumAxis(y.pointer, r.xc.pointer, outer: r.outer, n: r.n, inner: r.inner)
        if Tensor.recording(x) {
            y.record(.sum, [x]) { g in [try r.broadcastBack(g)] }                 // ∂Σx/∂xⱼ = 1
        }
        r.report(y, x)
        return y
    }

    /// (1/n) Σ x along `axis`. Backward: g/n broadcast back.
    public static func mean(_ x: Tensor, axis: Int? = nil, keepDims: Bool = false) throws -> Tensor {
        let r = try Reduction(x, axis: axis, keepDims: keepDims, op: .mean)
        let y = try r.output()
        Kernels.meanAxis(y.pointer, r.xc.pointer, outer: r.outer, n: r.n, inner: r.inner)
        if Tensor.recording(x) {
            let n = Float(r.n)
            y.record(.mean, [x]) { g in [try div(r.broadcastBack(g), Tensor(scalar: n))] }   // 1/n
        }
        r.report(y, x)
        return y
    }

    /// Population variance (1/n) Σ (x − μ)² along `axis` (NumPy `var`, divide by n).
    /// Backward: ∂var/∂xⱼ = 2(xⱼ − μ)/n.
    public static func variance(_ x: Tensor, axis: Int? = nil, keepDims: Bool = false, correction: Int = 0) throws -> Tensor {
        let r = try Reduction(x, axis: axis, keepDims: keepDims, op: .var)
        let y = try r.output()
        let mu = try r.output()
        Kernels.varianceAxis(y.pointer, mean: mu.pointer, r.xc.pointer, outer: r.outer, n: r.n, inner: r.inner)
        // The sample form (Bessel's correction): Σ(x − μ)²/(n − c) = population variance · n/(n − c).
        let divisor = Float(r.n - correction)
        if correction != 0 {
            Kernels.binaryScalar(.mul, y.pointer, y.pointer, Float(r.n) / divisor, scalarOnLeft: false, count: y.count)
        }
        if Tensor.recording(x) {
            let scale = 2 / divisor
            y.record(.var, [x]) { g in
                let centered = try sub(r.xc, r.broadcastBack(mu))
                return [try mul(r.broadcastBack(g), mul(centered, Tensor(scalar: scale)))]
            }
        }
        r.report(y, x, correction == 0 ? [] : [("correction", String(correction))])
        return y
    }


    /// The largest element along `axis` (NaN if any is NaN). Backward: the gradient goes to the
    /// first position that attains the maximum.
    public static func max(_ x: Tensor, axis: Int? = nil, keepDims: Bool = false) throws -> Tensor {
        try extremum(x, axis: axis, keepDims: keepDims, isMin: false, op: .max)
    }

    /// The smallest element along `axis`. Backward as `max`.
    public static func min(_ x: Tensor, axis: Int? = nil, keepDims: Bool = false) throws -> Tensor {
        try extremum(x, axis: axis, keepDims: keepDims, isMin: true, op: .min)
    }

    /// The index of the first largest element along `axis` (over the flattened tensor when nil),
    /// as a float tensor. Not differentiable.
    public static func argmax(_ x: Tensor, axis: Int? = nil, keepDims: Bool = false) throws -> Tensor {
        try argExtremum(x, axis: axis, keepDims: keepDims, isMin: false, op: .argmax)
    }

    /// The index of the first smallest element along `axis`. Not differentiable.
    public static func argmin(_ x: Tensor, axis: Int? = nil, keepDims: Bool = false) throws -> Tensor {
        try argExtremum(x, axis: axis, keepDims: keepDims, isMin: true, op: .argmin)
    }

    static func extremum(_ x: Tensor, axis: Int?, keepDims: Bool, isMin: Bool, op: Op) throws -> Tensor {
        let name = op.name
        let r = try Reduction(x, axis: axis, keepDims: keepDims, op: op)
        try r.requireNonEmpty()
        let y = try r.output()
        var index = [Int](repeating: 0, count: r.outer * r.inner)
        index.withUnsafeMutableBufferPointer { idx in
            Kernels.extremumAxis(y.pointer, index: idx.baseAddress, r.xc.pointer, isMin: isMin, outer: r.outer, n: r.n, inner: r.inner)
        }
        let savedIndex = index
        if Tensor.recording(x) {
            y.record(op, [x]) { g in
                let gc = try g.contiguous(op: name)
                let dx = try Tensor.uninitialized(r.xc.shape, op: name)
                savedIndex.withUnsafeBufferPointer { idx in
                    if let p = idx.baseAddress {
                        Kernels.scatterAxis(dx: dx.pointer, dy: gc.pointer, index: p, outer: r.outer, n: r.n, inner: r.inner)
                    }
                }
                return [dx]
            }
        }
        r.report(y, x)
        return y
    }

    static func argExtremum(_ x: Tensor, axis: Int?, keepDims: Bool, isMin: Bool, op: Op) throws -> Tensor {
        let r = try Reduction(x, axis: axis, keepDims: keepDims, op: op)
        try r.requireNonEmpty()
        let y = try r.output()
        var index = [Int](repeating: 0, count: r.outer * r.inner)
        index.withUnsafeMutableBufferPointer { idx in
            guard let p = idx.baseAddress else { return }
            Kernels.extremumAxis(nil, index: p, r.xc.pointer, isMin: isMin, outer: r.outer, n: r.n, inner: r.inner)
            Kernels.indicesToFloat(y.pointer, p, count: idx.count)
        }
        r.report(y, x)
        return y
    }
}

// MARK: - Geometry of a reduction

/// A contiguous input seen as (outer, n, inner) around the reduced axis, and the result's shapes.
struct Reduction {
    let op: Op
    var name: String { op.name }
    let xc: Tensor
    let axis: Int?
    let outer: Int, n: Int, inner: Int
    /// The result's shape (the axis removed, or kept as 1 with keepDims).
    let shape: [Int]
    /// The result's shape with the axis kept as 1 (for broadcasting back).
    let keptShape: [Int]

    init(_ x: Tensor, axis: Int?, keepDims: Bool, op: Op) throws {
        self.op = op
        xc = try x.contiguous(op: op.name)
        if let axis {
            let a = try Shape.normalizeAxis(axis, rank: x.rank, op: op.name)
            self.axis = a
            (outer, n, inner) = Shape.split(x.shape, axis: a)
            var kept = x.shape
            kept[a] = 1
            keptShape = kept
            var removed = x.shape
            removed.remove(at: a)
            shape = keepDims ? kept : removed
        } else {
            self.axis = nil
            (outer, n, inner) = (1, x.count, 1)
            keptShape = [Int](repeating: 1, count: x.rank)
            shape = keepDims ? keptShape : Shape.scalar
        }
    }

    func requireNonEmpty() throws {
        if n == 0 { throw TensorError.invalidArgument(op: name, message: "cannot reduce an empty axis") }
    }

    func output() throws -> Tensor { try Tensor.uninitialized(shape, op: name) }

    /// The reduced-shape `g` broadcast back to the input's shape (a contiguous copy).
    func broadcastBack(_ g: Tensor) throws -> Tensor {
        let kept = try Ops.reshape(g, keptShape)
        return try Ops.expand(kept, xc.shape, op: name)
    }

    func report(_ y: Tensor, _ x: Tensor, _ extra: [(name: String, value: String)] = []) {
        guard let listener = Trace.listener else { return }
        let attributes: [(name: String, value: String)] = (axis.map { [("axis", String($0))] } ?? []) + extra
        listener.opDidRun(OpEvent(op: op, inputs: [x], outputs: [y], attributes: attributes))
    }
}
