import GlassboxTensors

// MARK: - Autograd, optimizers, utilities

extension Builtins {
    static let autograd: [Builtin] = [
        Builtin("param", [.required("x")], .autograd,
                "A trainable copy of x: backward fills its gradient and optimizers update it.",
                example: "W = param(randn(2, 3)); W") { a in .tensor(try Ops.param(try a.tensor(0))) },
        Builtin("backward", [.required("y")], .autograd,
                "Computes ∂y/∂t for every tensor t that the scalar y depends on (parameters and named " +
                "intermediates), replacing earlier gradients.",
                example: "W = param([1, 2]); backward(sum(W * W)); W.grad") { a in
            a.context.session.nameTensors()
            try Autograd.backward(try a.tensor(0))
            return .none
        },
        Builtin("grad", [.required("t")], .autograd, "The gradient of t from the last backward (also `t.grad`).",
                example: "W = param([1, 2]); backward(sum(W^3)); grad(W)") { a in
            try gradient(of: try a.tensor(0), a.call.arguments[0], a.call.argumentRange(0))
        },
        Builtin("detach", [.required("x")], .autograd, "The same values with no history: gradients stop here.",
                example: "W = param([1, 2]); detach(W * 2)") { a in .tensor(Ops.detach(try a.tensor(0))) },
    ]

    static let utilities: [Builtin] = [
        Builtin("print", [.variadic("values")], .utility,
                "Writes the values on one line, separated by spaces; a tensor alone as in the notebook, " +
                "a tensor among other values without its shape line (like NumPy's print).",
                example: "print(\"loss\", 0.25)") { a in
            let c = a.context
            let formatter = ValueFormatter(precision: c.session.precision)
            let inline = a.rest.count > 1
            var parts: [String] = []
            for v in a.rest {
                switch v {
                case .string(let s): parts.append(s)
                case .tensor(let t) where inline: parts.append(formatter.body(t))
                default: parts.append(formatter.format(v))
                }
            }
            c.session.emit(parts.joined(separator: " "))
            return .none
        },
    ]
}
