/// Optimizers: SGD with momentum and Adam, updating their parameters in place from `grad`.

extension OpSpec {
    /// One parameter's SGD update (momentum μ): v ← μ·v + g, θ ← θ − lr·v.
    static let sgd = OpSpec(.sgd, .layer, derivative: .none("an optimizer update changes parameters in place; it is not differentiated"),
                            intermediates: ["old_value", "g", "velocity", "update", "new_value"])
    /// One parameter's Adam update (Kingma & Ba 2015, with bias correction).
    static let adam = OpSpec(.adam, .layer, derivative: .none("an optimizer update changes parameters in place; it is not differentiated"),
                             intermediates: ["old_value", "g", "m_t", "v_t", "m_hat", "v_hat", "update", "new_value"])
}

public final class Optimizer {
    public enum Kind: String, Sendable { case sgd, adam }

    public let kind: Kind
    /// The tensors it updates (each made by `param`).
    public let parameters: [Tensor]
    public var lr: Float
    /// SGD momentum μ (0 = plain gradient descent).
    public var momentum: Float
    /// Adam's decay rates β₁, β₂ and ε.
    public var beta1: Float, beta2: Float, eps: Float
    /// Steps taken so far (`opt.t`); Adam's bias correction uses it.
    public private(set) var t = 0

    /// Per-parameter state, allocated at the first step: SGD's velocity or Adam's m; Adam's v.
    var first: [Tensor?], second: [Tensor?]

    init(kind: Kind, parameters: [Tensor], lr: Float, momentum: Float = 0,
         beta1: Float = 0.9, beta2: Float = 0.999, eps: Float = 1e-8) {
        self.kind = kind
        self.parameters = parameters
        self.lr = lr
        self.momentum = momentum
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        first = Array(repeating: nil, count: parameters.count)
        second = Array(repeating: nil, count: parameters.count)
    }

    /// SGD with momentum, PyTorch semantics: v ← μ·v + g; p ← p − lr·v.
    public static func sgd(_ parameters: [Tensor], lr: Float, momentum: Float = 0) throws -> Optimizer {
        try check(parameters, op: "sgd")
        guard lr.isFinite, lr >= 0 else { throw TensorError.invalidArgument(op: "sgd", message: "lr must be ≥ 0, got \(lr)") }
        guard momentum.isFinite, momentum >= 0 else {
            throw TensorError.invalidArgument(op: "sgd", message: "momentum must be ≥ 0, got \(momentum)")
        }
        return Optimizer(kind: .sgd, parameters: parameters, lr: lr, momentum: momentum)
    }

    /// Adam (Kingma & Ba 2015) with bias correction; PyTorch's defaults.
    public static func adam(_ parameters: [Tensor], lr: Float = 0.001, beta1: Float = 0.9, beta2: Float = 0.999,
                            eps: Float = 1e-8) throws -> Optimizer {
        try check(parameters, op: "adam")
        guard lr.isFinite, lr >= 0 else { throw TensorError.invalidArgument(op: "adam", message: "lr must be ≥ 0, got \(lr)") }
        for (label, beta) in [("beta1", beta1), ("beta2", beta2)] where !(beta >= 0 && beta < 1) {
            throw TensorError.invalidArgument(op: "adam", message: "\(label) must be in [0, 1), got \(beta)")
        }
        guard eps.isFinite, eps >= 0 else { throw TensorError.invalidArgument(op: "adam", message: "eps must be ≥ 0, got \(eps)") }
        return Optimizer(kind: .adam, parameters: parameters, lr: lr, beta1: beta1, beta2: beta2, eps: eps)
    }

    static func check(_ parameters: [Tensor], op: String) throws {
        guard !parameters.isEmpty else {
            throw TensorError.invalidArgument(op: op, message: "give it the parameters to train, e.g. \(op)(W, b, lr=0.01)")
        }
        for (k, p) in parameters.enumerated() where !p.isParameter {
            throw TensorError.invalidArgument(op: op, message: "argument \(k + 1) is not a parameter (make it with param(x))")
        }
    }

