#if canImport(Glibc)
import Glibc
#endif
import GlassboxLanguage
import GlassboxTensors

// MARK: - Sampling

extension StepBuilder {
    /// `explain sample(logits, temperature=, top_k=, top_p=)`: what each setting did to the
    /// distribution, then the uniform draw landing in its bucket of the cumulative distribution
    /// (Holtzman et al. 2020 for top-p). The values are the sampler's own (`Sampling.draw`).
    mutating func sample(_ op: OpEvent, _ event: ExplainedEvent) -> Bool {
        func attribute(_ name: String) -> String { op.attributes.first { $0.name == name }?.value ?? "" }
        guard let logits = op.inputs.first, let p = op.intermediate("probabilities"), let c = op.intermediate("cumulative"),
              let id = Int(attribute("id")), let u = Float(attribute("u")) else { return false }
        let t = attribute("temperature"), k = Int(attribute("top_k")) ?? 0, topP = Float(attribute("top_p")) ?? 1
        let g0 = group(event.text, [
            "one token drawn: softmax(logits / T) with T = \(Self.short(t)), "
                + (k > 0 ? "only the \(k) largest kept, " : "every id kept by top-k, ")
                + (topP < 1 ? "then the smallest set of probability ≥ \(Self.short(attribute("top_p"))) (top-p, Holtzman et al. 2020), " : "")
                + "renormalized; a uniform u from the seeded generator picks the id whose bucket of the cumulative distribution holds it",
            bindings(["logits"], op.inputs),
        ])
        let s = event.callStack
        let probs = p.toArray(), cumulative = c.toArray()
        guard let scaled = op.intermediate("scaled"), let afterK = op.intermediate("after_top_k") else {
            // Temperature 0: the argmax, no draw.
            add(.named, "argmax", "temperature 0: the largest logit, no draw", op.outputs.first, source: event.text, callStack: s,
                note: "id \(id)", group: g0)
            return true
        }
        let plain = Self.softmax(logits.toArray())
        let tPlain = (try? Tensor(shape: [plain.count], data: plain))
        add(.named, "softmax", "softmax(logits), T = 1, for comparison", tPlain, source: event.text, callStack: s,
            note: Self.top(plain), group: g0)
        add(.named, "scaled", "z = logits / T", scaled, callStack: s,
            note: (Float(t) ?? 1) < 1 ? "T < 1 sharpens the distribution" : ((Float(t) ?? 1) > 1 ? "T > 1 flattens it" : "T = 1 leaves it"), group: g0)
        add(.named, k > 0 ? "top_k" : "softmax_T", k > 0 ? "softmax(z) over the \(k) largest z (the rest −∞)" : "softmax(z)", afterK,
            callStack: s, note: Self.top(afterK.toArray()), group: g0)
        if topP < 1 {
            let kept = probs.filter { $0 > 0 }.count
            add(.named, "top_p", "the most likely ids until their total reaches \(Self.short(attribute("top_p"))), renormalized", p,
                callStack: s, note: "\(kept) id\(kept == 1 ? "" : "s") kept · " + Self.top(probs), group: g0)
        }
        add(.named, "cumulative", "c_i = Σ_{j ≤ i} p_j", c, callStack: s, note: "each kept id owns [c_{i−1}, c_i)", group: g0)
        let lo = id > 0 ? cumulative[id - 1] : 0, hi = cumulative[id]
        add(.named, "draw", "u = \(Self.number(u)) ∈ [\(Self.number(lo)), \(Self.number(hi))) → id \(id)", op.outputs.first, callStack: s,
            note: "p = \(Self.number(probs[id])); the same seed draws the same u", group: g0)
        if let out = op.outputs.first { labels.remember(out, as: Formula("sample")) }
        return true
    }

    static func softmax(_ x: [Float]) -> [Float] {
        let m = x.max() ?? 0
        let e = x.map { m.isFinite ? Double(exp(Double($0 - m))) : 1 }
        let total = e.reduce(0, +)
        return e.map { Float($0 / total) }
    }

    /// The five likeliest ids with their probabilities.
    static func top(_ p: [Float]) -> String {
        let order = p.indices.sorted { p[$0] > p[$1] || (p[$0] == p[$1] && $0 < $1) }.prefix(5).filter { p[$0] > 0 }
        return "top: " + order.map { "\($0) \(number(p[$0]))" }.joined(separator: ", ")
    }

    static func number(_ v: Float) -> String { ValueFormatter(precision: 4).format(.number(v)) }

    static func short(_ text: String) -> String {
        guard let v = Double(text) else { return text }
        return v == v.rounded() ? String(Int(v)) : String(v)
    }
}
