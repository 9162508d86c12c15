import GlassboxKernelsFast

/// The geometry of a convolution or pooling window (defined beside the fast loops).
public typealias ConvGeometry = GlassboxKernelsFast.ConvGeometry
/// What follows a convolution in its output stage (`GlassboxKernelsFast.Epilogue`).
public typealias Epilogue = GlassboxKernelsFast.Epilogue

// Convolution entry points. Three paths, chosen by shape as every fast CPU library does
// (XNNPACK, ncnn, oneDNN): depthwise convolutions run the direct SIMD kernel, split over
// channels; pointwise 1×1 convolutions are one packed gemm per image with no im2col; every other
// convolution copies each image's patches into an im2col matrix and runs the gemm on it.

extension Kernels {
    /// Floats of scratch `conv2dForward` / `conv2dBackward` need for `g` (the im2col matrix of
    /// one image and group); 0 when the path needs none.
    public static func conv2dWorkspace(_ g: ConvGeometry) -> Int {
        if !useFast || g.isDepthwise || g.isPointwise { return 0 }
        return g.columnCount
    }

    /// `Reference.conv2dForward`. `workspace` holds `conv2dWorkspace(g)` floats.
    ///
    /// `epilogue` (its own `bias` unused: `bias` is the convolution's) is what follows the
    /// convolution, applied to y as if by the ops one after another — bit for bit on the fast
    /// path, where it runs on each tile or plane while it is in cache (`Epilogue`).
    public static func conv2dForward(y: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, w: UnsafePointer<Float>,
                                     bias: UnsafePointer<Float>?, g: ConvGeometry, workspace: UnsafeMutablePointer<Float>?,
                                     epilogue: Epilogue? = nil) {
        guard useFast else {
            Reference.conv2dForward(y: y, x: x, w: w, bias: bias, g: g)
            if let epilogue { Reference.applyEpilogue(epilogue, to: y, batch: g.batch, channels: g.outChannels, plane: g.outPlane) }
            return
        }
        if g.isDepthwise {
            var e = epilogue
            e?.bias = nil
            Threaded.overChannels(g) { Fast.depthwiseForward(y: y, x: x, w: w, bias: bias, g: g, channels: $0, epilogue: e) }
            return
        }
        let cin = g.inChannels, cout = g.outChannels, hw = g.outPlane
        // The gemm paths add the bias in the epilogue, before anything that follows.
        var e = epilogue
        if bias != nil || e != nil {
            e = e ?? Epilogue()
            e?.bias = bias
        }
        if g.isPointwise && Threaded.pointwiseGathers(g) {
            Threaded.pointwiseGathered(g) { gather, scatter, columns in
                let xs = gather(x, cin), ys = gather(nil, cout)
                Threaded.gemm(transA: false, transB: false, m: cout, n: columns, k: cin, a: w, lda: cin, b: xs, ldb: columns,
                              c: ys, ldc: columns, accumulate: false)
                scatter(ys, y, cout)
            }
            if let e { Threaded.overChannelRanges(cout, work: g.batch * cout * hw) {
                Fast.applyEpilogue(e, to: y, batch: g.batch, channels: cout, plane: hw, channels: $0)
            } }
        } else if g.isPointwise {
            Threaded.overImages(g, work: cout * cin * hw) { n, gemm in
                gemm(false, false, cout, hw, cin, w, cin, x + n * cin * g.inPlane, hw, y + n * cout * hw, hw, false,
                     e?.advanced(by: n * cout * hw))
            }
        } else if let col = workspace {
            let cg = g.inPerGroup, og = g.outPerGroup, k = cg * g.taps
            for n in 0..<g.batch {
                for group in 0..<g.groups {
                    let xg = x + (n * cin + group * cg) * g.inPlane
                    Threaded.overChannelRanges(k, work: k * hw) { Fast.im2col(col, xg, g: g, patchRows: $0) }
                    Threaded.gemm(transA: false, transB: false, m: og, n: hw, k: k, a: w + group * og * k, lda: k,
                                  b: col, ldb: hw, c: y + (n * cout + group * og) * hw, ldc: hw, accumulate: false,
                                  epilogue: e?.advanced(by: (n * cout + group * og) * hw).shifted(rows: group * og, ld: 0))
                    if Interrupt.isRequested { return }
                }
            }
        } else {
            Reference.conv2dForward(y: y, x: x, w: w, bias: bias, g: g)
            if let epilogue { Reference.applyEpilogue(epilogue, to: y, batch: g.batch, channels: cout, plane: hw) }
        }
    }

