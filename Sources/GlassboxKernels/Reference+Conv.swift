import GlassboxKernelsFast

// Convolutions, pooling and batch normalization over NCHW tensors, as plain loops: the
// definitions the optimized paths of `Kernels+Conv.swift` are tested against. Geometry and the
// output-size formula: `ConvGeometry` (Dumoulin & Visin 2016).

// MARK: - Convolution

extension Reference {
    /// y[n, o, r, s] = b[o] + Σ_{c, i, j} w[o, c, i, j] · x[n, g·C/G + c, r·sh + i·dh − ph, s·sw + j·dw − pw]
    /// with o in group g (G groups of C/G input and O/G output channels); out-of-range inputs are
    /// zero (PyTorch's Conv2d with zero padding). x: N×C×H×W, w: O×(C/G)×kh×kw, y: N×O×OH×OW.
    public static func conv2dForward(y: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, w: UnsafePointer<Float>,
                                     bias: UnsafePointer<Float>?, g: ConvGeometry) {
        let oh = g.outHeight, ow = g.outWidth, cg = g.inPerGroup, og = g.outPerGroup
        for n in 0..<g.batch {
            for o in 0..<g.outChannels {
                let group = o / og
                for r in 0..<oh {
                    for s in 0..<ow {
                        var acc = Double(bias?[o] ?? 0)
                        for c in 0..<cg {
                            let ci = group * cg + c
                            for i in 0..<g.kernelHeight {
                                let ih = r * g.strideH + i * g.dilationH - g.padH
                                if ih < 0 || ih >= g.height { continue }
                                for j in 0..<g.kernelWidth {
                                    let iw = s * g.strideW + j * g.dilationW - g.padW
                                    if iw < 0 || iw >= g.width { continue }
                                    acc += Double(w[((o * cg + c) * g.kernelHeight + i) * g.kernelWidth + j])
                                        * Double(x[((n * g.inChannels + ci) * g.height + ih) * g.width + iw])
                                }
                            }
                        }
                        y[((n * g.outChannels + o) * oh + r) * ow + s] = Float(acc)
                    }
                }
            }
        }
    }

    /// The gradients of `conv2dForward`, each overwritten when non-nil: dx = Σ dy · w over the
    /// outputs each input reached (the transposed convolution), dw = Σ dy · x over the positions
    /// each weight touched, db[o] = Σ_{n, r, s} dy[n, o, r, s].
    public static func conv2dBackward(dx: UnsafeMutablePointer<Float>?, dw: UnsafeMutablePointer<Float>?,
                                      db: UnsafeMutablePointer<Float>?, dy: UnsafePointer<Float>,
                                      x: UnsafePointer<Float>, w: UnsafePointer<Float>, g: ConvGeometry) {
        let oh = g.outHeight, ow = g.outWidth, cg = g.inPerGroup, og = g.outPerGroup
        let wCount = g.outChannels * cg * g.taps
        var dxAcc = [Double](repeating: 0, count: dx == nil ? 0 : g.batch * g.inChannels * g.inPlane)
        var dwAcc = [Double](repeating: 0, count: dw == nil ? 0 : wCount)
        var dbAcc = [Double](repeating: 0, count: g.outChannels)
        for n in 0..<g.batch {
            for o in 0..<g.outChannels {
                let group = o / og
                for r in 0..<oh {
                    for s in 0..<ow {
                        let d = Double(dy[((n * g.outChannels + o) * oh + r) * ow + s])
                        dbAcc[o] += d
                        for c in 0..<cg {
                            let ci = group * cg + c
                            for i in 0..<g.kernelHeight {
                                let ih = r * g.strideH + i * g.dilationH - g.padH
                                if ih < 0 || ih >= g.height { continue }
                                for j in 0..<g.kernelWidth {
                                    let iw = s * g.strideW + j * g.dilationW - g.padW
                                    if iw < 0 || iw >= g.width { continue }
                                    let wi = ((o * cg + c) * g.kernelHeight + i) * g.kernelWidth + j
                                    let xi = ((n * g.inChannels + ci) * g.height + ih) * g.width + iw
                                    if dx != nil { dxAcc[xi] += d * Double(w[wi]) }
                                    if dw != nil { dwAcc[wi] += d * Double(x[xi]) }
                                }
                            }
                        }
                    }
                }
            }
        }
        if let dx { for i in 0..<dxAcc.count { dx[i] = Float(dxAcc[i]) } }
        if let dw { for i in 0..<wCount { dw[i] = Float(dwAcc[i]) } }
        if let db { for o in 0..<g.outChannels { db[o] = Float(dbAcc[o]) } }
    }
}

