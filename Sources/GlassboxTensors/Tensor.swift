/// An n-dimensional array of `Float`, like `torch.Tensor`: a view (shape, strides, offset) onto a
/// shared `Storage`. A reference type: views share memory and optimizers update parameters in
/// place. Element (i₀, …, iₙ₋₁) lives at `offset + Σ iₖ·strides[k]` in the storage.
///
/// Autograd: a tensor computed from a parameter while `GradMode.isEnabled` carries the `Node`
/// that made it; `Autograd.backward(y)` follows those nodes and fills `grad`.
public final class Tensor {
    /// Size along each axis; `[]` for a scalar.
    public let shape: [Int]
    /// Step (in elements) along each axis; 0 for a broadcast axis, negative for a reversed one.
    public let strides: [Int]
    /// Index of element (0, …, 0) in the storage.
    public let offset: Int
    /// True when the elements are laid out row-major without gaps (strides = contiguousStrides).
    public let isContiguous: Bool
    let storage: Storage

    /// A trainable leaf made by `param(x)`; optimizers take these.
    public internal(set) var isParameter = false
    /// True for a parameter and for anything computed from one while recording.
    public var requiresGrad: Bool { @inline(__always) get { needsGrad } }
    /// Storage of `requiresGrad`: internal, so that the optimizer sees every access and drops
    /// the dynamic exclusivity check a public class property needs (every op reads it).
    var needsGrad = false
    /// The gradient ∂y/∂self from the last `backward(y)` that reached this tensor (replaced, not
    /// accumulated, across calls). Same shape as `self`, contiguous. Treat it as read-only: it may
    /// share memory with the gradient of another tensor.
    public internal(set) var grad: Tensor? {
        didSet { gradIsOwned = false }
    }
    /// True while `grad` is a buffer that the running backward pass allocated for this tensor
    /// alone (a sum of two or more contributions), so that later contributions may be added
    /// into it in place (`Autograd.runNode`). Any assignment to `grad` clears it.
    var gradIsOwned = false
    /// Optional label (the language sets variable names) used by traces and messages.
    public var name: String?
    /// The operation that produced this tensor, when it was recorded for autograd.
    var node: Node?

    /// The designated initializer: a view onto `storage`.
    @inline(__always)
    init(storage: Storage, shape: [Int], strides: [Int], offset: Int, isContiguous: Bool) {
        self.storage = storage
        self.shape = shape
        self.strides = strides
        self.offset = offset
        self.isContiguous = isContiguous
    }

    deinit {
        // A long chain of recorded ops (a loop of a million `s = s + p`) would otherwise be
        // released recursively, one stack frame per node, and overflow the stack.
        // A node shared with another living output (lstm_cell's h and c) must stay intact; it
        // only forgets this output.
        guard node != nil else { return }
        if isKnownUniquelyReferenced(&node) {
            if let node { Node.releaseIteratively(node) }
        } else {
            node?.outputWillDie(self)
        }
    }
}

// MARK: - Making tensors

extension Tensor {
    /// A rank-0 tensor holding `value`.
    public convenience init(scalar value: Float) {
        // One float never exceeds the allocation limit, so this cannot throw.
        let storage = Storage.make(1)
        storage.base[0] = value
        self.init(storage: storage, shape: Shape.scalar, strides: Shape.scalar, offset: 0, isContiguous: true)
    }

    /// A tensor of `shape` filled row-major from `data` (which must hold ∏shape values).
    public convenience init(shape: [Int], data: [Float]) throws {
        let count = try Shape.count(shape, op: "tensor")
        guard data.count == count else {
            throw TensorError.invalidArgument(
                op: "tensor", message: "shape \(TensorError.format(shape)) needs \(count) values, got \(data.count)")
        }
        let storage = try Storage.allocate(count, op: "tensor", shape: shape)
        data.withUnsafeBufferPointer { src in
            if let p = src.baseAddress { storage.base.update(from: p, count: count) }
        }
        self.init(storage: storage, shape: shape, strides: Shape.contiguousStrides(shape), offset: 0, isContiguous: true)
    }

    /// A new contiguous tensor of `shape` whose elements the caller must write.
    @inline(__always)
    static func uninitialized(_ shape: [Int], op: String) throws -> Tensor {
        let count = try Shape.count(shape, op: op)
        let storage = try Storage.allocate(count, op: op, shape: shape)
        return Tensor(storage: storage, shape: shape, strides: Shape.contiguousStrides(shape), offset: 0, isContiguous: true)
    }

