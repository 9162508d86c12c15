import GlassboxTensors

// MARK: - Kinds of value

/// A kind of value beyond the language's own (tensors, strings, tuples, functions): the
/// optimizers today, and any object a later built-in returns (a weights mapping, a tokenizer,
/// a model). `Value.object` carries it, and everything that shows or reads a value goes through
/// these requirements: `Out[n]` (`text`), `--json` (`json`), `x.name` in the evaluator, Tab
/// completion and `?name` help (`attributes`), `x[key]` (`element`) and `:vars`
/// (`variablesSummary`). A new kind conforms and touches nothing else; none of the
/// requirements has a default, so the compiler lists what a new kind is missing.
public protocol ValueKind: AnyObject {
    /// What messages call it: `optimizer`, `weights`.
    var typeName: String { get }
    /// How the notebook shows it (`Out[n]`, `print`).
    func text(_ formatter: ValueFormatter) -> String
    /// Its `--json` form (`JSON.tensor` writes a tensor inside it).
    var json: JSONValue { get }
    /// The attributes `x.name` reads, with their one-line docs.
    static var attributes: AttributeTable<Self> { get }
    /// `x[key]`. A kind that cannot be indexed throws
    /// `RuntimeError.notIndexable(typeName, at: access.baseRange)`.
    func element(_ key: Value, _ access: IndexAccess) throws -> Value
    /// What `:vars` shows in its shape column (a count, a size); empty when there is nothing to say.
    var variablesSummary: String { get }
}

extension ValueKind {
    /// The names of this kind's attributes, in table order.
    public var attributeNames: [String] { Self.attributes.names }

    /// Each attribute's name and one-line doc, for `?name`.
    public var attributeDocs: [(name: String, summary: String)] { Self.attributes.docs }

    /// The getter of attribute `name` for any object of this kind, or nil when it has none; the
    /// evaluator keeps it, so the table is searched once per place in the program.
    static func erasedAttribute(_ name: String) -> ((any ValueKind, AttributeAccess) throws -> Value)? {
        guard let attribute = attributes[name] else { return nil }
        return { object, access in
            guard let typed = object as? Self else {
                throw RuntimeError(.runtime, "`.\(name)` was read from a \(object.typeName) as if it were a \(Self.self)", access.range)
            }
            return try attribute.get(typed, access)
        }
    }
}

// MARK: - Attributes as data

/// One attribute of a kind of value: its name, what it is, and how to read it.
public struct Attribute<Base>: Sendable {
    public let name: String
    public let summary: String
    let get: @Sendable (Base, AttributeAccess) throws -> Value

    public init(_ name: String, _ summary: String, get: @escaping @Sendable (Base, AttributeAccess) throws -> Value) {
        self.name = name
        self.summary = summary
        self.get = get
    }
}

/// The attributes of one kind of value, in the order help lists them.
public struct AttributeTable<Base>: Sendable {
    public let attributes: [Attribute<Base>]

    public init(_ attributes: [Attribute<Base>]) { self.attributes = attributes }

    public var names: [String] { attributes.map(\.name) }
    public var docs: [(name: String, summary: String)] { attributes.map { ($0.name, $0.summary) } }

    public subscript(name: String) -> Attribute<Base>? { attributes.first { $0.name == name } }
}

/// Where an attribute is read: the source range of `x.name`, and the name `x` was read by (for
/// messages), so that an attribute's getter can point its errors at the right place.
public struct AttributeAccess {
    public let range: SourceRange
    /// The expression before the dot; its name is looked up only when a message needs it.
    let base: Node?
    let context: Context?

    /// `x` for `x.grad`; nil when the base is not a plain name (`f(x).grad`).
    public var baseName: String? { (base as? GlobalGet)?.slot.name ?? (base as? LocalGet)?.name }

    /// Tells a running `explain` that an op is about to run for this attribute (`x.T`).
    func willRunOp() { context?.willRunOp(range) }
}

/// Where `x[key]` is in the source: errors about the key point at `keyRange`, errors about `x`
/// (it cannot be indexed) at `baseRange`.
public struct IndexAccess {
    public let keyRange: SourceRange
    public let baseRange: SourceRange
}

// MARK: - Values of any kind

extension Value {
    /// The attribute table of this value's kind, as names with docs; empty for kinds without
    /// attributes (strings, tuples, functions).
    public var attributeDocs: [(name: String, summary: String)] {
        switch self {
        case .tensor: return Value.tensorAttributes.docs
        case .object(let o): return o.attributeDocs
        default: return []
        }
    }

    /// The object of kind `K`, if this value is one.
    public func object<K: ValueKind>(as kind: K.Type) -> K? {
        if case .object(let o) = self { return o as? K }
        return nil
    }
}

extension RuntimeError {
    /// `a weights cannot be indexed …`: what `ValueKind.element` throws for a kind without indexing.
    static func notIndexable(_ typeName: String, at range: SourceRange) -> RuntimeError {
        RuntimeError(.type, "a \(typeName) cannot be indexed; only tensors and tuples can", range)
    }
}
