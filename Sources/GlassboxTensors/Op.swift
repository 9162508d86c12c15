// MARK: - Ops, named once

/// Every op the tensor module runs, as a closed type. A recorded node, a trace event and every
/// `explain` step name their op with this enum, never with a string; the raw value is how the
/// language spells the op and what `explain` prints.
///
/// Each case has exactly one declaration of what the layers above need of it — its `OpSpec`
/// (`Op.spec`): the formula `explain` shows, its local derivative and the gradient passed to each
/// input, the names of the intermediates it reports. The declaration sits in the op's own
/// `Ops+*.swift` file, beside the forward function and the backward closure it records. Adding
/// an op is one case here, one line in `spec`, its `OpSpec` and its kernels
/// (Docs/ARCHITECTURE.md, "Adding an op").
public enum Op: String, CaseIterable, Sendable, CustomStringConvertible {
    // Creation (no inputs)
    case zeros, ones, full, eye, arange, linspace, rand, randn
    case causalMask = "causal_mask"
    // Autograd leaves
    case param, detach
    // Elementwise functions
    case neg, exp, log, sqrt, abs, tanh, sigmoid, relu, gelu
    case sin, cos, tan, asin, acos, atan, sinh, cosh
    case floor, ceil, round, trunc, sign, square, log1p, expm1, log2, log10, erf
    case softplus, elu, silu, relu6, clip
    case leakyRelu = "leaky_relu"
    case isnan, isinf, isfinite
    // Binary arithmetic
    case add, sub, mul, div, pow, maximum, minimum, atan2
    // Comparisons and selection
    case less, greater, equal
    case lessEqual = "less_equal", greaterEqual = "greater_equal", notEqual = "not_equal"
    case `where`
    // Products
    case matmul
    // Views and copies that move elements
    case reshape, transpose, permute, index, expand, tril, triu, pad, diagonal
    // Gathering and sorting
    case take, gather, sort
    // Reductions
    case sum, mean, `var`, max, min, argmax, argmin, prod, norm, any, all, cumsum, cumprod
    // Softmax family
    case softmax, logsumexp
    case logSoftmax = "log_softmax"
    // Joining
    case concat, stack
    // Fused layers and losses
    case crossEntropy = "cross_entropy"
    case rnnCell = "rnn_cell", lstmCell = "lstm_cell", attention
    case layerNorm = "layer_norm"
    // Optimizer updates
    case sgd, adam
    // Data
    case multinomial, randperm
    case oneHot = "one_hot"
    /// A tokenizer's `encode`, reported so that `explain` can show its pieces and merges.
    case encode
    /// `sample(logits, temperature=, top_k=, top_p=)`, reported with its stages for `explain`.
    case sample
    // Indexing as NumPy (Ops+Indexing.swift, Ops+IndexPut.swift)
    case maskedSelect = "masked_select", indexPut = "index_put"
    // Convolutional layers (Ops+Conv.swift)
    case conv2d
    case batchNorm = "batch_norm", maxPool2d = "max_pool2d", avgPool2d = "avg_pool2d"
    case adaptiveAvgPool2d = "adaptive_avg_pool2d"

    /// The language's spelling: `add`, `lstm_cell`, `log_softmax`.
    public var name: String { rawValue }
    public var description: String { rawValue }

