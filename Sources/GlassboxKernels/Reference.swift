#if canImport(Glibc)
import Glibc
#endif

/// Plain reference loops: one readable loop per kernel, the formula in its doc comment.
///
/// These are the definition of what every kernel computes. `Kernels` calls them when the CPU has
/// no AVX2/FMA (or `GLASSBOX_KERNELS=reference`), and the tests compare the optimized loops in
/// `GlassboxKernelsFast` against them. Conventions (llm.c): contiguous row-major `Float` buffers;
/// arguments go outputs → saved-for-backward → inputs → dimensions; gradients carry a `d` prefix.
public enum Reference {}

// MARK: - Operation selectors

/// The elementwise functions of one argument, y = f(x).
public enum UnaryOp: Sendable, Equatable {
    /// y = −x
    case neg
    /// y = eˣ
    case exp
    /// y = ln x (−∞ at 0, NaN below 0)
    case log
    /// y = √x (NaN below 0)
    case sqrt
    /// y = |x|
    case abs
    /// y = tanh x
    case tanh
    /// y = σ(x) = 1 / (1 + e⁻ˣ)
    case sigmoid
    /// y = max(x, 0)
    case relu
    /// y = ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))  (Hendrycks & Gimpel 2016, tanh approximation, as GPT-2)
    case gelu
    // Trigonometric and hyperbolic (C's float functions)
    case sin, cos, tan, asin, acos, atan, sinh, cosh
    // Rounding: zero gradient almost everywhere (PyTorch gives 0)
    /// ⌊x⌋, ⌈x⌉, x rounded half to even (as NumPy and PyTorch), x rounded toward 0
    case floor, ceil, round, trunc
    /// −1, 0 or 1 (NaN stays NaN)
    case sign
    /// y = x²
    case square
    /// y = ln(1 + x), accurate near 0
    case log1p
    /// y = eˣ − 1, accurate near 0
    case expm1
    case log2, log10
    /// y = erf x = (2/√π) ∫₀ˣ e^(−t²) dt
    case erf
    /// y = (1/β)·ln(1 + e^(βx)), or x where βx > threshold (PyTorch `softplus`)
    case softplus(beta: Float, threshold: Float)
    /// y = x where x > 0, else slope·x (PyTorch `leaky_relu`)
    case leakyRelu(slope: Float)
    /// y = x where x > 0, else α(eˣ − 1) (Clevert et al. 2016; PyTorch `elu`)
    case elu(alpha: Float)
    /// y = x·σ(x) (SiLU / swish; Elfwing et al. 2018)
    case silu
    /// y = min(max(x, 0), 6) (Howard et al. 2017, MobileNets)
    case relu6
    /// y = min(max(x, lo), hi) (PyTorch `clamp` with numbers; NaN stays NaN)
    case clip(lo: Float, hi: Float)
    /// 1 where x is NaN / ±∞ / finite, else 0 (no gradient)
    case isnan, isinf, isfinite
}

/// The elementwise functions of two arguments, y = a ∘ b. Comparisons give 1 (true) or 0 (false).
public enum BinaryOp: Sendable {
    case add, sub, mul, div
    /// y = aᵇ (C `powf`)
    case pow
    /// y = max(a, b); NaN if either is NaN (as NumPy `maximum`)
    case maximum
    /// y = min(a, b); NaN if either is NaN (as NumPy `minimum`)
    case minimum
    case less, lessEqual, greater, greaterEqual, equal, notEqual
    /// y = atan2(a, b), the angle of the point (b, a) in (−π, π] (C `atan2f`)
    case atan2
}

// MARK: - Scalar formulas

extension Reference {
    /// √(2/π), the constant of GELU's tanh approximation.
    public static let geluC: Float = 0.7978845608028654

