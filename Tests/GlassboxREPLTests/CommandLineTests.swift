import Foundation
import XCTest

/// The `glassbox` executable as a shell runs it: arguments, stdin, stdout, stderr, exit status.
final class CommandLineTests: XCTestCase {
    typealias Outcome = GlassboxProcess.Outcome

    func glassbox(_ arguments: [String], stdin: String = "", environment: [String: String] = [:]) throws -> Outcome {
        try GlassboxProcess.run(arguments, stdin: stdin, environment: environment)
    }

    func temporaryFile(_ name: String, _ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "glassbox-cli-\(getpid())-" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    // MARK: -e

    func testEvaluatePrintsTheResult() throws {
        let outcome = try glassbox(["-e", "x = [1, 2, 3]; x * 2"])
        XCTAssertEqual(outcome.output, "3-element\n[2, 4, 6]\n")
        XCTAssertEqual(outcome.errors, "")
        XCTAssertEqual(outcome.status, 0)
    }

    func testAFailingCellExitsWithOne() throws {
        let outcome = try glassbox(["-e", "zeroes(3)"])
        XCTAssertEqual(outcome.status, 1)
        XCTAssertEqual(outcome.output, "")
        XCTAssertTrue(outcome.errors.hasPrefix("error: unknown name `zeroes`; did you mean `zeros`?\n"), outcome.errors)
        XCTAssertFalse(outcome.errors.contains("\u{1B}["), "no colour when piped")
    }

    func testJSONWithEvaluate() throws {
        let outcome = try glassbox(["-e", "[1, 2] * 2", "--json"])
        XCTAssertEqual(outcome.output, "{\"cell\": 1, \"value\": {\"shape\": [2], \"data\": [2, 4]}}\n")
        XCTAssertEqual(outcome.status, 0)
    }

    // MARK: run

    func testRunFilesInOneSession() throws {
        let first = try temporaryFile("a.gbx", "w = [1, 2]\n")
        let second = try temporaryFile("b.gbx", "w * 10\n\nnope\nw\n")
        let outcome = try glassbox(["run", first, second])
        XCTAssertEqual(outcome.output, "2-element\n[10, 20]\n2-element\n[1, 2]\n")
        XCTAssertTrue(outcome.errors.hasPrefix("\(second):3:1: error: unknown name `nope`"), outcome.errors)
        XCTAssertEqual(outcome.status, 1)
    }

    func testRunJSONEitherSideOfTheSubcommand() throws {
        let file = try temporaryFile("c.gbx", "1 + 1\n")
        let expected = "{\"cell\": 1, \"value\": {\"shape\": [], \"data\": 2}}\n"
        XCTAssertEqual(try glassbox(["run", "--json", file]).output, expected)
        XCTAssertEqual(try glassbox(["--json", "run", file]).output, expected)
    }

    func testUnreadableFileIsAUsageError() throws {
        let outcome = try glassbox(["run", "/nonexistent/x.gbx"])
        XCTAssertEqual(outcome.status, 2)
        XCTAssertTrue(outcome.errors.contains("cannot read /nonexistent/x.gbx"), outcome.errors)
    }

    // MARK: stdin

    func testPipedCodeRunsLikeAScript() throws {
        let outcome = try glassbox([], stdin: "x = 2\nfor i in 1...3 {\n  x = x * 2\n}\nx\n:vars\n")
        XCTAssertEqual(outcome.output, "16\nname  type    shape   param  grad\nx     number  scalar\ni     number  scalar\n")
        XCTAssertEqual(outcome.status, 0)
    }

    func testPipedJSON() throws {
        let outcome = try glassbox(["--json"], stdin: "1\nnope\n")
        XCTAssertEqual(outcome.output, """
            {"cell": 1, "value": {"shape": [], "data": 1}}
            {"cell": 2, "error": {"message": "unknown name `nope`", "line": 1, "column": 1, "length": 4}}

            """)
        XCTAssertEqual(outcome.status, 1)
    }

    // MARK: Usage

    func testUsageErrorsExitWithTwo() throws {
        for arguments in [["--bogus"], ["run"], ["lesson", "three"], ["-e"]] {
            let outcome = try glassbox(arguments)
            XCTAssertEqual(outcome.status, 2, "\(arguments): \(outcome.errors)")
            XCTAssertFalse(outcome.errors.isEmpty, "\(arguments) explains the mistake")
        }
    }

    func testHelpAndVersion() throws {
        let help = try glassbox(["--help"])
        XCTAssertEqual(help.status, 0)
        for word in ["-e <CODE>", "--json", "run", "lesson", "--version"] {
            XCTAssertTrue(help.output.contains(word), "--help mentions \(word):\n\(help.output)")
        }
        let runHelp = try glassbox(["run", "--help"])
        XCTAssertTrue(runHelp.output.contains("--check"), runHelp.output)
        let version = try glassbox(["--version"])
        XCTAssertEqual(version.output, "0.1.0\n")
        XCTAssertEqual(version.status, 0)
    }
}
