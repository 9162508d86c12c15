import GlassboxLanguage
import GlassboxTensors

// MARK: - Style

/// ANSI colours, or none: every styled string goes through here, so `NO_COLOR` and pipes turn
/// colour off in one place.
public struct Style: Sendable {
    public var enabled: Bool

    public init(enabled: Bool) { self.enabled = enabled }

    public static let plain = Style(enabled: false)

    func paint(_ text: String, _ code: String) -> String {
        enabled && !text.isEmpty ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    func inPrompt(_ text: String) -> String { paint(text, "32") }        // green, as IPython
    func inNumber(_ text: String) -> String { paint(text, "1;32") }
    func outPrompt(_ text: String) -> String { paint(text, "31") }       // red, as IPython
    func outNumber(_ text: String) -> String { paint(text, "1;31") }
    func error(_ text: String) -> String { paint(text, "1;31") }
    func caret(_ text: String) -> String { paint(text, "31") }
    func note(_ text: String) -> String { paint(text, "36") }
    func header(_ text: String) -> String { paint(text, "2") }           // dim: shape lines
    func heading(_ text: String) -> String { paint(text, "1") }
    func name(_ text: String) -> String { paint(text, "1") }
}

// MARK: - Renderer

/// Turns everything the REPL shows into text: prompts, values, errors, help. The plain-text
/// form of a value comes from the language (`ValueFormatter`, which lessons compare against);
/// the renderer places it after `Out[n]:` and adds colour.
public struct Renderer {
    /// Colour for what goes to standard output.
    public var style: Style
    /// Colour for diagnostics: the same as `style` in the notebook, where errors go to standard
    /// output; standard error's own in scripts.
    public var errorStyle: Style
    /// Columns available for a tensor's rows.
    public var lineWidth: Int

    public init(style: Style, lineWidth: Int = 80) {
        self.style = style
        self.errorStyle = style
        self.lineWidth = lineWidth
    }

    // MARK: Prompts

    /// `In [3]: `
    public func inputPrompt(cell: Int) -> Prompt {
        let plain = "In [\(cell)]: "
        let styled = style.inPrompt("In [") + style.inNumber("\(cell)") + style.inPrompt("]:") + " "
        return Prompt(plain: plain, styled: styled)
    }

    /// `   ...: `, as wide as the cell's `In [n]: ` so continued lines line up.
    public func continuationPrompt(cell: Int) -> Prompt {
        let width = "In [\(cell)]: ".count
        let dots = String(repeating: " ", count: max(0, width - 5)) + "...: "
        return Prompt(plain: dots, styled: style.inPrompt(String(dots.dropLast())) + " ")
    }

    /// `Out[3]: ` followed by the value; a tensor's shape line stays on the `Out` line and its
    /// rows follow, unindented, as IPython shows arrays.
    public func output(_ value: Value, cell: Int, precision: Int) -> String {
        let prefix = style.outPrompt("Out[") + style.outNumber("\(cell)") + style.outPrompt("]:") + " "
        return prefix + self.value(value, precision: precision)
    }

    // MARK: Values

    /// The language's plain-text form of `value`, with its shape line dimmed.
    public func value(_ value: Value, precision: Int) -> String {
        var formatter = ValueFormatter(precision: precision)
        formatter.lineWidth = max(20, lineWidth)
        let text = formatter.format(value)
        guard style.enabled, case .tensor(let tensor) = value, let header = formatter.header(tensor),
              text.hasPrefix(header + "\n")
        else { return text }
        return style.header(header) + text.dropFirst(header.count)
    }

    // MARK: Diagnostics

    /// The language's one formatter (message, source line, caret), coloured: `error:` red, the
    /// caret line red, `note:` cyan. `cellName` names the cell being run: an error inside it
    /// needs no location prefix unless the cell has several lines; one inside a function from
    /// an earlier cell gets `In [2]:3:5:`.
    public func diagnostic(_ diagnostic: Diagnostic, cellName: String?) -> String {
        let current = diagnostic.source.name == cellName ? diagnostic.source : nil
        return colouring(diagnostic.formatted(relativeTo: current))
    }

    /// Colours a formatted diagnostic line by line.
    func colouring(_ text: String) -> String {
        let style = errorStyle
        guard style.enabled else { return text }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            if let start = line.indices.first(where: { line[$0...].hasPrefix("error:") }),
               !line[..<start].contains(" ") {
                return line[..<start] + style.error("error:") + line[start...].dropFirst(6)
            }
            if line.hasPrefix("note:") { return style.note("note:") + line.dropFirst(5) }
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
            if !trimmed.isEmpty, trimmed.allSatisfy({ $0 == "^" || $0 == "~" }) {
                return String(line.prefix(line.count - trimmed.count)) + style.caret(String(trimmed))
            }
            return String(line)
        }
        return lines.joined(separator: "\n")
    }

    /// A problem with a REPL command (not with code): `error: unknown command `:foo``.
    public func problem(_ message: String) -> String {
        errorStyle.error("error:") + " " + message
    }
}
