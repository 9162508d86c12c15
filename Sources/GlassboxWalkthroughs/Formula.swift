import GlassboxTensors

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
