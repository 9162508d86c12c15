import XCTest
@testable import GlassboxLanguage
@testable import GlassboxTensors

/// Deferred convolutions seen from the language: a session variable and a shown value always
/// hold computed values, a function's chain of conv → batch_norm → relu6 gives the values of the
/// ops one by one, and a dropped value is still computed.
final class DeferralLanguageTests: XCTestCase {
    override func setUp() { Deferral.isEnabled = true; Interrupt.clear(); Trace.listener = nil }
    override func tearDown() { Deferral.isEnabled = true }

    let program = """
        seed(3); x = rand(2, 4, 6, 5); W = rand(8, 4, 1, 1) - 0.5; D = rand(8, 1, 3, 3) - 0.5
        m = rand(8); v = rand(8) + 0.5; g = rand(8); b = rand(8)
        block(x) = {
          y = conv2d(x, W)
          h = relu6(batch_norm(y, m, v, g, b))
          batch_norm(conv2d(h, D, padding=1, groups=8), m, v, g, b) + h
        }
        out = block(x)
        """

    func run(_ text: String, in s: Session) throws {
        if let e = s.run(text).error { XCTFail(e.message); throw e }
    }

    func testSessionVariablesHoldComputedValuesEqualToTheOpsOneByOne() throws {
        Deferral.isEnabled = false
        let plain = Session()
        try run(program, in: plain)
        guard case .tensor(let expected)? = plain.value(of: "out") else { return XCTFail("out") }
        Deferral.isEnabled = true
        let fused = Session()
        try run(program, in: fused)
        guard case .tensor(let out)? = fused.value(of: "out") else { return XCTFail("out") }
        XCTAssertNil(out.storage.deferred, "a session variable is computed before it is stored")
        XCTAssertFalse(Deferral.hasPending)
        XCTAssertEqual(out.toArray().map(\.bitPattern), expected.toArray().map(\.bitPattern))
    }

    func testADroppedValueAndAShownValueAreComputed() throws {
        let s = Session()
        try run(program, in: s)
        // The last value of a loop body is dropped unread: still computed (so `:time` times it).
        try run("for i in 1...2 { relu6(conv2d(x, W)) }", in: s)
        XCTAssertFalse(Deferral.hasPending)
        let shown = s.run("relu6(conv2d(x, W))")
        XCTAssertNil(shown.error)
        guard case .tensor(let t)? = shown.statements.last?.value else { return XCTFail("a value") }
        XCTAssertNil(t.storage.deferred)
    }
}
