import GlassboxLanguage
import GlassboxTensors

// MARK: - Tokenizers

extension StepBuilder {
    /// `explain encode(tok, text)` with GPT-2's byte-level BPE (Sennrich et al. 2016; Radford et
    /// al. 2019): the pre-tokenized pieces, then each piece's merges in the order applied with
    /// their ranks, its ids, and finally all the ids.
    mutating func encode(_ op: OpEvent, _ event: ExplainedEvent) -> Bool {
        guard let output = op.outputs.first else { return false }
        var pieces: [String] = []
        var merges: [[String]] = []
        for (name, value) in op.attributes {
            if name.hasPrefix("piece ") {
                pieces.append(value)
                merges.append([])
            } else if name.hasPrefix("merge "), !merges.isEmpty {
                merges[merges.count - 1].append(value)
            }
        }
        let g0 = group(event.text, [
            "byte-level BPE (Sennrich et al. 2016, as GPT-2 uses it, Radford et al. 2019): the text is split by GPT-2's "
                + "pattern (contractions, letters, numbers, other symbols, whitespace), each piece becomes one symbol per "
                + "UTF-8 byte (Ġ is a space, Ċ a newline), then the adjacent pair with the lowest rank in merges.txt is "
                + "merged, again and again, until no pair is ranked",
        ])
        let s = event.callStack
        add(.named, "pieces", "pre-tokenized: " + pieces.map(Self.quoted).joined(separator: " "), nil, source: event.text,
            callStack: s, note: "\(pieces.count) piece\(pieces.count == 1 ? "" : "s")", group: g0)
        for (k, piece) in pieces.enumerated() {
            let steps = merges[k]
            let formula = steps.isEmpty ? "no ranked pair: one symbol per byte" : steps.joined(separator: " · ")
            add(.named, "piece \(k)", Self.quoted(piece) + ": " + formula, op.intermediate("ids \(k)"), callStack: s,
                note: steps.isEmpty ? nil : "\(steps.count) merge\(steps.count == 1 ? "" : "s"), lowest rank first", group: g0)
        }
        add(.named, "ids", "the pieces' ids, in order", output, callStack: s, note: "\(output.count) tokens", group: g0)
        labels.remember(output, as: Formula("encode"))
        return true
    }

    /// A piece between quotes, with its whitespace visible.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for ch in text {
            switch ch {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\"": out += "\\\""
            default: out.append(ch)
            }
        }
        return out + "\""
    }
}
