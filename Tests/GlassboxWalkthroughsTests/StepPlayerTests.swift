import XCTest
import GlassboxLanguage
@testable import GlassboxWalkthroughs

/// `:step on`: Enter shows the next step, `c` the rest, `q` stops.
final class StepPlayerTests: XCTestCase {
    func play(_ replies: [String?]) -> (shown: [String], asked: Int, finished: Bool) {
        var shown: [String] = [], asked = 0
        var replies = replies
        let finished = StepPlayer.play(["a", "b", "c", "d"], write: { shown.append($0) }, ask: { index, count in
            XCTAssertEqual(index, asked)
            XCTAssertEqual(count, 4)
            asked += 1
            return StepDecision(reply: replies.isEmpty ? nil : replies.removeFirst())
        })
        return (shown, asked, finished)
    }

    func testEnterShowsOneStepAtATime() {
        let r = play(["", "", ""])
        XCTAssertEqual(r.shown, ["a", "b", "c", "d"])
        XCTAssertEqual(r.asked, 3, "no pause after the last step")
        XCTAssertTrue(r.finished)
    }

    func testContinueRunsToTheEnd() {
        let r = play(["", "c"])
        XCTAssertEqual(r.shown, ["a", "b", "c", "d"])
        XCTAssertEqual(r.asked, 2)
    }

    func testQuitStops() {
        let r = play(["q"])
        XCTAssertEqual(r.shown, ["a"])
        XCTAssertFalse(r.finished)
        XCTAssertEqual(play([nil]).shown, ["a"], "end of input stops")
    }

    func testWithoutAPauseEverythingIsShown() {
        var shown: [String] = []
        StepPlayer.play(["a", "b"], write: { shown.append($0) }, ask: nil)
        XCTAssertEqual(shown, ["a", "b"])
    }

    func testRepliesAreReadLeniently() {
        XCTAssertEqual(StepDecision(reply: " C "), .runToEnd)
        XCTAssertEqual(StepDecision(reply: "quit"), .stop)
        XCTAssertEqual(StepDecision(reply: "x"), .next)
    }

    func testUnitsGroupABackwardNode() throws {
        let s = GlassboxLanguage.Session()
        run(Setups.sharedUse, in: s)
        let w = try walkthrough("explain backward(y)", in: s)
        // The seed, one unit per node, then the gradients of the leaves.
        let nodes = Set(w.steps.filter { $0.kind == .upstream }.compactMap(\.group)).count
        XCTAssertEqual(w.units.count, 1 + nodes + 1)
        XCTAssertEqual(w.units.map(\.count).reduce(0, +), w.steps.count)
    }
}
