import GlassboxTensors

// MARK: - Making tensors, shapes, elementwise functions, reductions

extension Builtins {
    static let creation: [Builtin] = [
        Builtin("zeros", [.variadic("d")], .creation, "A tensor of zeros with dimensions d (`zeros(x.shape)` works too).",
                example: "zeros(2, 3)") { a in .tensor(try Ops.zeros(try a.dimensions())) },
        Builtin("ones", [.variadic("d")], .creation, "A tensor of ones with dimensions d.",
                example: "ones(3)") { a in .tensor(try Ops.ones(try a.dimensions())) },
        Builtin("full", [.required("v"), .variadic("d")], .creation, "A tensor with dimensions d, every element v.",
                example: "full(0.5, 2, 2)") { a in
            .tensor(try Ops.full(try a.float(0) ?? 0, try a.dimensions()))
        },
        Builtin("eye", [.required("n"), .optional("m", "n")], .creation, "The n×n identity matrix (n×m if m is given).",
                example: "eye(3)") { a in .tensor(try Ops.eye(try a.int(0) ?? 0, try a.int(1))) },
        Builtin("arange", [.required("a"), .optional("b", "none"), .optional("step", "1")], .creation,
                "Evenly spaced values from a up to (not including) b; `arange(n)` is 0, 1, …, n−1.",
                example: "arange(0, 1, 0.25)", signature: "arange(a, b, step=1)") { a in
            let first = Double(try a.float(0) ?? 0)
            let step = Double(try a.float(2) ?? 1)
            if let b = try a.float(1) { return .tensor(try Ops.arange(first, Double(b), step)) }
            return .tensor(try Ops.arange(0, first, step))
        },
        Builtin("linspace", [.required("a"), .required("b"), .required("n")], .creation,
                "n evenly spaced values from a to b, both included.", example: "linspace(0, 1, 5)") { a in
            .tensor(try Ops.linspace(Double(try a.float(0) ?? 0), Double(try a.float(1) ?? 0), try a.int(2) ?? 0))
        },
        Builtin("rand", [.variadic("d")], .creation, "Uniform random values in [0, 1) (seed(n) makes them reproducible).",
                example: "rand(2, 2)") { a in .tensor(try Ops.rand(try a.dimensions())) },
        Builtin("randn", [.variadic("d")], .creation, "Standard normal random values, mean 0 and variance 1.",
                example: "randn(2, 3)") { a in .tensor(try Ops.randn(try a.dimensions())) },
        Builtin("seed", [.required("n")], .creation, "Reseeds the random generator: every later draw is reproducible.",
                example: "seed(0); rand(3)") { a in
            let n = try a.int(0) ?? 0
            guard n >= 0 else {
                throw RuntimeError(.value, "a seed must be a whole number ≥ 0, got \(n)", a.call.argumentRange(0))
            }
            RandomSource.seed(UInt64(n))
            return .none
        },
    ]

    static let shape: [Builtin] = [
        Builtin("reshape", [.required("x"), .variadic("d")], .shape,
                "The elements of x in a new shape (row-major); one dimension may be −1.",
                example: "reshape(arange(6), 2, 3)") { a in
            .tensor(try Ops.reshape(try a.tensor(0), try a.reshapeDimensions()))
        },
        Builtin("transpose", [.required("x"), .optional("a", "none"), .optional("b", "none")], .shape,
                "x with its axes reversed (also `x'` and `x.T`); with a and b, x with axes a and b swapped "
                + "(PyTorch's `x.transpose(a, b)`; negative axes count from the end).",
                example: "transpose([[1, 2, 3]])\nH = zeros(2, 5, 4, 8)   # batch, time, heads, features\ntranspose(H, 1, 2).shape",
                signature: "transpose(x), transpose(x, a, b)") { a in
            let x = try a.tensor(0)
            switch (try a.int(1), try a.int(2)) {
            case (nil, nil): return .tensor(try Ops.transpose(x))
            case (let i?, let j?):
                var axes = Array(0..<x.rank)
                axes.swapAt(try Shape.normalizeAxis(i, rank: x.rank, op: "transpose"),
                            try Shape.normalizeAxis(j, rank: x.rank, op: "transpose"))
                // Named `swapaxes` unless it reverses every axis, so `explain` does not write it as xᵀ.
                if axes == Array((0..<x.rank).reversed()) { return .tensor(try Ops.transpose(x)) }
                return .tensor(try Ops.permute(x, axes))
            default:
                throw RuntimeError(.arity, "`transpose` takes two axes to swap (a and b), or none to reverse them all",
                                   a.range, notes: ["signature: transpose(x), transpose(x, a, b)"])
            }
        },
        Builtin("permute", [.required("x"), .variadic("axes")], .shape,
                "x with its axes reordered: axis k of the result is axis axes[k] of x (PyTorch's `x.permute(…)`, "
                + "NumPy's `transpose(x, axes)`). A view, like transpose.",
                example: "permute(zeros(2, 3, 4), 2, 0, 1).shape") { a in
            let x = try a.tensor(0)
            let axes: [Int]
            if a.rest.count == 1, case .tensor(let t) = a.rest[0], t.rank == 1 {   // permute(x, [2, 0, 1])
                axes = try t.toArray().map { x in
                    guard let n = wholeNumber(x) else {
                        throw RuntimeError(.value, "an axis of permute must be a whole number, got \(ValueFormatter().number(x))",
                                           a.restRanges[0])
                    }
                    return n
                }
            } else {
                axes = try zip(a.rest, a.restRanges).map { try a.asInt($0, $1, "an axis of permute") }
            }
            return .tensor(try Ops.permute(x, axes))
        },
    ]

