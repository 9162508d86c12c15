import GlassboxLanguage

// MARK: - The REPL's pieces for other front ends

/// What a front end that shows results its own way (the Jupyter kernel) takes from the REPL, so
/// that a cell behaves there as it does at the prompt: the same numbering and `_`, `Out`
/// bindings, the same `:commands` and `?name` help, the same completion and the same text for
/// values, explanations and pictures.
extension REPL {
    /// Runs `source` as cell `In [n]`: numbers it, runs it in the session and binds `_`, `_n`
    /// and `Out` as the notebook does. Nothing is shown: the caller presents the result. What
    /// `print` writes meanwhile still goes to the output sink, line by line.
    public func runCell(_ source: String) -> (number: Int, result: CellResult) {
        let cell = cellNumber
        cellNumber += 1
        runningCell = cell
        let result = session.run(source, name: "In [\(cell)]")
        remember(result.lastValue ?? .none, cell: cell)
        return (cell, result)
    }

    /// Whether `source` is a `:command` or a `?name` help request rather than code.
    public func isCommandOrHelp(_ source: String) -> Bool {
        let trimmed = source.trimmingWhitespace()
        return trimmed.hasPrefix(":") || helpRequest(trimmed) != nil
    }

    /// Runs a `:command` or `?name` line as the prompt does; its text goes to the output sink,
    /// a problem with it to the error sink.
    public func runCommandOrHelp(_ source: String) {
        handle(source, startLine: 1)
    }

    /// What `?name` shows for a variable, user function or built-in; nil when nothing has
    /// that name.
    public func helpText(for name: String) -> String? { help(for: name) }

    /// Tab's answer for the text before the cursor: variables, built-ins, keywords,
    /// attributes after `.`, and `:commands`.
    public func complete(_ textBeforeCursor: String) -> Completion {
        completionSource().complete(textBeforeCursor)
    }

    /// An explanation or a picture as the REPL writes it (the steps one after another, without
    /// pausing; the braille chart or shaded grid); nil for any other value.
    public func walkthroughText(_ value: Value) -> String? {
        switch value {
        case .explanation(let e): return explanationBlocks(e).joined(separator: "\n")
        case .plot(let p): return pictureText(p)
        default: return nil
        }
    }

    /// The four spaces per bracket or brace still open at the end of `source`, which a continued
    /// line starts with.
    public static func indent(after source: String) -> String {
        String(repeating: " ", count: 4 * openBracketDepth(source))
    }
}
