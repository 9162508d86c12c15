import GlassboxTensors

// MARK: - The vocabulary a NumPy / PyTorch learner expects

/// PyTorch's names, argument order and defaults (NumPy's where PyTorch has none): more
/// elementwise functions and activations, reductions, `*_like` creation, shape utilities,
/// sorting, gathering and `einsum`. Each runs one op of the tensors module (or a few views).
extension Builtins {
    static let moreElementwise: [Builtin] = [
        unary("sin", "sin x (radians), elementwise.", "sin(pi / 2)", Ops.sin),
        unary("cos", "cos x (radians), elementwise.", "cos([0, pi])", Ops.cos),
        unary("tan", "tan x, elementwise.", "tan(pi / 4)", Ops.tan),
        unary("asin", "arcsin x in [−π/2, π/2]; NaN outside [−1, 1].", "asin(1)", Ops.asin),
        unary("acos", "arccos x in [0, π]; NaN outside [−1, 1].", "acos(-1)", Ops.acos),
        unary("atan", "arctan x in (−π/2, π/2).", "atan(1)", Ops.atan),
        binary("atan2", "The angle of the point (b, a) in (−π, π]: atan2(a, b) (NumPy's arctan2).", "atan2(1, -1)", Ops.atan2),
        unary("sinh", "sinh x = (eˣ − e⁻ˣ)/2.", "sinh(1)", Ops.sinh),
        unary("cosh", "cosh x = (eˣ + e⁻ˣ)/2.", "cosh(1)", Ops.cosh),
        unary("floor", "⌊x⌋, the largest whole number ≤ x (gradient 0, as PyTorch).", "floor([-1.5, 1.5])", Ops.floor),
        unary("ceil", "⌈x⌉, the smallest whole number ≥ x (gradient 0).", "ceil([-1.5, 1.5])", Ops.ceil),
        unary("round", "x rounded to the nearest whole number, halves to even (as NumPy and PyTorch; gradient 0).",
              "round([0.5, 1.5, 2.5, -0.5])", Ops.round),
        unary("trunc", "x rounded toward 0 (gradient 0).", "trunc([-1.7, 1.7])", Ops.trunc),
        unary("sign", "−1, 0 or 1 by the sign of x (gradient 0).", "sign([-2, 0, 3])", Ops.sign),
        unary("square", "x², elementwise.", "square([1, 2, 3])", Ops.square),
        binary("pow", "aᵇ, elementwise (the same as a^b).", "pow([1, 2, 3], 2)", Ops.pow),
        unary("log1p", "ln(1 + x), accurate for tiny x.", "log1p(1e-8)", Ops.log1p),
        unary("expm1", "eˣ − 1, accurate for tiny x.", "expm1(1e-8)", Ops.expm1),
        unary("log2", "log₂ x.", "log2(8)", Ops.log2),
        unary("log10", "log₁₀ x.", "log10(1000)", Ops.log10),
        unary("erf", "The error function (2/√π)∫₀ˣ e^(−t²) dt.", "erf([0, 1, 3])", Ops.erf),
        Builtin("softplus", [.required("x"), .optional("beta", "1"), .optional("threshold", "20")], .elementwise,
                "(1/β)·ln(1 + e^(βx)), a smooth relu; x itself where βx > threshold (PyTorch's F.softplus).",
                example: "softplus([-1, 0, 30])") { a in
            .tensor(try Ops.softplus(try a.tensor(0), beta: try a.float(1) ?? 1, threshold: try a.float(2) ?? 20))
        },
        Builtin("leaky_relu", [.required("x"), .optional("negative_slope", "0.01")], .elementwise,
                "x where x > 0, else negative_slope·x.", example: "leaky_relu([-10, 5])") { a in
            .tensor(try Ops.leakyRelu(try a.tensor(0), negativeSlope: try a.float(1) ?? 0.01))
        },
        Builtin("elu", [.required("x"), .optional("alpha", "1")], .elementwise,
                "x where x > 0, else α(eˣ − 1) (Clevert et al. 2016).", example: "elu([-1, 2])") { a in
            .tensor(try Ops.elu(try a.tensor(0), alpha: try a.float(1) ?? 1))
        },
        unary("silu", "x·σ(x), the SiLU or swish (Elfwing et al. 2018).", "silu([-1, 0, 1])", Ops.silu),
        unary("relu6", "min(max(x, 0), 6), MobileNet's activation (Howard et al. 2017).", "relu6([-1, 3, 9])", Ops.relu6),
        clip("clip"),
        clip("clamp"),
        unary("isnan", "1 where x is NaN, else 0.", "isnan([1, nan])", Ops.isnan),
        unary("isinf", "1 where x is ±∞, else 0.", "isinf([1, inf, -inf])", Ops.isinf),
        unary("isfinite", "1 where x is neither NaN nor ±∞, else 0.", "isfinite([1, inf, nan])", Ops.isfinite),
    ]

