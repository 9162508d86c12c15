import XCTest
@testable import GlassboxWalkthroughs

final class GlassboxWalkthroughsModuleTests: XCTestCase {
    func testModuleName() {
        XCTAssertEqual(GlassboxWalkthroughsModule.name, "GlassboxWalkthroughs")
    }
}
