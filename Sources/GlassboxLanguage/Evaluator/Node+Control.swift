import GlassboxTensors

// MARK: - Conditions

extension Context {
    /// Whether a condition holds: a one-element tensor that is not zero (NaN counts as true, as
    /// in Python and C).
    func truth(_ v: Value, _ range: SourceRange) throws -> Bool {
        guard case .tensor(let t) = v else {
            throw RuntimeError(.type, "a condition must be a number, got a \(v.typeName)", range)
        }
        guard let x = t.scalarValue else {
            throw RuntimeError(.shape, "a condition must be a single number, got a tensor of shape " +
                               "\(shapeText(t.shape)); reduce it first (sum, max, min)", range)
        }
        return x != 0
    }
}

/// `if c { … } else { … }`: an expression; without `else`, nothing when `c` is false.
final class IfNode: Node {
    let condition: Node
    let then: Node
    let otherwise: Node?
    init(_ condition: Node, _ then: Node, _ otherwise: Node?, _ range: SourceRange) {
        self.condition = condition
        self.then = then
        self.otherwise = otherwise
        super.init(range)
    }
    override func eval(_ c: Context) throws -> Value {
        if try c.truth(try condition.eval(c), condition.range) { return try then.eval(c) }
        return try otherwise?.eval(c) ?? .none
    }
}

/// `a and b`, `a or b`: Python's short-circuit on conditions; the value is 1 or 0 (booleans
/// are 0/1 tensors), and b is not evaluated when a decides.
final class LogicalNode: Node {
    let op: LogicalOperator
    let lhs: Node
    let rhs: Node
    init(_ op: LogicalOperator, _ lhs: Node, _ rhs: Node, _ range: SourceRange) {
        self.op = op
        self.lhs = lhs
        self.rhs = rhs
        super.init(range)
    }
    override func eval(_ c: Context) throws -> Value {
        let a = try c.truth(try lhs.eval(c), lhs.range)
        switch op {
        case .and: if !a { return .number(0) }
        case .or: if a { return .number(1) }
        }
        return .number(try c.truth(try rhs.eval(c), rhs.range) ? 1 : 0)
    }
}

/// `not a`: 1 when the condition a is 0, else 0.
final class NotNode: Node {
    let operand: Node
    init(_ operand: Node, _ range: SourceRange) {
        self.operand = operand
        super.init(range)
    }
    override func eval(_ c: Context) throws -> Value {
        .number(try c.truth(try operand.eval(c), operand.range) ? 0 : 1)
    }
}

/// `include "models/gpt2.gbx"`: runs the file's statements in the session, so that its
/// definitions are there to use (`Session.include`).
final class IncludeNode: Node {
    let path: String
    let pathRange: SourceRange
    init(_ path: String, _ pathRange: SourceRange, _ range: SourceRange) {
        self.path = path
        self.pathRange = pathRange
        super.init(range)
    }
    override func eval(_ c: Context) throws -> Value {
        try c.session.include(path, from: c.currentSource, at: pathRange)
        return .none
    }
}

// MARK: - Loops

/// `for i in a...b { }` and `for i in a..<b { }` over whole numbers, without building a tensor.
final class ForRangeNode: Node {
    let target: Target
    let low: Node
    let high: Node
    let inclusive: Bool
    let body: Node
    /// False when nothing in the body can read the loop variable (no calls, no reads of it): the
    /// variable is then bound once, after the last iteration.
    let bindsEachIteration: Bool

    init(_ target: Target, _ low: Node, _ high: Node, inclusive: Bool, _ body: Node,
         bindsEachIteration: Bool, _ range: SourceRange) {
        self.target = target
        self.low = low
        self.high = high
        self.inclusive = inclusive
        self.body = body
        self.bindsEachIteration = bindsEachIteration
        super.init(range)
    }

