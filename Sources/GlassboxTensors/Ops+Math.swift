/// The elementwise functions a NumPy or PyTorch learner expects beyond the core ones: trigonometric
/// and hyperbolic functions, rounding, logarithms and exponentials near 0, erf, the common
/// activations, clipping, and the NaN/∞ tests. Each is one `UnaryOp` kernel pair
/// (`Reference.apply` / `Reference.unaryGradient` give the formulas) and one spec below.

// MARK: - Specs

extension OpSpec {
    /// `f(a)` with derivative text `∂z/∂a = f′`, gradient `∂L/∂z ⊙ f′`.
    static func function(_ op: Op, _ symbol: String? = nil, _ derivative: @escaping @Sendable (String, String) -> String) -> OpSpec {
        unary(op, formula: { a in .call(symbol ?? op.name, [a]) },
              local: { "\($0.d(0)) = " + derivative($0.a(0).text, $0.out) },
              gradient: { "\($0.g.text) ⊙ " + wrap(derivative($0.a(0).text, $0.out)) })
    }

    /// `(text)` when it has spaces (a sum, a fraction of sums), so that `⊙` binds it whole.
    static func wrap(_ text: String) -> String { text.contains(" ") ? "(" + text + ")" : text }

    /// An activation with parameters: `leaky_relu(a, slope=0.01)` from the event's attributes.
    static func parametric(_ op: Op, local: @escaping @Sendable (Operands) -> String,
                           gradient: @escaping @Sendable (Operands) -> String) -> OpSpec {
        OpSpec(op, .math, formula: { o in .call(op.name, o.labels, extra: o.attributes.map { "\($0.name)=\($0.value)" }) },
               derivative: .rule { o in DerivativeRule(local: local(o), gradients: [gradient(o)]) })
    }

    /// A rounding function: piecewise constant, its gradient 0 (as PyTorch).
    static func rounding(_ op: Op, _ formula: @escaping @Sendable (Formula) -> Formula) -> OpSpec {
        unary(op, formula: formula, local: { "\($0.d(0)) = 0 (piecewise constant)" }, gradient: { _ in "0" })
    }

    static let sin = function(.sin) { a, _ in "cos(\(a))" }
    static let cos = function(.cos) { a, _ in "−sin(\(a))" }
    static let tan = function(.tan) { _, z in "1 + \(z)²" }
    static let asin = function(.asin) { a, _ in "1/√(1 − \(a)²)" }
    static let acos = function(.acos) { a, _ in "−1/√(1 − \(a)²)" }
    static let atan = function(.atan) { a, _ in "1/(1 + \(a)²)" }
    static let sinh = function(.sinh) { a, _ in "cosh(\(a))" }
    static let cosh = function(.cosh) { a, _ in "sinh(\(a))" }
    static let floor = rounding(.floor) { Formula("⌊" + $0.text + "⌋") }
    static let ceil = rounding(.ceil) { Formula("⌈" + $0.text + "⌉") }
    static let round = rounding(.round) { .call("round", [$0]) }
    static let trunc = rounding(.trunc) { .call("trunc", [$0]) }
    static let sign = rounding(.sign) { .call("sign", [$0]) }
    static let square = unary(.square, formula: { .power($0, Formula("2"), exponentValue: 2) },
                              local: { "\($0.d(0)) = 2·\($0.a(0).operand(of: .product))" },
                              gradient: { "\($0.g.text) ⊙ 2·\($0.a(0).operand(of: .product))" })
    static let log1p = function(.log1p, "ln1p") { a, _ in "1/(1 + \(a))" }
    static let expm1 = function(.expm1) { _, z in "\(z) + 1" }
    static let log2 = function(.log2, "log₂") { a, _ in "1/(\(a)·ln 2)" }
    static let log10 = function(.log10, "log₁₀") { a, _ in "1/(\(a)·ln 10)" }
    static let erf = function(.erf) { a, _ in "(2/√π)·e^(−\(a)²)" }
    static let silu = function(.silu) { a, _ in "σ(\(a))·(1 + \(a)·(1 − σ(\(a))))" }
    static let softplus = parametric(
        .softplus, local: { "\($0.d(0)) = σ(β·\($0.a(0).operand(of: .product))) (1 where β·\($0.a(0).operand(of: .product)) > threshold)" },
        gradient: { "\($0.g.text) ⊙ σ(β·\($0.a(0).operand(of: .product)))" })
    static let leakyRelu = parametric(
        .leakyRelu, local: { "\($0.d(0)) = 1 where \($0.a(0).text) > 0, else negative_slope" },
        gradient: { "\($0.g.text) ⊙ (1 where \($0.a(0).text) > 0, else negative_slope)" })
    static let elu = parametric(
        .elu, local: { "\($0.d(0)) = 1 where \($0.a(0).text) > 0, else \($0.out) + α" },
        gradient: { "\($0.g.text) ⊙ (1 where \($0.a(0).text) > 0, else \($0.out) + α)" })
    static let relu6 = unary(.relu6, formula: { .call("relu6", [$0]) },
                             local: { "\($0.d(0)) = 1 where 0 < \($0.a(0).text) < 6, else 0" },
                             gradient: { "\($0.g.text) ⊙ [0 < \($0.a(0).text) < 6]" })
    static let clip = parametric(
        .clip, local: { "\($0.d(0)) = 1 where min ≤ \($0.a(0).text) ≤ max, else 0" },
        gradient: { "\($0.g.text) ⊙ [min ≤ \($0.a(0).text) ≤ max]" })