    /// One update of every parameter that has a gradient (parameters without one are skipped, as
    /// in PyTorch). Throws if none has a gradient: `backward(loss)` must come first.
    /// With a trace listener, reports one event per parameter (op `sgd` or `adam`).
    public func step() throws {
        let spec: OpSpec = kind == .sgd ? .sgd : .adam
        let op = spec.op.name
        guard parameters.contains(where: { $0.grad != nil }) else {
            throw TensorError.invalidArgument(op: "step", message: "no parameter has a gradient yet; call backward(loss) first")
        }
        Deferral.settleAll()   // the parameters change in place below
        t += 1
        let listener = Trace.listener
        for (k, p) in parameters.enumerated() {
            guard let g = p.grad else { continue }
            let grad = try g.contiguous(op: op)
            let old = try listener.map { _ in try copy(p) }
            switch kind {
            case .sgd:
                let velocity = try state(&first, k, like: p)
                let update = try listener.map { _ in try Tensor.uninitialized(p.shape, op: op) }
                Kernels.sgdStep(param: p.pointer, velocity: velocity.pointer, grad: grad.pointer, count: p.count,
                                lr: lr, momentum: momentum, update: update?.pointer)
                if let listener, let old, let update {
                    let values = [old, grad, try copy(velocity), update, try copy(p)]
                    listener.opDidRun(OpEvent(op: .sgd, inputs: [p], outputs: [p], intermediates:
                        zip(spec.intermediates, values).map { ($0, $1) }, attributes: attributes(for: p)))
                }
            case .adam:
                let m = try state(&first, k, like: p), v = try state(&second, k, like: p)
                let extras = try listener.map { _ in
                    (try Tensor.uninitialized(p.shape, op: op), try Tensor.uninitialized(p.shape, op: op),
                     try Tensor.uninitialized(p.shape, op: op))
                }
                Kernels.adamStep(param: p.pointer, m: m.pointer, v: v.pointer, grad: grad.pointer, count: p.count,
                                 lr: lr, beta1: beta1, beta2: beta2, eps: eps, t: t,
                                 mHat: extras?.0.pointer, vHat: extras?.1.pointer, update: extras?.2.pointer)
                if let listener, let old, let (mHat, vHat, update) = extras {
                    let values = [old, grad, try copy(m), try copy(v), mHat, vHat, update, try copy(p)]
                    listener.opDidRun(OpEvent(op: .adam, inputs: [p], outputs: [p], intermediates:
                        zip(spec.intermediates, values).map { ($0, $1) }, attributes: attributes(for: p)))
                }
            }
        }
    }

    /// The state tensor k (zeros on first use).
    func state(_ slots: inout [Tensor?], _ k: Int, like p: Tensor) throws -> Tensor {
        if let s = slots[k] { return s }
        let s = try Tensor.filled(p.shape, 0, op: kind.rawValue)
        slots[k] = s
        return s
    }

    /// A snapshot (the parameter and state change in place at the next step).
    func copy(_ x: Tensor) throws -> Tensor {
        let y = try Tensor.uninitialized(x.shape, op: kind.rawValue)
        Kernels.copyStrided(y.pointer, yStrides: y.strides, x.pointer, xStrides: x.strides, shape: x.shape)
        return y
    }

    func attributes(for p: Tensor) -> [(name: String, value: String)] {
        var list: [(name: String, value: String)] = [("t", String(t)), ("lr", "\(lr)")]
        if let name = p.name { list.insert(("parameter", name), at: 0) }
        switch kind {
        case .sgd: list.append(("momentum", "\(momentum)"))
        case .adam: list += [("beta1", "\(beta1)"), ("beta2", "\(beta2)"), ("eps", "\(eps)")]
        }
        return list
    }
}
