/// Gathering rows by index (NumPy `take`), one-hot codes, and seeded draws: a permutation and
/// inverse-CDF sampling. Index values arrive as floats (the language's numbers) and must be whole.

// MARK: - take

extension OpSpec {
    /// `take(x, idx, axis=0)`: one step, one node; its backward scatters the gradient back.
    static let take = OpSpec(
        .take, .math,
        formula: { o in .call("take", o.labels, extra: o.attribute("axis").map { ["axis=\($0)"] } ?? []) },
        derivative: .rule { o in
            DerivativeRule(local: "\(o.out) copies slices of \(o.a(0).text): each slice's gradient goes back where it came from, "
                               + "adding up where an index repeats",
                           gradients: ["\(o.g.text) scattered into zeros shaped like \(o.a(0).text) (scatter-add)", nil])
        })
}

extension Ops {
    /// NumPy `take(x, indices, axis)` (PyTorch `index_select` for a vector of indices): the
    /// slices of x at `indices` along `axis`, in that order. Result shape
    /// x.shape[..<axis] + indices.shape + x.shape[axis+1...]. Negative indices count from the end.
    /// Backward: the gradient of each slice is added back at its index (`Kernels.scatterAddAxis`),
    /// so an index taken twice receives both contributions; `indices` gets none.
    public static func take(_ x: Tensor, _ indices: Tensor, axis: Int = 0) throws -> Tensor {
        let name = Op.take.name
        guard x.rank > 0 else { throw TensorError.invalidArgument(op: name, message: "needs a tensor of rank ≥ 1, got a number") }
        let ax = try Shape.normalizeAxis(axis, rank: x.rank, op: name)
        let size = x.shape[ax]
        let picks = try wholeIndices(indices, op: name) { value in
            guard let i = wholeNumber(value), i >= -size, i < size else {
                return .invalidIndex(op: name, value: value, axis: ax, size: size)
            }
            return nil
        }.map { $0 < 0 ? $0 + size : $0 }
        let (outer, _, inner) = Shape.split(x.shape, axis: ax)
        let shape = Array(x.shape[..<ax]) + indices.shape + Array(x.shape[(ax + 1)...])
        return try gatherSlices(.take, x, [x, indices], picks: picks, outer: outer, size: size, inner: inner,
                                shape: shape, attributes: [("axis", String(ax))])
    }

    /// The slices x (outer, size, inner)[:, picks[j], :] as a tensor of `shape` (`Kernels.gatherAxis`),
    /// recorded as one `op` node over `inputs` (x first) whose backward adds each slice's
    /// gradient back at its position (`Kernels.scatterAddAxis`); the other inputs get none.
    static func gatherSlices(_ op: Op, _ x: Tensor, _ inputs: [Tensor], picks: [Int], outer: Int, size: Int, inner: Int,
                             shape: [Int], attributes: [(name: String, value: String)]) throws -> Tensor {
        let name = op.name
        let xc = try x.contiguous(op: name)
        let y = try Tensor.uninitialized(shape, op: name)
        picks.withUnsafeBufferPointer { idx in
            if let p = idx.baseAddress {
                Kernels.gatherAxis(y.pointer, xc.pointer, index: p, m: picks.count, outer: outer, size: size, inner: inner)
            }
        }
        if Tensor.recording(x) {
            let xShape = x.shape
            y.record(op, inputs) { g in
                let gc = try g.contiguous(op: name)
                let dx = try Tensor.filled(xShape, 0, op: name)
                picks.withUnsafeBufferPointer { idx in
                    if let p = idx.baseAddress {
                        Kernels.scatterAddAxis(dx: dx.pointer, dy: gc.pointer, index: p, m: picks.count,
                                               outer: outer, size: size, inner: inner)
                    }
                }
                return [dx] + [Tensor?](repeating: nil, count: inputs.count - 1)
            }
        }
        if let listener = Trace.listener { listener.opDidRun(OpEvent(op: op, inputs: inputs, outputs: [y], attributes: attributes)) }
        return y
    }

    /// The elements of `t` as whole numbers; `check` says what is wrong with a value (nil: fine).
    static func wholeIndices(_ t: Tensor, op: String, _ check: (Float) -> TensorError?) throws -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(t.count)
        for value in t.toArray() {
            if let error = check(value) { throw error }
            out.append(wholeNumber(value) ?? 0)
        }
        return out
    }
}

// MARK: - one_hot

extension OpSpec {
    static let oneHot = OpSpec(.oneHot, .source, derivative: .none("a code made from class indices: nothing to differentiate"))
}