    static func test(_ op: Op) -> OpSpec {
        OpSpec(op, .math, formula: { .call(op.name, $0.labels) }, derivative: .none("a test gives 0 or 1: no gradient"))
    }
    static let isnan = test(.isnan)
    static let isinf = test(.isinf)
    static let isfinite = test(.isfinite)

    static let atan2 = OpSpec(
        .atan2, .math, formula: { .call("atan2", $0.labels) },
        derivative: .rule { o in
            let a = o.a(0).text, b = o.a(1).text
            return DerivativeRule(parts: ["\(o.d(0)) = \(b)/(\(a)² + \(b)²)", "\(o.d(1)) = −\(a)/(\(a)² + \(b)²)"],
                                  gradients: ["\(o.g.text) ⊙ \(b)/(\(a)² + \(b)²)", "−\(o.g.text) ⊙ \(a)/(\(a)² + \(b)²)"])
        }, broadcasts: true)
}

// MARK: - Functions

extension Ops {
    public static func sin(_ x: Tensor) throws -> Tensor { try unary(.sin, .sin, x) }
    public static func cos(_ x: Tensor) throws -> Tensor { try unary(.cos, .cos, x) }
    public static func tan(_ x: Tensor) throws -> Tensor { try unary(.tan, .tan, x) }
    /// arcsin x, NaN outside [−1, 1]
    public static func asin(_ x: Tensor) throws -> Tensor { try unary(.asin, .asin, x) }
    /// arccos x, NaN outside [−1, 1]
    public static func acos(_ x: Tensor) throws -> Tensor { try unary(.acos, .acos, x) }
    public static func atan(_ x: Tensor) throws -> Tensor { try unary(.atan, .atan, x) }
    public static func sinh(_ x: Tensor) throws -> Tensor { try unary(.sinh, .sinh, x) }
    public static func cosh(_ x: Tensor) throws -> Tensor { try unary(.cosh, .cosh, x) }
    public static func floor(_ x: Tensor) throws -> Tensor { try unary(.floor, .floor, x) }
    public static func ceil(_ x: Tensor) throws -> Tensor { try unary(.ceil, .ceil, x) }
    /// Half to even, as NumPy and PyTorch: round(0.5) = 0, round(1.5) = 2.
    public static func round(_ x: Tensor) throws -> Tensor { try unary(.round, .round, x) }
    public static func trunc(_ x: Tensor) throws -> Tensor { try unary(.trunc, .trunc, x) }
    public static func sign(_ x: Tensor) throws -> Tensor { try unary(.sign, .sign, x) }
    public static func square(_ x: Tensor) throws -> Tensor { try unary(.square, .square, x) }
    public static func log1p(_ x: Tensor) throws -> Tensor { try unary(.log1p, .log1p, x) }
    public static func expm1(_ x: Tensor) throws -> Tensor { try unary(.expm1, .expm1, x) }
    public static func log2(_ x: Tensor) throws -> Tensor { try unary(.log2, .log2, x) }
    public static func log10(_ x: Tensor) throws -> Tensor { try unary(.log10, .log10, x) }
    public static func erf(_ x: Tensor) throws -> Tensor { try unary(.erf, .erf, x) }
    /// x·σ(x)
    public static func silu(_ x: Tensor) throws -> Tensor { try unary(.silu, .silu, x) }
    /// min(max(x, 0), 6)
    public static func relu6(_ x: Tensor) throws -> Tensor { try unary(.relu6, .relu6, x) }

