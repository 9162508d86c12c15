import GlassboxTensors

// MARK: - Assignment to an index

/// `x[0, 1:3] = v` and `x[i] += v`: binds `x` to a new tensor equal to the old one with that part
/// replaced (`Ops.indexPut`), as Swift arrays behave. Any other variable that held the old tensor
/// keeps it, and the gradient flows to both the old tensor and v. All or nothing: `x` is stored
/// only after every step succeeded.
final class UpdateNode: Node {
    let target: Target
    /// Reads the variable's current value.
    let current: Node
    let items: [IndexNode.Item]
    /// The left side as written (`x[0, 1:3]`), for messages.
    let text: String
    let value: Node
    /// For `x[i] op= v`: computes `x[i] op v` (only its `apply` is used, with its range).
    let combine: BinaryNode?

    init(_ target: Target, _ current: Node, _ items: [IndexNode.Item], text: String, op: BinaryOperator?,
         _ value: Node, _ range: SourceRange) {
        self.target = target
        self.current = current
        self.items = items
        self.text = text
        self.value = value
        self.combine = op.map { BinaryNode($0, current, value, range) }
        super.init(range)
    }

    override func eval(_ c: Context) throws -> Value {
        try c.checkStack(range)
        // As Python: the right side first for `=`; the old part first for `op=`.
        var v = combine == nil ? try value.eval(c) : .none
        let old = try current.eval(c)
        guard case .tensor(let x) = old else {
            throw RuntimeError(.type, "`\(target.name)` holds a \(old.typeName); only a tensor's elements can be assigned " +
                               "(a new value for the whole name is `\(target.name) = …`)", current.range)
        }
        let arguments = try IndexNode.arguments(items, c)
        if let combine {
            c.willRunOp(range)
            let part: Tensor
            do { part = try Ops.indexed(x, arguments) } catch { throw RuntimeError.from(error, at: range) }
            let rhs = try value.eval(c)
            guard case .tensor(let r) = rhs else { throw notATensor(rhs) }
            v = try combine.apply(part, r, c)
        }
        guard case .tensor(let part) = v else { throw notATensor(v) }
        c.willRunOp(range)
        let y: Tensor
        do {
            y = try Ops.indexPut(x, arguments, part)
        } catch TensorError.shapeMismatch(op: Op.indexPut.name, let given, let region, detail: _) {
            throw RuntimeError(.shape, "cannot assign a value of shape \(shapeText(given)) to `\(text)`, of shape " +
                               "\(shapeText(region)) (the value must broadcast to it)", value.range)
        } catch {
            throw RuntimeError.from(error, at: range)
        }
        c.store(.tensor(y), target)
        return .none
    }

    private func notATensor(_ v: Value) -> RuntimeError {
        if case .none = v { return RuntimeError(.type, "the right side gives nothing to assign to `\(text)`", value.range) }
        return RuntimeError(.type, "`\(text)` can only be given numbers or a tensor, got a \(v.typeName)", value.range)
    }
}
