import GlassboxLanguage
import GlassboxTensors

// MARK: - Named steps of the fused layers

/// Each fused op reports its intermediates by name (Docs/WALKTHROUGHS.md, "Named walkthroughs");
/// these functions give each one its conventional symbol and formula. They return false when an
/// intermediate is missing, and the op is then shown as one primitive step.
extension StepBuilder {

    /// `lstm_cell`: pre-activations, then `i_t f_t g_t o_t c_t h_t` (PyTorch `nn.LSTMCell`).
    mutating func lstm(_ op: OpEvent, _ event: ExplainedEvent) -> Bool {
        guard op.inputs.count == 7, op.outputs.count == 2,
              let preact = op.intermediate("preact"), let i = op.intermediate("i_t"), let f = op.intermediate("f_t"),
              let g = op.intermediate("g_t"), let o = op.intermediate("o_t"), let c = op.intermediate("c_t"),
              let h = op.intermediate("h_t") else { return false }
        let g0 = group(event.text, [
            "LSTM cell, PyTorch nn.LSTMCell: W_ih (4H×I) = [W_ii; W_if; W_ig; W_io], W_hh (4H×H) = [W_hi; W_hf; W_hg; W_ho], "
                + "biases split the same way (gate rows i, f, g, o)",
            bindings(["x", "h", "c_{t−1}", "W_ih", "W_hh", "b_ih", "b_hh"], op.inputs),
        ])
        let s = event.callStack
        add(.named, "preact", "x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh", preact, source: event.text, callStack: s,
            note: "pre-activations, gate blocks i, f, g, o", group: g0)
        add(.named, "i_t", "σ(x·W_iiᵀ + b_ii + h·W_hiᵀ + b_hi)", i, callStack: s, note: "input gate", group: g0)
        add(.named, "f_t", "σ(x·W_ifᵀ + b_if + h·W_hfᵀ + b_hf)", f, callStack: s, note: "forget gate", group: g0)
        add(.named, "g_t", "tanh(x·W_igᵀ + b_ig + h·W_hgᵀ + b_hg)", g, callStack: s, note: "candidate cell", group: g0)
        add(.named, "o_t", "σ(x·W_ioᵀ + b_io + h·W_hoᵀ + b_ho)", o, callStack: s, note: "output gate", group: g0)
        add(.named, "c_t", "f_t ⊙ c_{t−1} + i_t ⊙ g_t", c, callStack: s, note: "new cell state", group: g0)
        add(.named, "h_t", "o_t ⊙ tanh(c_t)", h, callStack: s, note: "new hidden state", group: g0)
        labels.remember(op.outputs[0], as: Formula("h_t"))
        labels.remember(op.outputs[1], as: Formula("c_t"))
        return true
    }

    /// `rnn_cell`: pre-activation, then `h_t` (PyTorch `nn.RNNCell` with tanh).
    mutating func rnn(_ op: OpEvent, _ event: ExplainedEvent) -> Bool {
        guard op.inputs.count == 6, let preact = op.intermediate("preact"), let h = op.intermediate("h_t") else { return false }
        let g0 = group(event.text, [
            "Elman RNN cell, PyTorch nn.RNNCell (tanh): W_ih (H×I), W_hh (H×H), b_ih, b_hh (H)",
            bindings(["x", "h", "W_ih", "W_hh", "b_ih", "b_hh"], op.inputs),
        ])
        add(.named, "preact", "x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh", preact, source: event.text, callStack: event.callStack,
            note: "pre-activation", group: g0)
        add(.named, "h_t", "tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh)", h, callStack: event.callStack,
            note: "new hidden state", group: g0)
        if let out = op.outputs.first { labels.remember(out, as: Formula("h_t")) }
        return true
    }