    /// `Reference.conv2dBackward` (each gradient overwritten when non-nil). `workspace` holds
    /// `conv2dWorkspace(g)` floats.
    public static func conv2dBackward(dx: UnsafeMutablePointer<Float>?, dw: UnsafeMutablePointer<Float>?,
                                      db: UnsafeMutablePointer<Float>?, dy: UnsafePointer<Float>, x: UnsafePointer<Float>,
                                      w: UnsafePointer<Float>, g: ConvGeometry, workspace: UnsafeMutablePointer<Float>?) {
        guard useFast else { Reference.conv2dBackward(dx: dx, dw: dw, db: db, dy: dy, x: x, w: w, g: g); return }
        if g.isDepthwise {
            Threaded.overChannels(g) { Fast.depthwiseBackward(dx: dx, dw: dw, db: db, dy: dy, x: x, w: w, g: g, channels: $0) }
            return
        }
        let cin = g.inChannels, cout = g.outChannels, hw = g.outPlane
        if let db {
            for o in 0..<cout {
                var s: Float = 0
                for n in 0..<g.batch { let p = dy + (n * cout + o) * hw; for i in 0..<hw { s += p[i] } }
                db[o] = s
            }
        }
        if g.isPointwise && Threaded.pointwiseGathers(g) {
            Threaded.pointwiseGathered(g) { gather, scatter, columns in
                let dys = gather(dy, cout)
                if let dw {
                    let xs = gather(x, cin)
                    Threaded.gemm(transA: false, transB: true, m: cout, n: cin, k: columns, a: dys, lda: columns, b: xs,
                                  ldb: columns, c: dw, ldc: cin, accumulate: false)
                }
                if let dx {
                    let dxs = gather(nil, cin)
                    Threaded.gemm(transA: true, transB: false, m: cin, n: columns, k: cout, a: w, lda: cin, b: dys, ldb: columns,
                                  c: dxs, ldc: columns, accumulate: false)
                    scatter(dxs, dx, cin)
                }
            }
            return
        }
        if g.isPointwise {
            if let dx {
                Threaded.overImages(g, work: cout * cin * hw) { n, gemm in
                    gemm(true, false, cin, hw, cout, w, cin, dy + n * cout * hw, hw, dx + n * cin * hw, hw, false, nil)
                }
            }
            if let dw { Threaded.pointwiseWeightGradient(dw: dw, dy: dy, x: x, g: g) }
            return
        }
        guard let col = workspace else {
            Reference.conv2dBackward(dx: dx, dw: dw, db: nil, dy: dy, x: x, w: w, g: g)
            return
        }
        let cg = g.inPerGroup, og = g.outPerGroup, k = cg * g.taps
        dx?.update(repeating: 0, count: g.batch * cin * g.inPlane)
        for n in 0..<g.batch {
            for group in 0..<g.groups {
                let dyp = dy + (n * cout + group * og) * hw
                if let dw {
                    let xg = x + (n * cin + group * cg) * g.inPlane
                    Threaded.overChannelRanges(k, work: k * hw) { Fast.im2col(col, xg, g: g, patchRows: $0) }
                    Threaded.gemm(transA: false, transB: true, m: og, n: k, k: hw, a: dyp, lda: hw, b: col, ldb: hw,
                                  c: dw + group * og * k, ldc: k, accumulate: n > 0)
                }
                if let dx {
                    Threaded.gemm(transA: true, transB: false, m: k, n: hw, k: og, a: w + group * og * k, lda: k,
                                  b: dyp, ldb: hw, c: col, ldc: hw, accumulate: false)
                    Fast.col2im(dx + (n * cin + group * cg) * g.inPlane, col, g: g)
                }
                if Interrupt.isRequested { return }
            }
        }
    }

