// MARK: - Formulas as text with a precedence

/// A piece of Unicode math (`σ(x)`, `a ⊙ b`, `x·Wᵀ`) and how tightly it binds, so that composing
/// formulas adds exactly the parentheses the reader needs.
///
/// Symbols (Docs/WALKTHROUGHS.md): `·` matrix product (and a product with a scalar), `⊙` elementwise
/// product, `ᵀ` transpose, `σ` the logistic sigmoid, `√` square root, `Σ` sum, `−` minus.
struct Formula: Equatable, CustomStringConvertible {
    /// Binding strength, loosest first.
    enum Precedence: Int, Comparable {
        case comparison = 1
        case sum = 2          // a + b, a − b
        case product = 3      // a ⊙ b, a·b, a / b
        case prefix = 4       // −a, Σ a
        case power = 5        // a², a^b
        case postfix = 6      // aᵀ
        case atom = 7         // names, numbers, calls, brackets

        static func < (a: Precedence, b: Precedence) -> Bool { a.rawValue < b.rawValue }
    }

    var text: String
    var precedence: Precedence
    /// The operator at the top (`/`, `⊙`, `·`), so that `(a / b)·c` keeps its parentheses.
    var symbol: String?

    init(_ text: String, _ precedence: Precedence = .atom, symbol: String? = nil) {
        self.text = text
        self.precedence = precedence
        self.symbol = symbol
    }

    var description: String { text }

    /// The text, in parentheses when it binds looser than `context`.
    func operand(of context: Precedence, strict: Bool = false) -> String {
        if precedence < context || (strict && precedence == context) { return "(" + text + ")" }
        return text
    }

    // MARK: Building

    /// `f(a, b)`
    static func call(_ name: String, _ arguments: [Formula], extra: [String] = []) -> Formula {
        Formula(name + "(" + (arguments.map(\.text) + extra).joined(separator: ", ") + ")")
    }

    /// `a + b`, `a − b`, `a ⊙ b`, `a/b` (left-associative: the right operand of `−` and `/`
    /// keeps its parentheses at equal precedence).
    static func infix(_ a: Formula, _ symbol: String, _ b: Formula, _ p: Precedence, associative: Bool) -> Formula {
        let space = symbol == "·" || symbol == "/" ? "" : " "
        // Different products side by side (`/` next to `·` or `⊙`) read ambiguously: bracket them.
        func side(_ f: Formula, strict: Bool) -> String {
            if p == .product, f.precedence == .product, let s = f.symbol, s != symbol { return "(" + f.text + ")" }
            return f.operand(of: p, strict: strict)
        }
        return Formula(side(a, strict: false) + space + symbol + space + side(b, strict: !associative), p, symbol: symbol)
    }

    /// `−a`
    static func negate(_ a: Formula) -> Formula { Formula("−" + a.operand(of: .prefix), .prefix) }

    /// `aᵀ`
    static func transposed(_ a: Formula) -> Formula { Formula(a.operand(of: .atom) + "ᵀ", .postfix) }

    /// `a²` for a small whole exponent, else `a^b`.
    static func power(_ a: Formula, _ exponent: Formula, exponentValue: Float?) -> Formula {
        if let e = exponentValue, e == e.rounded(), abs(e) < 10, let sup = superscript(String(Int(e))) {
            return Formula(a.operand(of: .atom) + sup, .power)
        }
        return Formula(a.operand(of: .atom) + "^" + exponent.operand(of: .atom), .power)
    }

    /// `√a` for an atom, `√(a + b)` otherwise.
    static func squareRoot(_ a: Formula) -> Formula {
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
func superscript(_ text: String) -> String? {
    var out = ""
    for ch in text {
        guard let s = superscripts[ch] else { return nil }
        out.append(s)
    }
    return out
}

/// `₃` for 3; digits without a subscript form are kept.
func subscriptNumber(_ n: Int) -> String {
    String(String(n).map { subscripts[$0] ?? $0 })
}

// MARK: - ASCII

/// Unicode math spelled with ASCII, for terminals that are not UTF-8: `σ(x·Wᵀ)` → `sigmoid(x@W')`.
enum ASCIIMath {
    /// Longest spellings first, so that `x̂` is replaced before `x`'s combining hat is lost.
    static let table: [(String, String)] = [
        ("x̂", "xhat"), ("m̂", "mhat"), ("v̂", "vhat"), ("σ²", "var"),
        ("σ", "sigmoid"), ("⊙", "*"), ("·", "*"), ("ᵀ", "'"), ("√", "sqrt"), ("Σ", "sum "),
        ("−", "-"), ("∂", "d"), ("←", "<-"), ("→", "->"), ("»", ">>"), ("⟨", "<"), ("⟩", ">"), ("·", "*"), ("…", "..."), ("×", "x"), ("≤", "<="),
        ("≥", ">="), ("≠", "!="), ("∞", "inf"), ("ε", "eps"), ("α", "lr"), ("β", "beta"), ("γ", "gamma"),
        ("μ", "mu"), ("θ", "theta"), ("δ", "delta"), ("│", "|"), ("─", "-"),
        ("⁰", "^0"), ("¹", "^1"), ("²", "^2"), ("³", "^3"), ("⁴", "^4"), ("⁵", "^5"), ("⁶", "^6"),
        ("⁷", "^7"), ("⁸", "^8"), ("⁹", "^9"), ("⁻", "^-"), ("ᵗ", "^t"), ("ⁿ", "^n"),
        ("₀", "0"), ("₁", "1"), ("₂", "2"), ("₃", "3"), ("₄", "4"), ("₅", "5"), ("₆", "6"), ("₇", "7"),
        ("₈", "8"), ("₉", "9"), ("ₜ", "t"), ("ⱼ", "j"), ("ᵢ", "i"), ("π", "pi"),
    ]

    /// `text` with every Unicode symbol above spelled in ASCII; other non-ASCII characters
    /// (a learner's own `α` variable) become `?` only if nothing above covers them.
    static func transliterate(_ text: String) -> String {
        guard !text.unicodeScalars.allSatisfy(\.isASCII) else { return text }
        var out = text
        for (from, to) in table where out.contains(from) {
            out = out.replacingAll(from, with: to)
        }
        return String(out.unicodeScalars.map { $0.isASCII ? Character($0) : "?" })
    }
}

extension String {
    /// Every occurrence of `target` replaced (no Foundation in this module).
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = Substring(self)
        while let r = rest.range(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}

extension Substring {
    /// The first range of `target` (plain character comparison).
    func range(of target: String) -> Range<Index>? {
        let t = Array(target)
        guard let first = t.first else { return nil }
        var i = startIndex
        while i < endIndex {
            if self[i] == first {
                var j = i, k = 0
                while k < t.count, j < endIndex, self[j] == t[k] { j = index(after: j); k += 1 }
                if k == t.count { return i..<j }
            }
            i = index(after: i)
        }
        return nil
    }
}
