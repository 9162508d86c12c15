#if canImport(Glibc)
import Glibc
#endif
import GlassboxLanguage
import GlassboxTensors

// MARK: - A generation step, summed up

/// The shape of what a pre-norm transformer's generation step records (GPT-2, Radford et al.
/// 2019): per block a layer norm, then attention, then a layer norm before the MLP; after the
/// last block a final layer norm, a product with the output matrix (the logits), and the choice
/// of one token from the last row — `argmax` of a vector, or `sample`. A pass is everything up to
/// one such choice; `gpt2_generate(w, ids, n)` records n of them.
struct GenerationPass {
    var layerNorms: [OpEvent] = []
    /// The index into `layerNorms` of the layer norm that fed each attention op.
    var attentionInput: [Int] = []
    var attentions: [OpEvent] = []
    var matmuls: [OpEvent] = []
    /// `embedding(ids, W)`'s gathers (`take` along axis 0).
    var embeddings: [OpEvent] = []
    var choice: OpEvent? = nil

    /// The queries and keys of its attention: how many tokens the pass ran, and how many it read.
    var queries: Int { attentions.first.map { $0.inputs[0].shape.dropLast().last ?? 0 } ?? 0 }
    var keys: Int { attentions.first.map { $0.inputs[1].shape.dropLast().last ?? 0 } ?? 0 }

    /// Splits the recorded ops into passes, each ending at a choice of token.
    static func passes(_ events: [ExplainedEvent]) -> [GenerationPass] {
        var out: [GenerationPass] = []
        var pass = GenerationPass()
        for event in events {
            guard case .op(let op) = event.event else { continue }
            switch op.op {
            case .layerNorm where op.inputs.count == 3 && op.inputs[0].rank >= 2:
                pass.layerNorms.append(op)
            case .attention where op.inputs.count >= 3 && op.intermediate("weights") != nil:
                guard !pass.layerNorms.isEmpty else { continue }
                pass.attentionInput.append(pass.layerNorms.count - 1)
                pass.attentions.append(op)
            case .matmul where op.inputs.count == 2:
                pass.matmuls.append(op)
            case .take where op.inputs.count == 2 && op.inputs[0].rank == 2 && pass.embeddings.isEmpty:
                pass.embeddings.append(op)
            case .argmax where op.inputs.first?.rank == 1 && op.attributes.allSatisfy({ $0.name != "axis" }),
                 .sample where op.inputs.first?.rank == 1:
                pass.choice = op
                out.append(pass)
                pass = GenerationPass()
            default:
                break
            }
        }
        return out
    }

    /// The layer norm before the output matrix, and the product that made the logits: the last
    /// layer norm, when a product starts from its output.
    var output: (norm: OpEvent, product: OpEvent)? {
        guard let final = layerNorms.last, let out = final.outputs.first,
              let product = matmuls.last(where: { $0.inputs[0] === out }) else { return nil }
        return (final, product)
    }
}

