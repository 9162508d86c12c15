import XCTest
@testable import GlassboxTensors

final class GlassboxTensorsModuleTests: XCTestCase {
    func testModuleName() {
        XCTAssertEqual(GlassboxTensorsModule.name, "GlassboxTensors")
    }
}
