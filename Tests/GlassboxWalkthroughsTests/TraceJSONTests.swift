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

    /// A step's tensor past `traceStepValueLimit` values, or past the trace's budget, is summed
    /// up instead of written out: shape, count, min, max, mean, and `"data": null`.
    func testLargeValuesAreSummedUp() throws {
        let s = Session()
        run("big = reshape(arange(70000), 7, 10000); small = [1.0, 2.0]", in: s)
        let record = try parse(TraceJSON.line(try walkthrough("explain sum(big * 2) + sum(small * 2)", in: s), cell: 1))
        let trace = try XCTUnwrap(record["trace"] as? [[String: Any]])
        let doubled = try XCTUnwrap(trace.first { ($0["formula"] as? String)?.contains("big") == true }?["value"] as? [String: Any])
        XCTAssertEqual(doubled["shape"] as? [Int], [7, 10000])
        XCTAssertTrue(doubled["data"] is NSNull, "\(doubled)")
        XCTAssertEqual(doubled["count"] as? Int, 70000)
        XCTAssertEqual(doubled["min"] as? Double, 0)
        XCTAssertEqual(doubled["max"] as? Double, 139998)
        XCTAssertEqual(try XCTUnwrap(doubled["mean"] as? Double), 69999, accuracy: 1e-6)
        // Small tensors in the same trace are still written out.
        let last = try XCTUnwrap(trace.last?["value"] as? [String: Any])
        XCTAssertNotNil(last["data"] as? Double, "\(last)")
        // The whole trace's budget: 20 steps of 65536 values each write out only the first 16.
        run("m = ones(256, 256)", in: s)
        let many = try parse(TraceJSON.line(try walkthrough("explain { y = m; for i in 1...20 { y = y + 1 }; y }", in: s), cell: 2))
        let steps = try XCTUnwrap(many["trace"] as? [[String: Any]])
        let written = steps.filter { (($0["value"] as? [String: Any])?["data"] as? [Any]) != nil }.count
        XCTAssertEqual(written, JSON.traceValueBudget / (256 * 256))
        XCTAssertEqual(steps.count, 20)
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
