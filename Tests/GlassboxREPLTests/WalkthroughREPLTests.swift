import Foundation
import XCTest
import GlassboxLanguage
@testable import GlassboxREPL

/// explain, pictures, `:step` and `:walk` as the REPL shows them (REPL+Walkthroughs.swift).
final class WalkthroughREPLTests: XCTestCase {
    func session(_ lines: [String], presentation: REPL.Presentation = .notebook) -> Harness {
        Harness(lines.map { .line($0) } + [.endOfInput], presentation: presentation)
    }

    func testExplainShowsTheWalkthroughInsteadOfOut() {
        let h = session(["x = [1, -2]", "explain sigmoid(x) * 2 + 1"])
        let text = h.run()
        XCTAssertTrue(text.contains("explain sigmoid(x) * 2 + 1 · 3 steps"), text)
        XCTAssertTrue(text.contains("[1] sigmoid  σ(x)"), text)
        XCTAssertTrue(text.contains("[3] add      σ(x)·2 + 1"), text)
        XCTAssertFalse(text.contains("Out[2]"), "a walkthrough is shown, not an Out value")
    }

    func testStepModePausesAfterEachStep() {
        let h = session([":step on", "x = [1, -2]", "explain sigmoid(x) * 2 + 1", "", "q", "1 + 1"])
        let text = h.run()
        XCTAssertTrue(text.contains("Step mode is on"))
        XCTAssertTrue(text.contains("step 1/3 · Enter: next · c: continue · q: stop"), text)
        XCTAssertTrue(text.contains("[2] mul"), "Enter showed the second step")
        XCTAssertFalse(text.contains("[3] add"), "q stopped before the third")
        XCTAssertTrue(text.contains("Out[3]: 2"), "the notebook goes on: " + text)
    }

    func testContinueShowsTheRestWithoutPausing() {
        let h = session([":step on", "x = [1, -2]", "explain sigmoid(x) * 2 + 1", "c", ":step off", "explain exp(x)"])
        let text = h.run()
        XCTAssertTrue(text.contains("[3] add"))
        XCTAssertEqual(text.components(separatedBy: "Enter: next").count - 1, 1, "one pause, then c")
        XCTAssertTrue(text.contains("Step mode is off"))
    }

    func testStepRejectsOtherArguments() {
        let h = session([":step maybe"])
        XCTAssertTrue(h.run().contains("`:step` takes `on` or `off`, got `maybe`"))
    }

    func testWalkListsAndRunsAGuidedWalkthrough() {
        let h = session([":walk", ":walk forward", "", "", "q", "x"])
        let text = h.run()
        XCTAssertTrue(text.contains("Guided walkthroughs (:walk NAME):"))
        XCTAssertTrue(text.contains("attention  self-attention with a causal mask"))
        XCTAssertTrue(text.contains("── :walk forward"))
        XCTAssertTrue(text.contains("A 2-layer perceptron"))
        XCTAssertTrue(text.contains("» seed(0)"))
        XCTAssertTrue(text.contains("explain relu(x @ W1' + b1) @ W2' + b2"))
        XCTAssertFalse(text.contains("The hidden layer on its own"), "q stopped the walk")
        XCTAssertTrue(text.contains("error: unknown name `x`"), "the walk ran in its own session")
    }

    func testWalkSuggestsANameItKnows() {
        let h = session([":walk atention"])
        XCTAssertTrue(h.run().contains("no walkthrough called `atention`; did you mean `attention`?"))
    }

    func testPlotsAreDrawnInScripts() {
        let h = Harness([.line("plot([0, 1, 4, 9])"), .line("heatmap([[0, 1], [2, 3]])"), .endOfInput],
                        presentation: .script(fileName: nil), echo: false)
        let text = h.run()
        XCTAssertTrue(text.contains("┌"), text)
        XCTAssertTrue(text.contains("scale ░░ 0"), text)
    }

    func testJSONPrintsTheTraceRecord() throws {
        let h = Harness([.line("x = [1, -2]"), .line("explain sigmoid(x) * 2"), .endOfInput], presentation: .json, echo: false)
        let text = h.run()
        let line = try XCTUnwrap(text.split(separator: "\n").first { $0.contains("\"trace\"") })
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        XCTAssertEqual(object["cell"] as? Int, 2)
        let trace = try XCTUnwrap(object["trace"] as? [[String: Any]])
        XCTAssertEqual(trace.map { $0["step"] as? String }, ["sigmoid", "mul"])
        XCTAssertEqual(trace.map { $0["formula"] as? String }, ["σ(x)", "σ(x)·2"])
        XCTAssertEqual((trace[1]["value"] as? [String: Any])?["shape"] as? [Int], [2])
    }

    func testUnicodeFollowsTheLocale() {
        XCTAssertTrue(Terminal.prefersUnicode(environment: [:]), "no locale: assume a UTF-8 terminal")
        XCTAssertTrue(Terminal.prefersUnicode(environment: ["LANG": "en_GB.UTF-8"]))
        XCTAssertTrue(Terminal.prefersUnicode(environment: ["LC_ALL": "C.utf8", "LANG": "C"]))
        XCTAssertFalse(Terminal.prefersUnicode(environment: ["LANG": "C"]))
        XCTAssertFalse(Terminal.prefersUnicode(environment: ["LC_CTYPE": "de_DE.ISO-8859-1"]))
        XCTAssertFalse(Terminal.prefersUnicode(environment: ["LANG": "en_US.UTF-8", "TERM": "linux"]))
        XCTAssertFalse(Terminal.prefersUnicode(environment: ["LANG": "en_US.UTF-8", "GLASSBOX_ASCII": "1"]))
    }
}
