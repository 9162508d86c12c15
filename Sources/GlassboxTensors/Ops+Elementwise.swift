// MARK: - Binary arithmetic (NumPy broadcasting)

extension OpSpec {
    static let add = OpSpec(
        .add, .math, formula: { .infix($0.a(0), "+", $0.a(1), .sum, associative: true) },
        derivative: .rule { o in DerivativeRule(parts: ["\(o.d(0)) = 1", "\(o.d(1)) = 1"], gradients: [o.g.text, o.g.text]) },
        broadcasts: true)
    static let sub = OpSpec(
        .sub, .math, formula: { .infix($0.a(0), "−", $0.a(1), .sum, associative: false) },
        derivative: .rule { o in
            DerivativeRule(parts: ["\(o.d(0)) = 1", "\(o.d(1)) = −1"], gradients: [o.g.text, Formula.negate(o.g).text])
        }, broadcasts: true)
    static let mul = OpSpec(
        .mul, .math,
        formula: { o in .infix(o.a(0), o.inputs.contains { $0.count == 1 } ? "·" : "⊙", o.a(1), .product, associative: true) },
        derivative: .rule { o in
            DerivativeRule(parts: ["\(o.d(0)) = \(o.a(1).text)", "\(o.d(1)) = \(o.a(0).text)"],
                           gradients: [o.times(o.g, o.a(1), scalar: o.isScalar(1)), o.times(o.g, o.a(0), scalar: o.isScalar(0))])
        }, broadcasts: true)
    static let div = OpSpec(
        .div, .math, formula: { .infix($0.a(0), "/", $0.a(1), .product, associative: false) },
        derivative: .rule { o in
            let b2 = Formula.power(o.a(1), Formula("2"), exponentValue: 2)
            return DerivativeRule(
                parts: ["\(o.d(0)) = 1/\(o.a(1).operand(of: .atom))", "\(o.d(1)) = −\(o.a(0).operand(of: .product))/\(b2.text)"],
                gradients: ["(\(o.g.text))/" + o.a(1).operand(of: .atom), "−" + o.times(o.g, o.a(0)) + "/" + b2.text])
        }, broadcasts: true)
    static let pow = OpSpec(
        .pow, .math,
        formula: { o in .power(o.a(0), o.a(1), exponentValue: o.isScalar(1) ? o.inputs[1].scalarValue : nil) },
        derivative: .rule { o in
            let lnA = "ln \(o.a(0).operand(of: .atom))"
            if o.isScalar(1), let n = o.inputs[1].scalarValue {
                let factor = powerFactor(o.a(0), n, number: o.number)
                return DerivativeRule(parts: ["\(o.d(0)) = \(factor.text)", "\(o.d(1)) = \(o.out)·\(lnA)"],
                                      gradients: [o.times(o.g, factor), "\(o.g.text) ⊙ \(o.out) ⊙ \(lnA)"])
            }
            let b = o.a(1).operand(of: .product), a = o.a(0).operand(of: .atom)
            return DerivativeRule(
                parts: ["\(o.d(0)) = \(b)·\(a)^(\(o.a(1).text) − 1)", "\(o.d(1)) = \(o.out)·\(lnA)"],
                gradients: [o.g.text + " ⊙ " + b + "·" + a + "^(" + o.a(1).text + " − 1)", "\(o.g.text) ⊙ \(o.out) ⊙ \(lnA)"])
        }, broadcasts: true)
    static let maximum = extremum(.maximum, ">")
    static let minimum = extremum(.minimum, "<")

    static func extremum(_ op: Op, _ cmp: String) -> OpSpec {
        OpSpec(op, .math, formula: { .call(op == .maximum ? "max" : "min", $0.labels) },
               derivative: .rule { o in
                   let a = o.a(0).text, b = o.a(1).text
                   return DerivativeRule(
                       parts: ["\(o.d(0)) = 1 where \(a) \(cmp) \(b) (½ at a tie)", "\(o.d(1)) = 1 where \(b) \(cmp) \(a) (½ at a tie)"],
                       gradients: ["\(o.g.text) ⊙ [\(a) \(cmp) \(b)]", "\(o.g.text) ⊙ [\(b) \(cmp) \(a)]"])
               }, broadcasts: true)
    }

    /// n·a^(n−1) for a constant exponent n: `2·a`, `3·a²`, `0.5·a^(−0.5)`.
    static func powerFactor(_ a: Formula, _ n: Float, number: (Float) -> String) -> Formula {
        let coefficient = number(n)
        let m = n - 1
        if m == 0 { return Formula(coefficient) }
        let base: Formula = m == 1 ? a : .power(a, Formula("(" + number(m) + ")"), exponentValue: m)
        return .infix(Formula(coefficient), "·", base, .product, associative: true)
    }
}

extension Ops {
    /// a + b
    public static func add(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        if a.storage.deferred != nil || b.storage.deferred != nil, let y = try deferredAdd(a, b) { return y }
        let y = try elementwise(.add, .add, a, b)
        if Tensor.recording(a, b) {
            y.record(.add, [a, b]) { g in [g, g] }                       // ∂(a+b)/∂a = 1, ∂/∂b = 1
        }
        if let listener = Trace.listener { listener.opDidRun(OpEvent(op: .add, inputs: [a, b], outputs: [y])) }
        return y
    }

