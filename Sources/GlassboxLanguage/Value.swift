import GlassboxTensors

// MARK: - Values

/// What an expression evaluates to. A number is a rank-0 tensor; booleans are 0/1 tensors.
public enum Value {
    case tensor(Tensor)
    case string(String)
    case tuple(TupleValue)
    case function(Function)
    /// Any other kind of value — an optimizer, and the objects later built-ins return — described
    /// by its conformance to `ValueKind`.
    case object(any ValueKind)
    /// The value of `explain EXPR`: the recorded steps and EXPR's own value.
    case explanation(Explanation)
    /// A picture to draw: what `plot` and `heatmap` return (GlassboxWalkthroughs draws it).
    case plot(PlotValue)
    /// "Nothing": what `seed`, `backward`, `step`, `print` and loops return. Never shown.
    case none

    /// The kind of value, as messages name it: "tensor", "string", "tuple", …
    public var typeName: String {
        switch self {
        case .tensor(let t): return t.rank == 0 ? "number" : "tensor"
        case .string: return "string"
        case .tuple: return "tuple"
        case .function: return "function"
        case .object(let o): return o.typeName
        case .explanation: return "explanation"
        case .plot: return "plot"
        case .none: return "nothing"
        }
    }

    /// A rank-0 tensor holding `x`.
    public static func number(_ x: Float) -> Value { .tensor(Tensor(scalar: x)) }

    /// The tensor, if this is one.
    public var tensor: Tensor? {
        if case .tensor(let t) = self { return t }
        return nil
    }
}

// MARK: - Tuples

/// An ordered group of values, like `(h, c)` from `lstm_cell`. Tuples may hold tuples, up to
/// `maxDepth` levels and `maxLeaves` values in all, so that no tuple is too deep to print or free.
public struct TupleValue: RandomAccessCollection {
    public static let maxDepth = 64
    public static let maxLeaves = 100_000

    public let items: [Value]
    /// 1 + the depth of the deepest tuple inside.
    public let depth: Int
    /// Number of non-tuple values inside, counted through nested tuples.
    public let leaves: Int

    /// A tuple of `items`; nil when it would be deeper than `maxDepth` or hold more than
    /// `maxLeaves` values.
    public init?(_ items: [Value]) {
        var depth = 1, leaves = 0
        for item in items {
            if case .tuple(let t) = item {
                depth = Swift.max(depth, t.depth + 1)
                leaves += t.leaves
            } else {
                leaves += 1
            }
        }
        guard depth <= TupleValue.maxDepth, leaves <= TupleValue.maxLeaves else { return nil }
        self.items = items
        self.depth = depth
        self.leaves = leaves
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { items.count }
    public subscript(i: Int) -> Value { items[i] }
}

// MARK: - Functions

/// A function value: one defined by the user (`f(x) = …`) or a built-in.
public final class Function {
    public let name: String
    enum Body {
        case user(UserFunction)
        case builtin(Builtin)
    }
    let body: Body

    init(user: UserFunction) {
        self.name = user.name
        self.body = .user(user)
    }

    init(builtin: Builtin) {
        self.name = builtin.name
        self.body = .builtin(builtin)
    }

    public var isBuiltin: Bool {
        if case .builtin = body { return true }
        return false
    }

    /// `softmax(x, axis=-1)`, `f(x, n=2)`.
    public var signature: String {
        switch body {
        case .user(let u): return u.signature
        case .builtin(let b): return b.signature
        }
    }

    /// The definition as typed (`f(x) = 1 / (1 + exp(-x))`) for a user function; nil for built-ins.
    public var definition: String? {
        if case .user(let u) = body { return u.source.text(of: u.definitionRange) }
        return nil
    }
}

// MARK: - explain

/// What `explain EXPR` recorded: every op that ran while EXPR was evaluated, in order, each with
/// the source text of the expression that ran it. Walkthroughs turn these into steps.
public final class Explanation {
    /// The source text of EXPR.
    public let expression: String
    /// What EXPR evaluated to.
    public let value: Value
    public let events: [ExplainedEvent]
    /// Set when the recording stopped before EXPR finished (`explain`'s limits on the number of
    /// ops and on the bytes of tensors it keeps): `events` end there, and the rest of EXPR ran
    /// unrecorded. Nil when every op was recorded.
    public let truncation: Truncation?

    init(expression: String, value: Value, events: [ExplainedEvent], truncation: Truncation? = nil) {
        self.expression = expression
        self.value = value
        self.events = events
        self.truncation = truncation
    }

    /// Why and where a recording stopped.
    public struct Truncation: Sendable {
        public enum Reason: String, Sendable {
            /// `limit` events were recorded (a long loop inside `explain`).
            case events
            /// The next event would have kept more than `limit` bytes of tensors alive.
            case bytes
        }
        public let reason: Reason
        /// The limit that was reached: a number of events, or of bytes.
        public let limit: Int
        /// Events recorded before the cut (all of `Explanation.events`).
        public let recorded: Int
        /// Events (ops and backward nodes) that ran after the cut and were not recorded.
        public let unrecorded: Int

        /// `explain records at most 100000 ops` or `explain keeps at most 1 GiB of tensors`.
        public var limitText: String {
            switch reason {
            case .events: return "explain records at most \(limit) ops"
            case .bytes: return "explain keeps at most \(NumberText.bytes(limit)) of tensors"
            }
        }
    }
}

/// One recorded event and where in the source it came from.
public struct ExplainedEvent {
    public enum Event {
        case op(OpEvent)
        /// `backward(y)` started from `root` with ∂y/∂y = `seed`.
        case backwardStart(root: Tensor, seed: Tensor)
        case backward(BackwardEvent)
    }
    public let event: Event
    /// Source text of the innermost expression that was running (`exp(-x)` inside `f`'s body).
    public let text: String
    public let range: SourceRange
    public let source: Source
    /// Call-site text of each user function it ran inside, outermost first: `["f(y)"]`.
    public let callStack: [String]
}
