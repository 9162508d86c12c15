import GlassboxTensors

// MARK: - Operators

/// `a + b`, `a @ b`, `a < b`, …: tensors go straight to `Ops`; strings may be joined and compared.
class BinaryNode: Node {
    let op: BinaryOperator
    let lhs: Node
    let rhs: Node

    init(_ op: BinaryOperator, _ lhs: Node, _ rhs: Node, _ range: SourceRange) {
        self.op = op
        self.lhs = lhs
        self.rhs = rhs
        super.init(range)
    }

    /// The node for `lhs op rhs`: a specialised one when the operands are a global variable and
    /// a literal (or two globals), which reads them in place instead of building and taking apart
    /// `Value`s — the loop `x = x + 1` spends most of its interpreter time here.
    static func make(_ op: BinaryOperator, _ lhs: Node, _ rhs: Node, _ range: SourceRange) -> BinaryNode {
        let lc = (lhs as? Constant)?.value.tensor, rc = (rhs as? Constant)?.value.tensor
        let lg = (lhs as? GlobalGet)?.slot, rg = (rhs as? GlobalGet)?.slot
        if let lg, let rc { return GlobalConstantBinary(op, lhs, rhs, lg, rc, range) }
        if let lc, let rg { return ConstantGlobalBinary(op, lhs, rhs, lc, rg, range) }
        if let lg, let rg { return GlobalGlobalBinary(op, lhs, rhs, lg, rg, range) }
        return BinaryNode(op, lhs, rhs, range)
    }

    override func eval(_ c: Context) throws -> Value {
        try c.checkStack(range)
        let a = try lhs.eval(c)
        let b = try rhs.eval(c)
        guard case .tensor(let x) = a, case .tensor(let y) = b else { return try other(a, b) }
        return try apply(x, y, c)
    }

    @inline(__always)
    final func apply(_ x: Tensor, _ y: Tensor, _ c: Context) throws -> Value {
        c.willRunOp(range)
        do {
            switch op {
            case .add: return .tensor(try Ops.add(x, y))
            case .subtract: return .tensor(try Ops.sub(x, y))
            case .multiply: return .tensor(try Ops.mul(x, y))
            case .divide: return .tensor(try Ops.div(x, y))
            case .matmul: return .tensor(try Ops.matmul(x, y))
            case .power: return .tensor(try Ops.pow(x, y))
            case .less: return .tensor(try Ops.less(x, y))
            case .lessEqual: return .tensor(try Ops.lessEqual(x, y))
            case .greater: return .tensor(try Ops.greater(x, y))
            case .greaterEqual: return .tensor(try Ops.greaterEqual(x, y))
            case .equal: return .tensor(try Ops.equal(x, y))
            case .notEqual: return .tensor(try Ops.notEqual(x, y))
            }
        } catch {
            throw RuntimeError.from(error, at: range)
        }
    }

    /// Operands that are not both tensors.
    private func other(_ a: Value, _ b: Value) throws -> Value {
        if case .string(let s) = a, case .string(let t) = b {
            switch op {
            case .add:
                guard s.utf8.count + t.utf8.count <= Limits.maxStringBytes else {
                    throw RuntimeError(.allocation, "string too long (more than \(Limits.maxStringBytes) bytes)", range)
                }
                return .string(s + t)
            case .equal: return .number(s == t ? 1 : 0)
            case .notEqual: return .number(s != t ? 1 : 0)
            default: break
            }
        }
        let bad = a.tensor == nil ? (a, lhs) : (b, rhs)
        if case .none = bad.0 {
            throw RuntimeError(.type, "this gives nothing, so it cannot be used with `\(op.rawValue)`", bad.1.range)
        }
        if case .string = a, case .string = b {
            throw RuntimeError(.type, "strings can be joined with `+` and compared with `==` and `!=`, not `\(op.rawValue)`", range)
        }
        var hint = ""
        if case .string = bad.0 { hint = "; to show numbers with text use print(\"…\", x)" }
        if case .function(let f) = bad.0 { hint = "; call it: \(f.name)(…)" }
        throw RuntimeError(.type, "`\(op.rawValue)` needs tensors or numbers, got a \(bad.0.typeName)\(hint)", bad.1.range)
    }
}

