// Elementwise maps y = f(x) over `count` contiguous floats, eight at a time (`SIMD8<Float>`);
// the last count mod 8 elements go through the same vector code via a zero-padded register.
// `y` may alias `x`. Accuracy of each function: Fast+Math.swift and Docs/KERNELS.md.

import CGlassboxSIMD

// MARK: - Loop

extension Fast {
    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> V8 {
        UnsafeRawPointer(p).loadUnaligned(as: V8.self)
    }

    @inline(__always)
    static func store(_ v: V8, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: V8.self)
    }

    /// Loads `count` (< 8) floats into the low lanes of a vector, `fill` in the others: one
    /// masked load, which reads nothing past `count` floats.
    @inline(__always)
    static func loadPartial(_ p: UnsafePointer<Float>, _ count: Int, fill: Float = 0) -> V8 {
        gb_load_first8(p, count, fill)
    }

    /// Stores the low `count` (< 8) lanes of `v`: one masked store, which writes nothing past them.
    @inline(__always)
    static func storePartial(_ v: V8, _ p: UnsafeMutablePointer<Float>, _ count: Int) {
        gb_store_first8(p, v, count)
    }

    /// y[i] = f(x[i]) like `map`, sixteen lanes per step, for a function with a fast path that
    /// needs its inputs in range: one range test (`allFast`) for both vectors of a step, then
    /// `fast` on both, or `general` (which tests each vector itself) when any lane is outside.
    /// One test per sixteen lanes instead of per eight halves the tests and branches on the
    /// common path, where every lane is in range.
    @inline(__always)
    static func mapPairs(
        _ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int,
        allFast: (V8, V8) -> Bool, fast: (V8) -> V8, general: (V8) -> V8
    ) {
        var i = 0
        while i + 16 <= count {
            let a = load(x + i), b = load(x + i + 8)
            if allFast(a, b) {
                store(fast(a), y + i)
                store(fast(b), y + i + 8)
            } else {
                store(general(a), y + i)
                store(general(b), y + i + 8)
            }
            i += 16
        }
        map(y + i, x + i, count: count - i, general)
    }

    /// y[i] = f(x[i]) for i in 0..<count, eight lanes at a time.
    @inline(__always)
    static func map(
        _ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int, _ f: (V8) -> V8
    ) {
        var i = 0
        while i + 16 <= count {
            let a = load(x + i), b = load(x + i + 8)
            store(f(a), y + i)
            store(f(b), y + i + 8)
            i += 16
        }
        while i + 8 <= count {
            store(f(load(x + i)), y + i)
            i += 8
        }
        if i < count {
            storePartial(f(loadPartial(x + i, count - i)), y + i, count - i)
        }
    }
}

// MARK: - Transcendental maps

extension Fast {
    /// y = eˣ elementwise; x, y: [count]. ≤ 2 ulp from glibc `expf` (Fast+Math.swift).
    public static func exp(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int) {
        mapPairs(y, x, count: count, allFast: { allLanes(expFastRange($0) .& expFastRange($1)) },
                 fast: { expInRange($0) }, general: { exp($0) })
    }

    /// y = ln x elementwise; x, y: [count]. ≤ 2 ulp from glibc `logf`.
    public static func log(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int) {
        map(y, x, count: count) { log($0) }
    }

    /// y = tanh x elementwise; x, y: [count]. ≤ 2 ulp from glibc `tanhf`.
    public static func tanh(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int) {
        map(y, x, count: count) { tanh($0) }
    }

    /// y = sin x elementwise; x, y: [count]. Within 2e-7 of glibc `sinf` (Cody–Waite reduction
    /// by π/2 and Cephes polynomials, Fast+Math.swift); lanes with |x| > 10⁵ call `sinf`.
    public static func sin(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int) {
        mapPairs(y, x, count: count, allFast: { trigFastRange($0, $1) },
                 fast: { sinCosInRange($0, quadrantOffset: 0) }, general: { sin($0) })
    }

    /// y = cos x elementwise; x, y: [count]. As `sin`, against glibc `cosf`.
    public static func cos(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int) {
        mapPairs(y, x, count: count, allFast: { trigFastRange($0, $1) },
                 fast: { sinCosInRange($0, quadrantOffset: 1) }, general: { cos($0) })
    }

    /// y = erf x = (2/√π)∫₀ˣ e^(−t²) dt elementwise; x, y: [count]. Within 1e-6 of glibc `erff`
    /// (Cephes `erff` below 1, 1 − e^(−x² + Q(|x|)) above; Fast+Math.swift).
    public static func erf(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int) {
        map(y, x, count: count) { erf($0) }
    }

