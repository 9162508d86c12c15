import GlassboxLanguage

// MARK: - Jupyter export

extension Notebook {
    /// The notebook as Jupyter nbformat 4.5 (what `:export FILE.ipynb` writes): prose becomes
    /// Markdown cells, code cells keep their recorded output as an `execute_result`, setup cells
    /// are code cells with their source hidden, and exercises are Markdown with the hints and the
    /// solution folded away. Every cell has an `id` (required since nbformat 4.5).
    ///
    /// Schema: https://github.com/jupyter/nbformat/blob/main/nbformat/v4/nbformat.v4.5.schema.json
    public func jupyter() -> JSONValue {
        var builder = JupyterBuilder()
        builder.addMarkdown(introduction)
        for section in sections {
            builder.pendingHeading = "## " + section.title
            builder.addMarkdown(section.blocks)
        }
        builder.flushMarkdown()
        var glassbox: [(String, JSONValue)] = [("title", .string(title))]
        if let lesson = frontMatter.lesson { glassbox.append(("lesson", .number(Double(lesson)))) }
        return .object([
            ("cells", .array(builder.cells)),
            ("metadata", .object([
                ("glassbox", .object(glassbox)),
                ("kernelspec", .object([
                    ("display_name", .string("Glassbox")),
                    ("language", .string("glassbox")),
                    ("name", .string("glassbox")),
                ])),
                ("language_info", .object([
                    ("file_extension", .string(".gbx")),
                    ("name", .string("glassbox")),
                ])),
            ])),
            ("nbformat", .number(4)),
            ("nbformat_minor", .number(5)),
        ])
    }
}

/// Collects cells, merging neighbouring prose into one Markdown cell.
struct JupyterBuilder {
    var cells: [JSONValue] = []
    var markdown: [String] = []
    /// A section heading waiting for the section's first Markdown cell.
    var pendingHeading: String? = nil
    var executionCount = 0

    mutating func nextID() -> String { "glassbox-\(cells.count + 1)" }

    mutating func addMarkdown(_ blocks: [Block]) {
        if let heading = pendingHeading {
            flushMarkdown()
            markdown.append(heading)
            pendingHeading = nil
        }
        for block in blocks {
            switch block {
            case .prose(let prose):
                markdown.append(prose.text)
            case .exercise(let e):
                markdown.append(Self.exerciseMarkdown(e))
            case .cell(let cell):
                flushMarkdown()
                addCode(cell)
            }
        }
    }

    mutating func flushMarkdown() {
        guard !markdown.isEmpty else { return }
        let id = nextID()
        cells.append(.object([
            ("cell_type", .string("markdown")),
            ("id", .string(id)),
            ("metadata", .object([])),
            ("source", Self.source(markdown.joined(separator: "\n\n"))),
        ]))
        markdown = []
    }

    mutating func addCode(_ cell: Cell) {
        executionCount += 1
        let id = nextID()
        var outputs: [JSONValue] = []
        if let output = cell.output, !output.text.isEmpty {
            outputs.append(.object([
                ("data", .object([("text/plain", Self.source(output.text))])),
                ("execution_count", .number(Double(executionCount))),
                ("metadata", .object([])),
                ("output_type", .string("execute_result")),
            ]))
        }
        let metadata: JSONValue = cell.kind == .setup
            ? .object([("jupyter", .object([("source_hidden", .bool(true))])), ("tags", .array([.string("setup")]))])
            : .object([])
        cells.append(.object([
            ("cell_type", .string("code")),
            ("execution_count", cell.output == nil ? .null : .number(Double(executionCount))),
            ("id", .string(id)),
            ("metadata", metadata),
            ("outputs", .array(outputs)),
            ("source", Self.source(cell.source)),
        ]))
    }

    static func exerciseMarkdown(_ e: Exercise) -> String {
        var parts = ["**Exercise `\(e.id)`.** \(e.prompt)", "Compute `\(e.answer)`; Glassbox's `:check` compares it with `\(e.expect)` (tolerance \(e.tolerance))."]
        for (i, hint) in e.hints.enumerated() {
            parts.append("<details><summary>Hint \(i + 1)</summary>\n\n\(hint)\n\n</details>")
        }
        parts.append("<details><summary>Solution</summary>\n\n```\n\(e.solution)\n```\n\n</details>")
        return parts.joined(separator: "\n\n")
    }

    /// Jupyter's multi-line string: a list of lines, each but the last ending in a newline.
    static func source(_ text: String) -> JSONValue {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) + "\n" }
        if var last = lines.popLast() {
            last.removeLast()
            if !last.isEmpty { lines.append(last) }
        }
        return .array(lines.map(JSONValue.string))
    }
}
