// MARK: - "Did you mean …?"

enum Suggestions {
    /// The known name closest to `name`, if it is close enough to be a likely typo.
    ///
    /// Distance is Damerau–Levenshtein (optimal string alignment: insertions, deletions,
    /// substitutions and swaps of neighbours each cost 1), compared case-insensitively. Accepted
    /// when the distance is 0 for names of 1–2 characters (`X` → `x`), at most 1 up to 4
    /// characters, 2 up to 8, and 3 beyond. Ties go to the shorter name, then alphabetical.
    static func closest(to name: String, among candidates: some Sequence<String>) -> String? {
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

    /// Optimal-string-alignment distance between two character arrays.
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        let width = b.count + 1
        var d = [Int](repeating: 0, count: (a.count + 1) * width)
        for i in 0...a.count { d[i * width] = i }
        for j in 0...b.count { d[j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var v = min(d[(i - 1) * width + j] + 1, d[i * width + j - 1] + 1, d[(i - 1) * width + j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    v = min(v, d[(i - 2) * width + j - 2] + 1)
                }
                d[i * width + j] = v
            }
        }
        return d[a.count * width + b.count]
    }
}
