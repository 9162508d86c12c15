import XCTest
@testable import GlassboxTensors

/// Deferred convolutions (`Deferral`): a convolution followed by eval-mode batch norm, an add and
/// an activation runs as one pass on the fast path, and gives the bits of the ops run one by one
/// — on every convolution path, in every order the steps can join — while nothing a user can see
/// depends on when the result is computed.
final class FusionTests: XCTestCase {
    override func setUp() {
        Trace.listener = nil
        GradMode.isEnabled = true
        Interrupt.clear()
        Deferral.isEnabled = true
        RandomSource.seed(UInt64(11))
    }

    override func tearDown() { Deferral.isEnabled = true }

    /// The elements' bit patterns (NaN and −0 compared exactly).
    func bits(_ t: Tensor) -> [UInt32] { t.toArray().map(\.bitPattern) }

    /// `f` with deferral on and off: the same bits, and with it on, a deferred result.
    func assertFusedMatches(_ label: String, expectDeferred: Bool = true, _ f: () throws -> Tensor,
                            file: StaticString = #filePath, line: UInt = #line) throws {
        Deferral.isEnabled = false
        let plain = try f()
        XCTAssertNil(plain.storage.deferred, label, file: file, line: line)
        Deferral.isEnabled = true
        let fused = try f()
        if Kernels.useFast {
            XCTAssertEqual(fused.storage.deferred != nil, expectDeferred, "\(label): deferred", file: file, line: line)
        }
        XCTAssertEqual(fused.shape, plain.shape, label, file: file, line: line)
        XCTAssertEqual(bits(fused), bits(plain), "\(label): fused ≠ one by one", file: file, line: line)
        XCTAssertNil(fused.storage.deferred, "\(label): computed once read", file: file, line: line)
    }

    struct Geometry {
        let name: String, x: [Int], w: [Int], stride: Int, padding: Int, groups: Int, bias: Bool
    }

    /// Every convolution path: pointwise per image and gathered (planes under 16 pixels, several
    /// images), depthwise on wide and narrow planes, strided, and im2col with groups.
    let geometries = [
        Geometry(name: "pointwise", x: [2, 8, 9, 7], w: [13, 8, 1, 1], stride: 1, padding: 0, groups: 1, bias: false),
        Geometry(name: "pointwise, one image, wide", x: [1, 24, 20, 20], w: [40, 24, 1, 1], stride: 1, padding: 0, groups: 1, bias: true),
        // 160 rows × 1600 columns: the epilogue's blocks of C are capped in width (gemmPacked),
        // so each core's half runs as several column blocks.
        Geometry(name: "pointwise, several column blocks", x: [1, 24, 40, 40], w: [160, 24, 1, 1], stride: 1, padding: 0, groups: 1, bias: false),
        Geometry(name: "pointwise gathered", x: [3, 16, 3, 3], w: [20, 16, 1, 1], stride: 1, padding: 0, groups: 1, bias: false),
        Geometry(name: "depthwise", x: [2, 10, 11, 13], w: [10, 1, 3, 3], stride: 1, padding: 1, groups: 10, bias: false),
        Geometry(name: "depthwise stride 2, bias", x: [1, 12, 15, 16], w: [12, 1, 3, 3], stride: 2, padding: 1, groups: 12, bias: true),
        Geometry(name: "depthwise narrow", x: [2, 6, 2, 2], w: [6, 1, 3, 3], stride: 1, padding: 1, groups: 6, bias: false),
        Geometry(name: "3×3 stride 2 (stem)", x: [1, 3, 17, 18], w: [16, 3, 3, 3], stride: 2, padding: 1, groups: 1, bias: false),
        Geometry(name: "grouped 3×3, bias", x: [2, 4, 9, 9], w: [6, 2, 3, 3], stride: 1, padding: 1, groups: 2, bias: true),
    ]

    func testEveryChainOnEveryPathGivesTheBitsOfTheOpsOneByOne() throws {
        for geo in geometries {
            let x = try Ops.randn(geo.x), w = try Ops.randn(geo.w), b = geo.bias ? try Ops.randn([geo.w[0]]) : nil
            let c = geo.w[0]
            let mean = try Ops.randn([c]), variance = try Ops.add(try Ops.rand([c]), try Ops.full(0.5, [c]))
            let gamma = try Ops.randn([c]), beta = try Ops.randn([c])
            func conv() throws -> Tensor {
                try Ops.conv2d(x, w, bias: b, stride: (geo.stride, geo.stride), padding: (geo.padding, geo.padding), groups: geo.groups)
            }
            func bn(_ t: Tensor) throws -> Tensor { try Ops.batchNorm(t, runningMean: mean, runningVar: variance, gamma: gamma, beta: beta) }
            let shape = try conv().shape
            let r = try Ops.mul(try Ops.randn(shape), try Ops.full(3, [1]))
            let n = geo.name
            try assertFusedMatches("\(n): conv") { try conv() }
            try assertFusedMatches("\(n): bn") { try bn(conv()) }
            try assertFusedMatches("\(n): relu6 ∘ bn") { try Ops.relu6(bn(conv())) }
            try assertFusedMatches("\(n): bn + r") { try Ops.add(bn(conv()), r) }
            try assertFusedMatches("\(n): r + bn") { try Ops.add(r, bn(conv())) }
            try assertFusedMatches("\(n): relu(bn + r)") { try Ops.relu(Ops.add(bn(conv()), r)) }
            try assertFusedMatches("\(n): clip(conv + r)") { try Ops.clip(Ops.add(conv(), r), min: -0.5, max: 0.75) }
            try assertFusedMatches("\(n): relu") { try Ops.relu(conv()) }
            // A batch norm after the add cannot join (the kernels apply it first): it runs as its own op.
            try assertFusedMatches("\(n): bn(conv + r)", expectDeferred: false) { try bn(Ops.add(conv(), r)) }
            // Nor a second activation.
            try assertFusedMatches("\(n): relu(relu6)", expectDeferred: false) { try Ops.relu(Ops.relu6(conv())) }
            // No batch norm without γ and β.
            try assertFusedMatches("\(n): bn without γ, β") {
                try Ops.relu6(Ops.batchNorm(conv(), runningMean: mean, runningVar: variance, gamma: nil, beta: nil))
            }
        }
    }

