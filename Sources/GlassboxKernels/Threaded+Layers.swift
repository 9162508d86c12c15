import GlassboxKernelsFast

// The elementwise, row-wise and fused kernels over all cores. Each splits its work into chunks
// of whole elements / rows / heads and calls the single-threaded `Fast` function on each chunk;
// below the thresholds it calls `Fast` directly on the calling thread.

// MARK: - Thresholds

extension Threaded {
    /// Elementwise work below this many elements runs on the calling thread: a transcendental
    /// map of 32 K floats is only a few times the cost of waking a worker.
    public static let elementwiseParallelThreshold = 1 << 15
    /// Whether `work` stays on the calling thread for a kernel whose threshold is `cold`: below
    /// `cold` while a worker sleeps or the pool has not started (waking it costs tens of
    /// microseconds), below an eighth of it while every worker is awake — running a chunk or
    /// spinning between the kernels of a training step or a forward pass — when handing a chunk
    /// over costs a cache-line transfer. Work below the eighth never looks at the pool. Only for
    /// work whose every result is the same however it is split (elementwise, per row, per
    /// channel): the state of the workers is a matter of timing.
    @inline(__always)
    static func onCaller(_ work: Int, below cold: Int) -> Bool {
        if work < cold / 8 { return true }
        if work >= cold { return false }
        return !WorkerPool.isAwake
    }
    /// Elements per chunk of elementwise work (fits in L2 with its output).
    static let elementwiseGrain = 1 << 15

    /// Splits 0..<count into chunks of about `grain` (a multiple of 8, so that every chunk but
    /// the last runs whole vectors) and calls body(start, length) for each, on all cores.
    @inline(__always)
    static func splitRange(_ count: Int, threshold: Int, grain: Int, _ body: (Int, Int) -> Void) {
        if workers == 1 || onCaller(count, below: threshold) {
            body(0, count)
            return
        }
        let chunks = chunkCount(work: count, grain: grain)
        let per = ((count + chunks - 1) / chunks + 7) / 8 * 8
        forEachChunk(chunks) { chunk in
            let start = chunk * per
            let length = min(count, start + per) - start
            if length > 0 { body(start, length) }
        }
    }
}

// MARK: - Elementwise

extension Threaded {
    /// A unary map `Fast.f(y, x, count:)` over all cores (y may alias x).
    public static func map(
        _ f: (UnsafeMutablePointer<Float>, UnsafePointer<Float>, Int) -> Void,
        _ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int
    ) {
        splitRange(count, threshold: elementwiseParallelThreshold, grain: elementwiseGrain) { start, length in
            f(y + start, x + start, length)
        }
    }

    /// `Kernels.unary` on the fast path: the `Fast` map for `op`.
    @inline(__always)
    public static func unary(_ op: UnaryOp, _ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int) {
        switch op {
        case .exp: exp(y, x, count: count)
        case .log: log(y, x, count: count)
        case .tanh: tanh(y, x, count: count)
        case .sigmoid: sigmoid(y, x, count: count)
        case .gelu: gelu(y, x, count: count)
        case .sin: sin(y, x, count: count)
        case .cos: cos(y, x, count: count)
        case .erf: erf(y, x, count: count)
        // Clamps run on all cores: a network's activations are in cache, where a second core adds bandwidth.
        case .relu6: map({ Fast.clamp($0, $1, count: $2, lo: 0, hi: 6) }, y, x, count: count)
        case .clip(let lo, let hi): map({ Fast.clamp($0, $1, count: $2, lo: lo, hi: hi) }, y, x, count: count)
        // Memory-bound maps: one core saturates the bandwidth; no threads.
        case .neg: Fast.neg(y, x, count: count)
        case .abs: Fast.abs(y, x, count: count)
        case .sqrt: Fast.sqrt(y, x, count: count)
        case .relu: Fast.relu(y, x, count: count)
        default: Reference.unary(op, y, x, count: count)
        }
    }

