import GlassboxTensors

// MARK: - Derivative rules, as formulas

/// The chain rule of one backward node written out: its local derivative and, for each input,
/// the gradient it passes on in terms of the upstream gradient. These are the rules the tensor
/// module's backward closures implement (see the comments beside each `record` in
/// GlassboxTensors); here they are only text.
struct DerivativeRule {
    /// `∂z/∂a = b, ∂z/∂b = a`
    var local: String?
    /// One per input: `∂L/∂z ⊙ b`; nil where an input receives nothing.
    var gradients: [String?]
    /// The local derivative of a binary op, one part per input (`∂z/∂a = b`), when it splits so.
    var parts: [String]? = nil

    init(local: String?, gradients: [String?]) {
        self.local = local
        self.gradients = gradients
    }

    init(parts: [String], gradients: [String?]) {
        self.local = parts.joined(separator: ", ")
        self.parts = parts
        self.gradients = gradients
    }
}

enum Derivatives {
    /// - Parameters:
    ///   - op: the forward op's name.
    ///   - x: labels of the inputs; `inputs` the tensors (for constants such as an exponent).
    ///   - z: labels of the outputs; `u` the upstream gradients' symbols (`∂L/∂z₂`).
    ///   - outputCount: elements of the first output (a mean's n is inputs ÷ outputs).
    static func rule(_ op: String, x: [Formula], inputs: [Tensor], z: [Formula], u: [String],
                     outputCount: Int = 1) -> DerivativeRule {
        var rule = written(op, x: x, inputs: inputs, z: z, u: u, outputCount: outputCount)
        // A binary op's local derivative lists one part per input: keep those of inputs that
        // receive a gradient (not the constant 3 in 3·w), once each (w ⊙ w names w twice).
        if let parts = rule.parts {
            var seen = Set<String>()
            let kept = parts.enumerated().filter { k, part in
                (k >= inputs.count || inputs[k].requiresGrad) && seen.insert(part).inserted
            }.map(\.element)
            rule.local = kept.isEmpty ? parts.joined(separator: ", ") : kept.joined(separator: ", ")
        }
        return rule
    }

