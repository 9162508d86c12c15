/// Every differentiable operation of the language, as throwing static functions. Each op runs its
/// forward kernel, records a node with its derivative rule when an input requires a gradient, and
/// reports to `Trace.listener` when one is set.
public enum Ops {}

// MARK: - Unary

extension Ops {
    /// −x
    public static func neg(_ x: Tensor) throws -> Tensor { try unary(.neg, "neg", x) }
    /// eˣ
    public static func exp(_ x: Tensor) throws -> Tensor { try unary(.exp, "exp", x) }
    /// ln x
    public static func log(_ x: Tensor) throws -> Tensor { try unary(.log, "log", x) }
    /// √x
    public static func sqrt(_ x: Tensor) throws -> Tensor { try unary(.sqrt, "sqrt", x) }
    /// |x|
    public static func abs(_ x: Tensor) throws -> Tensor { try unary(.abs, "abs", x) }
    /// tanh x
    public static func tanh(_ x: Tensor) throws -> Tensor { try unary(.tanh, "tanh", x) }
    /// σ(x) = 1 / (1 + e⁻ˣ)
    public static func sigmoid(_ x: Tensor) throws -> Tensor { try unary(.sigmoid, "sigmoid", x) }
    /// max(x, 0)
    public static func relu(_ x: Tensor) throws -> Tensor { try unary(.relu, "relu", x) }
    /// ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) (Hendrycks & Gimpel 2016; tanh approximation as GPT-2)
    public static func gelu(_ x: Tensor) throws -> Tensor { try unary(.gelu, "gelu", x) }

    /// y = f(x) elementwise; backward dx = dy · f′(x) by `Kernels.unaryBackward`.
    static func unary(_ op: UnaryOp, _ name: String, _ x: Tensor) throws -> Tensor {
        let xc = try x.contiguous(op: name)
        let y = try Tensor.uninitialized(like: xc, op: name)
        Kernels.unary(op, y.pointer, xc.pointer, count: y.count)
        if Tensor.recording(x) {
            let savedY = y.detachedView()
            y.record(name, [x]) { dy in
                let dyc = try dy.contiguous(op: name)
                let dx = try Tensor.uninitialized(like: xc, op: name)
                Kernels.unaryBackward(op, dx: dx.pointer, dy: dyc.pointer, x: xc.pointer, y: savedY.pointer, count: dx.count)
                return [dx]
            }
        }
        if let listener = Trace.listener { listener.opDidRun(OpEvent(op: name, inputs: [x], outputs: [y])) }
        return y
    }
}

// MARK: - Binary arithmetic (NumPy broadcasting)

extension Ops {
    /// a + b
    public static func add(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        let y = try elementwise(.add, "add", a, b)
        if Tensor.recording(a, b) {
            y.record("add", [a, b]) { g in [g, g] }                       // ∂(a+b)/∂a = 1, ∂/∂b = 1
        }
        if let listener = Trace.listener { listener.opDidRun(OpEvent(op: "add", inputs: [a, b], outputs: [y])) }
        return y
    }

    /// a − b
    public static func sub(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        let y = try elementwise(.sub, "sub", a, b)
        if Tensor.recording(a, b) {
            y.record("sub", [a, b]) { g in [g, b.requiresGrad ? try neg(g) : nil] }   // 1, −1
        }
        if let listener = Trace.listener { listener.opDidRun(OpEvent(op: "sub", inputs: [a, b], outputs: [y])) }
        return y
    }

    /// a ⊙ b
    public static func mul(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        let y = try elementwise(.mul, "mul", a, b)
        if Tensor.recording(a, b) {
            y.record("mul", [a, b]) { g in                               // ∂(ab)/∂a = b, ∂/∂b = a
                [a.requiresGrad ? try mul(g, b) : nil, b.requiresGrad ? try mul(g, a) : nil]
            }
        }
        if let listener = Trace.listener { listener.opDidRun(OpEvent(op: "mul", inputs: [a, b], outputs: [y])) }
        return y
    }

