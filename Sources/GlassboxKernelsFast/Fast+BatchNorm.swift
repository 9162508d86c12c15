/// Batch normalization (Ioffe & Szegedy 2015) over N×C×plane activations, for the channels in a
/// range, so that `Threaded` can give each core whole channels. The formulas are the reference
/// loops' (`Reference.batchNormStatistics`, `…Forward`, `…Backward`); here each plane is summed in
/// sixteen float lanes and the per-plane sums are added in Double, which keeps the error of a
/// 12 544-value plane near the reference's while every value is touched by vector code.
extension Fast {
    /// Σ p[i] over one plane, in sixteen float lanes.
    @inline(__always)
    static func planeSum(_ p: UnsafePointer<Float>, _ count: Int) -> Double {
        var a = V8(), b = V8(), i = 0
        while i + 16 <= count { a += load(p + i); b += load(p + i + 8); i += 16 }
        if i + 8 <= count { a += load(p + i); i += 8 }
        if i < count { b += loadPartial(p + i, count - i) }
        return Double((a + b).sum())
    }

    /// Σ (p[i] − μ)² over one plane, in sixteen float lanes.
    @inline(__always)
    static func planeSquaredDeviations(_ p: UnsafePointer<Float>, _ count: Int, mean: Float) -> Double {
        let m = V8(repeating: mean)
        var a = V8(), b = V8(), i = 0
        while i + 16 <= count {
            let u = load(p + i) - m, v = load(p + i + 8) - m
            a = a.addingProduct(u, u); b = b.addingProduct(v, v)
            i += 16
        }
        if i + 8 <= count { let u = load(p + i) - m; a = a.addingProduct(u, u); i += 8 }
        if i < count { let u = loadPartial(p + i, count - i, fill: mean) - m; b = b.addingProduct(u, u) }
        return Double((a + b).sum())
    }

    /// mean[c] and the biased variance[c] of channel c over its N·plane values (two passes).
    public static func batchNormStatistics(mean: UnsafeMutablePointer<Float>, variance: UnsafeMutablePointer<Float>,
                                           x: UnsafePointer<Float>, batch: Int, channels: Int, plane: Int,
                                           range: Range<Int>) {
        let m = Double(batch * plane)
        for c in range {
            var s = 0.0
            for n in 0..<batch { s += planeSum(x + (n * channels + c) * plane, plane) }
            let mu = Float(s / m)
            var q = 0.0
            for n in 0..<batch { q += planeSquaredDeviations(x + (n * channels + c) * plane, plane, mean: mu) }
            mean[c] = mu
            variance[c] = Float(q / m)
        }
    }

    /// y = x·scale + shift per channel, scale = γ·rstd, shift = β − μ·scale; `normalized`, when
    /// non-nil, receives x̂ = (x − μ)·rstd.
    public static func batchNormForward(y: UnsafeMutablePointer<Float>, normalized: UnsafeMutablePointer<Float>?,
                                        x: UnsafePointer<Float>, mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
                                        gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
                                        batch: Int, channels: Int, plane: Int, range: Range<Int>) {
        for n in 0..<batch {
            for c in range {
                let scale = gamma[c] * rstd[c], shift = beta[c] - mean[c] * scale
                let o = (n * channels + c) * plane
                let s = V8(repeating: scale), t = V8(repeating: shift)
                let xp = x + o, yp = y + o
                var i = 0
                while i + 8 <= plane { store(t.addingProduct(load(xp + i), s), yp + i); i += 8 }
                if i < plane { storePartial(t.addingProduct(loadPartial(xp + i, plane - i), s), yp + i, plane - i) }
                if let normalized {
                    let r = rstd[c], mu = mean[c]
                    for i in 0..<plane { normalized[o + i] = (xp[i] - mu) * r }
                }
            }
        }
    }

    /// The gradients of `batchNormForward` (see `Reference.batchNormBackward` for the formulas),
    /// for the channels in `range`; each output is overwritten when non-nil.
    public static func batchNormBackward(dx: UnsafeMutablePointer<Float>?, dgamma: UnsafeMutablePointer<Float>?,
                                         dbeta: UnsafeMutablePointer<Float>?, dy: UnsafePointer<Float>,
                                         x: UnsafePointer<Float>, mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
                                         gamma: UnsafePointer<Float>, training: Bool, batch: Int, channels: Int, plane: Int,
                                         range: Range<Int>) {
        let m = Float(batch * plane)
        for c in range {
            let mu = mean[c], r = rstd[c]
            let muv = V8(repeating: mu), rv = V8(repeating: r)
            var sdy = 0.0, sdyx = 0.0
            for n in 0..<batch {
                let o = (n * channels + c) * plane
                let d = dy + o, xp = x + o
                var a = V8(), b = V8(), i = 0
                while i + 8 <= plane {
                    let g = load(d + i)
                    a += g
                    b = b.addingProduct(g, (load(xp + i) - muv) * rv)
                    i += 8
                }
                if i < plane {
                    let g = loadPartial(d + i, plane - i)
                    a += g
                    b = b.addingProduct(g, (loadPartial(xp + i, plane - i, fill: mu) - muv) * rv)
                }
                sdy += Double(a.sum()); sdyx += Double(b.sum())
            }
            dbeta?[c] = Float(sdy)
            dgamma?[c] = Float(sdyx)
            guard let dx else { continue }
            let k = V8(repeating: gamma[c] * r)
            let av = V8(repeating: training ? Float(sdy) / m : 0), bv = V8(repeating: training ? Float(sdyx) / m * r : 0)
            for n in 0..<batch {
                let o = (n * channels + c) * plane
                let d = dy + o, xp = x + o, out = dx + o
                // dx = k·(dy − a − (x − μ)·rstd·b); with running statistics a = b = 0.
                @inline(__always) func value(_ g: V8, _ xv: V8) -> V8 { k * (g - av - (xv - muv) * bv) }
                var i = 0
                while i + 8 <= plane { store(value(load(d + i), load(xp + i)), out + i); i += 8 }
                if i < plane { storePartial(value(loadPartial(d + i, plane - i), loadPartial(xp + i, plane - i)), out + i, plane - i) }
            }
        }
    }
}
