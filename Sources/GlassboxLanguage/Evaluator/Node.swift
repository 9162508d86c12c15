import GlassboxTensors

// MARK: - Executable tree

/// The compiled form of the syntax tree: one final class per construct, each with `eval`.
///
/// The compiler resolves every name to a global `Slot` or a local index, folds literals into
/// ready-made tensors, and picks specialised nodes, so that the hot path of `x = x + 1` is three
/// virtual calls, one tensor op and no dictionary lookups.
class Node {
    let range: SourceRange

    init(_ range: SourceRange) { self.range = range }

    func eval(_ c: Context) throws -> Value {
        throw RuntimeError(.runtime, "internal: node without evaluation", range)
    }

    /// Drops a statement's value unread: a deferred tensor is still computed (`Deferral`), so
    /// that a statement costs what it computes (`:time conv2d(x, W)` times the convolution).
    @inline(__always)
    final func discard(_ v: Value) {
        if case .tensor(let t) = v { t.settle() }
    }
}

// MARK: - Variables

/// A global variable: one per name ever used at the top level. Compiled code holds the slot
/// itself, so reading a global is one load.
final class Slot {
    let name: String
    @exclusivity(unchecked) var value: Value?
    /// The value the session starts with (a built-in or a constant), restored by `reset()`.
    var initial: Value?
    /// Bound by the user (or the REPL) since the last reset; `Session.variables` lists these.
    @exclusivity(unchecked) var isUserBound = false

    init(name: String) { self.name = name }
}

/// Where an assignment stores.
enum Target {
    case global(Slot)
    case local(Int, String)

    var name: String {
        switch self {
        case .global(let s): return s.name
        case .local(_, let n): return n
        }
    }
}

extension Context {
    /// Stores `value` in `target`. (Tensors get their variable's name only when `backward`
    /// runs — see `Session.nameTensors()` — so that assignment stays cheap.)
    @inline(__always)
    /// Computes the deferred results still waiting (`Deferral`) before a value reaches a session
    /// variable or the screen, then, if any deferred computation ran since the last such check,
    /// checks for Ctrl-C: a deferred convolution runs when its result is first read, perhaps
    /// inside an op that does not check the flag after it (a `sum`), so an interrupt is caught
    /// here before a value built on a half-computed one is kept.
    func settleDeferred(_ range: SourceRange) throws {
        Deferral.settleAll()
        if Deferral.takeComputed(), Interrupt.isRequested { throw RuntimeError.interrupted(range) }
    }

    func store(_ value: consuming Value, _ target: Target) {
        switch target {
        case .global(let slot):
            slot.value = value
            if !slot.isUserBound { session.noteBound(slot) }
        case .local(let i, _):
            stack[base + i] = value
        }
    }
}

final class Constant: Node {
    let value: Value
    init(_ value: Value, _ range: SourceRange) {
        self.value = value
        super.init(range)
    }
    override func eval(_ c: Context) throws -> Value { value }
}

final class GlobalGet: Node {
    let slot: Slot
    init(_ slot: Slot, _ range: SourceRange) {
        self.slot = slot
        super.init(range)
    }
    override func eval(_ c: Context) throws -> Value {
        if let v = slot.value { return v }
        throw c.session.unknownName(slot.name, range)
    }
}

final class LocalGet: Node {
    let index: Int
    let name: String
    let function: String
    init(_ index: Int, _ name: String, function: String, _ range: SourceRange) {
        self.index = index
        self.name = name
        self.function = function
        super.init(range)
    }
    override func eval(_ c: Context) throws -> Value {
        if let v = c.stack[c.base + index] { return v }
        throw RuntimeError(.unknownName, "`\(name)` is used before it is assigned in `\(function)` " +
                           "(a name assigned inside a function is local to it)", range)
    }
}

// MARK: - Assignment

/// `name = e`. A global target is stored through its slot (`AssignGlobal`), a local one into the
/// frame.
class Assign: Node {
    let target: Target
    let value: Node
    /// The right side is a literal: store a copy, so the cached literal is never shared.
    let copies: Bool

