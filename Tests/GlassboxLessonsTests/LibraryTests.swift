import XCTest
@testable import GlassboxLessons

/// The lessons directory: which files are lessons, in which order.
final class LibraryTests: XCTestCase {
    func testLessonsAreOrderedByNumberAndBrokenOnesAreReported() throws {
        let dir = TemporaryDirectory()
        try TextFile.writeAtomically("---\ntitle: Second\nlesson: 2\n---\n", to: dir.file("b-second.md"))
        try TextFile.writeAtomically("---\ntitle: Tenth\nlesson: 10\n---\n", to: dir.file("a-tenth.md"))
        try TextFile.writeAtomically("---\ntitle: First\nlesson: 1\n---\n", to: dir.file("z-first.md"))
        try TextFile.writeAtomically("```glassbox\nx\n", to: dir.file("broken.md"))
        try TextFile.writeAtomically("# Index\n", to: dir.file("README.md"))
        try TextFile.writeAtomically("not a lesson", to: dir.file("notes.txt"))

        let library = try LessonLibrary(directory: dir.path)
        XCTAssertEqual(library.entries.map(\.key), ["z-first", "b-second", "a-tenth", "broken"])
        XCTAssertEqual(library.entries.map(\.number), [1, 2, 10, nil])
        XCTAssertEqual(library.entry(number: 10)?.title, "Tenth")
        guard case .failure(let error) = library.entries[3].lesson else { return XCTFail("broken.md should not parse") }
        XCTAssertEqual(error.line, 1)
    }

    func testAMissingDirectoryIsAnError() {
        XCTAssertThrowsError(try LessonLibrary(directory: "/nonexistent/lessons")) { error in
            XCTAssertEqual((error as? LessonError)?.kind, .notFound)
        }
    }

    func testTheRepositoryLessonsAreFoundFromTheTestExecutable() throws {
        // The test bundle lives in .build/…; walking up from it finds the repository's Lessons/.
        let lessons = repositoryRoot() + "/Lessons"
        guard TextFile.isDirectory(lessons) else { throw XCTSkip("no Lessons/ directory in this checkout yet") }
        unsetenv("GLASSBOX_LESSONS")
        XCTAssertEqual(LessonLibrary.standardDirectory(), lessons)
        setenv("GLASSBOX_LESSONS", "/somewhere/else", 1)
        XCTAssertEqual(LessonLibrary.standardDirectory(), "/somewhere/else")
        unsetenv("GLASSBOX_LESSONS")
    }
}

/// The repository's root, from this file's path (Tests/GlassboxLessonsTests/…).
func repositoryRoot(file: String = #filePath) -> String {
    var path = Substring(file)
    for _ in 0..<3 {
        guard let slash = path.lastIndex(of: "/") else { break }
        path = path[..<slash]
    }
    return String(path)
}
