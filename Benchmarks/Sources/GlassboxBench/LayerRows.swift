import GlassboxKernels

// The layer rows, called directly on the kernels (`Kernels.*`, the public entry points
// with the fast threaded path): the best the kernel module can do, and the baseline that the
// tensor and language versions (TensorRows.swift) are measured against.

/// A contiguous Float buffer with a stable address (no copy-on-write surprises while timed),
/// 64-byte aligned like a Glassbox tensor's storage (`Storage.base`), so that the kernels are
/// timed on the memory the tensors give them.
final class Buffer {
    let p: UnsafeMutablePointer<Float>
    let count: Int
    init(_ count: Int, _ value: Float = 0) {
        self.count = count
        p = Buffer.allocate(count)
        p.initialize(repeating: value, count: max(count, 1))
    }
    init(_ values: [Float]) {
        count = values.count
        p = Buffer.allocate(count)
        p.initialize(from: values, count: count)
    }
    private static func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
        UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 4, alignment: 64)
            .bindMemory(to: Float.self, capacity: max(count, 1))
    }
    deinit { UnsafeMutableRawPointer(p).deallocate() }
    subscript(offset: Int) -> UnsafeMutablePointer<Float> { p + offset }
}

// MARK: - LSTM

/// LSTM forward + backward over T steps (PyTorch layout), loss = Σₜ Σ hₜ (so every dhₜ = 1).
/// `oneProjection`: the input projection of all steps is one (T·B × I)·(I × 4H) matmul, as
/// PyTorch's `nn.LSTM` does, and dX is computed (as the NumPy version does); otherwise every
/// step does its own x·W_ihᵀ and exactly the work that `lstm_cell` in a loop does when the
/// inputs and the initial state are constants (the tensor and language rows): no dX, no dh
/// for the initial state, and dW_ih, dW_hh added up step by step.
///
/// With one projection, the weight gradients are products over all steps at once as well, as
/// cuDNN and oneDNN do: dW_hh = Σₜ dPreₜᵀ·hₜ₋₁ is one (4H × T·B)·(T·B × H) product after the
/// loop (the hₜ are stored one after another behind the zero initial state), and likewise
/// dW_ih, db and dX; the loop over time keeps only what depends on the previous step.
struct LSTMKernels {
    let T = 64, B = 32, I = 64, H = 128
    let oneProjection: Bool
    let X: Buffer, W_ih: Buffer, W_hh: Buffer, b_ih: Buffer, b_hh: Buffer
    /// h holds h₀ = 0 and then hₜ at offset t·B·H (t = 1…T), so that h[0 ..< T·B·H] are the
    /// previous states of all steps, one after another.
    let pre: Buffer, gates: Buffer, c: Buffer, tanhC: Buffer, h: Buffer, zeros: Buffer
    let dPre: Buffer, dh: Buffer, dhNext: Buffer, dc: Buffer, dcPrev: Buffer
    let dW_ih: Buffer, dW_hh: Buffer, db: Buffer, dX: Buffer

    init(oneProjection: Bool) {
        self.oneProjection = oneProjection
        let G = 4 * H
        X = Buffer(randomArray(T * B * I, seed: 10))
        W_ih = Buffer(randomArray(G * I, seed: 11, -0.1, 0.1)); W_hh = Buffer(randomArray(G * H, seed: 12, -0.1, 0.1))
        b_ih = Buffer(randomArray(G, seed: 13, -0.1, 0.1)); b_hh = Buffer(randomArray(G, seed: 14, -0.1, 0.1))
        pre = Buffer(T * B * G); gates = Buffer(T * B * G)
        c = Buffer(T * B * H); tanhC = Buffer(T * B * H); h = Buffer((T + 1) * B * H); zeros = Buffer(B * H)
        dPre = Buffer(T * B * G); dh = Buffer(B * H); dhNext = Buffer(B * H); dc = Buffer(B * H); dcPrev = Buffer(B * H)
        dW_ih = Buffer(G * I); dW_hh = Buffer(G * H); db = Buffer(G); dX = Buffer(T * B * I)
    }