    /// a + b joining the output stage of the deferred convolution behind a (or b) when the
    /// other has the same shape (a residual connection; `Deferral`), else nil.
    static func deferredAdd(_ a: Tensor, _ b: Tensor) throws -> Tensor? {
        let d: Deferred, other: Tensor
        if let da = a.wholeDeferred, da.steps.takesAdd { (d, other) = (da, b) }
        else if let db = b.wholeDeferred, db.steps.takesAdd { (d, other) = (db, a) }
        else { return nil }
        guard a.shape == b.shape, a.storage !== b.storage, Deferral.allows([a, b]) else { return nil }
        let residual = try other.contiguous(op: Op.add.name)
        residual.storage.settle()
        if Interrupt.isRequested { throw TensorError.interrupted(op: Op.add.name) }
        var steps = d.steps
        steps.residual = residual
        return try Tensor.deferred(a.shape, op: Op.add.name, producer: d.producer, steps: steps)
    }

    /// a − b
    public static func sub(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        let y = try elementwise(.sub, .sub, a, b)
        if Tensor.recording(a, b) {
            y.record(.sub, [a, b]) { g in [g, b.requiresGrad ? try neg(g) : nil] }   // 1, −1
        }
        if let listener = Trace.listener { listener.opDidRun(OpEvent(op: .sub, inputs: [a, b], outputs: [y])) }
        return y
    }

    /// a ⊙ b
    public static func mul(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        let y = try elementwise(.mul, .mul, a, b)
        if Tensor.recording(a, b) {
            y.record(.mul, [a, b]) { g in                               // ∂(ab)/∂a = b, ∂/∂b = a
                [a.requiresGrad ? try mul(g, b) : nil, b.requiresGrad ? try mul(g, a) : nil]
            }
        }
        if let listener = Trace.listener { listener.opDidRun(OpEvent(op: .mul, inputs: [a, b], outputs: [y])) }
        return y
    }

    /// a / b
    public static func div(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        let y = try elementwise(.div, .div, a, b)
        if Tensor.recording(a, b) {
            y.record(.div, [a, b]) { g in                               // ∂(a/b)/∂a = 1/b, ∂/∂b = −a/b²
                [a.requiresGrad ? try div(g, b) : nil,
                 b.requiresGrad ? try neg(div(mul(g, a), mul(b, b))) : nil]
            }
        }
        if let listener = Trace.listener { listener.opDidRun(OpEvent(op: .div, inputs: [a, b], outputs: [y])) }
        return y
    }

    /// aᵇ
    public static func pow(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        let y = try elementwise(.pow, .pow, a, b)
        if Tensor.recording(a, b) {
            let savedY = y.detachedView()
            y.record(.pow, [a, b]) { g in
                // ∂aᵇ/∂a = b·aᵇ⁻¹;  ∂aᵇ/∂b = aᵇ·ln a, taken as 0 where a = 0 (as PyTorch)
                let da = a.requiresGrad ? try mul(g, mul(b, pow(a, sub(b, Tensor(scalar: 1))))) : nil
                let db = b.requiresGrad
                    ? try mul(g, select(equal(a, Tensor(scalar: 0)), Tensor(scalar: 0), mul(savedY, log(a)))) : nil
                return [da, db]
            }
        }
        if let listener = Trace.listener { listener.opDidRun(OpEvent(op: .pow, inputs: [a, b], outputs: [y])) }
        return y
    }

    /// max(a, b) elementwise; at a tie each side gets half the gradient (as PyTorch).
    public static func maximum(_ a: Tensor, _ b: Tensor) throws -> Tensor { try extremum(.maximum, .maximum, a, b) }

    /// min(a, b) elementwise; at a tie each side gets half the gradient (as PyTorch).
    public static func minimum(_ a: Tensor, _ b: Tensor) throws -> Tensor { try extremum(.minimum, .minimum, a, b) }

    static func extremum(_ kernel: BinaryOp, _ op: Op, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        let y = try elementwise(kernel, op, a, b)
        if Tensor.recording(a, b) {
            y.record(op, [a, b]) { g in
                // ∂max(a,b)/∂a = 1 where a wins, ½ at a tie, 0 where b wins
                let aWins = kernel == .maximum ? try greater(a, b) : try less(a, b)
                let bWins = kernel == .maximum ? try greater(b, a) : try less(b, a)
                let tie = try mul(equal(a, b), Tensor(scalar: 0.5))
                return [a.requiresGrad ? try mul(g, add(aWins, tie)) : nil,
                        b.requiresGrad ? try mul(g, add(bWins, tie)) : nil]
            }
        }
        if let listener = Trace.listener { listener.opDidRun(OpEvent(op: op, inputs: [a, b], outputs: [y])) }
        return y
    }

