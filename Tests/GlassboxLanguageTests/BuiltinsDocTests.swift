import Foundation
import XCTest
@testable import GlassboxLanguage
import GlassboxTensors

/// The built-ins table is the single source of `?name`, completion and Docs/BUILTINS.md.
final class BuiltinsDocTests: XCTestCase {
    /// Every example in the table runs in a fresh session and shows something.
    func testEveryExampleRuns() {
        for doc in Builtins.all {
            let s = Session()
            _ = s.run("seed(0)")
            let r = s.run(doc.example)
            XCTAssertNil(r.error, "\(doc.name): \(doc.example)\n\(r.error?.formatted() ?? "")")
            XCTAssertTrue(r.lastValue != nil || !s.printed.isEmpty, "\(doc.name): the example shows nothing")
        }
    }

    /// The built-ins the language promises (Docs/BUILTINS.md) are all in the table.
    func testTheContractsBuiltinsExist() {
        let contract = """
        zeros ones full eye arange linspace rand randn seed reshape transpose concat stack exp log sqrt abs
        tanh sigmoid relu gelu maximum minimum where sum mean max min argmax var softmax log_softmax logsumexp
        mse cross_entropy linear rnn_cell lstm_cell attention causal_mask layer_norm param backward grad detach
        sgd adam step
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        for name in contract { XCTAssertNotNil(Builtins.doc(for: name), name) }
        XCTAssertEqual(Set(Builtins.all.map(\.name)).count, Builtins.all.count, "names are unique")
    }

    func testSignaturesComeFromTheTable() {
        XCTAssertEqual(Builtins.doc(for: "softmax")?.signature, "softmax(x, axis=-1)")
        XCTAssertEqual(Builtins.doc(for: "zeros")?.signature, "zeros(d...)")
        XCTAssertEqual(Builtins.doc(for: "sgd")?.signature, "sgd(params..., lr, momentum=0)")
        XCTAssertEqual(Session().completions(prefix: "softm"), ["softmax"])
        XCTAssertEqual(Session().completions(prefix: "soft"), ["softmax", "softplus"])
        XCTAssertEqual(Session().completions(prefix: "fo"), ["for"])
    }

    /// Docs/BUILTINS.md is what `Builtins.markdown()` generates; GLASSBOX_RECORD=1 rewrites it.
    func testDocsFileIsUpToDate() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let file = root.appendingPathComponent("Docs/BUILTINS.md")
        let generated = Builtins.markdown()
        if ProcessInfo.processInfo.environment["GLASSBOX_RECORD"] != nil {
            try generated.write(to: file, atomically: true, encoding: .utf8)
        }
        let onDisk = try String(contentsOf: file, encoding: .utf8)
        XCTAssertEqual(onDisk, generated,
                       "Docs/BUILTINS.md is stale: run GLASSBOX_RECORD=1 swift test --filter BuiltinsDocTests")
    }
}
