import GlassboxLanguage
import GlassboxTensors

// MARK: - Options shared by everything that draws

/// How the terminal wants text: its width, whether it shows UTF-8 and colour, and the precision
/// the notebook is set to.
public struct RenderOptions: Sendable {
    /// Digits after the decimal point (`:precision N`).
    public var precision: Int
    /// Columns available.
    public var lineWidth: Int
    /// False on a terminal that is not UTF-8: formulas and pictures are spelled in ASCII.
    public var unicode: Bool
    /// ANSI colour (never with `NO_COLOR` or in a pipe; the REPL decides).
    public var colour: Bool
    /// Tensors with at most this many elements are shown in full; larger ones are summarized.
    public var fullLimit: Int

    public init(precision: Int = 4, lineWidth: Int = 80, unicode: Bool = true, colour: Bool = false, fullLimit: Int = 64) {
        self.precision = precision
        self.lineWidth = max(40, lineWidth)
        self.unicode = unicode
        self.colour = colour
        self.fullLimit = max(1, fullLimit)
    }
}

/// ANSI styling, or none.
struct Paint {
    let enabled: Bool
    func apply(_ text: String, _ code: String) -> String { enabled && !text.isEmpty ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
    func bold(_ text: String) -> String { apply(text, "1") }
    func dim(_ text: String) -> String { apply(text, "2") }
    func heading(_ text: String) -> String { apply(text, "1;36") }
    func name(_ text: String) -> String { apply(text, "1;33") }
}

// MARK: - A walkthrough as text

/// Lays out a walkthrough for the terminal:
///
///     explain sigmoid(x) * 2 + 1 · 3 steps
///
///     [1] sigmoid  σ(x)                                 ← sigmoid(x)
///                  [0.7311, 0.1192]
///     [2] mul      σ(x)·2                               ← sigmoid(x) * 2
///                  [1.4621, 0.2384]
///
/// The text is cut into units (`Walkthrough.units`) so that `:step on` can pause between them.
public struct ExplainRenderer {
    public var options: RenderOptions
    /// Also draw a heatmap of attention weights under the `weights` step (guided walks do).
    public var pictures: Bool

    public init(options: RenderOptions = RenderOptions(), pictures: Bool = false) {
        self.options = options
        self.pictures = pictures
    }

    var paint: Paint { Paint(enabled: options.colour) }

    /// Everything, as one text (no trailing newline).
    public func render(_ w: Walkthrough) -> String {
        ([header(w)] + units(w) + [footer(w)].compactMap { $0 }).joined(separator: "\n")
    }

    /// `explain EXPR · N steps`.
    public func header(_ w: Walkthrough) -> String {
        let count = w.steps.count + w.omitted
        let cut = w.truncation != nil ? separator + "cut short" : ""
        return paint.bold("explain ") + text(w.expression) + paint.dim(separator + countText(count, "step") + cut)
    }

    /// One block of text per unit: its group heading when it starts a group, then its steps.
    public func units(_ w: Walkthrough) -> [String] {
        let columns = Columns(w)
        var lastGroup: Int? = nil
        var out: [String] = []
        for unit in w.units {
            var lines: [String] = []
            for i in unit {
                let step = w.steps[i]
                if let g = step.group, g != lastGroup, g < w.groups.count {
                    lines += groupLines(w.groups[g])
                }
                lastGroup = step.group
                lines += stepLines(step, columns, grouped: step.group != nil)
            }
            out.append(lines.joined(separator: "\n"))
        }
        return out
    }

    /// What EXPR evaluated to, and why and where the steps end early when they do
    /// (`Walkthrough.cutLines`); nil when there is nothing to say.
    public func footer(_ w: Walkthrough) -> String? {
        var lines: [String] = []
        for line in w.cutLines {
            lines.append(line.hasPrefix("…") ? paint.dim(text(line)) : paint.bold(text(line)))
        }
        switch w.value {
        case .tensor(let t):
            if let last = w.steps.last(where: { $0.kind == .op || $0.kind == .named }), last.value === t, let n = last.number {
                lines.append(paint.bold("result") + " = [\(n)]")
            } else {
                lines.append(paint.bold("result") + " " + paint.dim(TensorDisplay.shape(t)))
                lines += display.lines(t, indent: 2).map { "  " + $0 }
            }
        case .tuple(let items):
            let names = items.map { item -> String in
                if case .tensor(let t) = item, let s = w.steps.last(where: { $0.value === t && $0.kind != .op }) { return s.name }
                if case .tensor(let t) = item, let s = w.steps.last(where: { $0.value === t }), let n = s.number { return "[\(n)]" }
                return ValueFormatter(precision: options.precision).format(item)
            }
            lines.append(paint.bold("result") + " = (" + names.joined(separator: ", ") + ")")
        default:
            break
        }
        return lines.isEmpty ? nil : lines.joined(separator: "\n")
    }

    // MARK: Pieces

