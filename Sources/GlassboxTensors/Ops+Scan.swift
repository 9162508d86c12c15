/// More reductions — products, norms, the sample and population standard deviation, any/all —
/// and running sums and products along an axis (NumPy `cumsum`, `cumprod`).

// MARK: - Specs

extension OpSpec {
    static let prod = reduction(.prod) { o in
        DerivativeRule(local: "∂\(o.out)/∂\(o.a(0).text)ⱼ = Π_{k≠j} \(o.a(0).text)ₖ",
                       gradients: ["\(o.g.text) ⊙ Π_{k≠j} \(o.a(0).text)ₖ (the product of the others)"])
    }
    static let norm = OpSpec(
        .norm, .math,
        formula: { o in
            let p = o.attribute("p") ?? "2"
            let axis = o.attribute("axis").map { ", axis=\($0)" } ?? ""
            return Formula("‖" + o.a(0).text + "‖" + (p == "2" ? "" : "_" + p) + axis)
        },
        derivative: .rule { o in
            DerivativeRule(local: "∂‖x‖₂/∂xⱼ = xⱼ/‖x‖₂ (0 where ‖x‖ = 0); ‖x‖₁: sign(xⱼ); ‖x‖_p: sign(xⱼ)·|xⱼ|^(p−1)/‖x‖_p^(p−1)",
                           gradients: ["\(o.g.text) ⊙ \(o.a(0).text)/\(o.out) (for p = 2)"])
        })
    static let any = OpSpec(.any, .math, formula: { axisCall("any", $0) }, derivative: .none("a test gives 0 or 1: no gradient"))
    static let all = OpSpec(.all, .math, formula: { axisCall("all", $0) }, derivative: .none("a test gives 0 or 1: no gradient"))
    static let cumsum = OpSpec(
        .cumsum, .math, formula: { axisCall("cumsum", $0) },
        derivative: .rule { o in
            DerivativeRule(local: "\(o.out)ⱼ = Σ_{k≤j} \(o.a(0).text)ₖ: ∂\(o.out)ⱼ/∂\(o.a(0).text)ₖ = 1 for k ≤ j",
                           gradients: ["Σ_{j≥k} (\(o.g.text))ⱼ: running sums from the end"])
        })
    static let cumprod = OpSpec(
        .cumprod, .math, formula: { axisCall("cumprod", $0) },
        derivative: .rule { o in
            DerivativeRule(local: "\(o.out)ⱼ = Π_{m≤j} \(o.a(0).text)ₘ: ∂\(o.out)ⱼ/∂\(o.a(0).text)ₖ = Π_{m≤j, m≠k} \(o.a(0).text)ₘ for k ≤ j",
                           gradients: ["Σ_{j≥k} (\(o.g.text))ⱼ·Π_{m≤j, m≠k} \(o.a(0).text)ₘ"])
        })
}

// MARK: - Reductions

extension Ops {
    /// Π x along `axis` (all elements when nil). Backward: dxⱼ = g·Π_{k≠j} xₖ (exact with zeros).
    public static func prod(_ x: Tensor, axis: Int? = nil, keepDims: Bool = false) throws -> Tensor {
        let r = try Reduction(x, axis: axis, keepDims: keepDims, op: .prod)
        let y = try r.output()
        Kernels.prodAxis(y.pointer, r.xc.pointer, outer: r.outer, n: r.n, inner: r.inner)
        if Tensor.recording(x) {
            y.record(.prod, [x]) { g in
                let gc = try g.contiguous(op: r.name)
                let dx = try Tensor.uninitialized(r.xc.shape, op: r.name)
                Kernels.prodAxisBackward(dx: dx.pointer, dy: gc.pointer, r.xc.pointer, outer: r.outer, n: r.n, inner: r.inner)
                return [dx]
            }
        }
        r.report(y, x)
        return y
    }