    private static func written(_ op: String, x: [Formula], inputs: [Tensor], z: [Formula], u: [String],
                                outputCount: Int) -> DerivativeRule {
        let out = z.first?.text ?? "z"
        let g = Formula(u.first ?? "∂L/∂z")
        func a(_ k: Int) -> Formula { k < x.count ? x[k] : Formula("?") }
        func times(_ f: Formula, _ other: Formula, scalar: Bool = false) -> String {
            Formula.infix(f, scalar ? "·" : "⊙", other, .product, associative: true).text
        }
        func d(_ k: Int) -> String { "∂\(out)/∂\(a(k).text)" }
        let isScalar = inputs.map { $0.count == 1 }
        func at(_ k: Int) -> Bool { k < isScalar.count && isScalar[k] }

        switch op {
        case "add":
            return DerivativeRule(parts: ["\(d(0)) = 1", "\(d(1)) = 1"], gradients: [g.text, g.text])
        case "sub":
            return DerivativeRule(parts: ["\(d(0)) = 1", "\(d(1)) = −1"], gradients: [g.text, Formula.negate(g).text])
        case "mul":
            return DerivativeRule(parts: ["\(d(0)) = \(a(1).text)", "\(d(1)) = \(a(0).text)"],
                                  gradients: [times(g, a(1), scalar: at(1)), times(g, a(0), scalar: at(0))])
        case "div":
            let b2 = Formula.power(a(1), Formula("2"), exponentValue: 2)
            return DerivativeRule(
                parts: ["\(d(0)) = 1/\(a(1).operand(of: .atom))", "\(d(1)) = −\(a(0).operand(of: .product))/\(b2.text)"],
                gradients: ["(\(g.text))/" + a(1).operand(of: .atom),
                             "−" + times(g, a(0)) + "/" + b2.text])
        case "pow":
            if inputs.count == 2, inputs[1].count == 1, let n = inputs[1].scalarValue {
                let factor = powerFactor(a(0), n)
                return DerivativeRule(parts: ["\(d(0)) = \(factor.text)", "\(d(1)) = \(out)·ln \(a(0).operand(of: .atom))"],
                                      gradients: [times(g, factor), "\(g.text) ⊙ \(out) ⊙ ln \(a(0).operand(of: .atom))"])
            }
            return DerivativeRule(
                parts: ["\(d(0)) = \(a(1).operand(of: .product))·\(a(0).operand(of: .atom))^(\(a(1).text) − 1)",
                        "\(d(1)) = \(out)·ln \(a(0).operand(of: .atom))"],
                gradients: [g.text + " ⊙ " + a(1).operand(of: .product) + "·" + a(0).operand(of: .atom) + "^(" + a(1).text + " − 1)",
                             "\(g.text) ⊙ \(out) ⊙ ln \(a(0).operand(of: .atom))"])
        case "neg":
            return DerivativeRule(local: "\(d(0)) = −1", gradients: [Formula.negate(g).text])
        case "exp":
            return DerivativeRule(local: "\(d(0)) = exp(\(a(0).text)) = \(out)", gradients: [times(g, Formula(out))])
        case "log":
            return DerivativeRule(local: "\(d(0)) = 1/\(a(0).operand(of: .atom))",
                                  gradients: ["(\(g.text))/" + a(0).operand(of: .atom)])
        case "sqrt":
            return DerivativeRule(local: "\(d(0)) = 1/(2√\(a(0).operand(of: .atom))) = 1/(2·\(out))",
                                  gradients: ["(\(g.text))/(2·\(out))"])
        case "abs":
            return DerivativeRule(local: "\(d(0)) = sign(\(a(0).text))", gradients: ["\(g.text) ⊙ sign(\(a(0).text))"])
        case "tanh":
            return DerivativeRule(local: "\(d(0)) = 1 − tanh²(\(a(0).text)) = 1 − \(out)²",
                                  gradients: ["\(g.text) ⊙ (1 − \(out)²)"])
        case "sigmoid":
            return DerivativeRule(local: "\(d(0)) = σ(\(a(0).text))·(1 − σ(\(a(0).text))) = \(out) ⊙ (1 − \(out))",
                                  gradients: ["\(g.text) ⊙ \(out) ⊙ (1 − \(out))"])
        case "relu":
            return DerivativeRule(local: "\(d(0)) = 1 where \(a(0).text) > 0, else 0",
                                  gradients: ["\(g.text) ⊙ [\(a(0).text) > 0]"])
        case "gelu":
            return DerivativeRule(
                local: "\(d(0)) = ½(1 + tanh s) + ½·a·(1 − tanh² s)·√(2/π)·(1 + 3·0.044715·a²), "
                    + "s = √(2/π)·(a + 0.044715·a³), a = \(a(0).text)",
                gradients: ["\(g.text) ⊙ gelu′(\(a(0).text))"])
        case "maximum", "minimum":
            let cmp = op == "maximum" ? ">" : "<"
            return DerivativeRule(
                parts: ["\(d(0)) = 1 where \(a(0).text) \(cmp) \(a(1).text) (½ at a tie)",
                        "\(d(1)) = 1 where \(a(1).text) \(cmp) \(a(0).text) (½ at a tie)"],
                gradients: ["\(g.text) ⊙ [\(a(0).text) \(cmp) \(a(1).text)]", "\(g.text) ⊙ [\(a(1).text) \(cmp) \(a(0).text)]"])
        case "where":
            return DerivativeRule(local: "\(out) = \(a(1).text) where \(a(0).text), else \(a(2).text)",
                                  gradients: [nil, "where(\(a(0).text), \(g.text), 0)", "where(\(a(0).text), 0, \(g.text))"])
        case "matmul":
            return DerivativeRule(
                local: "\(out) = \(a(0).operand(of: .product))·\(a(1).operand(of: .product)): "
                    + "\(d(0)) = \(Formula.transposed(a(1)).text) on the right, \(d(1)) = \(Formula.transposed(a(0)).text) on the left",
                gradients: [Formula.infix(g, "·", .transposed(a(1)), .product, associative: true).text,
                            Formula.infix(.transposed(a(0)), "·", g, .product, associative: true).text])
        case "transpose", "permute", "swapaxes":
            return DerivativeRule(local: "a view with the axes reordered: the gradient is reordered back",
                                  gradients: [op == "transpose" ? Formula.transposed(g).text : "\(g.text) with the axes put back"])
        case "reshape":
            return DerivativeRule(local: "the same numbers in a new shape: the gradient is reshaped back",
                                  gradients: ["reshape(\(g.text), \(shapeText(inputs.first?.shape ?? [])))"])
        case "index":
            return DerivativeRule(local: "\(out) picks elements of \(a(0).text): each picked element gets its gradient, the rest 0",
                                  gradients: ["\(g.text) placed into zeros shaped like \(a(0).text)"])
        case "sum":
            return DerivativeRule(local: "∂\(out)/∂\(a(0).text)ⱼ = 1: every element counts once",
                                  gradients: ["\(g.text), copied to every element of \(a(0).text)"])
        case "mean":
            let n = (inputs.first?.count ?? 1) / max(1, outputCount)
            return DerivativeRule(local: "∂\(out)/∂\(a(0).text)ⱼ = 1/n, n = \(n)",
                                  gradients: ["(1/\(n))·\(g.text), copied to every element of \(a(0).text)"])
        case "var":
            return DerivativeRule(local: "∂\(out)/∂\(a(0).text)ⱼ = 2·(\(a(0).text)ⱼ − μ)/n",
                                  gradients: ["\(g.text) ⊙ 2·(\(a(0).text) − μ)/n"])
        case "max", "min":
            return DerivativeRule(local: "∂\(out)/∂\(a(0).text)ⱼ = 1 for the \(op == "max" ? "largest" : "smallest") element, 0 elsewhere",
                                  gradients: ["\(g.text) at the arg\(op) of \(a(0).text), 0 elsewhere"])
        case "softmax":
            return DerivativeRule(local: "∂\(out)ᵢ/∂\(a(0).text)ⱼ = \(out)ᵢ·(δᵢⱼ − \(out)ⱼ)",
                                  gradients: ["\(out) ⊙ (\(g.text) − Σⱼ \(g.text)ⱼ·\(out)ⱼ)"])
        case "log_softmax":
            return DerivativeRule(local: "∂\(out)ᵢ/∂\(a(0).text)ⱼ = δᵢⱼ − softmax(\(a(0).text))ⱼ",
                                  gradients: ["\(g.text) − softmax(\(a(0).text))·Σⱼ \(g.text)ⱼ"])
        case "logsumexp":
            return DerivativeRule(local: "∂\(out)/∂\(a(0).text)ⱼ = softmax(\(a(0).text))ⱼ",
                                  gradients: ["\(g.text) ⊙ softmax(\(a(0).text))"])
        case "concat", "stack":
            return DerivativeRule(local: "each piece gets its own slice of the gradient",
                                  gradients: x.map { "the slice of \(g.text) that \($0.text) filled" })
        case "cross_entropy":
            return DerivativeRule(local: "∂\(out)/∂logits = (softmax(logits) − onehot(labels))/B",
                                  gradients: ["\(g.text)·(softmax(\(a(0).text)) − onehot(\(a(1).text)))/B", nil])
        case "rnn_cell":
            return DerivativeRule(
                local: "h′ = tanh(p), p = x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh, so ∂p = \(g.text) ⊙ (1 − h′²)",
                gradients: ["∂p·W_ih", "∂p·W_hh", "∂pᵀ·x", "∂pᵀ·h", "Σ_batch ∂p", "Σ_batch ∂p"])
        case "lstm_cell":
            let dh = u.first ?? "∂L/∂h′", dc = u.count > 1 ? u[1] : "∂L/∂c′"
            return DerivativeRule(
                local: "∂c = \(dc) + \(dh) ⊙ o ⊙ (1 − tanh²c′); ∂o = \(dh) ⊙ tanh c′ ⊙ o(1 − o); "
                    + "∂i = ∂c ⊙ g ⊙ i(1 − i); ∂f = ∂c ⊙ c_{t−1} ⊙ f(1 − f); ∂g = ∂c ⊙ i ⊙ (1 − g²); ∂p = [∂i, ∂f, ∂g, ∂o]",
                gradients: ["∂p·W_ih", "∂p·W_hh", "∂c ⊙ f", "∂pᵀ·x", "∂pᵀ·h", "Σ_batch ∂p", "Σ_batch ∂p"])
        case "attention":
            return DerivativeRule(
                local: "P = softmax(S), S = Q·Kᵀ/√d_k (+ M), O = P·V; ∂P = \(g.text)·Vᵀ; ∂S = P ⊙ (∂P − Σⱼ (∂P ⊙ P)ⱼ)",
                gradients: ["∂S·K/√d_k", "∂Sᵀ·Q/√d_k", "Pᵀ·\(g.text)", nil])
        case "layer_norm":
            return DerivativeRule(
                local: "x̂ = (x − μ)/√(σ² + ε), y = γ ⊙ x̂ + β; ∂x̂ = \(g.text) ⊙ γ",
                gradients: ["(∂x̂ − mean(∂x̂) − x̂ ⊙ mean(∂x̂ ⊙ x̂))/√(σ² + ε)", "Σ_rows \(g.text) ⊙ x̂", "Σ_rows \(g.text)"])
        default:
            return DerivativeRule(local: nil, gradients: x.map { _ in "chain rule through \(op)" })
        }
    }

    /// n·a^(n−1) for a constant exponent n: `2·a`, `3·a²`, `0.5·a^(−0.5)`.
    static func powerFactor(_ a: Formula, _ n: Float) -> Formula {
        let coefficient = Labeler.number(n)
        let m = n - 1
        if m == 0 { return Formula(coefficient) }
        let base: Formula = m == 1 ? a : .power(a, Formula("(" + Labeler.number(m) + ")"), exponentValue: m)
        return .infix(Formula(coefficient), "·", base, .product, associative: true)
    }
}
