import XCTest
import GlassboxLanguage
import GlassboxTensors
@testable import GlassboxWalkthroughs

/// A walkthrough's values are the values the built-in returns, bit for bit: each named
/// walkthrough is compared with the same call made without `explain` (which runs with no trace
/// listener, so the kernels skip the walkthrough-only outputs). The intermediates are also
/// checked against their formulas computed separately, so that a label can never sit on the
/// wrong number (e.g. two LSTM gates swapped).
final class BitForBitTests: XCTestCase {

    // MARK: LSTM and RNN cells

    func testLSTMCell() throws {
        let s = Session()
        run(Setups.lstm, in: s)
        run("h2, c2 = lstm_cell(x, h, c, W_ih, W_hh, b_ih, b_hh)", in: s)
        let w = try walkthrough("explain lstm_cell(x, h, c, W_ih, W_hh, b_ih, b_hh)", in: s)
        XCTAssertEqual(w.steps.map(\.name), ["preact", "i_t", "f_t", "g_t", "o_t", "c_t", "h_t"])
        assertBitIdentical(w.step("h_t")?.value, try tensor("h2", in: s), "h_t")
        assertBitIdentical(w.step("c_t")?.value, try tensor("c2", in: s), "c_t")
        guard case .tuple(let result) = w.value, case .tensor(let h)? = result.items.first else { return XCTFail("value") }
        XCTAssertTrue(h === w.step("h_t")?.value, "the value of explain is the h_t the walkthrough shows")

        run("""
            p = x @ W_ih' + b_ih + h @ W_hh' + b_hh
            i = sigmoid(p[:, 0:4]); f = sigmoid(p[:, 4:8]); g = tanh(p[:, 8:12]); o = sigmoid(p[:, 12:16])
            """, in: s)
        assertClose(w.step("preact")?.value, try tensor("p", in: s), "preact")
        for (gate, name) in [("i_t", "i"), ("f_t", "f"), ("g_t", "g"), ("o_t", "o")] {
            assertClose(w.step(gate)?.value, try tensor(name, in: s), gate)
        }
        run("c_check = f * c + i * g; h_check = o * tanh(c_check)", in: s)
        assertClose(w.step("c_t")?.value, try tensor("c_check", in: s), "c_t = f ⊙ c + i ⊙ g")
        assertClose(w.step("h_t")?.value, try tensor("h_check", in: s), "h_t = o ⊙ tanh(c_t)")
    }

    func testRNNCell() throws {
        let s = Session()
        run(Setups.rnn, in: s)
        run("h2 = rnn_cell(x, h, W_ih, W_hh, b_ih, b_hh)", in: s)
        let w = try walkthrough("explain rnn_cell(x, h, W_ih, W_hh, b_ih, b_hh)", in: s)
        XCTAssertEqual(w.steps.map(\.name), ["preact", "h_t"])
        assertBitIdentical(w.step("h_t")?.value, try tensor("h2", in: s), "h_t")
        run("p = x @ W_ih' + b_ih + h @ W_hh' + b_hh", in: s)
        assertClose(w.step("preact")?.value, try tensor("p", in: s), "preact")
        run("h_check = tanh(p)", in: s)
        assertClose(w.step("h_t")?.value, try tensor("h_check", in: s), "h_t")
    }

    // MARK: Attention and layer norm

    func testAttentionWithACausalMask() throws {
        let s = Session()
        run(Setups.attention, in: s)
        run("out = attention(Q, K, V, mask=M)", in: s)
        let w = try walkthrough("explain attention(Q, K, V, mask=M)", in: s)
        XCTAssertEqual(w.steps.map(\.name), ["scores", "scaled", "masked", "weights", "output"])
        assertBitIdentical(w.step("output")?.value, try tensor("out", in: s), "output")
        run("""
            sc = Q @ K'
            wts = softmax(Q @ K' / 2 + M)
            """, in: s)
        assertClose(w.step("scores")?.value, try tensor("sc", in: s), "scores = Q·Kᵀ")
        assertClose(w.step("weights")?.value, try tensor("wts", in: s), "weights")
        let masked = w.step("masked")?.value?.toArray() ?? []
        XCTAssertEqual(masked[1], -.infinity, "row 0 may not see key 1")
        XCTAssertEqual(masked[3], w.step("scaled")?.value?.toArray()[3], "row 1 sees key 0 unchanged")
        let weights = w.step("weights")?.value?.toArray() ?? []
        XCTAssertEqual(weights[0], 1, "the first query sees only itself")
    }

