/// Reverse-mode automatic differentiation, in micrograd's style: every recorded op leaves a `Node`
/// (its label, its inputs and a backward closure written right under the forward formula), and
/// `backward(y)` is a topological sort and one reversed loop that applies the chain rule.

// MARK: - Recording switch

/// Whether ops record nodes. Off inside backward (gradients are not themselves differentiated)
/// and inside optimizer steps; the language may turn it off for a `no_grad` block.
public enum GradMode {
    public static var isEnabled: Bool {
        @inline(__always) get { enabled }
        set { enabled = newValue }
    }
    nonisolated(unsafe) static var enabled = true

    /// Runs `body` with recording off, restoring the previous state afterwards.
    public static func withDisabled<T>(_ body: () throws -> T) rethrows -> T {
        let saved = isEnabled
        isEnabled = false
        defer { isEnabled = saved }
        return try body()
    }
}

// MARK: - Nodes

/// A node's reference to one of its outputs. It must not keep the output alive (the output owns
/// the node), and a `weak` reference costs a side-table allocation per op, so it is unowned: an
/// output that dies while its node lives on (only possible for a node shared by several outputs,
/// like lstm_cell's h and c) clears its own slot in `Tensor.deinit`.
struct OutputReference {
    // (`unowned(unsafe) var tensor: Tensor?` here made `for … in outputs` loop forever in debug
    // builds of Swift 6.3.1; an `Unmanaged` pointer says the same thing without the bug.)
    private var pointer: Unmanaged<Tensor>?

    init(_ tensor: Tensor) { pointer = Unmanaged.passUnretained(tensor) }

    /// The output, or nil once it has died.
    var tensor: Tensor? { pointer?.takeUnretainedValue() }

    /// Whether this slot refers to `t` (compares addresses; never touches a dead object).
    func refers(to t: Tensor) -> Bool { pointer?.toOpaque() == Unmanaged.passUnretained(t).toOpaque() }

    mutating func clear() { pointer = nil }
}

/// One recorded op: which tensors went in, which came out, and how to turn the gradients of the
/// outputs into gradients of the inputs.
final class Node {
    /// The op, shown by `explain backward(y)` with its spec's derivative.
    let op: Op
    var inputs: [Tensor]
    var outputs: [OutputReference]
    let outputShapes: [[Int]]
    /// Given ∂y/∂output for every output (zeros where an output did not reach y) and the
    /// accumulation targets (below), returns ∂y/∂input for every input (nil where an input needs
    /// none). A returned gradient may have the broadcast shape of the forward result; `backward`
    /// sums it back to the input's shape.
    ///
    /// Targets: empty, or one entry per input. A non-nil `targets[k]` is input k's gradient so far,
    /// a contiguous buffer of the input's shape that this backward pass allocated and nothing else
    /// shares; a rule may add its contribution into it in place (a gemm with `accumulate`) and
    /// return that very tensor, and then nothing more is added. Rules that ignore targets simply
    /// return new tensors.
    var backward: (([Tensor], [Tensor?]) throws -> [Tensor?])?

    init(op: Op, inputs: [Tensor], outputs: [Tensor], backward: @escaping ([Tensor], [Tensor?]) throws -> [Tensor?]) {
        self.op = op
        self.inputs = inputs
        self.outputs = outputs.map { OutputReference($0) }
        self.outputShapes = outputs.map(\.shape)
        self.backward = backward
    }

    /// Called by an output's deinit while other outputs keep the node alive.
    func outputWillDie(_ t: Tensor) {
        for k in outputs.indices where outputs[k].refers(to: t) { outputs[k].clear() }
    }

    /// Releases the graph behind `node` with a loop instead of recursion: every input that nothing
    /// else holds gives up its own node (unless another output still shares it) to the worklist
    /// before it is freed.
    static func releaseIteratively(_ node: Node) {
        var pending = node.inputs
        node.inputs = []
        node.backward = nil   // drops the closure's references to inputs as well
        while var t = pending.popLast() {
            if isKnownUniquelyReferenced(&t), isKnownUniquelyReferenced(&t.node), let inner = t.node {
                t.node = nil
                pending.append(contentsOf: inner.inputs)
                inner.inputs = []
                inner.backward = nil
            }
        }
    }
}

// MARK: - Recording

extension Tensor {
    /// Whether an op with this input records a node.
    @inline(__always)
    static func recording(_ a: Tensor) -> Bool { a.requiresGrad && GradMode.isEnabled }

    /// Whether an op with these inputs records a node.
    @inline(__always)
    static func recording(_ a: Tensor, _ b: Tensor) -> Bool { (a.requiresGrad || b.requiresGrad) && GradMode.isEnabled }

    /// Whether an op with these inputs records a node.
    @inline(__always)
    static func recording(_ inputs: [Tensor]) -> Bool {
        GradMode.isEnabled && inputs.contains { $0.requiresGrad }
    }

    /// Records that `self` was computed by `op` from `inputs`; `backward` maps ∂y/∂self to the
    /// gradients of the inputs.
    func record(_ op: Op, _ inputs: [Tensor], backward: @escaping (Tensor) throws -> [Tensor?]) {
        needsGrad = true
        node = Node(op: op, inputs: inputs, outputs: [self]) { upstream, _ in try backward(upstream[0]) }
    }

    /// Records an op with several outputs (`lstm_cell`): one node shared by all of them. The rule
    /// gets the upstream gradients and the accumulation targets (`Node.backward`).
    static func record(_ op: Op, outputs: [Tensor], inputs: [Tensor],
                       backward: @escaping ([Tensor], [Tensor?]) throws -> [Tensor?]) {
        let node = Node(op: op, inputs: inputs, outputs: outputs, backward: backward)
        for t in outputs {
            t.needsGrad = true
            t.node = node
        }
    }
}

