/// Layer normalization (Ba, Kiros & Hinton 2016) over the last axis.

extension OpSpec {
    /// Fused: its steps are its intermediates.
    static let layerNorm = OpSpec(
        .layerNorm, .layer,
        derivative: .rule { o in
            DerivativeRule(
                local: "x̂ = (x − μ)/√(σ² + ε), y = γ ⊙ x̂ + β; ∂x̂ = \(o.g.text) ⊙ γ",
                gradients: ["(∂x̂ − mean(∂x̂) − x̂ ⊙ mean(∂x̂ ⊙ x̂))/√(σ² + ε)", "Σ_rows \(o.g.text) ⊙ x̂", "Σ_rows \(o.g.text)"])
        }, intermediates: ["mean", "variance", "normalized", "output"])
}

extension Ops {

    /// layer_norm(x, γ, β) = γ ⊙ (x − μ)/√(σ² + eps) + β, μ and σ² (population variance) taken over
    /// the last axis of each row.
    /// - Parameters: x (…, C), gamma (C), beta (C). Result (…, C). Fused: one kernel each way.
    /// Trace intermediates: `mean` (…), `variance` (…), `normalized` (…, C), `output` (…, C).
    public static func layerNorm(_ x: Tensor, _ gamma: Tensor, _ beta: Tensor, eps: Float = 1e-5) throws -> Tensor {
        let name = Op.layerNorm.name
        guard x.rank >= 1 else { throw TensorError.invalidArgument(op: name, message: "x must have at least one axis") }
        let cols = x.shape[x.rank - 1]
        guard gamma.shape == [cols] else {
            throw TensorError.shapeMismatch(op: name, x.shape, gamma.shape, detail: "gamma must match x's last axis")
        }
        guard beta.shape == [cols] else {
            throw TensorError.shapeMismatch(op: name, x.shape, beta.shape, detail: "beta must match x's last axis")
        }
        guard cols > 0 else { throw TensorError.invalidArgument(op: name, message: "the last axis is empty") }
        let rows = x.count / cols
        let rowShape = Array(x.shape.dropLast())
        let xc = try x.contiguous(op: name), gc = try gamma.contiguous(op: name), bc = try beta.contiguous(op: name)
        let y = try Tensor.uninitialized(x.shape, op: name)
        let mean = try Tensor.uninitialized(rowShape, op: name), rstd = try Tensor.uninitialized(rowShape, op: name)
        let listener = Trace.listener
        let variance = listener == nil ? nil : try Tensor.uninitialized(rowShape, op: name)
        let normalized = listener == nil ? nil : try Tensor.uninitialized(x.shape, op: name)
        Kernels.layerNormForward(y: y.pointer, mean: mean.pointer, rstd: rstd.pointer, x: xc.pointer, gamma: gc.pointer,
                                 beta: bc.pointer, rows: rows, cols: cols, eps: eps,
                                 variance: variance?.pointer, normalized: normalized?.pointer)
        let inputs = [x, gamma, beta]
        if Tensor.recording(inputs) {
            y.record(.layerNorm, inputs) { g in
                let dy = try g.contiguous(op: name)
                let dx = try Tensor.uninitialized(x.shape, op: name)
                let dgamma = try Tensor.uninitialized([cols], op: name), dbeta = try Tensor.uninitialized([cols], op: name)
                Kernels.layerNormBackward(dx: dx.pointer, dgamma: dgamma.pointer, dbeta: dbeta.pointer, dy: dy.pointer,
                                          x: xc.pointer, mean: mean.pointer, rstd: rstd.pointer, gamma: gc.pointer,
                                          rows: rows, cols: cols)
                return [dx, dgamma, dbeta]
            }
        }
        if let listener, let variance, let normalized {
            listener.opDidRun(OpEvent(op: .layerNorm, inputs: inputs, outputs: [y], intermediates:
                zip(OpSpec.layerNorm.intermediates, [mean, variance, normalized, y]).map { ($0, $1) }, attributes: [("eps", "\(eps)")]))
        }
        return y
    }
}
