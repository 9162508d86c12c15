import Dispatch
import Foundation
import XCTest
@testable import GlassboxLanguage
import GlassboxTensors

/// Every input the fuzzer (Fuzz/, Docs/TESTING.md "Fuzzing") found a crash, hang or leak with
/// is kept in `FuzzRegressions/` and run here under the fuzz harness's bounds: a fresh session,
/// a 4 MiB tensor limit, and an interrupt requested after two seconds (as Ctrl-C would). Each
/// must end in a value or a diagnostic — never a trap — and leave the session working.
final class FuzzRegressionTests: XCTestCase {
    override func tearDown() { Interrupt.clear() }

    func testEveryFuzzFindingEndsInAValueOrADiagnostic() throws {
        let folder = try XCTUnwrap(Bundle.module.url(forResource: "FuzzRegressions", withExtension: nil))
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "gbx" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        XCTAssertFalse(files.isEmpty)

        let savedLimit = Tensor.allocationLimit
        Tensor.allocationLimit = 4 << 20
        defer { Tensor.allocationLimit = savedLimit }

        for file in files {
            let name = file.lastPathComponent
            // The bytes as the fuzzer gave them (invalid UTF-8 becomes U+FFFD, as in the harness).
            let text = String(decoding: try Data(contentsOf: file), as: UTF8.self)
            RandomSource.seed(0)
            let session = Session()
            session.output = { _ in }
            _ = Session.completeness(of: text)
            let result = runWithWatchdog(seconds: 2) { session.run(text, name: name) }

            for statement in result.statements {
                guard let value = statement.value else { continue }
                XCTAssertFalse(session.format(value).isEmpty, name)
                _ = JSON.cellValue(value, cell: 1)
            }
            if let error = result.error {
                XCTAssertFalse(error.message.isEmpty, name)
                XCTAssertFalse(error.formatted().isEmpty, name)
                XCTAssertTrue(JSON.cellError(error, cell: 1).hasPrefix("{"), name)
            }
            Interrupt.clear()
            XCTAssertNil(Trace.listener, "\(name): explain left its trace listener installed")
            XCTAssertEqual(show("1 + 1", in: session), "2", "\(name): the session goes on")
        }
    }

    /// Runs `body` and requests an interrupt if it takes longer than `seconds`; the request can
    /// never land after `body` returned (it runs on a serial queue that is drained first).
    private func runWithWatchdog<T>(seconds: Double, _ body: () -> T) -> T {
        let queue = DispatchQueue(label: "fuzz-regression-watchdog")
        let watchdog = DispatchWorkItem { Interrupt.request() }
        queue.asyncAfter(deadline: .now() + seconds, execute: watchdog)
        let result = body()
        queue.sync { watchdog.cancel() }
        return result
    }

    // MARK: - Findings that need more than "does not trap"

    /// Leak found in the seed corpus: a recursive function's compiled body holds the slot it is
    /// bound to, and the slot holds the function; a session that went away leaked both.
    func testASessionFreesItsRecursiveFunctions() {
        weak var function: Function?
        do {
            let session = Session()
            XCTAssertNil(session.run("fact(n) = if n <= 1 { 1 } else { n * fact(n - 1) }\nfact(5)").error)
            if case .function(let f)? = session.value(of: "fact") { function = f }
            XCTAssertNotNil(function)
        }
        XCTAssertNil(function, "the function outlived its session")
    }

    /// Out of memory found with the fuzz harness: every event `explain` records keeps its
    /// tensors, so `explain` over a loop of large ops kept them all. It now keeps at most
    /// `Tensor.allocationLimit` bytes of distinct tensors (and always the first event).
    func testExplainKeepsABoundedAmountOfTensors() throws {
        let savedLimit = Tensor.allocationLimit
        Tensor.allocationLimit = 2 << 20
        defer { Tensor.allocationLimit = savedLimit }
        let session = Session()
        let result = session.run("explain { for i in 1...50 { y = zeros(65536) + 1 } }")
        XCTAssertNil(result.error)
        guard case .explanation(let e)? = result.lastValue else { return XCTFail("no explanation") }
        var seen = Set<ObjectIdentifier>()
        var bytes = 0
        for event in e.events {
            for t in ExplainRecorder.tensors(in: event.event) where seen.insert(ObjectIdentifier(t)).inserted {
                bytes += t.count * MemoryLayout<Float>.stride
            }
        }
        XCTAssertLessThanOrEqual(bytes, 2 << 20)
        XCTAssertGreaterThan(e.events.count, 1)
        XCTAssertLessThan(e.events.count, 100, "unbounded, the 50 iterations record 100 events (zeros, add)")
        // Small explanations are untouched.
        let small = session.run("explain sum([1, 2] * 2)")
        guard case .explanation(let s)? = small.lastValue else { return XCTFail("no explanation") }
        XCTAssertEqual(s.events.count, 2)
    }

