import GlassboxTensors

// MARK: - Built-in functions

/// One entry of the built-ins table: the single source for calling, `?name` help, tab
/// completion, arity and keyword errors, and Docs/BUILTINS.md.
final class Builtin: Sendable {
    enum Category: String, CaseIterable, Sendable {
        case creation = "Making tensors"
        case shape = "Shapes"
        case elementwise = "Elementwise"
        case reduction = "Reductions"
        case softmax = "Softmax and friends"
        case loss = "Losses"
        case layer = "Layers"
        case autograd = "Autograd"
        case optimizer = "Optimizers"
        case utility = "Utilities"
        case data = "Data and text"
    }

    struct Parameter: Sendable {
        enum Kind: Sendable {
            /// Must be given.
            case required
            /// May be left out; `display` is what the signature shows as its default.
            case optional(display: String)
            /// Any number of positional values (`d...`); parameters after it are keyword-only.
            case variadic
        }
        let name: String
        let kind: Kind
    }

    let name: String
    let parameters: [Parameter]
    let summary: String
    let example: String
    let category: Category
    let run: @Sendable (Arguments) throws -> Value
    /// A hand-written signature where the parameter list cannot say it (`arange`).
    let signatureOverride: String?

    init(_ name: String, _ parameters: [Parameter], _ category: Category, _ summary: String,
         example: String, signature: String? = nil, run: @escaping @Sendable (Arguments) throws -> Value) {
        self.name = name
        self.parameters = parameters
        self.category = category
        self.summary = summary
        self.example = example
        self.signatureOverride = signature
        self.run = run
    }

    /// `softmax(x, axis=-1)`, `zeros(d...)`, `sgd(params..., lr, momentum=0)`.
    /// "signature: …", the note an argument error carries — built only when one is thrown,
    /// since nearly every call succeeds and the interpolated string would be wasted work.
    var signatureNote: String { "signature: \(signature)" }

    var signature: String {
        if let signatureOverride { return signatureOverride }
        let list = parameters.map { p -> String in
            switch p.kind {
            case .required: return p.name
            case .optional(let d): return "\(p.name)=\(d)"
            case .variadic: return "\(p.name)..."
            }
        }
        return "\(name)(\(list.joined(separator: ", ")))"
    }

    var variadicIndex: Int? {
        parameters.firstIndex { if case .variadic = $0.kind { return true } else { return false } }
    }

    /// Binds the evaluated arguments of `call` to the parameters and runs the built-in.
    func call(_ values: [Value], _ call: CallNode, _ c: Context) throws -> Value {
        let variadic = variadicIndex
        var bound = [Value?](repeating: nil, count: parameters.count)
        var boundRanges = [SourceRange?](repeating: nil, count: parameters.count)
        var rest: [Value] = []
        var restRanges: [SourceRange] = []
        let positionalLimit = variadic ?? parameters.count
        var position = 0
        for (i, v) in values.enumerated() {
            if let label = call.labels[i] {
                guard let p = parameters.firstIndex(where: { $0.name == label }), p != variadic else {
                    let names = parameters.enumerated().filter { $0.offset != variadic }.map(\.element.name)
                    let hint = Suggestions.closest(to: label, among: names).map { "; did you mean `\($0)`?" } ?? ""
                    throw RuntimeError(.keyword, "`\(name)` has no keyword argument `\(label)`\(hint)",
                                       call.labelRanges[i] ?? call.range, notes: [signatureNote])
                }
                guard bound[p] == nil else {
                    throw RuntimeError(.keyword, "`\(label)` is given twice", call.argumentRange(i), notes: [signatureNote])
                }
                bound[p] = v
                boundRanges[p] = call.arguments[i].range
            } else if position < positionalLimit {
                bound[position] = v
                boundRanges[position] = call.arguments[i].range
                position += 1
            } else if variadic != nil {
                rest.append(v)
                restRanges.append(call.arguments[i].range)
            } else {
                throw RuntimeError(.arity, "`\(name)` takes at most \(countText(parameters.count, "argument")), " +
                                   "got \(values.count)", call.argumentRange(i), notes: [signatureNote])
            }
        }
        for (p, parameter) in parameters.enumerated() where bound[p] == nil {
            if case .required = parameter.kind {
                throw RuntimeError(.arity, "`\(name)` is missing its argument `\(parameter.name)`", call.range,
                                   notes: [signatureNote])
            }
        }
        let arguments = Arguments(builtin: self, values: bound, ranges: boundRanges, rest: rest,
                                  restRanges: restRanges, call: call, context: c)
        c.willRunOp(call.range)
        do {
            return try run(arguments)
        } catch let e as RuntimeError {
            throw e
        } catch {
            var e = RuntimeError.from(error, at: call.range)
            if e.kind == .shape || e.kind == .value { e.notes.append(signatureNote) }
            throw e
        }
    }
}

