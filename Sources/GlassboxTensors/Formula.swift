// MARK: - Formulas as text with a precedence

// The formulas `explain` shows are declared with each op (`OpSpec`), so the type they are
// written in lives here, below every layer that shows them.

/// A piece of Unicode math (`σ(x)`, `a ⊙ b`, `x·Wᵀ`) and how tightly it binds, so that composing
/// formulas adds exactly the parentheses the reader needs.
///
/// Symbols (Docs/WALKTHROUGHS.md): `·` matrix product (and a product with a scalar), `⊙` elementwise
/// product, `ᵀ` transpose, `σ` the logistic sigmoid, `√` square root, `Σ` sum, `−` minus.
public struct Formula: Equatable, CustomStringConvertible, Sendable {
    /// Binding strength, loosest first.
    public enum Precedence: Int, Comparable, Sendable {
        case comparison = 1
        case sum = 2          // a + b, a − b
        case product = 3      // a ⊙ b, a·b, a / b
        case prefix = 4       // −a, Σ a
        case power = 5        // a², a^b
        case postfix = 6      // aᵀ
        case atom = 7         // names, numbers, calls, brackets

        public static func < (a: Precedence, b: Precedence) -> Bool { a.rawValue < b.rawValue }
    }

    public var text: String
    public var precedence: Precedence
    /// The operator at the top (`/`, `⊙`, `·`), so that `(a / b)·c` keeps its parentheses.
    public var symbol: String?

    public init(_ text: String, _ precedence: Precedence = .atom, symbol: String? = nil) {
        self.text = text
        self.precedence = precedence
        self.symbol = symbol
    }

    public var description: String { text }

    /// The text, in parentheses when it binds looser than `context`.
    public func operand(of context: Precedence, strict: Bool = false) -> String {
        if precedence < context || (strict && precedence == context) { return "(" + text + ")" }
        return text
    }

    // MARK: Building

    /// `f(a, b)`
    public static func call(_ name: String, _ arguments: [Formula], extra: [String] = []) -> Formula {
        Formula(name + "(" + (arguments.map(\.text) + extra).joined(separator: ", ") + ")")
    }

    /// `a + b`, `a − b`, `a ⊙ b`, `a/b` (left-associative: the right operand of `−` and `/`
    /// keeps its parentheses at equal precedence).
    public static func infix(_ a: Formula, _ symbol: String, _ b: Formula, _ p: Precedence, associative: Bool) -> Formula {
        let space = symbol == "·" || symbol == "/" ? "" : " "
        // Different products side by side (`/` next to `·` or `⊙`) read ambiguously: bracket them.
        func side(_ f: Formula, strict: Bool) -> String {
            if p == .product, f.precedence == .product, let s = f.symbol, s != symbol { return "(" + f.text + ")" }
            return f.operand(of: p, strict: strict)
        }
        return Formula(side(a, strict: false) + space + symbol + space + side(b, strict: !associative), p, symbol: symbol)
    }

    /// `−a`
    public static func negate(_ a: Formula) -> Formula { Formula("−" + a.operand(of: .prefix), .prefix) }

    /// `aᵀ`
    public static func transposed(_ a: Formula) -> Formula { Formula(a.operand(of: .atom) + "ᵀ", .postfix) }

    /// `a²` for a small whole exponent, else `a^b`.
    public static func power(_ a: Formula, _ exponent: Formula, exponentValue: Float?) -> Formula {
        if let e = exponentValue, e == e.rounded(), abs(e) < 10, let sup = superscript(String(Int(e))) {
            return Formula(a.operand(of: .atom) + sup, .power)
        }
        return Formula(a.operand(of: .atom) + "^" + exponent.operand(of: .atom), .power)
    }

    /// `√a` for an atom, `√(a + b)` otherwise.
    public static func squareRoot(_ a: Formula) -> Formula {
        Formula("√" + a.operand(of: .atom), .prefix)
    }
}

// MARK: - Sub- and superscripts

private let superscripts: [Character: Character] = [
    "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹",
    "-": "⁻", "−": "⁻", "+": "⁺", "t": "ᵗ", "n": "ⁿ", "T": "ᵀ",
]

private let subscripts: [Character: Character] = [
    "0": "₀", "1": "₁", "2": "₂", "3": "₃", "4": "₄", "5": "₅", "6": "₆", "7": "₇", "8": "₈", "9": "₉",
    "t": "ₜ",
]

/// `²`, `ᵗ`, `⁻¹`; nil when a character has no superscript form.
public func superscript(_ text: String) -> String? {
    var out = ""
    for ch in text {
        guard let s = superscripts[ch] else { return nil }
        out.append(s)
    }
    return out
}

/// `₃` for 3; digits without a subscript form are kept.
public func subscriptNumber(_ n: Int) -> String {
    String(String(n).map { subscripts[$0] ?? $0 })
}