    func testATensorAStepJoinedStillHoldsItsOwnValues() throws {
        let x = try Ops.randn([1, 8, 6, 6]), w = try Ops.randn([8, 8, 1, 1])
        Deferral.isEnabled = false
        let expected = bits(try Ops.conv2d(x, w))
        let expectedRelu = bits(try Ops.relu(Ops.conv2d(x, w)))
        Deferral.isEnabled = true
        let y = try Ops.conv2d(x, w)
        let z = try Ops.relu(y)
        XCTAssertEqual(bits(z), expectedRelu)
        XCTAssertEqual(bits(y), expected, "y itself is the convolution, without the relu that joined z")
        // A view of part of a deferred result computes it first; nothing joins a view.
        let y2 = try Ops.conv2d(x, w)
        let part = try Ops.index(y2, [.index(0)] as [IndexSpec])
        XCTAssertNil(part.wholeDeferred)
        XCTAssertEqual(bits(try Ops.relu(part)), Array(expectedRelu))
    }

    func testAnOptimizerStepComputesDeferredResultsBeforeChangingItsParameters() throws {
        let x = try Ops.randn([1, 4, 5, 5])
        let w = try Ops.param(try Ops.randn([6, 4, 1, 1]))
        Deferral.isEnabled = false
        let before = bits(try Ops.conv2d(x, Ops.detach(w)))
        Deferral.isEnabled = true
        // The detached view shares w's storage and records nothing: the convolution is deferred.
        let y = try Ops.conv2d(x, Ops.detach(w))
        XCTAssertNotNil(y.storage.deferred)
        try Autograd.backward(try Ops.sum(try Ops.conv2d(x, w)))
        try Optimizer.sgd([w], lr: 0.5).step()
        XCTAssertEqual(bits(y), before, "y is the convolution with w as it was when conv2d ran")
    }

    func testTrainingModeBatchNormComputesDeferredResultsBeforeUpdatingItsStatistics() throws {
        let x = try Ops.randn([2, 3, 4, 4]), w = try Ops.randn([3, 3, 1, 1])
        let mean = try Ops.zeros([3]), variance = try Ops.ones([3])
        Deferral.isEnabled = false
        let expected = bits(try Ops.batchNorm(Ops.conv2d(x, w), runningMean: mean, runningVar: variance, gamma: nil, beta: nil))
        Deferral.isEnabled = true
        let evalMode = try Ops.batchNorm(Ops.conv2d(x, w), runningMean: mean, runningVar: variance, gamma: nil, beta: nil)
        XCTAssertNotNil(evalMode.storage.deferred)
        _ = try Ops.batchNorm(try Ops.randn([2, 3, 4, 4]), runningMean: mean, runningVar: variance, gamma: nil, beta: nil, training: true)
        XCTAssertEqual(bits(evalMode), expected, "eval-mode result from the statistics as they were")
    }

    func testNothingIsDeferredWhileRecordingOrTracing() throws {
        let x = try Ops.randn([1, 4, 5, 5]), w = try Ops.param(try Ops.randn([6, 4, 1, 1]))
        XCTAssertNil(try Ops.conv2d(x, w).storage.deferred, "recorded for autograd")
        final class Listener: TraceListener { func opDidRun(_ event: OpEvent) {}; func backwardDidRun(_ event: BackwardEvent) {} }
        Trace.listener = Listener()
        defer { Trace.listener = nil }
        XCTAssertNil(try Ops.conv2d(x, Ops.detach(w)).storage.deferred, "traced")
    }

    func testSettleAllComputesEveryWaitingResult() throws {
        let x = try Ops.randn([1, 4, 5, 5]), w = try Ops.randn([6, 4, 1, 1])
        let y = try Ops.relu(Ops.conv2d(x, w))
        XCTAssertTrue(Deferral.hasPending)
        XCTAssertTrue(Deferral.settleAll())
        XCTAssertNil(y.storage.deferred)
        XCTAssertFalse(Deferral.hasPending)
        XCTAssertFalse(Deferral.settleAll())
    }
}