    static let elementwise: [Builtin] = [
        unary("exp", "eˣ, elementwise.", "exp([0, 1])", Ops.exp),
        unary("log", "The natural logarithm ln x, elementwise.", "log(exp(2))", Ops.log),
        unary("sqrt", "√x, elementwise.", "sqrt([4, 9])", Ops.sqrt),
        unary("abs", "|x|, elementwise.", "abs([-2, 3])", Ops.abs),
        unary("tanh", "tanh x, elementwise.", "tanh([0, 1])", Ops.tanh),
        unary("sigmoid", "σ(x) = 1 / (1 + e⁻ˣ), elementwise.", "sigmoid(0)", Ops.sigmoid),
        unary("relu", "max(x, 0), elementwise.", "relu([-1, 2])", Ops.relu),
        unary("gelu", "½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), the tanh approximation used by GPT-2.",
              "gelu([-1, 0, 1])", Ops.gelu),
        binary("maximum", "The larger of a and b, elementwise (broadcasting).", "maximum([1, 5], 3)", Ops.maximum),
        binary("minimum", "The smaller of a and b, elementwise (broadcasting).", "minimum([1, 5], 3)", Ops.minimum),
        Builtin("where", [.required("c"), .required("a"), .required("b")], .elementwise,
                "a where c is nonzero, else b, elementwise (broadcasting).", example: "where([1, 0], 10, 20)") { a in
            .tensor(try Ops.where(try a.tensor(0), try a.tensor(1), try a.tensor(2)))
        },
    ]

    static let reductions: [Builtin] = [
        reduction("sum", "The sum of all elements, or along `axis` (negative axes count from the end).",
                  "sum([[1, 2], [3, 4]], axis=0)", Ops.sum),
        reduction("mean", "The mean of all elements, or along `axis`.", "mean([1, 2, 3, 4])", Ops.mean),
        reduction("max", "The largest element, or the largest along `axis`.", "max([3, 7, 5])", Ops.max),
        reduction("min", "The smallest element, or the smallest along `axis`.", "min([3, 7, 5])", Ops.min),
        reduction("argmax", "The index of the largest element (of the flattened tensor), or along `axis`.",
                  "argmax([3, 7, 5])", Ops.argmax),
        reduction("argmin", "The index of the smallest element, or along `axis`.", "argmin([3, 7, 5])", Ops.argmin),
        Builtin("var", [.required("x"), .optional("axis", "all"), .optional("correction", "0"), .optional("keepdim", "false")],
                .reduction, "The population variance (divides by n, as NumPy and layer norm do), or along `axis`; "
                    + "`correction=1` divides by n − 1 (the sample variance, PyTorch's default).",
                example: "var([1, 2, 3, 4])\nvar([1, 2, 3, 4], correction=1)") { a in
            .tensor(try Ops.variance(try a.tensor(0), axis: try a.int(1), keepDims: try a.flag(3), correction: try a.int(2) ?? 0))
        },
    ]

    // MARK: Shorthands

    static func unary(_ name: String, _ summary: String, _ example: String,
                      _ op: @escaping @Sendable (Tensor) throws -> Tensor) -> Builtin {
        Builtin(name, [.required("x")], .elementwise, summary, example: example) { a in .tensor(try op(try a.tensor(0))) }
    }

    static func binary(_ name: String, _ summary: String, _ example: String,
                       _ op: @escaping @Sendable (Tensor, Tensor) throws -> Tensor) -> Builtin {
        Builtin(name, [.required("a"), .required("b")], .elementwise, summary, example: example) { a in
            .tensor(try op(try a.tensor(0), try a.tensor(1)))
        }
    }

    static func reduction(_ name: String, _ summary: String, _ example: String,
                          _ op: @escaping @Sendable (Tensor, Int?, Bool) throws -> Tensor) -> Builtin {
        Builtin(name, [.required("x"), .optional("axis", "all"), .optional("keepdim", "false")], .reduction, summary,
                example: example) { a in
            .tensor(try op(try a.tensor(0), try a.int(1), try a.flag(2)))
        }
    }
}

extension Arguments {
    /// `reshape(x, 2, 3)`, `reshape(x, [2, 3])`, `reshape(x, y.shape)`; −1 allowed once.
    func reshapeDimensions() throws -> [Int] {
        if rest.count == 1, case .tensor(let t) = rest[0], t.rank == 1 {
            return try t.toArray().map { try asInt(.number($0), restRanges[0], "a dimension of reshape") }
        }
        return try zip(rest, restRanges).map { try asInt($0, $1, "a dimension of reshape") }
    }
}