    /// y = σ(x) = 1/(1 + e⁻ˣ) elementwise; x, y: [count]. ≤ 2 ulp from the formula in Double.
    public static func sigmoid(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int) {
        mapPairs(y, x, count: count,
                 allFast: { allLanes(expFastRange(negativeAbs($0)) .& expFastRange(negativeAbs($1))) },
                 fast: { sigmoid($0, e: expInRange(negativeAbs($0))) }, general: { sigmoid($0) })
    }

    /// y = ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) elementwise (GELU, tanh approximation;
    /// Hendrycks & Gimpel 2016); x, y: [count]. ≤ 2 ulp from the formula in Double.
    public static func gelu(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int) {
        map(y, x, count: count) { gelu($0) }
    }
}

// MARK: - Simple maps

extension Fast {
    /// y = max(x, 0) elementwise (NaN stays NaN); x, y: [count].
    public static func relu(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int) {
        map(y, x, count: count) { relu($0) }
    }

    /// y = min(max(x, lo), hi) elementwise, NaN staying NaN (ReLU6 is lo = 0, hi = 6); x, y: [count].
    /// The comparisons are those of `Swift.min(Swift.max(x, lo), hi)` — x ≤ lo gives lo (so −0
    /// clamps to +0 at lo = 0), x > hi gives hi — so the results are the reference loop's bits.
    public static func clamp(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int,
                             lo: Float, hi: Float) {
        let l = V8(repeating: lo), h = V8(repeating: hi)
        map(y, x, count: count) { clamp($0, lo: l, hi: h) }
    }

    /// min(max(v, lo), hi) per lane with `Swift.min(Swift.max(v, lo), hi)`'s comparisons.
    @inline(__always)
    static func clamp(_ v: V8, lo: V8, hi: V8) -> V8 {
        let low = v.replacing(with: lo, where: v .<= lo)
        return low.replacing(with: hi, where: low .> hi)
    }

    /// dx = dy where x lies inside (lo, hi) — each end included when its flag says so — else 0:
    /// the backward pass of relu (lo = 0 open, hi = +∞ closed), relu6 ((0, 6), PyTorch's
    /// hardtanh_backward) and clip ([lo, hi]). NaN fails every comparison, so its dx is 0, as in
    /// the reference loop. dx, dy, x: [count]; dx may alias dy.
    public static func passInside(dx: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>, x: UnsafePointer<Float>, count: Int,
                                  lo: Float, hi: Float, closedLow: Bool, closedHigh: Bool) {
        let l = V8(repeating: lo), h = V8(repeating: hi), zero = V8()
        @inline(__always) func f(_ g: V8, _ v: V8) -> V8 {
            let above = closedLow ? v .>= l : v .> l
            let below = closedHigh ? v .<= h : v .< h
            return zero.replacing(with: g, where: above .& below)
        }
        zipLoop(dx, dy, x, count, f)
    }

    /// The backward passes that read only the output y: exp (dx = dy·y), tanh (dx = dy·(1 − y²)),
    /// sigmoid (dx = dy·y·(1 − y)), with the reference loop's operations in its order (no fused
    /// multiply-adds), so the bits are the same. dx, dy, y: [count]; dx may alias dy.
    public enum OutputDerivative: Sendable { case exp, tanh, sigmoid }

    public static func outputBackward(_ kind: OutputDerivative, dx: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>,
                                      y: UnsafePointer<Float>, count: Int) {
        let one = V8(repeating: 1)
        @inline(__always) func f(_ g: V8, _ v: V8) -> V8 {
            switch kind {
            case .exp: return g * v
            case .tanh: return g * (one - v * v)
            case .sigmoid: return g * v * (one - v)
            }
        }
        zipLoop(dx, dy, y, count, f)
    }

    /// y = √x elementwise (`vsqrtps`, correctly rounded); x, y: [count].
    public static func sqrt(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int) {
        map(y, x, count: count) { gb_sqrt8($0) }
    }

    /// y = |x| elementwise; x, y: [count].
    public static func abs(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int) {
        map(y, x, count: count) { float(bits($0) & U8(repeating: 0x7FFF_FFFF)) }
    }

    /// y = −x elementwise; x, y: [count].
    public static func neg(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int) {
        map(y, x, count: count) { float(bits($0) ^ U8(repeating: 0x8000_0000)) }
    }
}

extension Fast {
    @inline(__always)
    static func relu(_ x: V8) -> V8 { x.replacing(with: V8(), where: x .< V8()) }
}
