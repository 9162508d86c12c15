// MARK: - Step mode (`:step on`)

/// What the learner answered at a pause.
public enum StepDecision: Equatable, Sendable {
    /// Enter: show the next step.
    case next
    /// `c`: show the rest without pausing.
    case runToEnd
    /// `q`: stop here.
    case stop

    /// Reads a reply typed at the pause: empty (Enter) is next, `c` runs to the end, `q` stops;
    /// anything else counts as next. Nil (end of input) stops.
    public init(reply: String?) {
        guard let reply else { self = .stop; return }
        switch reply.trimmingSpaces().lowercased() {
        case "c", "continue": self = .runToEnd
        case "q", "quit", "stop": self = .stop
        default: self = .next
        }
    }
}

/// Shows blocks of text one after another, pausing after each but the last when `ask` is given
/// (the REPL passes one when step mode is on and a person is at the terminal).
public enum StepPlayer {
    /// The prompt shown at a pause: `step 2/7 · Enter: next · c: continue · q: stop`
    /// (`unit` is `page` in a guided walk; `|` separates in ASCII).
    public static func prompt(after index: Int, of count: Int, unit: String = "step", unicode: Bool = true) -> String {
        let dot = unicode ? " · " : " | "
        return "\(unit) \(index + 1)/\(count)\(dot)Enter: next\(dot)c: continue\(dot)q: stop "
    }

    /// Writes `blocks` in order; after block i (not the last) asks `ask(i, count)`. Returns false
    /// when the learner stopped early.
    @discardableResult
    public static func play(_ blocks: [String], write: (String) -> Void,
                            ask: ((_ index: Int, _ count: Int) -> StepDecision)?) -> Bool {
        var pausing = ask != nil
        for (i, block) in blocks.enumerated() {
            write(block)
            guard pausing, let ask, i < blocks.count - 1 else { continue }
            switch ask(i, blocks.count) {
            case .next: break
            case .runToEnd: pausing = false
            case .stop: return false
            }
        }
        return true
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        let start = drop(while: \.isWhitespace)
        return String(start.reversed().drop(while: \.isWhitespace).reversed())
    }
}
