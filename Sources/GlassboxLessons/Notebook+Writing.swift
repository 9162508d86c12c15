// MARK: - Writing the Markdown format

extension Notebook {
    /// The notebook in the lesson format: what `:save FILE.md` writes and `Notebook.parse`
    /// reads back to the same notebook.
    public func markdown() -> String {
        var parts: [String] = []
        if !frontMatter.isEmpty { parts.append(Self.frontMatterText(frontMatter)) }
        parts.append(contentsOf: introduction.map(Self.text(of:)))
        for section in sections {
            parts.append("## " + section.title)
            parts.append(contentsOf: section.blocks.map(Self.text(of:)))
        }
        return parts.joined(separator: "\n\n") + "\n"
    }

    static func frontMatterText(_ f: FrontMatter) -> String {
        var lines = ["---"]
        if let title = f.title { lines.append("title: " + yamlScalar(title)) }
        if let lesson = f.lesson { lines.append("lesson: \(lesson)") }
        if let summary = f.summary { lines.append("summary: " + yamlScalar(summary)) }
        if !f.sources.isEmpty {
            lines.append("sources:")
            lines.append(contentsOf: f.sources.map { "  - " + yamlScalar($0) })
        }
        for field in f.fields { lines.append(field.key + ": " + yamlScalar(field.value)) }
        lines.append("---")
        return lines.joined(separator: "\n")
    }

    /// A value as YAML reads it back unchanged: plain when safe, else double-quoted (GitHub
    /// renders front matter as YAML, where `a: b` inside a plain value is an error).
    static func yamlScalar(_ value: String) -> String {
        let risky = value.isEmpty || value.contains(": ") || value.contains(" #") || value.hasSuffix(":")
            || value.first.map { "\"'-#&*!|>%@`[]{},?:".contains($0) || $0.isWhitespace } == true
            || value.last?.isWhitespace == true
        guard risky else { return value }
        return "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    static func text(of block: Block) -> String {
        switch block {
        case .prose(let prose):
            return prose.text
        case .cell(let cell):
            var text = fenced(cell.source, info: cell.kind == .setup ? "glassbox setup" : "glassbox")
            if let output = cell.output { text += "\n\n" + fenced(output.text, info: "output") }
            return text
        case .exercise(let e):
            var lines: [String] = []
            func add(_ key: String, _ value: String) {
                if value.contains("\n") {
                    lines.append(key + ":")
                    lines.append(contentsOf: value.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "  " + $0 })
                } else {
                    lines.append(key + ": " + value)
                }
            }
            add("id", e.id)
            add("prompt", e.prompt)
            add("answer", e.answer)
            add("expect", e.expect)
            if e.tolerance != .standard { add("tolerance", e.tolerance.description) }
            for hint in e.hints { add("hint", hint) }
            add("solution", e.solution)
            return fenced(lines.joined(separator: "\n"), info: "exercise")
        }
    }

    /// `text` between fences longer than any run of backticks inside it.
    static func fenced(_ text: String, info: String) -> String {
        var longest = 0, run = 0
        for c in text {
            if c == "`" { run += 1; longest = max(longest, run) } else { run = 0 }
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return fence + info + "\n" + text + "\n" + fence
    }
}

extension String {
    /// Every occurrence of `target` replaced (no Foundation here).
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            out += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return out + rest
    }
}
