import XCTest
@testable import GlassboxTensors

/// Indexing as NumPy: `...` and `None`, 0/1 masks, index tensors and assignment to an index.
/// Expected values were computed with NumPy (`x = np.arange(24.).reshape(2, 3, 4)`).
final class IndexingTests: XCTestCase {
    override func setUp() { Trace.listener = nil; GradMode.isEnabled = true }

    private func x234() throws -> Tensor { try Tensor(shape: [2, 3, 4], data: (0..<24).map(Float.init)) }
    private func t(_ shape: [Int], _ data: [Float]) throws -> Tensor { try Tensor(shape: shape, data: data) }

    func testEllipsisAndNewAxisAreViews() throws {
        let x = try x234()
        let last = try Ops.index(x, [.ellipsis, .index(1)])
        XCTAssertEqual(last.shape, [2, 3])
        XCTAssertEqual(last.toArray(), [1, 5, 9, 13, 17, 21])
        XCTAssertTrue(last.storage === x.storage, "a view shares storage")
        XCTAssertEqual(try Ops.index(x, [.newAxis, .all, .index(1)]).shape, [1, 2, 4])
        XCTAssertEqual(try Ops.index(x, [.all, .newAxis]).shape, [2, 1, 3, 4])
        XCTAssertEqual(try Ops.index(x, [.index(0), .ellipsis, .newAxis]).shape, [3, 4, 1])
        XCTAssertEqual(try Ops.index(x, [.ellipsis, .newAxis, .index(2)]).shape, [2, 3, 1])
        XCTAssertEqual(try Ops.index(x, [.ellipsis]).toArray(), x.toArray())
        XCTAssertThrowsError(try Ops.index(x, [.ellipsis, .index(0), .ellipsis])) { error in
            XCTAssertEqual("\(error)", "index: an index can have only one `...`")
        }
        XCTAssertThrowsError(try Ops.index(x, [.index(0), .index(0), .index(0), .ellipsis, .index(0)])) { error in
            XCTAssertEqual("\(error)", "index: too many indices (4) for a rank-3 tensor")
        }
    }

    func testMasksSelectTheElementsWhereTheyAreOne() throws {
        let x = try x234()
        let m = try t([2, 3], [1, 0, 1, 0, 1, 0])
        let rows = try Ops.indexed(x, [.tensor(m)])
        XCTAssertEqual(rows.shape, [3, 4])
        XCTAssertEqual(rows.toArray(), [0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19])
        let whole = try Ops.greater(x, Tensor(scalar: 20))
        XCTAssertEqual(try Ops.indexed(x, [.tensor(whole)]).toArray(), [21, 22, 23])
        let cols = try Ops.indexed(x, [.all, .all, .tensor(t([4], [0, 1, 1, 0]))])
        XCTAssertEqual(cols.shape, [2, 3, 2])
        XCTAssertNil(cols.node, "no node without a parameter")
        XCTAssertThrowsError(try Ops.maskedSelect(x, t([3], [1, 0, 1]))) { error in
            XCTAssertEqual("\(error)", "masked_select: shapes 2×3×4 and 3-element do not match (a mask has the shape of the axes it selects from)")
        }
        XCTAssertThrowsError(try Ops.maskedSelect(x, t([2], [1, 2]))) { error in
            XCTAssertEqual("\(error)", "masked_select: a mask holds 0s and 1s, got 2")
        }
    }

    func testIndexTensorsGatherAlongTheirAxis() throws {
        let x = try x234()
        let picked = try Ops.indexed(x, [.all, .tensor(t([3], [2, 0, 2]))])
        XCTAssertEqual(picked.shape, [2, 3, 4])
        XCTAssertEqual(Array(picked.toArray()[12...]), [20, 21, 22, 23, 12, 13, 14, 15, 20, 21, 22, 23])
        XCTAssertEqual(try Ops.indexed(x, [.ellipsis, .tensor(t([2], [1, 1]))]).shape, [2, 3, 2])
        // NumPy puts the selection's axes first when an integer and the tensor are apart.
        let apart = try Ops.indexed(x, [.index(1), .all, .tensor(t([2], [3, 0]))])
        XCTAssertEqual(apart.shape, [2, 3])
        XCTAssertEqual(apart.toArray(), [15, 19, 23, 12, 16, 20])
        // A vector of 0s and 1s shaped like the axes it stands for is a mask; any other is indices.
        XCTAssertEqual(try Ops.indexed(x, [.tensor(t([2], [1, 1]))]).shape, [2, 3, 4], "mask [1, 1]")
        XCTAssertEqual(try Ops.indexed(x, [.tensor(t([3], [1, 1, 0]))]).shape, [3, 3, 4], "indices (shape 3-element ≠ 2)")
        XCTAssertThrowsError(try Ops.indexed(x, [.tensor(t([1], [2]))])) { error in
            XCTAssertEqual("\(error)", "take: index 2 is out of range for axis 0 of size 2")
        }
    }

