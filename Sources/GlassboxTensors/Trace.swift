/// The trace hook: what walkthroughs (`explain`) listen to.
///
/// Every op reports what really ran — its inputs, outputs and named intermediates (written by the
/// kernels only when someone listens) — and backward reports each node as it runs. Nothing is
/// recomputed for display. When `Trace.listener` is nil, an op pays one nil check.
public protocol TraceListener: AnyObject {
    /// After an op ran (forward, or an optimizer update).
    func opDidRun(_ event: OpEvent)
    /// When `backward(y)` starts, before any node runs; `seed` is ∂y/∂y = 1.
    func backwardDidStart(root: Tensor, seed: Tensor)
    /// After one node of the backward pass ran, in the order they run.
    func backwardDidRun(_ event: BackwardEvent)
}

extension TraceListener {
    public func backwardDidStart(root: Tensor, seed: Tensor) {}
}

/// Where ops report; nil (nobody listening) makes tracing free. Set it around one evaluation.
public enum Trace {
    public static var listener: TraceListener? {
        @inline(__always) get { current }
        set { current = newValue }
    }
    // Internal storage: with every access visible to the optimizer, reading it costs one load
    // and a nil check (no dynamic exclusivity check as a public global would need).
    nonisolated(unsafe) static var current: TraceListener?
}

/// One op as it ran.
public struct OpEvent {
    /// The op (`add`, `matmul`, `lstm_cell`, `adam` …); its `spec` says how to show it.
    public let op: Op
    /// The tensors the op read, in argument order.
    public let inputs: [Tensor]
    /// What it returned (two for `lstm_cell`: h′ then c′; the updated parameter for an optimizer).
    public let outputs: [Tensor]
    /// Named intermediate values in the order they were computed, e.g. `i_t`, `f_t`, … for
    /// `lstm_cell`: the names its `OpSpec.intermediates` declares (Docs/WALKTHROUGHS.md lists them).
    public let intermediates: [(name: String, value: Tensor)]
    /// Non-tensor arguments, e.g. `("axis", "1")`, `("lr", "0.01")`.
    public let attributes: [(name: String, value: String)]

    public init(op: Op, inputs: [Tensor], outputs: [Tensor],
                intermediates: [(name: String, value: Tensor)] = [], attributes: [(name: String, value: String)] = []) {
        self.op = op
        self.inputs = inputs
        self.outputs = outputs
        self.intermediates = intermediates
        self.attributes = attributes
    }

    /// The intermediate called `name`, if reported.
    public func intermediate(_ name: String) -> Tensor? {
        intermediates.first { $0.name == name }?.value
    }
}

/// One node of a backward pass as it ran.
public struct BackwardEvent {
    /// The forward op whose derivative rule ran (`mul`, `lstm_cell`, …).
    public let op: Op
    /// The node's forward outputs (nil where an output no longer exists; it then had no gradient).
    public let outputs: [Tensor?]
    /// ∂y/∂output for each output: the upstream gradient (zeros where an output did not reach y).
    public let upstream: [Tensor]
    /// The node's forward inputs.
    public let inputs: [Tensor]
    /// The gradient this node passes to each input, already summed to the input's shape
    /// (nil for an input that does not require a gradient).
    public let inputGradients: [Tensor?]
    /// Inputs that already had a gradient from another consumer: the contributions added up.
    public let accumulations: [Accumulation]
}

/// A tensor that feeds several consumers receives one gradient from each; they are summed.
public struct Accumulation {
    /// Which entry of `BackwardEvent.inputs`.
    public let inputIndex: Int
    /// The gradient it had before this node (the sum of the earlier contributions).
    public let previous: Tensor
    /// This node's contribution.
    public let contribution: Tensor
    /// previous + contribution, now its gradient.
    public let total: Tensor
}
