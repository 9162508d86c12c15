import Foundation
import XCTest
@testable import GlassboxTensors

final class TensorCoreTests: XCTestCase {
    override func setUp() { Trace.listener = nil; GradMode.isEnabled = true; Interrupt.clear() }

    // MARK: - Creation

    func testCreation() throws {
        XCTAssertEqual(try Ops.zeros([2, 3]).toArray(), [Float](repeating: 0, count: 6))
        XCTAssertEqual(try Ops.full(2.5, [2]).toArray(), [2.5, 2.5])
        XCTAssertEqual(try Ops.eye(3).toArray(), [1, 0, 0, 0, 1, 0, 0, 0, 1])
        XCTAssertEqual(try Ops.arange(0, 1, 0.25).toArray(), [0, 0.25, 0.5, 0.75])
        XCTAssertEqual(try Ops.arange(5, 0, -2).toArray(), [5, 3, 1])
        XCTAssertEqual(try Ops.linspace(0, 1, 5).toArray(), [0, 0.25, 0.5, 0.75, 1])
        XCTAssertEqual(try Ops.zeros([0, 3]).count, 0)
        XCTAssertEqual(Tensor(scalar: 3).scalarValue, 3)
        XCTAssertEqual(Tensor(scalar: 3).shape, [])
    }

    func testCreationErrors() {
        XCTAssertThrowsError(try Ops.zeros([2, -1])) { XCTAssertEqual($0 as? TensorError, .invalidDimension(op: "zeros", value: -1)) }
        XCTAssertThrowsError(try Shape.dimension(2.5, op: "zeros")) {
            XCTAssertEqual("\($0)", "zeros: dimension 2.5 must be a whole number ≥ 0")
        }
        XCTAssertThrowsError(try Ops.arange(0, 1, 0))
        XCTAssertThrowsError(try Tensor(shape: [2, 2], data: [1, 2, 3]))
    }

    func testAllocationLimit() {
        XCTAssertThrowsError(try Ops.zeros([100_000, 100_000, 100_000])) { error in
            guard case .allocationTooLarge(let op, let shape, _) = error as? TensorError else { return XCTFail("\(error)") }
            XCTAssertEqual(op, "zeros"); XCTAssertEqual(shape, [100_000, 100_000, 100_000])
        }
        XCTAssertThrowsError(try Ops.ones([Int.max, 4]))   // overflowing count
        let saved = Tensor.allocationLimit
        Tensor.allocationLimit = 1 << 20
        defer { Tensor.allocationLimit = saved }
        XCTAssertNoThrow(try Ops.zeros([1 << 18]))
        XCTAssertThrowsError(try Ops.zeros([(1 << 18) + 1]))
        // An op whose output is too big (broadcast outer product) throws too.
        XCTAssertThrowsError(try Ops.add(Ops.zeros([1000, 1]), Ops.zeros([1, 1000])))
    }

    func testSeededRandomIsReproducible() throws {
        RandomSource.seed(42)
        let a = try Ops.randn([5]).toArray(), u = try Ops.rand([3]).toArray()
        RandomSource.seed(42)
        XCTAssertEqual(try Ops.randn([5]).toArray(), a)
        XCTAssertEqual(try Ops.rand([3]).toArray(), u)
        XCTAssertTrue(u.allSatisfy { $0 >= 0 && $0 < 1 })
    }

    /// PCG32 reference output: pcg32-demo (pcg-random.org) seeds with (42, 54) and prints
    /// 0xa15c02b7 0x7b47f409 0xba1d3330 0x83d2f293 0xbfa4784b 0xcbed606e.
    func testPCG32MatchesReferenceImplementation() {
        var g = PCG32(seed: 42, sequence: 54)
        XCTAssertEqual((0..<6).map { _ in g.next() }, [0xa15c02b7, 0x7b47f409, 0xba1d3330, 0x83d2f293, 0xbfa4784b, 0xcbed606e])
    }

    func testPortableLog() {
        for x in [1e-300, 1e-9, 0.001, 0.25, 0.5, 0.7071, 0.9999999, 1.0, 2.0, 10.0, 12345.678] {
            XCTAssertEqual(RandomSource.portableLog(x), Foundation.log(x), accuracy: 4e-16 * Swift.max(1, Swift.abs(Foundation.log(x))), "ln \(x)")
        }
    }

    func testNormalMoments() throws {
        RandomSource.seed(7)
        let x = try Ops.randn([20000])
        let mean = try Ops.mean(x).scalarValue ?? .nan, v = try Ops.variance(x).scalarValue ?? .nan
        XCTAssertEqual(mean, 0, accuracy: 0.03)
        XCTAssertEqual(v, 1, accuracy: 0.04)
    }

