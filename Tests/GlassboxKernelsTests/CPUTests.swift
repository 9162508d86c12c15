import XCTest
@testable import GlassboxKernels

final class CPUTests: XCTestCase {
    func testInterruptFlagRoundTrip() {
        Interrupt.clear()
        XCTAssertFalse(Interrupt.isRequested)
        Interrupt.request()
        XCTAssertTrue(Interrupt.isRequested)
        Interrupt.clear()
        XCTAssertFalse(Interrupt.isRequested)
    }

    func testFastNeedsAVX2() {
        if Kernels.useFast { XCTAssertTrue(Kernels.cpuHasAVX2FMA) }
    }
}
