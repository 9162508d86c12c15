import XCTest
import GlassboxLanguage
@testable import GlassboxWalkthroughs

/// `:walk`: the seven guided walkthroughs run, each on the explain engine.
final class GuidedWalkTests: XCTestCase {
    func testTheWalksTheIssueAsksFor() {
        XCTAssertEqual(GuidedWalks.all.map(\.name), ["forward", "backward", "gd", "adam", "rnn", "lstm", "attention", "mobilenet"])
        XCTAssertEqual(GuidedWalks.named("att")?.name, "attention")
        XCTAssertEqual(GuidedWalks.named("GD")?.name, "gd")
        XCTAssertNil(GuidedWalks.named("a"), "ambiguous: adam, attention")
        XCTAssertNil(GuidedWalks.named("transformer"))
        XCTAssertTrue(GuidedWalks.list().contains("lstm"))
    }

    func testEveryWalkRunsWithoutErrorAndExplainsSomething() {
        let expected: [String: [String]] = [
            "forward": ["[7] add"],
            "backward": ["── node 1 · mean", "∂loss/∂W1"],
            "gd": ["velocity", "loss, α = 0.105: diverges", "┌"],
            "adam": ["m_hat", "v_hat", "uncorrected ÷ corrected"],
            "rnn": ["h_t", "hidden state h_t"],
            "lstm": ["f_t", "c_t", "h_t"],
            "attention": ["masked", "weights", "rows: queries, columns: keys"],
        ]
        for walk in GuidedWalks.all {
            let (blocks, ok) = WalkRunner().run(walk)
            XCTAssertTrue(ok, walk.name)
            let text = blocks.map(\.text).joined(separator: "\n")
            XCTAssertFalse(text.contains("error:"), walk.name)
            XCTAssertTrue(text.contains("explain ") || text.contains("┌"), walk.name)
            for marker in expected[walk.name] ?? [] {
                XCTAssertTrue(text.contains(marker), "\(walk.name) shows \(marker)")
            }
            XCTAssertEqual(blocks.first?.kind, .page)
        }
    }

    func testAWalkDoesNotTouchTheLearnersSession() {
        // Each walk runs in its own session: nothing to pass in, nothing leaks out.
        let (blocks, _) = WalkRunner().run(GuidedWalks.forward)
        XCTAssertGreaterThan(blocks.count, GuidedWalks.forward.pages.count)
    }

    func testASCIIWalk() {
        let (blocks, ok) = WalkRunner(options: RenderOptions(unicode: false)).run(GuidedWalks.attention)
        XCTAssertTrue(ok)
        let text = blocks.map(\.text).joined(separator: "\n")
        XCTAssertTrue(text.unicodeScalars.allSatisfy(\.isASCII), String(text.unicodeScalars.filter { !$0.isASCII }.prefix(10)))
    }
}
