import XCTest
@testable import GlassboxLanguage
import GlassboxTensors

/// A toy kind of value — a bag of named numbers — plugs into the language by conforming to
/// `ValueKind` alone: the evaluator reads its attributes and indexes it, and the text, JSON,
/// help and `:vars` forms come from its conformance.
final class Bag: ValueKind {
    let items: [String: Float]
    init(_ items: [String: Float]) { self.items = items }

    var typeName: String { "bag" }
    func text(_ formatter: ValueFormatter) -> String {
        "bag(" + items.keys.sorted().map { "\($0)=\(formatter.number(items[$0] ?? 0))" }.joined(separator: ", ") + ")"
    }
    var json: JSONValue { .object([("bag", .number(Double(items.count)))]) }
    static let attributes = AttributeTable<Bag>([
        Attribute("count", "how many numbers the bag holds") { bag, _ in .number(Float(bag.items.count)) },
        Attribute("total", "their sum") { bag, _ in .number(bag.items.values.reduce(0, +)) },
    ])
    func element(_ key: Value, _ access: IndexAccess) throws -> Value {
        guard case .string(let name) = key else {
            throw RuntimeError(.type, "a bag is indexed by a name, got a \(key.typeName)", access.keyRange)
        }
        guard let x = items[name] else { throw RuntimeError(.index, "the bag holds no `\(name)`", access.keyRange) }
        return .number(x)
    }
    var variablesSummary: String { countText(items.count, "number") }
}

final class ValueKindTests: XCTestCase {
    func session() -> Session {
        let s = Session()
        s.define("b", .object(Bag(["a": 1, "c": 3])))
        return s
    }

    func testTheEvaluatorReadsAttributesAndIndexesThroughTheConformance() {
        let s = session()
        XCTAssertEqual(show("b.count", in: s), "2")
        XCTAssertEqual(show("b.total * 2", in: s), "8")
        XCTAssertEqual(show("b[\"c\"] + 1", in: s), "4")
        XCTAssertEqual(show("b.cuont", in: s), "error: a bag has no attribute `.cuont`; did you mean `.count`?")
        XCTAssertEqual(show("b[\"z\"]", in: s), "error: the bag holds no `z`")
        XCTAssertEqual(show("b[0]", in: s), "error: a bag is indexed by a name, got a number")
        XCTAssertEqual(show("b[0:1]", in: s), "error: a bag takes one index, not a slice or several")
        XCTAssertEqual(failure("b[0]", in: s).map { $0.source.text(of: $0.range) }, "0")
    }

    func testTextJSONHelpAndVarsComeFromTheConformance() {
        let s = session()
        guard let b = s.value(of: "b") else { return XCTFail("b is defined") }
        XCTAssertEqual(b.typeName, "bag")
        XCTAssertEqual(s.format(b), "bag(a=1, c=3)")
        XCTAssertEqual(JSON.cellValue(b, cell: 1), "{\"cell\": 1, \"value\": {\"bag\": 2}}")
        XCTAssertEqual(b.attributeDocs.map(\.name), ["count", "total"])
        XCTAssertEqual(b.object(as: Bag.self)?.variablesSummary, "2 numbers")
        XCTAssertNil(b.object(as: Optimizer.self))
    }

    /// One place in a program (a function body) may read values of different kinds in turn.
    func testOnePlaceReadsTheAttributesOfDifferentKinds() {
        let s = session()
        _ = s.run("W = param([1, 2]); opt = sgd(W, lr=0.5); g(o) = o.count; h(v) = v.lr")
        XCTAssertEqual(show("g(b)", in: s), "2")
        XCTAssertEqual(show("g(opt)", in: s), "error: a optimizer has no attribute `.count`; a optimizer has `.t`, `.lr`")
        XCTAssertEqual(show("g(b) + 1", in: s), "3")
        XCTAssertEqual(show("h(opt)", in: s), "0.5")
        XCTAssertEqual(show("h(W)", in: s), "error: a tensor has no attribute `.lr`; a tensor has `.shape`, `.T`, `.grad`, `.rank`, `.size`")
        XCTAssertEqual(show("h(opt) * 2", in: s), "1")
    }

    func testOptimizersAndTensorsReadTheirAttributeTables() {
        let s = Session()
        XCTAssertEqual(show("W = param([1, 2]); opt = adam(W, lr=0.01); opt.lr", in: s), "0.01")
        XCTAssertEqual(show("opt.t", in: s), "0")
        XCTAssertEqual(show("opt.tt", in: s), "error: a optimizer has no attribute `.tt`; a optimizer has `.t`, `.lr`")
        XCTAssertEqual(s.value(of: "opt")?.attributeDocs.map(\.name), ["t", "lr"])
        XCTAssertEqual(s.value(of: "W")?.attributeDocs.map(\.name), ["shape", "T", "grad", "rank", "size"])
        XCTAssertEqual(show("W.rank + W.size", in: s), "3")
        XCTAssertEqual(show("opt[0]", in: s), "error: a optimizer cannot be indexed; only tensors and tuples can")
        XCTAssertEqual(failure("opt[0]", in: s).map { $0.source.text(of: $0.range) }, "opt", "the caret is under what cannot be indexed")
    }
}
