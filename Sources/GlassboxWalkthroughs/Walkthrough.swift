import GlassboxLanguage
import GlassboxTensors

// MARK: - A walkthrough: what `explain EXPR` shows

/// The steps of one `explain EXPR`, built from the events the trace hook recorded while EXPR
/// really ran. Every tensor a step shows is a tensor an op produced during that run (or the
/// gradient backward produced): nothing is recomputed for display, so a walkthrough's numbers
/// are the numbers the built-in returned.
///
/// Named ops get the conventional steps (`i_t f_t g_t o_t c_t h_t` for `lstm_cell`, `scores …
/// weights output` for `attention`, `m_t v_t m_hat v_hat update` for Adam); `backward(y)` gets
/// one group per node in the order the reverse pass ran them; any other op is one step labelled
/// with the source text that ran it.
public struct Walkthrough {
    /// The source text of EXPR.
    public let expression: String
    /// What EXPR evaluated to.
    public let value: Value
    /// The steps, in the order they happened.
    public let steps: [Step]
    /// Headings of groups of steps (a named op, a backward node, one parameter's update);
    /// `Step.group` indexes this array.
    public let groups: [Group]
    /// Events that were recorded but not turned into steps (past `maxSteps`).
    public let omitted: Int

    /// At most this many steps are built (a loop inside `explain` can run millions of ops).
    public static let maxSteps = 2000

    /// The walkthrough of what `explain` recorded. With the `session` it ran in, tensors bound
    /// to variables are called by their names in the formulas (`x·W1ᵀ` rather than `⟨1×3⟩·⟨3×4⟩`).
    public init(_ explanation: Explanation, session: Session? = nil) {
        var builder = StepBuilder()
        if let session { builder.labels.names = Labeler.names(in: session) }
        builder.build(explanation.events)
        self.expression = explanation.expression
        self.value = explanation.value
        self.steps = builder.steps
        self.groups = builder.groups
        self.omitted = builder.omitted
    }

    /// The step called `name` (the first one, or the `occurrence`-th), e.g. `step("i_t")`.
    public func step(_ name: String, occurrence: Int = 0) -> Step? {
        steps.filter { $0.name == name }.dropFirst(occurrence).first
    }

    /// Ranges of steps that are shown together and paused after as one (`:step on`): a
    /// backward node is one unit; every other step is its own.
    public var units: [Range<Int>] {
        var out: [Range<Int>] = []
        var i = 0
        while i < steps.count {
            var j = i + 1
            if steps[i].kind.isBackwardPart, let g = steps[i].group {
                while j < steps.count, steps[j].group == g, steps[j].kind.isBackwardPart { j += 1 }
            }
            out.append(i..<j)
            i = j
        }
        return out
    }
}

// MARK: - Steps

/// One step: a name, its formula in Unicode math, and the real value.
public struct Step {
    public enum Kind: String, Sendable {
        /// A primitive op (`add`, `exp`, `matmul`, …), labelled with its source text.
        case op
        /// A named intermediate of a fused op or an optimizer (`i_t`, `weights`, `m_hat`).
        case named
        /// `backward(y)` starts: ∂y/∂y = 1.
        case seed
        /// The gradient arriving at a backward node from the ops that consumed its output.
        case upstream
        /// The node's local derivative (a formula; it has no tensor of its own).
        case local
        /// The gradient a backward node passes to one of its inputs.
        case gradient
        /// A tensor used by several ops: its gradients are summed.
        case accumulation
        /// After the last node: the gradient a leaf ended with (what `grad(t)` returns).
        case result

        var isBackwardPart: Bool {
            switch self {
            case .upstream, .local, .gradient, .accumulation, .result: return true
            default: return false
            }
        }
    }

    public let kind: Kind
    /// `i_t`, `mul`, `∂L/∂W`, … (the contract's `step`).
    public let name: String
    /// Unicode math: `σ(x·W_iiᵀ + b_ii + h·W_hiᵀ + b_hi)` (the contract's `formula`).
    public let formula: String
    /// The tensor the op produced; nil for a step that is only a formula (a local derivative).
    public let value: Tensor?
    /// The number shown beside it (`[3]`) and used to refer to it in later formulas; nil for
    /// the parts of a backward node, which are numbered by node.
    public let number: Int?
    /// The source text that ran it (`exp(-x)`), for op steps and the first step of a named op.
    public let source: String?
    /// The user functions it ran inside, as call-site text, outermost first: `["f(y)"]`.
    public let callStack: [String]
    /// A few words on what it is: `input gate`, `bias-corrected first moment`.
    public let note: String?
    /// Index into `Walkthrough.groups`.
    public let group: Int?
    /// For an accumulation: the gradient so far and this node's contribution, which add up to
    /// `value`.
    public let terms: [(label: String, value: Tensor)]

    init(_ kind: Kind, _ name: String, _ formula: String, _ value: Tensor?, number: Int? = nil, source: String? = nil,
         callStack: [String] = [], note: String? = nil, group: Int? = nil,
         terms: [(label: String, value: Tensor)] = []) {
        self.kind = kind
        self.name = name
        self.formula = formula
        self.value = value
        self.number = number
        self.source = source
        self.callStack = callStack
        self.note = note
        self.group = group
        self.terms = terms
    }
}

/// A heading over several steps.
public struct Group {
    /// `lstm_cell(x, h, c, W_ih, W_hh, b_ih, b_hh)`, `node 2 · mul`, `parameter W`.
    public let title: String
    /// What it is and where its formulas come from, and how the learner's names map onto the
    /// formula's symbols: `LSTM cell (PyTorch nn.LSTMCell) · x = x1, h = h0`.
    public let lines: [String]
}