    func testSeveralIndexTensorsBroadcastTogether() throws {
        let x = try x234()
        let rows = try Ops.indexed(x, [.tensor(t([2], [0, 1])), .tensor(t([2], [2, 0]))])
        XCTAssertEqual(rows.shape, [2, 4])
        XCTAssertEqual(rows.toArray(), [8, 9, 10, 11, 12, 13, 14, 15])
        let pairs = try Ops.indexed(x, [.all, .tensor(t([2], [0, 2])), .tensor(t([2], [1, 3]))])
        XCTAssertEqual(pairs.shape, [2, 2])
        XCTAssertEqual(pairs.toArray(), [1, 11, 13, 23])
        XCTAssertEqual(try Ops.indexed(x, [.tensor(t([2, 1], [0, 1])), .tensor(t([2], [0, -1]))]).shape, [2, 2, 4])
        XCTAssertThrowsError(try Ops.indexed(x, [.tensor(t([1], [0])), .all, .tensor(t([1], [0]))])) { error in
            XCTAssertEqual("\(error)", "index: index tensors must stand side by side (`x[i, j]`, not `x[i, :, j]`)")
        }
        XCTAssertThrowsError(try Ops.indexed(x, [.tensor(t([1], [0])), .tensor(t([1], [3]))])) { error in
            XCTAssertEqual("\(error)", "index: index 3 is out of range for axis 1 of size 3")
        }
        let put = try Ops.indexPut(x, [.all, .tensor(t([2], [0, 2])), .tensor(t([2], [1, 3]))], t([2, 1], [-1, -2]))
        XCTAssertEqual(put.shape, [2, 3, 4])
        XCTAssertEqual(try Ops.indexed(put, [.all, .tensor(t([2], [0, 2])), .tensor(t([2], [1, 3]))]).toArray(), [-1, -1, -2, -2])
        XCTAssertEqual(put.toArray().filter { $0 < 0 }.count, 4, "nothing else changed")
        let p = try GradCheck.param([2, 3, 4]), v = try GradCheck.param([2, 1], seed: 6)
        try GradCheck.check([p]) { q in try Ops.indexed(q[0], [.all, .tensor(self.t([3], [0, 2, 2])), .tensor(self.t([3], [1, 3, 3]))]) }
        try GradCheck.check([p, v]) { q in try Ops.indexPut(q[0], [.tensor(self.t([2], [1, 0])), .tensor(self.t([2], [2, 2]))], q[1]) }
    }

    func testIndexPutMakesANewTensorAndLeavesTheOldOne() throws {
        let x = try x234()
        let y = try Ops.indexPut(x, [.spec(.index(0)), .spec(.slice(start: 1, stop: 3, step: nil))], t([4], [100, 200, 300, 400]))
        XCTAssertEqual(Array(y.toArray()[..<12]), [0, 1, 2, 3, 100, 200, 300, 400, 100, 200, 300, 400])
        XCTAssertEqual(Array(y.toArray()[12...]), (12..<24).map(Float.init))
        XCTAssertEqual(x.toArray(), (0..<24).map(Float.init), "the old tensor is unchanged")
        let cols = try Ops.indexPut(x, [.spec(.all), .tensor(t([3], [2, 0, 2]))], Tensor(scalar: 7))
        XCTAssertEqual(try Ops.index(cols, [.all, .all, .index(0)]).toArray(), [7, 4, 7, 7, 16, 7])
        let masked = try Ops.indexPut(x, [.tensor(t([2, 3], [1, 0, 1, 0, 1, 0]))], Tensor(scalar: -1))
        XCTAssertEqual(try Ops.index(masked, [.all, .all, .index(0)]).toArray(), [-1, 4, -1, 12, -1, 20])
        let apart = try Ops.indexPut(x, [.spec(.index(1)), .spec(.all), .tensor(t([2], [3, 0]))], t([2, 1], [-1, -2]))
        XCTAssertEqual(try Ops.index(apart, [.index(1), .all, .index(3)]).toArray(), [-1, -1, -1])
        XCTAssertEqual(try Ops.index(apart, [.index(1), .all, .index(0)]).toArray(), [-2, -2, -2])
        XCTAssertThrowsError(try Ops.indexPut(x, [.spec(.index(0))], t([2], [1, 2]))) { error in
            XCTAssertEqual("\(error)", "index_put: shapes 2-element and 3×4 do not match (the value does not fit the indexed part)")
        }
        let view = try Ops.transpose(Ops.index(x, [.index(0)]))   // a strided input
        XCTAssertEqual(try Ops.indexPut(view, [.spec(.index(1))], t([3], [9, 9, 9])).toArray(),
                       [0, 4, 8, 9, 9, 9, 2, 6, 10, 3, 7, 11])
    }

