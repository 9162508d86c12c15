import XCTest
import GlassboxLanguage
import GlassboxTensors
@testable import GlassboxWalkthroughs

/// `explain gpt2_generate(…)` on the fixture's tiny GPT-2 (Lessons/models/gpt2.gbx): after the
/// steps, one generation step summed up — the cache at each pass, the newest token's embedding,
/// each block's attention for the newest query per head, the residual stream's size, the logit
/// lens, the top candidates and the choice — each checked against the same quantity computed
/// in the language outside `explain`.
final class GenerationExplainTests: XCTestCase {
    static var root: String {
        var path = Substring(#filePath)
        for _ in 0..<3 { path = path[..<path.lastIndex(of: "/")!] }
        return String(path)
    }

    func gpt2() -> Session {
        let s = Session()
        s.directory = Self.root
        let fixtures = Self.root + "/Tests/GlassboxLanguageTests/Fixtures/gpt2"
        run("""
            include "Lessons/models/gpt2.gbx"
            w = load("\(fixtures)/model.safetensors")
            tok = tokenizer("\(fixtures)/vocab.json", "\(fixtures)/merges.txt")
            ids = encode(tok, "Once upon a time")
            """, in: s)
        return s
    }

    func summary(_ w: Walkthrough) throws -> [String: Step] {
        let g = try XCTUnwrap(w.groups.firstIndex { $0.title == "one generation step, summed up" }, "no summary group")
        var out: [String: Step] = [:]
        for step in w.steps where step.group == g { out[step.name] = step }
        return out
    }

    func testTheGreedyStepSummedUpMatchesTheLanguage() throws {
        let s = gpt2()
        let w = try walkthrough("explain gpt2_generate(w, ids, 2)", in: s)
        let steps = try summary(w)
        run("""
            T = ids.shape[0]
            out = gpt2_generate(w, ids, 2)
            seq = out[0:T + 1]
            L = gpt2_layers(w, gpt2_prefix(w))
            H = gpt2_heads(w, gpt2_prefix(w), 0)
            x0 = reshape(w["transformer.wte.weight"][out[T]] + w["transformer.wpe.weight"][T], 1, -1)
            lens = gpt2_logit_lens(w, seq)
            guesses = argmax(lens, axis=1)
            chances = max(softmax(lens), axis=1)
            last = gpt2(w, seq)[-1]
            """, in: s)
        let T = Int(try tensor("T", in: s).toArray()[0]), L = Int(try tensor("L", in: s).toArray()[0])
        let H = Int(try tensor("H", in: s).toArray()[0])

        // Two passes: the prompt, then one token reading T keys from the cache.
        XCTAssertEqual(try XCTUnwrap(steps["cache"]?.value).toArray(), [Float(T), Float(T + 1)])
        XCTAssertTrue(w.groups.contains { $0.lines.contains { $0.contains("pass 2: 1 new token at position \(T)") } })
        // The newest token's embedding and position.
        assertClose(steps["x₀"]?.value, try tensor("x0", in: s), "x₀", tolerance: 1e-6)
        // Each block: heads × keys, every row a distribution over all T + 1 keys.
        for b in 0..<L {
            let rows = try XCTUnwrap(steps["attention \(b)"]?.value)
            XCTAssertEqual(rows.shape, [H, T + 1])
            let a = rows.toArray()
            for h in 0..<H { XCTAssertEqual(a[(h * (T + 1))..<((h + 1) * (T + 1))].reduce(0, +), 1, accuracy: 1e-5) }
            XCTAssertNotNil(steps["attention \(b)"]?.picture)
        }
        // Two layer norms per block and the final one; the first is x₀'s size.
        let norms = try XCTUnwrap(steps["‖x‖"]?.value).toArray()
        XCTAssertEqual(norms.count, 2 * L + 1)
        let x0 = try tensor("x0", in: s).toArray()
        XCTAssertEqual(norms[0], x0.map { $0 * $0 }.reduce(0, +).squareRoot(), accuracy: 1e-4)
        // The lens: the embeddings' guess, then gpt2_logit_lens's after each block.
        let lens = try XCTUnwrap(steps["lens"]?.value).toArray(), p = try XCTUnwrap(steps["lens p"]?.value).toArray()
        XCTAssertEqual(lens.count, L + 1)
        XCTAssertEqual(Array(lens.dropFirst()), try tensor("guesses", in: s).toArray())
        let chances = try tensor("chances", in: s).toArray()
        for (a, b) in zip(p.dropFirst(), chances) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        // Greedy: the next token is the likeliest, and the one gpt2_generate returned.
        let next = Int(try tensor("out", in: s).toArray()[T + 1])
        XCTAssertEqual(Int(try XCTUnwrap(steps["next"]?.value).toArray()[0]), next)
        XCTAssertEqual(Int(try XCTUnwrap(steps["top ids"]?.value).toArray()[0]), next)
        XCTAssertEqual(Int(lens.last ?? -1), next)
        let last = try tensor("last", in: s).toArray()
        let m = last.max() ?? 0
        let z = last.map { exp(Double($0 - m)) }.reduce(0, +)
        XCTAssertEqual(Double(try XCTUnwrap(steps["top p"]?.value).toArray()[0]), 1 / z, accuracy: 1e-5)

        // With the session's tokenizer (`tok`, the logits' vocabulary) the ids are also shown as text.
        run("nextText = decode(tok, out[T + 1:T + 2])", in: s)
        guard case .string(let nextText)? = s.value(of: "nextText") else { return XCTFail("no text") }
        XCTAssertEqual(steps["next"]?.formula, "the next token: id \(next) \"\(nextText)\"")
        XCTAssertEqual(steps["top ids"]?.note?.components(separatedBy: "\" \"").count, 5, steps["top ids"]?.note ?? "")

        // The terminal draws each block's heads as a heatmap.
        let text = ExplainRenderer(options: RenderOptions(lineWidth: 80)).render(w)
        XCTAssertTrue(text.contains("block 0: rows heads, columns key positions 0…\(T)"), String(text.suffix(2000)))
        XCTAssertTrue(text.contains("scale "), String(text.suffix(2000)))
    }

    func testASampledStepNamesTheDrawAndReplays() throws {
        let s = gpt2()
        run("seed(3)", in: s)
        let w = try walkthrough("explain gpt2_generate(w, ids, 1, temperature=0.8, top_k=5)", in: s)
        let steps = try summary(w)
        XCTAssertNil(steps["cache"], "one pass has no cache to show growing")
        let id = Int(try XCTUnwrap(steps["next"]?.value).toArray()[0])
        XCTAssertTrue(steps["next"]?.note?.hasPrefix("sampled") ?? false, steps["next"]?.note ?? "")
        XCTAssertTrue(w.steps.contains { $0.name == "draw" }, "the sample's own steps are there too")
        run("seed(3); again = gpt2_generate(w, ids, 1, temperature=0.8, top_k=5)", in: s)
        XCTAssertEqual(Int(try tensor("again", in: s).toArray().last ?? -1), id)
    }

    /// Attention alone, or a model without a choice of token, gets no summary.
    func testNoSummaryWithoutATokenChosen() throws {
        let s = Session()
        run(Setups.attention, in: s)
        let w = try walkthrough("explain attention(Q, K, V, mask=M)", in: s)
        XCTAssertFalse(w.groups.contains { $0.title == "one generation step, summed up" })
        let g = gpt2()
        let logits = try walkthrough("explain gpt2(w, ids)", in: g)
        XCTAssertFalse(logits.groups.contains { $0.title == "one generation step, summed up" })
    }
}
