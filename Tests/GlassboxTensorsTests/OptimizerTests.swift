import Foundation
import XCTest
@testable import GlassboxTensors

final class OptimizerTests: XCTestCase {
    override func setUp() { Trace.listener = nil; GradMode.isEnabled = true; Interrupt.clear() }
    override func tearDown() { Trace.listener = nil }

    /// The fused Adam kernel against Algorithm 1 written with tensor ops, over five steps.
    func testAdamEqualsComposed() throws {
        RandomSource.seed(9)
        let start = try Ops.randn([7])
        let p = try Ops.param(start)
        let opt = try Optimizer.adam([p], lr: 0.05, beta1: 0.8, beta2: 0.99, eps: 1e-6)
        var q = start, m = try Ops.zeros([7]), v = try Ops.zeros([7])
        func s(_ x: Float) -> Tensor { Tensor(scalar: x) }
        for t in 1...5 {
            let target = try Ops.randn([7])
            try Autograd.backward(Ops.mse(p, target))          // g = 2(p − target)/7
            let g = try Ops.div(Ops.mul(Ops.sub(q, target), s(2)), s(7))
            try opt.step()
            m = try Ops.add(Ops.mul(m, s(0.8)), Ops.mul(g, s(0.2)))
            v = try Ops.add(Ops.mul(v, s(0.99)), Ops.mul(Ops.mul(g, g), s(0.01)))
            let mHat = try Ops.div(m, s(1 - Foundation.pow(0.8, Float(t))))
            let vHat = try Ops.div(v, s(1 - Foundation.pow(0.99, Float(t))))
            q = try Ops.sub(q, Ops.div(Ops.mul(mHat, s(0.05)), Ops.add(Ops.sqrt(vHat), s(1e-6))))
            assertClose(p.toArray(), q.toArray(), tol: 1e-6, "step \(t)")
        }
        XCTAssertEqual(opt.t, 5)
    }

    func testPlainSGDIsGradientDescent() throws {
        let p = try Ops.param(tensor([2], [1, -2]))
        let opt = try Optimizer.sgd([p], lr: 0.1)
        try Autograd.backward(Ops.sum(Ops.mul(p, p)))     // g = 2p
        try opt.step()
        assertClose(p.toArray(), [0.8, -1.6])
    }

    func testSGDTraceNamesItsSteps() throws {
        let p = try Ops.param(tensor([2], [1, -2]))
        p.name = "w"
        let opt = try Optimizer.sgd([p], lr: 0.1, momentum: 0.5)
        try Autograd.backward(Ops.sum(Ops.mul(p, p)))
        let recorder = TraceTests.Recorder()
        Trace.listener = recorder
        try opt.step()
        Trace.listener = nil
        let event = try XCTUnwrap(recorder.ops.first)
        XCTAssertEqual(event.op.name, "sgd")
        XCTAssertEqual(event.intermediates.map(\.name), ["old_value", "g", "velocity", "update", "new_value"])
        XCTAssertEqual(event.intermediate("old_value")?.toArray(), [1, -2])
        assertClose(try XCTUnwrap(event.intermediate("update")).toArray(), [0.2, -0.4])
        XCTAssertEqual(event.attributes.first?.value, "w")
    }

    func testOptimizerErrors() throws {
        let p = try Ops.param(tensor([2], [1, 2]))
        XCTAssertThrowsError(try Optimizer.sgd([p, tensor([1], [0])], lr: 0.1)) {
            XCTAssertEqual("\($0)", "sgd: argument 2 is not a parameter (make it with param(x))")
        }
        XCTAssertThrowsError(try Optimizer.adam([p], beta1: 1))
        XCTAssertThrowsError(try Optimizer.sgd([p], lr: -1))
        XCTAssertThrowsError(try Optimizer.adam([]))
        let opt = try Optimizer.adam([p])
        XCTAssertThrowsError(try opt.step()) { XCTAssertTrue("\($0)".contains("call backward(loss) first")) }
        XCTAssertEqual(opt.t, 0)
    }

    /// A few hundred steps of Adam fit a line: the pieces work together.
    func testTrainingReducesLoss() throws {
        RandomSource.seed(1)
        let x = try Ops.randn([32, 1]), y = try Ops.add(Ops.mul(x, Tensor(scalar: 3)), Tensor(scalar: -1))
        let W = try Ops.param(Ops.zeros([1, 1])), b = try Ops.param(Ops.zeros([1]))
        let opt = try Optimizer.adam([W, b], lr: 0.1)
        var loss: Float = .infinity
        for _ in 0..<300 {
            let l = try Ops.mse(Ops.linear(x, W, b), y)
            loss = try XCTUnwrap(l.scalarValue)
            try Autograd.backward(l)
            try opt.step()
        }
        XCTAssertLessThan(loss, 1e-3)
        XCTAssertEqual(try XCTUnwrap(W.scalarValue), 3, accuracy: 0.05)
    }
}
