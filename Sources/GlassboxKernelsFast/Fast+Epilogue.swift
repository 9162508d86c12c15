/// What a convolution does to each output value while it is still in cache: the per-channel
/// steps that follow it in a network (bias, eval-mode batch norm, a residual add, ReLU / ReLU6 /
/// clip) applied to each finished block of the output instead of as separate passes over the
/// whole tensor. This is the fusion inference engines make (ncnn, XNNPACK and oneDNN fold them
/// into the convolution's output stage); here the unfused result is the specification:
///
///     v = conv                    (the product's value as the separate pass would load it)
///     v = v + bias[c]             (when `bias`: the convolution's own bias)
///     v = fma(v, scale[c], shift[c])  (when `scale`: `batchNormForward`'s multiply-add)
///     v = v + residual[i]         (when `residual`: the binary add)
///     v = activation(v)           (`relu` or `clamp`, the same vector code as the maps)
///
/// Each step is the same floating-point operation as the op it replaces, so the fused output is
/// bit-for-bit the output of running the ops one after another (FastDispatchTests checks it).
///
/// Rows of the gemm are channels: `scale`, `shift` and `bias` are indexed by the row, and
/// `residual` is laid out like the output (same leading dimension, same origin), so that
/// `shifted` can follow a kernel into any sub-block.
public struct Epilogue {
    /// The activation last applied.
    public enum Activation: Equatable {
        case none
        /// max(v, 0), NaN kept (`Fast.relu`).
        case relu
        /// min(max(v, lo), hi), NaN kept (`Fast.clamp`; ReLU6 is (0, 6)).
        case clamp(lo: Float, hi: Float)
    }

    public var bias: UnsafePointer<Float>?
    public var scale: UnsafePointer<Float>?
    public var shift: UnsafePointer<Float>?
    public var residual: UnsafePointer<Float>?
    public var activation: Activation

    public init(bias: UnsafePointer<Float>? = nil, scale: UnsafePointer<Float>? = nil, shift: UnsafePointer<Float>? = nil,
                residual: UnsafePointer<Float>? = nil, activation: Activation = .none) {
        self.bias = bias
        self.scale = scale
        self.shift = shift
        self.residual = residual
        self.activation = activation
    }

    /// Whether there is nothing to do.
    public var isEmpty: Bool { bias == nil && scale == nil && residual == nil && activation == .none }

    /// The same epilogue for the block of the output that starts `rows` rows and `cols` columns
    /// further on, with rows `ld` floats apart.
    @inline(__always)
    public func shifted(rows: Int, cols: Int = 0, ld: Int) -> Epilogue {
        Epilogue(bias: bias.map { $0 + rows }, scale: scale.map { $0 + rows }, shift: shift.map { $0 + rows },
                 residual: residual.map { $0 + rows * ld + cols }, activation: activation)
    }

    /// The same epilogue for an output whose origin lies `offset` floats further on in the
    /// residual's layout, the channels unchanged (the next image of a batch).
    @inline(__always)
    public func advanced(by offset: Int) -> Epilogue {
        Epilogue(bias: bias, scale: scale, shift: shift, residual: residual.map { $0 + offset }, activation: activation)
    }

    /// Applies every step to a rows × cols block of the output at `c` (rows `ldc` apart), this
    /// epilogue's origin being the block's first element.
    @inline(__always)
    public func apply(_ c: UnsafeMutablePointer<Float>, ldc: Int, rows: Int, cols: Int) {
        for r in 0..<rows {
            applyRow(c + r * ldc, row: r, offset: r * ldc, count: cols)
        }
    }

    /// Applies every step to `count` values of row `row` at `p`, which lie `offset` floats past
    /// this epilogue's origin.
    @inline(__always)
    public func applyRow(_ p: UnsafeMutablePointer<Float>, row: Int, offset: Int, count: Int) {
        let (kind, lo, hi): (Int, V8, V8) = switch activation {
        case .none: (0, V8(), V8())
        case .relu: (1, V8(), V8())
        case .clamp(let l, let h): (2, V8(repeating: l), V8(repeating: h))
        }
        let values = EpilogueRow(
            bias: V8(repeating: bias?[row] ?? 0), scale: V8(repeating: scale?[row] ?? 1),
            shift: V8(repeating: shift?[row] ?? 0), residual: residual.map { $0 + offset } ?? UnsafePointer(p),
            lo: lo, hi: hi)
        switch (bias != nil, scale != nil, residual != nil, kind) {
        // MobileNetV2's three, each its own loop with no tests inside: batch norm + ReLU6,
        // batch norm + the residual, batch norm alone.
        case (false, true, false, 2): values.run(StepsScaleClamp.self, p, count)
        case (false, true, true, 0): values.run(StepsScaleResidual.self, p, count)
        case (false, true, false, 0): values.run(StepsScale.self, p, count)
        default:
            values.runGeneral(p, count, hasBias: bias != nil, hasScale: scale != nil, hasResidual: residual != nil, kind: kind)
        }
    }
}

