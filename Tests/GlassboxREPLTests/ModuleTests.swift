import XCTest
@testable import GlassboxREPL

final class GlassboxREPLModuleTests: XCTestCase {
    func testModuleName() {
        XCTAssertEqual(GlassboxREPLModule.name, "GlassboxREPL")
    }
}
