import XCTest
import GlassboxLanguage
import GlassboxTensors
@testable import GlassboxWalkthroughs

/// `explain encode(tok, text)` with the fixture's byte-level BPE: the pieces GPT-2's pattern
/// gives, each merge with its rank in merges.txt, and the same ids `encode` returns unexplained.
final class EncodeExplainTests: XCTestCase {
    static var fixtures: String {
        var path = Substring(#filePath)
        for _ in 0..<2 { path = path[..<path.lastIndex(of: "/")!] }
        return String(path) + "/GlassboxLanguageTests/Fixtures/gpt2"
    }

    func testPiecesMergesWithRanksAndIds() throws {
        let s = Session()
        run("tok = tokenizer(\"\(Self.fixtures)/vocab.json\", \"\(Self.fixtures)/merges.txt\")", in: s)
        let text = "Hello world, it's 2026!\\n\\tnaïve 日本"
        let w = try walkthrough("explain encode(tok, \"\(text)\")", in: s)
        let steps = w.steps.filter { $0.number != nil }
        XCTAssertEqual(steps.first?.name, "pieces")
        XCTAssertTrue(steps.first?.formula.hasPrefix("pre-tokenized: \"Hello\" \" world\" \",\" \" it\" \"'s\" \" 2026\" \"!\" \"\\n\" \"\\t\" \"naïve\" \" 日本\"") ?? false,
                      steps.first?.formula ?? "")
        // (GPT-2's `\\s+(?!\\S)` leaves the tab before a letter to a piece of its own.)
        // The ranks are merges.txt's line numbers, counting from 0 after the #version line.
        let lines = try String(contentsOfFile: Self.fixtures + "/merges.txt", encoding: .utf8).split(separator: "\n").dropFirst()
        let rank = try XCTUnwrap(lines.firstIndex(of: "Ġ w")) - 1
        let world = try XCTUnwrap(steps.first { $0.name == "piece 1" })
        XCTAssertTrue(world.formula.contains("Ġ + w → Ġw (rank \(rank))"), world.formula)
        // Every merge in a piece has a rank no lower than the one before it.
        for step in steps where step.name.hasPrefix("piece ") {
            let ranks = step.formula.split(separator: "(rank ").dropFirst().compactMap { Int($0.prefix { $0.isNumber }) }
            XCTAssertEqual(ranks, ranks.sorted(), step.formula)
        }
        // The last step holds the ids, equal to encode's outside explain.
        let ids = try XCTUnwrap(steps.last?.value).toArray()
        XCTAssertEqual(steps.last?.name, "ids")
        guard case .tensor(let plain)? = s.run("encode(tok, \"\(text)\")").lastValue else { return XCTFail("no ids") }
        XCTAssertEqual(ids, plain.toArray())
        XCTAssertEqual(steps.count, 1 + (steps.filter { $0.name.hasPrefix("piece ") }.count) + 1)
    }
}
