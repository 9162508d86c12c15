import XCTest
@testable import GlassboxTensors

/// Tensors have at most `Shape.maxRank` (64) axes, as in NumPy. Found with the language fuzz harness:
/// `zeros(ones(100000))` built a rank-100000 tensor, and printing it recursed once per axis
/// until the stack overflowed.
final class RankLimitTests: XCTestCase {
    private let tooMany = [Int](repeating: 1, count: Shape.maxRank + 1)
    private let most = [Int](repeating: 1, count: Shape.maxRank)

    func testCreationRefusesMoreThanMaxRankAxes() throws {
        XCTAssertEqual(try Ops.zeros(most).rank, 64)
        XCTAssertThrowsError(try Ops.zeros(tooMany)) { error in
            XCTAssertEqual(error as? TensorError,
                           .invalidArgument(op: "zeros", message: "a tensor has at most 64 axes, got 65"))
        }
        XCTAssertThrowsError(try Ops.randn(tooMany))
        XCTAssertThrowsError(try Tensor(shape: tooMany, data: [1]))
    }

    func testReshapeAndStackCannotGrowPastMaxRank() throws {
        let x = try Ops.zeros(most)
        XCTAssertThrowsError(try Ops.reshape(x, tooMany))
        XCTAssertThrowsError(try Ops.reshape(x, [-1] + most))
        XCTAssertThrowsError(try Ops.stack([x, x]))
        XCTAssertEqual(try Ops.reshape(x, [1]).shape, [1])
        XCTAssertEqual(try Ops.stack([Ops.zeros([Int](repeating: 1, count: 63))]).rank, 64)
    }
}

/// An empty tensor's other dimensions are bounded as if it were full: kernels loop over them, and
/// `zeros(2^50, 0) + 1` looped over 2⁵⁰ empty rows without checking for Ctrl-C (found with the
/// language fuzz harness).
final class EmptyShapeLimitTests: XCTestCase {
    func testEmptyTensorsWithHugeDimensionsAreRefused() throws {
        XCTAssertEqual(try Ops.zeros([3, 0]).shape, [3, 0])
        XCTAssertEqual(try Ops.zeros([0, 100_000]).count, 0)
        XCTAssertThrowsError(try Ops.zeros([1 << 50, 0])) { error in
            guard case .allocationTooLarge(let op, let shape, _)? = error as? TensorError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(op, "zeros")
            XCTAssertEqual(shape, [1 << 50, 0])
        }
        XCTAssertThrowsError(try Ops.zeros([0, 1 << 62, 1 << 62]))      // ∏ max(d, 1) overflows
        XCTAssertThrowsError(try Ops.reshape(Ops.zeros([0]), [1 << 50, 0]))
        XCTAssertThrowsError(try Ops.add(Ops.zeros([1 << 20, 1, 0]), Ops.zeros([1, 1 << 20, 0])))
        XCTAssertEqual(try Ops.reshape(Ops.zeros([0]), [4, 0]).shape, [4, 0])
    }
}
