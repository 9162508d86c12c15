import GlassboxTensors

// MARK: - Tensor attributes

extension Value {
    /// `x.shape`, `x.T`, `x.grad`, `x.rank`, `x.size`: the one table the evaluator, Tab
    /// completion and `?name` read for tensors.
    public static let tensorAttributes = AttributeTable<Tensor>([
        Attribute("shape", "the sizes of the axes, as a vector") { x, access in
            do { return .tensor(try Tensor(shape: [x.rank], data: x.shape.map(Float.init))) }
            catch { throw RuntimeError.from(error, at: access.range) }
        },
        Attribute("T", "the transpose (last two axes swapped), as x'") { x, access in
            access.willRunOp()
            do { return .tensor(try Ops.transpose(x)) } catch { throw RuntimeError.from(error, at: access.range) }
        },
        Attribute("grad", "the gradient from the last backward(y), as grad(x)") { x, access in
            try gradient(of: x, named: access.baseName, access.range)
        },
        Attribute("rank", "the number of axes") { x, _ in .number(Float(x.rank)) },
        Attribute("size", "the number of elements") { x, _ in .number(Float(x.count)) },
    ])
}
