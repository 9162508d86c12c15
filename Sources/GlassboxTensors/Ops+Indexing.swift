/// Indexing as NumPy beyond views: a 0/1 mask (`x[x > 0]`), an index tensor (`x[idx]`, a gather
/// through `take`), and assignment to an index with value semantics (`x[0, 1:3] = v` makes a new
/// tensor; the old one is unchanged).

/// One entry of a NumPy index `x[…]`: a basic entry (integer, slice, `None`, `...`) or a tensor,
/// which is a mask or a tensor of indices (`IndexPlan` tells which).
public enum IndexArgument {
    case spec(IndexSpec)
    case tensor(Tensor)
    /// A tensor of indices, never read as a mask.
    case indices(Tensor)

    // The basic entries by their `IndexSpec` names: `[.index(0), .all, .tensor(idx)]`.
    public static var all: IndexArgument { .spec(.all) }
    public static var newAxis: IndexArgument { .spec(.newAxis) }
    public static var ellipsis: IndexArgument { .spec(.ellipsis) }
    public static func index(_ i: Int) -> IndexArgument { .spec(.index(i)) }
}

// MARK: - Reading an index

extension Ops {
    /// `x[items]` as NumPy reads it. Basic entries give a view (`index`); one tensor entry then
    /// selects along the axes it stands for: a mask (a tensor of 0s and 1s shaped exactly like
    /// those axes of x) gives the elements where it is 1 in row-major order (`maskedSelect`);
    /// any other tensor is a tensor of indices along its axis (`take`: the result has the index
    /// tensor's shape in place of that axis). Several index tensors side by side are broadcast
    /// together (`mergingIndexTensors`).
    public static func indexed(_ x: Tensor, _ items: [IndexArgument]) throws -> Tensor {
        if let merged = try mergingIndexTensors(x, items, op: Op.index.name) { return try indexed(merged.x, merged.items) }
        let plan = try IndexPlan(shape: x.shape, items, op: Op.index.name)
        guard let selection = plan.selection else { return try index(x, plan.specs) }
        let view = plan.needsView ? try index(x, plan.specs) : x
        let y: Tensor, s: Int
        switch selection {
        case .mask(let m): y = try maskedSelect(view, m, axis: plan.axis); s = 1
        case .indices(let t): y = try take(view, t, axis: plan.axis); s = t.rank
        }
        guard plan.selectionFirst else { return y }
        let k = plan.axis
        return try permute(y, Array(k..<(k + s)) + Array(0..<k) + Array((k + s)..<y.rank))
    }

