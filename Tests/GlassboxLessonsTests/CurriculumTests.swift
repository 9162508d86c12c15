import XCTest
#if canImport(Glibc)
import Glibc
#endif
import GlassboxLanguage
@testable import GlassboxLessons

/// `glassbox run --check` over every lesson in Lessons/: each parses, has a number, every cell
/// runs, every recorded output matches, every exercise's solution passes its own check — and
/// no exercise passes before the learner has done anything.
final class CurriculumTests: XCTestCase {
    func testEveryLessonPassesCheck() throws {
        // GLASSBOX_LESSONS checks another directory (a lesson being written elsewhere).
        let directory = getenv("GLASSBOX_LESSONS").map { String(cString: $0) } ?? repositoryRoot() + "/Lessons"
        guard TextFile.isDirectory(directory) else { throw XCTSkip("no Lessons/ directory in this checkout yet") }
        let library = try LessonLibrary(directory: directory)
        var numbers: [Int: String] = [:]
        for entry in library.entries {
            let lesson: Notebook
            switch entry.lesson {
            case .failure(let error):
                XCTFail("\(error)")
                continue
            case .success(let parsed):
                lesson = parsed
            }
            guard let number = lesson.frontMatter.lesson else {
                XCTFail("\(entry.path): the front matter has no `lesson:` number")
                continue
            }
            if let other = numbers[number] { XCTFail("\(entry.path): lesson \(number) is also \(other)") }
            numbers[number] = entry.path
            XCTAssertFalse(lesson.frontMatter.sources.isEmpty, "\(entry.path): a lesson cites its sources")

            let report = NotebookRunner.run(lesson, with: SessionCellRunner(), mode: .check)
            XCTAssertTrue(report.passed, "\(entry.path): \(report.summary)\n" + report.problems.map(\.description).joined(separator: "\n"))
        }
    }
}
