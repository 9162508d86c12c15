import GlassboxKernels
import GlassboxLanguage
import GlassboxTensors
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

// MARK: - The libFuzzer entry points

/// One input: the bytes as UTF-8 (invalid sequences become U+FFFD, as a terminal would give
/// them), run as one cell of a fresh `Session` — lexer, parser, compiler and evaluator — then
/// every value and diagnostic formatted as the REPL and `--json` would show it.
///
/// Resources are bounded so that what libFuzzer reports is a real bug:
/// - tensors: `Tensor.allocationLimit` is small (`GLASSBOX_FUZZ_ALLOC_MB`, default 4 MiB), so
///   `zeros(1e9)` is a diagnostic, not an out-of-memory report;
/// - time: a watchdog thread calls `Interrupt.request()` once an input has run for
///   `GLASSBOX_FUZZ_BUDGET_MS` (default 1000 ms), exactly as Ctrl-C does in the REPL. A legitimate
///   long loop then stops with an "interrupted" diagnostic; only code that ignores the flag runs
///   on until libFuzzer's `-timeout` and is reported as a hang — and that is a bug.
///
/// After each input the harness checks what the contract promises and traps (so libFuzzer
/// saves the input) when it does not hold: the session still evaluates `1 + 1`, no trace
/// listener was left installed by `explain`, and the language did not clear the interrupt flag.
@_cdecl("LLVMFuzzerTestOneInput")
public func glassboxFuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text: String
    if let data, size > 0 {
        text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    } else {
        text = ""
    }
    FuzzHarness.runOne(text)
    return 0
}

@_cdecl("LLVMFuzzerInitialize")
public func glassboxFuzzInitialize(_ argc: UnsafeMutablePointer<CInt>?,
                                   _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    FuzzHarness.setUp()
    return 0
}

// MARK: - Harness

enum FuzzHarness {
    /// Milliseconds an input may run before the watchdog requests an interrupt.
    nonisolated(unsafe) static var budgetMilliseconds: UInt64 = 1000

    /// When the running input started (monotonic ns; nil between inputs) and whether the
    /// watchdog has requested the interrupt for it. The watchdog requests the interrupt while
    /// holding the lock, and the harness clears it while holding the lock, so a late request can
    /// never leak into the next input.
    struct Clock {
        var start: UInt64?
        var requested = false
    }
    static let clock = Mutex(Clock())

    static func setUp() {
        // One worker thread: findings reproduce exactly, and libFuzzer's own -jobs scale instead.
        setenv("GLASSBOX_THREADS", "1", 0)
        let megabytes = environment("GLASSBOX_FUZZ_ALLOC_MB") ?? 4
        Tensor.allocationLimit = megabytes << 20
        budgetMilliseconds = UInt64(environment("GLASSBOX_FUZZ_BUDGET_MS") ?? 1000)
        startWatchdog()
    }

    static func runOne(_ text: String) {
        RandomSource.seed(0)
        clock.withLock { $0 = Clock(start: now()) }

        let session = Session()
        session.output = { _ in }
        _ = Session.completeness(of: text)
        let result = session.run(text, name: "fuzz")
        show(result, session)

        let clearedByLanguage = clock.withLock { state in
            let cleared = state.requested && !Interrupt.isRequested
            state = Clock()
            Interrupt.clear()
            return cleared
        }

        // MARK: What the contract promises after any input
        // The language never clears the flag (the REPL does, back at the prompt).
        guard !clearedByLanguage else {
            fatalError("fuzz: the language cleared the interrupt flag")
        }
        guard Trace.listener == nil else {
            fatalError("fuzz: `explain` left its trace listener installed")
        }
        let after = session.run("1 + 1")
        guard after.error == nil, let two = after.lastValue?.tensor, two.scalarValue == 2 else {
            fatalError("fuzz: the session no longer evaluates `1 + 1` after the input: \(String(describing: after.error))")
        }
    }

    /// Everything the REPL and `--json` would do with the result.
    private static func show(_ result: CellResult, _ session: Session) {
        var count = 0
        for (cell, statement) in result.statements.enumerated() {
            guard let value = statement.value else { continue }
            count &+= session.format(value).utf8.count
            count &+= (JSON.cellValue(value, cell: cell) ?? "").utf8.count
        }
        if let error = result.error {
            count &+= error.formatted().utf8.count
            count &+= JSON.cellError(error, cell: 1).utf8.count
        }
        if count == Int.min { print(count) }   // keep the work from being optimised away
    }

    // MARK: Watchdog

    private static func startWatchdog() {
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { _ in
            while true {
                usleep(5_000)
                FuzzHarness.clock.withLock { state in
                    if let start = state.start, !state.requested,
                       FuzzHarness.now() &- start > FuzzHarness.budgetMilliseconds &* 1_000_000 {
                        state.requested = true
                        Interrupt.request()
                    }
                }
            }
        }, nil)
        if rc != 0 { fatalError("fuzz: cannot start the watchdog thread (\(rc))") }
    }

    static func now() -> UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return UInt64(t.tv_sec) &* 1_000_000_000 &+ UInt64(t.tv_nsec)
    }

    private static func environment(_ name: String) -> Int? {
        guard let text = getenv(name), let n = Int(String(cString: text)), n > 0 else { return nil }
        return n
    }
}