extension Ops {
    /// One-hot codes (PyTorch `F.one_hot`): shape labels.shape + [n], 1 in column labels[k] of
    /// row k and 0 elsewhere. Labels must be whole numbers in 0..<n.
    public static func oneHot(_ labels: Tensor, _ n: Int) throws -> Tensor {
        let name = Op.oneHot.name
        guard n >= 1 else { throw TensorError.invalidArgument(op: name, message: "n must be ≥ 1, got \(n)") }
        let classes = try wholeIndices(labels, op: name) { value in
            guard let k = wholeNumber(value), k >= 0, k < n else {
                return .invalidArgument(op: name, message: "label \(TensorError.format(value)) is not a class index in 0…\(n - 1)")
            }
            return nil
        }
        let y = try Tensor.uninitialized(labels.shape + [n], op: name)
        classes.withUnsafeBufferPointer { c in
            if let p = c.baseAddress { Kernels.oneHot(y.pointer, labels: p, count: classes.count, n: n) }
        }
        report(.oneHot, y)
        return y
    }
}

// MARK: - Seeded draws

extension OpSpec {
    static let randperm = creation(.randperm, "a random draw: nothing to differentiate")
    static let multinomial = OpSpec(.multinomial, .source, derivative: .none("a random draw: nothing to differentiate"))
    /// Reported by the language's `encode` while `explain` listens: attributes `piece k` (the
    /// pre-tokenized text) and `merge k` (`left + right → merged (rank r)`, in order), and the
    /// intermediate `ids k`, piece k's ids.
    /// Reported by the language's `sample` under `explain` (Holtzman et al. 2020 for top-p).
    static let sample = OpSpec(.sample, .source, derivative: .none("a random draw: nothing to differentiate"))
    static let encode = OpSpec(.encode, .source, derivative: .none("token ids are integers: nothing to differentiate"))
}

extension Ops {
    /// A random permutation of 0, 1, …, n−1 (PyTorch `torch.randperm`): Fisher–Yates with n−1
    /// draws from the seeded generator.
    public static func randperm(_ n: Int) throws -> Tensor {
        let name = Op.randperm.name
        guard n >= 0 else { throw TensorError.invalidArgument(op: name, message: "n must be ≥ 0, got \(n)") }
        let y = try Tensor.uninitialized([n], op: name)
        let draws = try Tensor.uninitialized([Swift.max(n - 1, 0)], op: name)
        for i in 0..<draws.count { draws.pointer[i] = RandomSource.uniform() }
        Kernels.permutation(y.pointer, uniforms: draws.pointer, n: n)
        report(.randperm, y)
        return y
    }

    /// `n` class indices per row drawn with replacement, with probabilities proportional to the
    /// weights p (k) or (rows, k) (PyTorch `torch.multinomial(p, n, replacement=True)`); one
    /// uniform draw per sample from the seeded generator, rows in order. Result (n) or (rows, n).
    public static func multinomial(_ p: Tensor, _ n: Int) throws -> Tensor {
        let name = Op.multinomial.name
        guard p.rank == 1 || p.rank == 2, p.count > 0 else {
            throw TensorError.invalidArgument(op: name, message: "needs a vector or a matrix of probabilities, got shape \(Shape.text(p.shape))")
        }
        guard n >= 1 else { throw TensorError.invalidArgument(op: name, message: "n must be ≥ 1, got \(n)") }
        let k = p.shape[p.rank - 1], rows = p.rank == 1 ? 1 : p.shape[0]
        let y = try Tensor.uninitialized(p.rank == 1 ? [n] : [rows, n], op: name)
        let pc = try p.contiguous(op: name)
        for i in 0..<y.count { y.pointer[i] = RandomSource.uniform() }
        switch Kernels.multinomialRows(y.pointer, pc.pointer, rows: rows, k: k, n: n) {
        case nil: break
        case .invalidWeight(let w)?:
            throw TensorError.invalidArgument(op: name, message: "probabilities must be finite and ≥ 0, got \(TensorError.format(w))")
        case .zeroRow(let r)?:
            throw TensorError.invalidArgument(op: name, message: "the probabilities" + (rows > 1 ? " of row \(r)" : "") + " sum to 0")
        }
        report(.multinomial, y)
        return y
    }
}

/// `x` as an `Int` when it is a whole number small enough to be one (never traps): how every
/// index, count and class label given as a number is read, here and in the language.
public func wholeNumber(_ x: Float) -> Int? {
    guard x.isFinite, x == x.rounded(), x.magnitude < 9.0e15 else { return nil }
    return Int(x)
}
