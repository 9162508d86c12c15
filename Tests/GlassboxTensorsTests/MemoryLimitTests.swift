import XCTest
@testable import GlassboxTensors

/// The limit on all live tensors together (`Tensor.totalAllocationLimit`), next to the per-tensor
/// `allocationLimit`: a loop that keeps every intermediate alive ends in an error that says what
/// is in use, not in the system's out-of-memory killer.
final class MemoryLimitTests: XCTestCase {
    /// 2 MiB: above `Storage.alwaysAllowed`, so counted.
    let large = [1 << 19]
    var savedTotal = 0

    override func setUp() {
        Trace.listener = nil
        GradMode.isEnabled = true
        Interrupt.clear()
        savedTotal = Tensor.totalAllocationLimit
    }

    override func tearDown() { Tensor.totalAllocationLimit = savedTotal }

    func testLargeStoragesAreCountedWhileTheyLiveAndSmallOnesNever() throws {
        let before = Tensor.liveTensorBytes
        do {
            var a: Tensor? = try Ops.zeros(large)
            XCTAssertEqual(Tensor.liveTensorBytes - before, 2 << 20)
            // Views share the storage: counted once.
            let view = try Ops.reshape(XCTUnwrap(a), [512, 1024])
            let column = try Ops.index(view, [.all, .index(3)])
            XCTAssertEqual(Tensor.liveTensorBytes - before, 2 << 20)
            var b: Tensor? = try Ops.add(XCTUnwrap(a), Tensor(scalar: 1))
            XCTAssertEqual(Tensor.liveTensorBytes - before, 4 << 20)
            b = nil
            XCTAssertEqual(Tensor.liveTensorBytes - before, 2 << 20)
            a = nil
            XCTAssertEqual(Tensor.liveTensorBytes - before, 2 << 20, "the views keep the storage alive")
            withExtendedLifetime((view, column, a, b)) {}
        }
        XCTAssertEqual(Tensor.liveTensorBytes, before, "all released")
        // 1 MiB and less: not counted (the tiny-op path stays free of atomics).
        let small = try Ops.zeros([Storage.alwaysAllowed])
        XCTAssertEqual(Tensor.liveTensorBytes, before)
        withExtendedLifetime(small) {}
    }

    func testANewTensorPastTheTotalThrowsAndNamesWhatIsInUse() throws {
        let before = Tensor.liveTensorBytes
        Tensor.totalAllocationLimit = before + (5 << 20)   // room for two 2 MiB tensors
        let a = try Ops.zeros(large)
        var b: Tensor? = try Ops.ones(large)
        XCTAssertThrowsError(try Ops.add(a, XCTUnwrap(b))) { error in
            guard case let .outOfTensorMemory(op, shape, inUse, limit)? = error as? TensorError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(op, "add")
            XCTAssertEqual(shape, self.large)
            XCTAssertEqual(inUse, before + (4 << 20))
            XCTAssertEqual(limit, before + (5 << 20))
            let message = "\(error)"
            XCTAssertFalse(message.contains("\n"))
            XCTAssertTrue(message.hasPrefix("add: out of tensor memory: live tensors hold "), message)
            XCTAssertTrue(message.contains("a new one of shape 524288-element (2 MiB) would pass the limit of"), message)
        }
        XCTAssertEqual(Tensor.liveTensorBytes, before + (4 << 20), "a refused tensor is not counted")
        // Small tensors are never refused, and freeing memory makes room again.
        XCTAssertNoThrow(try Ops.add(Ops.zeros([4]), Tensor(scalar: 1)))
        b = nil
        var c: Tensor? = try Ops.mul(a, Tensor(scalar: 2))
        XCTAssertThrowsError(try Ops.mul(a, Tensor(scalar: 3)))
        c = nil
        XCTAssertNoThrow(try Ops.mul(a, Tensor(scalar: 3)))
        withExtendedLifetime((a, b, c)) {}
    }

    /// The follow-up's example, scaled down: `x = param(zeros(N)); for … { x = x * 1 }` keeps
    /// every intermediate alive through the autograd graph.
    func testAnAutogradChainStopsAtTheLimitAndReleasesEverythingAfterwards() throws {
        let before = Tensor.liveTensorBytes
        Tensor.totalAllocationLimit = before + (64 << 20)
        var x = try Ops.param(Ops.zeros(large))
        var iterations = 0
        do {
            for _ in 0..<1000 {
                x = try Ops.mul(x, Tensor(scalar: 1))
                iterations += 1
            }
            XCTFail("1000 × 2 MiB fitted in 64 MiB")
        } catch TensorError.outOfTensorMemory(let op, _, let inUse, _) {
            XCTAssertEqual(op, "mul")
            XCTAssertEqual(iterations, 31, "the parameter and 31 products fill 64 MiB")
            XCTAssertEqual(inUse, before + (64 << 20))
        }
        XCTAssertEqual(x.shape, large, "the last good value is kept")
        x = Tensor(scalar: 0)
        XCTAssertEqual(Tensor.liveTensorBytes, before, "releasing the chain uncounts every storage")
    }

    func testDefaultsAreFractionsOfTheMachinesMemory() {
        XCTAssertGreaterThan(Tensor.memorySize, 0)
        XCTAssertEqual(Tensor.defaultAllocationLimit, Tensor.memorySize / 2)
        XCTAssertEqual(Tensor.defaultTotalAllocationLimit, Tensor.memorySize / 4 * 3)
        XCTAssertGreaterThan(Tensor.defaultTotalAllocationLimit, Tensor.defaultAllocationLimit)
        Tensor.totalAllocationLimit = -5
        XCTAssertEqual(Tensor.totalAllocationLimit, 0, "negative limits are clamped")
    }
}
