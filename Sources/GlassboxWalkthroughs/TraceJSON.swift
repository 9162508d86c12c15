import GlassboxLanguage
import GlassboxTensors

// MARK: - The `--json` trace record (Docs/WALKTHROUGHS.md, "JSON")

/// `{"cell": 5, "trace": [{"step": "i_t", "formula": "σ(x·W_iiᵀ + b_ii + h·W_hiᵀ + b_hi)",
/// "value": {"shape": [...], "data": [...]}}, ...]}` — one object per step, in order. A step
/// that is only a formula (a backward node's local derivative) has `"value": null`. Steps that
/// ran at a known place add `"source"` (the source text); steps under a heading add `"group"`.
///
/// A trace that ends before EXPR did adds `"truncated": {"after_step": 12, "reason": "bytes",
/// "limit": …, "unrecorded": …, "message": "…"}`: the trace stops after its `after_step`-th item;
/// `reason` is `steps` (a walkthrough shows at most `Walkthrough.maxSteps` steps), `events` or
/// `bytes` (explain's limits on what it records, which also give `limit` and `unrecorded`);
/// `message` says it in words, as the terminal does. The format is the language's one trace
/// format (`JSON.traceLine`).
public enum TraceJSON {
    /// The line `--json` prints for a cell whose value is an explanation: the walkthrough's
    /// steps in the one trace format (`JSON.traceLine`).
    public static func line(_ w: Walkthrough, cell: Int) -> String {
        JSON.traceLine(cell: cell, steps: steps(w), cut: cut(w))
    }

    /// The line for an `Explanation` value (`session`: where it ran, for variable names).
    public static func line(_ e: Explanation, cell: Int, session: Session? = nil) -> String {
        line(Walkthrough(e, session: session), cell: cell)
    }

    /// The array of steps.
    public static func trace(_ w: Walkthrough) -> String { JSON.trace(steps(w)).line }

    static func steps(_ w: Walkthrough) -> [JSON.TraceStep] {
        w.steps.map { s in
            (name: s.name, formula: s.formula, value: s.value, source: s.source,
             group: s.group.flatMap { $0 < w.groups.count ? w.groups[$0].title : nil })
        }
    }

    /// Where the trace ends early: `steps` when the walkthrough stopped showing steps, else the
    /// recording's own limit (`events` or `bytes`, with the limit and what ran unrecorded).
    static func cut(_ w: Walkthrough) -> JSON.TraceCut? {
        guard w.isCutShort else { return nil }
        let message = w.cutLines.joined(separator: "; ")
        if w.omitted == 0, let t = w.truncation {
            return JSON.TraceCut(afterStep: w.steps.count, reason: t.reason.rawValue, limit: t.limit,
                                 unrecorded: t.unrecorded, message: message)
        }
        return JSON.TraceCut(afterStep: w.steps.count, reason: "steps", message: message)
    }
}
