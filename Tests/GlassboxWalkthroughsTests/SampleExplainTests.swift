import XCTest
import GlassboxLanguage
import GlassboxTensors
@testable import GlassboxWalkthroughs

/// `explain sample(…)`: each stage of the sampler's own distribution and the draw, which lands in
/// its id's bucket of the cumulative distribution and replays from the seed.
final class SampleExplainTests: XCTestCase {
    func testStagesAndTheDrawReplayFromTheSeed() throws {
        let s = Session()
        run("logits = [2.0, -1.0, 0.5, 3.0, 1.0, -2.0]", in: s)
        run("seed(7)", in: s)
        let w = try walkthrough("explain sample(logits, temperature=0.7, top_k=4, top_p=0.8)", in: s)
        let steps = w.steps.filter { $0.number != nil }
        XCTAssertEqual(steps.map(\.name), ["softmax", "scaled", "top_k", "top_p", "cumulative", "draw"])
        // top-k keeps four ids; top-p then fewer, renormalized to 1.
        let afterK = try XCTUnwrap(steps[2].value).toArray()
        XCTAssertEqual(afterK.filter { $0 > 0 }.count, 4)
        let p = try XCTUnwrap(steps[3].value).toArray()
        XCTAssertEqual(p.reduce(0, +), 1, accuracy: 1e-6)
        XCTAssertLessThan(p.filter { $0 > 0 }.count, 4)
        // The scaled logits are logits / T.
        XCTAssertEqual(try XCTUnwrap(steps[1].value).toArray()[3], 3.0 / 0.7, accuracy: 1e-6)
        // The draw: u in [c_{id−1}, c_id), and the same id as an unexplained draw after the same seed.
        let id = Int(try XCTUnwrap(steps[5].value).toArray()[0])
        let c = try XCTUnwrap(steps[4].value).toArray()
        let formula = steps[5].formula
        let u = try XCTUnwrap(Float(formula.dropFirst(4).prefix { $0 != " " }), formula)
        XCTAssertGreaterThanOrEqual(u + 1e-4, id > 0 ? c[id - 1] : 0, formula)
        XCTAssertLessThan(u - 1e-4, c[id], formula)
        run("seed(7)", in: s)
        let again = try XCTUnwrap(s.run("sample(logits, temperature=0.7, top_k=4, top_p=0.8)").lastValue)
        XCTAssertEqual(s.format(again), "\(id)")
    }

    func testTemperatureZeroIsTheArgmax() throws {
        let s = Session()
        let w = try walkthrough("explain sample([1, 5, 2], temperature=0)", in: s)
        XCTAssertEqual(w.steps.filter { $0.number != nil }.map(\.name), ["argmax"])
    }
}
