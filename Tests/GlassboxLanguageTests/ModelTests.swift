import XCTest
@testable import GlassboxLanguage
import GlassboxTensors

/// The two applications, `Lessons/models/mobilenet_v2.gbx` and `Lessons/models/gpt2.gbx`, run in
/// the language and checked against the values PyTorch and Transformers computed for the same
/// weights (the fixture scripts beside `Fixtures/mobilenet_v2` and `Fixtures/gpt2`).
final class ModelTests: XCTestCase {
    /// The repository's root: this file is Tests/GlassboxLanguageTests/ModelTests.swift.
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()
    static let fixtures = root + "/Tests/GlassboxLanguageTests/Fixtures"

    /// A session with `model` included and `lines` run; fails the test on an error.
    func session(including model: String, _ lines: String, file: StaticString = #filePath, line: UInt = #line) -> Session {
        let s = Session()
        s.directory = Self.root
        let result = s.run("include \"Lessons/models/\(model)\"\n" + lines)
        if let e = result.error { XCTFail("setup failed: \(e.message) (line \(e.line))", file: file, line: line) }
        return s
    }

    /// The number `expression` gives in `s`, or nil (and a failure) when it fails.
    func number(_ expression: String, in s: Session, file: StaticString = #filePath, line: UInt = #line) -> Double? {
        let result = s.run(expression)
        if let e = result.error { XCTFail("\(expression): \(e.message)", file: file, line: line); return nil }
        guard case .tensor(let t)? = result.statements.last?.value, t.count == 1 else {
            XCTFail("\(expression) gave no number", file: file, line: line); return nil
        }
        return t.scalarValue.map(Double.init)
    }

    // MARK: MobileNetV2

    func mobileNet() -> Session {
        session(including: "mobilenet_v2.gbx", """
            w = load("\(Self.fixtures)/mobilenet_v2/weights.safetensors")
            e = load("\(Self.fixtures)/mobilenet_v2/expected.safetensors")
            x = e["x"]
            """)
    }

    func testMobileNetV2LogitsMatchPyTorch() throws {
        let s = mobileNet()
        XCTAssertEqual(number("mobilenet_v2_depth(w)", in: s), 17)
        let logits = s.run("logits = mobilenet_v2(w, x); logits.shape")
        XCTAssertNil(logits.error?.message)
        XCTAssertEqual(number("numel(logits) == 20", in: s), 1, "2 images × 10 classes")
        let diff = try XCTUnwrap(number("max(abs(logits - e[\"logits\"]))", in: s))
        XCTAssertLessThan(diff, 1e-4)
        XCTAssertEqual(number("all(argmax(logits, axis=1) == argmax(e[\"logits\"], axis=1))", in: s), 1)
    }

    func testMobileNetV2FeatureMapsMatchPyTorch() throws {
        let s = mobileNet()
        let stages = [
            ("features.0", "h0 = mobilenet_v2_conv_bn_relu6(w, \"features.0\", x, stride=2)"),
            ("features.1", "h1 = mobilenet_v2_block(w, \"features.1\", h0, 1)"),
            ("features.2", "h2 = mobilenet_v2_block(w, \"features.2\", h1, 2)"),
            ("features.3", "h3 = mobilenet_v2_block(w, \"features.3\", h2, 1)"),
        ]
        for (i, (key, code)) in stages.enumerated() {
            XCTAssertNil(s.run(code).error?.message, code)
            let diff = try XCTUnwrap(number("max(abs(h\(i) - e[\"\(key)\"]))", in: s))
            XCTAssertLessThan(diff, 1e-4, key)
        }
        // features.3 keeps its shape, so it adds its input: the residual path is exercised.
        XCTAssertEqual(number("all(h3.shape == h2.shape)", in: s), 1)
        // After 17 blocks float32 rounding alone moves the head's values by about 1e-4 (PyTorch's own
        // float32 run differs from its float64 run by 1.3e-4 there), so the head is held to 1e-4 of
        // its largest value (6, the ReLU6 bound) rather than absolutely.
        let head = try XCTUnwrap(number("max(abs(mobilenet_v2_features(w, x) - e[\"features.18\"])) / max(abs(e[\"features.18\"]))", in: s))
        XCTAssertLessThan(head, 1e-4)
    }

    // MARK: GPT-2

    func gpt2() -> Session {
        session(including: "gpt2.gbx", """
            w = load("\(Self.fixtures)/gpt2/model.safetensors")
            hub = load("\(Self.fixtures)/gpt2/hub.safetensors")
            e = load("\(Self.fixtures)/gpt2/expected.safetensors")
            tok = tokenizer("\(Self.fixtures)/gpt2/vocab.json", "\(Self.fixtures)/gpt2/merges.txt")
            """)
    }

