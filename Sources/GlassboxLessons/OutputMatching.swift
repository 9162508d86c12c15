// MARK: - Comparing recorded outputs

/// Compares a cell's recorded output with what it prints now, the way `run --check` needs:
///
/// - Text is compared token by token, so column alignment (which moves when a digit changes)
///   does not matter.
/// - Numbers are compared as numbers. Each printed number stands for a value within half a unit
///   of its last digit, so two numbers match when they differ by at most the sum of those
///   halves (plus float32 noise). So numbers printed alike may differ by one unit in the last
///   digit — `0.0180` matches `0.0181`, since the fast and the reference kernels may round a
///   value near a boundary the other way — and a shorter hand-written number must round to
///   what is printed: `0.75` matches `0.7500` and `0.7549`, not `0.7600`. Numbers printed
///   without a point or exponent (`[1, 2, 3]`, shapes) must be equal.
/// - `…` (or `...`) in the recorded text stands for any text, as in Python's doctest, so a
///   lesson can record just the start of a long output: `[0.018, 0.047, …]`.
public enum OutputMatch {
    /// Whether `actual` matches the `recorded` text.
    public static func matches(recorded: String, actual: String) -> Bool {
        let r = tokens(recorded), a = tokens(actual)
        var memo: [Int: Bool] = [:]
        return match(r, 0, a, 0, &memo)
    }

    /// The first line of `actual` that differs from `recorded` (1-based), for messages; nil
    /// when every line matches on its own (the difference is then in the line count).
    public static func firstDifferingLine(recorded: String, actual: String) -> Int? {
        let r = recorded.split(separator: "\n", omittingEmptySubsequences: false)
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        for i in 0..<max(r.count, a.count) {
            let x = i < r.count ? String(r[i]) : "", y = i < a.count ? String(a[i]) : ""
            if !matches(recorded: x, actual: y) { return i + 1 }
            if x.contains("…") || x.contains("...") { return nil }
        }
        return nil
    }

    // MARK: Tokens

    enum Token: Equatable {
        case number(value: Double, unit: Double, isInteger: Bool)
        case word(String)
        case symbol(Character)
        /// `…` or `...`: any text (recorded side only).
        case ellipsis
    }

    static func tokens(_ text: String) -> [Token] {
        var result: [Token] = []
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace { i += 1; continue }
            if c == "…" { result.append(.ellipsis); i += 1; continue }
            if c == ".", i + 2 < chars.count, chars[i + 1] == ".", chars[i + 2] == "." {
                result.append(.ellipsis)
                i += 3
                continue
            }
            let negative = c == "-" && i + 1 < chars.count && chars[i + 1].isASCIIDigit
            if c.isASCIIDigit || negative {
                let (token, next) = number(chars, from: i)
                result.append(token)
                i = next
                continue
            }
            if c.isLetter || c == "_" {
                var j = i
                while j < chars.count, chars[j].isLetter || chars[j].isASCIIDigit || chars[j] == "_" { j += 1 }
                result.append(.word(String(chars[i..<j])))
                i = j
                continue
            }
            result.append(.symbol(c))
            i += 1
        }
        return result
    }

    /// `-12.345e-05` → value, and the size of one unit in its last printed digit.
    static func number(_ chars: [Character], from start: Int) -> (Token, Int) {
        var i = start
        if chars[i] == "-" { i += 1 }
        while i < chars.count, chars[i].isASCIIDigit { i += 1 }
        var decimals = 0
        var isInteger = true
        if i + 1 < chars.count, chars[i] == ".", chars[i + 1].isASCIIDigit {
            isInteger = false
            i += 1
            while i < chars.count, chars[i].isASCIIDigit { i += 1; decimals += 1 }
        }
        var exponent = 0
        if i + 1 < chars.count, chars[i] == "e" || chars[i] == "E" {
            var j = i + 1
            if j < chars.count, chars[j] == "+" || chars[j] == "-" { j += 1 }
            if j < chars.count, chars[j].isASCIIDigit {
                while j < chars.count, chars[j].isASCIIDigit { j += 1 }
                exponent = Int(String(chars[(i + 1)..<j]).replacingPlus()) ?? 0
                isInteger = false
                i = j
            }
        }
        let text = String(chars[start..<i])
        let value = Double(text) ?? .nan
        var unit = 1.0
        for _ in 0..<decimals { unit /= 10 }
        if exponent > 0 { for _ in 0..<exponent { unit *= 10 } } else { for _ in 0..<(-exponent) { unit /= 10 } }
        return (.number(value: value, unit: unit, isInteger: isInteger), i)
    }

    // MARK: Matching

    /// Walks both token lists; recursion happens only at an ellipsis, so its depth is the
    /// number of ellipses, not the length of the output.
    static func match(_ r: [Token], _ start: Int, _ a: [Token], _ from: Int, _ memo: inout [Int: Bool]) -> Bool {
        var i = start, j = from
        while i < r.count, r[i] != .ellipsis {
            guard j < a.count, same(r[i], a[j]) else { return false }
            i += 1
            j += 1
        }
        if i == r.count { return j == a.count }
        let key = i * (a.count + 1) + j
        if let known = memo[key] { return known }
        // An ellipsis: any run of tokens, shortest first.
        var found = false
        for k in j...a.count where match(r, i + 1, a, k, &memo) {
            found = true
            break
        }
        memo[key] = found
        return found
    }

    static func same(_ x: Token, _ y: Token) -> Bool {
        switch (x, y) {
        case (.number(let v, let u, let xi), .number(let w, let t, let yi)):
            if xi && yi { return v == w }
            // Each printed number is within half a unit of its last digit of the value it
            // shows; the two values may differ by float32 noise (fast vs reference kernels).
            let allowed = 0.5 * ((xi ? 0 : u) + (yi ? 0 : t)) + 1e-5 * max(v.magnitude, w.magnitude)
            return (v - w).magnitude <= allowed
        default:
            return x == y
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

extension String {
    /// `+05` as `05` (Int() accepts a leading minus but this keeps the intent plain).
    func replacingPlus() -> String { hasPrefix("+") ? String(dropFirst()) : self }
}
