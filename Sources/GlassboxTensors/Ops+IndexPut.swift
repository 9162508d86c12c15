/// Assignment to an index with value semantics: `x[0, 1:3] = v` gives a new tensor equal to x with
/// that part replaced, as Swift arrays behave; x itself, and every other holder of it, is unchanged.

// MARK: - index_put

extension OpSpec {
    /// `x with x[0, 1:3] ← v`: one step, one node; the gradient flows to both x and v.
    static let indexPut = OpSpec(
        .indexPut, .math,
        formula: { o in
            let x = o.a(0).operand(of: .postfix)
            return Formula("\(x) with \(x)[\(IndexText.fill(o.attribute("index") ?? "…", o.a(2).text))] ← \(o.a(1).text)",
                           .comparison)
        },
        derivative: .rule { o in
            let part = "\(o.a(0).operand(of: .postfix))[\(IndexText.fill(o.attribute("index") ?? "…", o.a(2).text))]"
            return DerivativeRule(local: "\(o.out) is \(o.a(0).text) with \(part) replaced by \(o.a(1).text): "
                                      + "the replaced part's gradient goes to \(o.a(1).text), the rest to \(o.a(0).text)",
                                  gradients: ["\(o.g.text) with the part \(part) set to 0",
                                              "the part \(part) of \(o.g.text), summed to the shape of \(o.a(1).text)", nil])
        })
}

/// An index written out (`0, 1:3`, `..., None`) for formulas; a tensor entry is `#` until its
/// label is filled in.
enum IndexText {
    static func text(_ items: [IndexArgument]) -> String {
        items.map { item -> String in
            switch item {
            case .tensor, .indices: return "#"
            case .spec(.index(let i)): return String(i)
            case .spec(.newAxis): return "None"
            case .spec(.ellipsis): return "..."
            case let .spec(.slice(a, b, s)):
                return (a.map(String.init) ?? "") + ":" + (b.map(String.init) ?? "") + (s.map { ":\($0)" } ?? "")
            }
        }.joined(separator: ", ")
    }

    static func fill(_ text: String, _ label: String) -> String {
        text.split(separator: "#", omittingEmptySubsequences: false).joined(separator: label)
    }
}

extension Ops {
    /// `x[items] = v` (NumPy `x[items] = v` on a copy; PyTorch `index_put`): a new contiguous
    /// tensor equal to x except that the part `x[items]` (as `indexed` reads it) holds v, broadcast
    /// to that part's shape. Where an index tensor names a position twice, the last write wins,
    /// as in NumPy. Backward: ∂x = g with the part set to 0; ∂v = g's part (a position written
    /// twice counts once, for the write that stayed), summed back to v's shape.
    public static func indexPut(_ x: Tensor, _ items: [IndexArgument], _ v: Tensor) throws -> Tensor {
        let name = Op.indexPut.name
        if let merged = try mergingIndexTensors(x, items, op: name) {
            return try reshape(indexPut(merged.x, merged.items, v), x.shape)
        }
        let region = try Region(shape: x.shape, items, op: name)
        guard (try? Shape.broadcast(v.shape, region.shape, op: name)) == region.shape else {
            throw TensorError.shapeMismatch(op: name, v.shape, region.shape, detail: "the value does not fit the indexed part")
        }
        let y = try Tensor.uninitialized(x.shape, op: name)
        Kernels.copyStrided(y.pointer, yStrides: y.strides, x.pointer, xStrides: x.strides, shape: x.shape)
        let vStrides = Shape.broadcastStrides(v.shape, v.strides, to: region.shape)
        let vPiece = region.pieceStrides(vStrides)
        for j in 0..<region.offsets.count {
            Kernels.copyStrided(y.pointer + region.offsets[j], yStrides: region.strides,
                                v.pointer + region.sourceOffset(j, vStrides), xStrides: vPiece, shape: region.pieceShape)
        }
        var inputs = [x, v]
        if let t = region.tensor { inputs.append(t) }
        if Tensor.recording(x, v) {
            let xShape = x.shape, vShape = v.shape
            y.record(.indexPut, inputs) { g in
                let gc = try g.contiguous(op: name)
                let dx = try Tensor.uninitialized(xShape, op: name)
                Kernels.copyStrided(dx.pointer, yStrides: dx.strides, gc.pointer, xStrides: gc.strides, shape: xShape)
                let zero = try Tensor.filled([], 0, op: name)
                let none = [Int](repeating: 0, count: region.pieceShape.count)
                let dr = try Tensor.filled(region.shape, 0, op: name)
                let rPiece = region.pieceStrides(dr.strides)
                for j in 0..<region.offsets.count {
                    if region.isLastWrite[j] {
                        Kernels.copyStrided(dr.pointer + region.sourceOffset(j, dr.strides), yStrides: rPiece,
                                            gc.pointer + region.offsets[j], xStrides: region.strides, shape: region.pieceShape)
                    }
                    Kernels.copyStrided(dx.pointer + region.offsets[j], yStrides: region.strides,
                                        zero.pointer, xStrides: none, shape: region.pieceShape)
                }
                let dv = try sumTo(dr, vShape, op: name)
                return region.tensor == nil ? [dx, dv] : [dx, dv, nil]
            }
        }
        if let listener = Trace.listener {
            listener.opDidRun(OpEvent(op: .indexPut, inputs: inputs, outputs: [y], attributes: [("index", IndexText.text(items))]))
        }
        return y
    }
}

