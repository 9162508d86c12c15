import XCTest
@testable import GlassboxTensors

/// Every op has one declaration (`Op.spec`) with a formula and a derivative rule; these tests fail
/// when an op lacks either, or when what an op records or reports drifts from its declaration.
final class OpSpecTests: XCTestCase {
    override func setUp() { Trace.listener = nil; GradMode.isEnabled = true }
    override func tearDown() { Trace.listener = nil }

    /// The ops that record no node, each with the reason its spec gives.
    static let notDifferentiable: Set<Op> = [
        .zeros, .ones, .full, .eye, .arange, .linspace, .rand, .randn, .causalMask, .param, .detach,
        .less, .greater, .equal, .lessEqual, .greaterEqual, .notEqual, .argmax, .argmin,
        .sgd, .adam, .multinomial, .randperm, .oneHot, .encode, .sample, .isnan, .isinf, .isfinite, .any, .all,
    ]

    func testEveryOpDeclaresAFormulaAndADerivative() throws {
        let x = try Ops.param(Tensor(shape: [2], data: [1, 2]))
        let labels = ["a", "b", "c", "d", "e", "f", "g"].map { Formula($0) }
        for op in Op.allCases {
            let spec = op.spec
            XCTAssertEqual(spec.op, op, "\(op)'s spec is declared for \(spec.op)")
            XCTAssertEqual(Op(rawValue: op.name), op)
            let operands = Operands(labels: labels, inputs: Array(repeating: x, count: 7), outputs: [Formula("z")],
                                    upstream: ["∂L/∂z"])
            XCTAssertFalse(spec.formula(operands).text.isEmpty, "\(op) has no formula")
            switch spec.derivative {
            case .rule:
                XCTAssertFalse(Self.notDifferentiable.contains(op), "\(op) should record no node")
                let rule = try XCTUnwrap(spec.derivative(operands), "\(op)")
                XCTAssertFalse(rule.local?.isEmpty ?? true, "\(op) has no local derivative")
                XCTAssertTrue(rule.gradients.contains { $0 != nil }, "\(op) passes no gradient")
                for text in [rule.local ?? ""] + rule.gradients.compactMap({ $0 }) {
                    XCTAssertFalse(text.contains("chain rule through"), "\(op): a generic rule")
                }
            case .none(let why):
                XCTAssertTrue(Self.notDifferentiable.contains(op), "\(op) has a backward but no derivative rule")
                XCTAssertFalse(why.isEmpty, "\(op) says nothing about why no gradient flows")
                XCTAssertNil(spec.derivative(operands))
            }
        }
    }

