import Dispatch
import Synchronization
import XCTest
@testable import GlassboxKernels

/// `WorkerPool` (behind `Threaded.forEachChunk`): every chunk runs exactly once, whoever claims
/// it, also when jobs follow each other closely, when a chunk asks for threads itself, when two
/// threads submit at once, and when a job has more chunks than one ticket holds; an interrupt
/// skips the chunks not yet started.
final class WorkerPoolTests: XCTestCase {
    override func setUp() { Interrupt.clear() }
    override func tearDown() { Interrupt.clear() }

    /// Runs a job of `chunks` chunks through `run` and checks that each chunk ran once.
    func checkEachChunkOnce(_ chunks: Int, _ run: (Int, (Int) -> Void) -> Void, file: StaticString = #filePath, line: UInt = #line) {
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: max(chunks, 1))
        counts.initialize(repeating: 0, count: max(chunks, 1))
        defer { counts.deallocate() }
        run(chunks) { chunk in counts[chunk] += 1 }   // each chunk writes only its own slot
        let wrong = (0..<chunks).filter { counts[$0] != 1 }
        XCTAssert(wrong.isEmpty, "\(chunks) chunks: \(wrong.count) ran other than once, e.g. chunk \(wrong.first ?? -1)",
                  file: file, line: line)
    }

    func testEveryChunkRunsOnce() {
        for chunks in [0, 1, 2, 3, 17, 1000] {
            for _ in 0..<200 { checkEachChunkOnce(chunks) { n, body in WorkerPool.shared.run(chunks: n, body) } }
        }
    }

    /// Back-to-back jobs with no gap: a worker still finishing its view of one job must never
    /// run a chunk of the next with the wrong body.
    func testJobsBackToBackKeepTheirBodies() {
        let total = Atomic<Int>(0)
        for job in 1...2000 {
            WorkerPool.shared.run(chunks: 4) { _ in total.add(job, ordering: .relaxed) }
        }
        XCTAssertEqual(total.load(ordering: .relaxed), 4 * (2000 * 2001 / 2))
    }

    func testAChunkThatAsksForThreadsRunsItsWorkOnItsOwnThread() {
        let inner = Atomic<Int>(0)
        WorkerPool.shared.run(chunks: 8) { _ in
            WorkerPool.shared.run(chunks: 5) { _ in inner.add(1, ordering: .relaxed) }
        }
        XCTAssertEqual(inner.load(ordering: .relaxed), 40)
    }

    func testTwoSubmittersAtOnce() {
        let total = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for _ in 0..<200 {
                WorkerPool.shared.run(chunks: 9) { _ in total.add(1, ordering: .relaxed) }
            }
        }
        XCTAssertEqual(total.load(ordering: .relaxed), 4 * 200 * 9)
    }

    func testMoreChunksThanOneTicketHolds() {
        let chunks = WorkerPool.maxChunks + 3
        checkEachChunkOnce(chunks) { n, body in WorkerPool.shared.run(chunks: n, body) }
    }

    func testInterruptSkipsTheChunksNotStarted() {
        let ran = Atomic<Int>(0)
        WorkerPool.shared.run(chunks: 10_000) { _ in
            if ran.add(1, ordering: .relaxed).newValue == 1 { Interrupt.request() }
        }
        Interrupt.clear()
        XCTAssertLessThan(ran.load(ordering: .relaxed), 100, "chunks claimed after the request must be skipped")
    }

    /// `Threaded.forEachChunk`, the entry point the kernels use, over the pool.
    func testForEachChunk() {
        for chunks in [1, 2, 31, 64] {
            checkEachChunkOnce(chunks) { n, body in Threaded.forEachChunk(n, body) }
        }
    }
}
