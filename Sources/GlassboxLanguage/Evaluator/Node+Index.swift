import GlassboxTensors

// MARK: - Indexing

/// `x[0, 1:3]`, `x[:, -1]`, `x[::2]`, `x[..., None]` on tensors (views, NumPy rules), `x[x > 0]`
/// (a mask) and `x[idx]` (a tensor of indices); `t[0]`, `t[1:]` on tuples.
final class IndexNode: Node {
    enum Item {
        case single(Node)
        case slice(Node?, Node?, Node?, SourceRange)
        case newAxis(SourceRange)
        case ellipsis(SourceRange)

        var range: SourceRange {
            switch self {
            case .single(let n): return n.range
            case .slice(_, _, _, let r), .newAxis(let r), .ellipsis(let r): return r
            }
        }
    }
    let base: Node
    let items: [Item]

    init(_ base: Node, _ items: [Item], _ range: SourceRange) {
        self.base = base
        self.items = items
        super.init(range)
    }

    override func eval(_ c: Context) throws -> Value {
        try c.checkStack(range)
        let v = try base.eval(c)
        switch v {
        case .tensor(let x):
            let arguments = try IndexNode.arguments(items, c)
            c.willRunOp(range)
            do { return .tensor(try Ops.indexed(x, arguments)) } catch { throw RuntimeError.from(error, at: range) }
        case .tuple(let t):
            guard items.count == 1 else {
                throw RuntimeError(.index, "a tuple takes one index, got \(items.count)", range)
            }
            switch items[0] {
            case .newAxis(let r), .ellipsis(let r):
                throw RuntimeError(.index, "`None` and `...` index tensors, not tuples", r)
            case .single(let n):
                let i = try integer(n, c)
                let j = i < 0 ? i + t.count : i
                guard j >= 0, j < t.count else {
                    throw RuntimeError(.index, "index \(i) is out of range for a tuple of \(t.count) values", n.range)
                }
                // An empty place (only the REPL makes them: `Out[n]` of a cell that showed nothing).
                if case .none = t[j] {
                    let what = (base as? GlobalGet).map { "`\($0.slot.name)[\(i)]`" } ?? "item \(i) of this tuple"
                    throw RuntimeError(.index, "\(what) holds no value", range)
                }
                return t[j]
            case .slice(let a, let b, let s, let r):
                let step = try s.map { try integer($0, c) } ?? 1
                if step == 0 { throw RuntimeError(.value, "a slice step cannot be 0", r) }
                let picked = sliceIndices(count: t.count, start: try a.map { try integer($0, c) },
                                          stop: try b.map { try integer($0, c) }, step: step)
                guard let result = TupleValue(picked.map { t[$0] }) else {
                    throw RuntimeError(.depth, "tuple too large", range)
                }
                return .tuple(result)
            }
        case .object(let o):
            guard items.count == 1, case .single(let n) = items[0] else {
                throw RuntimeError(.index, "a \(o.typeName) takes one index, not a slice or several", range)
            }
            let key = try n.eval(c)
            do { return try o.element(key, IndexAccess(keyRange: n.range, baseRange: base.range)) }
            catch { throw RuntimeError.from(error, at: n.range) }
        default:
            throw RuntimeError(.type, "a \(v.typeName) cannot be indexed; only tensors and tuples can", base.range)
        }
    }

    /// The entries of a tensor index, evaluated: a number is a position, a tensor of rank ≥ 1 a
    /// mask or a tensor of indices (`Ops.indexed` tells which), as NumPy reads them.
    static func arguments(_ items: [Item], _ c: Context) throws -> [IndexArgument] {
        var out: [IndexArgument] = []
        out.reserveCapacity(items.count)
        for item in items {
            switch item {
            case .single(let n):
                let v = try n.eval(c)
                if case .tensor(let t) = v, t.rank >= 1 {
                    out.append(.tensor(t))
                } else {
                    out.append(.spec(.index(try whole(v, n.range))))
                }
            case .slice(let a, let b, let s, let r):
                let step = try s.map { try whole($0, c) }
                if step == 0 { throw RuntimeError(.value, "a slice step cannot be 0", r) }
                out.append(.spec(.slice(start: try a.map { try whole($0, c) }, stop: try b.map { try whole($0, c) },
                                        step: step)))
            case .newAxis: out.append(.spec(.newAxis))
            case .ellipsis: out.append(.spec(.ellipsis))
            }
        }
        return out
    }

    private func integer(_ n: Node, _ c: Context) throws -> Int {
        try IndexNode.whole(try n.eval(c), n.range)
    }

    private static func whole(_ n: Node, _ c: Context) throws -> Int {
        try whole(try n.eval(c), n.range)
    }