    /// `x[…, i, j, …]` with several index tensors side by side, which NumPy broadcasts together to
    /// pick x[…, i[b], j[b], …] for each position b: the same as one tensor of indices into x with
    /// those axes merged (row-major), x′[…, i·n_j + j, …]. Returns x′ (a reshape) and the index
    /// with the one merged tensor; nil when there are fewer than two tensors. With several
    /// tensors each holds indices (none is read as a mask).
    static func mergingIndexTensors(_ x: Tensor, _ items: [IndexArgument], op: String) throws
        -> (x: Tensor, items: [IndexArgument])? {
        var tensors: [Tensor] = [], at: [Int] = []
        for (k, item) in items.enumerated() {
            switch item {
            case .tensor(let t), .indices(let t): tensors.append(t); at.append(k)
            case .spec: break
            }
        }
        guard tensors.count >= 2, let first = at.first, let last = at.last else { return nil }
        guard last - first == at.count - 1 else {
            throw TensorError.invalidArgument(op: op, message: "index tensors must stand side by side (`x[i, j]`, not `x[i, :, j]`)")
        }
        func taken(_ slice: ArraySlice<IndexArgument>) -> Int {
            slice.filter { if case .spec(let s) = $0 { return s != .newAxis && s != .ellipsis } else { return true } }.count
        }
        let ellipsisBefore = items[..<first].contains { if case .spec(.ellipsis) = $0 { return true } else { return false } }
        let k = tensors.count
        let s = ellipsisBefore ? x.rank - taken(items[(last + 1)...]) - k : taken(items[..<first])
        guard s >= 0, s + k <= x.rank else {
            throw TensorError.invalidArgument(op: op, message: "too many indices (\(taken(items[...]))) for a rank-\(x.rank) tensor")
        }
        let sizes = Array(x.shape[s..<(s + k)])
        let merged = sizes.reduce(1, *)
        guard merged < 1 << 24 else {
            throw TensorError.invalidArgument(op: op, message: "the axes these index tensors stand for hold too many elements")
        }
        var shape: [Int] = []
        for t in tensors { shape = try Shape.broadcast(shape, t.shape, op: op) }
        var linear = [Int](repeating: 0, count: try Shape.count(shape, op: op))
        for (d, t) in tensors.enumerated() {
            for (j, value) in try expand(t, shape, op: op).toArray().enumerated() {
                guard let i = wholeNumber(value), i >= -sizes[d], i < sizes[d] else {
                    throw TensorError.invalidIndex(op: op, value: value, axis: s + d, size: sizes[d])
                }
                linear[j] = linear[j] * sizes[d] + (i < 0 ? i + sizes[d] : i)
            }
        }
        let xm = try reshape(x, Array(x.shape[..<s]) + [merged] + Array(x.shape[(s + k)...]))
        let index = try Tensor(shape: shape, data: linear.map(Float.init))
        return (xm, Array(items[..<first]) + [.indices(index)] + Array(items[(last + 1)...]))
    }

    /// Whether every element of `t` is 0 or 1.
    static func isZeroOne(_ t: Tensor) -> Bool {
        t.toArray().allSatisfy { $0 == 0 || $0 == 1 }
    }
}

/// How an index with at most one tensor entry is carried out: the basic entries as a view (the
/// tensor's axes kept whole), then the selection along view axis `axis`.
struct IndexPlan {
    enum Selection {
        case mask(Tensor)
        case indices(Tensor)
    }

    /// Basic entries only: the tensor entry is replaced by one `:` per axis it stands for.
    var specs: [IndexSpec]
    var selection: Selection?
    /// The axis of the view where the selection starts.
    var axis = 0
    /// Whether the basic entries do anything (all `:` is the tensor itself).
    var needsView = true
    /// NumPy's rule for an index tensor and integers apart (`x[0, :, idx]`): the integers count
    /// as indices too, and when a slice or `None` stands between them the selection's axes come
    /// first in the result.
    var selectionFirst = false

    init(shape: [Int], _ items: [IndexArgument], op: String) throws {
        var tensorAt: Int? = nil
        for (k, item) in items.enumerated() {
            if case .spec = item { continue }
            guard tensorAt == nil else {
                throw TensorError.invalidArgument(
                    op: op, message: "an index can hold one mask, or index tensors side by side")
            }
            tensorAt = k
        }
        func basic(_ slice: ArraySlice<IndexArgument>) -> [IndexSpec] {
            slice.map { if case .spec(let s) = $0 { return s } else { return .all } }
        }
        guard let p = tensorAt else {
            specs = basic(items[...])
            return
        }
        let t: Tensor, maybeMask: Bool
        switch items[p] {
        case .tensor(let u): t = u; maybeMask = true
        case .indices(let u): t = u; maybeMask = false
        case .spec: t = Tensor(scalar: 0); maybeMask = false
        }
        let before = basic(items[..<p]), after = basic(items[(p + 1)...])
        func takes(_ s: IndexSpec) -> Bool { s != .newAxis && s != .ellipsis }
        let takenBefore = before.filter(takes).count, takenAfter = after.filter(takes).count
        let ellipsisBefore = before.contains(.ellipsis)
        // The first axis of x the tensor stands for, if it stands for `width` axes.
        func start(_ width: Int) -> Int { ellipsisBefore ? shape.count - takenAfter - width : takenBefore }
        let s = start(t.rank)
        let isMask = maybeMask && t.rank >= 1 && s >= 0 && s + t.rank <= shape.count
            && Array(shape[s..<(s + t.rank)]) == t.shape && Ops.isZeroOne(t)
        let width = isMask ? t.rank : 1
        specs = before + [IndexSpec](repeating: .all, count: width) + after
        selection = isMask ? .mask(t) : .indices(t)
        // View axes made by the entries before the tensor: slices, new axes, and the `:`s an
        // ellipsis there expands to.
        let taken = takenBefore + width + takenAfter
        guard taken <= shape.count else {
            throw TensorError.invalidArgument(op: op, message: "too many indices (\(taken)) for a rank-\(shape.count) tensor")
        }
        axis = before.filter { if case .index = $0 { return false } else { return $0 != .ellipsis } }.count
            + (ellipsisBefore ? shape.count - taken : 0)
        needsView = specs.contains { $0 != .all }
        // The entries one per axis, marked where they index (integers and the tensor).
        var indexes: [Bool] = []
        for item in items {
            switch item {
            case .tensor, .indices: indexes.append(true)
            case .spec(.index): indexes.append(true)
            case .spec(.ellipsis): indexes += [Bool](repeating: false, count: shape.count - taken)
            case .spec: indexes.append(false)
            }
        }
        if let first = indexes.firstIndex(of: true), let last = indexes.lastIndex(of: true) {
            selectionFirst = indexes[first...last].contains(false)
        }
    }
}

