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

/// The zero-padded copy of one channel plane that the depthwise kernels read instead of the
/// plane itself, so that the inner loops never test a border: padded column pc = o·s + j·d holds
/// the source at column pc − offset (0 outside). For stride s > 1 the columns are split into s
/// phases (phase q holds the columns pc ≡ q mod s, in order), so that the columns one tap reads
/// for eight neighbouring outputs are eight contiguous floats of one phase.
struct PaddedPlane {
    /// Rows, phases, floats per phase row (≥ the widest read), floats per phase.
    let rows: Int, phases: Int, width: Int, phaseSize: Int
    let base: UnsafeMutablePointer<Float>

    /// Room for `rows` padded rows read by `outWidthPadded` outputs at column stride `stride`
    /// through taps up to column offset `reach` (= dilation·(kw − 1)).
    init(rows: Int, outWidthPadded: Int, stride: Int, reach: Int) {
        self.rows = rows; phases = stride
        width = outWidthPadded + reach / stride + 1
        phaseSize = rows * width + PaddedPlane.slack
        base = .allocate(capacity: phaseSize * phases)
        base.initialize(repeating: 0, count: phaseSize * phases)
    }

    /// Zeros after each phase's last row, so that `fill` may store whole registers: a row's
    /// last register starts inside the row and ends at most seven floats past it.
    static let slack = 8

    func deallocate() { base.deallocate() }

    /// Where tap column offset `k` (= j·dilation) starts for output column 0.
    @inline(__always)
    func column(_ k: Int) -> UnsafeMutablePointer<Float> { base + (k % phases) * phaseSize + k / phases }

    /// Fills the buffer from `src` (rows × cols, row length `cols`) shifted by (rowOffset,
    /// colOffset) — padded (pr, pc) = src[pr − rowOffset, pc − colOffset] — with `spread` − 1
    /// zeros inserted between source rows (columns) when rowSpread (colSpread) > 1: the transposed
    /// convolution of a strided one, where the gradient's rows and columns land every stride-th place.
    /// Only the source's places receive values: the padding is zeroed once, at `init`, so refilling
    /// a plane for the next channel with the same arguments leaves it zero. The vector copies end
    /// a row with a whole register whose lanes past the source are zero: they land on padding, on
    /// the next rows' places (filled after this row) or in the slack, and so keep that true.
    func fill(from src: UnsafePointer<Float>, rows srcRows: Int, cols srcCols: Int,
              rowOffset: Int, colOffset: Int, rowSpread: Int = 1, colSpread: Int = 1) {
        for pr in 0..<rows {
            let t = pr - rowOffset
            if t < 0 || t % rowSpread != 0 { continue }
            let sr = t / rowSpread
            if sr >= srcRows { break }
            let row = src + sr * srcCols
            let dst = base + pr * width
            if colSpread == 1 && phases <= 2 {
                // The source columns whose padded column pc = sc + colOffset lies in the row.
                let first = max(0, -colOffset), end = min(srcCols, phases * width - colOffset)
                if end <= first { continue }
                if phases == 1 {
                    // Contiguous: eight columns a register, the last one loaded masked.
                    let from = row + first, to = dst + first + colOffset, n = end - first
                    var i = 0
                    while i + 8 <= n { Fast.store(Fast.load(from + i), to + i); i += 8 }
                    if i < n { Fast.store(Fast.loadPartial(from + i, n - i), to + i) }
                    continue
                }
                // Stride 2, sixteen source columns at a time: the even ones are eight consecutive
                // places of one phase, the odd ones of the other (a register deinterleave).
                var sc = first
                while sc < end {
                    let m = end - sc
                    let v = m >= 16 ? UnsafeRawPointer(row + sc).loadUnaligned(as: SIMD16<Float>.self)
                        : SIMD16(lowHalf: m >= 8 ? Fast.load(row + sc) : Fast.loadPartial(row + sc, m),
                                 highHalf: m > 8 ? Fast.loadPartial(row + sc + 8, m - 8) : V8())
                    let pe = sc + colOffset, po = pe + 1
                    Fast.store(v.evenHalf, dst + (pe & 1) * phaseSize + (pe >> 1))
                    Fast.store(v.oddHalf, dst + (po & 1) * phaseSize + (po >> 1))
                    sc += 16
                }
                continue
            }
            if colSpread == 1 {
                // Stride phases: phase q takes the source columns sc ≡ q − colOffset (mod phases),
                // one every `phases`, into consecutive places — a strided copy, no division per value.
                for q in 0..<phases {
                    var sc = ((q - colOffset) % phases + phases) % phases
                    if sc + colOffset < 0 { sc += (-(sc + colOffset) + phases - 1) / phases * phases }
                    var k = (sc + colOffset) / phases
                    let out = dst + q * phaseSize
                    while sc < srcCols && k < width { out[k] = row[sc]; sc += phases; k += 1 }
                }
                continue
            }
            if phases == 1 {
                // Spread columns: source column sc lands at sc·colSpread + colOffset.
                var sc = colOffset >= 0 ? 0 : (-colOffset + colSpread - 1) / colSpread
                var pc = sc * colSpread + colOffset
                while sc < srcCols && pc < width { dst[pc] = row[sc]; sc += 1; pc += colSpread }
                continue
            }
            for sc in 0..<srcCols {
                let pc = sc * colSpread + colOffset
                if pc < 0 { continue }
                let q = pc % phases, k = pc / phases
                if k >= width { break }
                base[q * phaseSize + pr * width + k] = row[sc]
            }
        }
    }
}

