import Foundation
import XCTest
@testable import GlassboxLanguage

/// Runs every `Scripts/*.gbx` (Crafting Interpreters' test style): each top-level statement is a
/// cell; what the cells show, print and fail with must equal the script's `# expect:` and
/// `# expect error:` comments, in order.
///
///     x = [1, 2] * 2
///     x                # expect: 2
///                      # expect: [2, 4]
///     zeroes(2)        # expect error: unknown name `zeroes`; did you mean `zeros`?
///
/// Text after `# expect: ` is compared exactly (the one space after the colon is not part of it).
/// A syntax error anywhere stops the whole script before it runs, so each syntax error has a
/// script of its own (`syntax_*.gbx`).
final class ScriptTests: XCTestCase {
    func testScripts() throws {
        let folder = try XCTUnwrap(Bundle.module.url(forResource: "Scripts", withExtension: nil))
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "gbx" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        XCTAssertGreaterThan(files.count, 5)
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            let (expected, actual) = ScriptRunner.run(text, name: file.lastPathComponent)
            if expected != actual {
                XCTFail("\(file.lastPathComponent):\n" + ScriptRunner.difference(expected, actual))
            }
        }
    }
}

enum ScriptRunner {
    /// The expected lines (from comments) and the lines the script really produced.
    static func run(_ text: String, name: String, session: Session = Session()) -> (expected: [String], actual: [String]) {
        var expected: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if let r = line.range(of: "# expect error: ") {
                expected.append("error: " + line[r.upperBound...])
            } else if let r = line.range(of: "# expect: ") {
                expected.append(String(line[r.upperBound...]))
            } else if line.hasSuffix("# expect:") {
                expected.append("")
            }
        }
        var actual: [String] = []
        session.output = { actual.append(contentsOf: $0.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)) }
        session.runScript(text, name: name) { cell in
            if let e = cell.error {
                actual.append("error: " + e.message)
            } else if let v = cell.lastValue {
                actual.append(contentsOf: session.format(v).split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
            }
        }
        return (expected, actual)
    }

    static func difference(_ expected: [String], _ actual: [String]) -> String {
        var out: [String] = []
        for i in 0..<max(expected.count, actual.count) {
            let e = i < expected.count ? expected[i] : "<nothing>"
            let a = i < actual.count ? actual[i] : "<nothing>"
            out.append((e == a ? "   " : "✗  ") + "expected: \(e)\n   got:      \(a)")
        }
        return out.joined(separator: "\n")
    }
}
