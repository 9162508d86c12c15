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

    /// glibc accepts the allocator settings (it refuses an mmap threshold above its 32 MiB
    /// maximum, for instance); the benchmarks' speed depends on them, so a silent refusal
    /// would show up only as slower numbers.
    func testTheAllocatorSettingsAreAccepted() {
        XCTAssertTrue(Kernels.tuneAllocator())
        // A block just under the threshold is usable either way.
        let p = UnsafeMutablePointer<Float>.allocate(capacity: (Kernels.mallocMmapThreshold - 4096) / 4)
        p.initialize(repeating: 1, count: 1024)
        XCTAssertEqual(p[1023], 1)
        p.deallocate()
    }
}
