import XCTest
@testable import GlassboxTensors

final class AutogradTests: XCTestCase {
    override func setUp() { Trace.listener = nil; GradMode.isEnabled = true; Interrupt.clear() }

    func testGradientsOfParametersAndIntermediates() throws {
        // y = sum(h ⊙ h), h = w·x + b  ⇒  ∂y/∂h = 2h, ∂y/∂w = 2h·x, ∂y/∂b = 2h
        let w = try Ops.param(tensor([2], [1, -2])), b = try Ops.param(tensor([2], [0.5, 0.5]))
        let x = tensor([2], [3, 4])
        let h = try Ops.add(Ops.mul(w, x), b)
        let y = try Ops.sum(Ops.mul(h, h))
        try Autograd.backward(y)
        XCTAssertEqual(h.toArray(), [3.5, -7.5])
        XCTAssertEqual(h.grad?.toArray(), [7, -15])
        XCTAssertEqual(w.grad?.toArray(), [21, -60])
        XCTAssertEqual(b.grad?.toArray(), [7, -15])
        XCTAssertEqual(y.grad?.toArray(), [1])
        XCTAssertNil(x.grad)                       // a constant gets no gradient
        XCTAssertTrue(w.isParameter); XCTAssertFalse(h.isParameter); XCTAssertTrue(h.requiresGrad)
    }

    func testTensorUsedTwiceAccumulatesWithinOneBackward() throws {
        let a = try Ops.param(Tensor(scalar: 3))
        let y = try Ops.add(Ops.mul(a, a), a)       // a² + a ⇒ 2a + 1 = 7
        try Autograd.backward(y)
        XCTAssertEqual(a.grad?.scalarValue, 7)
    }

    func testBackwardReplacesEarlierGradients() throws {
        let a = try Ops.param(Tensor(scalar: 3))
        try Autograd.backward(Ops.mul(a, Tensor(scalar: 2)))
        XCTAssertEqual(a.grad?.scalarValue, 2)
        try Autograd.backward(Ops.mul(a, Tensor(scalar: 5)))
        XCTAssertEqual(a.grad?.scalarValue, 5)     // replaced, not 7
    }

    func testBackwardErrors() throws {
        XCTAssertThrowsError(try Autograd.backward(Ops.param(Ops.zeros([2])))) {
            XCTAssertTrue("\($0)".hasPrefix("backward: y must be a scalar"))
        }
        XCTAssertThrowsError(try Autograd.backward(Tensor(scalar: 1))) {
            XCTAssertTrue("\($0)".contains("does not depend on any parameter"))
        }
    }

    func testDetachStopsGradients() throws {
        let a = try Ops.param(Tensor(scalar: 3))
        let y = try Ops.add(Ops.mul(a, Ops.detach(a)), a)   // d/da = detach(a) + 1 = 4
        try Autograd.backward(y)
        XCTAssertEqual(a.grad?.scalarValue, 4)
    }

    func testNoNodesWithoutParameters() throws {
        let y = try Ops.add(tensor([2], [1, 2]), Tensor(scalar: 1))
        XCTAssertNil(y.node); XCTAssertFalse(y.requiresGrad)
        let p = try Ops.param(tensor([2], [1, 2]))
        let z = try GradMode.withDisabled { try Ops.add(p, Tensor(scalar: 1)) }
        XCTAssertNil(z.node)
    }

    /// A chain of 100 000 recorded ops is sorted and released without recursion.
    func testDeepChainDoesNotOverflowTheStack() throws {
        let p = try Ops.param(Tensor(scalar: 0))
        let one = Tensor(scalar: 1)
        var s = p
        for _ in 0..<100_000 { s = try Ops.add(s, one) }
        XCTAssertEqual(s.scalarValue, 100_000)
        try Autograd.backward(s)
        XCTAssertEqual(p.grad?.scalarValue, 1)
        s = one   // releases the chain
    }

    func testInterruptDuringBackwardThrowsAndLeavesNoGradients() throws {
        let p = try Ops.param(tensor([2], [1, 2]))
        let y = try Ops.sum(Ops.mul(p, p))
        Interrupt.request()
        defer { Interrupt.clear() }
        XCTAssertThrowsError(try Autograd.backward(y)) { XCTAssertEqual($0 as? TensorError, .interrupted(op: "backward")) }
        XCTAssertNil(p.grad)
    }

