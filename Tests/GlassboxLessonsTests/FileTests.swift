import XCTest
import GlassboxLanguage
#if canImport(Glibc)
import Glibc
#endif
@testable import GlassboxLessons

/// A fresh directory under /tmp for one test, removed afterwards.
final class TemporaryDirectory {
    let path: String

    init() {
        var template = Array("/tmp/glassbox-lessons-XXXXXX".utf8CString)
        let made: String? = template.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress, let result = mkdtemp(base) else { return nil }
            return String(cString: result)
        }
        path = made ?? "/tmp/glassbox-lessons-fallback-\(getpid())"
        if made == nil { mkdir(path, 0o700) }
    }

    func file(_ name: String) -> String { path + "/" + name }

    /// Names in the directory (hidden ones too), sorted.
    var contents: [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    deinit { remove(path) }

    private func remove(_ path: String) {
        if let dir = opendir(path) {
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
                if name == "." || name == ".." { continue }
                let child = path + "/" + name
                if TextFile.isDirectory(child) { remove(child) } else { unlink(child) }
            }
            closedir(dir)
        }
        rmdir(path)
    }
}

/// Atomic saves and the progress file.
final class FileTests: XCTestCase {
    override func tearDown() { TextFile.fault = nil }

    // MARK: Atomic saves

