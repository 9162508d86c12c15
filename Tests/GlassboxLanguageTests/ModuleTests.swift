import XCTest
@testable import GlassboxLanguage

final class GlassboxLanguageModuleTests: XCTestCase {
    func testModuleName() {
        XCTAssertEqual(GlassboxLanguageModule.name, "GlassboxLanguage")
    }
}