extension Fast {
    /// y[n, c] = b[c] + Σ_{i,j} w[c, 0, i, j] · x[n, c, oh·s + i·d − p, ow·s + j·d − p], for the
    /// channels in `channels` of every image (depthwise: one filter per channel, Howard et al.
    /// 2017). Direct, as XNNPACK and ncnn do it: each plane is first copied into a zero-padded
    /// buffer (`PaddedPlane`), then eight outputs of a row are accumulated in one register over
    /// all taps and stored once. `epilogue` (without a bias of its own: `bias` is the kernel's)
    /// runs on each output plane as soon as it is computed, while it is in cache.
    public static func depthwiseForward(y: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, w: UnsafePointer<Float>,
                                        bias: UnsafePointer<Float>?, g: ConvGeometry, channels: Range<Int>,
                                        epilogue: Epilogue? = nil) {
        let oh = g.outHeight, ow = g.outWidth
        if oh <= 0 || ow <= 0 { return }
        if oh * ow <= narrowPlane {
            depthwiseNarrowForward(y: y, x: x, w: w, bias: bias, g: g, channels: channels)
            if let epilogue {
                applyEpilogue(epilogue, to: y, batch: g.batch, channels: g.outChannels, plane: g.outPlane, channels: channels)
            }
            return
        }
        let owp = (ow + 7) & ~7
        let rows = (oh - 1) * g.strideH + (g.kernelHeight - 1) * g.dilationH + 1
        let plane = PaddedPlane(rows: rows, outWidthPadded: owp, stride: g.strideW, reach: (g.kernelWidth - 1) * g.dilationW)
        defer { plane.deallocate() }
        for n in 0..<g.batch {
            for c in channels {
                let p = n * g.inChannels + c
                plane.fill(from: x + p * g.inPlane, rows: g.height, cols: g.width, rowOffset: g.padH, colOffset: g.padW)
                correlate(y + p * g.outPlane, plane, w + c * g.taps, flipped: false, bias: bias?[c] ?? 0,
                          outHeight: oh, outWidth: ow, kh: g.kernelHeight, kw: g.kernelWidth,
                          rowStride: g.strideH, dilationH: g.dilationH, dilationW: g.dilationW)
                if let epilogue {
                    let o = p * g.outPlane
                    epilogue.shifted(rows: c, ld: 0).applyRow(y + o, row: 0, offset: o, count: g.outPlane)
                }
            }
        }
    }

