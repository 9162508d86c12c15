import XCTest
@testable import GlassboxLanguage
import GlassboxTensors

final class ExplainTests: XCTestCase {
    let s = Session()

    private func explain(_ text: String) throws -> Explanation {
        let r = s.run(text)
        if let e = r.error { throw e }
        guard case .explanation(let e)? = r.lastValue else { throw XCTSkip("no explanation") }
        return e
    }

    func testEveryOpIsLabelledWithItsSourceText() throws {
        _ = s.run("x = [1, -2]")
        let e = try explain("explain sigmoid(x) * 2 + 1")
        XCTAssertEqual(e.expression, "sigmoid(x) * 2 + 1")
        let ops = e.events.compactMap { ev -> String? in
            if case .op(let op) = ev.event { return "\(op.op): \(ev.text)" }
            return nil
        }
        XCTAssertEqual(ops, ["sigmoid: sigmoid(x)", "mul: sigmoid(x) * 2", "add: sigmoid(x) * 2 + 1"])
        guard case .tensor(let v) = e.value else { return XCTFail("value") }
        XCTAssertEqual(v.shape, [2])
        XCTAssertNil(Trace.listener, "the listener is removed afterwards")
    }

    func testOpsInsideUserFunctionsCarryTheirBodyTextAndCallSite() throws {
        _ = s.run("f(x) = 1 / (1 + exp(-x))", name: "In [1]")
        let e = try explain("explain f(0) * 3")
        let labelled = e.events.compactMap { ev -> String? in
            if case .op(let op) = ev.event { return "\(op.op): \(ev.text) \(ev.callStack) \(ev.source.name)" }
            return nil
        }
        XCTAssertEqual(labelled, [
            "neg: -x [\"f(0)\"] In [1]",
            "exp: exp(-x) [\"f(0)\"] In [1]",
            "add: (1 + exp(-x)) [\"f(0)\"] In [1]",
            "div: 1 / (1 + exp(-x)) [\"f(0)\"] In [1]",
            "mul: f(0) * 3 [] <input>",
        ])
    }

    func testBackwardIsRecorded() throws {
        _ = s.run("w = param([1, 2]); y = sum(w * w)")
        let e = try explain("explain backward(y)")
        XCTAssertTrue(e.events.contains { if case .backwardStart = $0.event { return true } else { return false } })
        let nodes = e.events.compactMap { ev -> String? in
            if case .backward(let b) = ev.event { return b.op.name }
            return nil
        }
        XCTAssertEqual(nodes, ["sum", "mul"])
        XCTAssertEqual(show("w.grad", in: s), "2-element\n[2, 4]")
    }

    func testAnErrorInsideExplainRemovesTheListener() {
        XCTAssertNotNil(s.run("explain zeros(2) @ ones(3)").error)
        XCTAssertNil(Trace.listener)
    }
}