    func run() {
        let G = 4 * H, BG = B * G, BH = B * H
        // Forward.
        if oneProjection {
            Kernels.gemm(transA: false, transB: true, m: T * B, n: G, k: I, a: X.p, lda: I, b: W_ih.p, ldb: I,
                         c: pre.p, ldc: G, accumulate: false)
            Kernels.binaryRow(.add, pre.p, pre.p, b_ih.p, rowOnLeft: false, rows: T * B, cols: G)
            Kernels.binaryRow(.add, pre.p, pre.p, b_hh.p, rowOnLeft: false, rows: T * B, cols: G)
        }
        for t in 0..<T {
            let p = pre[t * BG]
            if !oneProjection {
                Kernels.gemm(transA: false, transB: true, m: B, n: G, k: I, a: X[t * B * I], lda: I, b: W_ih.p, ldb: I,
                             c: p, ldc: G, accumulate: false)
                Kernels.binaryRow(.add, p, p, b_ih.p, rowOnLeft: false, rows: B, cols: G)
                Kernels.binaryRow(.add, p, p, b_hh.p, rowOnLeft: false, rows: B, cols: G)
            }
            let hPrev = h[t * BH], cPrev = t == 0 ? zeros.p : c[(t - 1) * BH]
            Kernels.gemm(transA: false, transB: true, m: B, n: G, k: H, a: hPrev, lda: H, b: W_hh.p, ldb: H,
                         c: p, ldc: G, accumulate: true)
            Kernels.lstmCellForward(gates: gates[t * BG], c: c[t * BH], tanhC: tanhC[t * BH], h: h[(t + 1) * BH],
                                    preact: p, cPrev: cPrev, batch: B, hidden: H)
        }
        // Backward through time.
        for t in stride(from: T - 1, through: 0, by: -1) {
            let hPrev = h[t * BH], cPrev = t == 0 ? zeros.p : c[(t - 1) * BH]
            // dh = 1 (from the loss) + what step t+1 sent back.
            if t == T - 1 { Kernels.fill(dh.p, 1, count: BH) } else {
                Kernels.binaryScalar(.add, dh.p, dhNext.p, 1, scalarOnLeft: false, count: BH)
            }
            let dp = dPre[t * BG]
            Kernels.lstmCellBackward(dPreact: dp, dcPrev: dcPrev.p, dh: dh.p, dc: t == T - 1 ? nil : dc.p,
                                     gates: gates[t * BG], cPrev: cPrev, tanhC: tanhC[t * BH], batch: B, hidden: H)
            if !oneProjection {
                Kernels.gemm(transA: true, transB: false, m: G, n: H, k: B, a: dp, lda: G, b: hPrev, ldb: H,
                             c: dW_hh.p, ldc: H, accumulate: t != T - 1)
            }
            if t > 0 {
                Kernels.gemm(transA: false, transB: false, m: B, n: H, k: G, a: dp, lda: G, b: W_hh.p, ldb: H,
                             c: dhNext.p, ldc: H, accumulate: false)
            }
            dc.p.update(from: dcPrev.p, count: BH)
            if !oneProjection {
                Kernels.gemm(transA: true, transB: false, m: G, n: I, k: B, a: dp, lda: G, b: X[t * B * I], ldb: I,
                             c: dW_ih.p, ldc: I, accumulate: t != T - 1)
            }
        }
        if oneProjection {
            Kernels.gemm(transA: true, transB: false, m: G, n: H, k: T * B, a: dPre.p, lda: G, b: h.p, ldb: H,
                         c: dW_hh.p, ldc: H, accumulate: false)
            Kernels.gemm(transA: true, transB: false, m: G, n: I, k: T * B, a: dPre.p, lda: G, b: X.p, ldb: I,
                         c: dW_ih.p, ldc: I, accumulate: false)
            Kernels.gemm(transA: false, transB: false, m: T * B, n: I, k: G, a: dPre.p, lda: G, b: W_ih.p, ldb: I,
                         c: dX.p, ldc: I, accumulate: false)
        }
        Kernels.sumAxis(db.p, dPre.p, outer: 1, n: T * B, inner: G)
    }
}

