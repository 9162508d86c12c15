import GlassboxLanguage

// MARK: - Reading an exercise block

/// Reads the `key: value` lines of an ```` ```exercise ```` block. A value continues on the
/// following lines that are indented (by two spaces or more; two are removed), so a solution can
/// span several lines:
///
///     solution:
///       W = param(randn(3, 2))
///       y = x @ W'
enum ExerciseParser {
    static let keys = ["id", "prompt", "answer", "expect", "tolerance", "hint", "solution"]
    static let required = ["id", "prompt", "answer", "expect", "solution"]

    static func parse(_ lines: [Substring], firstLine: Int, fenceLine: Int, file: String) throws(LessonError) -> Exercise {
        func error(_ line: Int, _ message: String) -> LessonError { LessonError(.format, file: file, line: line, message) }

        // 1. Group the lines into (key, value, line) entries.
        var entries: [(key: String, value: [Substring], line: Int)] = []
        for (offset, line) in lines.enumerated() {
            let number = firstLine + offset
            if line.allSatisfy(\.isWhitespace) {
                if !entries.isEmpty { entries[entries.count - 1].value.append("") }
                continue
            }
            if line.hasPrefix("  ") || line.hasPrefix("\t") {
                guard !entries.isEmpty else { throw error(number, "an indented line continues a value, but no `key:` comes before it") }
                let content = line.hasPrefix("\t") ? line.dropFirst() : line.dropFirst(2)
                entries[entries.count - 1].value.append(content)
                continue
            }
            guard let colon = line.firstIndex(of: ":") else {
                throw error(number, "expected `key: value`, found `\(line.trimmingWhitespace())` (keys: \(keys.joined(separator: ", ")); a value continues on lines indented by two spaces)")
            }
            let key = line[..<colon].trimmingWhitespace()
            guard isIdentifierLike(key, allowDash: false) else {
                throw error(number, "expected `key: value`, found `\(line.trimmingWhitespace())` (a value continues on lines indented by two spaces)")
            }
            guard keys.contains(key) else {
                let hint = Suggestions.closest(to: key, among: keys).map { "; did you mean `\($0)`?" } ?? " (keys: \(keys.joined(separator: ", ")))"
                throw error(number, "unknown exercise key `\(key)`\(hint)")
            }
            if key != "hint", let earlier = entries.first(where: { $0.key == key }) {
                throw error(number, "`\(key)` appears twice in this exercise (first on line \(earlier.line)); only `hint` may repeat")
            }
            let value = line[line.index(after: colon)...].trimmingWhitespace()
            // `key: |` (YAML's block marker, a common habit) also starts a value on the next line.
            let starts = value.isEmpty || value == "|" || value == ">"
            entries.append((key, starts ? [] : [Substring(value)], number))
        }

        // 2. Every value as text: lines joined, blank lines at either end dropped.
        var values: [String: (text: String, line: Int)] = [:]
        var hints: [String] = []
        for entry in entries {
            let text = NotebookParser.trimmedLines(entry.value)
            guard !text.isEmpty else { throw error(entry.line, "`\(entry.key):` has no value") }
            if entry.key == "hint" { hints.append(text) } else { values[entry.key] = (text, entry.line) }
        }
        for key in required where values[key] == nil {
            throw error(fenceLine, "this exercise has no `\(key):` line (every exercise needs \(required.map { "`\($0)`" }.joined(separator: ", ")))")
        }
        guard let id = values["id"], let prompt = values["prompt"], let answer = values["answer"],
              let expect = values["expect"], let solution = values["solution"] else {
            throw error(fenceLine, "incomplete exercise")
        }

        // 3. Check the values that have a form.
        guard isIdentifierLike(id.text, allowDash: true) else {
            throw error(id.line, "exercise id `\(id.text)` must be one word (letters, digits, `-`, `_`)")
        }
        guard isIdentifierLike(answer.text, allowDash: false) else {
            throw error(answer.line, "`answer:` is the name of the variable the learner defines, not `\(answer.text)` (to check an expression, write it in `expect:`)")
        }
        var tolerance = Tolerance.standard
        if let t = values["tolerance"] {
            if t.text == "exact" {
                tolerance = .exact
            } else if let value = Double(t.text), value.isFinite, value >= 0 {
                tolerance = value == 0 ? .exact : .within(value)
            } else {
                throw error(t.line, "`tolerance:` must be `exact` or a number ≥ 0 such as 1e-4, not `\(t.text)`")
            }
        }
        return Exercise(id: id.text, prompt: prompt.text, answer: answer.text, expect: expect.text,
                        tolerance: tolerance, hints: hints, solution: solution.text, line: fenceLine)
    }

    /// Letters (any script), digits and `_` (and `-` when allowed), not starting with a digit.
    static func isIdentifierLike(_ text: String, allowDash: Bool) -> Bool {
        guard let first = text.unicodeScalars.first, first.properties.isAlphabetic || first == "_" || (allowDash && ("0"..."9").contains(first)) else {
            return false
        }
        return text.unicodeScalars.allSatisfy {
            $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || (allowDash && $0 == "-")
        }
    }
}
