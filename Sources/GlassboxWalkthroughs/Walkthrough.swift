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
    /// Set when `explain` stopped recording before EXPR finished (its limits on ops and on the
    /// bytes of tensors kept): the steps end there and the rest of EXPR ran unrecorded.
    public let truncation: Explanation.Truncation?

    /// At most this many steps are built (a loop inside `explain` can run millions of ops).
    public static let maxSteps = 2000

    /// The walkthrough of what `explain` recorded. With the `session` it ran in, tensors bound
    /// to variables are called by their names in the formulas (`x·W1ᵀ` rather than `⟨1×3⟩·⟨3×4⟩`).
    public init(_ explanation: Explanation, session: Session? = nil) {
        var builder = StepBuilder()
        if let session {
            builder.labels.names = Labeler.names(in: session)
            builder.tokenizers = session.variables.compactMap { v in
                if case .object(let kind) = v.value, let t = kind as? Tokenizer { return t }
                return nil
            }
        }
        builder.truncated = explanation.truncation != nil
        builder.build(explanation.events)
        self.expression = explanation.expression
        self.value = explanation.value
        self.steps = builder.steps
        self.groups = builder.groups
        self.omitted = builder.omitted
        self.truncation = explanation.truncation
    }

    /// True when the walkthrough does not show everything EXPR did: past `maxSteps`, or the
    /// recording was cut short.
    public var isCutShort: Bool { omitted > 0 || truncation != nil }

    /// Why the walkthrough ends early and where, one line per reason (empty when it shows
    /// everything):
    ///
    ///     … and 1000 more events not shown (a walkthrough shows at most 2000 steps)
    ///     recording cut short after step [12] add: explain keeps at most 4 MiB of tensors; 37 more ops ran unrecorded
    public var cutLines: [String] {
        var lines: [String] = []
        if omitted > 0 {
            lines.append("… and \(countText(omitted, "more event")) not shown (a walkthrough shows at most \(Walkthrough.maxSteps) steps)")
        }
        if let cut = truncation {
            // Past maxSteps the last recorded event is not a step: count events instead.
            let position = omitted > 0 ? countText(cut.recorded, "op") : lastStepText
            lines.append("recording cut short after \(position): \(cut.limitText); " +
                         "\(countText(cut.unrecorded, "more op")) ran unrecorded")
        }
        return lines
    }

    /// `step [12] add`, or the heading of a backward node's parts (`node 3 · mul`).
    var lastStepText: String {
        guard let last = steps.last else { return "the start" }
        if let n = last.number { return "step [\(n)] \(last.name)" }
        if let g = last.group, g < groups.count { return groups[g].title }
        return "step \(steps.count) \(last.name)"
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
    /// `i_t`, `mul`, `∂L/∂W`, … (the `step` of the `--json` trace).
    public let name: String
    /// Unicode math: `σ(x·W_iiᵀ + b_ii + h·W_hiᵀ + b_hi)` (the `--json` trace's `formula`).
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
    /// The title of a heatmap of `value` (a matrix) drawn under it: what its rows and columns
    /// are (`rows: heads, columns: keys`); nil for no picture.
    public let picture: String?

    init(_ kind: Kind, _ name: String, _ formula: String, _ value: Tensor?, number: Int? = nil, source: String? = nil,
         callStack: [String] = [], note: String? = nil, group: Int? = nil,
         terms: [(label: String, value: Tensor)] = [], picture: String? = nil) {
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
        self.picture = picture
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