    /// The one declaration of this op (see `OpSpec`).
    public var spec: OpSpec {
        switch self {
        case .zeros: return .zeros
        case .ones: return .ones
        case .full: return .full
        case .eye: return .eye
        case .arange: return .arange
        case .linspace: return .linspace
        case .rand: return .rand
        case .randn: return .randn
        case .causalMask: return .causalMask
        case .param: return .param
        case .detach: return .detach
        case .neg: return .neg
        case .exp: return .exp
        case .log: return .log
        case .sqrt: return .sqrt
        case .abs: return .abs
        case .tanh: return .tanh
        case .sigmoid: return .sigmoid
        case .relu: return .relu
        case .gelu: return .gelu
        case .add: return .add
        case .sub: return .sub
        case .mul: return .mul
        case .div: return .div
        case .pow: return .pow
        case .maximum: return .maximum
        case .minimum: return .minimum
        case .less: return .less
        case .greater: return .greater
        case .equal: return .equal
        case .lessEqual: return .lessEqual
        case .greaterEqual: return .greaterEqual
        case .notEqual: return .notEqual
        case .where: return .where
        case .matmul: return .matmul
        case .reshape: return .reshape
        case .transpose: return .transpose
        case .permute: return .permute
        case .index: return .index
        case .take: return .take
        case .sum: return .sum
        case .mean: return .mean
        case .var: return .var
        case .max: return .max
        case .min: return .min
        case .argmax: return .argmax
        case .argmin: return .argmin
        case .softmax: return .softmax
        case .logsumexp: return .logsumexp
        case .logSoftmax: return .logSoftmax
        case .concat: return .concat
        case .stack: return .stack
        case .crossEntropy: return .crossEntropy
        case .rnnCell: return .rnnCell
        case .lstmCell: return .lstmCell
        case .attention: return .attention
        case .layerNorm: return .layerNorm
        case .sgd: return .sgd
        case .adam: return .adam
        case .multinomial: return .multinomial
        case .encode: return .encode
        case .sample: return .sample
        case .randperm: return .randperm
        case .oneHot: return .oneHot
        case .sin: return .sin
        case .cos: return .cos
        case .tan: return .tan
        case .asin: return .asin
        case .acos: return .acos
        case .atan: return .atan
        case .sinh: return .sinh
        case .cosh: return .cosh
        case .floor: return .floor
        case .ceil: return .ceil
        case .round: return .round
        case .trunc: return .trunc
        case .sign: return .sign
        case .square: return .square
        case .log1p: return .log1p
        case .expm1: return .expm1
        case .log2: return .log2
        case .log10: return .log10
        case .erf: return .erf
        case .softplus: return .softplus
        case .elu: return .elu
        case .silu: return .silu
        case .relu6: return .relu6
        case .clip: return .clip
        case .leakyRelu: return .leakyRelu
        case .isnan: return .isnan
        case .isinf: return .isinf
        case .isfinite: return .isfinite
        case .atan2: return .atan2
        case .expand: return .expand
        case .tril: return .tril
        case .triu: return .triu
        case .pad: return .pad
        case .gather: return .gather
        case .sort: return .sort
        case .prod: return .prod
        case .norm: return .norm
        case .any: return .any
        case .all: return .all
        case .cumsum: return .cumsum
        case .cumprod: return .cumprod
        case .diagonal: return .diagonal
        case .maskedSelect: return .maskedSelect
        case .indexPut: return .indexPut
        case .conv2d: return .conv2d
        case .batchNorm: return .batchNorm
        case .maxPool2d: return .maxPool2d
        case .avgPool2d: return .avgPool2d
        case .adaptiveAvgPool2d: return .adaptiveAvgPool2d
        }
    }
}

// MARK: - One op's declaration

/// What every layer needs of one op, declared once beside its forward function: how `explain`
/// writes it, how its derivative is written, what it reports. `record`, `OpEvent`, the
/// walkthrough's formulas and the backward steps all read this.
public struct OpSpec: Sendable {
    /// How `explain` shows a forward step of the op.
    public enum Display: Sendable {
        /// A formula over the operands' labels (`σ(x·W)`); backward steps and the written-out
        /// definitions of unnamed intermediates use it too.
        case math
        /// As the learner wrote it (`zeros(2, 3)`, `x[0, 1:3]`): the op has no shorter spelling.
        case source
        /// A fused layer or update: its steps are its named intermediates; a backward node shows
        /// it as a call.
        case layer
    }

    /// Whether and how gradients flow through the op.
    public enum Derivative: Sendable {
        /// The chain rule written out for these operands (the text of the rule the backward
        /// closure implements).
        case rule(@Sendable (Operands) -> DerivativeRule)
        /// The op records no node; the text says why no gradient flows.
        case none(String)
    }

    public let op: Op
    public let display: Display
    /// The formula over the operands' labels; for `.source` and `.layer` ops, the call form.
    let formulaRule: @Sendable (Operands) -> Formula
    public let derivative: Derivative
    /// The named intermediates the op reports in its `OpEvent`, in order (`i_t`, `f_t`, … for
    /// `lstm_cell`); a walkthrough reads them by these names.
    public let intermediates: [String]
    /// The symbols of the outputs in a backward walkthrough (`z`, or `h′`, `c′`).
    public let outputSymbols: [String]
    /// Whether the op broadcasts its operands, so that a backward step sums each gradient back to
    /// its input's shape.
    public let broadcasts: Bool

    init(_ op: Op, _ display: Display, formula: (@Sendable (Operands) -> Formula)? = nil, derivative: Derivative,
         intermediates: [String] = [], outputSymbols: [String] = ["z"], broadcasts: Bool = false) {
        self.op = op
        self.display = display
        self.formulaRule = formula ?? { .call(op.name, $0.labels) }
        self.derivative = derivative
        self.intermediates = intermediates
        self.outputSymbols = outputSymbols
        self.broadcasts = broadcasts
    }

