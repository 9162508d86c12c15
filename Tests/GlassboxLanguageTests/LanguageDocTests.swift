import Foundation
import XCTest
@testable import GlassboxLanguage

/// Docs/LANGUAGE.md is tested: every ```glassbox block runs, in order, in one session, and must
/// show exactly what its `# expect:` comments say (the script runner's rules).
final class LanguageDocTests: XCTestCase {
    func testEveryExampleInTheLanguageReference() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("Docs/LANGUAGE.md"), encoding: .utf8)
        var blocks: [(line: Int, code: String)] = []
        var current: [String]? = nil
        var start = 0
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if current == nil, line == "```glassbox" {
                current = []
                start = n + 2
            } else if current != nil, line == "```" {
                blocks.append((start, current!.joined(separator: "\n")))
                current = nil
            } else if current != nil {
                current!.append(String(line))
            }
        }
        XCTAssertGreaterThan(blocks.count, 15)
        let session = Session()
        for block in blocks {
            let (expected, actual) = ScriptRunner.run(block.code, name: "LANGUAGE.md:\(block.line)", session: session)
            if expected != actual {
                XCTFail("Docs/LANGUAGE.md, block at line \(block.line):\n" + ScriptRunner.difference(expected, actual))
            }
        }
    }
}