    /// y = f(x) for one element (the definition every unary loop uses).
    @inline(__always)
    public static func apply(_ op: UnaryOp, _ x: Float) -> Float {
        switch op {
        case .neg: return -x
        case .exp: return expf(x)
        case .log: return logf(x)
        case .sqrt: return sqrtf(x)
        case .abs: return Swift.abs(x)
        case .tanh: return tanhf(x)
        case .sigmoid: return sigmoid(x)
        case .relu: return x > 0 ? x : (x.isNaN ? x : 0)
        case .gelu: return 0.5 * x * (1 + tanhf(geluC * (x + 0.044715 * x * x * x)))
        case .sin: return sinf(x)
        case .cos: return cosf(x)
        case .tan: return tanf(x)
        case .asin: return asinf(x)
        case .acos: return acosf(x)
        case .atan: return atanf(x)
        case .sinh: return sinhf(x)
        case .cosh: return coshf(x)
        case .floor: return floorf(x)
        case .ceil: return ceilf(x)
        case .round: return x.rounded(.toNearestOrEven)
        case .trunc: return truncf(x)
        case .sign: return x > 0 ? 1 : (x < 0 ? -1 : x)   // ±0 and NaN stay as they are
        case .square: return x * x
        case .log1p: return log1pf(x)
        case .expm1: return expm1f(x)
        case .log2: return log2f(x)
        case .log10: return log10f(x)
        case .erf: return erff(x)
        case .softplus(let beta, let threshold): return beta * x > threshold ? x : log1pf(expf(beta * x)) / beta
        case .leakyRelu(let slope): return x > 0 ? x : slope * x
        case .elu(let alpha): return x > 0 ? x : alpha * expm1f(x)
        case .silu: return x * sigmoid(x)
        case .relu6: return x.isNaN ? x : Swift.min(Swift.max(x, 0), 6)
        case .clip(let lo, let hi): return x.isNaN ? x : Swift.min(Swift.max(x, lo), hi)
        case .isnan: return x.isNaN ? 1 : 0
        case .isinf: return x.isInfinite ? 1 : 0
        case .isfinite: return x.isFinite ? 1 : 0
        }
    }

    /// σ(x) = 1 / (1 + e⁻ˣ), written so that neither branch overflows:
    /// x ≥ 0: 1 / (1 + e⁻ˣ); x < 0: eˣ / (1 + eˣ).
    @inline(__always)
    public static func sigmoid(_ x: Float) -> Float {
        if x >= 0 { return 1 / (1 + expf(-x)) }
        let e = expf(x)
        return e / (1 + e)
    }

    /// y = a ∘ b for one element.
    @inline(__always)
    public static func apply(_ op: BinaryOp, _ a: Float, _ b: Float) -> Float {
        switch op {
        case .add: return a + b
        case .sub: return a - b
        case .mul: return a * b
        case .div: return a / b
        case .pow: return powf(a, b)
        case .maximum: return (a.isNaN || b.isNaN) ? Float.nan : (a >= b ? a : b)
        case .minimum: return (a.isNaN || b.isNaN) ? Float.nan : (a <= b ? a : b)
        case .less: return a < b ? 1 : 0
        case .lessEqual: return a <= b ? 1 : 0
        case .greater: return a > b ? 1 : 0
        case .greaterEqual: return a >= b ? 1 : 0
        case .equal: return a == b ? 1 : 0
        case .notEqual: return a != b ? 1 : 0
        case .atan2: return atan2f(a, b)
        }
    }