    /// out[r, o] = bias + Σ_{i,j} w[i, j] · padded[r·rowStride + i·dh, o·s + j·dw] (w[kh−1−i,
    /// kw−1−j] when `flipped`), for an outHeight × outWidth plane, eight columns per register.
    @inline(__always)
    static func correlate(_ out: UnsafeMutablePointer<Float>, _ plane: PaddedPlane, _ w: UnsafePointer<Float>,
                          flipped: Bool, bias: Float, outHeight oh: Int, outWidth ow: Int, kh: Int, kw: Int,
                          rowStride: Int, dilationH: Int, dilationW: Int) {
        let width = plane.width
        let tail = ow & 7, full = ow - tail
        @inline(__always) func tap(_ i: Int, _ j: Int) -> Float { flipped ? w[(kh - 1 - i) * kw + (kw - 1 - j)] : w[i * kw + j] }
        if kh == 3 && kw == 3 {
            // The common case, with the nine weights held in registers.
            let w00 = V8(repeating: tap(0, 0)), w01 = V8(repeating: tap(0, 1)), w02 = V8(repeating: tap(0, 2))
            let w10 = V8(repeating: tap(1, 0)), w11 = V8(repeating: tap(1, 1)), w12 = V8(repeating: tap(1, 2))
            let w20 = V8(repeating: tap(2, 0)), w21 = V8(repeating: tap(2, 1)), w22 = V8(repeating: tap(2, 2))
            let c0 = UnsafePointer(plane.column(0))
            let bv = V8(repeating: bias)
            let d1 = dilationH * width, d2 = 2 * dilationH * width
            // Taps j = 1 and 2 start e1 and e2 floats after tap 0 in the padded plane. The two
            // common geometries pass them as constants, so that every load is a pointer plus
            // the column plus a fixed displacement and the loop needs three row pointers only.
            @inline(__always) func rows(_ e1: Int, _ e2: Int) {
                for r in 0..<oh {
                    let t0 = c0 + r * rowStride * width, t1 = t0 + d1, t2 = t0 + d2
                    let yr = out + r * ow
                    @inline(__always) func eight(_ o: Int) -> V8 {
                        var s = bv.addingProduct(w00, load(t0 + o))
                        s = s.addingProduct(w01, load(t0 + o + e1))
                        s = s.addingProduct(w02, load(t0 + o + e2))
                        s = s.addingProduct(w10, load(t1 + o))
                        s = s.addingProduct(w11, load(t1 + o + e1))
                        s = s.addingProduct(w12, load(t1 + o + e2))
                        s = s.addingProduct(w20, load(t2 + o))
                        s = s.addingProduct(w21, load(t2 + o + e1))
                        return s.addingProduct(w22, load(t2 + o + e2))
                    }
                    var o = 0
                    while o < full { store(eight(o), yr + o); o += 8 }
                    if tail > 0 { storeTail(eight(o), out, at: r * ow + o, count: tail, planeEnd: oh * ow) }
                }
            }
            if plane.phases == 1 && dilationW == 1 {
                rows(1, 2)                        // stride 1: the next two columns
            } else if plane.phases == 2 && dilationW == 1 {
                rows(plane.phaseSize, 1)          // stride 2: the odd phase, then the next even column
            } else {
                rows(plane.column(dilationW) - plane.column(0), plane.column(2 * dilationW) - plane.column(0))
            }
            return
        }
        for r in 0..<oh {
            let yr = out + r * ow
            var o = 0
            while o < ow {
                var s = V8(repeating: bias)
                for i in 0..<kh {
                    let rowOff = (r * rowStride + i * dilationH) * width + o
                    for j in 0..<kw {
                        s = s.addingProduct(V8(repeating: tap(i, j)), load(plane.column(j * dilationW) + rowOff))
                    }
                }
                if o + 8 <= ow { store(s, yr + o) } else { storeTail(s, out, at: r * ow + o, count: ow - o, planeEnd: oh * ow) }
                o += 8
            }
        }
    }

