import XCTest
@testable import GlassboxTensors

/// conv2d, batch_norm and the pools: gradients against central finite differences in Double
/// (through whichever kernel path the shape selects), and values against their definitions.
final class ConvGradientTests: XCTestCase {
    override func setUp() { Trace.listener = nil; GradMode.isEnabled = true; Interrupt.clear() }

    func testConv2dGradientsOnEveryPath() throws {
        // Depthwise (stride 2, padding), pointwise (several images), general (grouped, dilated, stride 2).
        let x = try GradCheck.param([2, 4, 7, 6], seed: 1)
        let wd = try GradCheck.param([4, 1, 3, 3], seed: 2), bd = try GradCheck.param([4], seed: 3)
        try GradCheck.check([x, wd, bd]) { try Ops.conv2d($0[0], $0[1], bias: $0[2], stride: (2, 2), padding: (1, 1), groups: 4) }
        let wp = try GradCheck.param([5, 4, 1, 1], seed: 4)
        try GradCheck.check([x, wp]) { try Ops.conv2d($0[0], $0[1]) }
        let wg = try GradCheck.param([6, 2, 3, 2], seed: 5), bg = try GradCheck.param([6], seed: 6)
        try GradCheck.check([x, wg, bg]) {
            try Ops.conv2d($0[0], $0[1], bias: $0[2], stride: (2, 1), padding: (2, 1), dilation: (2, 1), groups: 2)
        }
    }

    func testConv2dRejectsBadShapesWithAMessage() throws {
        let x = try Ops.ones([1, 3, 4, 4])
        XCTAssertThrowsError(try Ops.conv2d(x, try Ops.ones([2, 2, 3, 3]))) {
            XCTAssertTrue("\($0)".contains("input channels per group (3)"), "\($0)")
        }
        XCTAssertThrowsError(try Ops.conv2d(x, try Ops.ones([2, 3, 5, 5]))) { XCTAssertTrue("\($0)".contains("larger than"), "\($0)") }
        XCTAssertThrowsError(try Ops.conv2d(x, try Ops.ones([4, 1, 3, 3]), groups: 2)) { XCTAssertTrue("\($0)".contains("must divide"), "\($0)") }
        XCTAssertThrowsError(try Ops.conv2d(try Ops.ones([3, 4, 4]), try Ops.ones([1, 3, 1, 1])))
        XCTAssertThrowsError(try Ops.conv2d(x, try Ops.ones([1, 3, 1, 1]), stride: (0, 1)))
    }

    func testBatchNormTrainingAndEval() throws {
        let x = try GradCheck.param([3, 2, 2, 3], -2, 2, seed: 7)
        let gamma = try GradCheck.param([2], 0.5, 1.5, seed: 8), beta = try GradCheck.param([2], seed: 9)
        let rm = try Tensor(shape: [2], data: [0.5, -0.25]), rv = try Tensor(shape: [2], data: [2, 0.5])
        try GradCheck.check([x, gamma, beta]) {
            try Ops.batchNorm($0[0], runningMean: rm, runningVar: rv, gamma: $0[1], beta: $0[2], training: true)
        }
        try GradCheck.check([x, gamma, beta]) {
            try Ops.batchNorm($0[0], runningMean: rm, runningVar: rv, gamma: $0[1], beta: $0[2], training: false)
        }
        // Eval: (x − running_mean)/√(running_var + ε)·γ + β, element by element.
        let y = try Ops.batchNorm(x, runningMean: rm, runningVar: rv, gamma: gamma, beta: beta).toArray()
        let xs = x.toArray(), g = gamma.toArray(), b = beta.toArray(), m = rm.toArray(), v = rv.toArray()
        for i in 0..<xs.count {
            let c = (i / 6) % 2
            XCTAssertEqual(y[i], (xs[i] - m[c]) / (v[c] + 1e-5).squareRoot() * g[c] + b[c], accuracy: 1e-5)
        }
        // Training updates the running statistics in place: (1 − 0.1)·old + 0.1·batch (variance unbiased).
        let mean0 = rm.toArray(), var0 = rv.toArray()
        _ = try Ops.batchNorm(x, runningMean: rm, runningVar: rv, gamma: nil, beta: nil, training: true)
        for c in 0..<2 {
            let values = (0..<xs.count).filter { ($0 / 6) % 2 == c }.map { Double(xs[$0]) }
            let mu = values.reduce(0, +) / Double(values.count)
            let unbiased = values.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / Double(values.count - 1)
            XCTAssertEqual(Double(rm.toArray()[c]), 0.9 * Double(mean0[c]) + 0.1 * mu, accuracy: 1e-5)
            XCTAssertEqual(Double(rv.toArray()[c]), 0.9 * Double(var0[c]) + 0.1 * unbiased, accuracy: 1e-5)
        }
    }

    func testPoolsGradientsAndValues() throws {
        // Distinct values 0.05 apart, so that no ±h step changes which element is a window's maximum.
        var g = PCG32(seed: 10)
        let order = (0..<252).map { ($0, g.next()) }.sorted { $0.1 < $1.1 }.map { Float($0.0) * 0.05 - 6 }
        let x = try Ops.param(Tensor(shape: [2, 3, 7, 6], data: order))
        try GradCheck.check([x]) { try Ops.maxPool2d($0[0], kernel: (3, 3), stride: (2, 2), padding: (1, 1)) }
        try GradCheck.check([x]) { try Ops.avgPool2d($0[0], kernel: (2, 3), stride: (2, 2), padding: (1, 1)) }
        try GradCheck.check([x]) { try Ops.adaptiveAvgPool2d($0[0], (3, 4)) }
        try GradCheck.check([x]) { try Ops.adaptiveAvgPool2d($0[0], (1, 1)) }
        let a = try Tensor(shape: [1, 1, 4, 4], data: (0..<16).map(Float.init))
        XCTAssertEqual(try Ops.maxPool2d(a, kernel: (2, 2), stride: (2, 2)).toArray(), [5, 7, 13, 15])
        XCTAssertEqual(try Ops.avgPool2d(a, kernel: (2, 2), stride: (2, 2)).toArray(), [2.5, 4.5, 10.5, 12.5])
        XCTAssertEqual(try Ops.adaptiveAvgPool2d(a, (1, 1)).toArray(), [7.5])
        // Bins of 5 into 3: rows 0..<2, 1..<4, 3..<5 (PyTorch's ⌊i·5/3⌋ ..< ⌈(i+1)·5/3⌉).
        let b = try Tensor(shape: [1, 1, 5, 1], data: [1, 2, 3, 4, 5])
        XCTAssertEqual(try Ops.adaptiveAvgPool2d(b, (3, 1)).toArray(), [1.5, 3, 4.5])
    }
}