// MARK: - Pooling

extension Reference {
    /// y[n, c, r, s] = max over the window x[n, c, r·sh + i − ph, s·sw + j − pw] (i < kh, j < kw,
    /// in range; padding never wins, as PyTorch pads max pooling with −∞); `index` is the flat
    /// index in the input plane of the maximum (the first on ties), for backward. A window that
    /// holds NaN gives NaN (PyTorch's max_pool2d). Channels are `g.inChannels`.
    public static func maxPool2dForward(y: UnsafeMutablePointer<Float>, index: UnsafeMutablePointer<Int>,
                                        x: UnsafePointer<Float>, g: ConvGeometry) {
        let oh = g.outHeight, ow = g.outWidth
        for p in 0..<(g.batch * g.inChannels) {
            let xp = x + p * g.inPlane
            for r in 0..<oh {
                for s in 0..<ow {
                    var best = -Float.infinity, at = -1
                    for i in 0..<g.kernelHeight {
                        let ih = r * g.strideH + i * g.dilationH - g.padH
                        if ih < 0 || ih >= g.height { continue }
                        for j in 0..<g.kernelWidth {
                            let iw = s * g.strideW + j * g.dilationW - g.padW
                            if iw < 0 || iw >= g.width { continue }
                            let v = xp[ih * g.width + iw]
                            if at < 0 || v > best || (v.isNaN && !best.isNaN) { best = v; at = ih * g.width + iw }
                        }
                    }
                    y[p * g.outPlane + r * ow + s] = best
                    index[p * g.outPlane + r * ow + s] = max(at, 0)
                }
            }
        }
    }

    /// dx[n, c, index] += dy[n, c, r, s]; dx is overwritten.
    public static func maxPool2dBackward(dx: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>,
                                         index: UnsafePointer<Int>, g: ConvGeometry) {
        dx.update(repeating: 0, count: g.batch * g.inChannels * g.inPlane)
        for p in 0..<(g.batch * g.inChannels) {
            for o in 0..<g.outPlane { dx[p * g.inPlane + index[p * g.outPlane + o]] += dy[p * g.outPlane + o] }
        }
    }

    /// The window of output r along an axis of pooling: `average` windows of `avg_pool2d`
    /// (start r·s − p, k long, clipped to the input; divisor k·k with the padding counted, as
    /// PyTorch's count_include_pad=True) and adaptive bins ⌊r·in/out⌋ ..< ⌈(r + 1)·in/out⌉.
    @inline(__always)
    static func adaptiveBin(_ r: Int, input: Int, output: Int) -> (Int, Int) {
        (r * input / output, ((r + 1) * input + output - 1) / output)
    }

    /// `adaptiveBin` for every r in 0..<output, computed once per call rather than per plane
    /// (a global pool over N·C planes of 1×1 would otherwise spend its time dividing).
    static func adaptiveBins(input: Int, output: Int) -> [(Int, Int)] {
        (0..<output).map { adaptiveBin($0, input: input, output: output) }
    }

    /// y[n, c, r, s] = Σ_window x / divisor over windows (kh×kw, stride, padding) clipped to the
    /// input, with divisor kh·kw (padded zeros count: PyTorch's avg_pool2d default).
    public static func avgPool2dForward(y: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, g: ConvGeometry) {
        let oh = g.outHeight, ow = g.outWidth
        let scale = 1 / Float(g.taps)
        for p in 0..<(g.batch * g.inChannels) {
            let xp = x + p * g.inPlane
            for r in 0..<oh {
                let r0 = max(0, r * g.strideH - g.padH), r1 = min(g.height, r * g.strideH - g.padH + g.kernelHeight)
                for s in 0..<ow {
                    let s0 = max(0, s * g.strideW - g.padW), s1 = min(g.width, s * g.strideW - g.padW + g.kernelWidth)
                    var acc: Float = 0
                    if r0 < r1 && s0 < s1 { for i in r0..<r1 { for j in s0..<s1 { acc += xp[i * g.width + j] } } }
                    y[p * g.outPlane + r * ow + s] = acc * scale
                }
            }
        }
    }