    /// a / b
    public static func div(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        let y = try elementwise(.div, "div", a, b)
        if Tensor.recording(a, b) {
            y.record("div", [a, b]) { g in                               // ∂(a/b)/∂a = 1/b, ∂/∂b = −a/b²
                [a.requiresGrad ? try div(g, b) : nil,
                 b.requiresGrad ? try neg(div(mul(g, a), mul(b, b))) : nil]
            }
        }
        if let listener = Trace.listener { listener.opDidRun(OpEvent(op: "div", inputs: [a, b], outputs: [y])) }
        return y
    }

    /// aᵇ
    public static func pow(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        let y = try elementwise(.pow, "pow", a, b)
        if Tensor.recording(a, b) {
            let savedY = y.detachedView()
            y.record("pow", [a, b]) { g in
                // ∂aᵇ/∂a = b·aᵇ⁻¹;  ∂aᵇ/∂b = aᵇ·ln a, taken as 0 where a = 0 (as PyTorch)
                let da = a.requiresGrad ? try mul(g, mul(b, pow(a, sub(b, Tensor(scalar: 1))))) : nil
                let db = b.requiresGrad
                    ? try mul(g, select(equal(a, Tensor(scalar: 0)), Tensor(scalar: 0), mul(savedY, log(a)))) : nil
                return [da, db]
            }
        }
        if let listener = Trace.listener { listener.opDidRun(OpEvent(op: "pow", inputs: [a, b], outputs: [y])) }
        return y
    }

    /// max(a, b) elementwise; at a tie each side gets half the gradient (as PyTorch).
    public static func maximum(_ a: Tensor, _ b: Tensor) throws -> Tensor { try extremum(.maximum, "maximum", a, b) }

    /// min(a, b) elementwise; at a tie each side gets half the gradient (as PyTorch).
    public static func minimum(_ a: Tensor, _ b: Tensor) throws -> Tensor { try extremum(.minimum, "minimum", a, b) }

    static func extremum(_ op: BinaryOp, _ name: String, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        let y = try elementwise(op, name, a, b)
        if Tensor.recording(a, b) {
            y.record(name, [a, b]) { g in
                // ∂max(a,b)/∂a = 1 where a wins, ½ at a tie, 0 where b wins
                let aWins = op == .maximum ? try greater(a, b) : try less(a, b)
                let bWins = op == .maximum ? try greater(b, a) : try less(b, a)
                let tie = try mul(equal(a, b), Tensor(scalar: 0.5))
                return [a.requiresGrad ? try mul(g, add(aWins, tie)) : nil,
                        b.requiresGrad ? try mul(g, add(bWins, tie)) : nil]
            }
        }
        if let listener = Trace.listener { listener.opDidRun(OpEvent(op: name, inputs: [a, b], outputs: [y])) }
        return y
    }

    /// The forward part of every binary op: fast paths for same shape, a one-element operand and
    /// a row, then the general strided loop.
    @inline(__always)
    static func elementwise(_ op: BinaryOp, _ name: String, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        if a.isContiguous && b.isContiguous {
            if a.shape == b.shape {
                let y = try Tensor.uninitialized(like: a, op: name)
                Kernels.binary(op, y.pointer, a.pointer, b.pointer, count: y.count)
                return y
            }
            if b.rank <= a.rank && b.count == 1 {
                let y = try Tensor.uninitialized(like: a, op: name)
                Kernels.binaryScalar(op, y.pointer, a.pointer, b.pointer[0], scalarOnLeft: false, count: y.count)
                return y
            }
            if a.rank <= b.rank && a.count == 1 {
                let y = try Tensor.uninitialized(like: b, op: name)
                Kernels.binaryScalar(op, y.pointer, b.pointer, a.pointer[0], scalarOnLeft: true, count: y.count)
                return y
            }
            if b.rank == 1 && a.rank >= 1 && a.shape[a.rank - 1] == b.shape[0] {
                let y = try Tensor.uninitialized(like: a, op: name)
                Kernels.binaryRow(op, y.pointer, a.pointer, b.pointer, rowOnLeft: false, rows: a.count / Swift.max(b.count, 1), cols: b.count)
                return y
            }
            if a.rank == 1 && b.rank >= 1 && b.shape[b.rank - 1] == a.shape[0] {
                let y = try Tensor.uninitialized(like: b, op: name)
                Kernels.binaryRow(op, y.pointer, b.pointer, a.pointer, rowOnLeft: true, rows: b.count / Swift.max(a.count, 1), cols: a.count)
                return y
            }
        }
        let shape = try Shape.broadcast(a.shape, b.shape, op: name)
        let y = try Tensor.uninitialized(shape, op: name)
        Kernels.binaryStrided(op, y.pointer, a.pointer, aStrides: Shape.broadcastStrides(a.shape, a.strides, to: shape),
                              b.pointer, bStrides: Shape.broadcastStrides(b.shape, b.strides, to: shape), shape: shape)
        return y
    }
}

