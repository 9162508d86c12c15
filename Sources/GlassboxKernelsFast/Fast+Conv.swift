// 2-D convolutions over NCHW tensors (PyTorch's Conv2d semantics): the direct depthwise kernel
// and the im2col / col2im copies of the general path. Pointwise (1×1) convolutions need neither:
// `Kernels.conv2dForward` runs them as the packed gemm on each image's C×(H·W) matrix.

// MARK: - Geometry

/// The geometry of one 2-D convolution or pooling window over NCHW tensors. Along each axis
/// out = ⌊(in + 2·pad − dilation·(k − 1) − 1)/stride⌋ + 1 (Dumoulin & Visin 2016, "A guide to
/// convolution arithmetic for deep learning", relationship 15; PyTorch's Conv2d docs).
/// Weights are (outChannels, inChannels/groups, kernelHeight, kernelWidth).
public struct ConvGeometry: Sendable, Equatable {
    public var batch: Int, inChannels: Int, height: Int, width: Int
    public var outChannels: Int, kernelHeight: Int, kernelWidth: Int
    public var strideH: Int, strideW: Int, padH: Int, padW: Int
    public var dilationH: Int, dilationW: Int, groups: Int

    public init(batch: Int, inChannels: Int, height: Int, width: Int, outChannels: Int,
                kernelHeight: Int, kernelWidth: Int, strideH: Int = 1, strideW: Int = 1,
                padH: Int = 0, padW: Int = 0, dilationH: Int = 1, dilationW: Int = 1, groups: Int = 1) {
        self.batch = batch; self.inChannels = inChannels; self.height = height; self.width = width
        self.outChannels = outChannels; self.kernelHeight = kernelHeight; self.kernelWidth = kernelWidth
        self.strideH = strideH; self.strideW = strideW; self.padH = padH; self.padW = padW
        self.dilationH = dilationH; self.dilationW = dilationW; self.groups = groups
    }

    public var outHeight: Int { (height + 2 * padH - dilationH * (kernelHeight - 1) - 1) / strideH + 1 }
    public var outWidth: Int { (width + 2 * padW - dilationW * (kernelWidth - 1) - 1) / strideW + 1 }
    public var inPerGroup: Int { inChannels / groups }
    public var outPerGroup: Int { outChannels / groups }
    /// Elements of one input plane, one output plane, one filter.
    public var inPlane: Int { height * width }
    public var outPlane: Int { outHeight * outWidth }
    public var taps: Int { kernelHeight * kernelWidth }

    /// groups = inChannels = outChannels: each channel convolved with its own filter.
    public var isDepthwise: Bool { groups == inChannels && outChannels == inChannels && groups > 1 }
    /// 1×1, stride 1, no padding, one group: a matrix product per image.
    public var isPointwise: Bool {
        kernelHeight == 1 && kernelWidth == 1 && strideH == 1 && strideW == 1 && padH == 0 && padW == 0 && groups == 1
    }
    /// Rows of the im2col matrix of one group (inPerGroup·taps) times its columns (outPlane).
    public var columnCount: Int { inPerGroup * taps * outPlane }

    /// The outputs o in lo..<hi whose input o·stride + offset lies in 0..<input.
    @inline(__always)
    public static func validRange(offset: Int, stride: Int, input: Int, output: Int) -> (lo: Int, hi: Int) {
        let lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride
        let hi = input - 1 - offset < 0 ? 0 : (input - 1 - offset) / stride + 1
        let l = min(lo, output), h = min(hi, output)
        return (l, max(l, h))
    }
}

// MARK: - Depthwise