    /// Stores the last `count` (< 8) outputs of a row, which start at `out + at`, in a plane of
    /// `planeEnd` floats written row by row in order: all eight lanes while they stay inside
    /// the plane (the extra lanes land at the start of the next rows, which are stored after
    /// this one and overwrite them), a masked store at the plane's end.
    @inline(__always)
    static func storeTail(_ v: V8, _ out: UnsafeMutablePointer<Float>, at: Int, count: Int, planeEnd: Int) {
        if at + 8 <= planeEnd { store(v, out + at) } else { storePartial(v, out + at, count) }
    }

    /// The gradients of `depthwiseForward` for the channels in `channels`: dx (when non-nil,
    /// overwritten) = the transposed convolution of dy, computed as a stride-1 correlation of dy
    /// spread by the stride and padded by d·(k − 1) − p with the flipped filter; dw[c]
    /// (overwritten) = Σ_n Σ_{r,o} dy[r, o] · padded x[r·s + i·d, o·s + j·d], eight outputs per
    /// register; db[c] (overwritten when non-nil) = Σ dy. A channel's dw and db are owned by the
    /// one call that has that channel, so calls over disjoint channel ranges may run at once.
    public static func depthwiseBackward(dx: UnsafeMutablePointer<Float>?, dw: UnsafeMutablePointer<Float>?,
                                         db: UnsafeMutablePointer<Float>?, dy: UnsafePointer<Float>,
                                         x: UnsafePointer<Float>, w: UnsafePointer<Float>, g: ConvGeometry, channels: Range<Int>) {
        let oh = g.outHeight, ow = g.outWidth, kh = g.kernelHeight, kw = g.kernelWidth
        for c in channels {
            if let dw { (dw + c * g.taps).update(repeating: 0, count: g.taps) }
            if let db { db[c] = 0 }
        }
        if oh <= 0 || ow <= 0 {
            if let dx { for n in 0..<g.batch { for c in channels { (dx + (n * g.inChannels + c) * g.inPlane).update(repeating: 0, count: g.inPlane) } } }
            return
        }
        if oh * ow <= narrowPlane {
            depthwiseNarrowBackward(dx: dx, dw: dw, db: db, dy: dy, x: x, w: w, g: g, channels: channels)
            return
        }
        // dx: out (H × W) = correlate(spread dy, flipped w), stride 1, dilation d.
        let wp = (g.width + 7) & ~7
        let gradPlane = dx == nil ? nil : PaddedPlane(rows: g.height + (kh - 1) * g.dilationH, outWidthPadded: wp, stride: 1,
                                                      reach: (kw - 1) * g.dilationW)
        // dw: x padded as the forward reads it, and dy with its rows padded to whole registers.
        let owp = (ow + 7) & ~7
        let xPlane = dw == nil ? nil : PaddedPlane(rows: (oh - 1) * g.strideH + (kh - 1) * g.dilationH + 1, outWidthPadded: owp,
                                                   stride: g.strideW, reach: (kw - 1) * g.dilationW)
        let dyRows = UnsafeMutablePointer<Float>.allocate(capacity: dw == nil ? 1 : oh * owp)
        let sums = UnsafeMutablePointer<V8>.allocate(capacity: g.taps)
        defer { gradPlane?.deallocate(); xPlane?.deallocate(); dyRows.deallocate(); sums.deallocate() }
        if dw != nil { dyRows.update(repeating: 0, count: oh * owp) }
        for n in 0..<g.batch {
            for c in channels {
                let p = n * g.inChannels + c
                let dyp = dy + p * g.outPlane
                if let db { db[c] += rowSum(dyp, g.outPlane) }
                if let dx, let gradPlane {
                    gradPlane.fill(from: dyp, rows: oh, cols: ow, rowOffset: (kh - 1) * g.dilationH - g.padH,
                                   colOffset: (kw - 1) * g.dilationW - g.padW, rowSpread: g.strideH, colSpread: g.strideW)
                    correlate(dx + p * g.inPlane, gradPlane, w + c * g.taps, flipped: true, bias: 0,
                              outHeight: g.height, outWidth: g.width, kh: kh, kw: kw,
                              rowStride: 1, dilationH: g.dilationH, dilationW: g.dilationW)
                }
                if let dw, let xPlane {
                    xPlane.fill(from: x + p * g.inPlane, rows: g.height, cols: g.width, rowOffset: g.padH, colOffset: g.padW)
                    for r in 0..<oh { (dyRows + r * owp).update(from: dyp + r * ow, count: ow) }
                    filterGradient(dw + c * g.taps, xPlane, dyRows, sums, outHeight: oh, outWidthPadded: owp, kh: kh, kw: kw,
                                   rowStride: g.strideH, dilationH: g.dilationH, dilationW: g.dilationW)
                }
            }
        }
    }