    // MARK: Pooling and batch norm (the reference loops: memory-bound, a small share of a network)

    /// `Reference.maxPool2dForward`.
    public static func maxPool2dForward(y: UnsafeMutablePointer<Float>, index: UnsafeMutablePointer<Int>,
                                        x: UnsafePointer<Float>, g: ConvGeometry) {
        Reference.maxPool2dForward(y: y, index: index, x: x, g: g)
    }

    /// `Reference.maxPool2dBackward`.
    public static func maxPool2dBackward(dx: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>,
                                         index: UnsafePointer<Int>, g: ConvGeometry) {
        Reference.maxPool2dBackward(dx: dx, dy: dy, index: index, g: g)
    }

    /// `Reference.avgPool2dForward`.
    public static func avgPool2dForward(y: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, g: ConvGeometry) {
        Reference.avgPool2dForward(y: y, x: x, g: g)
    }

    /// `Reference.avgPool2dBackward`.
    public static func avgPool2dBackward(dx: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>, g: ConvGeometry) {
        Reference.avgPool2dBackward(dx: dx, dy: dy, g: g)
    }

    /// `Reference.adaptiveAvgPool2dForward`.
    public static func adaptiveAvgPool2dForward(y: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, planes: Int,
                                                height: Int, width: Int, outHeight: Int, outWidth: Int) {
        Reference.adaptiveAvgPool2dForward(y: y, x: x, planes: planes, height: height, width: width,
                                           outHeight: outHeight, outWidth: outWidth)
    }

    /// `Reference.adaptiveAvgPool2dBackward`.
    public static func adaptiveAvgPool2dBackward(dx: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>, planes: Int,
                                                 height: Int, width: Int, outHeight: Int, outWidth: Int) {
        Reference.adaptiveAvgPool2dBackward(dx: dx, dy: dy, planes: planes, height: height, width: width,
                                            outHeight: outHeight, outWidth: outWidth)
    }

    /// `Reference.batchNormStatistics`; on the fast path, vector sums over whole channels on all cores.
    public static func batchNormStatistics(mean: UnsafeMutablePointer<Float>, variance: UnsafeMutablePointer<Float>,
                                           x: UnsafePointer<Float>, batch: Int, channels: Int, plane: Int) {
        guard useFast else {
            return Reference.batchNormStatistics(mean: mean, variance: variance, x: x, batch: batch, channels: channels, plane: plane)
        }
        Threaded.overChannelRanges(channels, work: 2 * batch * channels * plane) { range in
            Fast.batchNormStatistics(mean: mean, variance: variance, x: x, batch: batch, channels: channels, plane: plane, range: range)
        }
    }

    /// `Reference.batchNormForward`; on the fast path, a vector multiply-add over whole channels on all cores.
    public static func batchNormForward(y: UnsafeMutablePointer<Float>, normalized: UnsafeMutablePointer<Float>?,
                                        x: UnsafePointer<Float>, mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
                                        gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
                                        batch: Int, channels: Int, plane: Int) {
        guard useFast else {
            return Reference.batchNormForward(y: y, normalized: normalized, x: x, mean: mean, rstd: rstd, gamma: gamma, beta: beta,
                                              batch: batch, channels: channels, plane: plane)
        }
        Threaded.overChannelRanges(channels, work: batch * channels * plane) { range in
            Fast.batchNormForward(y: y, normalized: normalized, x: x, mean: mean, rstd: rstd, gamma: gamma, beta: beta,
                                  batch: batch, channels: channels, plane: plane, range: range)
        }
    }

    /// `Reference.batchNormBackward`; on the fast path, vector sums and updates over whole channels on all cores.
    public static func batchNormBackward(dx: UnsafeMutablePointer<Float>?, dgamma: UnsafeMutablePointer<Float>?,
                                         dbeta: UnsafeMutablePointer<Float>?, dy: UnsafePointer<Float>,
                                         x: UnsafePointer<Float>, mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
                                         gamma: UnsafePointer<Float>, training: Bool, batch: Int, channels: Int, plane: Int) {
        guard useFast else {
            return Reference.batchNormBackward(dx: dx, dgamma: dgamma, dbeta: dbeta, dy: dy, x: x, mean: mean, rstd: rstd,
                                               gamma: gamma, training: training, batch: batch, channels: channels, plane: plane)
        }
        Threaded.overChannelRanges(channels, work: 2 * batch * channels * plane) { range in
            Fast.batchNormBackward(dx: dx, dgamma: dgamma, dbeta: dbeta, dy: dy, x: x, mean: mean, rstd: rstd,
                                   gamma: gamma, training: training, batch: batch, channels: channels, plane: plane, range: range)
        }
    }
}