    func testGradientsAgainstFiniteDifferences() throws {
        let x = try GradCheck.param([2, 3, 4])
        try GradCheck.check([x]) { p in try Ops.indexed(p[0], [.spec(.ellipsis), .spec(.newAxis), .spec(.index(1))]) }
        try GradCheck.check([x]) { p in try Ops.indexed(p[0], [.tensor(self.t([2, 3], [1, 0, 1, 1, 1, 0]))]) }
        try GradCheck.check([x]) { p in try Ops.indexed(p[0], [.spec(.all), .tensor(self.t([4], [2, 0, 2, 2]))]) }
        try GradCheck.check([x]) { p in try Ops.indexed(p[0], [.spec(.index(1)), .spec(.all), .tensor(self.t([2], [3, 0]))]) }
        let v = try GradCheck.param([4], seed: 2), s = try GradCheck.param([], seed: 3)
        try GradCheck.check([x, v]) { p in
            try Ops.indexPut(p[0], [.spec(.index(0)), .spec(.slice(start: 1, stop: 3, step: nil))], p[1])
        }
        // Duplicate indices: the last write stays, so only it receives a gradient.
        try GradCheck.check([x, s]) { p in try Ops.indexPut(p[0], [.spec(.all), .tensor(self.t([3], [2, 0, 2]))], p[1]) }
        let w = try GradCheck.param([3, 4], seed: 4)
        try GradCheck.check([x, w]) { p in try Ops.indexPut(p[0], [.tensor(self.t([2, 3], [1, 0, 1, 0, 1, 0]))], p[1]) }
        // Strided inputs: a transposed x, a broadcast v.
        let m = try GradCheck.param([3, 4], seed: 7), r = try GradCheck.param([1], seed: 8)
        try GradCheck.check([m, r]) { p in try Ops.indexPut(Ops.transpose(p[0]), [.index(1), .all], p[1]) }
        try GradCheck.check([m]) { p in try Ops.indexed(Ops.transpose(p[0]), [.tensor(self.t([4], [0, 1, 1, 0]))]) }
        let u = try GradCheck.param([2, 1], seed: 5)
        try GradCheck.check([x, u]) { p in
            try Ops.indexPut(p[0], [.spec(.index(1)), .spec(.all), .tensor(self.t([2], [3, 0]))], p[1])
        }
    }

    func testDuplicateIndicesAccumulateInAGather() throws {
        let x = try Ops.param(t([3], [1, 2, 3]))
        try Autograd.backward(Ops.sum(Ops.indexed(x, [.tensor(t([4], [2, 0, 2, 2]))])))
        XCTAssertEqual(x.grad?.toArray(), [1, 0, 3])
    }

    func testIndexPutGradientFlowsToBothSources() throws {
        let x = try Ops.param(t([4], [1, 2, 3, 4])), v = try Ops.param(t([], [5]))
        let y = try Ops.indexPut(x, [.tensor(t([3], [1, 1, 3]))], v)
        XCTAssertEqual(y.toArray(), [1, 5, 3, 5])
        XCTAssertEqual(y.node?.op, .indexPut)
        try Autograd.backward(Ops.sum(Ops.mul(y, t([4], [1, 10, 100, 1000]))))
        XCTAssertEqual(x.grad?.toArray(), [1, 0, 100, 0])
        XCTAssertEqual(v.grad?.toArray(), [1010], "position 1 written twice counts once")
    }
}
