import GlassboxTensors

// MARK: - Shapes, sorting, gathering (PyTorch's names and defaults)

extension Builtins {
    static let arrange: [Builtin] = [
        Builtin("squeeze", [.required("x"), .optional("axis", "none")], .shape,
                "x without its axes of size 1 (or only `axis`, if it has size 1).", example: "squeeze(zeros(1, 3, 1)).shape") { a in
            let x = try a.tensor(0)
            var shape = x.shape
            if let axis = try a.int(1) {
                let k = try a.pointing(at: 1) { try Shape.normalizeAxis(axis, rank: x.rank, op: "squeeze") }
                if shape[k] == 1 { shape.remove(at: k) }
            } else {
                shape.removeAll { $0 == 1 }
            }
            return .tensor(try Ops.reshape(x, shape))
        },
        Builtin("unsqueeze", [.required("x"), .required("axis")], .shape,
                "x with a new axis of size 1 at `axis` (−1 appends it).", example: "unsqueeze([1, 2, 3], 0).shape") { a in
            let x = try a.tensor(0)
            let axis = try a.int(1) ?? 0
            let k = try a.pointing(at: 1) { try Shape.normalizeAxis(axis, rank: x.rank + 1, op: "unsqueeze") }
            var shape = x.shape
            shape.insert(1, at: k)
            return .tensor(try Ops.reshape(x, shape))
        },
        Builtin("flatten", [.required("x"), .optional("start", "0"), .optional("end", "-1")], .shape,
                "x with axes start…end merged into one (all of them by default).", example: "flatten(zeros(2, 3, 4), start=1).shape") { a in
            let x = try a.tensor(0)
            if x.rank == 0 { return .tensor(try Ops.reshape(x, [1])) }
            let s = try a.pointing(at: 1) { try Shape.normalizeAxis(try a.int(1) ?? 0, rank: x.rank, op: "flatten") }
            let e = try a.pointing(at: 2) { try Shape.normalizeAxis(try a.int(2) ?? -1, rank: x.rank, op: "flatten") }
            guard s <= e else { throw RuntimeError(.value, "flatten: start (\(s)) must not come after end (\(e))", a.range) }
            let merged = x.shape[s...e].reduce(1, *)
            return .tensor(try Ops.reshape(x, Array(x.shape[..<s]) + [merged] + Array(x.shape[(e + 1)...])))
        },
        Builtin("expand", [.required("x"), .variadic("d")], .shape,
                "A view of x repeated along its axes of size 1 to the shape d (−1 keeps a size; PyTorch's x.expand).",
                example: "expand([[1], [2]], 2, 3)") { a in
            let x = try a.tensor(0)
            return .tensor(try Ops.expand(x, try a.reshapeDimensions()))
        },
        Builtin("split", [.required("x"), .required("size"), .optional("axis", "0")], .shape,
                "x cut along `axis` into pieces of `size` (the last may be smaller), or of the sizes in a list: a tuple.",
                example: "a, b = split(arange(5), 3)\nb") { a in
            let x = try a.tensor(0)
            let axis = try a.pointing(at: 2) { try Shape.normalizeAxis(try a.int(2) ?? 0, rank: Swift.max(x.rank, 1), op: "split") }
            let sizes = try a.tensor(1)
            let n = x.rank == 0 ? 1 : x.shape[axis]
            var pieces: [Int] = []
            if sizes.rank == 0 {
                guard let s = sizes.scalarValue.flatMap(wholeNumber), s >= 1 else {
                    throw RuntimeError(.value, "`size` of split must be a whole number ≥ 1", a.argumentRange(1))
                }
                pieces = runs(of: s, covering: n)
            } else {
                pieces = try sizes.toArray().map { v in
                    guard let s = wholeNumber(v), s >= 0 else {
                        throw RuntimeError(.value, "split sizes must be whole numbers ≥ 0", a.argumentRange(1))
                    }
                    return s
                }
                guard pieces.reduce(0, +) == n else {
                    throw RuntimeError(.value, "split sizes add up to \(pieces.reduce(0, +)), but axis \(axis) has \(n)", a.argumentRange(1))
                }
            }
            return try a.tuple(try slices(x, axis: axis, sizes: pieces).map { .tensor($0) })
        },
        Builtin("chunk", [.required("x"), .required("n"), .optional("axis", "0")], .shape,
                "x cut along `axis` into n pieces of ⌈size/n⌉ (the last may be smaller, and there may be fewer): a tuple.",
                example: "a, b, c = chunk(arange(6), 3)\nc") { a in
            let x = try a.tensor(0)
            let count = try a.int(1) ?? 1
            guard count >= 1 else { throw RuntimeError(.value, "`n` of chunk must be ≥ 1, got \(count)", a.argumentRange(1)) }
            let axis = try a.pointing(at: 2) { try Shape.normalizeAxis(try a.int(2) ?? 0, rank: Swift.max(x.rank, 1), op: "chunk") }
            let n = x.rank == 0 ? 1 : x.shape[axis]
            let pieces = runs(of: Swift.max(1, (n + count - 1) / count), covering: n)
            return try a.tuple(try slices(x, axis: axis, sizes: pieces).map { .tensor($0) })
        },
        Builtin("tril", [.required("x"), .optional("k", "0")], .shape,
                "The lower triangle of a matrix: elements on and below the k-th diagonal, the rest 0.",
                example: "tril(ones(3, 3))") { a in .tensor(try Ops.tril(try a.tensor(0), k: try a.int(1) ?? 0)) },
        Builtin("triu", [.required("x"), .optional("k", "0")], .shape,
                "The upper triangle: elements on and above the k-th diagonal, the rest 0.",
                example: "triu(ones(3, 3), k=1)") { a in .tensor(try Ops.triu(try a.tensor(0), k: try a.int(1) ?? 0)) },
        Builtin("flip", [.required("x"), .required("axis")], .shape,
                "x reversed along `axis` (or along each axis of a list); a view.", example: "flip([1, 2, 3], 0)") { a in
            let x = try a.tensor(0)
            var specs = [IndexSpec](repeating: .all, count: x.rank)
            for axis in try a.tensor(1).toArray() {
                guard let i = wholeNumber(axis) else { throw RuntimeError(.value, "an axis must be a whole number", a.argumentRange(1)) }
                let k = try a.pointing(at: 1) { try Shape.normalizeAxis(i, rank: x.rank, op: "flip") }
                specs[k] = .slice(start: nil, stop: nil, step: -1)
            }
            return .tensor(try Ops.index(x, specs))
        },
        Builtin("roll", [.required("x"), .required("shift"), .optional("axis", "none")], .shape,
                "x shifted by `shift` along `axis`, wrapping around (of the flattened tensor when axis is left out).",
                example: "roll([1, 2, 3, 4], 1)") { a in
            let x = try a.tensor(0)
            let shift = try a.int(1) ?? 0
            guard let axis = try a.int(2) else {
                let flat = try Ops.reshape(x, [x.count])
                return .tensor(try Ops.reshape(roll(flat, shift, axis: 0), x.shape))
            }
            let k = try a.pointing(at: 2) { try Shape.normalizeAxis(axis, rank: x.rank, op: "roll") }
            return .tensor(try roll(x, shift, axis: k))
        },
        Builtin("repeat", [.required("x"), .variadic("d")], .shape,
                "x tiled d[k] times along each axis k (PyTorch's x.repeat; extra leading counts add axes).",
                example: "repeat([1, 2], 3)\nrepeat([[1, 2]], 2, 2)") { a in
            let x = try a.tensor(0)
            let counts = try a.reshapeDimensions()
            guard counts.count >= x.rank, counts.allSatisfy({ $0 >= 0 }) else {
                throw RuntimeError(.value, "repeat needs a count ≥ 0 for each of x's \(x.rank) axes (or more), got \(counts.count)",
                                   a.range)
            }
            let shape = [Int](repeating: 1, count: counts.count - x.rank) + x.shape
            let interleaved = shape.flatMap { [1, $0] }
            let expanded = zip(counts, shape).flatMap { [$0, $1] }
            let tiled = try Ops.expand(Ops.reshape(x, interleaved), expanded)
            return .tensor(try Ops.reshape(tiled, zip(counts, shape).map { $0 * $1 }))
        },
        Builtin("pad", [.required("x"), .required("widths"), .optional("value", "0")], .shape,
                "x padded with `value`: widths as PyTorch's F.pad, (before, after) pairs from the last axis back.",
                example: "pad([[1, 2], [3, 4]], [1, 1])\npad([1, 2], [2, 0], value=-1)") { a in
            let x = try a.tensor(0)
            let widths = try a.tensor(1).toArray().map { v -> Int in
                guard let w = wholeNumber(v) else { throw RuntimeError(.value, "pad widths must be whole numbers", a.argumentRange(1)) }
                return w
            }
            return .tensor(try a.pointing(at: 1) { try Ops.pad(x, widths, value: try a.float(2) ?? 0) })
        },
        Builtin("sort", [.required("x"), .optional("axis", "-1"), .optional("descending", "false")], .shape,
                "(values, indices): x sorted along `axis` (stable; NaN last) and where each value came from.",
                example: "values, indices = sort([3, 1, 2])\nindices") { a in
            let (v, i) = try Ops.sort(try a.tensor(0), axis: try a.int(1) ?? -1, descending: try a.flag(2))
            return try a.tuple([.tensor(v), .tensor(i)])
        },
        Builtin("argsort", [.required("x"), .optional("axis", "-1"), .optional("descending", "false")], .shape,
                "The indices that sort x along `axis` (stable).", example: "argsort([3, 1, 2])") { a in
            .tensor(try Ops.argsort(try a.tensor(0), axis: try a.int(1) ?? -1, descending: try a.flag(2)))
        },
        Builtin("topk", [.required("x"), .required("k"), .optional("axis", "-1"), .optional("largest", "true")], .shape,
                "(values, indices) of the k largest elements along `axis`, largest first (smallest with largest=false).",
                example: "values, indices = topk([1, 9, 3, 7], 2)\nvalues") { a in
            let (v, i) = try a.pointing(at: 1) {
                try Ops.topk(try a.tensor(0), try a.int(1) ?? 1, axis: try a.int(2) ?? -1, largest: a.has(3) ? try a.flag(3) : true)
            }
            return try a.tuple([.tensor(v), .tensor(i)])
        },
        Builtin("gather", [.required("x"), .required("axis"), .required("index")], .shape,
                "PyTorch's torch.gather: out[…, j, …] = x[…, index[…, j, …], …] along `axis`; the gradient scatters back.",
                example: "gather([[1, 2], [3, 4]], 1, [[1], [0]])") { a in
            .tensor(try a.pointing(at: 2) { try Ops.gather(try a.tensor(0), axis: try a.int(1) ?? 0, try a.tensor(2)) })
        },
        Builtin("masked_fill", [.required("x"), .required("mask"), .required("value")], .shape,
                "x with `value` where mask is nonzero (mask broadcasts); the same as where(mask, value, x).",
                example: "masked_fill([1, 2, 3], [0, 1, 0], -1)") { a in
            .tensor(try Ops.where(try a.tensor(1), try a.tensor(2), try a.tensor(0)))
        },
        Builtin("einsum", [.required("spec"), .variadic("operands")], .shape,
                "Einstein summation: each letter an axis; letters left out of the output are summed (\"ij,jk->ik\" is a @ b).",
                example: "einsum(\"ij,jk->ik\", [[1, 2]], [[3], [4]])\neinsum(\"ii\", eye(3))") { a in
            let spec = try a.string(0)
            return .tensor(try a.pointing(at: 0) { try Ops.einsum(spec, try a.restTensors()) })
        },
    ]

