import XCTest
import GlassboxLanguage
import GlassboxLessons
#if canImport(Glibc)
import Glibc
#endif
@testable import GlassboxREPL

/// `glassbox run --check` over every lesson in Lessons/, the way the command line runs it (cells
/// through the REPL, so `:walk` and other commands work): each lesson parses, has a number and
/// its sources, every cell runs, every recorded output matches, every exercise's solution passes
/// its own check, and no exercise passes before the learner has done anything.
///
/// `GLASSBOX_LESSONS=DIR swift test --filter CurriculumCheckTests` checks another folder.
final class CurriculumCheckTests: XCTestCase {
    func testEveryLessonPassesCheck() throws {
        let directory = getenv("GLASSBOX_LESSONS").map { String(cString: $0) } ?? Self.repositoryRoot() + "/Lessons"
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

            let runner = REPLCellRunner(session: Session(), fileName: entry.path)
            let started = Self.now()
            let report = NotebookRunner.run(lesson, with: runner, mode: .check)
            // Printed, not asserted (speed belongs to benchmarks): CI's log shows what each lesson costs.
            print("\(entry.path): \(report.summary) in \(Int((Self.now() - started) * 1000)) ms")
            XCTAssertTrue(report.passed, "\(entry.path): \(report.summary)\n" + report.problems.map(\.description).joined(separator: "\n"))
        }
    }

    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    /// The repository's root, from this file's path (Tests/GlassboxREPLTests/…).
    static func repositoryRoot(file: String = #filePath) -> String {
        var path = Substring(file)
        for _ in 0..<3 {
            guard let slash = path.lastIndex(of: "/") else { break }
            path = path[..<slash]
        }
        return String(path)
    }
}