    /// `attention`: scores, scaled, masked (with a mask), weights, output (Vaswani et al. 2017).
    mutating func attention(_ op: OpEvent, _ event: ExplainedEvent) -> Bool {
        guard op.inputs.count >= 3, let scores = op.intermediate("scores"), let scaled = op.intermediate("scaled_scores"),
              let weights = op.intermediate("weights"), let output = op.intermediate("output") else { return false }
        let masked = op.intermediate("masked_scores")
        let dk = op.inputs[0].shape.last ?? 0
        let g0 = group(event.text, [
            "scaled dot-product attention (Vaswani et al. 2017): softmax(Q·Kᵀ/√d_k" + (masked == nil ? "" : " + M")
                + ")·V, d_k = \(dk)",
            bindings(["Q", "K", "V", "M"], op.inputs),
        ])
        let s = event.callStack
        add(.named, "scores", "Q·Kᵀ", scores, source: event.text, callStack: s,
            note: "how well each query matches each key", group: g0)
        add(.named, "scaled", "Q·Kᵀ/√d_k", scaled, callStack: s, note: "÷ √\(dk) keeps the softmax from saturating",
            group: g0)
        if let masked {
            add(.named, "masked", "Q·Kᵀ/√d_k + M", masked, callStack: s, note: "M is 0 where allowed, −∞ where hidden",
                group: g0)
        }
        add(.named, "weights", masked == nil ? "softmax(Q·Kᵀ/√d_k)" : "softmax(Q·Kᵀ/√d_k + M)", weights, callStack: s,
            note: "softmax over each row: every row sums to 1", group: g0)
        add(.named, "output", "weights·V", output, callStack: s, note: "each row: a weighted mean of V's rows", group: g0)
        if let out = op.outputs.first { labels.remember(out, as: Formula("attention")) }
        return true
    }

    /// `layer_norm`: mean, variance, normalized, output (Ba, Kiros & Hinton 2016).
    mutating func layerNorm(_ op: OpEvent, _ event: ExplainedEvent) -> Bool {
        guard op.inputs.count == 3, let mean = op.intermediate("mean"), let variance = op.intermediate("variance"),
              let normalized = op.intermediate("normalized"), let output = op.intermediate("output") else { return false }
        let eps = op.attributes.first { $0.name == "eps" }?.value ?? "1e-05"
        let columns = op.inputs[0].shape.last ?? 0
        let g0 = group(event.text, [
            "layer normalization over the last axis (Ba, Kiros & Hinton 2016), C = \(columns), ε = \(eps)",
            bindings(["x", "γ", "β"], op.inputs),
        ])
        let s = event.callStack
        add(.named, "mean", "μ = (1/C)·Σⱼ xⱼ", mean, source: event.text, callStack: s, note: "one per row", group: g0)
        add(.named, "variance", "σ² = (1/C)·Σⱼ (xⱼ − μ)²", variance, callStack: s, note: "population variance (÷ C)",
            group: g0)
        add(.named, "normalized", "x̂ = (x − μ)/√(σ² + ε)", normalized, callStack: s, note: "each row: mean 0, variance 1",
            group: g0)
        add(.named, "output", "γ ⊙ x̂ + β", output, callStack: s, note: "learned scale and shift", group: g0)
        if let out = op.outputs.first { labels.remember(out, as: Formula("layer_norm")) }
        return true
    }

    /// `cross_entropy`: probabilities, per-example losses, their mean.
    mutating func crossEntropy(_ op: OpEvent, _ event: ExplainedEvent) -> Bool {
        guard op.inputs.count == 2, let probs = op.intermediate("probs"), let losses = op.intermediate("losses"),
              let loss = op.outputs.first else { return false }
        let g0 = group(event.text, [
            "cross-entropy of logits against class labels, mean over the batch (PyTorch F.cross_entropy)",
            bindings(["logits", "labels"], op.inputs),
        ])
        let s = event.callStack
        add(.named, "probs", "softmax(logits)", probs, source: event.text, callStack: s,
            note: "each row sums to 1", group: g0)
        add(.named, "losses", "−log probs[label]", losses, callStack: s, note: "one per example", group: g0)
        add(.named, "loss", "(1/B)·Σ losses", loss, callStack: s, note: "the mean over the batch", group: g0)
        labels.remember(loss, as: Formula("loss"))
        return true
    }
}
