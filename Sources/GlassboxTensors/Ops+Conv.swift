/// Convolutional layers over NCHW tensors with PyTorch's semantics: `conv2d`, `batch_norm` and
/// the pools. Output sizes follow Dumoulin & Visin 2016 (`ConvGeometry`).

extension OpSpec {
    /// Fused: its steps are its intermediates.
    static let conv2d = OpSpec(
        .conv2d, .layer,
        derivative: .rule { o in
            DerivativeRule(
                local: "y[n,o,r,s] = b[o] + Σ_{c,i,j} W[o,c,i,j]·x[n,c,r·stride+i−pad, s·stride+j−pad]",
                gradients: ["the transposed convolution of \(o.g.text) with W", "Σ_{n,r,s} \(o.g.text) ⊙ the patches of x",
                            "Σ_{n,r,s} \(o.g.text)"])
        }, intermediates: ["output"])
    /// Fused: its steps are its intermediates.
    static let batchNorm = OpSpec(
        .batchNorm, .layer,
        derivative: .rule { o in
            DerivativeRule(
                local: "x̂ = (x − μ_c)/√(σ²_c + ε), y = γ_c·x̂ + β_c (μ, σ² of the batch in training, running in eval)",
                gradients: ["γ/√(σ² + ε)·(\(o.g.text) − mean(\(o.g.text)) − x̂·mean(\(o.g.text) ⊙ x̂)) in training, γ/√(σ² + ε)·\(o.g.text) in eval",
                            nil, nil, "Σ_{n,h,w} \(o.g.text) ⊙ x̂", "Σ_{n,h,w} \(o.g.text)"])
        }, intermediates: ["mean", "variance", "normalized", "output"])
    static let maxPool2d = OpSpec(
        .maxPool2d, .math,
        derivative: .rule { o in
            DerivativeRule(local: "each output is the largest input of its window",
                           gradients: ["\(o.g.text) routed to the position of each window's maximum"])
        })
    static let avgPool2d = OpSpec(
        .avgPool2d, .math,
        derivative: .rule { o in
            DerivativeRule(local: "each output is the mean of its k×k window",
                           gradients: ["\(o.g.text)/k² spread over each window"])
        })
    static let adaptiveAvgPool2d = OpSpec(
        .adaptiveAvgPool2d, .math,
        derivative: .rule { o in
            DerivativeRule(local: "each output is the mean of its bin of the input",
                           gradients: ["\(o.g.text) spread evenly over each bin"])
        })
}

extension Ops {

    /// The geometry of a window op after checking its arguments; the messages name `op`.
    static func windowGeometry(_ op: String, _ x: Tensor, outChannels: Int, kernel: (Int, Int), stride: (Int, Int),
                               padding: (Int, Int), dilation: (Int, Int), groups: Int) throws -> ConvGeometry {
        guard x.rank == 4 else {
            throw TensorError.invalidArgument(op: op, message: "x must be N×C×H×W (rank 4), got shape \(TensorError.format(x.shape))")
        }
        guard kernel.0 >= 1, kernel.1 >= 1 else {
            throw TensorError.invalidArgument(op: op, message: "the kernel size must be at least 1, got \(kernel.0)×\(kernel.1)")
        }
        guard stride.0 >= 1, stride.1 >= 1 else {
            throw TensorError.invalidArgument(op: op, message: "stride must be at least 1, got (\(stride.0), \(stride.1))")
        }
        guard padding.0 >= 0, padding.1 >= 0 else {
            throw TensorError.invalidArgument(op: op, message: "padding must be ≥ 0, got (\(padding.0), \(padding.1))")
        }
        guard dilation.0 >= 1, dilation.1 >= 1 else {
            throw TensorError.invalidArgument(op: op, message: "dilation must be at least 1, got (\(dilation.0), \(dilation.1))")
        }
        let limit = 1 << 20
        guard [kernel.0, kernel.1, stride.0, stride.1, padding.0, padding.1, dilation.0, dilation.1].allSatisfy({ $0 <= limit }) else {
            throw TensorError.invalidArgument(op: op, message: "kernel size, stride, padding and dilation must be at most \(limit)")
        }
        let g = ConvGeometry(batch: x.shape[0], inChannels: x.shape[1], height: x.shape[2], width: x.shape[3],
                             outChannels: outChannels, kernelHeight: kernel.0, kernelWidth: kernel.1,
                             strideH: stride.0, strideW: stride.1, padH: padding.0, padW: padding.1,
                             dilationH: dilation.0, dilationW: dilation.1, groups: groups)
        let spanH = dilation.0 * (kernel.0 - 1) + 1, spanW = dilation.1 * (kernel.1 - 1) + 1
        guard g.height + 2 * padding.0 >= spanH, g.width + 2 * padding.1 >= spanW else {
            throw TensorError.invalidArgument(op: op, message: "the \(spanH)×\(spanW) window is larger than the padded "
                + "\(g.height + 2 * padding.0)×\(g.width + 2 * padding.1) input")
        }
        return g
    }