    /// Stack overflow found with the fuzz harness: `zeros(ones(100000))` made a rank-100000 tensor and
    /// printing it recursed once per axis. Tensors now have at most 64 axes, however they grow.
    func testTensorsHaveAtMost64Axes() throws {
        let session = Session()
        let error = session.run("zeros(ones(100000))").error
        XCTAssertEqual(error?.kind, .value)
        XCTAssertEqual(error?.message, "zeros: a tensor has at most 64 axes, got 100000")
        XCTAssertEqual(session.run("reshape(1, ones(65))").error?.kind, .value)
        let loop = session.run("x = 1; for i in 1...100 { x = stack(x) }")
        XCTAssertEqual(loop.error?.message, "stack: a tensor has at most 64 axes, got 65")
        XCTAssertEqual(show("x.rank", in: session), "64", "the loop keeps the iterations it finished")
        XCTAssertFalse(session.format(try XCTUnwrap(session.value(of: "x"))).isEmpty)
    }

    /// Out of memory, then hangs, found with the fuzz harness: `x = zeros(3e15, 3, 0); x[:, 1]`
    /// is empty but has ~3·10¹⁵ rows; printing listed every empty row, and kernels looped over
    /// them without checking for Ctrl-C (`zeros(2^50, 0) + 1`). Such shapes are now refused
    /// (GlassboxTensors bounds ∏ max(dᵢ, 1) like a full tensor), and an empty tensor with many
    /// rows prints and encodes as `[]` under its shape; small ones keep their nested brackets.
    func testEmptyTensorsWithHugeDimensions() throws {
        let session = Session()
        XCTAssertEqual(session.run("zeros(3e15, 3, 0)").error?.kind, .allocation)
        XCTAssertEqual(session.run("x = zeros(0); reshape(x, 2^50, 0)").error?.kind, .allocation)
        XCTAssertEqual(session.run("zeros(2^20, 1, 0) + zeros(1, 2^20, 0)").error?.kind, .allocation)
        XCTAssertEqual(show("zeros(1000, 1000, 0)", in: session), "1000×1000×0\n[]")
        XCTAssertEqual(show("zeros(2, 0)", in: session), "2×0\n[[],\n []]")
        XCTAssertEqual(ValueFormatter().body(shape: [1 << 50, 3, 0], data: []), "[]")
        let many = try XCTUnwrap(session.run("zeros(1000, 1000, 0)").lastValue)
        XCTAssertEqual(JSON.value(many), "{\"shape\": [1000, 1000, 0], \"data\": []}")
        let few = try XCTUnwrap(session.run("zeros(2, 0)").lastValue)
        XCTAssertEqual(JSON.value(few), "{\"shape\": [2, 0], \"data\": [[], []]}")
    }

    /// Integer overflow traps found while auditing the data built-ins with the fuzz harness:
    /// the output size was `labels.count * n` / `rows * n`, unchecked.
    func testDataBuiltinsCheckTheirOutputSizeWithoutOverflow() {
        let session = Session()
        XCTAssertEqual(session.run("one_hot(zeros(2000), 8e15)").error?.kind, .allocation)
        XCTAssertEqual(session.run("multinomial(ones(2000, 1), 8e15)").error?.kind, .allocation)
        XCTAssertEqual(show("one_hot([1], 2)", in: session), "1×2\n[[0, 1]]")
        XCTAssertEqual(show("take([1, 2, 3], [2, 0])", in: session), "2-element\n[3, 1]")
    }
}