    /// `Kernels.unaryBackward` on the fast path: vector loops for the activations' masks and for
    /// the derivatives read from the output, on all cores (a network's backward pass runs one per
    /// activation); the other ops on the reference loop.
    public static func unaryBackward(_ op: UnaryOp, dx: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>,
                                     x: UnsafePointer<Float>, y: UnsafePointer<Float>, count: Int) {
        func inside(_ lo: Float, _ hi: Float, _ closedLow: Bool, _ closedHigh: Bool) {
            splitRange(count, threshold: elementwiseParallelThreshold, grain: elementwiseGrain) { start, length in
                Fast.passInside(dx: dx + start, dy: dy + start, x: x + start, count: length, lo: lo, hi: hi,
                                closedLow: closedLow, closedHigh: closedHigh)
            }
        }
        func output(_ kind: Fast.OutputDerivative) {
            splitRange(count, threshold: elementwiseParallelThreshold, grain: elementwiseGrain) { start, length in
                Fast.outputBackward(kind, dx: dx + start, dy: dy + start, y: y + start, count: length)
            }
        }
        switch op {
        case .relu: inside(0, .infinity, false, true)
        case .relu6: inside(0, 6, false, false)
        case .clip(let lo, let hi): inside(lo, hi, true, true)
        case .exp: output(.exp)
        case .tanh: output(.tanh)
        case .sigmoid: output(.sigmoid)
        default: Reference.unaryBackward(op, dx: dx, dy: dy, x: x, y: y, count: count)
        }
    }

    public static func exp(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int) {
        map({ Fast.exp($0, $1, count: $2) }, y, x, count: count)
    }
    public static func log(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int) {
        map({ Fast.log($0, $1, count: $2) }, y, x, count: count)
    }
    public static func tanh(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int) {
        map({ Fast.tanh($0, $1, count: $2) }, y, x, count: count)
    }
    public static func sigmoid(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int) {
        map({ Fast.sigmoid($0, $1, count: $2) }, y, x, count: count)
    }
    public static func gelu(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int) {
        map({ Fast.gelu($0, $1, count: $2) }, y, x, count: count)
    }
    public static func sin(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int) {
        map({ Fast.sin($0, $1, count: $2) }, y, x, count: count)
    }
    public static func cos(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int) {
        map({ Fast.cos($0, $1, count: $2) }, y, x, count: count)
    }
    public static func erf(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int) {
        map({ Fast.erf($0, $1, count: $2) }, y, x, count: count)
    }
}

// MARK: - Rows

extension Threaded {
    /// The fast loop's name for an arithmetic `BinaryOp`; nil for the others (comparisons,
    /// pow, maximum, minimum), which stay on the reference loop.
    @inline(__always)
    public static func arithmetic(_ op: BinaryOp) -> Fast.Arithmetic? {
        switch op {
        case .add: return .add
        case .sub: return .sub
        case .mul: return .mul
        case .div: return .div
        default: return nil
        }
    }

    /// Same-shape arithmetic below this many elements uses the reference loop (see `Kernels.binary`).
    public static let binaryFastMinimum = 1024

    /// Same-shape arithmetic over all cores (memory-bound: two inputs, one output).
    public static func binary(
        _ op: Fast.Arithmetic, _ y: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>,
        _ b: UnsafePointer<Float>, count: Int
    ) {
        splitRange(count, threshold: elementwiseParallelThreshold * 2, grain: elementwiseGrain * 2) { s, n in
            Fast.binary(op, y + s, a + s, b + s, count: n)
        }
    }

    public static func binaryRow(
        _ op: Fast.Arithmetic, _ y: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>,
        _ b: UnsafePointer<Float>, rowOnLeft: Bool, rows: Int, cols: Int
    ) {
        splitRows(rows, cols: cols) { r, n in
            Fast.binaryRow(op, y + r * cols, a + r * cols, b, rowOnLeft: rowOnLeft, rows: n, cols: cols)
        }
    }
}

extension Threaded {
    /// Splits `rows` rows of `cols` floats into chunks of about `grain` elements (work below
    /// `threshold` elements runs on the calling thread).
    @inline(__always)
    static func splitRows(_ rows: Int, cols: Int, threshold: Int = elementwiseParallelThreshold,
                          grain: Int = elementwiseGrain, _ body: (Int, Int) -> Void) {
        let total = rows * max(cols, 1)
        if workers == 1 || onCaller(total, below: threshold) || rows < 2 {
            body(0, rows)
            return
        }
        let chunks = min(rows, chunkCount(work: total, grain: grain))
        let per = (rows + chunks - 1) / chunks
        forEachChunk(chunks) { chunk in
            let start = chunk * per
            let count = min(rows, start + per) - start
            if count > 0 { body(start, count) }
        }
    }

    public static func softmaxRows(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, rows: Int, cols: Int) {
        splitRows(rows, cols: cols) { r, n in
            Fast.softmaxRows(y + r * cols, x + r * cols, rows: n, cols: cols)
        }
    }

    public static func logSoftmaxRows(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, rows: Int, cols: Int) {
        splitRows(rows, cols: cols) { r, n in
            Fast.logSoftmaxRows(y + r * cols, x + r * cols, rows: n, cols: cols)
        }
    }