    /// Output planes of at most this many pixels (the 2×2 and 1×1 planes at the end of a network
    /// on small images) take the scalar loops below: a padded copy and a register of eight
    /// columns would mostly hold padding.
    static let narrowPlane = 4

    /// The tap (i, j) of output (r, o) reads input (r·s + i·d − p, o·s + j·d − p) when it lies
    /// inside the plane: `body(tap, input offset)` for each such tap, in the reference's order.
    @inline(__always)
    static func narrowTaps(_ g: ConvGeometry, _ r: Int, _ o: Int, _ body: (Int, Int) -> Void) {
        for i in 0..<g.kernelHeight {
            let ir = r * g.strideH + i * g.dilationH - g.padH
            if ir < 0 || ir >= g.height { continue }
            for j in 0..<g.kernelWidth {
                let ic = o * g.strideW + j * g.dilationW - g.padW
                if ic < 0 || ic >= g.width { continue }
                body(i * g.kernelWidth + j, ir * g.width + ic)
            }
        }
    }

    /// `depthwiseForward` on a narrow output plane: the definition, tap by tap.
    static func depthwiseNarrowForward(y: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, w: UnsafePointer<Float>,
                                       bias: UnsafePointer<Float>?, g: ConvGeometry, channels: Range<Int>) {
        let oh = g.outHeight, ow = g.outWidth
        for n in 0..<g.batch {
            for c in channels {
                let p = n * g.inChannels + c
                let xp = x + p * g.inPlane, yp = y + p * g.outPlane, wc = w + c * g.taps
                for r in 0..<oh {
                    for o in 0..<ow {
                        var s = bias?[c] ?? 0
                        narrowTaps(g, r, o) { t, at in s += wc[t] * xp[at] }
                        yp[r * ow + o] = s
                    }
                }
            }
        }
    }

    /// `depthwiseBackward` on a narrow output plane: each output's gradient scattered to the
    /// inputs its taps read (dx) and gathered into the taps' weights (dw).
    static func depthwiseNarrowBackward(dx: UnsafeMutablePointer<Float>?, dw: UnsafeMutablePointer<Float>?,
                                        db: UnsafeMutablePointer<Float>?, dy: UnsafePointer<Float>,
                                        x: UnsafePointer<Float>, w: UnsafePointer<Float>, g: ConvGeometry, channels: Range<Int>) {
        let oh = g.outHeight, ow = g.outWidth
        for n in 0..<g.batch {
            for c in channels {
                let p = n * g.inChannels + c
                let xp = x + p * g.inPlane, dyp = dy + p * g.outPlane, wc = w + c * g.taps
                let dxp = dx.map { $0 + p * g.inPlane }
                dxp?.update(repeating: 0, count: g.inPlane)
                let dwc = dw.map { $0 + c * g.taps }
                for r in 0..<oh {
                    for o in 0..<ow {
                        let gy = dyp[r * ow + o]
                        if let db { db[c] += gy }
                        narrowTaps(g, r, o) { t, at in
                            if let dxp { dxp[at] += gy * wc[t] }
                            if let dwc { dwc[t] += gy * xp[at] }
                        }
                    }
                }
            }
        }
    }

