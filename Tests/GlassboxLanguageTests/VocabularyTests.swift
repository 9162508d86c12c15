import Foundation
import XCTest
@testable import GlassboxLanguage
import GlassboxTensors

/// The NumPy / PyTorch vocabulary against PyTorch: every case of Fixtures/vocabulary.json (made
/// by vocabulary.py beside it, on awkward shapes, negative axes, keepdim, and ±∞, NaN, huge and
/// tiny values) runs through a session; its value must match PyTorch's, and for a differentiable
/// case so must the gradient of sum(y ⊙ w) with respect to x.
final class VocabularyTests: XCTestCase {
    struct Case {
        let name: String, setup: String, expr: String
        let value: (shape: [Int], data: [Float])
        let weights: String?
        let grad: (shape: [Int], data: [Float])?
    }

    static func load() throws -> [Case] {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "vocabulary", withExtension: "json"))
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let cases = try XCTUnwrap(root["cases"] as? [[String: Any]])
        func tensor(_ any: Any?) -> (shape: [Int], data: [Float])? {
            guard let d = any as? [String: Any], let shape = d["shape"] as? [Int], let data = d["data"] as? [Any] else { return nil }
            return (shape, data.map { v in
                switch v {
                case let s as String: return s == "nan" ? .nan : (s == "inf" ? .infinity : -.infinity)
                case let n as NSNumber: return n.floatValue
                default: return .nan
                }
            })
        }
        return try cases.map { c in
            Case(name: try XCTUnwrap(c["name"] as? String), setup: try XCTUnwrap(c["setup"] as? String),
                 expr: try XCTUnwrap(c["expr"] as? String), value: try XCTUnwrap(tensor(c["value"])),
                 weights: c["weights"] as? String, grad: tensor(c["grad"]))
        }
    }

    /// Equal within float32 rounding: both NaN, the same infinity, or |a − b| ≤ 1e-5 + 1e-4·|b|.
    func assertClose(_ got: [Float], _ want: [Float], _ what: String) {
        XCTAssertEqual(got.count, want.count, "\(what): element count")
        var worst: (index: Int, diff: Float) = (-1, 0)
        for (i, (a, b)) in zip(got, want).enumerated() {
            if a.isNaN && b.isNaN { continue }
            if a.isInfinite || b.isInfinite {
                if a != b { XCTFail("\(what): element \(i) is \(a), PyTorch \(b)") }
                continue
            }
            let diff = Swift.abs(a - b)
            if !(diff <= 1e-5 + 1e-4 * Swift.abs(b)) && diff >= worst.diff { worst = (i, diff.isNaN ? .infinity : diff) }
        }
        if worst.index >= 0 {
            XCTFail("\(what): element \(worst.index) is \(got[worst.index]), PyTorch \(want[worst.index]) (max difference \(worst.diff))")
        }
    }

    func testValuesAndGradientsMatchPyTorch() throws {
        let cases = try Self.load()
        XCTAssertGreaterThan(cases.count, 100)
        for c in cases {
            let s = Session()
            let result = s.run(c.setup + "; y = " + c.expr)
            if let e = result.error { XCTFail("\(c.name): \(c.expr): \(e.message)"); continue }
            guard case .tensor(let y)? = s.value(of: "y") else { XCTFail("\(c.name): no tensor"); continue }
            XCTAssertEqual(y.shape, c.value.shape, "\(c.name): shape")
            assertClose(y.toArray(), c.value.data, "\(c.name): value")
            guard let grad = c.grad, let w = c.weights else { continue }
            let g = s.run("x = param(x); y = \(c.expr); backward(sum(y * \(w))); gx = grad(x)")
            if let e = g.error { XCTFail("\(c.name): backward: \(e.message)"); continue }
            guard case .tensor(let gx)? = s.value(of: "gx") else { XCTFail("\(c.name): no gradient"); continue }
            XCTAssertEqual(gx.shape, grad.shape, "\(c.name): gradient shape")
            assertClose(gx.toArray(), grad.data, "\(c.name): gradient")
        }
    }
}