    /// The forward part of every binary op: fast paths for same shape, a one-element operand and
    /// a row, then the general strided loop.
    @inline(__always)
    static func elementwise(_ kernel: BinaryOp, _ op: Op, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        let name = op.name
        if a.isContiguous && b.isContiguous {
            if a.shape == b.shape {
                let y = try Tensor.uninitialized(like: a, op: name)
                Kernels.binary(kernel, y.pointer, a.pointer, b.pointer, count: y.count)
                return y
            }
            if b.rank <= a.rank && b.count == 1 {
                let y = try Tensor.uninitialized(like: a, op: name)
                Kernels.binaryScalar(kernel, y.pointer, a.pointer, b.pointer[0], scalarOnLeft: false, count: y.count)
                return y
            }
            if a.rank <= b.rank && a.count == 1 {
                let y = try Tensor.uninitialized(like: b, op: name)
                Kernels.binaryScalar(kernel, y.pointer, b.pointer, a.pointer[0], scalarOnLeft: true, count: y.count)
                return y
            }
            if b.rank == 1 && a.rank >= 1 && a.shape[a.rank - 1] == b.shape[0] {
                let y = try Tensor.uninitialized(like: a, op: name)
                Kernels.binaryRow(kernel, y.pointer, a.pointer, b.pointer, rowOnLeft: false, rows: a.count / Swift.max(b.count, 1), cols: b.count)
                return y
            }
            if a.rank == 1 && b.rank >= 1 && b.shape[b.rank - 1] == a.shape[0] {
                let y = try Tensor.uninitialized(like: b, op: name)
                Kernels.binaryRow(kernel, y.pointer, b.pointer, a.pointer, rowOnLeft: true, rows: b.count / Swift.max(a.count, 1), cols: a.count)
                return y
            }
        }
        let shape = try Shape.broadcast(a.shape, b.shape, op: name)
        let y = try Tensor.uninitialized(shape, op: name)
        Kernels.binaryStrided(kernel, y.pointer, a.pointer, aStrides: Shape.broadcastStrides(a.shape, a.strides, to: shape),
                              b.pointer, bStrides: Shape.broadcastStrides(b.shape, b.strides, to: shape), shape: shape)
        return y
    }
}

// MARK: - Comparisons and where

extension OpSpec {
    static func comparison(_ op: Op, _ symbol: String) -> OpSpec {
        OpSpec(op, .math, formula: { .infix($0.a(0), symbol, $0.a(1), .comparison, associative: false) },
               derivative: .none("a comparison is a step function: 0 or 1, with no gradient"))
    }
    static let less = comparison(.less, "<")
    static let lessEqual = comparison(.lessEqual, "≤")
    static let greater = comparison(.greater, ">")
    static let greaterEqual = comparison(.greaterEqual, "≥")
    static let equal = comparison(.equal, "=")
    static let notEqual = comparison(.notEqual, "≠")

    static let `where` = OpSpec(
        .where, .math, formula: { .call("where", $0.labels) },
        derivative: .rule { o in
            let c = o.a(0).text
            return DerivativeRule(local: "\(o.out) = \(o.a(1).text) where \(c), else \(o.a(2).text)",
                                  gradients: [nil, "where(\(c), \(o.g.text), 0)", "where(\(c), 0, \(o.g.text))"])
        }, broadcasts: true)
}

extension Ops {
    /// 1 where a < b, else 0 (not differentiable: records no node)
    public static func less(_ a: Tensor, _ b: Tensor) throws -> Tensor { try compare(.less, .less, a, b) }
    /// 1 where a ≤ b, else 0
    public static func lessEqual(_ a: Tensor, _ b: Tensor) throws -> Tensor { try compare(.lessEqual, .lessEqual, a, b) }
    /// 1 where a > b, else 0
    public static func greater(_ a: Tensor, _ b: Tensor) throws -> Tensor { try compare(.greater, .greater, a, b) }
    /// 1 where a ≥ b, else 0
    public static func greaterEqual(_ a: Tensor, _ b: Tensor) throws -> Tensor { try compare(.greaterEqual, .greaterEqual, a, b) }
    /// 1 where a = b, else 0
    public static func equal(_ a: Tensor, _ b: Tensor) throws -> Tensor { try compare(.equal, .equal, a, b) }
    /// 1 where a ≠ b, else 0
    public static func notEqual(_ a: Tensor, _ b: Tensor) throws -> Tensor { try compare(.notEqual, .notEqual, a, b) }

    static func compare(_ kernel: BinaryOp, _ op: Op, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        let y = try elementwise(kernel, op, a, b)
        if let listener = Trace.listener { listener.opDidRun(OpEvent(op: op, inputs: [a, b], outputs: [y])) }
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
            y.record(.where, [c, a, b]) { g in
                let zero = Tensor(scalar: 0)
                return [nil, a.requiresGrad ? try select(c, g, zero) : nil, b.requiresGrad ? try select(c, zero, g) : nil]
            }
        }
        if let listener = Trace.listener { listener.opDidRun(OpEvent(op: .where, inputs: [c, a, b], outputs: [y])) }
        return y
    }
}

extension Ops {
    /// `where(c, a, b)` under its NumPy name (same as `select`).
    public static func `where`(_ c: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor { try select(c, a, b) }
}