    func testSaveAndReadBack() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("notes.md")
        try TextFile.writeAtomically("first ✓\n", to: path)
        XCTAssertEqual(try TextFile.read(path), "first ✓\n")
        try TextFile.writeAtomically("second\n", to: path)
        XCTAssertEqual(try TextFile.read(path), "second\n")
        XCTAssertEqual(dir.contents, ["notes.md"], "no temporary file is left behind")
    }

    func testAFailedSaveLeavesTheOldFileWhole() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("work.md")
        let old = String(repeating: "precious work\n", count: 1000)
        try TextFile.writeAtomically(old, to: path)
        for fault in [TextFile.FaultPoint.afterWrite, .beforeRename] {
            TextFile.fault = fault
            XCTAssertThrowsError(try TextFile.writeAtomically("new", to: path)) { error in
                XCTAssertEqual((error as? LessonError)?.kind, .file)
            }
            XCTAssertEqual(try TextFile.read(path), old, "after a failure at \(fault)")
            XCTAssertEqual(dir.contents, ["work.md"], "the temporary file is removed after a failure at \(fault)")
        }
    }

    func testSavingOverADirectoryOrIntoAMissingOneFails() throws {
        let dir = TemporaryDirectory()
        XCTAssertThrowsError(try TextFile.writeAtomically("x", to: dir.path)) { error in
            XCTAssertTrue("\(error)".contains("directory"), "\(error)")
        }
        XCTAssertThrowsError(try TextFile.writeAtomically("x", to: dir.file("missing/notes.md"))) { error in
            XCTAssertTrue("\(error)".contains("No such file"), "\(error)")
        }
    }

    func testSaveKeepsPermissionsAndFollowsSymlinks() throws {
        let dir = TemporaryDirectory()
        let real = dir.file("real.md"), link = dir.file("link.md")
        try TextFile.writeAtomically("a", to: real)
        chmod(real, 0o600)
        symlink(real, link)
        try TextFile.writeAtomically("b", to: link)
        XCTAssertEqual(try TextFile.read(real), "b")
        var info = stat()
        lstat(link, &info)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFLNK, "the link stays a link")
        stat(real, &info)
        XCTAssertEqual(info.st_mode & 0o777, 0o600)
    }

    func testSplitPaths() {
        XCTAssertEqual(TextFile.split("a/b/c.md").directory, "a/b")
        XCTAssertEqual(TextFile.split("c.md").directory, ".")
        XCTAssertEqual(TextFile.split("/c.md").directory, "/")
    }

    // MARK: Progress

    func testProgressRoundTrip() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("progress.json")
        let store = ProgressStore(path: path)
        store.update("03-activations") { lesson in
            lesson.section = 2
            lesson.exercises["sigmoid-derivative"] = ExerciseProgress(tries: 2, hintsShown: 1, solved: true)
        }
        XCTAssertTrue(store.takeWarnings().isEmpty)
        let again = ProgressStore(path: path)
        XCTAssertEqual(again.progress, store.progress)
        XCTAssertEqual(again.lesson("03-activations").solvedCount, 1)
        XCTAssertEqual(again.lesson("unknown"), LessonProgress())
    }

    func testACorruptProgressFileIsKeptAsideWithAWarning() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("progress.json")
        try TextFile.writeAtomically("{\"version\": 1, \"lessons\": {\"a\": ", to: path)
        let store = ProgressStore(path: path)
        let warnings = store.takeWarnings()
        XCTAssertEqual(warnings.count, 1)
        XCTAssertTrue(warnings[0].contains("damaged"), warnings[0])
        XCTAssertTrue(warnings[0].contains("progress.json.corrupt"), warnings[0])
        XCTAssertEqual(store.progress, Progress())
        XCTAssertEqual(try TextFile.read(path + ".corrupt"), "{\"version\": 1, \"lessons\": {\"a\": ", "the damaged file is kept")
        // Progress goes on, in a new file.
        store.update("a") { $0.section = 1 }
        XCTAssertEqual(ProgressStore(path: path).lesson("a").section, 1)

        // A second damaged file does not overwrite the first backup.
        try TextFile.writeAtomically("[1, 2]", to: path)
        let third = ProgressStore(path: path)
        XCTAssertTrue(third.takeWarnings().first?.contains("corrupt-2") ?? false)
        XCTAssertEqual(try TextFile.read(path + ".corrupt-2"), "[1, 2]")
    }

    func testAnUnreadableProgressFileWarnsAndIsLeftAlone() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("progress.json")
        mkdir(path, 0o700)     // a directory where the file should be
        let store = ProgressStore(path: path)
        XCTAssertTrue(store.takeWarnings().first?.contains("cannot read") ?? false)
        store.update("a") { $0.section = 3 }
        XCTAssertTrue(store.takeWarnings().isEmpty, "no second warning for every step")
        XCTAssertTrue(TextFile.isDirectory(path))
        XCTAssertEqual(store.lesson("a").section, 3, "progress is still kept in memory")
    }

    func testASaveFailureWarnsOnce() throws {
        let dir = TemporaryDirectory()
        let store = ProgressStore(path: dir.file("missing-dir/progress.json"))
        store.update("a") { $0.section = 1 }
        XCTAssertEqual(store.takeWarnings().count, 1)
        store.update("a") { $0.section = 2 }
        XCTAssertTrue(store.takeWarnings().isEmpty)
    }

    func testStandardPathHonoursTheEnvironment() {
        let home = getenv("HOME").map { String(cString: $0) }
        defer { if let home { setenv("HOME", home, 1) } else { unsetenv("HOME") } }
        setenv("GLASSBOX_PROGRESS", "/tmp/somewhere.json", 1)
        XCTAssertEqual(ProgressStore.standardPath(), "/tmp/somewhere.json")
        setenv("GLASSBOX_PROGRESS", "", 1)
        XCTAssertNil(ProgressStore.standardPath())
        unsetenv("GLASSBOX_PROGRESS")
        setenv("HOME", "/home/learner", 1)
        XCTAssertEqual(ProgressStore.standardPath(), "/home/learner/.glassbox_progress.json")
    }

    // MARK: JSON

    func testJSONRoundTripAndErrors() throws {
        let value = JSONValue.object([
            ("s", .string("a \"quoted\" line\nand ✓ \u{01}")), ("n", .number(-1.5e-3)), ("i", .number(42)),
            ("b", .bool(true)), ("z", .null), ("a", .array([])), ("o", .object([])),
        ])
        XCTAssertEqual(try JSONValue.parse(value.text()), value)
        XCTAssertEqual(try JSONValue.parse("\"\\ud83d\\ude00\"").stringValue, "😀")
        XCTAssertThrowsError(try JSONValue.parse("{\"a\": 1,}"))
        XCTAssertThrowsError(try JSONValue.parse("[01]"))
        XCTAssertThrowsError(try JSONValue.parse("\"\\ud83d\""))
        XCTAssertThrowsError(try JSONValue.parse("[1] x"))
        XCTAssertThrowsError(try JSONValue.parse(String(repeating: "[", count: 100_000)), "deep nesting is refused, not a crash")
        do {
            _ = try JSONValue.parse("{\n  \"a\" 1\n}")
        } catch {
            XCTAssertEqual(error.line, 2)
            XCTAssertEqual(error.column, 7)
        }
    }
}