    /// A new tensor of `shape` whose every element `fill` writes, through the one allocator and
    /// its limits: how readers of file formats (safetensors, images) build tensors without an
    /// intermediate array.
    public static func make(_ shape: [Int], op: String, fill: (UnsafeMutableBufferPointer<Float>) throws -> Void) throws -> Tensor {
        let t = try uninitialized(shape, op: op)
        try fill(UnsafeMutableBufferPointer(start: t.pointer, count: t.count))
        return t
    }

    /// Calls `body` with the elements in row-major order (contiguous; a copy only for a view).
    public func withContiguousElements<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) throws -> R {
        let c = try contiguous(op: "read")
        return try body(UnsafeBufferPointer(start: c.pointer, count: c.count))
    }

    /// A new contiguous tensor shaped like the contiguous tensor `like`, sharing its shape and
    /// stride arrays (no array allocation).
    @inline(__always)
    static func uninitialized(like t: Tensor, op: String) throws -> Tensor {
        let storage = try Storage.allocate(t.count, op: op, shape: t.shape)
        let strides = t.isContiguous ? t.strides : Shape.contiguousStrides(t.shape)
        return Tensor(storage: storage, shape: t.shape, strides: strides, offset: 0, isContiguous: true)
    }

    /// A new contiguous tensor of `shape` filled with `value`.
    static func filled(_ shape: [Int], _ value: Float, op: String) throws -> Tensor {
        let t = try uninitialized(shape, op: op)
        Kernels.fill(t.pointer, value, count: t.count)
        return t
    }

    /// Another view of the same elements with no autograd history (shares storage).
    func detachedView() -> Tensor {
        Tensor(storage: storage, shape: shape, strides: strides, offset: offset, isContiguous: isContiguous)
    }
}

// MARK: - Reading

extension Tensor {
    /// Number of axes.
    @inline(__always) public var rank: Int { shape.count }

    /// Number of elements, ∏ shape (1 for a scalar).
    @inline(__always) public var count: Int {
        var n = 1
        for d in shape { n &*= d }
        return n
    }

    /// Pointer to element (0, …, 0).
    @inline(__always) var pointer: UnsafeMutablePointer<Float> { storage.base + offset }

    /// The elements in row-major order of `shape`.
    public func toArray() -> [Float] {
        let n = count
        if isContiguous {
            return Array(UnsafeBufferPointer(start: pointer, count: n))
        }
        return [Float](unsafeUninitializedCapacity: n) { buffer, initialized in
            if let out = buffer.baseAddress {
                Kernels.copyStrided(out, yStrides: Shape.contiguousStrides(shape), pointer, xStrides: strides, shape: shape)
            }
            initialized = n
        }
    }

    /// The value of a one-element tensor (any rank), else nil.
    public var scalarValue: Float? {
        count == 1 ? pointer[0] : nil
    }

    /// The element at a full multi-index (negative indices count from the end).
    public func element(at index: [Int]) throws -> Float {
        guard index.count == rank else {
            throw TensorError.invalidArgument(op: "index", message: "expected \(rank) indices, got \(index.count)")
        }
        var position = offset
        for (axis, i) in index.enumerated() {
            let j = try Shape.normalizeIndex(i, size: shape[axis], axis: axis, op: "index")
            position += j * strides[axis]
        }
        return storage.base[position]
    }

    /// A new contiguous tensor with the same elements (self if already contiguous and unshared
    /// offsets do not matter; always a copy when `force`).
    func contiguous(op: String) throws -> Tensor {
        if isContiguous { return self }
        let out = try Tensor.uninitialized(shape, op: op)
        Kernels.copyStrided(out.pointer, yStrides: out.strides, pointer, xStrides: strides, shape: shape)
        return out
    }
}

extension Tensor: CustomStringConvertible {
    /// A short debugging form, e.g. `Tensor([2, 3])`; the language renders values for users.
    public var description: String {
        let label = name.map { "\($0): " } ?? ""
        if count <= 8 { return "Tensor(\(label)\(TensorError.format(shape)) \(toArray()))" }
        return "Tensor(\(label)\(TensorError.format(shape)))"
    }
}