    override func eval(_ c: Context) throws -> Value {
        let a = try bound(low, c)
        let b = try bound(high, c)
        let last = inclusive ? b : b - 1
        guard a <= last else { return .none }
        var k = a
        while true {
            if Interrupt.isRequested { throw RuntimeError.interrupted(range) }
            if bindsEachIteration { c.store(.number(Float(k)), target) }
            discard(try body.eval(c))
            if k == last { break }
            k += 1
        }
        if !bindsEachIteration { c.store(.number(Float(last)), target) }
        return .none
    }

    private func bound(_ node: Node, _ c: Context) throws -> Int {
        let v = try node.eval(c)
        guard case .tensor(let t) = v, let x = t.scalarValue else {
            throw RuntimeError(.type, "a range bound must be a number, got a \(v.typeName)", node.range)
        }
        guard let n = wholeNumber(x), n.magnitude < (1 << 52) else {
            throw RuntimeError(.value, "a range bound must be a whole number, got \(ValueFormatter().number(x))", node.range)
        }
        return n
    }
}

/// `for row in X { }` over the first axis of a tensor, or `for v in (a, b) { }` over a tuple.
final class ForEachNode: Node {
    let target: Target
    let sequence: Node
    let body: Node

    init(_ target: Target, _ sequence: Node, _ body: Node, _ range: SourceRange) {
        self.target = target
        self.sequence = sequence
        self.body = body
        super.init(range)
    }

    override func eval(_ c: Context) throws -> Value {
        let v = try sequence.eval(c)
        switch v {
        case .tuple(let t):
            for item in t.items {
                if Interrupt.isRequested { throw RuntimeError.interrupted(range) }
                c.store(item, target)
                discard(try body.eval(c))
            }
        case .tensor(let x):
            guard x.rank >= 1 else {
                throw RuntimeError(.type, "cannot loop over a number; use a range such as 1...n", sequence.range)
            }
            for i in 0..<x.shape[0] {
                if Interrupt.isRequested { throw RuntimeError.interrupted(range) }
                let item: Tensor
                do { item = try Ops.index(x, [.index(i)]) } catch { throw RuntimeError.from(error, at: sequence.range) }
                c.store(.tensor(item), target)
                discard(try body.eval(c))
            }
        default:
            throw RuntimeError(.type, "cannot loop over a \(v.typeName); loop over a range, a tensor or a tuple",
                               sequence.range)
        }
        return .none
    }
}

/// `while c { }`
final class WhileNode: Node {
    let condition: Node
    let body: Node
    init(_ condition: Node, _ body: Node, _ range: SourceRange) {
        self.condition = condition
        self.body = body
        super.init(range)
    }
    override func eval(_ c: Context) throws -> Value {
        while try c.truth(try condition.eval(c), condition.range) {
            if Interrupt.isRequested { throw RuntimeError.interrupted(range) }
            discard(try body.eval(c))
        }
        return .none
    }
}

// MARK: - Definitions

/// `f(x) = …` binds a new function value to the global `f`.
final class DefineNode: Node {
    let slot: Slot
    let function: UserFunction
    init(_ slot: Slot, _ function: UserFunction, _ range: SourceRange) {
        self.slot = slot
        self.function = function
        super.init(range)
    }
    override func eval(_ c: Context) throws -> Value {
        c.store(.function(Function(user: function)), .global(slot))
        return .none
    }
}

// MARK: - explain

/// `explain e`: evaluates `e` with a trace listener installed and returns what it heard.
final class ExplainNode: Node {
    let expression: Node
    init(_ expression: Node, _ range: SourceRange) {
        self.expression = expression
        super.init(range)
    }
    override func eval(_ c: Context) throws -> Value {
        guard c.recorder == nil else {
            throw RuntimeError(.runtime, "`explain` cannot run inside another `explain`", range)
        }
        let recorder = ExplainRecorder(context: c)
        let savedListener = Trace.listener
        let savedSource = c.currentSource
        Trace.listener = recorder
        c.recorder = recorder
        c.callStack = []
        defer {
            Trace.listener = savedListener
            c.recorder = nil
            c.currentSource = savedSource
            c.callStack = []
        }
        let text = c.currentSource.text(of: expression.range)
        let value = try expression.eval(c)
        return .explanation(Explanation(expression: text, value: value, events: recorder.events,
                                        truncation: recorder.truncation))
    }
}

