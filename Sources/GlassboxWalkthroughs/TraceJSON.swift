import GlassboxLanguage
import GlassboxTensors

// MARK: - The `--json` trace record (Docs/WALKTHROUGHS.md, "JSON")

/// `{"cell": 5, "trace": [{"step": "i_t", "formula": "σ(x·W_iiᵀ + b_ii + h·W_hiᵀ + b_hi)",
/// "value": {"shape": [...], "data": [...]}}, ...]}` — one object per step, in order. A step
/// that is only a formula (a backward node's local derivative) has `"value": null`. Steps that
/// ran at a known place add `"source"` (the source text); steps under a heading add `"group"`.
///
/// A trace that ends before EXPR did adds `"truncated": {"after_step": 12, "reason": "bytes",
/// "message": "…"}`: the trace stops after its `after_step`-th item; `reason` is `steps` (a
/// walkthrough shows at most `Walkthrough.maxSteps` steps), `events` or `bytes` (explain's limits
/// on what it records); `message` says it in words, as the terminal does.
public enum TraceJSON {
    /// The line `--json` prints for a cell whose value is an explanation.
    public static func line(_ w: Walkthrough, cell: Int) -> String {
        "{\"cell\": \(cell), \"trace\": \(trace(w))\(truncated(w))}"
    }

    /// `, "truncated": {…}` when the trace ends early; empty otherwise.
    static func truncated(_ w: Walkthrough) -> String {
        guard w.isCutShort else { return "" }
        let reason = w.omitted > 0 ? "steps" : w.truncation?.reason.rawValue ?? "steps"
        return ", \"truncated\": {\"after_step\": \(w.steps.count), \"reason\": \(JSON.string(reason)), " +
            "\"message\": \(JSON.string(w.cutLines.joined(separator: "; ")))}"
    }

    /// The line for an `Explanation` value (`session`: where it ran, for variable names).
    public static func line(_ e: Explanation, cell: Int, session: Session? = nil) -> String {
        line(Walkthrough(e, session: session), cell: cell)
    }

    /// The array of steps.
    public static func trace(_ w: Walkthrough) -> String {
        "[" + w.steps.map { item($0, w) }.joined(separator: ", ") + "]"
    }

    static func item(_ s: Step, _ w: Walkthrough) -> String {
        var out = "{\"step\": \(JSON.string(s.name)), \"formula\": \(JSON.string(s.formula)), \"value\": "
        out += s.value.map(JSON.tensor) ?? "null"
        if let source = s.source { out += ", \"source\": \(JSON.string(source))" }
        if let g = s.group, g < w.groups.count { out += ", \"group\": \(JSON.string(w.groups[g].title))" }
        return out + "}"
    }
}