    /// A position or slice bound: one whole number.
    private static func whole(_ v: Value, _ range: SourceRange) throws -> Int {
        guard case .tensor(let t) = v else {
            throw RuntimeError(.type, "an index must be a whole number, got a \(v.typeName)", range)
        }
        guard let x = t.scalarValue else {
            throw RuntimeError(.index, "an index must be a single whole number here, got a tensor of shape " +
                               "\(shapeText(t.shape))", range)
        }
        guard let i = wholeNumber(x) else {
            throw RuntimeError(.index, "an index must be a whole number, got \(ValueFormatter().number(x))", range)
        }
        return i
    }
}

/// Python's slice rules for a sequence of `count` items.
func sliceIndices(count: Int, start: Int?, stop: Int?, step: Int) -> [Int] {
    func clamp(_ i: Int, _ low: Int, _ high: Int) -> Int { max(low, min(high, i < 0 ? i + count : i)) }
    var out: [Int] = []
    if step > 0 {
        var i = clamp(start ?? 0, 0, count)
        let end = clamp(stop ?? count, 0, count)
        while i < end { out.append(i); i += step }
    } else {
        var i = start.map { clamp($0, -1, count - 1) } ?? count - 1
        let end = stop.map { clamp($0, -1, count - 1) } ?? -1
        while i > end { out.append(i); i += step }
    }
    return out
}

// MARK: - Attributes

/// `x.shape`, `x.T`, `opt.t`: read from the attribute table of the value's kind
/// (`Value.tensorAttributes`, `ValueKind.attributes`).
final class AttributeNode: Node {
    let base: Node
    let name: String
    let nameRange: SourceRange
    /// The tensor attribute of this name, looked up once: the name is fixed where the node is.
    private lazy var tensorAttribute: Attribute<Tensor>? = Value.tensorAttributes[name]
    /// The kind of object last read here and its getter, so that a loop reading `opt.t` looks
    /// the attribute up once instead of searching the table (in generic code) every time.
    private var cachedKind: ObjectIdentifier?
    private var cachedGetter: ((any ValueKind, AttributeAccess) throws -> Value)?

    init(_ base: Node, _ name: String, _ nameRange: SourceRange, _ range: SourceRange) {
        self.base = base
        self.name = name
        self.nameRange = nameRange
        super.init(range)
    }

    override func eval(_ c: Context) throws -> Value {
        try c.checkStack(range)
        // `np.concatenate(…)`, `torch.exp(x)`: say what Glassbox calls it.
        if let g = base as? GlobalGet, g.slot.value == nil, Spellings.modules.contains(g.slot.name) {
            let ours = Spellings.functions[name].map { "`\($0)`".replacingAll(" (or @)`", with: "` (or `@`)") }
                ?? (c.session.value(of: name).map { _ in "`\(name)`" })
            let advice = ours.map { "; Glassbox spells it \($0)" } ?? ": Glassbox has no modules — its functions are built in"
            throw RuntimeError(.unknownName, "unknown name `\(g.slot.name).\(name)`\(advice)", range)
        }
        let v = try base.eval(c)
        let access = AttributeAccess(range: range, base: base, context: c)
        switch v {
        case .tensor(let x):
            guard let attribute = tensorAttribute else { throw unknown(v, Value.tensorAttributes.names) }
            return try attribute.get(x, access)
        case .object(let o):
            let kind = ObjectIdentifier(type(of: o))
            if kind != cachedKind {
                cachedGetter = type(of: o).erasedAttribute(name)
                cachedKind = kind
            }
            guard let get = cachedGetter else { throw unknown(v, o.attributeNames) }
            return try get(o, access)
        default:
            throw unknown(v, [])
        }
    }

    private func unknown(_ v: Value, _ known: [String]) -> RuntimeError {
        if known.isEmpty {
            return RuntimeError(.type, "a \(v.typeName) has no attributes (`.\(name)`)", nameRange)
        }
        let hint = Suggestions.closest(to: name, among: known).map { "; did you mean `.\($0)`?" }
            ?? "; a \(v.typeName) has " + known.map { "`.\($0)`" }.joined(separator: ", ")
        return RuntimeError(.unknownName, "a \(v.typeName) has no attribute `.\(name)`\(hint)", nameRange)
    }
}

/// The gradient of `x` from the last `backward`, or an error that says how to get one.
func gradient(of x: Tensor, _ node: Node, _ range: SourceRange) throws -> Value {
    try gradient(of: x, named: (node as? GlobalGet)?.slot.name ?? (node as? LocalGet)?.name, range)
}

/// The gradient of `x`, read by `name` (nil: not a plain name), or an error that says how to get one.
func gradient(of x: Tensor, named name: String?, _ range: SourceRange) throws -> Value {
    if let g = x.grad { return .tensor(g) }
    let label = name.map { "`\($0)`" } ?? "this tensor"
    if !x.requiresGrad {
        throw RuntimeError(.value, "\(label) has no gradient: it does not depend on a parameter " +
                           "(make trainable tensors with param(x))", range)
    }
    throw RuntimeError(.value, "\(label) has no gradient yet; call backward(y) on a result that depends on it", range)
}