    /// dx = the adjoint of `avgPool2dForward`: each dy spread evenly (÷ kh·kw) over its window.
    public static func avgPool2dBackward(dx: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>, g: ConvGeometry) {
        let oh = g.outHeight, ow = g.outWidth
        let scale = 1 / Float(g.taps)
        dx.update(repeating: 0, count: g.batch * g.inChannels * g.inPlane)
        for p in 0..<(g.batch * g.inChannels) {
            let dxp = dx + p * g.inPlane
            for r in 0..<oh {
                let r0 = max(0, r * g.strideH - g.padH), r1 = min(g.height, r * g.strideH - g.padH + g.kernelHeight)
                for s in 0..<ow {
                    let s0 = max(0, s * g.strideW - g.padW), s1 = min(g.width, s * g.strideW - g.padW + g.kernelWidth)
                    let d = dy[p * g.outPlane + r * ow + s] * scale
                    if r0 < r1 && s0 < s1 { for i in r0..<r1 { for j in s0..<s1 { dxp[i * g.width + j] += d } } }
                }
            }
        }
    }

    /// y[n, c, r, s] = mean of x over rows ⌊r·H/OH⌋ ..< ⌈(r+1)·H/OH⌉ and the columns likewise
    /// (PyTorch's adaptive_avg_pool2d). planes = N·C.
    public static func adaptiveAvgPool2dForward(y: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, planes: Int,
                                                height: Int, width: Int, outHeight: Int, outWidth: Int) {
        let rows = adaptiveBins(input: height, output: outHeight), cols = adaptiveBins(input: width, output: outWidth)
        for p in 0..<planes {
            let xp = x + p * height * width
            for (r, (r0, r1)) in rows.enumerated() {
                for (s, (s0, s1)) in cols.enumerated() {
                    var acc: Float = 0
                    for i in r0..<r1 { for j in s0..<s1 { acc += xp[i * width + j] } }
                    y[(p * outHeight + r) * outWidth + s] = acc / Float((r1 - r0) * (s1 - s0))
                }
            }
        }
    }

    /// dx = the adjoint of `adaptiveAvgPool2dForward` (overwritten).
    public static func adaptiveAvgPool2dBackward(dx: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>, planes: Int,
                                                 height: Int, width: Int, outHeight: Int, outWidth: Int) {
        dx.update(repeating: 0, count: planes * height * width)
        let rows = adaptiveBins(input: height, output: outHeight), cols = adaptiveBins(input: width, output: outWidth)
        for p in 0..<planes {
            let dxp = dx + p * height * width
            for (r, (r0, r1)) in rows.enumerated() {
                for (s, (s0, s1)) in cols.enumerated() {
                    let d = dy[(p * outHeight + r) * outWidth + s] / Float((r1 - r0) * (s1 - s0))
                    for i in r0..<r1 { for j in s0..<s1 { dxp[i * width + j] += d } }
                }
            }
        }
    }
}

// MARK: - Batch normalization

extension Reference {
    /// The mean and the biased variance of each channel of x (N×C×plane) over its N·plane
    /// values, in Double (two passes: no E[x²] − μ² cancellation).
    public static func batchNormStatistics(mean: UnsafeMutablePointer<Float>, variance: UnsafeMutablePointer<Float>,
                                           x: UnsafePointer<Float>, batch: Int, channels: Int, plane: Int) {
        let m = Double(batch * plane)
        for c in 0..<channels {
            var s = 0.0
            for n in 0..<batch { let p = x + (n * channels + c) * plane; for i in 0..<plane { s += Double(p[i]) } }
            let mu = s / m
            var q = 0.0
            for n in 0..<batch {
                let p = x + (n * channels + c) * plane
                for i in 0..<plane { let d = Double(p[i]) - mu; q += d * d }
            }
            mean[c] = Float(mu)
            variance[c] = Float(q / m)
        }
    }

