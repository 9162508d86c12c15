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
