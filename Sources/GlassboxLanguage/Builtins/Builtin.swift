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
        case files = "Weights and files"
    }

    typealias Parameter = Signature.Parameter

    let name: String
    /// The parameters, and the binder every call goes through.
    let spec: Signature
    let summary: String
    let example: String
    let category: Category
    let run: @Sendable (Arguments) throws -> Value

    init(_ name: String, _ parameters: [Parameter], _ category: Category, _ summary: String,
         example: String, signature: String? = nil, run: @escaping @Sendable (Arguments) throws -> Value) {
        self.name = name
        self.spec = Signature(name, parameters, text: signature)
        self.category = category
        self.summary = summary
        self.example = example
        self.run = run
    }

    var parameters: [Parameter] { spec.parameters }

    /// `softmax(x, axis=-1)`, `zeros(d...)`, `sgd(params..., lr, momentum=0)`.
    var signature: String { spec.text }

    /// "signature: …", the note an argument error carries.
    var signatureNote: String { spec.note }

    /// Binds the evaluated arguments of `call` to the parameters and runs the built-in.
    func call(_ values: [Value], _ call: CallNode, _ c: Context) throws -> Value {
        let b = try spec.bind(values, call, withRanges: true)
        let arguments = Arguments(builtin: self, values: b.values, ranges: b.ranges, rest: b.rest,
                                  restRanges: b.restRanges, named: b.named, call: call, context: c)
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
    /// Keyword arguments a `.keywords` parameter collected (`save(path, W=…, b=…)`).
    let named: [(label: String, value: Value, range: SourceRange)]
    let call: CallNode
    let context: Context

    var range: SourceRange { call.range }

    func has(_ i: Int) -> Bool { values[i] != nil }

    private func where_(_ i: Int) -> SourceRange { ranges[i] ?? call.range }
    private func label(_ i: Int) -> String { "`\(builtin.parameters[i].name)` of \(builtin.name)" }

    func value(_ i: Int) -> Value? { values[i] }

    func tensor(_ i: Int) throws -> Tensor {
        guard let v = values[i] else {
            throw RuntimeError(.arity, "missing \(label(i))", call.range, notes: [builtin.signatureNote])
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
                               notes: [builtin.signatureNote])
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
