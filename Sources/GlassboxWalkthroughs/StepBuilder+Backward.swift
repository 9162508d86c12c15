import GlassboxLanguage
import GlassboxTensors

// MARK: - The reverse pass, node by node

/// What the walkthrough of one `backward(y)` keeps track of while it reads the nodes.
struct BackwardState {
    /// Which node made each tensor the pass reaches, for naming unnamed intermediates `z₃`.
    var producers: [ObjectIdentifier: (node: Int, output: Int, op: Op)] = [:]
    /// Each node's op and inputs (1-based), to write out what a `z₃` stands for.
    var definitions: [Int: (op: Op, inputs: [Tensor])] = [:]
    /// The nodes that have passed a gradient to each tensor so far.
    var consumers: [ObjectIdentifier: [Int]] = [:]
    /// The latest gradient of every tensor that received one, in the order first reached.
    var finals: [(tensor: Tensor, gradient: Tensor)] = []
    var finalIndex: [ObjectIdentifier: Int] = [:]
    var root: Tensor? = nil
    var rootLabel = "L"
    /// Nodes run so far in this pass.
    var node = 0
    var total = 0
    /// The pass's nodes run to the last recorded event (no forward op or `backward` follows):
    /// when the recording was cut short, so was this pass, and `total` counts only its recorded
    /// nodes.
    var reachesEnd = true

    init() {}

    /// Reads the nodes of the pass that starts after `start` (up to the next `backward`).
    init(_ events: ArraySlice<ExplainedEvent>) {
        var n = 0
        for e in events {
            if case .backwardStart = e.event { reachesEnd = false; break }
            // Forward ops come only after the pass has finished (none are reported during it).
            guard case .backward(let b) = e.event else { reachesEnd = false; continue }
            n += 1
            definitions[n] = (b.op, b.inputs)
            for (k, t) in b.outputs.enumerated() {
                if let t { producers[ObjectIdentifier(t)] = (n, k, b.op) }
            }
        }
        total = n
    }
}

extension StepBuilder {

    /// `backward(y)` started: ∂y/∂y = 1.
    mutating func backwardStart(root: Tensor, seed: Tensor, _ event: ExplainedEvent, index: Int, _ events: [ExplainedEvent]) {
        finishBackward()
        var state = BackwardState(events[(index + 1)...])
        state.root = root
        state.rootLabel = labels.variableName(root) ?? (labels.isKnown(root) ? labels.label(root).text : "L")
        if state.rootLabel.count > 8 { state.rootLabel = "L" }
        backward = state
        let L = state.rootLabel
        let nodes = truncated && state.reachesEnd
            ? "the first \(countText(state.total, "node")) (the recording stops there)" : countText(state.total, "node")
        let g0 = group(event.text.isEmpty ? "backward(\(L))" : event.text, [
            "reverse-mode autodiff: \(nodes) in the order they run — each after every node "
                + "that reads its output — and each passes ∂\(L)/∂input = ∂\(L)/∂output × its local derivative",
        ])
        add(.seed, "∂\(L)/∂\(L)", "1", seed, source: event.text, callStack: event.callStack, note: "the seed", group: g0)
        backward?.consumers[ObjectIdentifier(root)] = []
    }