    public static func layerNormForward(
        y: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>,
        x: UnsafePointer<Float>, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
        rows: Int, cols: Int, eps: Float,
        variance: UnsafeMutablePointer<Float>?, normalized: UnsafeMutablePointer<Float>?
    ) {
        splitRows(rows, cols: cols) { r, n in
            Fast.layerNormForward(y: y + r * cols, mean: mean + r, rstd: rstd + r, x: x + r * cols,
                                  gamma: gamma, beta: beta, rows: n, cols: cols, eps: eps,
                                  variance: variance.map { $0 + r }, normalized: normalized.map { $0 + r * cols })
        }
    }

    /// Layer norm backward over all cores: each chunk of rows writes its own partial dγ, dβ
    /// into scratch, then the partials are summed (in chunk order, so the result does not
    /// depend on thread timing).
    public static func layerNormBackward(
        dx: UnsafeMutablePointer<Float>, dgamma: UnsafeMutablePointer<Float>, dbeta: UnsafeMutablePointer<Float>,
        dy: UnsafePointer<Float>, x: UnsafePointer<Float>, mean: UnsafePointer<Float>,
        rstd: UnsafePointer<Float>, gamma: UnsafePointer<Float>, rows: Int, cols: Int
    ) {
        let total = rows * max(cols, 1)
        // The cold threshold always: dγ and dβ are summed per chunk, so whether this splits must
        // not depend on the workers' state, or the same call could round differently.
        if workers == 1 || total < elementwiseParallelThreshold || rows < 2 {
            Fast.layerNormBackward(dx: dx, dgamma: dgamma, dbeta: dbeta, dy: dy, x: x, mean: mean, rstd: rstd,
                                   gamma: gamma, rows: rows, cols: cols)
            return
        }
        let chunks = min(rows, chunkCount(work: total, grain: elementwiseGrain))
        let per = (rows + chunks - 1) / chunks
        let partial = UnsafeMutablePointer<Float>.allocate(capacity: 2 * chunks * cols)
        partial.initialize(repeating: 0, count: 2 * chunks * cols)
        defer { partial.deallocate() }
        forEachChunk(chunks) { chunk in
            let start = chunk * per
            let count = min(rows, start + per) - start
            if count <= 0 { return }
            Fast.layerNormBackward(
                dx: dx + start * cols, dgamma: partial + 2 * chunk * cols, dbeta: partial + (2 * chunk + 1) * cols,
                dy: dy + start * cols, x: x + start * cols, mean: mean + start, rstd: rstd + start,
                gamma: gamma, rows: count, cols: cols)
        }
        dgamma.update(repeating: 0, count: cols)
        dbeta.update(repeating: 0, count: cols)
        for chunk in 0..<chunks {
            for j in 0..<cols {
                dgamma[j] += partial[2 * chunk * cols + j]
                dbeta[j] += partial[(2 * chunk + 1) * cols + j]
            }
        }
    }
}

// MARK: - LSTM, attention, optimizers

extension Threaded {
    /// The LSTM cell splits from this many pre-activations (B·4H) on, in chunks of about as
    /// many: each hidden unit costs five transcendental functions, so 4096 pre-activations are
    /// several times the work of handing a chunk to a spinning worker.
    public static let lstmParallelThreshold = 1 << 12

    public static func lstmCellForward(
        gates: UnsafeMutablePointer<Float>, c: UnsafeMutablePointer<Float>, tanhC: UnsafeMutablePointer<Float>,
        h: UnsafeMutablePointer<Float>, preact: UnsafePointer<Float>, cPrev: UnsafePointer<Float>,
        batch: Int, hidden: Int
    ) {
        let H = hidden
        splitRows(batch, cols: 4 * H, threshold: lstmParallelThreshold, grain: lstmParallelThreshold) { b, n in
            Fast.lstmCellForward(gates: gates + b * 4 * H, c: c + b * H, tanhC: tanhC + b * H, h: h + b * H,
                                 preact: preact + b * 4 * H, cPrev: cPrev + b * H, batch: n, hidden: H)
        }
    }

    public static func lstmCellBackward(
        dPreact: UnsafeMutablePointer<Float>, dcPrev: UnsafeMutablePointer<Float>,
        dh: UnsafePointer<Float>, dc: UnsafePointer<Float>?, gates: UnsafePointer<Float>,
        cPrev: UnsafePointer<Float>, tanhC: UnsafePointer<Float>, batch: Int, hidden: Int
    ) {
        let H = hidden
        splitRows(batch, cols: 4 * H, threshold: lstmParallelThreshold, grain: lstmParallelThreshold) { b, n in
            Fast.lstmCellBackward(dPreact: dPreact + b * 4 * H, dcPrev: dcPrev + b * H, dh: dh + b * H,
                                  dc: dc.map { $0 + b * H }, gates: gates + b * 4 * H, cPrev: cPrev + b * H,
                                  tanhC: tanhC + b * H, batch: n, hidden: H)
        }
    }