/// Which steps of an epilogue run, as compile-time constants: `EpilogueRow.run` is specialized
/// for each conforming type, so its loop holds no tests.
protocol EpilogueSteps {
    static var bias: Bool { get }
    static var scale: Bool { get }
    static var residual: Bool { get }
    /// 0 none, 1 ReLU, 2 clamp.
    static var activation: Int { get }
}

enum StepsScaleClamp: EpilogueSteps {
    static var bias: Bool { false }; static var scale: Bool { true }; static var residual: Bool { false }
    static var activation: Int { 2 }
}

enum StepsScaleResidual: EpilogueSteps {
    static var bias: Bool { false }; static var scale: Bool { true }; static var residual: Bool { true }
    static var activation: Int { 0 }
}

enum StepsScale: EpilogueSteps {
    static var bias: Bool { false }; static var scale: Bool { true }; static var residual: Bool { false }
    static var activation: Int { 0 }
}

/// One row's epilogue operands, broadcast.
struct EpilogueRow {
    let bias, scale, shift: V8
    let residual: UnsafePointer<Float>
    let lo, hi: V8

    @inline(__always)
    func value(_ x: V8, _ i: Int, _ n: Int, hasBias: Bool, hasScale: Bool, hasResidual: Bool, kind: Int) -> V8 {
        var v = x
        if hasBias { v = v + bias }
        if hasScale { v = shift.addingProduct(v, scale) }
        if hasResidual { v = v + (n == 8 ? Fast.load(residual + i) : Fast.loadPartial(residual + i, n)) }
        if kind == 1 { v = Fast.relu(v) } else if kind == 2 { v = Fast.clamp(v, lo: lo, hi: hi) }
        return v
    }

    /// The steps of `S` over `count` values at `p`, sixteen a step.
    @inline(never)
    func run<S: EpilogueSteps>(_: S.Type, _ p: UnsafeMutablePointer<Float>, _ count: Int) {
        runGeneral(p, count, hasBias: S.bias, hasScale: S.scale, hasResidual: S.residual, kind: S.activation)
    }

    @inline(__always)
    func runGeneral(_ p: UnsafeMutablePointer<Float>, _ count: Int, hasBias: Bool, hasScale: Bool, hasResidual: Bool, kind: Int) {
        @inline(__always) func f(_ x: V8, _ i: Int, _ n: Int) -> V8 {
            value(x, i, n, hasBias: hasBias, hasScale: hasScale, hasResidual: hasResidual, kind: kind)
        }
        var i = 0
        while i + 16 <= count {
            let v0 = f(Fast.load(p + i), i, 8), v1 = f(Fast.load(p + i + 8), i + 8, 8)
            Fast.store(v0, p + i)
            Fast.store(v1, p + i + 8)
            i += 16
        }
        if i + 8 <= count {
            Fast.store(f(Fast.load(p + i), i, 8), p + i)
            i += 8
        }
        if i < count {
            Fast.storePartial(f(Fast.loadPartial(p + i, count - i), i, count - i), p + i, count - i)
        }
    }
}

extension Fast {
    /// The epilogue over a whole N×C×plane output, for the channels in `channels` (the path
    /// for kernels that do not apply it block by block).
    public static func applyEpilogue(_ e: Epilogue, to y: UnsafeMutablePointer<Float>, batch: Int, channels total: Int,
                                     plane: Int, channels: Range<Int>) {
        for n in 0..<batch {
            for c in channels {
                let o = (n * total + c) * plane
                e.shifted(rows: c, ld: 0).applyRow(y + o, row: 0, offset: o, count: plane)
            }
        }
    }
}