    /// One node of the reverse pass: upstream gradient(s), local derivative, the gradient passed to
    /// each input, and the sum where an input had a gradient already.
    mutating func backwardNode(_ b: BackwardEvent, _ event: ExplainedEvent) {
        if backward == nil { backward = BackwardState() }
        guard var state = backward else { return }
        state.node += 1
        let n = state.node
        let L = state.rootLabel
        let outputs = b.outputs.map { name(of: $0, in: state) }
        let inputs = b.inputs.map { name(of: $0, in: state) }
        let spec = b.op.spec
        let definition = spec.formula(Operands(labels: inputs, inputs: b.inputs))
        var line = outputs.map(\.text).joined(separator: ", ") + " = " + definition.text
        if let full = expansion(b.op, b.inputs, in: state, depth: 0), full.text != definition.text, full.text.count <= 60 {
            line += " = " + full.text
        }
        let g0 = group("node \(n) · \(b.op.name)", [line])

        // Upstream: what the consumers of each output passed back.
        var upstreamSymbols: [String] = []
        for (k, u) in b.upstream.enumerated() {
            let out = k < outputs.count ? outputs[k].text : "z"
            let symbol = "∂\(L)/∂\(out)"
            upstreamSymbols.append(symbol)
            let from: String
            if let t = k < b.outputs.count ? b.outputs[k] : nil, let nodes = state.consumers[ObjectIdentifier(t)] {
                from = nodes.isEmpty ? "the seed" : nodes.map { "node \($0)" }.joined(separator: " + ")
            } else {
                from = "nothing: \(out) does not reach \(L), so 0"
            }
            add(.upstream, symbol, "from " + from, u, callStack: event.callStack, note: "upstream", group: g0)
        }

        // Local derivative and the chain rule for each input.
        let operands = Operands(labels: inputs, inputs: b.inputs, outputs: outputs, upstream: upstreamSymbols,
                                outputCount: b.upstream.first?.count ?? 1, number: Labeler.number)
        let rule = spec.derivative(operands) ?? DerivativeRule(local: nil, gradients: [])
        if let local = rule.local { add(.local, "local", local, nil, group: g0) }
        for (k, input) in b.inputs.enumerated() {
            guard k < b.inputGradients.count, let gradient = b.inputGradients[k] else { continue }
            let formula = k < rule.gradients.count ? rule.gradients[k] ?? "" : ""
            var note = "to \(inputs[k].text)"
            if spec.broadcasts, let up = b.upstream.first, up.shape != input.shape {
                note += input.rank == 0 ? ", summed to one number" : ", summed over the broadcast axes to \(TensorDisplay.shape(input))"
            }
            add(.gradient, "∂\(L)/∂\(inputs[k].text)", formula, gradient, callStack: event.callStack, note: note, group: g0)
            let id = ObjectIdentifier(input)
            state.consumers[id, default: []].append(n)
            record(input, gradient, in: &state)
        }

        // A tensor read by several ops: its gradients add up.
        for acc in b.accumulations where acc.inputIndex < b.inputs.count {
            let input = b.inputs[acc.inputIndex]
            let label = inputs[acc.inputIndex].text
            add(.accumulation, "∂\(L)/∂\(label)", "∂\(L)/∂\(label) (so far) + ∂\(L)/∂\(label) (node \(n))", acc.total,
                callStack: event.callStack, note: "\(label) is used more than once: its gradients add up", group: g0,
                terms: [("so far", acc.previous), ("this node", acc.contribution)])
            record(input, acc.total, in: &state)
        }
        backward = state
        if state.node == state.total && !(truncated && state.reachesEnd) { finishBackward() }
    }

    /// After the last node: the gradient each leaf ended with (what `grad(t)` now returns).
    mutating func finishBackward() {
        guard let state = backward, state.node > 0 else { return }
        backward = nil
        let leaves = state.finals.filter { state.producers[ObjectIdentifier($0.tensor)] == nil }
        guard !leaves.isEmpty else { return }
        let L = state.rootLabel
        let g0 = group("gradients", ["what grad(·) now returns for each tensor the pass reached that no node produced"])
        for leaf in leaves {
            let label = name(of: leaf.tensor, in: state).text
            add(.result, "∂\(L)/∂\(label)", "grad(\(label))", leaf.gradient, note: leaf.tensor.isParameter ? "parameter" : nil,
                group: g0)
        }
    }

    // MARK: Pieces

    /// The latest gradient of `t`.
    func record(_ t: Tensor, _ gradient: Tensor, in state: inout BackwardState) {
        let id = ObjectIdentifier(t)
        if let i = state.finalIndex[id] {
            state.finals[i].gradient = gradient
        } else {
            state.finalIndex[id] = state.finals.count
            state.finals.append((t, gradient))
        }
    }

    /// A variable's name; else `z₃` for the output of node 3 (`h′₃`, `c′₃` for an LSTM cell);
    /// else how the forward steps of this walkthrough called it; else the constant written out.
    func name(of t: Tensor?, in state: BackwardState) -> Formula {
        guard let t else { return Formula("·") }
        if t === state.root { return Formula(state.rootLabel) }
        if let name = labels.variableName(t) { return Formula(name) }
        if let p = state.producers[ObjectIdentifier(t)] {
            let symbols = p.op.spec.outputSymbols
            let base = p.output < symbols.count ? symbols[p.output] : "z"
            return Formula(base + subscriptNumber(p.node))
        }
        return labels.label(t)
    }

    /// What an op over `inputs` computes, with every unnamed intermediate written out in terms
    /// of named tensors (`w ⊙ w + b·w` rather than `z₄ + z₃`); nil for a fused op or when it
    /// gets too deep.
    func expansion(_ op: Op, _ inputs: [Tensor], in state: BackwardState, depth: Int) -> Formula? {
        guard depth < 6, op.spec.display == .math else { return nil }
        var operands: [Formula] = []
        for t in inputs {
            if t === state.root || labels.variableName(t) != nil {
                operands.append(name(of: t, in: state))
            } else if let p = state.producers[ObjectIdentifier(t)], let d = state.definitions[p.node],
                      let inner = expansion(d.op, d.inputs, in: state, depth: depth + 1) {
                operands.append(inner)
            } else if state.producers[ObjectIdentifier(t)] != nil {
                return nil
            } else {
                operands.append(name(of: t, in: state))
            }
        }
        return op.spec.formula(Operands(labels: operands, inputs: inputs))
    }
}

/// `1 node`, `3 nodes`.
func countText(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