    /// Attention heads run in parallel when the whole call is above ~2·10⁵ multiply-adds.
    static func attentionParallel(batch: Int, tq: Int, tk: Int, d: Int, dv: Int) -> Bool {
        workers > 1 && batch > 1 && batch * tq * tk * (d + dv) >= 1 << 18
    }

    public static func attentionForward(
        out: UnsafeMutablePointer<Float>, weights: UnsafeMutablePointer<Float>,
        q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
        mask: UnsafePointer<Float>?, batch: Int, tq: Int, tk: Int, d: Int, dv: Int, scale: Float,
        scores: UnsafeMutablePointer<Float>?, scaledScores: UnsafeMutablePointer<Float>?,
        maskedScores: UnsafeMutablePointer<Float>?
    ) {
        guard attentionParallel(batch: batch, tq: tq, tk: tk, d: d, dv: dv) else {
            Fast.attentionForward(out: out, weights: weights, q: q, k: k, v: v, mask: mask,
                                  batch: batch, tq: tq, tk: tk, d: d, dv: dv, scale: scale,
                                  scores: scores, scaledScores: scaledScores, maskedScores: maskedScores)
            return
        }
        forEachChunk(batch) { head in
            let o = head * tq * tk
            Fast.attentionForwardHead(
                out: out + head * tq * dv, weights: weights + o, q: q + head * tq * d,
                k: k + head * tk * d, v: v + head * tk * dv, mask: mask, tq: tq, tk: tk, d: d, dv: dv, scale: scale,
                scores: scores.map { $0 + o }, scaledScores: scaledScores.map { $0 + o },
                maskedScores: maskedScores.map { $0 + o })
        }
    }

    public static func attentionBackward(
        dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>, dv dV: UnsafeMutablePointer<Float>,
        dOut: UnsafePointer<Float>, q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
        weights: UnsafePointer<Float>, batch: Int, tq: Int, tk: Int, d: Int, dv: Int, scale: Float
    ) {
        guard attentionParallel(batch: batch, tq: tq, tk: tk, d: d, dv: dv) else {
            Fast.attentionBackward(dq: dq, dk: dk, dv: dV, dOut: dOut, q: q, k: k, v: v, weights: weights,
                                   batch: batch, tq: tq, tk: tk, d: d, dv: dv, scale: scale)
            return
        }
        // One tq×tk scratch per head (the heads may run at the same time).
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: max(1, batch * tq * tk))
        defer { scratch.deallocate() }
        forEachChunk(batch) { head in
            Fast.attentionBackwardHead(
                dq: dq + head * tq * d, dk: dk + head * tk * d, dV: dV + head * tk * dv,
                dOut: dOut + head * tq * dv, q: q + head * tq * d, k: k + head * tk * d, v: v + head * tk * dv,
                weights: weights + head * tq * tk, scratch: scratch + head * tq * tk,
                tq: tq, tk: tk, d: d, dv: dv, scale: scale)
        }
    }

    public static func sgdStep(
        param: UnsafeMutablePointer<Float>, velocity: UnsafeMutablePointer<Float>,
        grad: UnsafePointer<Float>, count: Int, lr: Float, momentum: Float, update: UnsafeMutablePointer<Float>?
    ) {
        splitRange(count, threshold: elementwiseParallelThreshold * 2, grain: elementwiseGrain * 2) { s, n in
            Fast.sgdStep(param: param + s, velocity: velocity + s, grad: grad + s, count: n, lr: lr,
                         momentum: momentum, update: update.map { $0 + s })
        }
    }

    public static func adamStep(
        param: UnsafeMutablePointer<Float>, m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>,
        grad: UnsafePointer<Float>, count: Int, lr: Float, beta1: Float, beta2: Float, eps: Float, t: Int,
        mHat: UnsafeMutablePointer<Float>?, vHat: UnsafeMutablePointer<Float>?, update: UnsafeMutablePointer<Float>?
    ) {
        splitRange(count, threshold: elementwiseParallelThreshold, grain: elementwiseGrain) { s, n in
            Fast.adamStep(param: param + s, m: m + s, v: v + s, grad: grad + s, count: n, lr: lr,
                          beta1: beta1, beta2: beta2, eps: eps, t: t,
                          mHat: mHat.map { $0 + s }, vHat: vHat.map { $0 + s }, update: update.map { $0 + s })
        }
    }
}
