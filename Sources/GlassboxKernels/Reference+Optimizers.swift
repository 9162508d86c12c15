#if canImport(Glibc)
import Glibc
#endif

/// Optimizer updates: one pass over each parameter, in place.
extension Reference {

    /// SGD with momentum, PyTorch semantics (torch.optim.SGD, dampening 0, no Nesterov):
    ///
    ///     v ← μ·v + g          p ← p − lr·v
    ///
    /// With μ = 0 this is plain gradient descent (v = g). `velocity` starts at 0, so the first
    /// step gives v = g as PyTorch's buffer initialization does.
    /// - Parameters: param, velocity (count, updated in place); grad (count);
    ///   update (count) = lr·v, the amount subtracted, written only when non-nil.
    public static func sgdStep(param: UnsafeMutablePointer<Float>, velocity: UnsafeMutablePointer<Float>,
                               grad: UnsafePointer<Float>, count: Int, lr: Float, momentum: Float,
                               update: UnsafeMutablePointer<Float>?) {
        for i in 0..<count {
            let v = momentum * velocity[i] + grad[i]
            velocity[i] = v
            let u = lr * v
            update?[i] = u
            param[i] -= u
        }
    }

    /// Adam (Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization", Algorithm 1), step t ≥ 1:
    ///
    ///     m ← β₁·m + (1 − β₁)·g            v ← β₂·v + (1 − β₂)·g²
    ///     m̂ = m / (1 − β₁ᵗ)                 v̂ = v / (1 − β₂ᵗ)
    ///     p ← p − lr·m̂ / (√v̂ + ε)
    ///
    /// PyTorch's defaults are lr = 0.001, β₁ = 0.9, β₂ = 0.999, ε = 1e−8.
    /// - Parameters: param, m, v (count, updated in place; m and v start at 0); grad (count);
    ///   optional outputs for walkthroughs (count each): mHat = m̂, vHat = v̂, update = lr·m̂/(√v̂ + ε).
    public static func adamStep(param: UnsafeMutablePointer<Float>, m: UnsafeMutablePointer<Float>,
                                v: UnsafeMutablePointer<Float>, grad: UnsafePointer<Float>, count: Int,
                                lr: Float, beta1: Float, beta2: Float, eps: Float, t: Int,
                                mHat: UnsafeMutablePointer<Float>?, vHat: UnsafeMutablePointer<Float>?,
                                update: UnsafeMutablePointer<Float>?) {
        // 1 − βᵗ in Double, as PyTorch forms it (in Python floats): in Float, 1 − 0.999³ cancels
        // to ~2e−5 relative error, which v̂ and the update would inherit.
        let correction1 = Float(1 - pow(Double(beta1), Double(t)))
        let correction2 = Float(1 - pow(Double(beta2), Double(t)))
        for i in 0..<count {
            let g = grad[i]
            let mi = beta1 * m[i] + (1 - beta1) * g
            let vi = beta2 * v[i] + (1 - beta2) * g * g
            m[i] = mi
            v[i] = vi
            let mh = mi / correction1, vh = vi / correction2
            let u = lr * mh / (vh.squareRoot() + eps)
            mHat?[i] = mh
            vHat?[i] = vh
            update?[i] = u
            param[i] -= u
        }
    }
}