    /// `clip(x, min, max)` and its PyTorch name `clamp`: number bounds are one op; tensor bounds
    /// broadcast and are composed with `where` (the gradient goes to the bound where x was clipped).
    static func clip(_ name: String) -> Builtin {
        Builtin(name, [.required("x"), .optional("min", "none"), .optional("max", "none")], .elementwise,
                "x limited to [min, max] elementwise (either bound may be left out; bounds may be tensors)"
                    + (name == "clamp" ? " — PyTorch's name for clip." : "."),
                example: "\(name)([-2, 0.5, 3], 0, 1)") { a in
            let x = try a.tensor(0)
            let lo = try a.optionalTensorOrNone(1), hi = try a.optionalTensorOrNone(2)
            guard lo != nil || hi != nil else {
                throw RuntimeError(.arity, "`\(name)` needs at least one of `min` and `max`", a.range, notes: [a.builtin.signatureNote])
            }
            if (lo?.count ?? 1) == 1 && (hi?.count ?? 1) == 1 && (lo?.rank ?? 0) <= x.rank && (hi?.rank ?? 0) <= x.rank {
                return .tensor(try Ops.clip(x, min: lo?.scalarValue, max: hi?.scalarValue))
            }
            var y = x
            if let lo { y = try Ops.where(Ops.less(y, lo), lo, y) }
            if let hi { y = try Ops.where(Ops.greater(y, hi), hi, y) }
            return .tensor(y)
        }
    }

    static let moreReductions: [Builtin] = [
        reduction("prod", "The product of all elements, or along `axis`.", "prod([1, 2, 3, 4])", Ops.prod),
        Builtin("std", [.required("x"), .optional("axis", "all"), .optional("correction", "0"), .optional("keepdim", "false")],
                .reduction, "The standard deviation √var: the population form by default (as var); `correction=1` the sample form.",
                example: "std([1, 2, 3, 4])\nstd([1, 2, 3, 4], correction=1)") { a in
            .tensor(try Ops.std(try a.tensor(0), axis: try a.int(1), keepDims: try a.flag(3), correction: try a.int(2) ?? 0))
        },
        Builtin("norm", [.required("x"), .optional("p", "2"), .optional("axis", "all"), .optional("keepdim", "false")], .reduction,
                "The p-norm (Σ|x|ᵖ)^(1/p) of all elements or along `axis`: p = 2 (Euclidean) by default, 1, inf, any p > 0.",
                example: "norm([3, 4])\nnorm([3, -4], p=1)") { a in
            .tensor(try Ops.norm(try a.tensor(0), p: try a.float(1) ?? 2, axis: try a.int(2), keepDims: try a.flag(3)))
        },
        reduction("any", "1 if any element (along `axis`) is nonzero, else 0.", "any([0, 0, 1])", Ops.any),
        reduction("all", "1 if every element (along `axis`) is nonzero, else 0.", "all([1, 2, 0])", Ops.all),
        scan("cumsum", "Running sums along `axis` (of the flattened tensor when left out).", "cumsum([1, 2, 3, 4])", Ops.cumsum),
        scan("cumprod", "Running products along `axis` (of the flattened tensor when left out).", "cumprod([1, 2, 3, 4])", Ops.cumprod),
    ]

    static func scan(_ name: String, _ summary: String, _ example: String,
                     _ op: @escaping @Sendable (Tensor, Int) throws -> Tensor) -> Builtin {
        Builtin(name, [.required("x"), .optional("axis", "none")], .reduction, summary, example: example) { a in
            let x = try a.tensor(0)
            if let axis = try a.int(1) { return .tensor(try op(x, axis)) }
            return .tensor(try op(try Ops.reshape(x, [x.count]), 0))
        }
    }

    static let likes: [Builtin] = [
        like("zeros_like", "Zeros of x's shape.") { try Ops.zeros($0.shape) },
        like("ones_like", "Ones of x's shape.") { try Ops.ones($0.shape) },
        Builtin("full_like", [.required("x"), .required("value")], .creation, "A tensor of x's shape full of value.",
                example: "full_like([[1, 2], [3, 4]], 7)") { a in
            .tensor(try Ops.full(try a.float(1) ?? 0, try a.tensor(0).shape))
        },
        like("rand_like", "Uniform random values in [0, 1) of x's shape (seeded).") { try Ops.rand($0.shape) },
        like("randn_like", "Standard normal values of x's shape (seeded).") { try Ops.randn($0.shape) },
        Builtin("numel", [.required("x")], .creation, "The number of elements of x (PyTorch's numel; x.size).",
                example: "numel(zeros(2, 3))") { a in .number(Float(try a.tensor(0).count)) },
        binary("matmul", "The matrix product a @ b (NumPy matmul semantics, batched).", "matmul([[1, 2]], [[3], [4]])", Ops.matmul),
    ]

    static func like(_ name: String, _ summary: String, _ make: @escaping @Sendable (Tensor) throws -> Tensor) -> Builtin {
        Builtin(name, [.required("x")], .creation, summary, example: "\(name)([[1, 2], [3, 4]])") { a in
            .tensor(try make(try a.tensor(0)))
        }
    }
}
