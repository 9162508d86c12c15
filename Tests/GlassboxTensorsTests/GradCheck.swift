import XCTest
@testable import GlassboxTensors

/// Compares autograd gradients with central finite differences computed in Double.
///
/// The loss is L = Σᵢ wᵢ·yᵢ with fixed pseudo-random weights w, so every output element matters.
/// For each parameter element θ: numeric = (L(θ + h) − L(θ − h)) / 2h, with L summed in Double.
/// Passes when |analytic − numeric| ≤ tol·(1 + |numeric|) for every element.
enum GradCheck {
    static func check(_ params: [Tensor], h: Float = 1e-2, tol: Double = 2e-3,
                      file: StaticString = #filePath, line: UInt = #line,
                      _ f: ([Tensor]) throws -> Tensor) throws {
        let y = try f(params)
        let w = weights(count: y.count)
        let loss = try Ops.sum(Ops.mul(y, Tensor(shape: y.shape, data: w)))
        try Autograd.backward(loss)
        for (pi, p) in params.enumerated() {
            guard let grad = p.grad else { XCTFail("param \(pi) got no gradient", file: file, line: line); continue }
            XCTAssertEqual(grad.shape, p.shape, "gradient shape of param \(pi)", file: file, line: line)
            let analytic = grad.toArray()
            var worst = 0.0, worstIndex = 0, worstPair = (0.0, 0.0)
            for i in 0..<p.count {
                let saved = p.pointer[i]
                p.pointer[i] = saved + h
                let plus = try GradMode.withDisabled { try weightedSum(f(params), w) }
                p.pointer[i] = saved - h
                let minus = try GradMode.withDisabled { try weightedSum(f(params), w) }
                p.pointer[i] = saved
                let numeric = (plus - minus) / (2 * Double(h))
                let error = Swift.abs(Double(analytic[i]) - numeric) / (1 + Swift.abs(numeric))
                if error > worst { worst = error; worstIndex = i; worstPair = (Double(analytic[i]), numeric) }
            }
            XCTAssertLessThanOrEqual(worst, tol,
                "param \(pi) shape \(p.shape): worst relative error \(worst) at element \(worstIndex): "
                + "autograd \(worstPair.0) vs finite difference \(worstPair.1)", file: file, line: line)
        }
    }

    static func weightedSum(_ y: Tensor, _ w: [Float]) -> Double {
        zip(y.toArray(), w).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }

    /// Deterministic weights in [0.5, 1.5) with alternating signs.
    static func weights(count: Int) -> [Float] {
        var g = PCG32(seed: 99)
        return (0..<count).map { i in (0.5 + Float(g.next() >> 8) * 0x1p-24) * (i % 2 == 0 ? 1 : -1) }
    }

    /// A parameter of `shape` with values uniform in [lo, hi) from a fixed seed.
    static func param(_ shape: [Int], _ lo: Float = -1, _ hi: Float = 1, seed: UInt64 = 1) throws -> Tensor {
        var g = PCG32(seed: seed)
        let n = shape.reduce(1, *)
        let data = (0..<n).map { _ in lo + (hi - lo) * Float(g.next() >> 8) * 0x1p-24 }
        return try Ops.param(Tensor(shape: shape, data: data))
    }
}

/// Asserts two float arrays agree within `tol` (absolute + relative), printing the first values
/// and the largest difference when they do not (llm.c style).
func assertClose(_ a: [Float], _ b: [Float], tol: Float = 1e-5, _ what: String = "",
                 file: StaticString = #filePath, line: UInt = #line) {
    guard a.count == b.count else {
        XCTFail("\(what): counts differ \(a.count) vs \(b.count)", file: file, line: line); return
    }
    var worst: Float = 0, at = 0
    for i in 0..<a.count {
        if a[i].isNaN && b[i].isNaN { continue }
        if a[i] == b[i] { continue }
        let d = Swift.abs(a[i] - b[i]) / (1 + Swift.abs(b[i]))
        if !(d <= worst) { worst = d; at = i }
    }
    XCTAssertLessThanOrEqual(worst, tol,
        "\(what): max difference \(worst) at \(at) (\(a[at]) vs \(b[at])); first values \(Array(a.prefix(4))) vs \(Array(b.prefix(4)))",
        file: file, line: line)
}

func tensor(_ shape: [Int], _ data: [Float]) -> Tensor {
    (try? Tensor(shape: shape, data: data)) ?? Tensor(scalar: .nan)
}