/// `x op 1` with `x` a global.
final class GlobalConstantBinary: BinaryNode {
    let slot: Slot
    let constant: Tensor
    init(_ op: BinaryOperator, _ lhs: Node, _ rhs: Node, _ slot: Slot, _ constant: Tensor, _ range: SourceRange) {
        self.slot = slot
        self.constant = constant
        super.init(op, lhs, rhs, range)
    }
    override func eval(_ c: Context) throws -> Value {
        guard case .tensor(let x)? = slot.value else { return try super.eval(c) }
        return try apply(x, constant, c)
    }
}

/// `1 op x` with `x` a global.
final class ConstantGlobalBinary: BinaryNode {
    let constant: Tensor
    let slot: Slot
    init(_ op: BinaryOperator, _ lhs: Node, _ rhs: Node, _ constant: Tensor, _ slot: Slot, _ range: SourceRange) {
        self.constant = constant
        self.slot = slot
        super.init(op, lhs, rhs, range)
    }
    override func eval(_ c: Context) throws -> Value {
        guard case .tensor(let y)? = slot.value else { return try super.eval(c) }
        return try apply(constant, y, c)
    }
}

/// `x op y` with both globals.
final class GlobalGlobalBinary: BinaryNode {
    let left: Slot
    let right: Slot
    init(_ op: BinaryOperator, _ lhs: Node, _ rhs: Node, _ left: Slot, _ right: Slot, _ range: SourceRange) {
        self.left = left
        self.right = right
        super.init(op, lhs, rhs, range)
    }
    override func eval(_ c: Context) throws -> Value {
        guard case .tensor(let x)? = left.value, case .tensor(let y)? = right.value else { return try super.eval(c) }
        return try apply(x, y, c)
    }
}

/// `-x` (and `+x`, which checks that x is a tensor).
final class NegateNode: Node {
    let operand: Node
    let isPlus: Bool
    init(_ operand: Node, isPlus: Bool, _ range: SourceRange) {
        self.operand = operand
        self.isPlus = isPlus
        super.init(range)
    }
    override func eval(_ c: Context) throws -> Value {
        let v = try operand.eval(c)
        guard case .tensor(let x) = v else {
            throw RuntimeError(.type, "unary `\(isPlus ? "+" : "-")` needs a tensor or number, got a \(v.typeName)", operand.range)
        }
        if isPlus { return v }
        c.willRunOp(range)
        do { return .tensor(try Ops.neg(x)) } catch { throw RuntimeError.from(error, at: range) }
    }
}

/// `x'`
final class TransposeNode: Node {
    let operand: Node
    init(_ operand: Node, _ range: SourceRange) {
        self.operand = operand
        super.init(range)
    }
    override func eval(_ c: Context) throws -> Value {
        try c.checkStack(range)
        let v = try operand.eval(c)
        guard case .tensor(let x) = v else {
            throw RuntimeError(.type, "`'` transposes a tensor, got a \(v.typeName)", operand.range)
        }
        c.willRunOp(range)
        do { return .tensor(try Ops.transpose(x)) } catch { throw RuntimeError.from(error, at: range) }
    }
}

// MARK: - Tensor literals

/// `[a, b, c]` with at least one element that is not a literal: the elements are stacked along a
/// new first axis (literal-only lists are folded into a constant by the compiler).
final class ListNode: Node {
    let items: [Node]
    init(_ items: [Node], _ range: SourceRange) {
        self.items = items
        super.init(range)
    }
    override func eval(_ c: Context) throws -> Value {
        try c.checkStack(range)
        var tensors: [Tensor] = []
        tensors.reserveCapacity(items.count)
        for item in items {
            let v = try item.eval(c)
            guard case .tensor(let t) = v else {
                throw RuntimeError(.type, "a tensor literal holds numbers and tensors, not a \(v.typeName)", item.range)
            }
            if let first = tensors.first, first.shape != t.shape {
                throw RuntimeError(.shape, "the elements of a tensor literal must have the same shape; " +
                                   "the first has shape \(shapeText(first.shape)) but this one \(shapeText(t.shape))",
                                   item.range)
            }
            tensors.append(t)
        }
        c.willRunOp(range)
        do { return .tensor(try Ops.stack(tensors, axis: 0)) } catch { throw RuntimeError.from(error, at: range) }
    }
}

/// `2×3`, `3`, `scalar`: shapes in messages, spelled as everywhere else (`Shape.text`).
func shapeText(_ shape: [Int]) -> String { Shape.text(shape) }

enum Limits {
    /// Longest string a program may build.
    static let maxStringBytes = 1 << 24
}