    /// (1/β)·ln(1 + e^(βx)), x itself where βx > threshold (PyTorch `F.softplus`, β = 1, threshold = 20).
    public static func softplus(_ x: Tensor, beta: Float = 1, threshold: Float = 20) throws -> Tensor {
        guard beta != 0 else { throw TensorError.invalidArgument(op: "softplus", message: "beta must not be 0") }
        return try unary(.softplus(beta: beta, threshold: threshold), .softplus, x,
                         attributes: [("beta", number(beta)), ("threshold", number(threshold))])
    }

    /// x where x > 0, else negative_slope·x (PyTorch `F.leaky_relu`, slope 0.01).
    public static func leakyRelu(_ x: Tensor, negativeSlope: Float = 0.01) throws -> Tensor {
        try unary(.leakyRelu(slope: negativeSlope), .leakyRelu, x, attributes: [("negative_slope", number(negativeSlope))])
    }

    /// x where x > 0, else α(eˣ − 1) (PyTorch `F.elu`, α = 1).
    public static func elu(_ x: Tensor, alpha: Float = 1) throws -> Tensor {
        try unary(.elu(alpha: alpha), .elu, x, attributes: [("alpha", number(alpha))])
    }

    /// min(max(x, lo), hi) with number bounds, either one optional (PyTorch `clamp`); the gradient
    /// is 1 inside [lo, hi], 0 where x was clipped.
    public static func clip(_ x: Tensor, min lo: Float?, max hi: Float?) throws -> Tensor {
        guard lo != nil || hi != nil else {
            throw TensorError.invalidArgument(op: "clip", message: "give at least one of min and max")
        }
        var attributes: [(name: String, value: String)] = []
        if let lo { attributes.append(("min", number(lo))) }
        if let hi { attributes.append(("max", number(hi))) }
        return try unary(.clip(lo: lo ?? -.infinity, hi: hi ?? .infinity), .clip, x, attributes: attributes)
    }

    public static func isnan(_ x: Tensor) throws -> Tensor { try test(.isnan, .isnan, x) }
    public static func isinf(_ x: Tensor) throws -> Tensor { try test(.isinf, .isinf, x) }
    public static func isfinite(_ x: Tensor) throws -> Tensor { try test(.isfinite, .isfinite, x) }

    /// atan2(a, b): the angle of the point (b, a), in (−π, π] (NumPy `arctan2`, PyTorch `atan2`).
    /// ∂/∂a = b/(a² + b²), ∂/∂b = −a/(a² + b²).
    public static func atan2(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        let y = try elementwise(.atan2, .atan2, a, b)
        if Tensor.recording(a, b) {
            y.record(.atan2, [a, b]) { g in
                let r2 = try add(mul(a, a), mul(b, b))
                return [a.requiresGrad ? try mul(g, div(b, r2)) : nil, b.requiresGrad ? try neg(mul(g, div(a, r2))) : nil]
            }
        }
        if let listener = Trace.listener { listener.opDidRun(OpEvent(op: .atan2, inputs: [a, b], outputs: [y])) }
        return y
    }

    /// A 0/1 test of each element: no node.
    static func test(_ kernel: UnaryOp, _ op: Op, _ x: Tensor) throws -> Tensor {
        let xc = try x.contiguous(op: op.name)
        let y = try Tensor.uninitialized(like: xc, op: op.name)
        Kernels.unary(kernel, y.pointer, xc.pointer, count: y.count)
        if let listener = Trace.listener { listener.opDidRun(OpEvent(op: op, inputs: [x], outputs: [y])) }
        return y
    }

    /// A parameter as an attribute shows it: `0.01`, `20`.
    static func number(_ x: Float) -> String { TensorError.format(x) }
}