extension Fast {
    /// y[n, c] = b[c] + Σ_{i,j} w[c, 0, i, j] · x[n, c, oh·s + i·d − p, ow·s + j·d − p], for the
    /// channels in `channels` of every image (depthwise: one filter per channel, Howard et al.
    /// 2017). Direct: each output row stays in L1 while every tap adds its shifted input row;
    /// out-of-range taps are skipped by range, never tested per element.
    public static func depthwiseForward(y: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, w: UnsafePointer<Float>,
                                        bias: UnsafePointer<Float>?, g: ConvGeometry, channels: Range<Int>) {
        let oh = g.outHeight, ow = g.outWidth, kh = g.kernelHeight, kw = g.kernelWidth
        let sw = g.strideW
        // The valid output columns of each filter column, computed once (divisions are slow).
        let columns = (0..<kw).map { j in ConvGeometry.validRange(offset: j * g.dilationW - g.padW, stride: sw, input: g.width, output: ow) }
        for n in 0..<g.batch {
            for c in channels {
                let p = n * g.inChannels + c
                let xp = x + p * g.inPlane, yp = y + p * g.outPlane, wp = w + c * g.taps
                let b = bias?[c] ?? 0
                for r in 0..<oh {
                    let yr = yp + r * ow
                    yr.update(repeating: b, count: ow)
                    for i in 0..<kh {
                        let ih = r * g.strideH + i * g.dilationH - g.padH
                        if ih < 0 || ih >= g.height { continue }
                        for j in 0..<kw {
                            let off = j * g.dilationW - g.padW
                            let (lo, hi) = columns[j]
                            let wv = wp[i * kw + j]
                            let xr = xp + ih * g.width + off
                            if sw == 1 {
                                axpy(yr + lo, xr + lo, wv, hi - lo)
                            } else {
                                var o = lo
                                while o < hi { yr[o] += wv * xr[o * sw]; o += 1 }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The gradients of `depthwiseForward` for the channels in `channels`: dx (when non-nil,
    /// overwritten) = the transposed convolution of dy; dw[c] (overwritten) = Σ_n Σ dy · shifted x;
    /// db[c] (overwritten when non-nil) = Σ dy. A channel's dw and db are owned by the one call
    /// that has that channel, so calls over disjoint channel ranges may run at once.
    public static func depthwiseBackward(dx: UnsafeMutablePointer<Float>?, dw: UnsafeMutablePointer<Float>?,
                                         db: UnsafeMutablePointer<Float>?, dy: UnsafePointer<Float>,
                                         x: UnsafePointer<Float>, w: UnsafePointer<Float>, g: ConvGeometry, channels: Range<Int>) {
        let oh = g.outHeight, ow = g.outWidth, kh = g.kernelHeight, kw = g.kernelWidth
        let sw = g.strideW
        let columns = (0..<kw).map { j in ConvGeometry.validRange(offset: j * g.dilationW - g.padW, stride: sw, input: g.width, output: ow) }
        for c in channels {
            if let dw { (dw + c * g.taps).update(repeating: 0, count: g.taps) }
            if let db { db[c] = 0 }
        }
        for n in 0..<g.batch {
            for c in channels {
                let p = n * g.inChannels + c
                let xp = x + p * g.inPlane, dyp = dy + p * g.outPlane, wp = w + c * g.taps
                let dxp = dx.map { $0 + p * g.inPlane }
                dxp?.update(repeating: 0, count: g.inPlane)
                if let db { db[c] += rowSum(dyp, g.outPlane) }
                for r in 0..<oh {
                    let dyr = dyp + r * ow
                    for i in 0..<kh {
                        let ih = r * g.strideH + i * g.dilationH - g.padH
                        if ih < 0 || ih >= g.height { continue }
                        for j in 0..<kw {
                            let off = j * g.dilationW - g.padW
                            let (lo, hi) = columns[j]
                            if hi <= lo { continue }
                            let xr = xp + ih * g.width + off
                            if sw == 1 {
                                if let dxp { axpy(dxp + ih * g.width + off + lo, dyr + lo, wp[i * kw + j], hi - lo) }
                                if let dw { dw[c * g.taps + i * kw + j] += dot(dyr + lo, xr + lo, hi - lo) }
                            } else {
                                var s: Float = 0
                                let wv = wp[i * kw + j]
                                var o = lo
                                while o < hi {
                                    s += dyr[o] * xr[o * sw]
                                    if let dxp { dxp[ih * g.width + off + o * sw] += wv * dyr[o] }
                                    o += 1
                                }
                                if let dw { dw[c * g.taps + i * kw + j] += s }
                            }
                        }
                    }
                }
            }
        }
    }

    /// y[i] += a · x[i] for i < n.
    @inline(__always)
    static func axpy(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ a: Float, _ n: Int) {
        let av = V8(repeating: a)
        var i = 0
        while i + 8 <= n {
            store(load(UnsafePointer(y + i)).addingProduct(av, load(x + i)), y + i)
            i += 8
        }
        while i < n { y[i] += a * x[i]; i += 1 }
    }

    /// Σ a[i]·b[i] for i < n.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var s0 = V8(), s1 = V8()
        var i = 0
        while i + 16 <= n {
            s0 = s0.addingProduct(load(a + i), load(b + i))
            s1 = s1.addingProduct(load(a + i + 8), load(b + i + 8))
            i += 16
        }
        if i + 8 <= n { s0 = s0.addingProduct(load(a + i), load(b + i)); i += 8 }
        var s = (s0 + s1).sum()
        while i < n { s += a[i] * b[i]; i += 1 }
        return s
    }
}

// MARK: - im2col and col2im

extension Fast {
    /// The im2col matrix of one image and one group: row (c·kh + i)·kw + j, column oh·OW + ow
    /// holds x[c, oh·s + i·d − p, ow·s + j·d − p], or 0 in the padding. `x` points at the group's
    /// first channel of the image; `col` is (inPerGroup·taps) × outPlane.
    public static func im2col(_ col: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, g: ConvGeometry) {
        let oh = g.outHeight, ow = g.outWidth, kh = g.kernelHeight, kw = g.kernelWidth, sw = g.strideW
        for c in 0..<g.inPerGroup {
            let xp = x + c * g.inPlane
            for i in 0..<kh {
                for j in 0..<kw {
                    let row = col + ((c * kh + i) * kw + j) * g.outPlane
                    let off = j * g.dilationW - g.padW
                    let (lo, hi) = ConvGeometry.validRange(offset: off, stride: sw, input: g.width, output: ow)
                    for r in 0..<oh {
                        let dst = row + r * ow
                        let ih = r * g.strideH + i * g.dilationH - g.padH
                        if ih < 0 || ih >= g.height || hi <= lo {
                            dst.update(repeating: 0, count: ow)
                            continue
                        }
                        if lo > 0 { dst.update(repeating: 0, count: lo) }
                        let src = xp + ih * g.width + off
                        if sw == 1 {
                            (dst + lo).update(from: src + lo, count: hi - lo)
                        } else {
                            var o = lo
                            while o < hi { dst[o] = src[o * sw]; o += 1 }
                        }
                        if hi < ow { (dst + hi).update(repeating: 0, count: ow - hi) }
                    }
                }
            }
        }
    }

    /// The adjoint of `im2col`: adds each column entry back to the input element it was copied
    /// from (`dx` += col2im(col)); `dx` points at the group's first channel of the image.
    public static func col2im(_ dx: UnsafeMutablePointer<Float>, _ col: UnsafePointer<Float>, g: ConvGeometry) {
        let oh = g.outHeight, ow = g.outWidth, kh = g.kernelHeight, kw = g.kernelWidth, sw = g.strideW
        for c in 0..<g.inPerGroup {
            let dxp = dx + c * g.inPlane
            for i in 0..<kh {
                for j in 0..<kw {
                    let row = col + ((c * kh + i) * kw + j) * g.outPlane
                    let off = j * g.dilationW - g.padW
                    let (lo, hi) = ConvGeometry.validRange(offset: off, stride: sw, input: g.width, output: ow)
                    if hi <= lo { continue }
                    for r in 0..<oh {
                        let ih = r * g.strideH + i * g.dilationH - g.padH
                        if ih < 0 || ih >= g.height { continue }
                        let src = row + r * ow
                        let dst = dxp + ih * g.width + off
                        if sw == 1 {
                            var o = lo
                            while o < hi { dst[o] += src[o]; o += 1 }
                        } else {
                            var o = lo
                            while o < hi { dst[o * sw] += src[o]; o += 1 }
                        }
                    }
                }
            }
        }
    }

    /// y[n, c, :] += b[c] over every image and channel (a convolution's bias).
    public static func addChannelBias(_ y: UnsafeMutablePointer<Float>, _ b: UnsafePointer<Float>,
                                      batch: Int, channels: Int, plane: Int) {
        for n in 0..<batch {
            for c in 0..<channels {
                let yp = y + (n * channels + c) * plane
                let v = b[c]
                for i in 0..<plane { yp[i] += v }
            }
        }
    }
}
