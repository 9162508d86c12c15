// MARK: - "Did you mean …?"

/// The one source of "did you mean" hints: unknown names and keywords in the language, unknown
/// `:commands` and walkthroughs in the REPL, unknown keys in a lesson's exercise block.

public enum Suggestions {
    /// The known name closest to `name`, if it is close enough to be a likely typo.
    ///
    /// Distance is Damerau–Levenshtein (optimal string alignment: insertions, deletions,
    /// substitutions and swaps of neighbours each cost 1), compared case-insensitively. Accepted
    /// when the distance is 0 for names of 1–2 characters (`X` → `x`), at most 1 up to 4
    /// characters, 2 up to 8, and 3 beyond. Ties go to the shorter name, then alphabetical.
    public static func closest(to name: String, among candidates: some Sequence<String>) -> String? {
        guard name.count <= 64 else { return nil }
        let target = Array(name.lowercased())
        let limit = target.count <= 2 ? 0 : target.count <= 4 ? 1 : target.count <= 8 ? 2 : 3
        var best: (name: String, distance: Int)? = nil
        for candidate in candidates where candidate != name {
            let c = Array(candidate.lowercased())
            if abs(c.count - target.count) > limit { continue }
            let d = distance(target, c)
            guard d <= limit else { continue }
            if let b = best {
                if d < b.distance || (d == b.distance && (candidate.count, candidate) < (b.name.count, b.name)) {
                    best = (candidate, d)
                }
            } else {
                best = (candidate, d)
            }
        }
        return best?.name
    }

    /// Optimal-string-alignment distance between two character arrays, in O(|a|·|b|) time and
    /// three rows of O(|b|) memory (a lesson compares cells of a few thousand characters).
    public static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var twoBack = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var v = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    v = min(v, twoBack[j - 2] + 1)
                }
                current[j] = v
            }
            (twoBack, previous, current) = (previous, current, twoBack)
        }
        return previous[b.count]
    }
}