    /// dx/dy... the local derivative of a unary op times the upstream gradient, for one element.
    /// `x` is the op's input and `y` its output (each formula uses whichever is cheaper).
    @inline(__always)
    public static func unaryGradient(_ op: UnaryOp, dy: Float, x: Float, y: Float) -> Float {
        switch op {
        case .neg: return -dy                               // d(−x)/dx = −1
        case .exp: return dy * y                            // d eˣ/dx = eˣ = y
        case .log: return dy / x                            // d ln x/dx = 1/x
        case .sqrt: return dy / (2 * y)                     // d √x/dx = 1/(2√x)
        case .abs: return x > 0 ? dy : (x < 0 ? -dy : 0)    // sign(x), 0 at 0 (as PyTorch)
        case .tanh: return dy * (1 - y * y)                 // 1 − tanh²x
        case .sigmoid: return dy * y * (1 - y)              // σ(x)(1 − σ(x))
        case .relu: return x > 0 ? dy : 0                   // 1 if x > 0 else 0
        case .gelu:
            // y = ½x(1 + tanh u), u = c(x + 0.044715x³)
            // dy/dx = ½(1 + tanh u) + ½x(1 − tanh²u)·c(1 + 3·0.044715x²)
            let u = geluC * (x + 0.044715 * x * x * x)
            let t = tanhf(u)
            let du = geluC * (1 + 3 * 0.044715 * x * x)
            return dy * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du)
        case .sin: return dy * cosf(x)                           // cos x
        case .cos: return -dy * sinf(x)                          // −sin x
        case .tan: return dy * (1 + y * y)                       // 1 + tan²x
        case .asin: return dy / sqrtf(1 - x * x)                 // 1/√(1 − x²)
        case .acos: return -dy / sqrtf(1 - x * x)                // −1/√(1 − x²)
        case .atan: return dy / (1 + x * x)                      // 1/(1 + x²)
        case .sinh: return dy * coshf(x)                         // cosh x
        case .cosh: return dy * sinhf(x)                         // sinh x
        case .floor, .ceil, .round, .trunc, .sign: return 0      // piecewise constant (as PyTorch)
        case .square: return dy * 2 * x                          // 2x
        case .log1p: return dy / (1 + x)                         // 1/(1 + x)
        case .expm1: return dy * (y + 1)                         // eˣ = y + 1
        case .log2: return dy / (x * 0.6931471805599453)         // 1/(x ln 2)
        case .log10: return dy / (x * 2.302585092994046)         // 1/(x ln 10)
        case .erf: return dy * 1.1283791670955126 * expf(-x * x) // (2/√π)·e^(−x²)
        case .softplus(let beta, let threshold):                 // σ(βx), 1 past the threshold
            return beta * x > threshold ? dy : dy * sigmoid(beta * x)
        case .leakyRelu(let slope): return x > 0 ? dy : dy * slope
        case .elu(let alpha): return x > 0 ? dy : dy * (y + alpha)   // α·eˣ = y + α
        case .silu:                                              // σ(x)·(1 + x·(1 − σ(x)))
            let s = sigmoid(x)
            return dy * s * (1 + x * (1 - s))
        case .relu6: return x > 0 && x < 6 ? dy : 0              // 1 strictly inside (0, 6), as PyTorch
        case .clip(let lo, let hi): return x >= lo && x <= hi ? dy : 0   // 1 inside [lo, hi], as PyTorch clamp
        case .isnan, .isinf, .isfinite: return 0
        }
    }
}

// MARK: - Unary maps

extension Reference {
    /// y[i] = f(x[i]) for i < count. `y` may alias `x`.
    /// - Parameters: y (count), x (count).
    public static func unary(_ op: UnaryOp, _ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int) {
        switch op {   // one loop per op so the switch stays outside the loop
        case .neg: for i in 0..<count { y[i] = -x[i] }
        case .exp: for i in 0..<count { y[i] = expf(x[i]) }
        case .log: for i in 0..<count { y[i] = logf(x[i]) }
        case .sqrt: for i in 0..<count { y[i] = sqrtf(x[i]) }
        case .abs: for i in 0..<count { y[i] = Swift.abs(x[i]) }
        case .tanh: for i in 0..<count { y[i] = tanhf(x[i]) }
        case .sigmoid: for i in 0..<count { y[i] = sigmoid(x[i]) }
        default: for i in 0..<count { y[i] = apply(op, x[i]) }
        }
    }

    /// dx[i] = dy[i] · f′(x[i]) (see `unaryGradient` for each formula).
    /// - Parameters: dx (count), dy (count), x (count, the forward input), y (count, the forward output).
    /// The common ops have a loop each (the formulas of `unaryGradient`, term for term, so the
    /// results are the same bits), which the compiler vectorizes; one loop with the switch inside
    /// would branch on the op for every element and not vectorize.
    public static func unaryBackward(_ op: UnaryOp, dx: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>,
                                     x: UnsafePointer<Float>, y: UnsafePointer<Float>, count: Int) {
        switch op {
        case .neg: for i in 0..<count { dx[i] = -dy[i] }
        case .exp: for i in 0..<count { dx[i] = dy[i] * y[i] }
        case .tanh: for i in 0..<count { dx[i] = dy[i] * (1 - y[i] * y[i]) }
        case .sigmoid: for i in 0..<count { dx[i] = dy[i] * y[i] * (1 - y[i]) }
        case .relu: for i in 0..<count { dx[i] = x[i] > 0 ? dy[i] : 0 }
        case .relu6: for i in 0..<count { dx[i] = x[i] > 0 && x[i] < 6 ? dy[i] : 0 }
        case .clip(let lo, let hi): for i in 0..<count { dx[i] = x[i] >= lo && x[i] <= hi ? dy[i] : 0 }
        default: for i in 0..<count { dx[i] = unaryGradient(op, dy: dy[i], x: x[i], y: y[i]) }
        }
    }
}

