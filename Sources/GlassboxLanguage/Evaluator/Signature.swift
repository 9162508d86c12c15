// MARK: - Signatures and argument binding

/// The parameter list of a function — a built-in or one the user defined — and the one place
/// where the arguments of a call are bound to it. Both kinds of function bind through `bind`,
/// so a learner gets the same messages for `sum(x, axs=0)` and for `f(1, m=2)`.
struct Signature: Sendable {
    struct Parameter: Sendable {
        enum Kind: Sendable {
            /// Must be given.
            case required
            /// May be left out; `display` is what the signature shows as its default.
            case optional(display: String)
            /// Any number of positional values (`d...`); parameters after it are keyword-only.
            case variadic
            /// Any number of keyword arguments with names of the caller's choosing
            /// (`save(path, name=tensor, …)`), collected in `Binding.named`.
            case keywords
        }
        let name: String
        let kind: Kind

        var isRequired: Bool {
            if case .required = kind { return true }
            return false
        }
    }

    let name: String
    let parameters: [Parameter]
    /// Index of the `d...` parameter, if there is one.
    let variadicIndex: Int?
    /// Index of the parameter that collects unknown keywords, if there is one.
    let keywordsIndex: Int?
    /// A hand-written signature where the parameter list cannot say it (`arange`).
    let textOverride: String?

    init(_ name: String, _ parameters: [Parameter], text: String? = nil) {
        self.name = name
        self.parameters = parameters
        self.variadicIndex = parameters.firstIndex { if case .variadic = $0.kind { return true } else { return false } }
        self.keywordsIndex = parameters.firstIndex { if case .keywords = $0.kind { return true } else { return false } }
        self.textOverride = text
    }

    /// `softmax(x, axis=-1)`, `zeros(d...)`, `f(x, n=2)`.
    var text: String {
        if let textOverride { return textOverride }
        let list = parameters.map { p -> String in
            switch p.kind {
            case .required: return p.name
            case .optional(let d): return "\(p.name)=\(d)"
            case .variadic: return "\(p.name)..."
            case .keywords: return "\(p.name)=…"
            }
        }
        return "\(name)(\(list.joined(separator: ", ")))"
    }

    /// "signature: …", the note an argument error carries — built only when one is thrown, so
    /// that a call that binds cleanly never pays for the text.
    var note: String { "signature: \(text)" }

    // MARK: Binding

    /// The arguments of one call, matched to the parameters: `values[p]` is the argument given for
    /// parameter `p` (nil when left out), `rest` the values of the `d...` parameter.
    struct Binding {
        var values: [Value?]
        /// Where each bound argument is in the source; empty unless ranges were asked for.
        var ranges: [SourceRange?]
        var rest: [Value] = []
        var restRanges: [SourceRange] = []
        /// Keyword arguments collected by a `.keywords` parameter, in call order.
        var named: [(label: String, value: Value, range: SourceRange)] = []
    }

    /// Binds the evaluated arguments of `call`: positional ones in order (the surplus to the
    /// `d...` parameter), keyword ones by name. Throws for an unknown or repeated keyword, too
    /// many arguments, or a missing required one. `withRanges` keeps where each argument is, for
    /// built-ins that point their errors at one argument.
    func bind(_ values: [Value], _ call: CallNode, withRanges: Bool) throws -> Binding {
        var binding = Binding(values: [Value?](repeating: nil, count: parameters.count),
                              ranges: withRanges ? [SourceRange?](repeating: nil, count: parameters.count) : [])
        let positionalLimit = keywordsIndex ?? variadicIndex ?? parameters.count
        var position = 0
        for (i, v) in values.enumerated() {
            if let label = call.labels[i] {
                if keywordsIndex != nil, !parameters.contains(where: { $0.name == label }) {
                    guard !binding.named.contains(where: { $0.label == label }) else {
                        throw RuntimeError(.keyword, "`\(label)` is given twice", call.argumentRange(i), notes: [note])
                    }
                    binding.named.append((label, v, call.arguments[i].range))
                    continue
                }
                guard let p = parameters.firstIndex(where: { $0.name == label }), p != variadicIndex, p != keywordsIndex else {
                    let names = parameters.enumerated().filter { $0.offset != variadicIndex }.map(\.element.name)
                    let hint = Spellings.keywords[label].flatMap { names.contains($0) ? "; Glassbox spells it `\($0)`" : nil }
                        ?? Suggestions.closest(to: label, among: names).map { "; did you mean `\($0)`?" } ?? ""
                    throw RuntimeError(.keyword, "`\(name)` has no keyword argument `\(label)`\(hint)",
                                       call.labelRanges[i] ?? call.range, notes: [note])
                }
                guard binding.values[p] == nil else {
                    throw RuntimeError(.keyword, "`\(label)` is given twice", call.argumentRange(i), notes: [note])
                }
                binding.values[p] = v
                if withRanges { binding.ranges[p] = call.arguments[i].range }
            } else if position < positionalLimit {
                binding.values[position] = v
                if withRanges { binding.ranges[position] = call.arguments[i].range }
                position += 1
            } else if variadicIndex != nil {
                binding.rest.append(v)
                binding.restRanges.append(call.arguments[i].range)
            } else {
                throw RuntimeError(.arity, "`\(name)` takes \(arityText), got \(values.count)",
                                   call.argumentRange(i), notes: [note])
            }
        }
        for (p, parameter) in parameters.enumerated() where binding.values[p] == nil && parameter.isRequired {
            throw RuntimeError(.arity, "`\(name)` is missing its argument `\(parameter.name)`", call.range, notes: [note])
        }
        return binding
    }

    /// `1 argument`, `at most 3 arguments` (when some may be left out).
    private var arityText: String {
        let count = countText(parameters.count, "argument")
        return parameters.allSatisfy(\.isRequired) ? count : "at most " + count
    }
}

// MARK: - Table-building shorthands

extension Signature.Parameter {
    static func required(_ name: String) -> Self { .init(name: name, kind: .required) }
    static func optional(_ name: String, _ display: String) -> Self { .init(name: name, kind: .optional(display: display)) }
    static func variadic(_ name: String) -> Self { .init(name: name, kind: .variadic) }
    static func keywords(_ name: String) -> Self { .init(name: name, kind: .keywords) }
}