// MARK: - Arguments as a built-in sees them

/// The bound arguments of one call, with typed readers that point errors at the argument.
struct Arguments {
    let builtin: Builtin
    let values: [Value?]
    let ranges: [SourceRange?]
    let rest: [Value]
    let restRanges: [SourceRange]
    let call: CallNode
    let context: Context

    var range: SourceRange { call.range }

    func has(_ i: Int) -> Bool { values[i] != nil }

    private func where_(_ i: Int) -> SourceRange { ranges[i] ?? call.range }
    private func label(_ i: Int) -> String { "`\(builtin.parameters[i].name)` of \(builtin.name)" }

    func value(_ i: Int) -> Value? { values[i] }

    func tensor(_ i: Int) throws -> Tensor {
        guard let v = values[i] else {
            throw RuntimeError(.arity, "missing \(label(i))", call.range, notes: ["signature: \(builtin.signature)"])
        }
        return try asTensor(v, where_(i), label(i))
    }

    func optionalTensor(_ i: Int) throws -> Tensor? {
        guard let v = values[i] else { return nil }
        return try asTensor(v, where_(i), label(i))
    }

    /// A whole number (an axis, a count, a seed), or nil when not given.
    func int(_ i: Int) throws -> Int? {
        guard let v = values[i] else { return nil }
        return try asInt(v, where_(i), label(i))
    }

    func float(_ i: Int) throws -> Float? {
        guard let v = values[i] else { return nil }
        return try asFloat(v, where_(i), label(i))
    }

    func restTensors() throws -> [Tensor] {
        try zip(rest, restRanges).map { try asTensor($0, $1, "argument of \(builtin.name)") }
    }

    /// Dimensions given as `d...` (`zeros(2, 3)`) or as one shape tensor (`zeros(x.shape)`).
    func dimensions(allowEmpty: Bool = true) throws -> [Int] {
        if rest.count == 1, case .tensor(let t) = rest[0], t.rank == 1 {
            return try t.toArray().map { try dimension($0, restRanges[0]) }
        }
        if !allowEmpty && rest.isEmpty {
            throw RuntimeError(.arity, "`\(builtin.name)` needs at least one dimension", call.range,
                               notes: ["signature: \(builtin.signature)"])
        }
        return try zip(rest, restRanges).map { v, r in
            try dimension(try asFloat(v, r, "a dimension of \(builtin.name)"), r)
        }
    }

    private func dimension(_ x: Float, _ r: SourceRange) throws -> Int {
        guard let n = wholeNumber(x) else {
            throw RuntimeError(.value, "a dimension must be a whole number, got \(ValueFormatter().number(x))", r)
        }
        return n
    }

    // MARK: Conversions

    func asTensor(_ v: Value, _ r: SourceRange, _ what: @autoclosure () -> String) throws -> Tensor {
        if case .tensor(let t) = v { return t }
        throw RuntimeError(.type, "\(what()) must be a tensor or number, got a \(v.typeName)", r)
    }

    func asFloat(_ v: Value, _ r: SourceRange, _ what: @autoclosure () -> String) throws -> Float {
        let t = try asTensor(v, r, what())
        guard let x = t.scalarValue, t.rank == 0 || t.count == 1 else {
            throw RuntimeError(.type, "\(what()) must be a single number, got a tensor of shape \(shapeText(t.shape))", r)
        }
        return x
    }

    func asInt(_ v: Value, _ r: SourceRange, _ what: @autoclosure () -> String) throws -> Int {
        let x = try asFloat(v, r, what())
        guard let n = wholeNumber(x) else {
            throw RuntimeError(.value, "\(what()) must be a whole number, got \(ValueFormatter().number(x))", r)
        }
        return n
    }
}

// MARK: - Table-building shorthands

extension Builtin.Parameter {
    static func required(_ name: String) -> Self { .init(name: name, kind: .required) }
    static func optional(_ name: String, _ display: String) -> Self { .init(name: name, kind: .optional(display: display)) }
    static func variadic(_ name: String) -> Self { .init(name: name, kind: .variadic) }
}