// MARK: - The part an index names

/// The part `x[items]` of a contiguous tensor of `shape`, as pieces that are each a strided view:
/// the basic entries' view, split along the selection (one piece per index or per 1 of a mask).
/// `shape` is the part's shape as `indexed` gives it; piece j sits at `offsets[j]` in x and at
/// multi-index j over the selection's axes `axis..<axis + selectionShape.count` of the part.
struct Region {
    var shape: [Int]
    var pieceShape: [Int]
    /// Strides of a piece in x's row-major layout.
    var strides: [Int]
    var offsets: [Int]
    var axis = 0
    var selectionShape: [Int] = []
    /// False for a piece that a later piece overwrites (an index given twice).
    var isLastWrite: [Bool]
    /// The mask or index tensor, an input of the op.
    var tensor: Tensor?

    init(shape xShape: [Int], _ items: [IndexArgument], op: String) throws {
        let plan = try IndexPlan(shape: xShape, items, op: op)
        let view = try Ops.viewGeometry(shape: xShape, strides: Shape.contiguousStrides(xShape), offset: 0, plan.specs, op: op)
        guard let selection = plan.selection else {
            shape = view.shape
            pieceShape = view.shape
            strides = view.strides
            offsets = [view.offset]
            isLastWrite = [true]
            return
        }
        let k = plan.axis
        var picks: [Int] = [], width = 1
        switch selection {
        case .mask(let m):
            tensor = m
            width = m.rank
            let dims = Array(view.shape[k..<(k + width)])
            for (flat, value) in m.toArray().enumerated() where value == 1 {
                var rest = flat, offset = 0
                for d in stride(from: width - 1, through: 0, by: -1) {
                    offset += (rest % dims[d]) * view.strides[k + d]
                    rest /= dims[d]
                }
                picks.append(offset)
            }
            selectionShape = [picks.count]
        case .indices(let t):
            tensor = t
            let size = view.shape[k]
            picks = try Ops.wholeIndices(t, op: op) { value in
                guard let i = wholeNumber(value), i >= -size, i < size else {
                    return .invalidIndex(op: op, value: value, axis: k, size: size)
                }
                return nil
            }.map { ($0 < 0 ? $0 + size : $0) * view.strides[k] }
            selectionShape = t.shape
        }
        // The part's layout: the selection's axes where the tensor stood, or first (NumPy's rule
        // for integers apart from the tensor, `IndexPlan.selectionFirst`).
        axis = plan.selectionFirst ? 0 : k
        shape = plan.selectionFirst ? selectionShape + Array(view.shape[..<k]) + Array(view.shape[(k + width)...])
            : Array(view.shape[..<k]) + selectionShape + Array(view.shape[(k + width)...])
        pieceShape = Array(view.shape[..<k]) + Array(view.shape[(k + width)...])
        strides = Array(view.strides[..<k]) + Array(view.strides[(k + width)...])
        offsets = picks.map { view.offset + $0 }
        var seen = Set<Int>()
        isLastWrite = offsets.reversed().map { seen.insert($0).inserted }.reversed()
    }

    /// Strides over the part's shape with the selection's axes removed: a piece's strides.
    func pieceStrides(_ partStrides: [Int]) -> [Int] {
        Array(partStrides[..<axis]) + Array(partStrides[(axis + selectionShape.count)...])
    }

    /// Where piece j starts in a tensor laid over the part's shape with `partStrides`.
    func sourceOffset(_ j: Int, _ partStrides: [Int]) -> Int {
        var rest = j, offset = 0
        for d in stride(from: selectionShape.count - 1, through: 0, by: -1) {
            offset += (rest % selectionShape[d]) * partStrides[axis + d]
            rest /= selectionShape[d]
        }
        return offset
    }
}