    func testInterruptStopsMatmul() throws {
        Interrupt.request()
        defer { Interrupt.clear() }
        XCTAssertThrowsError(try Ops.matmul(Ops.ones([8, 8]), Ops.ones([8, 8]))) {
            XCTAssertEqual($0 as? TensorError, .interrupted(op: "matmul"))
        }
    }
}

// MARK: - Trace hook

final class TraceTests: XCTestCase {
    final class Recorder: TraceListener {
        var ops: [OpEvent] = []
        var backward: [BackwardEvent] = []
        var seeds: [Tensor] = []
        func opDidRun(_ event: OpEvent) { ops.append(event) }
        func backwardDidStart(root: Tensor, seed: Tensor) { seeds.append(seed) }
        func backwardDidRun(_ event: BackwardEvent) { backward.append(event) }
    }

    override func setUp() { Trace.listener = nil; GradMode.isEnabled = true }
    override func tearDown() { Trace.listener = nil }

    func testForwardAndBackwardEvents() throws {
        let a = try Ops.param(tensor([2], [1, 2]))
        let recorder = Recorder()
        Trace.listener = recorder
        let b = try Ops.mul(a, a)
        let y = try Ops.sum(b)
        try Autograd.backward(y)
        Trace.listener = nil

        XCTAssertEqual(recorder.ops.map(\.op.name), ["mul", "sum"])   // backward's own ops are not reported as forward ops
        XCTAssertTrue(recorder.ops[0].outputs[0] === b)
        XCTAssertEqual(recorder.seeds.first?.toArray(), [1])
        XCTAssertEqual(recorder.backward.map(\.op.name), ["sum", "mul"])
        let mul = recorder.backward[1]
        XCTAssertEqual(mul.upstream[0].toArray(), [1, 1])
        XCTAssertEqual(mul.inputGradients[0]?.toArray(), [1, 2])
        XCTAssertEqual(mul.inputGradients[1]?.toArray(), [1, 2])
        // a feeds mul twice: the second contribution is an accumulation 1·a + a·1
        XCTAssertEqual(mul.accumulations.count, 1)
        XCTAssertEqual(mul.accumulations[0].previous.toArray(), [1, 2])
        XCTAssertEqual(mul.accumulations[0].total.toArray(), [2, 4])
        XCTAssertEqual(a.grad?.toArray(), [2, 4])
    }
}

// MARK: - Intermediates of the fused ops

final class FusedTraceTests: XCTestCase {
    override func setUp() { Trace.listener = nil; GradMode.isEnabled = true }
    override func tearDown() { Trace.listener = nil }

    func testRNNAndLayerNormIntermediates() throws {
        RandomSource.seed(2)
        let recorder = TraceTests.Recorder()
        let x = try Ops.randn([2, 3]), h = try Ops.randn([2, 4])
        let Wih = try Ops.randn([4, 3]), Whh = try Ops.randn([4, 4]), b = try Ops.randn([4])
        Trace.listener = recorder
        let h2 = try Ops.rnnCell(x, h, Wih, Whh, b, b)
        let y = try Ops.layerNorm(x, Ops.ones([3]), Ops.zeros([3]))
        Trace.listener = nil
        let rnn = try XCTUnwrap(recorder.ops.first { $0.op.name == "rnn_cell" })
        XCTAssertEqual(rnn.intermediates.map(\.name), ["preact", "h_t"])
        assertClose(try Ops.tanh(XCTUnwrap(rnn.intermediate("preact"))).toArray(), h2.toArray(), tol: 1e-6, "tanh(preact) = h_t")
        let ln = try XCTUnwrap(recorder.ops.first { $0.op.name == "layer_norm" })
        XCTAssertEqual(ln.intermediates.map(\.name), ["mean", "variance", "normalized", "output"])
        assertClose(try XCTUnwrap(ln.intermediate("mean")).toArray(), try Ops.mean(x, axis: -1).toArray(), tol: 1e-6, "mean")
        assertClose(try XCTUnwrap(ln.intermediate("variance")).toArray(), try Ops.variance(x, axis: -1).toArray(), tol: 1e-5, "variance")
        XCTAssertEqual(try XCTUnwrap(ln.intermediate("normalized")).toArray(), y.toArray())   // γ = 1, β = 0
        // without a listener the kernels write no intermediates, and the values are identical
        XCTAssertEqual(try Ops.rnnCell(x, h, Wih, Whh, b, b).toArray(), h2.toArray())
    }

