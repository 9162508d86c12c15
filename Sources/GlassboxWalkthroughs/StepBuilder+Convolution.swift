import GlassboxLanguage
import GlassboxTensors

// MARK: - Convolutions and batch norm, opened up

/// `conv2d` is shown at one output position, as CNN Explainer shows it: the input patch under the
/// filter, the filter, their products and the sum (plus the bias) — the value at that position of
/// the output map — then the whole output and what the layer costs in multiply-adds. `batch_norm`
/// shows the statistics it used (the batch's or the running ones), γ, β, ε and the normalized
/// values (Ioffe & Szegedy 2015).
extension StepBuilder {

    /// The output position a convolution is opened at: image 0, output channel 0, the centre.
    static func convPosition(_ y: Tensor) -> (r: Int, s: Int) { (y.shape[2] / 2, y.shape[3] / 2) }

    mutating func conv2d(_ op: OpEvent, _ event: ExplainedEvent) -> Bool {
        guard op.inputs.count >= 2, let y = op.outputs.first, y.rank == 4, y.count > 0 else { return false }
        let x = op.inputs[0], w = op.inputs[1]
        let bias = op.inputs.count > 2 ? op.inputs[2] : nil
        func attribute(_ name: String) -> Int { Int(op.attributes.first { $0.name == name }?.value ?? "") ?? 1 }
        let groups = attribute("groups"), dilation = attribute("dilation")
        let strideText = op.attributes.first { $0.name == "stride" }?.value ?? "1"
        let paddingText = op.attributes.first { $0.name == "padding" }?.value ?? "0"
        let (oh, ow) = (y.shape[2], y.shape[3])
        let (kh, kw) = (w.shape[2], w.shape[3])
        let cg = w.shape[1], (c, h, wd) = (x.shape[1], x.shape[2], x.shape[3])
        // Stride and padding per axis, read back from the shapes the layer produced.
        let sh = oh > 1 ? max(1, (h + 2 * Self.pad(paddingText, 0) - dilation * (kh - 1) - 1) / (oh - 1)) : 1
        let sw = ow > 1 ? max(1, (wd + 2 * Self.pad(paddingText, 1) - dilation * (kw - 1) - 1) / (ow - 1)) : 1
        let ph = Self.pad(paddingText, 0), pw = Self.pad(paddingText, 1)
        let macs = y.count * cg * kh * kw
        var lines = [
            "2-D convolution (PyTorch F.conv2d): x \(Shape.text(x.shape)), W \(Shape.text(w.shape)), stride \(strideText), padding \(paddingText)"
                + (dilation > 1 ? ", dilation \(dilation)" : "") + (groups > 1 ? ", groups \(groups)" : ""),
            "output size ⌊(in + 2·pad − dilation·(k − 1) − 1)/stride⌋ + 1 (Dumoulin & Visin 2016): \(h)×\(wd) → \(oh)×\(ow)",
            "\(Self.grouped(macs)) multiply-adds: each of the \(Self.grouped(y.count)) outputs sums \(cg)·\(kh)·\(kw) = \(cg * kh * kw) products",
            bindings(["x", "W", "b"], op.inputs),
        ]
        if groups > 1 && groups == c && w.shape[0] == c {
            lines.insert("depthwise (Howard et al. 2017): each channel has its own \(kh)×\(kw) filter; a standard convolution "
                         + "mixing all \(c) channels would cost \(c)× as much (\(Self.grouped(macs * c)) multiply-adds)", at: 2)
        }
        let g0 = group(event.text, lines)
        let (r, s) = Self.convPosition(y)
        // The patch under filter 0 at (r, s): the input channels of group 0, zeros in the padding.
        let xs = x.toArray(), ws = w.toArray()
        var patch = [Float](repeating: 0, count: cg * kh * kw)
        var overPadding = false
        for ci in 0..<cg {
            for i in 0..<kh {
                for j in 0..<kw {
                    let ih = r * sh + i * dilation - ph, iw = s * sw + j * dilation - pw
                    if ih >= 0 && ih < h && iw >= 0 && iw < wd { patch[(ci * kh + i) * kw + j] = xs[(ci * h + ih) * wd + iw] }
                    else { overPadding = true }
                }
            }
        }
        let filter = Array(ws[0..<(cg * kh * kw)])
        let products = zip(patch, filter).map { $0 * $1 }
        let b0 = bias.map { $0.toArray()[0] } ?? 0
        let shape = cg == 1 ? [kh, kw] : [cg, kh, kw]
        guard let patchT = try? Tensor(shape: shape, data: patch), let filterT = try? Tensor(shape: shape, data: filter),
              let productsT = try? Tensor(shape: shape, data: products) else { return false }
        let sum = products.reduce(0, +) + b0
        let s0 = event.callStack
        let at = "y[0, 0, \(r), \(s)]"
        add(.named, "patch", "x[0, :, \(r)·\(sh) + i − \(ph), \(s)·\(sw) + j − \(pw)]", patchT, source: event.text, callStack: s0,
            note: "the input under the filter for output \(at)" + (overPadding ? " (zeros where it hangs over the padding)" : ""), group: g0)
        add(.named, "kernel", "W[0]", filterT, callStack: s0, note: "filter 0, the weights of output channel 0", group: g0)
        add(.named, "products", "patch ⊙ W[0]", productsT, callStack: s0, note: "elementwise", group: g0)
        add(.named, "sum", "Σ products" + (bias == nil ? "" : " + b[0]"), Tensor(scalar: sum), callStack: s0,
            note: "= \(at) = \(y.toArray()[(r * ow) + s])", group: g0)
        add(.named, "output", "conv2d(x, W" + (bias == nil ? ")" : ", b)"), y, callStack: s0,
            note: "every position and channel the same way: \(Shape.text(y.shape))", group: g0)
        labels.remember(y, as: Formula("conv2d"))
        return true
    }