    var display: TensorDisplay {
        TensorDisplay(precision: options.precision, lineWidth: options.lineWidth, fullLimit: options.fullLimit)
    }

    /// Column widths shared by every step of a walkthrough.
    struct Columns {
        let number: Int
        let name: Int
        init(_ w: Walkthrough) {
            let largest = w.steps.compactMap(\.number).max() ?? 0
            number = largest == 0 ? 0 : "[\(largest)] ".count
            let names = w.steps.map { $0.name.count }
            name = min(12, names.max() ?? 0) + 2
        }
    }

    func groupLines(_ g: Group) -> [String] {
        var lines = [paint.heading(text("── " + g.title))]
        for line in g.lines {
            lines += wrap(text(line), width: options.lineWidth - 3).map { "   " + paint.dim($0) }
        }
        return lines
    }

    func stepLines(_ step: Step, _ c: Columns, grouped: Bool) -> [String] {
        // Spell everything for the terminal first, so that widths are measured as shown.
        let numberText = step.number.map { "[\($0)]" } ?? ""
        let prefix = pad(numberText, c.number) + (step.number == nil && c.number == 0 ? "   " : "")
        let nameText = text(step.name), formula = text(step.formula), right = text(rightText(step, grouped: grouped))
        let nameWidth = max(c.name, nameText.count + 1)
        let head = prefix + (step.kind == .local ? paint.dim(nameText) : paint.name(nameText))
            + String(repeating: " ", count: nameWidth - nameText.count)
        let indent = prefix.count + nameWidth
        var lines: [String] = []
        let left = head + formula
        let leftWidth = indent + formula.count
        if right.isEmpty {
            lines.append(left)
        } else if leftWidth + 3 + right.count <= options.lineWidth {
            let column = max(leftWidth + 3, min(options.lineWidth - right.count, indent + 44))
            lines.append(left + String(repeating: " ", count: column - leftWidth) + paint.dim(right))
        } else {
            lines.append(left)
            lines.append(String(repeating: " ", count: indent) + paint.dim(right))
        }
        let pad = String(repeating: " ", count: indent)
        if !step.terms.isEmpty, let total = step.value {
            let width = max(step.terms.map { $0.label.count }.max() ?? 0, 3) + 2
            for term in step.terms + [("sum", total)] {
                let body = display.lines(term.1, indent: indent + width)
                for (k, line) in body.enumerated() {
                    let label = k == 0 ? term.0 + String(repeating: " ", count: width - term.0.count) : String(repeating: " ", count: width)
                    lines.append(pad + paint.dim(text(label)) + text(line))
                }
            }
        } else if let value = step.value {
            lines += display.lines(value, indent: indent).map { pad + text($0) }
            if let title = step.picture, value.rank == 2 {
                lines += picture(value, title: title).split(separator: "\n", omittingEmptySubsequences: false).map { pad + String($0) }
            } else if pictures, step.kind == .named, step.name == "weights", value.rank >= 2 {
                lines += picture(value, title: "rows: queries, columns: keys").split(separator: "\n", omittingEmptySubsequences: false)
                    .map { pad + String($0) }
            }
        }
        return lines
    }

    /// A heatmap of the first matrix of `t`.
    func picture(_ t: Tensor, title: String) -> String {
        let rows = t.shape[t.rank - 2], columns = t.shape[t.rank - 1]
        let data = Array(t.toArray().prefix(rows * columns))
        var o = options
        o.lineWidth = max(20, options.lineWidth - 13)
        return Heatmap(rows: rows, columns: columns, data: data, title: title).render(o)
    }

    /// The dim text on the right: an op's source text (and the function it ran in), or a note
    /// and the value's shape.
    func rightText(_ step: Step, grouped: Bool) -> String {
        var parts: [String] = []
        if step.kind == .op, let source = step.source, source != step.formula {
            parts.append("← " + source)
        }
        if let note = step.note { parts.append(note) }
        if let v = step.value, v.rank > 1 { parts.append(TensorDisplay.shape(v)) }
        var out = parts.joined(separator: separator)
        if step.kind == .op, let caller = step.callStack.last { out += " in " + caller }
        return out
    }

    /// The text as the terminal can show it.
    func text(_ s: String) -> String { options.unicode ? s : ASCIIMath.transliterate(s) }

    /// Between the pieces of a note: ` · `, or ` | ` in ASCII (where `·` would read as a product).
    var separator: String { options.unicode ? " · " : " | " }

    func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }
}

/// Words of `text` on lines of at most `width` characters.
func wrap(_ text: String, width: Int) -> [String] {
    var lines: [String] = []
    var line = ""
    for word in text.split(separator: " ", omittingEmptySubsequences: false) {
        if line.isEmpty {
            line = String(word)
        } else if line.count + 1 + word.count <= width {
            line += " " + word
        } else {
            lines.append(line)
            line = String(word)
        }
    }
    if !line.isEmpty { lines.append(line) }
    return lines
}