// MARK: - Comparisons and where

extension Ops {
    /// 1 where a < b, else 0 (not differentiable: records no node)
    public static func less(_ a: Tensor, _ b: Tensor) throws -> Tensor { try compare(.less, "less", a, b) }
    /// 1 where a ≤ b, else 0
    public static func lessEqual(_ a: Tensor, _ b: Tensor) throws -> Tensor { try compare(.lessEqual, "less_equal", a, b) }
    /// 1 where a > b, else 0
    public static func greater(_ a: Tensor, _ b: Tensor) throws -> Tensor { try compare(.greater, "greater", a, b) }
    /// 1 where a ≥ b, else 0
    public static func greaterEqual(_ a: Tensor, _ b: Tensor) throws -> Tensor { try compare(.greaterEqual, "greater_equal", a, b) }
    /// 1 where a = b, else 0
    public static func equal(_ a: Tensor, _ b: Tensor) throws -> Tensor { try compare(.equal, "equal", a, b) }
    /// 1 where a ≠ b, else 0
    public static func notEqual(_ a: Tensor, _ b: Tensor) throws -> Tensor { try compare(.notEqual, "not_equal", a, b) }

    static func compare(_ op: BinaryOp, _ name: String, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        let y = try elementwise(op, name, a, b)
        if let listener = Trace.listener { listener.opDidRun(OpEvent(op: name, inputs: [a, b], outputs: [y])) }
        return y
    }

    /// where(c, a, b): a where c ≠ 0, else b; all three broadcast together (NumPy `where`).
    /// Gradients: ∂/∂a = [c ≠ 0], ∂/∂b = [c = 0]; c gets none.
    public static func select(_ c: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        let name = "where"
        let ab = try Shape.broadcast(a.shape, b.shape, op: name)
        let shape = try Shape.broadcast(c.shape, ab, op: name)
        let y = try Tensor.uninitialized(shape, op: name)
        Kernels.selectStrided(y.pointer, c.pointer, cStrides: Shape.broadcastStrides(c.shape, c.strides, to: shape),
                              a.pointer, aStrides: Shape.broadcastStrides(a.shape, a.strides, to: shape),
                              b.pointer, bStrides: Shape.broadcastStrides(b.shape, b.strides, to: shape), shape: shape)
        if Tensor.recording(a, b) {
            y.record(name, [c, a, b]) { g in
                let zero = Tensor(scalar: 0)
                return [nil, a.requiresGrad ? try select(c, g, zero) : nil, b.requiresGrad ? try select(c, zero, g) : nil]
            }
        }
        if let listener = Trace.listener { listener.opDidRun(OpEvent(op: name, inputs: [c, a, b], outputs: [y])) }
        return y
    }
}

extension Ops {
    /// `where(c, a, b)` under its NumPy name (same as `select`).
    public static func `where`(_ c: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor { try select(c, a, b) }
}
