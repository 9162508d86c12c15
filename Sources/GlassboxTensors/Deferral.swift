/// Deferred results: how a convolution and the per-channel ops after it run as one pass.
///
/// In inference (nothing recorded for autograd, no trace listener, the fast kernels),
/// `conv2d` does not compute its output at once: it returns a tensor whose storage holds the
/// computation (`Deferred`). An eval-mode `batch_norm`, a `relu` / `relu6` / `clip` or an `add`
/// of a same-shaped tensor applied to that whole tensor does not run either: it returns a new
/// deferred tensor that runs the same convolution with one more step in its output stage
/// (`Epilogue`). The first read of any element computes the result, in one pass; so
/// `relu6(batch_norm(conv2d(x, W), …))` writes its output once, from the tiles of the product
/// while they are in cache, instead of three times over the whole tensor. Inference engines fold
/// these ops into the convolution the same way (ncnn and oneDNN at model conversion, XNNPACK's
/// fused output clamps); here it happens as the ops run, with each step the same floating-point
/// operation as the op it replaces, so the values are bit-for-bit those of running the ops one
/// by one (FusionTests compares both).
///
/// The tensor a step is applied to stays deferred: read later, it runs its own computation
/// (without the step). A convolution computes its input before deferring, so at most one
/// convolution waits at a time and memory is released as eagerly as without deferral.
///
/// Nothing user-visible depends on when a deferred result is computed, because its inputs
/// cannot change before then: the only ops that write into existing tensors (an optimizer's
/// step, batch norm's running statistics in training mode) first compute every deferred result
/// (`settleAll`), and the language computes them before a value reaches a session variable or
/// the screen (so that Ctrl-C during that computation leaves the session as it was).
public enum Deferral {
    /// Whether a deferred result was computed since `takeComputed` last looked.
    nonisolated(unsafe) static var computedSinceCheck = false

    /// Whether a deferred result was computed since the last call (for the Ctrl-C check its
    /// computation skipped).
    public static func takeComputed() -> Bool {
        defer { computedSinceCheck = false }
        return computedSinceCheck
    }

    /// Whether ops defer at all (tests switch it off to compare with the ops one by one).
    nonisolated(unsafe) public static var isEnabled = true

    /// The storages holding deferred results: what `settleAll` computes. Held strongly (a weak
    /// reference costs a side-table allocation per result); one held only here can never be
    /// read, so it is dropped uncomputed.
    nonisolated(unsafe) static var live: [Storage] = []

    /// Whether an op on these inputs may return a deferred result.
    @inline(__always)
    static func allows(_ inputs: [Tensor]) -> Bool {
        isEnabled && Kernels.useFast && Trace.listener == nil && !Tensor.recording(inputs)
    }

    static func register(_ s: Storage) {
        if live.count >= 64 { live = waiting() }
        live.append(s)
    }

    /// The registered storages still deferred that something besides the registry holds.
    static func waiting() -> [Storage] {
        var kept: [Storage] = []
        for i in live.indices where live[i].deferred != nil {
            if !isKnownUniquelyReferenced(&live[i]) { kept.append(live[i]) }
        }
        return kept
    }

    /// Whether some deferred result is still waiting.
    public static var hasPending: Bool { !waiting().isEmpty }

    /// Computes every deferred result still alive; whether there was one.
    @discardableResult
    public static func settleAll() -> Bool {
        guard !live.isEmpty else { return false }
        let pending = waiting()
        live.removeAll()
        for s in pending { s.settle() }
        return !pending.isEmpty
    }
}

/// The convolution behind a deferred result: computes its output, with an output stage, into
/// the given memory.
final class Producer {
    let run: (UnsafeMutablePointer<Float>, Epilogue?) -> Void
    init(_ run: @escaping (UnsafeMutablePointer<Float>, Epilogue?) -> Void) { self.run = run }
}

/// The steps of a deferred result's output stage, holding the tensors they read.
struct FusedSteps {
    /// Eval-mode batch norm: v·scale[c] + shift[c].
    var scale: Tensor?
    var shift: Tensor?
    /// An add of a tensor of the output's shape.
    var residual: Tensor?
    var activation: Epilogue.Activation = .none

    /// Whether a batch norm can still join (it must come first: the kernels apply it first).
    var takesBatchNorm: Bool { scale == nil && residual == nil && activation == .none }
    /// Whether an add can still join.
    var takesAdd: Bool { residual == nil && activation == .none }
    /// Whether an activation can still join.
    var takesActivation: Bool { activation == .none }
}

/// How the elements of one storage will be computed.
final class Deferred {
    let shape: [Int]
    let producer: Producer
    let steps: FusedSteps

    init(shape: [Int], producer: Producer, steps: FusedSteps) {
        self.shape = shape
        self.producer = producer
        self.steps = steps
    }

    func run(into y: UnsafeMutablePointer<Float>) {
        let s = steps
        let e = Epilogue(scale: s.scale.map { UnsafePointer($0.pointer) }, shift: s.shift.map { UnsafePointer($0.pointer) },
                         residual: s.residual.map { UnsafePointer($0.pointer) }, activation: s.activation)
        withExtendedLifetime(s) { producer.run(y, e.isEmpty ? nil : e) }
    }
}

extension Tensor {
    /// A tensor of `shape` whose elements `producer` computes, with `steps`, when first read.
    static func deferred(_ shape: [Int], op: String, producer: Producer, steps: FusedSteps = FusedSteps()) throws -> Tensor {
        let t = try uninitialized(shape, op: op)
        t.storage.computeLater(Deferred(shape: shape, producer: producer, steps: steps))
        return t
    }

    /// The deferred computation of this tensor when it is a whole deferred result (not a view
    /// of part of one), else nil.
    var wholeDeferred: Deferred? {
        guard let d = storage.deferred, offset == 0, isContiguous, d.shape == shape else { return nil }
        return d
    }
}

extension Tensor {
    /// Computes this tensor's elements now when they are deferred (a value about to be dropped
    /// unread is still computed, as the ops promise; `Deferral`).
    @inline(__always)
    public func settle() {
        if storage.deferred != nil { storage.settle() }
    }
}