    static let prompts = [
        "First Citizen:\nBefore we proceed",
        "Once upon a time in a faraway land",
        "  What's this?\tI'll know't —  café 😀",
    ]

    func testGPT2LogitsMatchTransformersInBothLayouts() throws {
        let s = gpt2()
        for i in Self.prompts.indices {
            let model = try XCTUnwrap(number("max(abs(gpt2(w, e[\"ids.\(i)\"]) - e[\"logits.\(i)\"]))", in: s))
            XCTAssertLessThan(model, 1e-4, "GPT2LMHeadModel layout, prompt \(i)")
            let hub = try XCTUnwrap(number("max(abs(gpt2(hub, e[\"ids.\(i)\"], n_head=4) - e[\"hub.logits.\(i)\"]))", in: s))
            XCTAssertLessThan(hub, 1e-4, "hub layout, prompt \(i)")
        }
    }

    func testGPT2TokenizerGivesTransformersIds() throws {
        let s = gpt2()
        for (i, prompt) in Self.prompts.enumerated() {
            let literal = prompt.replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\t", with: "\\t")
            s.run("p = \"\(literal)\"")
            XCTAssertEqual(number("ids = encode(tok, p); ids.shape[0] == e[\"ids.\(i)\"].shape[0] and all(ids == e[\"ids.\(i)\"])", in: s), 1, prompt)
            XCTAssertEqual(number("decode(tok, ids) == p", in: s), 1, prompt)
        }
    }

    func testGPT2GreedyContinuationsMatchTransformersTokenForToken() throws {
        let s = gpt2()
        for i in Self.prompts.indices {
            s.run("ids = e[\"ids.\(i)\"]; out = gpt2_generate(w, ids, 12)")
            XCTAssertEqual(number("all(out[ids.shape[0]:] == e[\"greedy.\(i)\"])", in: s), 1, "prompt \(i)")
        }
    }

    /// The key/value cache changes nothing: the logits of every step of a cached generation equal
    /// those of the whole sequence run at once.
    func testGPT2CachedStepsEqualTheUncachedLogits() throws {
        let s = gpt2()
        XCTAssertNil(s.run("""
            ids = e["ids.1"]
            full = gpt2(w, concat(ids, e["greedy.1"]))
            p = gpt2_prefix(w); H = gpt2_heads(w, p, 0); K = gpt2_cache(w, p, H); V = K
            logits, K, V = gpt2_step(w, p, ids, K, V, H)
            worst = max(abs(logits - full[0:ids.shape[0]]))
            for i in 0..<12 {
              t = ids.shape[0] + i
              step, K, V = gpt2_step(w, p, e["greedy.1"][i:i + 1], K, V, H)
              worst = maximum(worst, max(abs(step[0] - full[t])))
            }
            """).error?.message)
        XCTAssertLessThan(try XCTUnwrap(number("worst", in: s)), 1e-5)
        XCTAssertEqual(number("K.shape[2]", in: s), Double(18 + 12))
    }

    /// The logit lens: one row per block, and the last row is the model's own last logits.
    func testGPT2LogitLensEndsAtTheModelsLogits() throws {
        let s = gpt2()
        s.run("ids = e[\"ids.0\"]; lens = gpt2_logit_lens(w, ids); full = gpt2(w, ids)")
        let rows = try XCTUnwrap(number("lens.shape[0]", in: s)), layers = try XCTUnwrap(number("gpt2_layers(w, gpt2_prefix(w))", in: s))
        XCTAssertEqual(rows, layers)
        XCTAssertEqual(try XCTUnwrap(number("lens.shape[1]", in: s)), try XCTUnwrap(number("full.shape[1]", in: s)))
        let gap = try XCTUnwrap(number("max(abs(lens[-1] - full[-1]))", in: s))
        XCTAssertLessThan(gap, 1e-5)
        // An earlier block's guess is a different distribution (the lens shows something).
        XCTAssertGreaterThan(try XCTUnwrap(number("max(abs(lens[0] - full[-1]))", in: s)), 1e-3)
    }

    func testGPT2SampledGenerationReplaysFromTheSeed() throws {
        let s = gpt2()
        XCTAssertNil(s.run("""
            ids = e["ids.1"]
            seed(7); a = gpt2_generate(w, ids, 8, temperature=0.9, top_k=20, top_p=0.95)
            seed(7); b = gpt2_generate(w, ids, 8, temperature=0.9, top_k=20, top_p=0.95)
            """).error?.message)
        XCTAssertEqual(number("all(a == b) and a.shape[0] == ids.shape[0] + 8", in: s), 1)
        XCTAssertEqual(number("all(a[0:ids.shape[0]] == ids)", in: s), 1)
    }
}