    // MARK: - Broadcasting

    func testBroadcastingBinaryOps() throws {
        let a = tensor([2, 3], [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(try Ops.add(a, Tensor(scalar: 1)).toArray(), [2, 3, 4, 5, 6, 7])
        XCTAssertEqual(try Ops.sub(Tensor(scalar: 1), a).toArray(), [0, -1, -2, -3, -4, -5])
        XCTAssertEqual(try Ops.mul(a, tensor([3], [1, 10, 100])).toArray(), [1, 20, 300, 4, 50, 600])
        XCTAssertEqual(try Ops.div(tensor([3], [6, 6, 6]), a).toArray(), [6, 3, 2, 1.5, 1.2, 1])
        XCTAssertEqual(try Ops.add(a, tensor([2, 1], [10, 20])).toArray(), [11, 12, 13, 24, 25, 26])
        let outer = try Ops.mul(tensor([3, 1], [1, 2, 3]), tensor([2], [1, 10]))
        XCTAssertEqual(outer.shape, [3, 2]); XCTAssertEqual(outer.toArray(), [1, 10, 2, 20, 3, 30])
        XCTAssertEqual(try Ops.add(tensor([1], [5]), a).shape, [2, 3])
        XCTAssertEqual(try Ops.pow(a, Tensor(scalar: 2)).toArray(), [1, 4, 9, 16, 25, 36])
        XCTAssertEqual(try Ops.maximum(a, Tensor(scalar: 3.5)).toArray(), [3.5, 3.5, 3.5, 4, 5, 6])
        XCTAssertEqual(try Ops.less(a, Tensor(scalar: 3)).toArray(), [1, 1, 0, 0, 0, 0])
        XCTAssertEqual(try Ops.select(Ops.greater(a, Tensor(scalar: 2)), a, Tensor(scalar: 0)).toArray(), [0, 0, 3, 4, 5, 6])
    }

    func testBroadcastMismatchNamesBothShapes() {
        XCTAssertThrowsError(try Ops.add(Ops.zeros([2, 3]), Ops.zeros([4]))) { error in
            XCTAssertEqual("\(error)", "add: shapes 2×3 and 4-element do not match (cannot broadcast)")
        }
    }

    func testUnaryValues() throws {
        let x = tensor([4], [-2, -0.5, 0, 1.5])
        XCTAssertEqual(try Ops.relu(x).toArray(), [0, 0, 0, 1.5])
        XCTAssertEqual(try Ops.abs(x).toArray(), [2, 0.5, 0, 1.5])
        assertClose(try Ops.sigmoid(x).toArray(), x.toArray().map { 1 / (1 + Foundation.exp(-$0)) })
        assertClose(try Ops.tanh(x).toArray(), x.toArray().map { Foundation.tanh($0) })
        // GELU (tanh form) reference values computed with the formula in Double
        let gelu = x.toArray().map { v -> Float in
            let d = Double(v); return Float(0.5 * d * (1 + Foundation.tanh((2 / Double.pi).squareRoot() * (d + 0.044715 * d * d * d))))
        }
        assertClose(try Ops.gelu(x).toArray(), gelu, tol: 1e-6)
        // sigmoid does not overflow at the extremes
        XCTAssertEqual(try Ops.sigmoid(tensor([2], [-1e4, 1e4])).toArray(), [0, 1])
    }

    // MARK: - Views

    func testReshapeAndTranspose() throws {
        let a = try Ops.arange(0, 6)
        let m = try Ops.reshape(a, [2, -1])
        XCTAssertEqual(m.shape, [2, 3])
        XCTAssertTrue(m.storage === a.storage)
        let t = try Ops.transpose(m)
        XCTAssertEqual(t.shape, [3, 2]); XCTAssertFalse(t.isContiguous)
        XCTAssertEqual(t.toArray(), [0, 3, 1, 4, 2, 5])
        XCTAssertEqual(try Ops.reshape(t, [6]).toArray(), [0, 3, 1, 4, 2, 5])   // a copy
        XCTAssertThrowsError(try Ops.reshape(a, [4, 2])) { XCTAssertTrue("\($0)".hasPrefix("reshape: shapes 6-element and 4×2")) }
        XCTAssertThrowsError(try Ops.swapAxes(m, 0, 2)) { XCTAssertEqual($0 as? TensorError, .invalidAxis(op: "transpose", axis: 2, rank: 2)) }
    }

    func testIndexing() throws {
        let x = try Ops.reshape(Ops.arange(0, 12), [3, 4])
        XCTAssertEqual(try Ops.index(x, [.index(0), .slice(start: 1, stop: 3, step: nil)]).toArray(), [1, 2])
        XCTAssertEqual(try Ops.index(x, [.all, .index(-1)]).toArray(), [3, 7, 11])
        XCTAssertEqual(try Ops.index(x, [.slice(start: nil, stop: nil, step: -1), .index(0)]).toArray(), [8, 4, 0])
        XCTAssertEqual(try Ops.index(x, [.index(1), .slice(start: nil, stop: nil, step: 2)]).toArray(), [4, 6])
        XCTAssertEqual(try Ops.index(x, [.slice(start: 5, stop: 9, step: nil)]).shape, [0, 4])
        XCTAssertEqual(try Ops.index(x, [.index(2), .index(3)]).shape, [])
        XCTAssertThrowsError(try Ops.index(x, [.index(3)])) {
            XCTAssertEqual("\($0)", "index: index 3 is out of range for axis 0 of size 3")
        }
        XCTAssertThrowsError(try Ops.index(x, [.all, .all, .all]))
        XCTAssertThrowsError(try Ops.index(x, [.slice(start: nil, stop: nil, step: 0)]))
        XCTAssertEqual(try x.element(at: [-1, -1]), 11)
    }

    // MARK: - Matmul

    func testMatmulShapesAsNumPy() throws {
        let A = try Ops.reshape(Ops.arange(0, 6), [2, 3]), B = try Ops.reshape(Ops.arange(0, 12), [3, 4])
        let C = try Ops.matmul(A, B)
        XCTAssertEqual(C.shape, [2, 4])
        XCTAssertEqual(C.toArray(), naiveMatmul(A.toArray(), B.toArray(), 2, 3, 4))
        let v = tensor([3], [1, 2, 3])
        XCTAssertEqual(try Ops.matmul(A, v).shape, [2])
        XCTAssertEqual(try Ops.matmul(A, v).toArray(), [8, 26])
        XCTAssertEqual(try Ops.matmul(v, B).shape, [4])
        XCTAssertEqual(try Ops.matmul(v, v).shape, [])
        XCTAssertEqual(try Ops.matmul(v, v).scalarValue, 14)
        // batched with broadcasting: (2,1,2,3) @ (4,3,5) → (2,4,2,5)
        RandomSource.seed(3)
        let a4 = try Ops.randn([2, 1, 2, 3]), b3 = try Ops.randn([4, 3, 5])
        let c = try Ops.matmul(a4, b3)
        XCTAssertEqual(c.shape, [2, 4, 2, 5])
        let slice = try Ops.index(c, [.index(1), .index(2)])
        let expected = naiveMatmul(try Ops.index(a4, [.index(1), .index(0)]).toArray(), try Ops.index(b3, [.index(2)]).toArray(), 2, 3, 5)
        assertClose(slice.toArray(), expected)
        // transposed views go to gemm without a copy and give the same numbers
        let At = try Ops.transpose(A)
        assertClose(try Ops.matmul(At, A).toArray(), naiveMatmul(At.toArray(), A.toArray(), 3, 2, 3))
        XCTAssertThrowsError(try Ops.matmul(A, A)) {
            XCTAssertEqual("\($0)", "matmul: shapes 2×3 and 2×3 do not match (inner dimensions 3 and 2 differ)")
        }
        XCTAssertThrowsError(try Ops.matmul(Tensor(scalar: 2), A))
    }

    // MARK: - Reductions

    func testReductions() throws {
        let x = try Ops.reshape(tensor([6], [1, 5, 3, 4, 2, 6]), [2, 3])
        XCTAssertEqual(try Ops.sum(x).scalarValue, 21)
        XCTAssertEqual(try Ops.sum(x, axis: 0).toArray(), [5, 7, 9])
        XCTAssertEqual(try Ops.sum(x, axis: -1).toArray(), [9, 12])
        XCTAssertEqual(try Ops.sum(x, axis: 1, keepDims: true).shape, [2, 1])
        XCTAssertEqual(try Ops.mean(x, axis: 1).toArray(), [3, 4])
        XCTAssertEqual(try Ops.max(x, axis: 1).toArray(), [5, 6])
        XCTAssertEqual(try Ops.min(x).scalarValue, 1)
        XCTAssertEqual(try Ops.argmax(x, axis: 1).toArray(), [1, 2])
        XCTAssertEqual(try Ops.argmax(x).scalarValue, 5)
        assertClose(try Ops.variance(x, axis: 1).toArray(), [8.0 / 3, 8.0 / 3])
        XCTAssertThrowsError(try Ops.sum(x, axis: 2)) {
            XCTAssertEqual("\($0)", "sum: axis 2 is out of range for a rank-2 tensor (valid axes are -2...1)")
        }
        XCTAssertThrowsError(try Ops.max(Ops.zeros([0])))
        // reductions read non-contiguous views correctly
        XCTAssertEqual(try Ops.sum(Ops.transpose(x), axis: 1).toArray(), [5, 7, 9])
    }

    func naiveMatmul(_ a: [Float], _ b: [Float], _ m: Int, _ k: Int, _ n: Int) -> [Float] {
        var c = [Float](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n {
            var s = 0.0
            for p in 0..<k { s += Double(a[i * k + p]) * Double(b[p * n + j]) }
            c[i * n + j] = Float(s)
        } }
        return c
    }
}

final class EdgeCaseTests: XCTestCase {
    override func setUp() { Trace.listener = nil; GradMode.isEnabled = true; Interrupt.clear() }

    func testHugeSliceStepsAndIndicesDoNotTrap() throws {
        let x = try Ops.arange(0, 5)
        XCTAssertEqual(try Ops.index(x, [.slice(start: nil, stop: nil, step: Int.max)]).toArray(), [0])
        XCTAssertEqual(try Ops.index(x, [.slice(start: nil, stop: nil, step: Int.min)]).toArray(), [4])
        XCTAssertEqual(try Ops.index(x, [.slice(start: Int.min, stop: Int.max, step: 2)]).toArray(), [0, 2, 4])
        XCTAssertEqual(try Ops.index(x, [.slice(start: Int.max, stop: Int.min, step: -2)]).toArray(), [4, 2, 0])
        XCTAssertThrowsError(try Ops.index(x, [.index(Int.min)]))
        XCTAssertThrowsError(try Ops.reshape(x, [Int.max, 2]))
        XCTAssertThrowsError(try Ops.causalMask(Int.max))
        XCTAssertThrowsError(try Ops.arange(0, 1e300, 1e-300))
        XCTAssertThrowsError(try Ops.linspace(0, 1, -1))
    }

    func testEmptyTensorsFlowThroughOps() throws {
        let e = try Ops.zeros([0, 3])
        XCTAssertEqual(try Ops.softmax(e).shape, [0, 3])
        XCTAssertEqual(try Ops.sum(e, axis: 0).toArray(), [0, 0, 0])
        XCTAssertEqual(try Ops.matmul(e, Ops.zeros([3, 2])).shape, [0, 2])
        XCTAssertEqual(try Ops.matmul(Ops.zeros([2, 0]), Ops.zeros([0, 2])).toArray(), [0, 0, 0, 0])
        XCTAssertEqual(try Ops.logsumexp(Ops.zeros([2, 0])).toArray(), [-.infinity, -.infinity])
        XCTAssertThrowsError(try Ops.max(e, axis: 0))
        XCTAssertThrowsError(try Ops.layerNorm(Ops.zeros([2, 0]), Ops.zeros([0]), Ops.zeros([0])))
    }

    func testNaNAndInfinityPropagate() throws {
        let x = tensor([3], [.nan, .infinity, 1])
        XCTAssertTrue(try Ops.max(x).scalarValue?.isNaN ?? false)
        XCTAssertTrue(try Ops.softmax(x).toArray().allSatisfy(\.isNaN))
        XCTAssertEqual(try Ops.relu(tensor([1], [.infinity])).toArray(), [.infinity])
        XCTAssertTrue(try Ops.relu(tensor([1], [.nan])).scalarValue?.isNaN ?? false)
    }

    /// Every new storage starts on a cache line (64 bytes), whatever its size, so that the
    /// kernels' 32-byte loads and stores never split across two lines.
    func testNewTensorsAreCacheLineAligned() throws {
        var kept: [Tensor] = []
        for count in [1, 2, 3, 7, 16, 33, 1000, 4099, 70_000] {
            for _ in 0..<4 {
                let t = try Ops.zeros([count])
                XCTAssertEqual(Int(bitPattern: t.pointer) % 64, 0, "count \(count)")
                XCTAssertEqual(try t.toArray(), [Float](repeating: 0, count: count))
                kept.append(t)
            }
        }
        XCTAssertEqual(Int(bitPattern: Tensor(scalar: 3).pointer) % 64, 0)
        XCTAssertEqual(Tensor(scalar: 3).scalarValue, 3)
        let data = (0..<37).map(Float.init)
        let t = try Tensor(shape: [37], data: data)
        XCTAssertEqual(Int(bitPattern: t.pointer) % 64, 0)
        XCTAssertEqual(try t.toArray(), data)
    }
}
