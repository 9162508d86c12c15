import GlassboxTensors

// MARK: - Joining, softmax, losses, layers, optimizers

extension Builtins {
    static let joining: [Builtin] = [
        Builtin("concat", [.variadic("t"), .optional("axis", "0")], .shape,
                "The tensors joined end to end along an existing axis (all other axes must match).",
                example: "concat([1, 2], [3], axis=0)") { a in
            .tensor(try Ops.concat(try a.restTensors(), axis: try a.int(1) ?? 0))
        },
        Builtin("stack", [.variadic("t"), .optional("axis", "0")], .shape,
                "Equal-shaped tensors stacked along a new axis.", example: "stack([1, 2], [3, 4], axis=1)") { a in
            .tensor(try Ops.stack(try a.restTensors(), axis: try a.int(1) ?? 0))
        },
    ]

    static let softmaxFamily: [Builtin] = [
        Builtin("softmax", [.required("x"), .optional("axis", "-1")], .softmax,
                "exp(x) / Σ exp(x) along `axis`, computed stably (the maximum is subtracted first).",
                example: "softmax([1, 2, 3])") { a in
            .tensor(try Ops.softmax(try a.tensor(0), axis: try a.int(1) ?? -1))
        },
        Builtin("log_softmax", [.required("x"), .optional("axis", "-1")], .softmax,
                "log(softmax(x)) along `axis`, computed stably as x − logsumexp(x).",
                example: "log_softmax([1, 2, 3])") { a in
            .tensor(try Ops.logSoftmax(try a.tensor(0), axis: try a.int(1) ?? -1))
        },
        Builtin("logsumexp", [.required("x"), .optional("axis", "-1"), .optional("keepdim", "false")], .softmax,
                "log Σ exp(x) along `axis`, computed stably (m + log Σ exp(x − m)).",
                example: "logsumexp([1, 2, 3])") { a in
            .tensor(try Ops.logsumexp(try a.tensor(0), axis: try a.int(1) ?? -1, keepDims: try a.flag(2)))
        },
    ]

    static let losses: [Builtin] = [
        Builtin("mse", [.required("pred"), .required("target")], .loss,
                "Mean squared error: mean((pred − target)²).", example: "mse([1, 2], [1, 4])") { a in
            .tensor(try Ops.mse(try a.tensor(0), try a.tensor(1)))
        },
        Builtin("cross_entropy", [.required("logits"), .required("labels")], .loss,
                "Mean over the batch of −log softmax(logits)[label]; labels are class indices.",
                example: "cross_entropy([[2, 0, 0]], [0])") { a in
            .tensor(try Ops.crossEntropy(try a.tensor(0), try a.tensor(1)))
        },
    ]