func lstmKernelRow(_ name: String, oneProjection: Bool) -> (String, () -> Measurement) {
    (name, {
        let lstm = LSTMKernels(oneProjection: oneProjection)
        return measure(name, samples: 9) { lstm.run() }
    })
}

// MARK: - Attention with projections

/// Single-head self-attention with projections, B=8, T=128, d=64: Q = xW_q, K = xW_k, V = xW_v,
/// O = attention(Q, K, V), Y = O·W_o; loss = ΣY; backward to dx, dW_q, dW_k, dW_v, dW_o.
struct AttentionKernels {
    let B = 8, T = 128, d = 64
    let x: Buffer, Wq: Buffer, Wk: Buffer, Wv: Buffer, Wo: Buffer
    let q: Buffer, k: Buffer, v: Buffer, o: Buffer, y: Buffer, weights: Buffer
    let dy: Buffer, dO: Buffer, dq: Buffer, dk: Buffer, dv: Buffer, dx: Buffer
    let dWq: Buffer, dWk: Buffer, dWv: Buffer, dWo: Buffer

    init() {
        let n = B * T * d
        x = Buffer(randomArray(n, seed: 20))
        Wq = Buffer(randomArray(d * d, seed: 21, -0.1, 0.1)); Wk = Buffer(randomArray(d * d, seed: 22, -0.1, 0.1))
        Wv = Buffer(randomArray(d * d, seed: 23, -0.1, 0.1)); Wo = Buffer(randomArray(d * d, seed: 24, -0.1, 0.1))
        q = Buffer(n); k = Buffer(n); v = Buffer(n); o = Buffer(n); y = Buffer(n); weights = Buffer(B * T * T)
        dy = Buffer(n, 1); dO = Buffer(n); dq = Buffer(n); dk = Buffer(n); dv = Buffer(n); dx = Buffer(n)
        dWq = Buffer(d * d); dWk = Buffer(d * d); dWv = Buffer(d * d); dWo = Buffer(d * d)
    }

    func run() {
        let rows = B * T
        func mm(_ a: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                transW: Bool = false, accumulate: Bool = false) {
            Kernels.gemm(transA: false, transB: transW, m: rows, n: d, k: d, a: a, lda: d, b: w, ldb: d,
                         c: out, ldc: d, accumulate: accumulate)
        }
        mm(x.p, Wq.p, q.p); mm(x.p, Wk.p, k.p); mm(x.p, Wv.p, v.p)
        Kernels.attentionForward(out: o.p, weights: weights.p, q: q.p, k: k.p, v: v.p, mask: nil, batch: B, tq: T, tk: T,
                                 d: d, dv: d, scale: 1 / Float(d).squareRoot(), scores: nil, scaledScores: nil, maskedScores: nil)
        mm(o.p, Wo.p, y.p)
        // Backward (dy = 1).
        Kernels.gemm(transA: true, transB: false, m: d, n: d, k: rows, a: o.p, lda: d, b: dy.p, ldb: d, c: dWo.p, ldc: d, accumulate: false)
        mm(dy.p, Wo.p, dO.p, transW: true)
        Kernels.attentionBackward(dq: dq.p, dk: dk.p, dv: dv.p, dOut: dO.p, q: q.p, k: k.p, v: v.p, weights: weights.p,
                                  batch: B, tq: T, tk: T, d: d, dv: d, scale: 1 / Float(d).squareRoot())
        for (dW, g) in [(dWq, dq), (dWk, dk), (dWv, dv)] {
            Kernels.gemm(transA: true, transB: false, m: d, n: d, k: rows, a: x.p, lda: d, b: g.p, ldb: d, c: dW.p, ldc: d, accumulate: false)
        }
        mm(dq.p, Wq.p, dx.p, transW: true)
        mm(dk.p, Wk.p, dx.p, transW: true, accumulate: true)
        mm(dv.p, Wv.p, dx.p, transW: true, accumulate: true)
    }
}

func attentionKernelRow() -> (String, () -> Measurement) {
    ("attention_fwd_bwd", {
        let attention = AttentionKernels()
        return measure("attention_fwd_bwd") { attention.run() }
    })
}

// MARK: - MLP step

