import Foundation
import XCTest
import GlassboxLanguage
import GlassboxTensors
@testable import GlassboxWalkthroughs

/// `--json`: `{"cell": n, "trace": [{"step", "formula", "value"}, …]}` (Docs/WALKTHROUGHS.md, "JSON").
final class TraceJSONTests: XCTestCase {
    func parse(_ line: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try XCTUnwrap(object as? [String: Any])
    }

    func testLSTMTraceRecord() throws {
        let s = Session()
        run(Setups.lstm, in: s)
        let w = try walkthrough("explain lstm_cell(x, h, c, W_ih, W_hh, b_ih, b_hh)", in: s)
        let record = try parse(TraceJSON.line(w, cell: 5))
        XCTAssertEqual(record["cell"] as? Int, 5)
        let trace = try XCTUnwrap(record["trace"] as? [[String: Any]])
        XCTAssertEqual(trace.map { $0["step"] as? String }, ["preact", "i_t", "f_t", "g_t", "o_t", "c_t", "h_t"])
        XCTAssertEqual(trace[1]["formula"] as? String, "σ(x·W_iiᵀ + b_ii + h·W_hiᵀ + b_hi)")
        let value = try XCTUnwrap(trace[6]["value"] as? [String: Any])
        XCTAssertEqual(value["shape"] as? [Int], [2, 4])
        let rows = try XCTUnwrap(value["data"] as? [[Double]])
        let h = try XCTUnwrap(w.step("h_t")?.value).toArray()
        XCTAssertEqual(rows.flatMap { $0 }.map(Float.init), h, "the JSON carries the exact values")
    }

    func testNonFiniteValuesAreStringsAndFormulaOnlyStepsAreNull() throws {
        let s = Session()
        run(Setups.attention, in: s)
        let masked = try parse(TraceJSON.line(try walkthrough("explain attention(Q, K, V, mask=M)", in: s), cell: 1))
        let trace = try XCTUnwrap(masked["trace"] as? [[String: Any]])
        let m = try XCTUnwrap(trace[2]["value"] as? [String: Any])
        let firstRow = try XCTUnwrap((m["data"] as? [[Any]])?.first)
        XCTAssertEqual(firstRow[1] as? String, "-inf")

        run(Setups.sharedUse, in: s)
        let back = try parse(TraceJSON.line(try walkthrough("explain backward(y)", in: s), cell: 2))
        let steps = try XCTUnwrap(back["trace"] as? [[String: Any]])
        let local = try XCTUnwrap(steps.first { $0["step"] as? String == "local" })
        XCTAssertTrue(local["value"] is NSNull)
        XCTAssertTrue(steps.allSatisfy { $0["formula"] is String && $0["step"] is String })
    }

    func testEveryLineOfAWalkIsValidJSON() throws {
        let s = Session()
        run(Setups.training, in: s)
        run("opt = adam(W, b)", in: s)
        let line = TraceJSON.line(try walkthrough("explain step(opt)", in: s), cell: 3)
        XCTAssertFalse(line.contains("\n"))
        let trace = try XCTUnwrap(try parse(line)["trace"] as? [[String: Any]])
        XCTAssertEqual(trace.compactMap { $0["step"] as? String }.prefix(8),
                       ["old_value", "g", "m_t", "v_t", "m_hat", "v_hat", "update", "new_value"])
        XCTAssertEqual(trace.first?["group"] as? String, "step(opt) · Adam · parameter W")
    }
}