    /// Standard deviation √var along `axis`: the population form (divide by n) by default, as
    /// `var`; `correction: 1` gives the sample form (divide by n − 1, PyTorch's default).
    /// Composed of `var` and `sqrt`, whose derivatives give ∂σ/∂xⱼ = (xⱼ − μ)/((n − c)·σ).
    public static func std(_ x: Tensor, axis: Int? = nil, keepDims: Bool = false, correction: Int = 0) throws -> Tensor {
        try sqrt(variance(x, axis: axis, keepDims: keepDims, correction: correction))
    }

    /// The p-norm (Σ|x|ᵖ)^(1/p) along `axis` (all elements when nil); p = 2 by default, also 1,
    /// ∞ (max |x|) and any p > 0 (PyTorch `torch.linalg.vector_norm`). One node; the gradient of
    /// the 2-norm at 0 is 0, as PyTorch's.
    public static func norm(_ x: Tensor, p: Float = 2, axis: Int? = nil, keepDims: Bool = false) throws -> Tensor {
        let name = Op.norm.name
        guard p > 0 else { throw TensorError.invalidArgument(op: name, message: "p must be > 0, got \(number(p))") }
        var attributes: [(name: String, value: String)] = p == 2 ? [] : [("p", p.isInfinite ? "∞" : number(p))]
        if let axis { attributes.append(("axis", String(axis))) }
        return try fused(.norm, [x], attributes: attributes) {
            let a = try abs(x)
            if p.isInfinite { return try max(a, axis: axis, keepDims: keepDims) }
            if p == 1 { return try sum(a, axis: axis, keepDims: keepDims) }
            if p == 2 { return try sqrt(sum(square(x), axis: axis, keepDims: keepDims)) }
            return try pow(sum(pow(a, Tensor(scalar: p)), axis: axis, keepDims: keepDims), Tensor(scalar: 1 / p))
        } backward: { y, g in
            // ∂‖x‖_p/∂xⱼ = sign(xⱼ)·|xⱼ|^(p−1) / ‖x‖_p^(p−1), 0 where the norm is 0.
            let keptShape = axis.map { a -> [Int] in
                var s = x.shape
                s[(a + x.rank) % Swift.max(x.rank, 1)] = 1
                return s
            } ?? [Int](repeating: 1, count: x.rank)
            let yk = try reshape(y, keptShape), gk = try reshape(g, keptShape)
            let zero = Tensor(scalar: 0)
            let safeY = try select(equal(yk, zero), Tensor(scalar: 1), yk)
            let local: Tensor
            if p.isInfinite {
                let a = try abs(x)
                local = try mul(sign(x), equal(a, yk))   // to the largest |x| (each of several ties)
            } else if p == 1 {
                local = try sign(x)
            } else if p == 2 {
                local = try div(x, safeY)
            } else {
                local = try div(mul(sign(x), pow(abs(x), Tensor(scalar: p - 1))), pow(safeY, Tensor(scalar: p - 1)))
            }
            return [try mul(mul(gk, local), select(equal(yk, zero), zero, Tensor(scalar: 1)))]
        }
    }

    /// 1 where any element along `axis` is nonzero (NaN counts as nonzero, as NumPy), else 0.
    public static func any(_ x: Tensor, axis: Int? = nil, keepDims: Bool = false) throws -> Tensor {
        try fused(.any, [x], attributes: axis.map { [("axis", String($0))] } ?? []) {
            try max(notEqual(x, Tensor(scalar: 0)), axis: axis, keepDims: keepDims)
        } backward: { _, _ in [nil] }
    }

    /// 1 where every element along `axis` is nonzero, else 0.
    public static func all(_ x: Tensor, axis: Int? = nil, keepDims: Bool = false) throws -> Tensor {
        try fused(.all, [x], attributes: axis.map { [("axis", String($0))] } ?? []) {
            try min(notEqual(x, Tensor(scalar: 0)), axis: axis, keepDims: keepDims)
        } backward: { _, _ in [nil] }
    }
}