// MARK: - Binary maps

extension Reference {
    /// y[i] = a[i] ∘ b[i]. `y` may alias `a` or `b`.
    /// - Parameters: y, a, b (count each).
    public static func binary(_ op: BinaryOp, _ y: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>,
                              _ b: UnsafePointer<Float>, count: Int) {
        switch op {
        case .add: for i in 0..<count { y[i] = a[i] + b[i] }
        case .sub: for i in 0..<count { y[i] = a[i] - b[i] }
        case .mul: for i in 0..<count { y[i] = a[i] * b[i] }
        case .div: for i in 0..<count { y[i] = a[i] / b[i] }
        default: for i in 0..<count { y[i] = apply(op, a[i], b[i]) }
        }
    }

    /// y[i] = a[i] ∘ s (or s ∘ a[i] when `scalarOnLeft`): a tensor with a scalar.
    /// - Parameters: y (count), a (count), s a number.
    public static func binaryScalar(_ op: BinaryOp, _ y: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>,
                                    _ s: Float, scalarOnLeft: Bool, count: Int) {
        if scalarOnLeft {
            switch op {
            case .add: for i in 0..<count { y[i] = s + a[i] }
            case .sub: for i in 0..<count { y[i] = s - a[i] }
            case .mul: for i in 0..<count { y[i] = s * a[i] }
            case .div: for i in 0..<count { y[i] = s / a[i] }
            default: for i in 0..<count { y[i] = apply(op, s, a[i]) }
            }
        } else {
            switch op {
            case .add: for i in 0..<count { y[i] = a[i] + s }
            case .sub: for i in 0..<count { y[i] = a[i] - s }
            case .mul: for i in 0..<count { y[i] = a[i] * s }
            case .div: for i in 0..<count { y[i] = a[i] / s }
            default: for i in 0..<count { y[i] = apply(op, a[i], s) }
            }
        }
    }

    /// Row broadcast: y[r, c] = a[r, c] ∘ b[c] (or b[c] ∘ a[r, c] when `rowOnLeft`).
    /// - Parameters: y (rows×cols), a (rows×cols), b (cols).
    public static func binaryRow(_ op: BinaryOp, _ y: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>,
                                 _ b: UnsafePointer<Float>, rowOnLeft: Bool, rows: Int, cols: Int) {
        for r in 0..<rows {
            let yr = y + r * cols, ar = a + r * cols
            if rowOnLeft {
                for c in 0..<cols { yr[c] = apply(op, b[c], ar[c]) }
            } else {
                for c in 0..<cols { yr[c] = apply(op, ar[c], b[c]) }
            }
        }
    }

    /// The general case: y (contiguous, `shape`) = a ∘ b where a and b are read through strides.
    /// A stride of 0 repeats an element along that axis, which is how NumPy broadcasting is done.
    /// - Parameters: y (∏shape), a and b at element offsets Σ index·stride; shape and both stride
    ///   arrays have the same length.
    public static func binaryStrided(_ op: BinaryOp, _ y: UnsafeMutablePointer<Float>,
                                     _ a: UnsafePointer<Float>, aStrides: [Int],
                                     _ b: UnsafePointer<Float>, bStrides: [Int], shape: [Int]) {
        var out = 0
        forEachRow(shape: shape, aStrides, bStrides) { n, ao, bo, sa, sb in
            for j in 0..<n { y[out + j] = apply(op, a[ao + j * sa], b[bo + j * sb]) }
            out += n
        }
    }

    /// y (contiguous, `shape`) = where(c ≠ 0, a, b), each input read through strides (0 = broadcast).
    public static func selectStrided(_ y: UnsafeMutablePointer<Float>,
                                     _ c: UnsafePointer<Float>, cStrides: [Int],
                                     _ a: UnsafePointer<Float>, aStrides: [Int],
                                     _ b: UnsafePointer<Float>, bStrides: [Int], shape: [Int]) {
        var out = 0
        forEachRow(shape: shape, cStrides, aStrides, bStrides) { n, offs, steps in
            for j in 0..<n {
                y[out + j] = c[offs.0 + j * steps.0] != 0 ? a[offs.1 + j * steps.1] : b[offs.2 + j * steps.2]
            }
            out += n
        }
    }
}
