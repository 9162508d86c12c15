import GlassboxTensors

// MARK: - Optimizers as a kind of value

/// `sgd(…)` and `adam(…)` return an optimizer; `step(opt)` updates its parameters.
extension Optimizer: ValueKind {
    public var typeName: String { "optimizer" }

    /// `adam(2 parameters, lr=0.01, beta1=0.9, beta2=0.999, eps=1e-08), t = 3`
    public func text(_ formatter: ValueFormatter) -> String {
        var settings = ["lr=\(formatter.number(lr))"]
        switch kind {
        case .sgd: settings.append("momentum=\(formatter.number(momentum))")
        case .adam:
            settings += ["beta1=\(formatter.number(beta1))", "beta2=\(formatter.number(beta2))", "eps=\(formatter.number(eps))"]
        }
        return "\(kind.rawValue)(\(countText(parameters.count, "parameter")), \(settings.joined(separator: ", "))), t = \(t)"
    }

    /// `{"optimizer": "adam", "t": 3}`
    public var json: JSONValue { .object([("optimizer", .string(kind.rawValue)), ("t", .number(Double(t)))]) }

    public static let attributes = AttributeTable<Optimizer>([
        Attribute("t", "the number of steps taken") { o, _ in .number(Float(o.t)) },
        Attribute("lr", "the learning rate") { o, _ in .number(o.lr) },
    ])

    public func element(_ key: Value, _ access: IndexAccess) throws -> Value {
        throw RuntimeError.notIndexable(typeName, at: access.baseRange)
    }

    /// The `:vars` row of an optimizer leaves the shape column empty.
    public var variablesSummary: String { "" }
}