    /// One graph through every differentiable op: each node that backward runs is an op whose spec
    /// has a rule, with a gradient text for every input it passes a gradient to; each forward
    /// event reports only the intermediates its spec declares, in order.
    func testRecordedOpsMatchTheirDeclarations() throws {
        RandomSource.seed(5)
        final class Recorder: TraceListener {
            var ops: [OpEvent] = []
            var backward: [BackwardEvent] = []
            func opDidRun(_ event: OpEvent) { ops.append(event) }
            func backwardDidRun(_ event: BackwardEvent) { backward.append(event) }
        }
        let recorder = Recorder()
        Trace.listener = recorder
        let W = try Ops.param(Ops.randn([3, 3])), v = try Ops.param(Ops.rand([3]))
        let x = try Ops.randn([2, 3])
        var terms: [Tensor] = []
        let h = try Ops.matmul(x, W)
        for f in [Ops.neg, Ops.exp, Ops.tanh, Ops.sigmoid, Ops.relu, Ops.gelu, Ops.abs] { terms.append(try f(h)) }
        let pos = try Ops.add(Ops.mul(v, v), Tensor(scalar: 1))
        terms += [try Ops.log(pos), try Ops.sqrt(pos), try Ops.div(h, pos), try Ops.pow(pos, v), try Ops.sub(h, v)]
        terms += [try Ops.maximum(h, v), try Ops.minimum(h, v), try Ops.select(Ops.greater(h, v), h, v)]
        terms += [try Ops.reshape(h, [3, 2]), try Ops.transpose(h), try Ops.permute(h, [1, 0]), try Ops.index(h, [.index(0)])]
        terms += [try Ops.take(W, Tensor(shape: [3], data: [2, 0, 2])), try Ops.sum(h, axis: 0), try Ops.mean(h), try Ops.variance(h)]
        terms += [try Ops.max(h, axis: 1), try Ops.min(h), try Ops.softmax(h), try Ops.logSoftmax(h), try Ops.logsumexp(h)]
        terms += [try Ops.concat([h, h]), try Ops.stack([h, h])]
        terms += [try Ops.maskedSelect(h, Ops.greater(h, Tensor(scalar: 0))),
                  try Ops.indexPut(h, [.index(0), .tensor(Tensor(shape: [2], data: [2, 0]))],
                                   Ops.index(v, [.slice(start: 1, stop: nil, step: nil)]))]
        terms.append(try Ops.crossEntropy(h, Tensor(shape: [2], data: [0, 2])))
        terms.append(try Ops.rnnCell(x, Ops.zeros([2, 3]), W, W, v, v))
        let (h1, c1) = try Ops.lstmCell(x, Ops.zeros([2, 1]), Ops.zeros([2, 1]), Ops.param(Ops.randn([4, 3])),
                                        Ops.param(Ops.randn([4, 1])), Ops.zeros([4]), Ops.zeros([4]))
        terms += [h1, c1]
        let q = try Ops.reshape(h, [1, 2, 3])
        terms.append(try Ops.attention(q, q, q, mask: Ops.causalMask(2)))
        terms.append(try Ops.layerNorm(h, v, v))
        // The vocabulary's ops
        for f in [Ops.sin, Ops.cos, Ops.tan, Ops.atan, Ops.sinh, Ops.cosh, Ops.floor, Ops.ceil, Ops.round, Ops.trunc,
                  Ops.sign, Ops.square, Ops.expm1, Ops.erf, Ops.silu, Ops.relu6] { terms.append(try f(h)) }
        let unit = try Ops.mul(Ops.tanh(h), Tensor(scalar: 0.5))
        terms += [try Ops.asin(unit), try Ops.acos(unit), try Ops.log1p(pos), try Ops.log2(pos), try Ops.log10(pos)]
        terms += [try Ops.softplus(h), try Ops.leakyRelu(h), try Ops.elu(h), try Ops.clip(h, min: -0.5, max: 0.5)]
        terms += [try Ops.atan2(h, pos), try Ops.prod(h, axis: 0), try Ops.norm(h), try Ops.cumsum(h, axis: 1), try Ops.cumprod(h, axis: 0)]
        terms += [try Ops.expand(v, [2, 3]), try Ops.tril(W), try Ops.triu(W, k: 1), try Ops.pad(h, [1, 2]), try Ops.diagonal(W)]
        terms += [try Ops.gather(h, axis: 1, Tensor(shape: [2, 2], data: [0, 2, 1, 1])), try Ops.sort(h, axis: 1).values]
        // Convolutional layers, on h as a 1×2×1×3 image.
        let img = try Ops.reshape(h, [1, 2, 1, 3])
        terms += [try Ops.conv2d(img, Ops.param(Ops.randn([2, 2, 1, 2])), padding: (0, 1)),
                  try Ops.batchNorm(img, runningMean: Ops.zeros([2]), runningVar: Ops.ones([2]), gamma: Ops.param(Ops.ones([2])),
                                    beta: nil, training: true),
                  try Ops.maxPool2d(img, kernel: (1, 2), stride: (1, 1)), try Ops.avgPool2d(img, kernel: (1, 2), stride: (1, 1)),
                  try Ops.adaptiveAvgPool2d(img, (1, 1))]
        var loss = try Ops.sum(terms[0])
        for t in terms.dropFirst() { loss = try Ops.add(loss, Ops.sum(t)) }
        try Autograd.backward(loss)
        Trace.listener = nil

        let differentiable = Set(Op.allCases.filter { $0.spec.isDifferentiable })
        let ran = Set(recorder.backward.map(\.op))
        XCTAssertEqual(differentiable.subtracting(ran), [], "differentiable ops this graph did not reach")
        for event in recorder.backward {
            let rule = try XCTUnwrap(event.op.spec.derivative(Operands(
                labels: event.inputs.indices.map { Formula("x\($0)") }, inputs: event.inputs,
                outputs: [Formula("z")], upstream: ["∂L/∂z"])), "\(event.op) ran backward without a rule")
            for (k, g) in event.inputGradients.enumerated() where g != nil {
                XCTAssertTrue(k < rule.gradients.count && rule.gradients[k] != nil,
                              "\(event.op) passes a gradient to input \(k) that its rule does not write")
            }
        }
        for event in recorder.ops where !event.intermediates.isEmpty {
            let declared = event.op.spec.intermediates
            let names = event.intermediates.map(\.name)
            XCTAssertEqual(names, declared.filter(names.contains), "\(event.op) reports intermediates its spec does not declare")
        }
    }