// MARK: - Splitting convolutions over the cores

extension Threaded {
    /// A gemm as `overImages` hands it to its body: (transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate,
    /// epilogue).
    public typealias Gemm = (Bool, Bool, Int, Int, Int, UnsafePointer<Float>, Int, UnsafePointer<Float>, Int,
                             UnsafeMutablePointer<Float>, Int, Bool, Epilogue?) -> Void

    /// body(channels) over chunks of whole channels for per-channel work of `work` values in all
    /// (batch norm, the gathered pointwise copies), on all cores when there is enough to pay for a second thread.
    static func overChannelRanges(_ channels: Int, work: Int, _ body: (Range<Int>) -> Void) {
        if workers == 1 || onCaller(work, below: elementwiseParallelThreshold) || channels < 2 {
            body(0..<channels)
            return
        }
        let chunks = min(channels, chunkCount(work: work, grain: elementwiseGrain))
        let per = (channels + chunks - 1) / chunks
        forEachChunk((channels + per - 1) / per) { chunk in
            let lo = chunk * per
            body(lo..<min(channels, lo + per))
        }
    }

    /// body(channels) over chunks of whole channels (all images of each), on all cores when the
    /// convolution is large enough to pay for a second thread.
    static func overChannels(_ g: ConvGeometry, _ body: (Range<Int>) -> Void) {
        let work = g.batch * g.outChannels * g.outPlane * g.taps
        let c = g.inChannels
        if workers == 1 || onCaller(work, below: elementwiseParallelThreshold * 4) || c < 2 {
            body(0..<c)
            return
        }
        let chunks = min(c, chunkCount(work: work, grain: 1 << 18))
        let per = (c + chunks - 1) / chunks
        forEachChunk((c + per - 1) / per) { chunk in
            let lo = chunk * per
            body(lo..<min(c, lo + per))
        }
    }

    /// Whether a pointwise convolution runs as one product over every image's pixels at once
    /// (`pointwiseGathered`) instead of one product per image: when each image's plane is
    /// narrower than the micro-kernel's 16 columns (the 4×4, 2×2 and 1×1 planes at the end of a
    /// network on small images), where a per-image product would run edge tiles only.
    static func pointwiseGathers(_ g: ConvGeometry) -> Bool {
        g.isPointwise && g.batch > 1 && g.outPlane < Fast.gemmNR
    }

    /// Runs `body(gather, scatter, columns)` for a pointwise convolution laid out channel-major
    /// over the whole batch: `gather(t, c)` copies an NCHW tensor of c channels into a c × (N·hw)
    /// matrix (nil: uninitialized scratch of that size), `scatter(m, t, c)` copies such a matrix
    /// back to NCHW, `columns` = N·hw; both copy chunks of channels on all cores when there are
    /// enough. The scratch lives until `body` returns.
    static func pointwiseGathered(
        _ g: ConvGeometry,
        _ body: (_ gather: (UnsafePointer<Float>?, Int) -> UnsafeMutablePointer<Float>,
                 _ scatter: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void, _ columns: Int) -> Void
    ) {
        let hw = g.outPlane, batch = g.batch, columns = batch * hw
        // A plane of 1 to 15 floats: a call to memmove per plane would cost more than the copy.
        @inline(__always) func copy(_ to: UnsafeMutablePointer<Float>, _ from: UnsafePointer<Float>) {
            if hw == 1 { to.pointee = from.pointee; return }
            var i = 0
            while i < hw { to[i] = from[i]; i += 1 }
        }
        var buffers: [UnsafeMutablePointer<Float>] = []
        defer { for b in buffers { b.deallocate() } }
        let gather = { (t: UnsafePointer<Float>?, channels: Int) -> UnsafeMutablePointer<Float> in
            let m = UnsafeMutablePointer<Float>.allocate(capacity: channels * columns)
            buffers.append(m)
            if let t {
                overChannelRanges(channels, work: channels * columns) { range in
                    for n in 0..<batch {
                        for c in range { copy(m + c * columns + n * hw, t + (n * channels + c) * hw) }
                    }
                }
            }
            return m
        }
        let scatter = { (m: UnsafePointer<Float>, t: UnsafeMutablePointer<Float>, channels: Int) in
            overChannelRanges(channels, work: channels * columns) { range in
                for n in 0..<batch {
                    for c in range { copy(t + (n * channels + c) * hw, m + c * columns + n * hw) }
                }
            }
        }
        body(gather, scatter, columns)
    }