/// MLP 784-128-10 with ReLU and cross-entropy on a batch of 64: forward, backward, Adam on
/// W1 (784×128), b1, W2 (128×10), b2 (x·W layout, as the NumPy version).
struct MLPKernels {
    let B = 64, D = 784, Hd = 128, C = 10
    let x: Buffer, labels: UnsafeMutablePointer<Int>
    let params: [Buffer], grads: [Buffer], ms: [Buffer], vs: [Buffer]
    let z: Buffer, hAct: Buffer, logits: Buffer, losses: Buffer, probs: Buffer, dlosses: Buffer
    let dlogits: Buffer, dh: Buffer, dz: Buffer
    final class Counter { var t = 0 }
    let counter = Counter()

    init() {
        x = Buffer(randomArray(B * D, seed: 30, 0, 1))
        labels = .allocate(capacity: B)
        for i in 0..<B { labels[i] = (i * 7) % C }
        params = [Buffer(randomArray(D * Hd, seed: 32, -0.05, 0.05)), Buffer(Hd), Buffer(randomArray(Hd * C, seed: 33, -0.05, 0.05)), Buffer(C)]
        grads = params.map { Buffer($0.count) }; ms = params.map { Buffer($0.count) }; vs = params.map { Buffer($0.count) }
        z = Buffer(B * Hd); hAct = Buffer(B * Hd); logits = Buffer(B * C); losses = Buffer(B); probs = Buffer(B * C)
        dlosses = Buffer(B, 1 / Float(B)); dlogits = Buffer(B * C); dh = Buffer(B * Hd); dz = Buffer(B * Hd)
    }

    func run() {
        let (W1, b1, W2, b2) = (params[0], params[1], params[2], params[3])
        Kernels.gemm(transA: false, transB: false, m: B, n: Hd, k: D, a: x.p, lda: D, b: W1.p, ldb: Hd, c: z.p, ldc: Hd, accumulate: false)
        Kernels.binaryRow(.add, z.p, z.p, b1.p, rowOnLeft: false, rows: B, cols: Hd)
        Kernels.unary(.relu, hAct.p, z.p, count: B * Hd)
        Kernels.gemm(transA: false, transB: false, m: B, n: C, k: Hd, a: hAct.p, lda: Hd, b: W2.p, ldb: C, c: logits.p, ldc: C, accumulate: false)
        Kernels.binaryRow(.add, logits.p, logits.p, b2.p, rowOnLeft: false, rows: B, cols: C)
        Kernels.crossEntropyForward(losses: losses.p, probs: probs.p, logits: logits.p, labels: labels, rows: B, cols: C)
        // Backward of the mean loss.
        Kernels.crossEntropyBackward(dlogits: dlogits.p, dlosses: dlosses.p, probs: probs.p, labels: labels, rows: B, cols: C)
        Kernels.gemm(transA: true, transB: false, m: Hd, n: C, k: B, a: hAct.p, lda: Hd, b: dlogits.p, ldb: C, c: grads[2].p, ldc: C, accumulate: false)
        Kernels.sumAxis(grads[3].p, dlogits.p, outer: 1, n: B, inner: C)
        Kernels.gemm(transA: false, transB: true, m: B, n: Hd, k: C, a: dlogits.p, lda: C, b: W2.p, ldb: C, c: dh.p, ldc: Hd, accumulate: false)
        Kernels.unaryBackward(.relu, dx: dz.p, dy: dh.p, x: z.p, y: hAct.p, count: B * Hd)
        Kernels.gemm(transA: true, transB: false, m: D, n: Hd, k: B, a: x.p, lda: D, b: dz.p, ldb: Hd, c: grads[0].p, ldc: Hd, accumulate: false)
        Kernels.sumAxis(grads[1].p, dz.p, outer: 1, n: B, inner: Hd)
        counter.t += 1
        for i in 0..<4 {
            Kernels.adamStep(param: params[i].p, m: ms[i].p, v: vs[i].p, grad: grads[i].p, count: params[i].count,
                             lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, t: counter.t, mHat: nil, vHat: nil, update: nil)
        }
    }
}

func mlpKernelRow() -> (String, () -> Measurement) {
    ("mlp_step", {
        let mlp = MLPKernels()
        return measure("mlp_step") { mlp.run() }
    })
}
