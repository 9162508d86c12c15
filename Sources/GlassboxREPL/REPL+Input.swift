import GlassboxLanguage

// MARK: - Reading a cell

extension REPL {
    enum CellInput {
        /// A complete cell (or a command), and the line it started on.
        case cell(String, startLine: Int)
        /// Ctrl-C at a prompt.
        case interrupted
        /// Ctrl-D or the end of the script.
        case end
    }

    /// Reads lines until they form a complete cell: the language decides (an open bracket or
    /// brace, or a trailing operator, asks for more, under a `...:` prompt). A `:command` or
    /// `?help` line is complete on its own.
    func readCell() -> CellInput {
        var lines: [String] = []
        let startLine = linesRead + 1
        while true {
            let prompt: Prompt
            if isNotebook, lines.isEmpty, promptsShown > 0 {
                output.write("\n")   // a blank line between cells, as IPython leaves
            }
            if isNotebook {
                if lines.isEmpty { promptsShown += 1 }
                prompt = lines.isEmpty ? renderer.inputPrompt(cell: cellNumber) : renderer.continuationPrompt(cell: cellNumber)
            } else {
                prompt = .none
            }
            let offered = lines.isEmpty ? notebook.offer() : nil   // an open lesson's cell
            let prefill = lines.isEmpty ? pendingPrefill ?? offered : autoIndent(after: lines)
            if lines.isEmpty { pendingPrefill = nil }
            switch reader.readLine(prompt: prompt, prefill: prefill) {
            case .endOfInput:
                // An unfinished cell at the end still runs, so its error is reported.
                return lines.isEmpty ? .end : .cell(lines.joined(separator: "\n"), startLine: startLine)
            case .interrupted:
                return .interrupted
            case .line(let text):
                linesRead += text.reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
                lines.append(text)
                if lines.count == 1 {
                    let trimmed = text.trimmingWhitespace()
                    if trimmed.hasPrefix(":") || helpRequest(trimmed) != nil || trimmed.isEmpty {
                        return .cell(text, startLine: startLine)
                    }
                }
                let source = lines.joined(separator: "\n")
                if case .incomplete = Session.completeness(of: source) { continue }
                return .cell(source, startLine: startLine)
            }
        }
    }

    /// At a terminal, a continued line starts indented four spaces per bracket or brace still
    /// open, as IPython indents the body of a block.
    func autoIndent(after lines: [String]) -> String? {
        guard reader is EditLineReader else { return nil }
        let depth = REPL.openBracketDepth(lines.joined(separator: "\n"))
        return depth > 0 ? String(repeating: " ", count: 4 * depth) : nil
    }

    /// Brackets, parentheses and braces opened and not yet closed, outside strings and comments.
    static func openBracketDepth(_ source: String) -> Int {
        var depth = 0
        var inString = false, escaped = false, inComment = false
        for c in source {
            if inComment {
                if c == "\n" { inComment = false }
            } else if inString {
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
            } else {
                switch c {
                case "\"": inString = true
                case "#": inComment = true
                case "(", "[", "{": depth += 1
                case ")", "]", "}": depth = max(0, depth - 1)
                default: break
                }
            }
        }
        return depth
    }
}