// MARK: - Running sums and products

extension Ops {
    /// y_j = Σ_{k≤j} x_k along `axis` (NumPy `cumsum`; summed in Double). Backward: the running
    /// sums of the gradient from the end.
    public static func cumsum(_ x: Tensor, axis: Int) throws -> Tensor {
        try scan(.cumsum, x, axis: axis, forward: { Kernels.cumsumAxis($0, $1, outer: $2, n: $3, inner: $4) }) { dx, dy, _, _, o, n, i in
            Kernels.cumsumAxis(dx, dy, outer: o, n: n, inner: i, reverse: true)
        }
    }

    /// y_j = Π_{k≤j} x_k along `axis` (NumPy `cumprod`). Backward exact with zeros.
    public static func cumprod(_ x: Tensor, axis: Int) throws -> Tensor {
        try scan(.cumprod, x, axis: axis, forward: { Kernels.cumprodAxis($0, $1, outer: $2, n: $3, inner: $4) }) { dx, dy, x, _, o, n, i in
            Kernels.cumprodAxisBackward(dx: dx, dy: dy, x, outer: o, n: n, inner: i)
        }
    }

    /// A running op along one axis: same shape in and out, one kernel each way.
    static func scan(_ op: Op, _ x: Tensor, axis: Int,
                     forward: (UnsafeMutablePointer<Float>, UnsafePointer<Float>, Int, Int, Int) -> Void,
                     backward: @escaping (UnsafeMutablePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>,
                                          UnsafePointer<Float>, Int, Int, Int) -> Void) throws -> Tensor {
        let name = op.name
        let xc = try x.contiguous(op: name)
        let rank = Swift.max(x.rank, 1)
        let a = try Shape.normalizeAxis(axis, rank: rank, op: name)
        let (outer, n, inner) = x.rank == 0 ? (1, 1, 1) : Shape.split(x.shape, axis: a)
        let y = try Tensor.uninitialized(like: xc, op: name)
        forward(y.pointer, xc.pointer, outer, n, inner)
        if Tensor.recording(x) {
            let savedY = y.detachedView()
            y.record(op, [x]) { g in
                let gc = try g.contiguous(op: name)
                let dx = try Tensor.uninitialized(like: xc, op: name)
                backward(dx.pointer, gc.pointer, xc.pointer, savedY.pointer, outer, n, inner)
                return [dx]
            }
        }
        if let listener = Trace.listener { listener.opDidRun(OpEvent(op: op, inputs: [x], outputs: [y], attributes: [("axis", String(a))])) }
        return y
    }
}

// MARK: - Ops built from other ops' kernels

extension Ops {
    /// An op whose forward is written with other ops: `forward` runs with recording and tracing
    /// off, then the op records one node (when its spec is differentiable and an input requires a
    /// gradient) whose rule is `backward(y, ∂L/∂y)`, and reports one event. So `explain` shows it
    /// as one step with its own formula, and `backward` as one node with its own rule.
    static func fused(_ op: Op, _ inputs: [Tensor], attributes: [(name: String, value: String)] = [],
                      forward: () throws -> Tensor,
                      backward: @escaping (Tensor, Tensor) throws -> [Tensor?]) throws -> Tensor {
        let listener = Trace.listener
        Trace.current = nil
        defer { Trace.current = listener }
        let raw = try GradMode.withDisabled { try forward() }
        // A fresh tensor object: the forward may hand back one of its inputs unchanged.
        let y = inputs.contains { $0 === raw } || raw.node != nil ? raw.detachedView() : raw
        if op.spec.isDifferentiable, Tensor.recording(inputs) {
            let saved = y.detachedView()
            y.record(op, inputs) { g in try backward(saved, g) }
        }
        listener?.opDidRun(OpEvent(op: op, inputs: inputs, outputs: [y], attributes: attributes))
        return y
    }
}
