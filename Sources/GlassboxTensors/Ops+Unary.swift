/// Every differentiable operation of the language, as throwing static functions. Each op runs its
/// forward kernel, records a node with its derivative rule when an input requires a gradient, and
/// reports to `Trace.listener` when one is set. Each op's `OpSpec` is declared beside it.
public enum Ops {}

// MARK: - Elementwise functions

// Each: y = f(x) elementwise by `Kernels.unary`; backward dx = dy ⊙ f′(x) by `Kernels.unaryBackward`
// (the kernel pair shares the `UnaryOp` case). The spec writes f and f′.

extension OpSpec {
    /// An elementwise function: its formula and its derivative, written over the input `a` and
    /// the output `z`.
    static func unary(_ op: Op, formula: @escaping @Sendable (Formula) -> Formula,
                      local: @escaping @Sendable (Operands) -> String,
                      gradient: @escaping @Sendable (Operands) -> String) -> OpSpec {
        OpSpec(op, .math, formula: { formula($0.a(0)) },
               derivative: .rule { o in DerivativeRule(local: local(o), gradients: [gradient(o)]) })
    }

    static let neg = unary(.neg, formula: { .negate($0) },
                           local: { "\($0.d(0)) = −1" }, gradient: { Formula.negate($0.g).text })
    static let exp = unary(.exp, formula: { .call("exp", [$0]) },
                           local: { "\($0.d(0)) = exp(\($0.a(0).text)) = \($0.out)" },
                           gradient: { $0.times($0.g, Formula($0.out)) })
    static let log = unary(.log, formula: { .call("ln", [$0]) },
                           local: { "\($0.d(0)) = 1/\($0.a(0).operand(of: .atom))" },
                           gradient: { "(\($0.g.text))/" + $0.a(0).operand(of: .atom) })
    static let sqrt = unary(.sqrt, formula: { .squareRoot($0) },
                            local: { "\($0.d(0)) = 1/(2√\($0.a(0).operand(of: .atom))) = 1/(2·\($0.out))" },
                            gradient: { "(\($0.g.text))/(2·\($0.out))" })
    static let abs = unary(.abs, formula: { Formula("|" + $0.text + "|") },
                           local: { "\($0.d(0)) = sign(\($0.a(0).text))" },
                           gradient: { "\($0.g.text) ⊙ sign(\($0.a(0).text))" })
    static let tanh = unary(.tanh, formula: { .call("tanh", [$0]) },
                            local: { "\($0.d(0)) = 1 − tanh²(\($0.a(0).text)) = 1 − \($0.out)²" },
                            gradient: { "\($0.g.text) ⊙ (1 − \($0.out)²)" })
    static let sigmoid = unary(
        .sigmoid, formula: { .call("σ", [$0]) },
        local: { "\($0.d(0)) = σ(\($0.a(0).text))·(1 − σ(\($0.a(0).text))) = \($0.out) ⊙ (1 − \($0.out))" },
        gradient: { "\($0.g.text) ⊙ \($0.out) ⊙ (1 − \($0.out))" })
    static let relu = unary(.relu, formula: { .call("relu", [$0]) },
                            local: { "\($0.d(0)) = 1 where \($0.a(0).text) > 0, else 0" },
                            gradient: { "\($0.g.text) ⊙ [\($0.a(0).text) > 0]" })
    static let gelu = unary(
        .gelu, formula: { .call("gelu", [$0]) },
        local: { "\($0.d(0)) = ½(1 + tanh s) + ½·a·(1 − tanh² s)·√(2/π)·(1 + 3·0.044715·a²), "
            + "s = √(2/π)·(a + 0.044715·a³), a = \($0.a(0).text)" },
        gradient: { "\($0.g.text) ⊙ gelu′(\($0.a(0).text))" })
}

extension Ops {
    /// −x
    public static func neg(_ x: Tensor) throws -> Tensor { try unary(.neg, .neg, x) }
    /// eˣ
    public static func exp(_ x: Tensor) throws -> Tensor { try unary(.exp, .exp, x) }
    /// ln x
    public static func log(_ x: Tensor) throws -> Tensor { try unary(.log, .log, x) }
    /// √x
    public static func sqrt(_ x: Tensor) throws -> Tensor { try unary(.sqrt, .sqrt, x) }
    /// |x|
    public static func abs(_ x: Tensor) throws -> Tensor { try unary(.abs, .abs, x) }
    /// tanh x
    public static func tanh(_ x: Tensor) throws -> Tensor { try unary(.tanh, .tanh, x) }
    /// σ(x) = 1 / (1 + e⁻ˣ)
    public static func sigmoid(_ x: Tensor) throws -> Tensor { try unary(.sigmoid, .sigmoid, x) }
    /// max(x, 0)
    public static func relu(_ x: Tensor) throws -> Tensor { try unary(.relu, .relu, x) }
    /// ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) (Hendrycks & Gimpel 2016; tanh approximation as GPT-2)
    public static func gelu(_ x: Tensor) throws -> Tensor { try unary(.gelu, .gelu, x) }

    /// y = f(x) elementwise; backward dx = dy · f′(x) by `Kernels.unaryBackward`.
    /// The output-stage form of an activation that can join a deferred convolution (`Deferral`):
    /// the same vector code as its map on the fast path.
    static func fusedActivation(_ kernel: UnaryOp) -> Epilogue.Activation? {
        switch kernel {
        case .relu: return .relu
        case .relu6: return .clamp(lo: 0, hi: 6)
        case .clip(let lo, let hi): return .clamp(lo: lo, hi: hi)
        default: return nil
        }
    }

    static func unary(_ kernel: UnaryOp, _ op: Op, _ x: Tensor,
                      attributes: @autoclosure () -> [(name: String, value: String)] = []) throws -> Tensor {
        let name = op.name
        if let d = x.wholeDeferred, d.steps.takesActivation, let activation = fusedActivation(kernel), Deferral.allows([x]) {
            var steps = d.steps
            steps.activation = activation
            return try Tensor.deferred(x.shape, op: name, producer: d.producer, steps: steps)
        }
        let xc = try x.contiguous(op: name)
        let y = try Tensor.uninitialized(like: xc, op: name)
        Kernels.unary(kernel, y.pointer, xc.pointer, count: y.count)
        if Tensor.recording(x) {
            let savedY = y.detachedView()
            y.record(op, [x]) { dy in
                let dyc = try dy.contiguous(op: name)
                let dx = try Tensor.uninitialized(like: xc, op: name)
                Kernels.unaryBackward(kernel, dx: dx.pointer, dy: dyc.pointer, x: xc.pointer, y: savedY.pointer, count: dx.count)
                return [dx]
            }
        }
        if let listener = Trace.listener { listener.opDidRun(OpEvent(op: op, inputs: [x], outputs: [y], attributes: attributes())) }
        return y
    }
}