    /// Padding along axis k from its attribute text (`1` or `(1, 2)`).
    static func pad(_ text: String, _ k: Int) -> Int {
        let parts = text.filter { $0 != "(" && $0 != ")" && $0 != " " }.split(separator: ",")
        let part = parts.count > k ? parts[k] : parts.first ?? "0"
        return Int(part) ?? 0
    }

    static func grouped(_ n: Int) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return out
    }

    mutating func batchNorm(_ op: OpEvent, _ event: ExplainedEvent) -> Bool {
        guard op.inputs.count >= 3, let mean = op.intermediate("mean"), let variance = op.intermediate("variance"),
              let normalized = op.intermediate("normalized"), let output = op.intermediate("output") else { return false }
        let training = op.attributes.first { $0.name == "training" }?.value == "true"
        let eps = op.attributes.first { $0.name == "eps" }?.value ?? "1e-05"
        let momentum = op.attributes.first { $0.name == "momentum" }?.value ?? "0.1"
        let x = op.inputs[0]
        let count = x.count / max(1, x.shape[1])
        let g0 = group(event.text, [
            "batch normalization (Ioffe & Szegedy 2015) over each of the \(x.shape[1]) channels, ε = \(eps), "
                + (training ? "training mode: the batch's statistics over its \(count) values per channel; the running ones move "
                              + "by momentum \(momentum) toward them"
                            : "eval mode: the running statistics learned in training"),
            bindings(["x", "running_mean", "running_var", "γ", "β"], op.inputs),
        ])
        let s = event.callStack
        add(.named, "mean", training ? "μ_c = mean of x over (N, H, W)" : "μ_c = running_mean", mean, source: event.text, callStack: s,
            note: "one per channel", group: g0)
        add(.named, "variance", training ? "σ²_c = mean of (x − μ_c)² over (N, H, W)" : "σ²_c = running_var", variance, callStack: s,
            note: training ? "biased (÷ N·H·W) for normalizing; the running variance gets the unbiased one" : "one per channel", group: g0)
        add(.named, "normalized", "x̂ = (x − μ_c)/√(σ²_c + ε)", normalized, callStack: s, note: training ? "each channel: mean 0, variance 1 on the batch"
                : "near mean 0, variance 1 only when the batch looks like the training data", group: g0)
        add(.named, "output", "γ_c·x̂ + β_c", output, callStack: s, note: "a learned scale and shift per channel", group: g0)
        if let out = op.outputs.first { labels.remember(out, as: Formula("batch_norm")) }
        return true
    }
}