    init(_ target: Target, _ value: Node, copies: Bool, _ range: SourceRange) {
        self.target = target
        self.value = value
        self.copies = copies
        super.init(range)
    }

    static func make(_ target: Target, _ value: Node, copies: Bool, _ range: SourceRange) -> Assign {
        if case .global(let slot) = target, !copies { return AssignGlobal(slot, target, value, range) }
        return Assign(target, value, copies: copies, range)
    }

    override func eval(_ c: Context) throws -> Value {
        var v = try value.eval(c)
        if case .none = v { throw nothingToAssign() }
        if case .global = target { try c.settleDeferred(range) }
        if copies, case .tensor(let t) = v {
            do { v = .tensor(try Tensor(shape: t.shape, data: t.toArray())) } catch { throw RuntimeError.from(error, at: value.range) }
        }
        c.store(consume v, target)
        return .none
    }

    final func nothingToAssign() -> RuntimeError {
        RuntimeError(.type, "the right side gives nothing to assign to `\(target.name)`", value.range)
    }
}

final class AssignGlobal: Assign {
    let slot: Slot
    init(_ slot: Slot, _ target: Target, _ value: Node, _ range: SourceRange) {
        self.slot = slot
        super.init(target, value, copies: false, range)
    }
    override func eval(_ c: Context) throws -> Value {
        let v = try value.eval(c)
        if case .none = v { throw nothingToAssign() }
        try c.settleDeferred(range)
        slot.value = consume v
        if !slot.isUserBound { c.session.noteBound(slot) }
        return .none
    }
}

/// `h, c = e`: all names are bound, or none (the tuple is checked first).
final class AssignTuple: Node {
    let targets: [Target]
    let value: Node
    init(_ targets: [Target], _ value: Node, _ range: SourceRange) {
        self.targets = targets
        self.value = value
        super.init(range)
    }
    override func eval(_ c: Context) throws -> Value {
        let v = try value.eval(c)
        guard case .tuple(let t) = v else {
            throw RuntimeError(.type, "cannot unpack a \(v.typeName) into \(targets.count) names; " +
                               "the right side must be a tuple", value.range)
        }
        guard t.count == targets.count else {
            throw RuntimeError(.value, "cannot unpack a tuple of \(t.count) values into \(targets.count) names",
                               value.range)
        }
        for (target, item) in zip(targets, t.items) {
            if case .none = item {
                throw RuntimeError(.type, "nothing to assign to `\(target.name)`", value.range)
            }
        }
        if targets.contains(where: { if case .global = $0 { return true } else { return false } }) {
            try c.settleDeferred(range)
        }
        for (target, item) in zip(targets, t.items) { c.store(item, target) }
        return .none
    }
}

// MARK: - Blocks

/// Statements in order; the value is the last statement's.
final class Block: Node {
    let statements: [Node]
    init(_ statements: [Node], _ range: SourceRange) {
        self.statements = statements
        super.init(range)
    }
    override func eval(_ c: Context) throws -> Value {
        try c.checkStack(range)
        var last = Value.none
        for i in 0..<statements.count {
            discard(last)
            last = try statements[i].eval(c)
        }
        return last
    }
}

/// `(a, b)`
final class TupleNode: Node {
    let items: [Node]
    init(_ items: [Node], _ range: SourceRange) {
        self.items = items
        super.init(range)
    }
    override func eval(_ c: Context) throws -> Value {
        var values: [Value] = []
        values.reserveCapacity(items.count)
        for item in items {
            let v = try item.eval(c)
            if case .none = v { throw RuntimeError(.type, "this gives nothing to put in a tuple", item.range) }
            values.append(v)
        }
        guard let t = TupleValue(values) else {
            throw RuntimeError(.depth, "tuple nested too deeply or too large (at most \(TupleValue.maxDepth) levels " +
                               "and \(TupleValue.maxLeaves) values)", range)
        }
        return .tuple(t)
    }
}
