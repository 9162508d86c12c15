import XCTest
@testable import GlassboxTensors

/// `Ops.sumTo` (a broadcast's gradient) and `Ops.expand` (a sum's): the one-kernel paths for
/// adjacent summed axes and scalars against a plain sum in Double over every index, for
/// shapes that take the fast path and shapes that do not.
final class SumToTests: XCTestCase {
    func testSummedBlockSplitsOnlyAdjacentAxes() {
        func block(_ from: [Int], _ to: [Int]) -> [Int]? {
            Ops.summedBlock(from, to: to).map { [$0.outer, $0.n, $0.inner] }
        }
        XCTAssertEqual(block([64, 128], [128]), [1, 64, 128])
        XCTAssertEqual(block([64, 128], [1, 128]), [1, 64, 128])
        XCTAssertEqual(block([32, 128], []), [1, 4096, 1])
        XCTAssertEqual(block([8, 5, 3], [8, 1, 3]), [8, 5, 3])
        XCTAssertEqual(block([8, 5, 3], [8, 1, 1]), [8, 15, 1])
        XCTAssertEqual(block([2, 8, 5], [5]), [1, 16, 5])
        XCTAssertEqual(block([4, 1, 5], [1, 1, 5]), [1, 4, 5])
        XCTAssertEqual(block([4, 5, 6], [4, 5, 6]), [120, 1, 1])
        XCTAssertNil(block([4, 5, 6], [5, 1]))
        XCTAssertNil(block([4, 5, 6], [1, 5, 1]))
        XCTAssertNil(block([3], [2, 3]))
    }

    func testSumToMatchesAPlainSumForEveryPair() throws {
        let pairs: [([Int], [Int])] = [
            ([64, 10], [10]), ([64, 10], [1, 10]), ([7, 33], []), ([7, 33], [7, 1]),
            ([3, 4, 5], [3, 1, 5]), ([3, 4, 5], [5]), ([3, 4, 5], [4, 1]), ([3, 4, 5], [1, 4, 1]),
            ([2, 3, 4, 5], [3, 1, 1]), ([1, 9], [9]), ([9], [1]), ([0, 4], [4]), ([4, 0], [1, 0]),
        ]
        var seed: UInt64 = 7
        for (from, to) in pairs {
            let count = from.reduce(1, *)
            let data = (0..<count).map { _ -> Float in
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                return Float(Int(seed >> 40) % 2001 - 1000) / 100
            }
            let g = try Tensor(shape: from, data: data)
            let got = try Ops.sumTo(g, to, op: "test")
            XCTAssertEqual(got.shape, to)
            // Expected: every element of g added to the element it broadcast from.
            let padded = [Int](repeating: 1, count: from.count - to.count) + to
            var expected = [Double](repeating: 0, count: to.reduce(1, *))
            for flat in 0..<count {
                var rest = flat, target = 0, step = 1
                for axis in stride(from: from.count - 1, through: 0, by: -1) {
                    let index = rest % from[axis]
                    rest /= from[axis]
                    if padded[axis] != 1 { target += index * step }
                    step *= padded[axis]
                }
                expected[target] += Double(data[flat])
            }
            let values = try got.toArray()
            for (a, b) in zip(values, expected) {
                XCTAssertEqual(Double(a), b, accuracy: 1e-3, "\(from) → \(to)")
            }
            XCTAssertEqual(values.count, expected.count)
        }
    }

    func testSumToOfAView() throws {
        // A transposed (non-contiguous) gradient takes the strided path and gives the same.
        let g = try Ops.transpose(Tensor(shape: [3, 2], data: [1, 2, 3, 4, 5, 6]))  // [[1, 3, 5], [2, 4, 6]]
        XCTAssertEqual(try Ops.sumTo(g, [3], op: "test").toArray(), [3, 7, 11])
        XCTAssertEqual(try Ops.sumTo(g, [2, 1], op: "test").toArray(), [9, 12])
    }

    func testExpandOfAScalarFills() throws {
        let y = try Ops.expand(Tensor(scalar: 2.5), [3, 4], op: "test")
        XCTAssertEqual(y.shape, [3, 4])
        XCTAssertEqual(try y.toArray(), [Float](repeating: 2.5, count: 12))
        let z = try Ops.expand(Tensor(shape: [1, 1], data: [-1]), [2, 1, 3], op: "test")
        XCTAssertEqual(try z.toArray(), [Float](repeating: -1, count: 6))
        let row = try Ops.expand(Tensor(shape: [3], data: [1, 2, 3]), [2, 3], op: "test")
        XCTAssertEqual(try row.toArray(), [1, 2, 3, 1, 2, 3])
    }
}
