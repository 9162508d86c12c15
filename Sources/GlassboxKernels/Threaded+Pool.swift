import GlassboxKernelsFast
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The worker threads behind `Threaded.forEachChunk`: one per core besides the caller's, started
/// on first use and kept for the life of the process.
///
/// Why not `DispatchQueue.concurrentPerform`: it wakes a worker on every call, which costs as
/// much as the whole of a 32×512×128 product (one step of an LSTM). A pool whose workers spin
/// for a short while after each job (as OpenBLAS's and OpenMP's do) takes a new job at once
/// while work keeps coming, and sleeps on a condition variable once it stops.
///
/// A job is `chunks` calls of `body(chunk)`. Chunks are claimed one at a time with a
/// compare-and-swap on one 64-bit ticket (generation · chunk count · next chunk), so the caller
/// and the workers share them dynamically: a worker that is late (asleep, or descheduled on a
/// loaded machine) simply gets fewer chunks, and the caller never waits for a chunk nobody has
/// started. The generation in the ticket makes a stale claim (a worker that read the ticket of
/// a finished job) fail. `body` is read only after a successful claim, and the caller clears it
/// only after every chunk has finished, so no thread ever sees a job's closure outside the job.
final class WorkerPool: @unchecked Sendable {
    /// The pool of `Threaded.workers − 1` threads.
    static let shared = WorkerPool(threads: Threaded.workers - 1)

    /// How long an idle worker spins before it sleeps: longer than the gaps between the kernels
    /// of a training step, short enough not to matter at the prompt.
    static let spinNanoseconds: UInt64 = 300_000

    let threads: Int
    /// Bits 40…63: job generation; 20…39: number of chunks; 0…19: next chunk to claim.
    let ticket = Atomic<UInt64>(0)
    /// Chunks of the current job that have finished.
    let finished = Atomic<Int>(0)
    /// Held while a job runs; a second caller (another thread, or a chunk that itself asks for
    /// threads) runs its work serially instead of waiting.
    let busy = Atomic<Bool>(false)
    /// Workers blocked on `wakeUp`.
    let sleepers = Atomic<Int>(0)
    /// The current job's body; written by the caller before it publishes the ticket.
    nonisolated(unsafe) var body: ((Int) -> Void)? = nil
    /// Touched only by the thread that holds `busy`.
    nonisolated(unsafe) var generation: UInt64 = 0
    let mutex: UnsafeMutablePointer<pthread_mutex_t>
    let wakeUp: UnsafeMutablePointer<pthread_cond_t>

    /// Set once `shared` exists, so that asking whether the workers are awake never starts them.
    static let started = Atomic<Bool>(false)

    /// True while the pool has started and no worker is blocked on `wakeUp`: every worker is
    /// running a chunk or spinning, so a new job starts on all cores within a cache-line
    /// transfer instead of a wake-up.
    static var isAwake: Bool {
        started.load(ordering: .acquiring) && shared.threads > 0 && shared.sleepers.load(ordering: .relaxed) == 0
    }

    static let fieldMask: UInt64 = (1 << 20) - 1
    static let maxChunks = Int(fieldMask)

    init(threads: Int) {
        self.threads = max(0, threads)
        mutex = .allocate(capacity: 1)
        wakeUp = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(wakeUp, nil)
        for _ in 0..<self.threads { start() }
        Self.started.store(true, ordering: .releasing)
    }

    private func start() {
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, { context in
            guard let context else { return nil }
            Unmanaged<WorkerPool>.fromOpaque(context).takeUnretainedValue().workerLoop()   // never returns
        }, context)
        if created == 0 { pthread_detach(thread) } else { Unmanaged<WorkerPool>.fromOpaque(context).release() }
    }

    // MARK: - Running a job

    /// Runs body(0), …, body(chunks − 1), on this thread and the pool's; returns when all have
    /// finished. Chunks are skipped once `Interrupt.isRequested`.
    func run(chunks: Int, _ body: (Int) -> Void) {
        if chunks <= 0 { return }
        if threads == 0 || chunks == 1 || !busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged {
            for chunk in 0..<chunks {
                if Interrupt.isRequested { return }
                body(chunk)
            }
            return
        }
        defer { busy.store(false, ordering: .releasing) }
        var first = 0
        while first < chunks {   // more chunks than the ticket holds: several jobs in turn
            let count = min(chunks - first, Self.maxChunks)
            let offset = first
            withoutActuallyEscaping({ (chunk: Int) in body(offset + chunk) }) { job in runJob(count, job) }
            first += count
        }
    }

    private func runJob(_ chunks: Int, _ job: @escaping (Int) -> Void) {
        body = job
        finished.store(0, ordering: .relaxed)
        generation &+= 1
        let ticketValue = (generation & 0xFF_FFFF) << 40 | UInt64(chunks) << 20
        ticket.store(ticketValue, ordering: .sequentiallyConsistent)
        if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
            pthread_mutex_lock(mutex)
            pthread_cond_broadcast(wakeUp)
            pthread_mutex_unlock(mutex)
        }
        while claimAndRun() {}
        var spins = 0
        while finished.load(ordering: .acquiring) < chunks {
            spins += 1
            if spins < 4096 { Fast.spinPause() } else { sched_yield() }   // a worker lost its core
        }
        body = nil
    }

    /// Claims the next chunk of the current job and runs it; false when none is left.
    @inline(never)
    private func claimAndRun() -> Bool {
        var t = ticket.load(ordering: .acquiring)
        while true {
            let next = t & Self.fieldMask, count = (t >> 20) & Self.fieldMask
            if next >= count { return false }
            let (exchanged, original) = ticket.compareExchange(
                expected: t, desired: t + 1, ordering: .acquiringAndReleasing)
            if exchanged {
                runChunk(Int(next))
                finished.add(1, ordering: .releasing)
                return true
            }
            t = original
        }
    }

    /// Runs one claimed chunk. A separate function, so that this thread's reference to the
    /// closure is gone before `finished` counts the chunk.
    @inline(never)
    private func runChunk(_ chunk: Int) {
        if Interrupt.isRequested { return }
        if let body { body(chunk) }
    }

    // MARK: - Workers

    private static func claimable(_ t: UInt64) -> Bool { t & fieldMask < (t >> 20) & fieldMask }

    private func workerLoop() -> Never {
        while true {
            if claimAndRun() { continue }
            if spinForWork() { continue }
            pthread_mutex_lock(mutex)
            sleepers.add(1, ordering: .sequentiallyConsistent)
            while !Self.claimable(ticket.load(ordering: .sequentiallyConsistent)) { pthread_cond_wait(wakeUp, mutex) }
            sleepers.subtract(1, ordering: .sequentiallyConsistent)
            pthread_mutex_unlock(mutex)
        }
    }

    /// Spins (with `pause`) until a job appears or `spinNanoseconds` pass.
    private func spinForWork() -> Bool {
        let deadline = Self.monotonicNanoseconds() + Self.spinNanoseconds
        var spins = 0
        while true {
            if Self.claimable(ticket.load(ordering: .relaxed)) { return true }
            Fast.spinPause()
            spins += 1
            if spins & 63 == 0, Self.monotonicNanoseconds() > deadline { return false }
        }
    }

    static func monotonicNanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }
}