    /// y = (x − μ[c])·rstd[c]·γ[c] + β[c] per channel (Ioffe & Szegedy 2015, Algorithm 1),
    /// computed as x·scale + shift with scale = γ·rstd, shift = β − μ·scale. `normalized`, when
    /// non-nil, receives x̂ = (x − μ)·rstd.
    public static func batchNormForward(y: UnsafeMutablePointer<Float>, normalized: UnsafeMutablePointer<Float>?,
                                        x: UnsafePointer<Float>, mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
                                        gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
                                        batch: Int, channels: Int, plane: Int) {
        for n in 0..<batch {
            for c in 0..<channels {
                let scale = gamma[c] * rstd[c], shift = beta[c] - mean[c] * scale
                let o = (n * channels + c) * plane
                let xp = x + o, yp = y + o
                for i in 0..<plane { yp[i] = xp[i] * scale + shift }
                if let normalized {
                    let r = rstd[c], mu = mean[c]
                    for i in 0..<plane { normalized[o + i] = (xp[i] - mu) * r }
                }
            }
        }
    }

    /// What follows a convolution, on its N×C×plane output y in place (`Epilogue`): per channel
    /// c, v + bias[c], then v·scale[c] + shift[c], then v + residual[i], then the activation,
    /// with the reference loops' own arithmetic (`batchNormForward`, `binary`, `unary`).
    public static func applyEpilogue(_ e: Epilogue, to y: UnsafeMutablePointer<Float>, batch: Int, channels: Int, plane: Int) {
        for n in 0..<batch {
            for c in 0..<channels {
                let o = (n * channels + c) * plane
                for i in 0..<plane {
                    var v = y[o + i]
                    if let b = e.bias { v += b[c] }
                    if let s = e.scale, let t = e.shift { v = v * s[c] + t[c] }
                    if let r = e.residual { v += r[o + i] }
                    switch e.activation {
                    case .none: break
                    case .relu: v = v > 0 ? v : (v.isNaN ? v : 0)
                    case .clamp(let lo, let hi): v = v.isNaN ? v : Swift.min(Swift.max(v, lo), hi)
                    }
                    y[o + i] = v
                }
            }
        }
    }

    /// The gradients of `batchNormForward` with M = N·plane values per channel:
    /// dβ = Σ dy, dγ = Σ dy ⊙ x̂ and, with the batch's own statistics (`training`),
    /// dx = γ·rstd/M · (M·dy − Σ dy − x̂ · Σ dy ⊙ x̂) (Ioffe & Szegedy 2015, §3); with running
    /// statistics (constants) dx = γ·rstd·dy. Each output is overwritten when non-nil.
    public static func batchNormBackward(dx: UnsafeMutablePointer<Float>?, dgamma: UnsafeMutablePointer<Float>?,
                                         dbeta: UnsafeMutablePointer<Float>?, dy: UnsafePointer<Float>,
                                         x: UnsafePointer<Float>, mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
                                         gamma: UnsafePointer<Float>, training: Bool, batch: Int, channels: Int, plane: Int) {
        let m = Float(batch * plane)
        for c in 0..<channels {
            let mu = mean[c], r = rstd[c]
            var sdy = 0.0, sdyx = 0.0
            for n in 0..<batch {
                let o = (n * channels + c) * plane
                for i in 0..<plane {
                    let d = Double(dy[o + i])
                    sdy += d
                    sdyx += d * Double((x[o + i] - mu) * r)
                }
            }
            dbeta?[c] = Float(sdy)
            dgamma?[c] = Float(sdyx)
            guard let dx else { continue }
            let k = gamma[c] * r
            for n in 0..<batch {
                let o = (n * channels + c) * plane
                if training {
                    let a = Float(sdy) / m, b = Float(sdyx) / m
                    for i in 0..<plane { dx[o + i] = k * (dy[o + i] - a - (x[o + i] - mu) * r * b) }
                } else {
                    for i in 0..<plane { dx[o + i] = k * dy[o + i] }
                }
            }
        }
    }
}