// MARK: - masked_select

extension OpSpec {
    /// `x[mask]`: one step, one node; its backward puts each gradient back where it came from.
    static let maskedSelect = OpSpec(
        .maskedSelect, .math,
        formula: { o in
            let colons = Int(o.attribute("axis") ?? "0") ?? 0
            return Formula(o.a(0).operand(of: .postfix) + "[" + String(repeating: ":, ", count: colons) + o.a(1).text + "]")
        },
        derivative: .rule { o in
            DerivativeRule(local: "\(o.out) lists the elements of \(o.a(0).text) where \(o.a(1).text) is 1: "
                               + "each gets its own gradient back, the others 0",
                           gradients: ["\(o.g.text) put back where \(o.a(1).text) is 1, into zeros shaped like \(o.a(0).text)", nil])
        })
}

extension Ops {
    /// `x[mask]` (NumPy boolean indexing, PyTorch `masked_select` without broadcasting): `mask`
    /// holds 0s and 1s and has exactly the shape of x's axes axis..<axis+m (m = mask's rank); the
    /// result lists the slices of x where the mask is 1, in row-major order:
    /// shape x.shape[..<axis] + [n] + x.shape[axis+m...], n the number of 1s. It is `take` along
    /// the m axes merged into one (`Kernels.gatherAxis`). Backward: each slice's gradient goes back
    /// to its place (`Kernels.scatterAddAxis`), zeros elsewhere; the mask gets none.
    public static func maskedSelect(_ x: Tensor, _ mask: Tensor, axis: Int = 0) throws -> Tensor {
        let name = Op.maskedSelect.name
        let m = mask.rank
        guard m >= 1, axis >= 0, axis + m <= x.rank, Array(x.shape[axis..<(axis + m)]) == mask.shape else {
            throw TensorError.shapeMismatch(op: name, x.shape, mask.shape, detail: "a mask has the shape of the axes it selects from")
        }
        var picks: [Int] = []
        for (k, value) in mask.toArray().enumerated() {
            if value == 1 { picks.append(k) } else if value != 0 {
                throw TensorError.invalidArgument(op: name, message: "a mask holds 0s and 1s, got \(TensorError.format(value))")
            }
        }
        let outer = x.shape[..<axis].reduce(1, *), size = mask.count, inner = x.shape[(axis + m)...].reduce(1, *)
        let shape = Array(x.shape[..<axis]) + [picks.count] + Array(x.shape[(axis + m)...])
        return try gatherSlices(.maskedSelect, x, [x, mask], picks: picks, outer: outer, size: size, inner: inner,
                                shape: shape, attributes: [("axis", String(axis))])
    }
}
