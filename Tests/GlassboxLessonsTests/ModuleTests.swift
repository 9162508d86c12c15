import XCTest
@testable import GlassboxLessons

final class GlassboxLessonsModuleTests: XCTestCase {
    func testModuleName() {
        XCTAssertEqual(GlassboxLessonsModule.name, "GlassboxLessons")
    }
}
