import GlassboxLanguage
import GlassboxTensors

// MARK: - Optimizer steps, one group per parameter

/// `step(opt)` reports one event per parameter it updates (op `adam` or `sgd`), with the values
/// the update kernel wrote: the gradient, the moments, the update and the new value.
extension StepBuilder {

    /// Adam (Kingma & Ba 2015, Algorithm 1): `g m_t v_t m_hat v_hat update new_value`.
    mutating func adam(_ op: OpEvent, _ event: ExplainedEvent) -> Bool {
        guard let old = op.intermediate("old_value"), let g = op.intermediate("g"), let m = op.intermediate("m_t"),
              let v = op.intermediate("v_t"), let mHat = op.intermediate("m_hat"), let vHat = op.intermediate("v_hat"),
              let update = op.intermediate("update"), let new = op.intermediate("new_value") else { return false }
        let a = Attributes(op)
        let θ = parameterName(op)
        let t = a["t"] ?? "t"
        let tSup = superscript(t) ?? "^" + t
        let b1 = a["beta1"] ?? "β₁", b2 = a["beta2"] ?? "β₂"
        let g0 = group("\(callText(event)) · Adam · parameter \(θ)", [
            "Adam (Kingma & Ba 2015), t = \(t): α = \(a["lr"] ?? "?"), β₁ = \(b1), β₂ = \(b2), ε = \(a["eps"] ?? "?")"
                + (t == "1" ? "; m and v start at 0" : ""),
        ])
        let s = event.callStack
        add(.named, "old_value", θ, old, source: event.text, callStack: s, note: "before the step", group: g0)
        add(.named, "g", "∂L/∂\(θ)", g, callStack: s, note: "gradient from the last backward", group: g0)
        add(.named, "m_t", "β₁·m_{t−1} + (1 − β₁)·g", m, callStack: s,
            note: "first moment: running mean of g", group: g0)
        add(.named, "v_t", "β₂·v_{t−1} + (1 − β₂)·g²", v, callStack: s,
            note: "second moment: running mean of g²", group: g0)
        add(.named, "m_hat", "m_t/(1 − β₁ᵗ)", mHat, callStack: s,
            note: "bias-corrected: ÷ (1 − \(b1)\(tSup))", group: g0)
        add(.named, "v_hat", "v_t/(1 − β₂ᵗ)", vHat, callStack: s,
            note: "bias-corrected: ÷ (1 − \(b2)\(tSup))", group: g0)
        add(.named, "update", "α·m_hat/(√v_hat + ε)", update, callStack: s, note: "the step taken", group: g0)
        add(.named, "new_value", "\(θ) − update", new, callStack: s, note: "\(θ) after the step (in place)", group: g0)
        return true
    }

    /// SGD with momentum as PyTorch does it: `g velocity update new_value`.
    mutating func sgd(_ op: OpEvent, _ event: ExplainedEvent) -> Bool {
        guard let old = op.intermediate("old_value"), let g = op.intermediate("g"),
              let velocity = op.intermediate("velocity"), let update = op.intermediate("update"),
              let new = op.intermediate("new_value") else { return false }
        let a = Attributes(op)
        let θ = parameterName(op)
        let momentum = a["momentum"] ?? "0"
        let plain = (Float(momentum) ?? 0) == 0
        let g0 = group("\(callText(event)) · SGD · parameter \(θ)", [
            "stochastic gradient descent, t = \(a["t"] ?? "?"): α = lr = \(a["lr"] ?? "?"), μ = momentum = \(momentum)"
                + (plain ? " (no momentum: v = g)" : a["t"] == "1" ? "; v starts at 0" : ""),
        ])
        let s = event.callStack
        add(.named, "old_value", θ, old, source: event.text, callStack: s, note: "before the step", group: g0)
        add(.named, "g", "∂L/∂\(θ)", g, callStack: s, note: "gradient from the last backward", group: g0)
        add(.named, "velocity", plain ? "g" : "μ·v_{t−1} + g", velocity, callStack: s,
            note: plain ? "without momentum the velocity is the gradient" : "running sum of gradients, decayed by μ",
            group: g0)
        add(.named, "update", "α·v", update, callStack: s, note: "the step taken", group: g0)
        add(.named, "new_value", "\(θ) − update", new, callStack: s, note: "\(θ) after the step (in place)", group: g0)
        return true
    }

    /// The parameter's variable name, or θ.
    func parameterName(_ op: OpEvent) -> String {
        if let name = op.attributes.first(where: { $0.name == "parameter" })?.value { return name }
        if let p = op.inputs.first, let name = labels.variableName(p) { return name }
        return "θ"
    }

    /// The source text of the call, `step(opt)`.
    func callText(_ event: ExplainedEvent) -> String { event.text.isEmpty ? "step(opt)" : event.text }
}

/// An op's attributes by name.
struct Attributes {
    let values: [String: String]
    init(_ op: OpEvent) {
        values = Dictionary(op.attributes.map { ($0.name, Attributes.number($0.value)) }, uniquingKeysWith: { a, _ in a })
    }
    subscript(_ name: String) -> String? { values[name] }

    /// `0.0` → `0`, `1e-08` stays `1e-08` (the shortest form that reads back the same float).
    static func number(_ text: String) -> String {
        guard let x = Float(text), x.isFinite else { return text }
        if x == x.rounded(), abs(x) < 1e9 { return String(Int(x)) }
        return x.description
    }
}
