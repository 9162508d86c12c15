import GlassboxLanguage
import GlassboxWalkthroughs
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Walkthroughs in the REPL: explain, pictures, :step, :walk

extension REPL {
    /// `:step on|off` and `:walk [NAME]`.
    static func walkthroughCommands() -> [REPLCommand] {
        [
            REPLCommand(name: "step", arguments: "[on|off]",
                        help: "pause after each step of explain (Enter: next, c: continue, q: stop); off by default") { repl, argument in
                switch argument.lowercased() {
                case "on": repl.stepMode = true
                case "off": repl.stepMode = false
                case "": break
                default: return repl.problem("`:step` takes `on` or `off`, got `\(argument)`")
                }
                repl.say("Step mode is \(repl.stepMode ? "on: explain pauses after each step" : "off").")
            },
            REPLCommand(name: "walk", arguments: "[NAME]",
                        help: "guided walkthroughs: forward, backward, gd, adam, rnn, lstm, attention") { repl, argument in
                repl.walk(argument)
            },
        ]
    }

    /// How walkthroughs and pictures should look on this output.
    var walkthroughOptions: RenderOptions {
        RenderOptions(precision: session.precision, lineWidth: renderer.lineWidth,
                      unicode: unicode, colour: renderer.style.enabled)
    }

    /// Shows an explanation or a picture its own way; false for any other value.
    func presentWalkthroughValue(_ value: Value) -> Bool {
        switch value {
        case .explanation(let e):
            play(explanationBlocks(e), pausing: stepMode)
            return true
        case .plot(let p):
            output.write(pictureText(p) + "\n")
            return true
        default:
            return false
        }
    }

    /// An explanation as the blocks step mode pauses between: the header with the first step,
    /// then one block per step, the footer with the last.
    func explanationBlocks(_ e: Explanation) -> [String] {
        let renderer = ExplainRenderer(options: walkthroughOptions)
        let w = Walkthrough(e, session: session)
        var blocks = [renderer.header(w)] + renderer.units(w)
        if let footer = renderer.footer(w) {
            if blocks.count > 1 { blocks[blocks.count - 1] += "\n" + footer } else { blocks.append(footer) }
        }
        // The header and the first step come together; pauses follow each later step.
        if blocks.count > 1 { blocks[1] = blocks[0] + "\n" + blocks[1]; blocks.removeFirst() }
        return blocks
    }

    /// A plot or heatmap drawn in text (braille dots, shaded cells).
    func pictureText(_ p: PlotValue) -> String {
        Pictures.render(p, options: walkthroughOptions)
    }

    /// The `--json` line for a value: an explanation becomes its trace record (Docs/WALKTHROUGHS.md, "JSON").
    func jsonLine(_ value: Value, cell: Int) -> String? {
        if case .explanation(let e) = value { return TraceJSON.line(e, cell: cell, session: session) }
        return JSON.cellValue(value, cell: cell)
    }

    /// `:walk` lists the guided walkthroughs; `:walk NAME` runs one in a fresh session (your
    /// variables are untouched), pausing between pages when a person is at the terminal.
    func walk(_ argument: String) {
        guard !argument.isEmpty else { return say(GuidedWalks.list()) }
        guard let walk = GuidedWalks.named(argument) else {
            let hint = Suggestions.closest(to: argument, among: GuidedWalks.all.map(\.name)).map { "; did you mean `\($0)`?" }
                ?? "; `:walk` lists them"
            return problem("no walkthrough called `\(argument)`" + hint)
        }
        let (blocks, _) = WalkRunner(options: walkthroughOptions).run(walk)
        // Pages always pause (at a terminal); the steps of an explain inside only in step mode.
        var merged: [String] = []
        for block in blocks {
            if block.kind == .step && !stepMode, !merged.isEmpty {
                merged[merged.count - 1] += "\n" + block.text
            } else {
                merged.append(block.text)
            }
        }
        play(merged, pausing: true, unit: stepMode ? "step" : "page")
    }

    /// Writes blocks one after another; at a terminal and when `pausing`, waits after each but
    /// the last for Enter (next), `c` (the rest without pausing) or `q` (stop).
    func play(_ blocks: [String], pausing: Bool, unit: String = "step") {
        let interactive = pausing && isNotebook && reader.isInteractive
        let sink = presentation == .json ? errors : output
        StepPlayer.play(blocks, write: { sink.write($0 + "\n") }, ask: interactive ? { [self] index, count in
            output.flush()
            let prompt = StepPlayer.prompt(after: index, of: count, unit: unit, unicode: unicode)
            switch reader.readLine(prompt: Prompt(plain: prompt, styled: renderer.style.note(prompt))) {
            case .line(let reply): return StepDecision(reply: reply)
            case .interrupted, .endOfInput: return .stop
            }
        } : nil)
    }
}

extension Terminal {
    /// Whether to draw with Unicode (braille, shades, σ ⊙ ᵀ): yes unless the locale names a
    /// character set other than UTF-8 (`LANG=C`, `…ISO-8859-1`) or the terminal is the Linux
    /// console, which has no braille glyphs. With no locale set at all, a modern UTF-8 terminal
    /// is assumed. `GLASSBOX_ASCII=1` forces ASCII.
    static func prefersUnicode(environment: [String: String]? = nil) -> Bool {
        let env: (String) -> String? = { name in
            if let environment { return environment[name] }
            guard let value = getenv(name) else { return nil }
            return String(cString: value)
        }
        if let ascii = env("GLASSBOX_ASCII"), !ascii.isEmpty, ascii != "0" { return false }
        if env("TERM") == "linux" { return false }
        guard let locale = ["LC_ALL", "LC_CTYPE", "LANG"].lazy.compactMap(env).first(where: { !$0.isEmpty }) else {
            return true
        }
        let lower = locale.lowercased()
        return lower.contains("utf-8") || lower.contains("utf8")
    }
}
