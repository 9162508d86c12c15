import XCTest
@testable import GlassboxREPL

/// The history file: multi-line cells survive, saves merge, a failed save leaves no litter.
final class HistoryTests: XCTestCase {
    var directory = ""

    override func setUp() {
        var template = Array("/tmp/glassbox-history-XXXXXX".utf8CString)
        let made = mkdtemp(&template)
        XCTAssertNotNil(made)
        directory = String(cString: template)
    }

    override func tearDown() {
        for name in ["history", "history.tmp-\(getpid())"] { unlink(directory + "/" + name) }
        rmdir(directory)
    }

    func testEntriesRoundTripIncludingNewlinesAndUnicode() {
        let file = HistoryFile(path: directory + "/history")
        XCTAssertEqual(file.entries(), [])
        XCTAssertTrue(file.append("x = [1, 2, 3]"))
        XCTAssertTrue(file.append("for i in 1...3 {\n    x = x + i\n}"))
        XCTAssertTrue(file.append("α = 0.01"))
        XCTAssertEqual(file.entries(), ["x = [1, 2, 3]", "for i in 1...3 {\n    x = x + i\n}", "α = 0.01"])
    }

    func testTwoSessionsBothKeepTheirCells() {
        let first = HistoryFile(path: directory + "/history")
        let second = HistoryFile(path: directory + "/history")
        first.append("a = 1")
        second.append("b = 2")
        first.append("c = 3")
        XCTAssertEqual(first.entries(), ["a = 1", "b = 2", "c = 3"])
    }

    func testLimitDropsTheOldest() {
        var file = HistoryFile(path: directory + "/history")
        file.limit = 2
        for n in 1...4 { file.append("x = \(n)") }
        XCTAssertEqual(file.entries(), ["x = 3", "x = 4"])
    }

    func testUnwritableLocationFailsQuietly() {
        let file = HistoryFile(path: directory + "/missing-dir/history")
        XCTAssertFalse(file.append("x = 1"))
        XCTAssertEqual(file.entries(), [])
    }
}
