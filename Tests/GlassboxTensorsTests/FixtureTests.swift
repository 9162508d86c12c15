import Foundation
import XCTest
@testable import GlassboxTensors

/// Reference values computed independently by `Fixtures/make_fixtures.py` (NumPy, float64).
final class FixtureTests: XCTestCase {
    override func setUp() { Trace.listener = nil; GradMode.isEnabled = true; Interrupt.clear() }
    override func tearDown() { Trace.listener = nil }

    /// Reads `Fixtures/NAME.json` into named tensors.
    func load(_ name: String) throws -> [String: Tensor] {
        let base = try XCTUnwrap(Bundle.module.resourceURL)
        let data = try Data(contentsOf: base.appendingPathComponent("Fixtures/\(name).json"))
        let raw = try JSONDecoder().decode([String: Entry].self, from: data)
        return try raw.mapValues { try Tensor(shape: $0.shape, data: $0.data.map { Float($0) }) }
    }

    struct Entry: Decodable { let shape: [Int]; let data: [Double] }

    final class Recorder: TraceListener {
        var events: [OpEvent] = []
        func opDidRun(_ event: OpEvent) { events.append(event) }
        func backwardDidRun(_ event: BackwardEvent) {}
    }

    func value(_ f: [String: Tensor], _ key: String) throws -> Tensor { try XCTUnwrap(f[key], "fixture has no \(key)") }

    func testLSTMCellMatchesPyTorchLayout() throws {
        let f = try load("lstm_cell")
        let recorder = Recorder()
        Trace.listener = recorder
        let (h, c) = try Ops.lstmCell(value(f, "x"), value(f, "h"), value(f, "c"), value(f, "W_ih"), value(f, "W_hh"),
                                      value(f, "b_ih"), value(f, "b_hh"))
        Trace.listener = nil
        assertClose(h.toArray(), try value(f, "h_t").toArray(), tol: 1e-6, "h_t")
        assertClose(c.toArray(), try value(f, "c_t").toArray(), tol: 1e-6, "c_t")
        // the trace's named intermediates are the kernel's values, equal to the reference gates
        let event = try XCTUnwrap(recorder.events.last)
        XCTAssertEqual(event.op.name, "lstm_cell")
        XCTAssertEqual(event.intermediates.map(\.name), ["preact", "i_t", "f_t", "g_t", "o_t", "c_t", "h_t"])
        for gate in ["i_t", "f_t", "g_t", "o_t"] {
            assertClose(try XCTUnwrap(event.intermediate(gate)).toArray(), try value(f, gate).toArray(), tol: 1e-6, gate)
        }
        XCTAssertTrue(event.intermediate("h_t") === h)
    }

    func testMaskedAttention() throws {
        let f = try load("attention_masked")
        let recorder = Recorder()
        Trace.listener = recorder
        let out = try Ops.attention(value(f, "Q"), value(f, "K"), value(f, "V"), mask: Ops.causalMask(4))
        Trace.listener = nil
        assertClose(out.toArray(), try value(f, "output").toArray(), tol: 1e-6, "output")
        let event = try XCTUnwrap(recorder.events.last)
        XCTAssertEqual(event.intermediates.map(\.name), ["scores", "scaled_scores", "masked_scores", "weights", "output"])
        assertClose(try XCTUnwrap(event.intermediate("weights")).toArray(), try value(f, "weights").toArray(), tol: 1e-6, "weights")
        let masked = try XCTUnwrap(event.intermediate("masked_scores")).toArray()
        XCTAssertEqual(masked[1], -.infinity)     // query 0 may not see key 1
    }

    func testAdamFirstThreeSteps() throws {
        let f = try load("adam_three_steps")
        let p = try Ops.param(value(f, "p0"))
        let opt = try Optimizer.adam([p], lr: 0.01)
        let recorder = Recorder()
        for t in 1...3 {
            // the gradient of Σ gₜ ⊙ p is gₜ
            try Autograd.backward(Ops.sum(Ops.mul(p, value(f, "g\(t)"))))
            Trace.listener = recorder
            try opt.step()
            Trace.listener = nil
            XCTAssertEqual(opt.t, t)
            assertClose(p.toArray(), try value(f, "p\(t)").toArray(), tol: 1e-6, "p after step \(t)")
            let event = try XCTUnwrap(recorder.events.last)
            assertClose(try XCTUnwrap(event.intermediate("m_t")).toArray(), try value(f, "m\(t)").toArray(), tol: 1e-6, "m\(t)")
            assertClose(try XCTUnwrap(event.intermediate("v_t")).toArray(), try value(f, "v\(t)").toArray(), tol: 1e-6, "v\(t)")
            assertClose(try XCTUnwrap(event.intermediate("m_hat")).toArray(), try value(f, "m_hat\(t)").toArray(), tol: 1e-6, "m_hat\(t)")
            assertClose(try XCTUnwrap(event.intermediate("v_hat")).toArray(), try value(f, "v_hat\(t)").toArray(), tol: 1e-5, "v_hat\(t)")
            XCTAssertEqual(try XCTUnwrap(event.intermediate("new_value")).toArray(), p.toArray())
        }
        XCTAssertEqual(recorder.events.first?.intermediates.map(\.name),
                       ["old_value", "g", "m_t", "v_t", "m_hat", "v_hat", "update", "new_value"])
    }

    func testSGDMomentumThreeSteps() throws {
        let f = try load("sgd_momentum_three_steps")
        let p = try Ops.param(value(f, "p0"))
        let opt = try Optimizer.sgd([p], lr: 0.1, momentum: 0.9)
        for t in 1...3 {
            try Autograd.backward(Ops.sum(Ops.mul(p, value(f, "g\(t)"))))
            try opt.step()
            assertClose(p.toArray(), try value(f, "p\(t)").toArray(), tol: 1e-6, "p after step \(t)")
        }
    }

    func testCrossEntropy() throws {
        let f = try load("cross_entropy")
        let logits = try Ops.param(value(f, "logits"))
        let loss = try Ops.crossEntropy(logits, value(f, "labels"))
        XCTAssertEqual(try XCTUnwrap(loss.scalarValue), try XCTUnwrap(value(f, "loss").scalarValue), accuracy: 1e-6)
        try Autograd.backward(loss)
        assertClose(try XCTUnwrap(logits.grad).toArray(), try value(f, "dlogits").toArray(), tol: 1e-6, "dlogits")
    }
}
