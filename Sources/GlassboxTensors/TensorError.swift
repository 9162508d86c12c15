/// Everything a tensor operation can refuse, as a thrown value. Nothing in this module traps on
/// user data: every failure a learner can reach ends up here, and `description` is one line that
/// names the op and what was wrong with its arguments.
public enum TensorError: Error, Equatable, CustomStringConvertible, Sendable {
    /// Two shapes that do not fit together (broadcasting, matmul, concat …); both are named.
    case shapeMismatch(op: String, [Int], [Int], detail: String = "")
    /// An axis outside −rank..<rank (negative axes count from the end).
    case invalidAxis(op: String, axis: Int, rank: Int)
    /// A dimension that is negative, fractional or not finite.
    case invalidDimension(op: String, value: Double)
    /// An index outside −size..<size along an axis.
    case indexOutOfRange(op: String, index: Int, axis: Int, size: Int)
    /// An index given as a number that is not a whole number in −size..<size (`take`'s indices).
    case invalidIndex(op: String, value: Float, axis: Int, size: Int)
    /// A result larger than `Tensor.allocationLimit` bytes (or too large to count).
    case allocationTooLarge(op: String, shape: [Int], limit: Int)
    /// A result that would bring the live tensors past `Tensor.totalAllocationLimit` bytes
    /// (`inUse`: bytes held before it, by tensors of more than 1 MiB).
    case outOfTensorMemory(op: String, shape: [Int], inUse: Int, limit: Int)
    /// Any other bad argument, with a message that says which and why.
    case invalidArgument(op: String, message: String)
    /// Ctrl-C: a long kernel stopped early; no partial result was returned.
    case interrupted(op: String)

    public var description: String {
        switch self {
        case let .shapeMismatch(op, a, b, detail):
            let tail = detail.isEmpty ? "" : " (\(detail))"
            return "\(op): shapes \(Self.format(a)) and \(Self.format(b)) do not match\(tail)"
        case let .invalidAxis(op, axis, rank):
            let valid = rank == 0 ? "a rank-0 tensor has no axes" : "valid axes are \(-rank)...\(rank - 1)"
            return "\(op): axis \(axis) is out of range for a rank-\(rank) tensor (\(valid))"
        case let .invalidDimension(op, value):
            return "\(op): dimension \(Self.format(value)) must be a whole number ≥ 0"
        case let .indexOutOfRange(op, index, axis, size):
            return "\(op): index \(index) is out of range for axis \(axis) of size \(size)"
        case let .invalidIndex(op, value, axis, size):
            return "\(op): index \(Self.format(value)) is out of range for axis \(axis) of size \(size)"
        case let .allocationTooLarge(op, shape, limit):
            return "\(op): a tensor of shape \(Self.format(shape)) would exceed the memory limit of \(Self.formatBytes(limit))"
        case let .outOfTensorMemory(op, shape, inUse, limit):
            let size = shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).partialValue } * MemoryLayout<Float>.stride
            return "\(op): out of tensor memory: live tensors hold \(Self.formatBytes(inUse)) and a new one of shape " +
                "\(Self.format(shape)) (\(Self.formatBytes(size))) would pass the limit of \(Self.formatBytes(limit)) for all tensors"
        case let .invalidArgument(op, message):
            return "\(op): \(message)"
        case let .interrupted(op):
            return "\(op): interrupted"
        }
    }

    /// `2×3`, `3-element`, `scalar`: the one spelling of shapes (`Shape.text`).
    static func format(_ shape: [Int]) -> String { Shape.text(shape) }

    /// `3`, `0.5`, `-0.1`, `nan`: a float as the learner typed it.
    static func format(_ value: Float) -> String {
        if value.isFinite && value == value.rounded() && Swift.abs(value) < 1e15 { return String(Int(value)) }
        return "\(value)"
    }

    static func format(_ value: Double) -> String {
        if value.isFinite && value == value.rounded() && Swift.abs(value) < 1e15 { return String(Int(value)) }
        return String(value)
    }

    /// `4 GiB`, `2 MiB` (`NumberText.bytes`).
    static func formatBytes(_ bytes: Int) -> String { NumberText.bytes(bytes) }
}