    /// Backward reports lstm_cell once with both upstream gradients, in the order nodes run.
    func testBackwardEventsForLSTM() throws {
        RandomSource.seed(3)
        let x = try Ops.randn([1, 2]), h = try Ops.randn([1, 3]), c = try Ops.randn([1, 3])
        let Wih = try Ops.param(Ops.randn([12, 2])), Whh = try Ops.param(Ops.randn([12, 3])), b = try Ops.param(Ops.zeros([12]))
        let (h2, c2) = try Ops.lstmCell(x, h, c, Wih, Whh, b, b)
        let loss = try Ops.add(Ops.sum(h2), Ops.sum(c2))
        let recorder = TraceTests.Recorder()
        Trace.listener = recorder
        try Autograd.backward(loss)
        Trace.listener = nil
        XCTAssertEqual(recorder.backward.map(\.op.name), ["add", "sum", "sum", "lstm_cell"])
        let lstm = try XCTUnwrap(recorder.backward.last)
        XCTAssertEqual(lstm.upstream.count, 2)
        XCTAssertEqual(lstm.upstream[0].toArray(), [1, 1, 1])
        XCTAssertEqual(lstm.inputGradients.count, 7)
        XCTAssertNil(lstm.inputGradients[0])          // x is a constant
        XCTAssertEqual(lstm.accumulations.map(\.inputIndex), [6])   // b feeds b_ih and b_hh
        XCTAssertEqual(b.grad?.toArray(), lstm.accumulations[0].total.toArray())
    }
}

// MARK: - Memory

final class GraphLifetimeTests: XCTestCase {
    override func setUp() { Trace.listener = nil; GradMode.isEnabled = true }

    /// A recorded output must not keep itself alive through its own node (no reference cycles):
    /// once nothing refers to the result, it and its node are freed.
    func testRecordedOutputsAreFreed() throws {
        let p = try Ops.param(tensor([2, 3], [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]))
        let v = try Ops.param(tensor([3], [1, 2, 3]))
        let ops: [(String, () throws -> Tensor)] = [
            ("exp", { try Ops.exp(p) }), ("add", { try Ops.add(p, v) }), ("pow", { try Ops.pow(p, v) }),
            ("matmul", { try Ops.matmul(p, v) }), ("sum", { try Ops.sum(p, axis: 1) }), ("max", { try Ops.max(p) }),
            ("softmax", { try Ops.softmax(p) }), ("softmax0", { try Ops.softmax(p, axis: 0) }),
            ("log_softmax", { try Ops.logSoftmax(p) }), ("logsumexp", { try Ops.logsumexp(p) }),
            ("reshape", { try Ops.reshape(p, [3, 2]) }), ("transpose", { try Ops.transpose(p) }),
            ("index", { try Ops.index(p, [.index(0)]) }), ("concat", { try Ops.concat([p, p]) }),
            ("layer_norm", { try Ops.layerNorm(p, v, v) }), ("attention", { try Ops.attention(p, p, p) }),
            ("cross_entropy", { try Ops.crossEntropy(p, tensor([2], [0, 2])) }), ("var", { try Ops.variance(p) }),
            ("lstm_cell", { try Ops.lstmCell(v, Ops.zeros([1]), Ops.zeros([1]), Ops.ones([4, 3]), Ops.ones([4, 1]), Ops.ones([4]), Ops.ones([4])).h }),
            ("rnn_cell", { try Ops.rnnCell(v, Ops.zeros([1]), Ops.ones([1, 3]), Ops.ones([1, 1]), Ops.ones([1]), Ops.ones([1])) }),
        ]
        for (name, make) in ops {
            weak var weakOutput: Tensor?
            func scope() throws {
                let y = try make()
                XCTAssertTrue(y.requiresGrad, name)
                weakOutput = y
            }
            try scope()
            XCTAssertNil(weakOutput, "\(name): the output outlived its last reference (a reference cycle)")
        }
    }
}