    /// conv2d(x, W, b) with PyTorch's Conv2d semantics: x N×C×H×W, W O×(C/groups)×kh×kw, b (O) or
    /// nil; zero padding; groups = C = O is the depthwise convolution. Result N×O×OH×OW.
    /// Gradients reach x, W and b (Kernels.conv2dBackward).
    public static func conv2d(_ x: Tensor, _ w: Tensor, bias: Tensor? = nil, stride: (Int, Int) = (1, 1),
                              padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1), groups: Int = 1) throws -> Tensor {
        let name = Op.conv2d.name
        guard w.rank == 4 else {
            throw TensorError.invalidArgument(op: name, message: "the weight must be out×in/groups×kh×kw (rank 4), got shape \(TensorError.format(w.shape))")
        }
        guard groups >= 1 else { throw TensorError.invalidArgument(op: name, message: "groups must be at least 1, got \(groups)") }
        let g = try windowGeometry(name, x, outChannels: w.shape[0], kernel: (w.shape[2], w.shape[3]), stride: stride,
                                   padding: padding, dilation: dilation, groups: groups)
        guard g.inChannels % groups == 0, g.outChannels % groups == 0 else {
            throw TensorError.invalidArgument(op: name, message: "groups = \(groups) must divide the \(g.inChannels) input and \(g.outChannels) output channels")
        }
        guard w.shape[1] == g.inPerGroup else {
            throw TensorError.shapeMismatch(op: name, x.shape, w.shape,
                                            detail: "the weight's second axis must be the input channels per group (\(g.inPerGroup))")
        }
        if let bias, bias.shape != [g.outChannels] {
            throw TensorError.shapeMismatch(op: name, w.shape, bias.shape, detail: "the bias must hold one value per output channel (\(g.outChannels))")
        }
        let xc = try x.contiguous(op: name), wc = try w.contiguous(op: name), bc = try bias?.contiguous(op: name)
        let shape = [g.batch, g.outChannels, g.outHeight, g.outWidth]
        let scratchCount = Kernels.conv2dWorkspace(g)
        let scratch = scratchCount > 0 ? try Tensor.uninitialized([scratchCount], op: name) : nil
        let inputs = bias.map { [x, w, $0] } ?? [x, w]
        if Deferral.allows(inputs) {
            // In inference the output waits for the per-channel ops that follow (`Deferral`).
            // The input is computed first, so that no chain of convolutions waits.
            xc.storage.settle()
            if Interrupt.isRequested { throw TensorError.interrupted(op: name) }
            return try Tensor.deferred(shape, op: name, producer: Producer { y, epilogue in
                Kernels.conv2dForward(y: y, x: xc.pointer, w: wc.pointer, bias: bc.map { UnsafePointer($0.pointer) }, g: g,
                                      workspace: scratch?.pointer, epilogue: epilogue)
            })
        }
        let y = try Tensor.uninitialized(shape, op: name)
        Kernels.conv2dForward(y: y.pointer, x: xc.pointer, w: wc.pointer, bias: bc.map { UnsafePointer($0.pointer) }, g: g,
                              workspace: scratch?.pointer)
        if Interrupt.isRequested { throw TensorError.interrupted(op: name) }
        if Tensor.recording(inputs) {
            y.record(.conv2d, inputs) { grad in
                let dy = try grad.contiguous(op: name)
                let dx = x.requiresGrad ? try Tensor.uninitialized(x.shape, op: name) : nil
                let dw = w.requiresGrad ? try Tensor.uninitialized(w.shape, op: name) : nil
                let db = bias?.requiresGrad == true ? try Tensor.uninitialized([g.outChannels], op: name) : nil
                let scratch = scratchCount > 0 ? try Tensor.uninitialized([scratchCount], op: name) : nil
                Kernels.conv2dBackward(dx: dx?.pointer, dw: dw?.pointer, db: db?.pointer, dy: dy.pointer, x: xc.pointer,
                                       w: wc.pointer, g: g, workspace: scratch?.pointer)
                if Interrupt.isRequested { throw TensorError.interrupted(op: name) }
                return bias == nil ? [dx, dw] : [dx, dw, db]
            }
        }
        if let listener = Trace.listener {
            listener.opDidRun(OpEvent(op: .conv2d, inputs: inputs, outputs: [y], intermediates: [("output", y)],
                                      attributes: [("stride", "\(stride.0 == stride.1 ? "\(stride.0)" : "(\(stride.0), \(stride.1))")"),
                                                   ("padding", "\(padding.0 == padding.1 ? "\(padding.0)" : "(\(padding.0), \(padding.1))")"),
                                                   ("dilation", "\(dilation.0)"), ("groups", "\(groups)")]))
        }
        return y
    }

    /// batch_norm(x, running_mean, running_var, γ, β) over the channels (axis 1) of x (N×C or
    /// N×C×…), Ioffe & Szegedy 2015: y = γ·(x − μ)/√(σ² + ε) + β. In training mode μ and σ² are
    /// the batch's own (biased variance) and the running statistics are updated in place,
    /// running ← (1 − momentum)·running + momentum·batch (the variance unbiased, as PyTorch);
    /// in eval mode the running statistics are used and nothing changes. γ and β may be nil
    /// (1 and 0). Gradients reach x, γ and β; the running statistics are buffers and get none.
    public static func batchNorm(_ x: Tensor, runningMean: Tensor, runningVar: Tensor, gamma: Tensor?, beta: Tensor?,
                                 training: Bool = false, momentum: Float = 0.1, eps: Float = 1e-5) throws -> Tensor {
        let name = Op.batchNorm.name
        guard x.rank >= 2 else {
            throw TensorError.invalidArgument(op: name, message: "x must be N×C or N×C×…, got shape \(TensorError.format(x.shape))")
        }
        let n = x.shape[0], c = x.shape[1], plane = x.shape.dropFirst(2).reduce(1, *)
        for (label, t) in [("running_mean", runningMean), ("running_var", runningVar)] + [("gamma", gamma), ("beta", beta)].compactMap({ l, t in t.map { (l, $0) } }) {
            guard t.shape == [c] else {
                throw TensorError.shapeMismatch(op: name, x.shape, t.shape, detail: "\(label) must hold one value per channel (\(c))")
            }
        }
        guard eps >= 0, eps.isFinite else { throw TensorError.invalidArgument(op: name, message: "eps must be ≥ 0, got \(eps)") }
        guard n * plane > 0 else { throw TensorError.invalidArgument(op: name, message: "x holds no values per channel") }
        if training && n * plane < 2 {
            throw TensorError.invalidArgument(op: name, message: "training mode needs more than one value per channel, got shape \(TensorError.format(x.shape))")
        }
        if !training, let d = x.wholeDeferred, d.steps.takesBatchNorm, Deferral.allows([x] + [gamma, beta].compactMap { $0 }) {
            return try deferredBatchNorm(d, x, runningMean: runningMean, runningVar: runningVar, gamma: gamma, beta: beta, eps: eps)
        }
        if training { Deferral.settleAll() }   // the running statistics change in place below
        let xc = try x.contiguous(op: name)
        let ones = gamma == nil ? try Tensor.filled([c], 1, op: name) : nil
        let zeros = beta == nil ? try Tensor.filled([c], 0, op: name) : nil
        let gc = try (gamma ?? ones!).contiguous(op: name), bc = try (beta ?? zeros!).contiguous(op: name)
        let mean = try Tensor.uninitialized([c], op: name), variance = try Tensor.uninitialized([c], op: name)
        if training {
            Kernels.batchNormStatistics(mean: mean.pointer, variance: variance.pointer, x: xc.pointer, batch: n, channels: c, plane: plane)
            // The running statistics are buffers updated in place (as PyTorch's): a contiguous copy would lose the update.
            guard runningMean.isContiguous, runningVar.isContiguous else {
                throw TensorError.invalidArgument(op: name, message: "the running statistics must be whole tensors to be updated in training mode")
            }
            let m = Float(n * plane)
            for k in 0..<c {
                runningMean.pointer[k] = (1 - momentum) * runningMean.pointer[k] + momentum * mean.pointer[k]
                runningVar.pointer[k] = (1 - momentum) * runningVar.pointer[k] + momentum * variance.pointer[k] * m / (m - 1)
            }
        } else {
            let rm = try runningMean.contiguous(op: name), rv = try runningVar.contiguous(op: name)
            mean.pointer.update(from: rm.pointer, count: c)
            variance.pointer.update(from: rv.pointer, count: c)
        }
        let rstd = try Tensor.uninitialized([c], op: name)
        for k in 0..<c { rstd.pointer[k] = 1 / (variance.pointer[k] + eps).squareRoot() }
        let y = try Tensor.uninitialized(x.shape, op: name)
        let listener = Trace.listener
        let normalized = listener == nil ? nil : try Tensor.uninitialized(x.shape, op: name)
        Kernels.batchNormForward(y: y.pointer, normalized: normalized?.pointer, x: xc.pointer, mean: mean.pointer, rstd: rstd.pointer,
                                 gamma: gc.pointer, beta: bc.pointer, batch: n, channels: c, plane: plane)
        var inputs = [x, runningMean, runningVar]
        if let gamma { inputs.append(gamma) }
        if let beta { inputs.append(beta) }
        if Tensor.recording([x] + [gamma, beta].compactMap { $0 }) {
            y.record(.batchNorm, inputs) { grad in
                let dy = try grad.contiguous(op: name)
                let dx = x.requiresGrad ? try Tensor.uninitialized(x.shape, op: name) : nil
                let dgamma = gamma?.requiresGrad == true ? try Tensor.uninitialized([c], op: name) : nil
                let dbeta = beta?.requiresGrad == true ? try Tensor.uninitialized([c], op: name) : nil
                Kernels.batchNormBackward(dx: dx?.pointer, dgamma: dgamma?.pointer, dbeta: dbeta?.pointer, dy: dy.pointer,
                                          x: xc.pointer, mean: mean.pointer, rstd: rstd.pointer, gamma: gc.pointer,
                                          training: training, batch: n, channels: c, plane: plane)
                var grads: [Tensor?] = [dx, nil, nil]
                if gamma != nil { grads.append(dgamma) }
                if beta != nil { grads.append(dbeta) }
                return grads
            }
        }
        if let listener, let normalized {
            listener.opDidRun(OpEvent(op: .batchNorm, inputs: inputs, outputs: [y],
                                      intermediates: [("mean", mean), ("variance", variance), ("normalized", normalized), ("output", y)],
                                      attributes: [("training", training ? "true" : "false"), ("momentum", "\(momentum)"), ("eps", "\(eps)")]))
        }
        return y
    }

    /// Eval-mode batch norm joining the output stage of the deferred convolution behind x: the
    /// per-channel scale = γ·rstd and shift = β − μ·scale, with `Fast.batchNormForward`'s
    /// arithmetic, computed now from the running statistics as they are.
    static func deferredBatchNorm(_ d: Deferred, _ x: Tensor, runningMean: Tensor, runningVar: Tensor, gamma: Tensor?,
                                  beta: Tensor?, eps: Float) throws -> Tensor {
        let name = Op.batchNorm.name, c = x.shape[1]
        let rm = try runningMean.contiguous(op: name), rv = try runningVar.contiguous(op: name)
        let gc = try gamma?.contiguous(op: name), bc = try beta?.contiguous(op: name)
        let scale = try Tensor.uninitialized([c], op: name), shift = try Tensor.uninitialized([c], op: name)
        let m = rm.pointer, v = rv.pointer, g = gc?.pointer, b = bc?.pointer, sp = scale.pointer, tp = shift.pointer
        for k in 0..<c {
            let rstd = 1 / (v[k] + eps).squareRoot()
            let s = (g?[k] ?? 1) * rstd
            sp[k] = s
            tp[k] = (b?[k] ?? 0) - m[k] * s
        }
        var steps = d.steps
        steps.scale = scale
        steps.shift = shift
        return try Tensor.deferred(x.shape, op: name, producer: d.producer, steps: steps)
    }

    /// max_pool2d(x, k, stride, padding, dilation): the largest value of each window (PyTorch's
    /// F.max_pool2d; padding never wins). The gradient goes to each window's maximum.
    public static func maxPool2d(_ x: Tensor, kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int) = (0, 0),
                                 dilation: (Int, Int) = (1, 1)) throws -> Tensor {
        let name = Op.maxPool2d.name
        let g = try windowGeometry(name, x, outChannels: x.rank == 4 ? x.shape[1] : 0, kernel: kernel, stride: stride,
                                   padding: padding, dilation: dilation, groups: 1)
        guard padding.0 * 2 <= kernel.0, padding.1 * 2 <= kernel.1 else {
            throw TensorError.invalidArgument(op: name, message: "padding must be at most half the kernel size (PyTorch's rule)")
        }
        let xc = try x.contiguous(op: name)
        let y = try Tensor.uninitialized([g.batch, g.inChannels, g.outHeight, g.outWidth], op: name)
        let index = UnsafeMutablePointer<Int>.allocate(capacity: Swift.max(1, y.count))
        let indexBox = IndexBuffer(index)
        Kernels.maxPool2dForward(y: y.pointer, index: index, x: xc.pointer, g: g)
        if Tensor.recording(x) {
            y.record(.maxPool2d, [x]) { grad in
                let dy = try grad.contiguous(op: name)
                let dx = try Tensor.uninitialized(x.shape, op: name)
                Kernels.maxPool2dBackward(dx: dx.pointer, dy: dy.pointer, index: indexBox.pointer, g: g)
                return [dx]
            }
        }
        if let listener = Trace.listener {
            listener.opDidRun(OpEvent(op: .maxPool2d, inputs: [x], outputs: [y],
                                      attributes: [("kernel_size", "\(kernel.0)"), ("stride", "\(stride.0)"), ("padding", "\(padding.0)")]))
        }
        return y
    }

    /// avg_pool2d(x, k, stride, padding): the mean of each window, padded zeros counted (PyTorch's
    /// F.avg_pool2d with count_include_pad=True).
    public static func avgPool2d(_ x: Tensor, kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int) = (0, 0)) throws -> Tensor {
        let name = Op.avgPool2d.name
        let g = try windowGeometry(name, x, outChannels: x.rank == 4 ? x.shape[1] : 0, kernel: kernel, stride: stride,
                                   padding: padding, dilation: (1, 1), groups: 1)
        guard padding.0 * 2 <= kernel.0, padding.1 * 2 <= kernel.1 else {
            throw TensorError.invalidArgument(op: name, message: "padding must be at most half the kernel size (PyTorch's rule)")
        }
        let xc = try x.contiguous(op: name)
        let y = try Tensor.uninitialized([g.batch, g.inChannels, g.outHeight, g.outWidth], op: name)
        Kernels.avgPool2dForward(y: y.pointer, x: xc.pointer, g: g)
        if Tensor.recording(x) {
            y.record(.avgPool2d, [x]) { grad in
                let dy = try grad.contiguous(op: name)
                let dx = try Tensor.uninitialized(x.shape, op: name)
                Kernels.avgPool2dBackward(dx: dx.pointer, dy: dy.pointer, g: g)
                return [dx]
            }
        }
        if let listener = Trace.listener {
            listener.opDidRun(OpEvent(op: .avgPool2d, inputs: [x], outputs: [y],
                                      attributes: [("kernel_size", "\(kernel.0)"), ("stride", "\(stride.0)"), ("padding", "\(padding.0)")]))
        }
        return y
    }

    /// adaptive_avg_pool2d(x, (OH, OW)): the mean of each of OH×OW bins covering x (PyTorch's
    /// F.adaptive_avg_pool2d; bins ⌊i·H/OH⌋ ..< ⌈(i+1)·H/OH⌉). Output size 1 is the global average pool.
    public static func adaptiveAvgPool2d(_ x: Tensor, _ size: (Int, Int)) throws -> Tensor {
        let name = Op.adaptiveAvgPool2d.name
        guard x.rank == 4 else {
            throw TensorError.invalidArgument(op: name, message: "x must be N×C×H×W (rank 4), got shape \(TensorError.format(x.shape))")
        }
        let h = x.shape[2], w = x.shape[3]
        guard size.0 >= 1, size.1 >= 1, size.0 <= Swift.max(h, 1), size.1 <= Swift.max(w, 1), h > 0, w > 0 else {
            throw TensorError.invalidArgument(op: name, message: "the output size must be between 1 and the input's \(h)×\(w), got \(size.0)×\(size.1)")
        }
        let planes = x.shape[0] * x.shape[1]
        let xc = try x.contiguous(op: name)
        let y = try Tensor.uninitialized([x.shape[0], x.shape[1], size.0, size.1], op: name)
        Kernels.adaptiveAvgPool2dForward(y: y.pointer, x: xc.pointer, planes: planes, height: h, width: w, outHeight: size.0, outWidth: size.1)
        if Tensor.recording(x) {
            y.record(.adaptiveAvgPool2d, [x]) { grad in
                let dy = try grad.contiguous(op: name)
                let dx = try Tensor.uninitialized(x.shape, op: name)
                Kernels.adaptiveAvgPool2dBackward(dx: dx.pointer, dy: dy.pointer, planes: planes, height: h, width: w,
                                                  outHeight: size.0, outWidth: size.1)
                return [dx]
            }
        }
        if let listener = Trace.listener {
            listener.opDidRun(OpEvent(op: .adaptiveAvgPool2d, inputs: [x], outputs: [y],
                                      attributes: [("output_size", size.0 == size.1 ? "\(size.0)" : "(\(size.0), \(size.1))")]))
        }
        return y
    }
}

/// The argmax indices a max pool keeps for its backward pass, freed with the node.
final class IndexBuffer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Int>
    init(_ pointer: UnsafeMutablePointer<Int>) { self.pointer = pointer }
    deinit { pointer.deallocate() }
}