    /// dw[i·kw + j] += Σ_{r,o} dy[r, o] · padded[r·rowStride + i·dh, o·s + j·dw]: one register of
    /// partial sums per tap, summed across lanes once at the end. `dy` rows are `outWidthPadded`
    /// long, zero past the real width, so whole registers never count a column twice.
    @inline(__always)
    static func filterGradient(_ dw: UnsafeMutablePointer<Float>, _ plane: PaddedPlane, _ dy: UnsafePointer<Float>,
                               _ sums: UnsafeMutablePointer<V8>, outHeight oh: Int, outWidthPadded owp: Int, kh: Int, kw: Int,
                               rowStride: Int, dilationH: Int, dilationW: Int) {
        let width = plane.width
        if kh == 3 && kw == 3 {
            var s00 = V8(), s01 = V8(), s02 = V8(), s10 = V8(), s11 = V8(), s12 = V8(), s20 = V8(), s21 = V8(), s22 = V8()
            let c0 = UnsafePointer(plane.column(0)), c1 = UnsafePointer(plane.column(dilationW))
            let c2 = UnsafePointer(plane.column(2 * dilationW))
            let d1 = dilationH * width, d2 = 2 * dilationH * width
            for r in 0..<oh {
                let row = r * rowStride * width
                let dyr = dy + r * owp
                var o = 0
                while o < owp {
                    let g = load(dyr + o), a = row + o
                    s00 = s00.addingProduct(g, load(c0 + a)); s01 = s01.addingProduct(g, load(c1 + a))
                    s02 = s02.addingProduct(g, load(c2 + a))
                    s10 = s10.addingProduct(g, load(c0 + a + d1)); s11 = s11.addingProduct(g, load(c1 + a + d1))
                    s12 = s12.addingProduct(g, load(c2 + a + d1))
                    s20 = s20.addingProduct(g, load(c0 + a + d2)); s21 = s21.addingProduct(g, load(c1 + a + d2))
                    s22 = s22.addingProduct(g, load(c2 + a + d2))
                    o += 8
                }
            }
            dw[0] += s00.sum(); dw[1] += s01.sum(); dw[2] += s02.sum()
            dw[3] += s10.sum(); dw[4] += s11.sum(); dw[5] += s12.sum()
            dw[6] += s20.sum(); dw[7] += s21.sum(); dw[8] += s22.sum()
            return
        }
        let taps = kh * kw
        for t in 0..<taps { sums[t] = V8() }
        for r in 0..<oh {
            let dyr = dy + r * owp
            var o = 0
            while o < owp {
                let gv = load(dyr + o)
                for i in 0..<kh {
                    let rowOff = (r * rowStride + i * dilationH) * width + o
                    for j in 0..<kw { sums[i * kw + j] = sums[i * kw + j].addingProduct(gv, load(plane.column(j * dilationW) + rowOff)) }
                }
                o += 8
            }
        }
        for t in 0..<taps { dw[t] += sums[t].sum() }
    }

}

// MARK: - im2col and col2im

extension Fast {
    /// The im2col matrix of one image and one group: row (c·kh + i)·kw + j, column oh·OW + ow
    /// holds x[c, oh·s + i·d − p, ow·s + j·d − p], or 0 in the padding. `x` points at the group's
    /// first channel of the image; `col` is (inPerGroup·taps) × outPlane. Only the rows in
    /// `patchRows` (all when nil) are written, so that threads may each take some.
    public static func im2col(_ col: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, g: ConvGeometry,
                              patchRows: Range<Int>? = nil) {
        let oh = g.outHeight, ow = g.outWidth, kh = g.kernelHeight, kw = g.kernelWidth, sw = g.strideW
        for t in patchRows ?? 0..<(g.inPerGroup * kh * kw) {
            let c = t / (kh * kw), i = t / kw % kh, j = t % kw
            let xp = x + c * g.inPlane
            let row = col + t * g.outPlane
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
                    if sw == 2 {
                        // Every other source float: the even half of sixteen.
                        while o + 8 <= hi && off + 2 * o + 16 <= g.width {
                            store(UnsafeRawPointer(src + 2 * o).loadUnaligned(as: SIMD16<Float>.self).evenHalf, dst + o)
                            o += 8
                        }
                    }
                    while o < hi { dst[o] = src[o * sw]; o += 1 }
                }
                if hi < ow { (dst + hi).update(repeating: 0, count: ow - hi) }
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
}