    /// Whether the op records a node (its backward closure implements `derivative`).
    public var isDifferentiable: Bool {
        if case .rule = derivative { return true }
        return false
    }

    /// The op applied to its operands' labels: `mul(σ(x), 2)` → `σ(x)·2`.
    public func formula(_ operands: Operands) -> Formula { formulaRule(operands) }

    /// The chain rule of one backward node over these operands; nil when the op records no node.
    /// A binary op's local derivative lists one part per input: only the parts of inputs that
    /// receive a gradient are kept (not the constant 3 in 3·w), once each (w ⊙ w names w twice).
    public func derivative(_ operands: Operands) -> DerivativeRule? {
        guard case .rule(let written) = derivative else { return nil }
        var rule = written(operands)
        if let parts = rule.parts {
            let inputs = operands.inputs
            var seen = Set<String>()
            let kept = parts.enumerated().filter { k, part in
                (k >= inputs.count || inputs[k].requiresGrad) && seen.insert(part).inserted
            }.map(\.element)
            rule.local = kept.isEmpty ? parts.joined(separator: ", ") : kept.joined(separator: ", ")
        }
        return rule
    }
}

// MARK: - What a formula is written over

/// The labels and tensors one formula or derivative is written over: the operands' labels
/// (`x`, `σ(x)`, `z₃`), the tensors themselves (a constant exponent is read from its value), the
/// op's attributes and, for a backward node, the outputs' labels and upstream symbols.
public struct Operands {
    public var labels: [Formula]
    public var inputs: [Tensor]
    public var attributes: [(name: String, value: String)]
    /// The outputs' labels (`z₂`, `h′₃`); backward only.
    public var outputs: [Formula]
    /// ∂L/∂output for each output, as symbols (`∂L/∂z₂`); backward only.
    public var upstream: [String]
    /// Elements of the first output (a mean's n is inputs ÷ outputs).
    public var outputCount: Int
    /// How a number is written in a formula (the walkthrough's number style).
    public var number: (Float) -> String

    public init(labels: [Formula], inputs: [Tensor], attributes: [(name: String, value: String)] = [],
                outputs: [Formula] = [], upstream: [String] = [], outputCount: Int = 1,
                number: @escaping (Float) -> String = { "\($0)" }) {
        self.labels = labels
        self.inputs = inputs
        self.attributes = attributes
        self.outputs = outputs
        self.upstream = upstream
        self.outputCount = outputCount
        self.number = number
    }

    /// The label of input k (`?` past the end).
    func a(_ k: Int) -> Formula { k < labels.count ? labels[k] : Formula("?") }
    /// The first output's label.
    var out: String { outputs.first?.text ?? "z" }
    /// The first upstream gradient.
    var g: Formula { Formula(upstream.first ?? "∂L/∂z") }
    /// `∂z/∂a`
    func d(_ k: Int) -> String { "∂\(out)/∂\(a(k).text)" }
    /// Whether input k holds one number.
    func isScalar(_ k: Int) -> Bool { k < inputs.count && inputs[k].count == 1 }
    func attribute(_ name: String) -> String? { attributes.first { $0.name == name }?.value }
    /// `f ⊙ other`, or `f·other` with a scalar.
    func times(_ f: Formula, _ other: Formula, scalar: Bool = false) -> String {
        Formula.infix(f, scalar ? "·" : "⊙", other, .product, associative: true).text
    }
}

// MARK: - Derivative rules, as text

/// The chain rule of one backward node written out: its local derivative and, for each input,
/// the gradient it passes on in terms of the upstream gradient — the text of what the op's
/// backward closure computes.
public struct DerivativeRule: Sendable {
    /// `∂z/∂a = b, ∂z/∂b = a`
    public var local: String?
    /// One per input: `∂L/∂z ⊙ b`; nil where an input receives nothing.
    public var gradients: [String?]
    /// The local derivative of a binary op, one part per input (`∂z/∂a = b`), when it splits so.
    public var parts: [String]? = nil

    public init(local: String?, gradients: [String?]) {
        self.local = local
        self.gradients = gradients
    }

    public init(parts: [String], gradients: [String?]) {
        self.local = parts.joined(separator: ", ")
        self.parts = parts
        self.gradients = gradients
    }
}