extension StepBuilder {
    /// After the steps of an expression that generated a token with a transformer (see
    /// `GenerationPass`): the newest token's path through the model in a few steps — the cache
    /// at each pass, its embedding, every block's attention weights per head as a heatmap, the
    /// size of the residual stream before each layer norm, the logit lens (nostalgebraist 2020:
    /// the final layer norm and output matrix applied after every block), the top candidates
    /// and the choice. The attention rows and norms are read from recorded tensors; the lens and
    /// the probabilities are computed from recorded tensors with the same kernels.
    mutating func generationSummary(_ events: [ExplainedEvent]) {
        let passes = GenerationPass.passes(events).filter { !$0.attentions.isEmpty }
        guard let pass = passes.last, let choice = pass.choice, let chosen = choice.outputs.first,
              let logits = choice.inputs.first, let (final, product) = pass.output,
              pass.attentionInput.count == pass.attentions.count else { return }
        let id = Int(chosen.toArray().first ?? -1)
        // The ids as text, with the session's tokenizer of this vocabulary (the first, if several).
        let tokenizer = tokenizers.first { $0.size == logits.count }
        func token(_ id: Int) -> String { tokenizer?.tokenText(id).map { " " + Self.quoted($0) } ?? "" }
        func tokens(_ ids: [Float]) -> String? {
            tokenizer == nil ? nil : ids.map { Self.quoted(tokenizer?.tokenText(Int($0)) ?? "?") }.joined(separator: " ")
        }
        let blocks = pass.attentions.count
        let tq = pass.queries, tk = pass.keys
        var lines = ["the newest token (position \(tk - 1)) through \(blocks) block\(blocks == 1 ? "" : "s"), from the values recorded above"]
        for (k, p) in passes.enumerated() {
            let cached = p.keys - p.queries
            lines.append("pass \(k + 1): \(p.queries) new token\(p.queries == 1 ? "" : "s") at position\(p.queries == 1 ? "" : "s") "
                         + (p.queries == 1 ? "\(cached)" : "\(cached)…\(p.keys - 1)")
                         + ", each block's attention over \(p.keys) keys (\(cached) from the key/value cache)")
        }
        let g = group("one generation step, summed up", lines)

        // The cache, pass by pass.
        if passes.count > 1, let counts = try? Tensor(shape: [passes.count], data: passes.map { Float($0.keys) }) {
            add(.named, "cache", "keys per block at each pass: cached + new", counts,
                note: "the cache grows by one token per pass", group: g)
        }
        // The newest token's residual stream before each layer norm.
        let streams = pass.layerNorms.map { Self.lastRow($0.inputs[0]) }
        if let x0 = streams.first ?? nil {
            let newest = pass.embeddings.first.flatMap { $0.inputs[1].toArray().last }.map { Int($0) }
            add(.named, "x₀", "wte[\(newest.map(String.init) ?? "id")] + wpe[\(tk - 1)]", x0,
                note: "the newest token's embedding and position" + (newest.map(token).map { $0.isEmpty ? "" : " ·" + $0 } ?? "")
                    + " · ‖x₀‖ = " + Self.number(Self.norm(x0)),
                group: g)
        }
        // Attention per block: each head's weights for the newest query.
        for (b, op) in pass.attentions.enumerated() {
            guard let weights = op.intermediate("weights"), let rows = Self.lastQueryRows(weights, queries: tq, keys: tk) else { continue }
            let data = rows.toArray()
            let heads = rows.shape[0]
            let looks = (0..<heads).map { h -> Int in
                let row = data[(h * tk)..<((h + 1) * tk)]
                return row.indices.max { row[$0] < row[$1] }.map { $0 - h * tk } ?? 0
            }
            add(.named, "attention \(b)", "softmax(q·Kᵀ/√d + M) of the newest query, per head", rows,
                note: "block \(b) · most weight on position" + (heads == 1 ? " " : "s ") + looks.map(String.init).joined(separator: ", "),
                group: g, picture: "block \(b): rows heads, columns key positions 0…\(tk - 1)")
        }
        // The residual stream's size.
        let norms = streams.map { $0.map(Self.norm) ?? .nan }
        if let t = try? Tensor(shape: [norms.count], data: norms) {
            add(.named, "‖x‖", "‖x‖₂ of the newest token's residual stream before each layer norm", t,
                note: "per block: before attention, before the MLP; last: before the final layer norm", group: g)
        }
        // The logit lens: the guess after the embeddings and after every block.
        let lensInputs = pass.attentionInput.map { streams[$0] } + [streams.last ?? nil]
        var guesses: [Float] = [], chances: [Float] = []
        let eps = Float(final.attributes.first { $0.name == "eps" }?.value ?? "") ?? 1e-5
        for x in lensInputs {
            guard let x, let h = try? Ops.layerNorm(x, final.inputs[1], final.inputs[2], eps: eps),
                  let l = try? Ops.matmul(h, product.inputs[1]) else { continue }
            let p = Self.softmax(l.toArray())
            let best = p.indices.max { p[$0] < p[$1] } ?? 0
            guesses.append(Float(best))
            chances.append(p[best])
        }
        if guesses.count == lensInputs.count, let ids = try? Tensor(shape: [guesses.count], data: guesses),
           let ps = try? Tensor(shape: [chances.count], data: chances) {
            add(.named, "lens", "argmax softmax(ln_f(x)·W_outᵀ) after the embeddings and after each block", ids,
                note: tokens(guesses) ?? "the logit lens (nostalgebraist 2020): the next-token guess so far", group: g)
            add(.named, "lens p", "the probability of each guess", ps, group: g)
        }
        // The final distribution and the choice.
        let probabilities = Self.softmax(logits.toArray())
        let order = probabilities.indices.sorted { probabilities[$0] > probabilities[$1] || (probabilities[$0] == probabilities[$1] && $0 < $1) }
            .prefix(5)
        if let top = try? Tensor(shape: [order.count], data: order.map(Float.init)),
           let p = try? Tensor(shape: [order.count], data: order.map { probabilities[$0] }) {
            add(.named, "top ids", "the five likeliest next ids, softmax(logits)", top, note: tokens(order.map(Float.init)), group: g)
            add(.named, "top p", "their probabilities (T = 1)", p, group: g)
        }
        let how = choice.op == .sample ? "sampled (the sample steps above show the draw)" : "greedy: the largest logit"
        add(.named, "next", "the next token: id \(id)" + token(id), chosen,
            note: how + (id >= 0 && id < probabilities.count ? " · p = " + Self.number(probabilities[id]) : ""), group: g)
    }

    /// The last row of a T×D matrix (of a batch's last sequence for 1×T×D …), as 1×D.
    static func lastRow(_ x: Tensor) -> Tensor? {
        guard x.rank >= 2, let d = x.shape.last, d > 0, x.count >= d else { return nil }
        let a = x.toArray()
        return try? Tensor(shape: [1, d], data: Array(a[(x.count - d)...]))
    }

    /// Each head's weights for the last query: heads × keys (a rank-2 weights matrix is one head).
    static func lastQueryRows(_ w: Tensor, queries: Int, keys: Int) -> Tensor? {
        guard w.rank >= 2, queries > 0, keys > 0, w.count % (queries * keys) == 0 else { return nil }
        let heads = w.count / (queries * keys), a = w.toArray()
        var out: [Float] = []
        out.reserveCapacity(heads * keys)
        for h in 0..<heads {
            let start = (h * queries + queries - 1) * keys
            out += a[start..<(start + keys)]
        }
        return try? Tensor(shape: [heads, keys], data: out)
    }

    static func norm(_ x: Tensor) -> Float {
        Float(x.toArray().reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot())
    }
}