    func testAttentionWithoutAMaskHasNoMaskedStep() throws {
        let s = Session()
        run(Setups.attention, in: s)
        run("out = attention(Q, K, V)", in: s)
        let w = try walkthrough("explain attention(Q, K, V)", in: s)
        XCTAssertEqual(w.steps.map(\.name), ["scores", "scaled", "weights", "output"])
        assertBitIdentical(w.step("output")?.value, try tensor("out", in: s), "output")
        run("sc = Q @ K' / 2", in: s)
        assertClose(w.step("scaled")?.value, try tensor("sc", in: s), "scaled = Q·Kᵀ/√d_k")
    }

    func testLayerNorm() throws {
        let s = Session()
        run(Setups.layerNorm, in: s)
        run("y = layer_norm(x, gamma, beta)", in: s)
        let w = try walkthrough("explain layer_norm(x, gamma, beta)", in: s)
        XCTAssertEqual(w.steps.map(\.name), ["mean", "variance", "normalized", "output"])
        assertBitIdentical(w.step("output")?.value, try tensor("y", in: s), "output")
        run("""
            mu = mean(x, axis=-1)
            s2 = var(x, axis=-1)
            xhat = (x - reshape(mu, 2, 1)) / sqrt(reshape(s2, 2, 1) + 1e-5)
            """, in: s)
        assertClose(w.step("mean")?.value, try tensor("mu", in: s), "mean")
        assertClose(w.step("variance")?.value, try tensor("s2", in: s), "variance", tolerance: 1e-4)
        assertClose(w.step("normalized")?.value, try tensor("xhat", in: s), "normalized", tolerance: 1e-4)
    }

    func testCrossEntropy() throws {
        let s = Session()
        run("logits = [[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]]; labels = [0, 2]", in: s)
        run("plain = cross_entropy(logits, labels)", in: s)
        let w = try walkthrough("explain cross_entropy(logits, labels)", in: s)
        XCTAssertEqual(w.steps.map(\.name), ["probs", "losses", "loss"])
        assertBitIdentical(w.step("loss")?.value, try tensor("plain", in: s), "loss")
        run("p = softmax(logits); l0 = -log(p[0, 0]); l1 = -log(p[1, 2])", in: s)
        assertClose(w.step("probs")?.value, try tensor("p", in: s), "probs")
        let losses = w.step("losses")?.value?.toArray() ?? []
        XCTAssertEqual(losses.count, 2)
        assertClose(try Tensor(shape: [], data: [losses.first ?? .nan]), try tensor("l0", in: s), "−log p[label] of row 0")
    }

    // MARK: Optimizer steps

    /// Two sessions set up the same way: one steps plainly, one under explain, twice.
    func testAdamSteps() throws {
        let plain = Session(), traced = Session()
        for s in [plain, traced] {
            run(Setups.training, in: s)
            run("opt = adam(W, b, lr=0.1)", in: s)
        }
        for t in 1...2 {
            if t == 2 {
                for s in [plain, traced] { run("loss = mse(x @ W' + b, target); backward(loss)", in: s) }
            }
            let g = try tensor("W", in: traced).grad
            run("step(opt)", in: plain)
            let w = try walkthrough("explain step(opt)", in: traced)
            let names = ["old_value", "g", "m_t", "v_t", "m_hat", "v_hat", "update", "new_value"]
            XCTAssertEqual(w.steps.map(\.name), names + names, "one group per parameter, W then b")
            XCTAssertEqual(w.groups.map(\.title), ["step(opt) · Adam · parameter W", "step(opt) · Adam · parameter b"])
            assertBitIdentical(w.step("new_value")?.value, try tensor("W", in: plain), "W after step \(t)")
            assertBitIdentical(w.step("new_value", occurrence: 1)?.value, try tensor("b", in: plain), "b after step \(t)")
            assertBitIdentical(w.step("new_value")?.value, try tensor("W", in: traced), "the traced W itself")
            assertBitIdentical(w.step("g")?.value, g, "g is the gradient")
            if t == 1, let g = g {
                // At t = 1: m = (1 − β₁)g, v = (1 − β₂)g², m̂ = g, v̂ = g², update = α·g/(|g| + ε).
                let gs = g.toArray()
                let expect: [(String, [Float])] = [
                    ("m_t", gs.map { 0.1 * $0 }), ("v_t", gs.map { 0.001 * $0 * $0 }), ("m_hat", gs),
                    ("v_hat", gs.map { $0 * $0 }), ("update", gs.map { 0.1 * $0 / (abs($0) + 1e-8) }),
                ]
                for (name, values) in expect {
                    assertClose(w.step(name)?.value, try Tensor(shape: g.shape, data: values), name, tolerance: 1e-5)
                }
            }
        }
    }

