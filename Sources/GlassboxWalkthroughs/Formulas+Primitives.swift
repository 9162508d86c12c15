import GlassboxTensors

// MARK: - The formula of one primitive op

/// The formula of a primitive op applied to its operands' labels: `mul(σ(x), 2)` → `σ(x)·2`.
/// Ops without a mathematical spelling (creation, indexing, views) return nil and are shown by
/// their source text.
enum PrimitiveFormula {
    static func of(_ op: String, _ a: [Formula], inputs: [Tensor], attributes: [(name: String, value: String)]) -> Formula? {
        func attribute(_ name: String) -> String? { attributes.first { $0.name == name }?.value }
        let axis = attribute("axis")
        switch (op, a.count) {
        // Arithmetic
        case ("add", 2): return .infix(a[0], "+", a[1], .sum, associative: true)
        case ("sub", 2): return .infix(a[0], "−", a[1], .sum, associative: false)
        case ("mul", 2):
            let scalar = inputs.contains { $0.count == 1 }
            return .infix(a[0], scalar ? "·" : "⊙", a[1], .product, associative: true)
        case ("div", 2): return .infix(a[0], "/", a[1], .product, associative: false)
        case ("pow", 2): return .power(a[0], a[1], exponentValue: inputs[1].count == 1 ? inputs[1].scalarValue : nil)
        case ("neg", 1): return .negate(a[0])
        case ("matmul", 2): return .infix(a[0], "·", a[1], .product, associative: true)
        // Elementwise functions
        case ("exp", 1): return .call("exp", a)
        case ("log", 1): return .call("ln", a)
        case ("sqrt", 1): return .squareRoot(a[0])
        case ("abs", 1): return Formula("|" + a[0].text + "|")
        case ("tanh", 1): return .call("tanh", a)
        case ("sigmoid", 1): return .call("σ", a)
        case ("relu", 1): return .call("relu", a)
        case ("gelu", 1): return .call("gelu", a)
        case ("maximum", 2): return .call("max", a)
        case ("minimum", 2): return .call("min", a)
        case ("where", 3): return .call("where", a)
        // Comparisons (0/1)
        case ("less", 2): return .infix(a[0], "<", a[1], .comparison, associative: false)
        case ("lessEqual", 2), ("less_equal", 2): return .infix(a[0], "≤", a[1], .comparison, associative: false)
        case ("greater", 2): return .infix(a[0], ">", a[1], .comparison, associative: false)
        case ("greaterEqual", 2), ("greater_equal", 2): return .infix(a[0], "≥", a[1], .comparison, associative: false)
        case ("equal", 2): return .infix(a[0], "=", a[1], .comparison, associative: false)
        case ("notEqual", 2), ("not_equal", 2): return .infix(a[0], "≠", a[1], .comparison, associative: false)
        // Views
        case ("transpose", 1): return .transposed(a[0])
        // Reductions
        case ("sum", 1): return axis.map { .call("Σ", a, extra: ["axis=\($0)"]) } ?? Formula("Σ " + a[0].operand(of: .prefix), .prefix)
        case ("mean", 1), ("var", 1), ("max", 1), ("min", 1), ("argmax", 1), ("argmin", 1):
            return .call(op, a, extra: axis.map { ["axis=\($0)"] } ?? [])
        // Softmax family
        case ("softmax", 1), ("log_softmax", 1):
            return .call(op, a, extra: axis.flatMap { inputs[0].rank > 0 && $0 != String(inputs[0].rank - 1) ? ["axis=\($0)"] : nil } ?? [])
        case ("logsumexp", 1): return Formula("log Σ exp(" + a[0].text + ")", .prefix)
        case ("concat", _), ("stack", _): return .call(op, a, extra: axis.map { ["axis=\($0)"] } ?? [])
        case ("param", 1), ("detach", 1): return .call(op, a)
        default: return nil
        }
    }
}
