import GlassboxLanguage
import GlassboxTensors

// MARK: - From recorded events to steps

/// Turns the events `explain` recorded into steps. Each event is read once, in order; the
/// tensors in the steps are the tensors the events carry.
struct StepBuilder {
    var steps: [Step] = []
    var groups: [Group] = []
    var omitted = 0
    var labels = Labeler()
    /// Numbers shown beside forward steps (`[3]`); backward parts are numbered by node.
    var numbered = 0
    /// State of the backward pass being walked through, if one started.
    var backward: BackwardState? = nil
    /// The recording stopped before the expression finished: a backward pass still running at
    /// the last event was cut, so its gradients are not final (no `gradients` group for it).
    var truncated = false
    /// The session's tokenizers: a generation step's ids are also shown as text when one of them
    /// has exactly the logits' vocabulary.
    var tokenizers: [Tokenizer] = []

    mutating func build(_ events: [ExplainedEvent]) {
        for (index, event) in events.enumerated() {
            guard steps.count < Walkthrough.maxSteps else {
                omitted += 1
                continue
            }
            switch event.event {
            case .op(let op): forward(op, event)
            case .backwardStart(let root, let seed): backwardStart(root: root, seed: seed, event, index: index, events)
            case .backward(let node): backwardNode(node, event)
            }
        }
        if truncated, let state = backward, state.reachesEnd { backward = nil }
        finishBackward()
        if omitted == 0 { generationSummary(events) }
    }

    // MARK: Forward ops

    mutating func forward(_ op: OpEvent, _ event: ExplainedEvent) {
        let handled: Bool
        switch op.op {
        case .lstmCell: handled = lstm(op, event)
        case .rnnCell: handled = rnn(op, event)
        case .attention: handled = attention(op, event)
        case .layerNorm: handled = layerNorm(op, event)
        case .conv2d: handled = conv2d(op, event)
        case .batchNorm: handled = batchNorm(op, event)
        case .crossEntropy: handled = crossEntropy(op, event)
        case .adam: handled = adam(op, event)
        case .sgd: handled = sgd(op, event)
        case .encode: handled = encode(op, event)
        case .sample: handled = sample(op, event)
        default: handled = false
        }
        if !handled { primitive(op, event) }
    }

    /// One primitive op: its formula over its operands' labels (as its `OpSpec` writes it), its
    /// first output, its source text. An op with no shorter spelling is shown as written.
    mutating func primitive(_ op: OpEvent, _ event: ExplainedEvent) {
        let spec = op.op.spec
        let source = event.text.isEmpty ? op.op.name : event.text
        let formula = spec.display == .math
            ? spec.formula(Operands(labels: op.inputs.map { labels.label($0) }, inputs: op.inputs, attributes: op.attributes))
            : Formula(source)
        let number = add(.op, op.op.name, formula.text, op.outputs.first, source: source, callStack: event.callStack)
        for output in op.outputs { labels.remember(output, step: number, formula: formula) }
    }

    // MARK: Pieces

    /// Appends a step; returns its number (forward steps) or 0.
    @discardableResult
    mutating func add(_ kind: Step.Kind, _ name: String, _ formula: String, _ value: Tensor?, source: String? = nil,
                      callStack: [String] = [], note: String? = nil, group: Int? = nil,
                      terms: [(label: String, value: Tensor)] = [], picture: String? = nil) -> Int {
        var number = 0
        if !kind.isBackwardPart {
            numbered += 1
            number = numbered
        }
        steps.append(Step(kind, name, formula, value, number: number == 0 ? nil : number, source: source,
                          callStack: callStack, note: note, group: group, terms: terms, picture: picture))
        return number
    }

    /// Starts a group; returns its index.
    mutating func group(_ title: String, _ lines: [String]) -> Int {
        groups.append(Group(title: title, lines: lines.filter { !$0.isEmpty }))
        return groups.count - 1
    }

    /// `x = x1 · h = h0`: how the learner's arguments map onto a formula's symbols (only those
    /// whose names differ).
    func bindings(_ symbols: [String], _ inputs: [Tensor]) -> String {
        var parts: [String] = []
        for (symbol, t) in zip(symbols, inputs) {
            let label = labels.label(t).text
            if label != symbol { parts.append("\(symbol) = \(label)") }
        }
        return parts.isEmpty ? "" : "where " + parts.joined(separator: ", ")
    }
}
