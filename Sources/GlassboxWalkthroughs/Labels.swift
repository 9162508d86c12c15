import GlassboxLanguage
import GlassboxTensors

// MARK: - Names for tensors

/// How a walkthrough refers to a tensor inside a formula: the learner's variable name, the
/// formula of the step that produced it, or (for a small constant) its value.
struct Labeler {
    /// Outputs of earlier steps, by identity.
    private var known: [ObjectIdentifier: Formula] = [:]
    /// The session's variables that hold tensors, by identity.
    var names: [ObjectIdentifier: String] = [:]

    /// Variable names of the tensors bound in `session` (the first name of a tensor bound twice).
    static func names(in session: Session) -> [ObjectIdentifier: String] {
        var out: [ObjectIdentifier: String] = [:]
        for v in session.variables {
            guard case .tensor(let t) = v.value, !v.name.hasPrefix("_") else { continue }
            if out[ObjectIdentifier(t)] == nil { out[ObjectIdentifier(t)] = v.name }
        }
        return out
    }

    /// The variable `t` is bound to (or the name the tensor carries), if any.
    func variableName(_ t: Tensor) -> String? { names[ObjectIdentifier(t)] ?? t.name }

    /// A step's formula is reused inside later formulas only up to this many characters;
    /// longer ones are referred to by step number (`[3]`).
    static let maxInline = 24

    /// `t` will be called `formula` from now on.
    mutating func remember(_ t: Tensor, as formula: Formula) {
        known[ObjectIdentifier(t)] = formula
    }

    /// `t` is the value of step `number` whose formula is `formula`: later formulas use the
    /// formula when it is short, else `[number]`.
    mutating func remember(_ t: Tensor, step number: Int, formula: Formula) {
        if variableName(t) != nil { return }   // a variable keeps its name
        remember(t, as: formula.text.count <= Labeler.maxInline ? formula : Formula("[\(number)]"))
    }

    func isKnown(_ t: Tensor) -> Bool { known[ObjectIdentifier(t)] != nil }

    /// The label of `t`.
    func label(_ t: Tensor) -> Formula {
        if let f = known[ObjectIdentifier(t)] { return f }
        if let name = variableName(t) { return Formula(name) }
        return Labeler.constant(t)
    }

    /// A constant written out: `2`, `−1.5`, `[1, 2, 3]`; a larger one by its shape.
    static func constant(_ t: Tensor) -> Formula {
        if t.count == 1, let x = t.scalarValue {
            let text = number(x)
            return Formula(text, text.hasPrefix("−") ? .prefix : .atom)
        }
        if t.rank == 1, t.count <= 4 {
            return Formula("[" + t.toArray().map(number).joined(separator: ", ") + "]")
        }
        return Formula("⟨" + shapeText(t.shape) + "⟩")
    }

    /// A number as a formula writes it: whole numbers without decimals, others with up to four,
    /// `−` for minus, `∞` for infinity.
    static func number(_ x: Float) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x < 0 ? "−∞" : "∞" }
        var text = ValueFormatter(precision: 4).number(x)
        if text.hasPrefix("-") { text = "−" + text.dropFirst() }
        return text
    }
}

/// The one shape spelling (`Shape.text`: `2×3`, `3-element`, `scalar`), so a walkthrough's
/// labels read like the notebook's headers and error messages.
func shapeText(_ shape: [Int]) -> String { Shape.text(shape) }
