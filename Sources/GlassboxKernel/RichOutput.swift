import Foundation
import GlassboxLanguage
import GlassboxLessons
import GlassboxREPL
import GlassboxWalkthroughs

// MARK: - MIME bundles

/// The MIME bundle a value is shown with (spec 5.3, "Display Data"): always `text/plain`, the
/// very text `glassbox run` prints for it (so lessons compare alike); pictures also as
/// `image/svg+xml`, explanations also as `text/markdown` (the steps with their formulas) and
/// `application/json` (the trace record `--json` writes).
struct RichOutput {
    var data: JSONValue
    var plainText: String

    static func bundle(_ value: Value, repl: REPL, cell: Int) -> RichOutput {
        let plain = repl.walkthroughText(value) ?? repl.renderer.value(value, precision: repl.session.precision)
        var data: [(String, JSONValue)] = [("text/plain", .string(plain))]
        switch value {
        case .plot(let plot):
            data.append(("image/svg+xml", .string(plot.svg())))
        case .explanation(let e):
            data.append(("text/markdown", .string(e.markdown(session: repl.session, precision: repl.session.precision))))
            if let trace = try? JSONValue.parse(TraceJSON.line(e, cell: cell, session: repl.session)) {
                data.append(("application/json", trace))
            }
        default:
            break
        }
        return RichOutput(data: .object(data), plainText: plain)
    }
}

// MARK: - Explanations as Markdown

extension Explanation {
    /// The steps in Markdown, under their groups' headings (`node 2 · tanh`, an LSTM cell's
    /// source line): each step's name, its formula as code and a few words on it, then its
    /// value in a code block (and its heatmap as an SVG image, for a step that has one); the
    /// cut-short note at the end, as the terminal shows it.
    func markdown(session: Session, precision: Int) -> String {
        let w = Walkthrough(self, session: session)
        var formatter = ValueFormatter(precision: precision)
        formatter.lineWidth = 100
        var lines = ["**explain** `\(w.expression.replacingBackticks())` · \(w.steps.count) step\(w.steps.count == 1 ? "" : "s")"]
        var group: Int? = nil
        for step in w.steps {
            if let g = step.group, g != group, g < w.groups.count {
                lines.append("")
                lines.append("**\(Self.escaped(w.groups[g].title))**" + w.groups[g].lines.map { "  \n*\(Self.escaped($0))*" }.joined())
                lines.append("")
                group = g
            }
            var head = "- **\(Self.escaped(step.name))**"
            if !step.formula.isEmpty { head += " `\(step.formula.replacingBackticks())`" }
            if let note = step.note { head += " — " + Self.escaped(note) }
            lines.append(head)
            if let tensor = step.value {
                lines.append("  ```")
                for row in formatter.format(.tensor(tensor)).split(separator: "\n", omittingEmptySubsequences: false) {
                    lines.append("  " + row)
                }
                lines.append("  ```")
                if let title = step.picture, tensor.rank == 2,
                   let plot = PlotValue(rows: tensor.shape[0], columns: tensor.shape[1], matrix: tensor.toArray(), title: title) {
                    // The step's heatmap as an SVG image (JupyterLab shows data: images in Markdown).
                    let svg = Data(plot.svg().utf8).base64EncodedString()
                    lines.append("")
                    lines.append("  ![\(Self.escaped(title))](data:image/svg+xml;base64,\(svg))")
                }
            }
        }
        for line in w.cutLines { lines.append(""); lines.append("*" + Self.escaped(line) + "*") }
        return lines.joined(separator: "\n")
    }

    /// Markdown's emphasis and HTML characters, escaped so that names show as written.
    static func escaped(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "*", "_", "<", ">", "`", "|", "\\", "[", "]": out += "\\\(c)"
            default: out.append(c)
            }
        }
        return out
    }
}

extension String {
    /// Backticks would end an inline code span; a formula never needs them.
    func replacingBackticks() -> String { String(map { $0 == "`" ? "'" : $0 }) }
}