/// Hears every op while `explain` runs and labels it with the expression that ran it.
///
/// Every recorded event keeps its tensors alive, so the recording is bounded twice: at most
/// `maxEvents` events, and at most `maxBytes` of distinct tensors (the first event is always
/// kept) — without the byte bound, `explain` over a loop of large ops kept every intermediate and
/// exhausted memory (found with the fuzz harness: `explain { for i in 1...100000 { y = zeros(1e6)
/// + 1 } }`). At the first event past either bound the recording stops for good, so that the
/// events are a prefix of what ran (no gaps), and `truncation` says why, after how many events,
/// and how many more ran unrecorded.
final class ExplainRecorder: TraceListener {
    unowned let context: Context
    var events: [ExplainedEvent] = []
    static let maxEvents = 100_000
    /// The tensor bytes one explanation may keep: one largest-allowed tensor's worth, at most 1 GiB.
    static var maxBytes: Int { min(Tensor.allocationLimit, 1 << 30) }
    /// Bytes of the distinct tensors the events hold, and which tensors those are.
    private(set) var retainedBytes = 0
    private var retained = Set<ObjectIdentifier>()
    /// Why the recording stopped (set at the first event refused), and events heard since.
    private var cut: (reason: Explanation.Truncation.Reason, limit: Int)? = nil
    private var unrecorded = 0

    init(context: Context) { self.context = context }

    /// Nil while every event was recorded.
    var truncation: Explanation.Truncation? {
        cut.map { Explanation.Truncation(reason: $0.reason, limit: $0.limit, recorded: events.count, unrecorded: unrecorded) }
    }

    private func record(_ event: ExplainedEvent.Event) {
        guard cut == nil else { unrecorded &+= 1; return }
        guard events.count < ExplainRecorder.maxEvents else {
            cut = (.events, ExplainRecorder.maxEvents)
            unrecorded = 1
            return
        }
        let new = ExplainRecorder.tensors(in: event).filter { !retained.contains(ObjectIdentifier($0)) }
        let bytes = new.reduce(0) { $0 &+ $1.count &* MemoryLayout<Float>.stride }
        guard events.isEmpty || retainedBytes &+ bytes <= ExplainRecorder.maxBytes else {
            cut = (.bytes, ExplainRecorder.maxBytes)
            unrecorded = 1
            return
        }
        for t in new { retained.insert(ObjectIdentifier(t)) }
        retainedBytes &+= bytes
        let c = context
        events.append(ExplainedEvent(event: event, text: c.currentSource.text(of: c.opRange), range: c.opRange,
                                     source: c.currentSource, callStack: c.callStack))
    }

    /// Every tensor an event keeps alive.
    static func tensors(in event: ExplainedEvent.Event) -> [Tensor] {
        switch event {
        case .op(let e):
            return e.inputs + e.outputs + e.intermediates.map(\.value)
        case .backwardStart(let root, let seed):
            return [root, seed]
        case .backward(let e):
            return e.outputs.compactMap { $0 } + e.upstream + e.inputs + e.inputGradients.compactMap { $0 }
                + e.accumulations.flatMap { [$0.previous, $0.contribution, $0.total] }
        }
    }

    func opDidRun(_ event: OpEvent) { record(.op(event)) }
    func backwardDidStart(root: Tensor, seed: Tensor) { record(.backwardStart(root: root, seed: seed)) }
    func backwardDidRun(_ event: BackwardEvent) { record(.backward(event)) }
}
