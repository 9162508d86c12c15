import XCTest
@testable import GlassboxTensors
#if canImport(Glibc)
import Glibc
#endif

/// The one file layer: capped reads of text and bytes that name the file when they refuse, and
/// atomic saves of bytes.
final class FileIOTests: XCTestCase {
    var directory = ""

    override func setUp() {
        var template = Array("/tmp/glassbox-fileio-XXXXXX".utf8CString)
        directory = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    }

    override func tearDown() {
        for name in ["a.bin", "big.txt", "fifo", "sub"] { _ = unlink(directory + "/" + name); _ = rmdir(directory + "/" + name) }
        rmdir(directory)
        FileIO.fault = nil
    }

    func testBytesRoundTripThroughAnAtomicSave() throws {
        let path = directory + "/a.bin"
        let bytes: [UInt8] = [0, 1, 255, 10, 13, 0x80]
        try FileIO.writeAtomically(bytes, to: path)
        XCTAssertEqual(try FileIO.readBytes(path, limit: 6), bytes)
        try FileIO.writeAtomically("é\n", to: path)
        XCTAssertEqual(try FileIO.readText(path, limit: 100), "é\n")
        FileIO.fault = .beforeRename
        XCTAssertThrowsError(try FileIO.writeAtomically([1, 2, 3], to: path))
        FileIO.fault = nil
        XCTAssertEqual(try FileIO.readText(path, limit: 100), "é\n", "a failed save leaves the old file")
    }

    func testAReadOverTheCapIsRefusedByItsSize() throws {
        let path = directory + "/big.txt"
        try FileIO.writeAtomically(String(repeating: "x", count: 3000), to: path)
        XCTAssertEqual(try FileIO.readText(path, limit: 3000).count, 3000)
        XCTAssertThrowsError(try FileIO.readText(path, limit: 2048)) { error in
            guard let e = error as? FileError else { return XCTFail("\(error)") }
            XCTAssertEqual(e.kind, .tooLarge)
            XCTAssertEqual(e.path, path)
            XCTAssertEqual(e.message, "is 2.9 KiB; files of at most 2 KiB can be read")
        }
    }

    func testDirectoriesPipesAndMissingFilesAreRefusedWithTheirReason() throws {
        XCTAssertThrowsError(try FileIO.readText(directory, limit: 100)) { error in
            XCTAssertEqual("\(error)", "\(directory): cannot read: it is a directory")
        }
        let fifo = directory + "/fifo"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        // Refused before it is opened: a pipe nobody writes to would block the read forever.
        XCTAssertThrowsError(try FileIO.readText(fifo, limit: 100)) { error in
            XCTAssertEqual((error as? FileError)?.message, "cannot read: it is a pipe, not a regular file")
        }
        XCTAssertThrowsError(try FileIO.readText(directory + "/missing", limit: 100)) { error in
            XCTAssertEqual((error as? FileError)?.message, "cannot read: No such file or directory")
        }
    }

    func testMakeDirectoryAndPaths() throws {
        try FileIO.makeDirectory(directory + "/sub")
        XCTAssertTrue(FileIO.isDirectory(directory + "/sub"))
        XCTAssertEqual(FileIO.split("a/b/c.md").directory, "a/b")
        XCTAssertEqual(FileIO.split("c.md").directory, ".")
        XCTAssertEqual(FileIO.split("/c.md").directory, "/")
    }
}
