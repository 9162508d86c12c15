/// Creation ops: new tensors from shapes and numbers. Dimensions must be whole numbers ≥ 0
/// (`Shape.dimension` converts a language number and says what is wrong with it).

extension OpSpec {
    /// A tensor made from numbers, shown as the learner wrote it (`zeros(2, 3)`).
    static func creation(_ op: Op, _ why: String = "a new tensor made from numbers: nothing to differentiate") -> OpSpec {
        OpSpec(op, .source, derivative: .none(why))
    }
    static let zeros = creation(.zeros)
    static let ones = creation(.ones)
    static let full = creation(.full)
    static let eye = creation(.eye)
    static let arange = creation(.arange)
    static let linspace = creation(.linspace)
    static let rand = creation(.rand, "a random draw: nothing to differentiate")
    static let randn = creation(.randn, "a random draw: nothing to differentiate")
    static let causalMask = creation(.causalMask)

    /// `param(x)`: a new leaf; gradients stop at it (it records no node of its own).
    static let param = OpSpec(.param, .math, formula: { .call("param", $0.labels) },
                              derivative: .none("a trainable leaf: gradients collect here, they go no further"))
    /// `detach(x)`: the same values without history.
    static let detach = OpSpec(.detach, .math, formula: { .call("detach", $0.labels) },
                               derivative: .none("the same values with no history: gradients stop here"))
}

extension Ops {

    // MARK: - Constant fills

    /// A tensor of `shape` full of 0.
    public static func zeros(_ shape: [Int]) throws -> Tensor { try full(0, shape, op: .zeros) }

    /// A tensor of `shape` full of 1.
    public static func ones(_ shape: [Int]) throws -> Tensor { try full(1, shape, op: .ones) }

    /// A tensor of `shape` full of `value`.
    public static func full(_ value: Float, _ shape: [Int]) throws -> Tensor { try full(value, shape, op: .full) }

    static func full(_ value: Float, _ shape: [Int], op: Op) throws -> Tensor {
        let y = try Tensor.filled(shape, value, op: op.name)
        report(op, y)
        return y
    }

    /// The n×n identity matrix (or n×m with ones on the main diagonal).
    public static func eye(_ n: Int, _ m: Int? = nil) throws -> Tensor {
        let y = try Tensor.filled([n, m ?? n], 0, op: "eye")
        Kernels.fillDiagonal(y.pointer, 1, rows: n, cols: m ?? n)
        report(.eye, y)
        return y
    }

    // MARK: - Sequences

    /// start, start + step, … up to but excluding stop (NumPy `arange`); ⌈(stop − start)/step⌉ values.
    public static func arange(_ start: Double, _ stop: Double, _ step: Double = 1) throws -> Tensor {
        let name = Op.arange.name
        guard step != 0, step.isFinite else { throw TensorError.invalidArgument(op: name, message: "step must be a non-zero number") }
        guard start.isFinite, stop.isFinite else { throw TensorError.invalidArgument(op: name, message: "start and stop must be finite") }
        let n = Swift.max(0, ((stop - start) / step).rounded(.up))
        guard n < 1e15 else { throw TensorError.allocationTooLarge(op: name, shape: [Int.max], limit: Tensor.allocationLimit) }
        let y = try Tensor.uninitialized([Int(n)], op: name)
        Kernels.arange(y.pointer, start: start, step: step, count: Int(n))
        report(.arange, y)
        return y
    }

    /// n evenly spaced values from start to stop, both included (NumPy `linspace`).
    public static func linspace(_ start: Double, _ stop: Double, _ n: Int) throws -> Tensor {
        let name = Op.linspace.name
        guard start.isFinite, stop.isFinite else { throw TensorError.invalidArgument(op: name, message: "start and stop must be finite") }
        let y = try Tensor.uninitialized([n], op: name)
        Kernels.linspace(y.pointer, start: start, stop: stop, count: n)
        report(.linspace, y)
        return y
    }

    // MARK: - Random

    /// Uniform samples in [0, 1) from the seeded generator (`RandomSource`).
    public static func rand(_ shape: [Int]) throws -> Tensor {
        let y = try Tensor.uninitialized(shape, op: "rand")
        let p = y.pointer
        for i in 0..<y.count { p[i] = RandomSource.uniform() }
        report(.rand, y)
        return y
    }

    /// Standard normal samples N(0, 1) from the seeded generator (`RandomSource`).
    public static func randn(_ shape: [Int]) throws -> Tensor {
        let y = try Tensor.uninitialized(shape, op: "randn")
        let p = y.pointer
        for i in 0..<y.count { p[i] = RandomSource.normal() }
        report(.randn, y)
        return y
    }

    // MARK: - Autograd leaves

    /// A trainable leaf: a contiguous copy of `x` with `isParameter` and `requiresGrad` set
    /// (PyTorch `nn.Parameter`). Optimizers update it in place.
    public static func param(_ x: Tensor) throws -> Tensor {
        let y = try Tensor.uninitialized(x.shape, op: "param")
        Kernels.copyStrided(y.pointer, yStrides: y.strides, x.pointer, xStrides: x.strides, shape: x.shape)
        y.isParameter = true
        y.needsGrad = true
        if let listener = Trace.listener { listener.opDidRun(OpEvent(op: .param, inputs: [x], outputs: [y])) }
        return y
    }

    /// The same values with no autograd history (shares storage): gradients stop here.
    public static func detach(_ x: Tensor) -> Tensor {
        let y = x.detachedView()
        if let listener = Trace.listener { listener.opDidRun(OpEvent(op: .detach, inputs: [x], outputs: [y])) }
        return y
    }

    /// Reports a creation op (no inputs).
    static func report(_ op: Op, _ y: Tensor) {
        if let listener = Trace.listener { listener.opDidRun(OpEvent(op: op, inputs: [], outputs: [y])) }
    }
}