    /// `take` records one node whose backward adds each slice's gradient back at its index.
    func testTakeIsOneNodeWithAScatterAdd() throws {
        let W = try Ops.param(Tensor(shape: [3, 2], data: [0, 1, 2, 3, 4, 5]))
        let y = try Ops.take(W, Tensor(shape: [3], data: [2, 0, -1]))
        XCTAssertEqual(y.toArray(), [4, 5, 0, 1, 4, 5])
        XCTAssertEqual(y.node?.op, .take)
        XCTAssertTrue(y.node?.inputs.first === W, "one node, straight from W")
        try Autograd.backward(Ops.sum(Ops.mul(y, Tensor(shape: [3, 2], data: [1, 2, 3, 4, 5, 6]))))
        XCTAssertEqual(W.grad?.toArray(), [3, 4, 0, 0, 1 + 5, 2 + 6], "row 2 was taken twice: both contributions")
        let cols = try Ops.take(W, Tensor(shape: [2], data: [1, 1]), axis: 1)
        XCTAssertEqual(cols.toArray(), [1, 1, 3, 3, 5, 5])
        XCTAssertThrowsError(try Ops.take(W, Tensor(shape: [1], data: [3]))) { error in
            XCTAssertEqual("\(error)", "take: index 3 is out of range for axis 0 of size 3")
        }
    }

    func testDataOpsAgainstPlainLoops() throws {
        XCTAssertEqual(try Ops.oneHot(Tensor(shape: [3], data: [0, 2, 1]), 3).toArray(), [1, 0, 0, 0, 0, 1, 0, 1, 0])
        XCTAssertThrowsError(try Ops.oneHot(Tensor(shape: [1], data: [1.5]), 3)) { error in
            XCTAssertEqual("\(error)", "one_hot: label 1.5 is not a class index in 0…2")
        }
        // randperm: Fisher–Yates over the same draws as a plain loop.
        RandomSource.seed(11)
        let p = try Ops.randperm(9).toArray()
        RandomSource.seed(11)
        var q = (0..<9).map(Float.init)
        for i in stride(from: 8, to: 0, by: -1) { q.swapAt(i, min(Int(RandomSource.uniform() * Float(i + 1)), i)) }
        XCTAssertEqual(p, q)
        XCTAssertEqual(Set(p), Set((0..<9).map(Float.init)))
        // multinomial: never a category of weight 0; rows independent.
        RandomSource.seed(0)
        let draws = try Ops.multinomial(Tensor(shape: [2, 3], data: [0, 1, 0, 2, 0, 1]), 200).toArray()
        XCTAssertTrue(draws[..<200].allSatisfy { $0 == 1 })
        XCTAssertTrue(draws[200...].allSatisfy { $0 == 0 || $0 == 2 })
        XCTAssertThrowsError(try Ops.multinomial(Tensor(shape: [2], data: [1, .nan]), 1))
        XCTAssertThrowsError(try Ops.multinomial(Tensor(shape: [2], data: [0, 0]), 1)) { error in
            XCTAssertEqual("\(error)", "multinomial: the probabilities sum to 0")
        }
        let vocabulary = CharacterVocabulary("ehlo")
        XCTAssertEqual(try vocabulary.encode("hello").toArray(), [1, 0, 2, 2, 3])
        XCTAssertEqual(try vocabulary.decode(vocabulary.encode("hello")), "hello")
        XCTAssertThrowsError(try vocabulary.decode(Tensor(shape: [1], data: [4])))
    }
}