    func testSGDWithMomentumSteps() throws {
        let plain = Session(), traced = Session()
        for s in [plain, traced] {
            run(Setups.training, in: s)
            run("opt = sgd(W, b, lr=0.1, momentum=0.9)", in: s)
        }
        for t in 1...2 {
            if t == 2 {
                for s in [plain, traced] { run("loss = mse(x @ W' + b, target); backward(loss)", in: s) }
            }
            run("step(opt)", in: plain)
            let w = try walkthrough("explain step(opt)", in: traced)
            let names = ["old_value", "g", "velocity", "update", "new_value"]
            XCTAssertEqual(w.steps.map(\.name), names + names)
            assertBitIdentical(w.step("new_value")?.value, try tensor("W", in: plain), "W after step \(t)")
            assertBitIdentical(w.step("new_value", occurrence: 1)?.value, try tensor("b", in: plain), "b after step \(t)")
            if t == 1 {
                assertBitIdentical(w.step("velocity")?.value, w.step("g")?.value, "v₁ = g (v starts at 0)")
            }
        }
    }

    // MARK: Backward

    func testBackwardGradientsAreTheGradientsBackwardLeaves() throws {
        let plain = Session(), traced = Session()
        let setup = Setups.training.replacingOccurrences(of: "backward(loss)", with: "")
        for s in [plain, traced] { run(setup, in: s) }
        run("backward(loss)", in: plain)
        let w = try walkthrough("explain backward(loss)", in: traced)
        XCTAssertEqual(w.steps.first?.kind, .seed)
        let results = w.steps.filter { $0.kind == .result }
        XCTAssertEqual(results.map(\.name).sorted(), ["∂loss/∂W", "∂loss/∂b"])
        for name in ["W", "b"] {
            let step = results.first { $0.name == "∂loss/∂\(name)" }
            assertBitIdentical(step?.value, try tensor(name, in: plain).grad, "grad(\(name))")
            XCTAssertTrue(step?.value === (try tensor(name, in: traced).grad), "the step shows \(name).grad itself")
        }
        // Every node passes on gradients with the shapes of its inputs.
        for step in w.steps where step.kind == .gradient {
            XCTAssertNotNil(step.value, step.name)
        }
    }

    func testAccumulationWhereATensorFeedsSeveralOps() throws {
        let plain = Session(), traced = Session()
        for s in [plain, traced] { run(Setups.sharedUse, in: s) }
        run("backward(y)", in: plain)
        let w = try walkthrough("explain backward(y)", in: traced)
        let sums = w.steps.filter { $0.kind == .accumulation }
        XCTAssertFalse(sums.isEmpty, "w is read by three products: its gradients are summed")
        assertBitIdentical(sums.last?.value, try tensor("w", in: plain).grad, "the last sum is grad(w)")
        // ∂/∂w Σ(w² + 3w) = 2w + 3
        assertClose(sums.last?.value, try Tensor(shape: [3], data: [5, -1, 9]), "2w + 3")
        for sum in sums {
            XCTAssertEqual(sum.terms.count, 2)
            if let p = sum.terms.first?.value.toArray(), let q = sum.terms.last?.value.toArray(), let total = sum.value?.toArray() {
                XCTAssertEqual(zip(p, q).map { $0 + $1 }, total, "so far + this node = sum")
            }
        }
    }

    // MARK: Any other expression

    func testPrimitiveStepsOfAUserFunction() throws {
        let s = Session()
        run("f(x) = 1 / (1 + exp(-x)); v = [0.5, -2.0, 3.0]", in: s)
        run("plain = f(v) * 3", in: s)
        let w = try walkthrough("explain f(v) * 3", in: s)
        XCTAssertEqual(w.steps.map(\.name), ["neg", "exp", "add", "div", "mul"])
        XCTAssertEqual(w.steps.map { $0.source ?? "" }, ["-x", "exp(-x)", "(1 + exp(-x))", "1 / (1 + exp(-x))", "f(v) * 3"])
        XCTAssertEqual(w.steps[0].callStack, ["f(v)"])
        XCTAssertEqual(w.steps.map(\.formula), ["−v", "exp(−v)", "1 + exp(−v)", "1/(1 + exp(−v))", "(1/(1 + exp(−v)))·3"])
        assertBitIdentical(w.steps.last?.value, try tensor("plain", in: s), "f(v) * 3")
        guard case .tensor(let value) = w.value else { return XCTFail("value") }
        XCTAssertTrue(value === w.steps.last?.value)
    }
}
