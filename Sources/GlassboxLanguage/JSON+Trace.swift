import GlassboxTensors

// MARK: - The `--json` trace (contract: `explain`)

/// The one trace format, whoever builds the steps: the walkthroughs' named steps (TraceJSON) or,
/// without them, the recorded ops themselves (`JSON.cellValue` of an explanation):
///
///     {"cell": 5, "trace": [{"step": "i_t", "formula": "σ(…)", "value": {"shape": […], "data": […]},
///                            "source": "…", "group": "…"}, …],
///      "truncated": {"after_step": 12, "reason": "bytes", "limit": 4194304, "unrecorded": 37,
///                    "message": "…"}}
///
/// A step that is only a formula has `"value": null`; `source` and `group` appear when known;
/// `truncated` only when the trace ends before EXPR did (`limit` and `unrecorded` when the
/// recording's own limits cut it).
extension JSON {
    /// One step of a trace: `source` is the source text that ran it, `group` the heading it
    /// sits under.
    public typealias TraceStep = (name: String, formula: String, value: Tensor?, source: String?, group: String?)

    /// Where and why a trace stops early.
    public struct TraceCut {
        /// The trace's items before the cut (all of them).
        public var afterStep: Int
        /// `steps`, `events` or `bytes`.
        public var reason: String
        /// The limit that was reached, and the events that ran unrecorded (recording limits only).
        public var limit: Int?
        public var unrecorded: Int?
        /// The cut in words, as the terminal says it.
        public var message: String

        public init(afterStep: Int, reason: String, limit: Int? = nil, unrecorded: Int? = nil, message: String) {
            self.afterStep = afterStep
            self.reason = reason
            self.limit = limit
            self.unrecorded = unrecorded
            self.message = message
        }
    }

    /// The line `--json` prints for a cell whose value is a trace.
    public static func traceLine(cell: Int, steps: [TraceStep], cut: TraceCut?) -> String {
        var fields: [(String, JSONValue)] = [("cell", .number(Double(cell))), ("trace", trace(steps))]
        if let cut { fields.append(("truncated", truncated(cut))) }
        return JSONValue.object(fields).line
    }

    /// Most values one step of a trace writes out (256 KiB of floats); a larger tensor is summed up.
    public static let traceStepValueLimit = 1 << 16
    /// Most values a whole trace writes out (about 10 MB of JSON): steps past it are summed up.
    /// Without these bounds, `explain` of one GPT-2 step wrote 555 MB — the tied output matrix
    /// and every weight-sized view — which a notebook would receive as one message.
    public static let traceValueBudget = 1 << 20

    /// The array of steps. A step's tensor is written in full while it holds at most
    /// `traceStepValueLimit` values and the trace's `traceValueBudget` lasts; otherwise as
    /// `{"shape": […], "data": null, "count": n, "min": …, "max": …, "mean": …}` (over the finite values).
    public static func trace(_ steps: [TraceStep]) -> JSONValue {
        var budget = traceValueBudget
        return .array(steps.map { s in
            var value = JSONValue.null
            if let t = s.value {
                if t.count <= traceStepValueLimit && t.count <= budget {
                    budget -= t.count
                    value = tensor(t)
                } else {
                    value = summary(t)
                }
            }
            var fields: [(String, JSONValue)] = [("step", .string(s.name)), ("formula", .string(s.formula)), ("value", value)]
            if let source = s.source { fields.append(("source", .string(source))) }
            if let group = s.group { fields.append(("group", .string(group))) }
            return .object(fields)
        })
    }

    /// A tensor too large to write: its shape, its count, and the minimum, maximum and mean of its
    /// finite values (null when it has none).
    static func summary(_ t: Tensor) -> JSONValue {
        var lo = Float.infinity, hi = -Float.infinity, sum = 0.0, finite = 0
        for v in t.toArray() where v.isFinite {
            lo = Swift.min(lo, v)
            hi = Swift.max(hi, v)
            sum += Double(v)
            finite += 1
        }
        let shape = JSONValue.array(t.shape.map { .number(Double($0)) })
        return .object([("shape", shape), ("data", .null), ("count", .number(Double(t.count))),
                        ("min", finite > 0 ? .number(Double(lo)) : .null), ("max", finite > 0 ? .number(Double(hi)) : .null),
                        ("mean", finite > 0 ? .number(sum / Double(finite)) : .null)])
    }

    /// `{"after_step": …, "reason": …, "limit": …, "unrecorded": …, "message": …}`.
    static func truncated(_ cut: TraceCut) -> JSONValue {
        var fields: [(String, JSONValue)] = [("after_step", .number(Double(cut.afterStep))), ("reason", .string(cut.reason))]
        if let limit = cut.limit { fields.append(("limit", .number(Double(limit)))) }
        if let unrecorded = cut.unrecorded { fields.append(("unrecorded", .number(Double(unrecorded)))) }
        fields.append(("message", .string(cut.message)))
        return .object(fields)
    }

    // MARK: Steps of a bare recording

    /// The recorded ops as steps, without walkthroughs: the op's name as `step`, the source text
    /// that ran it as `formula`, and its first output. Backward nodes are `∂op` steps whose value
    /// is the first gradient they pass on.
    static func traceSteps(_ e: Explanation) -> [TraceStep] {
        e.events.map { ev in
            switch ev.event {
            case .op(let op):
                return (name: op.op.name, formula: ev.text, value: op.outputs.first, source: nil, group: nil)
            case .backwardStart(_, let seed):
                return (name: "backward", formula: ev.text, value: seed, source: nil, group: nil)
            case .backward(let b):
                return (name: "∂" + b.op.name, formula: ev.text, value: b.inputGradients.compactMap { $0 }.first, source: nil, group: nil)
            }
        }
    }

    /// The cut of a bare recording, if it was cut.
    static func traceCut(_ e: Explanation) -> TraceCut? {
        e.truncation.map { cut in
            TraceCut(afterStep: cut.recorded, reason: cut.reason.rawValue, limit: cut.limit,
                     unrecorded: cut.unrecorded, message: cut.limitText)
        }
    }
}
