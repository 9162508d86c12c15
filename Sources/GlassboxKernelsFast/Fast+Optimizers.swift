#if canImport(Glibc)
import Glibc
#endif
import CGlassboxSIMD

// Optimizer updates: one pass over each parameter and its state, in place, eight lanes at a time.

// MARK: - SGD

extension Fast {
    /// SGD with momentum, PyTorch semantics (`torch.optim.SGD`, dampening 0, no Nesterov):
    ///
    ///     v ← μ·v + g        p ← p − lr·v
    ///
    /// With μ = 0 this is plain SGD (v = g). Shapes: param, velocity, grad: [count]; update
    /// [count] = lr·v, the amount subtracted, written only when non-nil.
    public static func sgdStep(
        param: UnsafeMutablePointer<Float>, velocity: UnsafeMutablePointer<Float>,
        grad: UnsafePointer<Float>, count: Int, lr: Float, momentum: Float,
        update: UnsafeMutablePointer<Float>?
    ) {
        if let update {
            for i in 0..<count {
                let v = momentum * velocity[i] + grad[i]
                velocity[i] = v
                update[i] = lr * v
                param[i] -= lr * v
            }
            return
        }
        let mu = V8(repeating: momentum), rate = V8(repeating: lr)
        var i = 0
        while i + 8 <= count {
            let v = fma(mu, load(velocity + i), load(grad + i))
            store(v, velocity + i)
            store(load(param + i) - rate * v, param + i)
            i += 8
        }
        while i < count {
            let v = momentum * velocity[i] + grad[i]
            velocity[i] = v
            param[i] -= lr * v
            i += 1
        }
    }
}

// MARK: - Adam

extension Fast {
    /// Adam (Kingma & Ba 2015, Algorithm 1; PyTorch's `torch.optim.Adam` without weight decay):
    ///
    ///     m ← β₁·m + (1 − β₁)·g         v ← β₂·v + (1 − β₂)·g²
    ///     m̂ = m/(1 − β₁ᵗ)               v̂ = v/(1 − β₂ᵗ)
    ///     p ← p − lr·m̂/(√v̂ + ε)
    ///
    /// t ≥ 1 is the step number. Shapes: param, m, v, grad and the optional outputs: [count].
    /// When given, mHat, vHat and update (= lr·m̂/(√v̂ + ε), the amount subtracted) receive the
    /// intermediate values, for walkthroughs. One pass: each element is read and written once.
    ///
    /// Runs with subnormals flushed to zero (`gb_flush_subnormals`; the thread's previous mode
    /// is restored on return): training on until the loss is near zero drives g², m and v below
    /// 2⁻¹²⁶, where every multiply takes a microcode assist and a long training run slows down
    /// several times over, most of it in this loop. A moment that small moves
    /// p by less than lr·2⁻¹²⁶/ε ≈ 10⁻³⁵·lr, so flushing it changes no parameter visibly; the
    /// reference loop (`Reference.adamStep`) keeps IEEE subnormals.
    public static func adamStep(
        param: UnsafeMutablePointer<Float>, m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>,
        grad: UnsafePointer<Float>, count: Int, lr: Float, beta1: Float, beta2: Float, eps: Float, t: Int,
        mHat: UnsafeMutablePointer<Float>?, vHat: UnsafeMutablePointer<Float>?, update: UnsafeMutablePointer<Float>?
    ) {
        let csr = gb_flush_subnormals()
        defer { gb_restore_csr(csr) }
        let t = max(t, 1)
        let bc1 = Float(1 - pow(Double(beta1), Double(t)))
        let bc2 = Float(1 - pow(Double(beta2), Double(t)))
        let b1 = V8(repeating: beta1), c1 = V8(repeating: 1 - beta1)
        let b2 = V8(repeating: beta2), c2 = V8(repeating: 1 - beta2)
        let inv1 = V8(repeating: 1 / bc1), inv2 = V8(repeating: 1 / bc2)
        let rate = V8(repeating: lr), epsV = V8(repeating: eps)
        let withOutputs = mHat != nil || vHat != nil || update != nil
        var i = 0
        while i < count {
            let n = min(8, count - i)
            let full = n == 8
            let g = full ? load(grad + i) : loadPartial(grad + i, n)
            let m0 = full ? load(m + i) : loadPartial(m + i, n)
            let v0 = full ? load(v + i) : loadPartial(v + i, n)
            let p0 = full ? load(param + i) : loadPartial(param + i, n)
            let m1 = fma(b1, m0, c1 * g)
            let v1 = fma(b2, v0, c2 * g * g)
            let mh = m1 * inv1, vh = v1 * inv2
            let u = rate * mh / (gb_sqrt8(vh) + epsV)
            let p1 = p0 - u
            if full {
                store(m1, m + i); store(v1, v + i); store(p1, param + i)
            } else {
                storePartial(m1, m + i, n); storePartial(v1, v + i, n); storePartial(p1, param + i, n)
            }
            if withOutputs {
                if let mHat { storePartial(mh, mHat + i, n) }
                if let vHat { storePartial(vh, vHat + i, n) }
                if let update { storePartial(u, update + i, n) }
            }
            i += 8
        }
    }
}
