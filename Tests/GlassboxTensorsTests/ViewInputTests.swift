import XCTest
@testable import GlassboxTensors

/// Every op given non-contiguous views (transposed, sliced with steps, reversed, broadcast)
/// returns exactly what it returns for a contiguous copy of the same values.
final class ViewInputTests: XCTestCase {
    override func setUp() { Trace.listener = nil; GradMode.isEnabled = true; Interrupt.clear() }

    /// A (rows×cols) view over a larger buffer, reversed and strided so nothing is contiguous.
    func view(_ rows: Int, _ cols: Int, seed: UInt64) throws -> Tensor {
        RandomSource.seed(seed)
        let big = try Ops.randn([2 * cols + 1, rows])                                  // transpose → (rows, 2c+1)
        let v = try Ops.index(Ops.transpose(big), [.all, .slice(start: nil, stop: nil, step: -2)])
        XCTAssertEqual(v.shape, [rows, cols + 1])
        let w = try Ops.index(v, [.all, .slice(start: 0, stop: cols, step: nil)])
        if rows > 1 && cols > 1 { XCTAssertFalse(w.isContiguous) }
        return w
    }

    func copy(_ x: Tensor) throws -> Tensor { try Tensor(shape: x.shape, data: x.toArray()) }

    func same(_ f: ([Tensor]) throws -> Tensor, _ inputs: [Tensor], _ what: String,
              file: StaticString = #filePath, line: UInt = #line) throws {
        let a = try f(inputs).toArray(), b = try f(inputs.map(copy)).toArray()
        XCTAssertEqual(a, b, what, file: file, line: line)
    }

    func testElementwiseReductionsSoftmaxMatmul() throws {
        for n in [1, 7, 33] {
            let x = try view(3, n, seed: 1), y = try view(3, n, seed: 2), row = try Ops.index(view(1, n, seed: 3), [.index(0)])
            for (name, f) in [("exp", Ops.exp), ("tanh", Ops.tanh), ("gelu", Ops.gelu), ("relu", Ops.relu)] as [(String, (Tensor) throws -> Tensor)] {
                try same({ try f($0[0]) }, [x], "\(name) n=\(n)")
            }
            try same({ try Ops.add($0[0], $0[1]) }, [x, y], "add")
            try same({ try Ops.mul($0[0], $0[1]) }, [x, row], "mul row broadcast")
            try same({ try Ops.select(Ops.greater($0[0], $0[1]), $0[0], $0[2]) }, [x, y, row], "where")
            for axis in [nil, 0, 1] as [Int?] {
                try same({ try Ops.sum($0[0], axis: axis) }, [x], "sum \(String(describing: axis))")
                try same({ try Ops.max($0[0], axis: axis) }, [x], "max")
                try same({ try Ops.variance($0[0], axis: axis) }, [x], "var")
            }
            try same({ try Ops.softmax($0[0], axis: 0) }, [x], "softmax axis 0")
            try same({ try Ops.logSoftmax($0[0]) }, [x], "log_softmax")
            try same({ try Ops.logsumexp($0[0]) }, [x], "logsumexp")
            try same({ try Ops.matmul($0[0], Ops.transpose($0[1])) }, [x, y], "matmul")
            try same({ try Ops.matmul($0[0], $0[1]) }, [x, row], "matmul with a vector")
            try same({ try Ops.layerNorm($0[0], $0[1], $0[1]) }, [x, row], "layer_norm")
            try same({ try Ops.concat([$0[0], $0[1]], axis: 1) }, [x, y], "concat")
            try same({ try Ops.reshape($0[0], [-1]) }, [x], "reshape")
        }
    }

    func testFusedCellsAndAttention() throws {
        let H = 3
        let x = try view(2, 4, seed: 4), h = try view(2, H, seed: 5), c = try view(2, H, seed: 6)
        let Wih = try view(4 * H, 4, seed: 7), Whh = try view(4 * H, H, seed: 8)
        let b = try Ops.index(view(1, 4 * H, seed: 9), [.index(0)])
        try same({ try Ops.lstmCell($0[0], $0[1], $0[2], $0[3], $0[4], $0[5], $0[5]).h }, [x, h, c, Wih, Whh, b], "lstm_cell")
        let q = try view(5, 4, seed: 10), k = try view(5, 4, seed: 11), v = try view(5, 2, seed: 12)
        try same({ try Ops.attention($0[0], $0[1], $0[2], mask: Ops.causalMask(5)) }, [q, k, v], "attention")
        try same({ try Ops.crossEntropy($0[0], Tensor(shape: [5], data: [0, 1, 2, 3, 0])) }, [q], "cross_entropy")
    }
}