    static let layers: [Builtin] = [
        Builtin("linear", [.required("x"), .required("W"), .optional("b", "none")], .layer,
                "x·Wᵀ + b with W of shape (out, in), as torch.nn.functional.linear.",
                example: "linear([[1, 2]], [[1, 0], [0, 1], [1, 1]], [0, 0, 1])") { a in
            .tensor(try Ops.linear(try a.tensor(0), try a.tensor(1), try a.optionalTensor(2)))
        },
        Builtin("rnn_cell", [.required("x"), .required("h"), .required("W_ih"), .required("W_hh"),
                             .required("b_ih"), .required("b_hh")], .layer,
                "tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh), one step of an Elman RNN (PyTorch layout).",
                example: "rnn_cell(ones(1, 2), zeros(1, 3), full(0.1, 3, 2), full(0.1, 3, 3), zeros(3), zeros(3))") { a in
            .tensor(try Ops.rnnCell(try a.tensor(0), try a.tensor(1), try a.tensor(2), try a.tensor(3),
                                    try a.tensor(4), try a.tensor(5)))
        },
        Builtin("lstm_cell", [.required("x"), .required("h"), .required("c"), .required("W_ih"), .required("W_hh"),
                              .required("b_ih"), .required("b_hh")], .layer,
                "One LSTM step → (h′, c′); gate rows i, f, g, o of W_ih (4H, I) and W_hh (4H, H) as in PyTorch.",
                example: "h, c = lstm_cell(ones(1, 2), zeros(1, 3), zeros(1, 3), full(0.1, 12, 2), full(0.1, 12, 3), zeros(12), zeros(12)); c") { a in
            let (h, c) = try Ops.lstmCell(try a.tensor(0), try a.tensor(1), try a.tensor(2), try a.tensor(3),
                                          try a.tensor(4), try a.tensor(5), try a.tensor(6))
            return try a.tuple([.tensor(h), .tensor(c)])
        },
        Builtin("attention", [.required("Q"), .required("K"), .required("V"), .optional("mask", "none")], .layer,
                "softmax(Q·Kᵀ/√d_k + mask)·V over the last two axes (Vaswani et al. 2017).",
                example: "Q = [[1, 0], [0, 1], [1, 1]]; attention(Q, Q, Q, mask=causal_mask(3))") { a in
            .tensor(try Ops.attention(try a.tensor(0), try a.tensor(1), try a.tensor(2), mask: try a.optionalTensor(3)))
        },
        Builtin("causal_mask", [.required("n"), .optional("keys", "n")], .layer,
                "The n×n mask with 0 on and below the diagonal and -inf above (no peeking ahead); with keys > n, the last n queries over that many keys (a key/value cache before them).",
                example: "causal_mask(3)\ncausal_mask(2, 4)") { a in
            let n = try a.int(0) ?? 0
            guard let keys = try a.int(1) else { return .tensor(try a.pointing(at: 0) { try Ops.causalMask(n) }) }
            return .tensor(try a.pointing(at: 1) { try Ops.causalMask(n, keys) })
        },
        Builtin("layer_norm", [.required("x"), .required("gamma"), .required("beta")], .layer,
                "(x − mean) / √(var + 1e-5) · gamma + beta over the last axis (Ba et al. 2016).",
                example: "layer_norm([[1, 2, 3]], ones(3), zeros(3))") { a in
            .tensor(try Ops.layerNorm(try a.tensor(0), try a.tensor(1), try a.tensor(2)))
        },
    ]

    static let optimizers: [Builtin] = [
        Builtin("sgd", [.variadic("params"), .required("lr"), .optional("momentum", "0")], .optimizer,
                "Stochastic gradient descent over the parameters (tensors, or weights from params): v ← μ·v + g; p ← p − lr·v.",
                example: "W = param([1, 2]); opt = sgd(W, lr=0.1); opt") { a in
            .object(try Optimizer.sgd(try a.restParameters(), lr: try a.float(1) ?? 0, momentum: try a.float(2) ?? 0))
        },
        Builtin("adam", [.variadic("params"), .optional("lr", "0.001"), .optional("beta1", "0.9"),
                         .optional("beta2", "0.999"), .optional("eps", "1e-8")], .optimizer,
                "Adam (Kingma & Ba 2015) with bias correction, PyTorch's defaults.",
                example: "W = param([1, 2]); opt = adam(W, lr=0.01); opt") { a in
            .object(try Optimizer.adam(try a.restParameters(), lr: try a.float(1) ?? 0.001, beta1: try a.float(2) ?? 0.9,
                                       beta2: try a.float(3) ?? 0.999, eps: try a.float(4) ?? 1e-8))
        },
        Builtin("step", [.required("opt")], .optimizer,
                "Updates the optimizer's parameters in place from their current gradients; opt.t counts steps.",
                example: "W = param([1, 2]); opt = sgd(W, lr=0.1); backward(sum(W * W)); step(opt); W") { a in
            guard let o = a.value(0)?.object(as: Optimizer.self) else {
                throw RuntimeError(.type, "step needs an optimizer (made by sgd or adam), got a \(a.value(0)?.typeName ?? "nothing")",
                                   a.call.argumentRange(0))
            }
            try o.step()
            return .none
        },
    ]
}

extension Arguments {
    /// A tuple of built-in results (never too deep: its items are tensors).
    func tuple(_ items: [Value]) throws -> Value {
        guard let t = TupleValue(items) else { throw RuntimeError(.depth, "tuple too large", range) }
        return .tuple(t)
    }
}