// MARK: - Backward

public enum Autograd {
    /// Fills `grad` of every tensor `y` depends on through recorded ops — parameters and
    /// intermediates alike — with ∂y/∂tensor, replacing earlier gradients. A tensor used several
    /// times receives the sum of its contributions. `y` must hold one element.
    ///
    /// Tensors that do not depend on a parameter are constants: they get no gradient.
    public static func backward(_ y: Tensor) throws {
        guard y.count == 1 else {
            throw TensorError.invalidArgument(
                op: "backward", message: "y must be a scalar (one element), got shape \(TensorError.format(y.shape))")
        }
        guard y.requiresGrad else {
            throw TensorError.invalidArgument(
                op: "backward", message: "y does not depend on any parameter (make trainable tensors with param(x))")
        }
        let order = topologicalOrder(from: y)

        // Forget the gradients of the last backward for everything this one reaches. (Setting
        // `grad` also clears `gradIsOwned`: no gradient from an earlier pass is ever written.)
        y.grad = nil
        for node in order {
            for t in node.inputs where t.requiresGrad { t.grad = nil }
            for w in node.outputs { if let t = w.tensor { t.grad = nil } }
        }

        // Gradients are computed with recording and tracing off; the listener hears this pass
        // through backwardDidRun only.
        let listener = Trace.listener
        let savedMode = GradMode.isEnabled
        GradMode.isEnabled = false
        Trace.listener = nil
        defer {
            GradMode.isEnabled = savedMode
            Trace.listener = listener
        }

        let seed = try Tensor.filled(y.shape, 1, op: "backward")   // ∂y/∂y = 1
        y.grad = seed
        listener?.backwardDidStart(root: y, seed: seed)
        do {
            // apply the chain rule, from y back to the leaves
            for node in order.reversed() {
                try runNode(node, listener: listener)
            }
        } catch {
            // No half-finished gradients reach the user.
            y.grad = nil
            for node in order { for t in node.inputs { t.grad = nil } }
            throw error
        }
    }

    /// The nodes `y` depends on, each after all the nodes it reads from (iterative depth-first
    /// search, so that long chains do not overflow the stack).
    static func topologicalOrder(from y: Tensor) -> [Node] {
        guard let root = y.node else { return [] }
        var order: [Node] = []
        var visited = Set<ObjectIdentifier>([ObjectIdentifier(root)])
        var stack: [(node: Node, next: Int)] = [(root, 0)]
        while let (node, next) = stack.last {
            if next < node.inputs.count {
                stack[stack.count - 1].next = next + 1
                if let child = node.inputs[next].node, node.inputs[next].requiresGrad,
                   visited.insert(ObjectIdentifier(child)).inserted {
                    stack.append((child, 0))
                }
            } else {
                order.append(node)
                stack.removeLast()
            }
        }
        return order
    }

    /// One step of the reversed loop: the node's derivative rule, then each input's gradient is
    /// set or, when it already has one from another consumer, accumulated.
    ///
    /// Accumulation: the first contribution to a tensor becomes its gradient as it is (it may be
    /// shared, e.g. `add` passes its upstream gradient on unchanged); the second is added into a
    /// new buffer, which this pass then owns (`gradIsOwned`); from the third on, contributions
    /// are added into that buffer in place, and rules that can (the recurrent cells' weight
    /// gradients) add theirs straight into it with a gemm (`Node.backward`'s targets). An LSTM
    /// unrolled over T steps thus reuses one dW buffer instead of allocating T of them. While a
    /// listener records the pass, every total is a new tensor, so the events it keeps stay as
    /// they were computed.
    static func runNode(_ node: Node, listener: TraceListener?) throws {
        if Interrupt.isRequested { throw TensorError.interrupted(op: "backward") }
        let outputs = node.outputs.map(\.tensor)
        guard outputs.contains(where: { $0?.grad != nil }), let rule = node.backward else { return }
        var upstream: [Tensor] = []
        for (k, t) in outputs.enumerated() {
            upstream.append(try t?.grad ?? Tensor.filled(node.outputShapes[k], 0, op: "backward"))
        }
        let inPlace = listener == nil
        var targets: [Tensor?] = []
        if inPlace, node.inputs.contains(where: { $0.gradIsOwned }) {
            targets = node.inputs.map { $0.gradIsOwned ? $0.grad : nil }
        }
        let raw = try rule(upstream, targets)
        var passed: [Tensor?] = []
        var accumulations: [Accumulation] = []
        for (k, input) in node.inputs.enumerated() {
            guard input.requiresGrad, k < raw.count, let g = raw[k] else { passed.append(nil); continue }
            if k < targets.count, let target = targets[k], g === target {   // the rule added into it
                passed.append(g)
                continue
            }
            let contribution = try Ops.sumTo(g, input.shape, op: node.op.name).contiguous(op: "backward")
            passed.append(contribution)
            if let previous = input.grad {
                if inPlace && input.gradIsOwned {
                    Kernels.binary(.add, previous.pointer, previous.pointer, contribution.pointer, count: previous.count)
                } else {
                    let total = try Ops.add(previous, contribution)
                    input.grad = total
                    input.gradIsOwned = inPlace
                    accumulations.append(Accumulation(inputIndex: k, previous: previous, contribution: contribution, total: total))
                }
            } else {
                input.grad = contribution
            }
        }
        listener?.backwardDidRun(BackwardEvent(op: node.op, outputs: outputs, upstream: upstream, inputs: node.inputs,
                                               inputGradients: passed, accumulations: accumulations))
    }
}
