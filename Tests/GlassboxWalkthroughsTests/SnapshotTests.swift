import XCTest
import GlassboxLanguage
import GlassboxTensors
@testable import GlassboxWalkthroughs

/// What `explain` shows for each named walkthrough, kept in `Snapshots/` (record with
/// `GLASSBOX_RECORD_SNAPSHOTS=1`; see Snapshot.swift).
final class SnapshotTests: XCTestCase {
    let options = RenderOptions(precision: 4, lineWidth: 80, unicode: true, colour: false)

    func explained(_ setup: String, _ statement: String) throws -> String {
        let s = Session()
        run(setup, in: s)
        return ExplainRenderer(options: options).render(try walkthrough(statement, in: s))
    }

    func testLSTMCell() throws {
        Snapshot.assert(try explained(Setups.lstm, "explain lstm_cell(x, h, c, W_ih, W_hh, b_ih, b_hh)"), named: "lstm_cell")
    }

    func testRNNCell() throws {
        Snapshot.assert(try explained(Setups.rnn, "explain rnn_cell(x, h, W_ih, W_hh, b_ih, b_hh)"), named: "rnn_cell")
    }

    func testAttention() throws {
        Snapshot.assert(try explained(Setups.attention, "explain attention(Q, K, V, mask=M)"), named: "attention_masked")
        Snapshot.assert(try explained(Setups.attention, "explain attention(Q, K, V)"), named: "attention")
    }

    func testLayerNorm() throws {
        Snapshot.assert(try explained(Setups.layerNorm, "explain layer_norm(x, gamma, beta)"), named: "layer_norm")
    }

    func testAdamStep() throws {
        Snapshot.assert(try explained(Setups.training + "\nopt = adam(W, b, lr=0.1)", "explain step(opt)"), named: "step_adam")
    }

    func testSGDStep() throws {
        Snapshot.assert(try explained(Setups.training + "\nopt = sgd(W, b, lr=0.1, momentum=0.9)", "explain step(opt)"),
                        named: "step_sgd")
    }

    func testBackward() throws {
        let setup = Setups.training.replacingOccurrences(of: "backward(loss)", with: "")
        Snapshot.assert(try explained(setup, "explain backward(loss)"), named: "backward_mse")
        Snapshot.assert(try explained(Setups.sharedUse, "explain backward(y)"), named: "backward_accumulation")
    }

    func testConv2dAtOnePosition() throws {
        let setup = "x = reshape(arange(2 * 3 * 5 * 5), 2, 3, 5, 5) / 10; W = reshape(arange(2 * 3 * 3 * 3), 2, 3, 3, 3) / 50 - 0.5; b = [0.25, -1]"
        Snapshot.assert(try explained(setup, "explain conv2d(x, W, b, stride=2, padding=1)"), named: "conv2d")
        Snapshot.assert(try explained("x = reshape(arange(1 * 4 * 4 * 4), 1, 4, 4, 4) / 10; W = ones(4, 1, 3, 3) / 9",
                                      "explain conv2d(x, W, padding=1, groups=4)"), named: "conv2d_depthwise")
        // The sum of the shown products is the output at the shown position.
        let s = Session()
        run(setup, in: s)
        let w = try walkthrough("explain conv2d(x, W, b, stride=2, padding=1)", in: s)
        let sum = try XCTUnwrap(w.steps.first { $0.name == "sum" }?.value?.scalarValue)
        let y = try XCTUnwrap(w.steps.first { $0.name == "output" }?.value)
        XCTAssertEqual(y.shape, [2, 2, 3, 3])
        XCTAssertEqual(sum, try y.element(at: [0, 0, 1, 1]), accuracy: 1e-5)
    }

    func testBatchNorm() throws {
        let setup = "x = reshape([1, 2, 3, 4, 8, 6, 4, 2, 0, 1, 0, 1, 5, 5, 5, 9], 2, 2, 2, 2); rm = zeros(2); rv = ones(2)"
        Snapshot.assert(try explained(setup, "explain batch_norm(x, rm, rv, [1, 2], [0, 0.5], training=true)"), named: "batch_norm_training")
        Snapshot.assert(try explained(setup, "explain batch_norm(x, rm, rv, [1, 2], [0, 0.5])"), named: "batch_norm_eval")
    }

    func testCrossEntropy() throws {
        Snapshot.assert(try explained("logits = [[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]]; labels = [0, 2]",
                                      "explain cross_entropy(logits, labels)"), named: "cross_entropy")
    }

    func testExpressionWithAUserFunction() throws {
        Snapshot.assert(try explained("f(x) = 1 / (1 + exp(-x)); v = [0.5, -2.0, 3.0]", "explain f(v) * 3 + sum(v ^ 2)"),
                        named: "user_function")
    }

    func testLargeTensorsAreSummarized() throws {
        Snapshot.assert(try explained("seed(12); A = randn(20, 30)", "explain tanh(A) @ ones(30, 2)"), named: "large_tensor")
    }

    func testASCIIForTerminalsThatAreNotUTF8() throws {
        let s = Session()
        run(Setups.lstm, in: s)
        var o = options
        o.unicode = false
        let text = ExplainRenderer(options: o).render(try walkthrough("explain lstm_cell(x, h, c, W_ih, W_hh, b_ih, b_hh)", in: s))
        XCTAssertTrue(text.unicodeScalars.allSatisfy(\.isASCII), "ASCII only")
        Snapshot.assert(text, named: "lstm_cell_ascii")
    }

    // MARK: Guided walks

    func testGuidedWalks() {
        for walk in GuidedWalks.all {
            let (blocks, ok) = WalkRunner(options: options).run(walk)
            XCTAssertTrue(ok, "every cell of :walk \(walk.name) runs")
            Snapshot.assert(blocks.map(\.text).joined(separator: "\n"), named: "walk_\(walk.name)")
        }
    }
}