    /// dW = Σₙ dYₙ·Xₙᵀ for a pointwise convolution (cout×cin; dYₙ cout×hw, Xₙ cin×hw), computed
    /// as its transpose dWᵀ = Σₙ Xₙ·dYₙᵀ (cin×cout) and transposed at the end: MobileNet's channel
    /// counts are multiples of 8 and 16, so cin rows fill the micro-kernel's 6-row tiles better than
    /// cout rows do (32 output channels leave a 2-row edge tile). Each image's product is small
    /// (k = hw), so with several images and cores the images are split into one contiguous range
    /// per core, each summed into its own partial with the single-threaded gemm.
    static func pointwiseWeightGradient(dw: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>, x: UnsafePointer<Float>,
                                        g: ConvGeometry) {
        let cin = g.inChannels, cout = g.outChannels, hw = g.outPlane
        let size = cout * cin
        let parallel = workers > 1 && g.batch > 1 && size * hw < gemmParallelThreshold * 4
        let parts = parallel ? min(workers, g.batch) : 1
        let partials = UnsafeMutablePointer<Float>.allocate(capacity: parts * size)
        defer { partials.deallocate() }
        if parallel {
            forEachChunk(parts) { part in
                let lo = part * g.batch / parts, hi = (part + 1) * g.batch / parts
                for n in lo..<hi {
                    Fast.gemm(transA: false, transB: true, m: cin, n: cout, k: hw, a: x + n * cin * hw, lda: hw,
                              b: dy + n * cout * hw, ldb: hw, c: partials + part * size, ldc: cout, accumulate: n > lo)
                }
            }
        } else {
            for n in 0..<g.batch {
                gemm(transA: false, transB: true, m: cin, n: cout, k: hw, a: x + n * cin * hw, lda: hw,
                     b: dy + n * cout * hw, ldb: hw, c: partials, ldc: cout, accumulate: n > 0)
            }
        }
        // dw[o][i] = Σ_parts partial[i][o].
        for o in 0..<cout {
            for i in 0..<cin {
                var s = partials[i * cout + o]
                for part in 1..<parts { s += partials[part * size + i * cout + o] }
                dw[o * cin + i] = s
            }
        }
    }

    /// body(n, gemm) for every image n: when each image's product is small and there are several
    /// images, images run on different cores, each with the single-threaded gemm; otherwise images
    /// run in turn, each product spread over the cores.
    static func overImages(_ g: ConvGeometry, work: Int, _ body: (Int, Gemm) -> Void) {
        if workers > 1 && g.batch >= 2 && work < gemmParallelThreshold * 4 {
            forEachChunk(g.batch) { n in
                body(n) { ta, tb, m, nn, k, a, lda, b, ldb, c, ldc, acc, e in
                    Fast.gemm(transA: ta, transB: tb, m: m, n: nn, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc,
                              accumulate: acc, epilogue: e)
                }
            }
        } else {
            for n in 0..<g.batch {
                body(n) { ta, tb, m, nn, k, a, lda, b, ldb, c, ldc, acc, e in
                    gemm(transA: ta, transB: tb, m: m, n: nn, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc,
                         accumulate: acc, epilogue: e)
                }
                if Interrupt.isRequested { return }
            }
        }
    }
}