    /// Sizes of consecutive pieces of `size` covering n (the last may be smaller).
    static func runs(of size: Int, covering n: Int) -> [Int] {
        stride(from: 0, to: n, by: size).map { Swift.min(size, n - $0) }
    }

    /// Consecutive pieces of x along `axis` with these sizes (views).
    static func slices(_ x: Tensor, axis: Int, sizes: [Int]) throws -> [Tensor] {
        if x.rank == 0 { return [x] }
        var start = 0
        return try sizes.map { size in
            var specs = [IndexSpec](repeating: .all, count: x.rank)
            specs[axis] = .slice(start: start, stop: start + size, step: 1)
            start += size
            return try Ops.index(x, specs)
        }
    }

    /// x rolled by `shift` along `axis`: the last `shift` slices move to the front.
    static func roll(_ x: Tensor, _ shift: Int, axis: Int) throws -> Tensor {
        let n = x.shape[axis]
        guard n > 0 else { return x }
        let s = ((shift % n) + n) % n
        if s == 0 { return x }
        let parts = try slices(x, axis: axis, sizes: [n - s, s])
        return try Ops.concat([parts[1], parts[0]], axis: axis)
    }
}

extension Arguments {
    /// A true/false argument (`keepdim=true`): nonzero is true; false when left out.
    func flag(_ i: Int) throws -> Bool { (try int(i) ?? 0) != 0 }

    /// A tensor, or nil when left out or given as `none`.
    func optionalTensorOrNone(_ i: Int) throws -> Tensor? {
        if case .none? = value(i) { return nil }
        return try optionalTensor(i)
    }
}
