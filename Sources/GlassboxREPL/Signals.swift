import GlassboxKernels
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Ctrl-C

/// Turns Ctrl-C into a request that running code can honour, instead of killing the process.
///
/// The handler only stores to atomics (async-signal-safe). Long loops and long kernels poll
/// `Interrupt.isRequested` and stop with an "interrupted" error; the REPL clears the flag when it
/// is back at the prompt. At the prompt, the same signal makes `el_gets` return early (the
/// handler is installed without `SA_RESTART`), which the line reader reports as `.interrupted`.
///
/// A `sigaction` handler is used rather than a `DispatchSource`: on Linux the dispatch source
/// needs `SIG_IGN` first, and then libedit's own signal handling passes the signal nowhere.
public enum InterruptSignal {
    /// Ctrl-C presses not yet answered by the running cell. After `escapeAfter` of them the cell
    /// is taken to be stuck (something that does not poll the flag) and the process exits, so
    /// that no input can leave a person without a way out.
    static let unanswered = Atomic<Int>(0)
    static let escapeAfter = 5

    /// Installs the handler for SIGINT. Safe to call more than once.
    public static func install() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            Interrupt.request()
            let presses = InterruptSignal.unanswered.add(1, ordering: .relaxed).newValue
            if presses >= InterruptSignal.escapeAfter {
                let message: StaticString = "\nglassbox: the running cell does not answer Ctrl-C; exiting\n"
                _ = write(STDERR_FILENO, message.utf8Start, message.utf8CodeUnitCount)
                _exit(130)
            }
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0   // no SA_RESTART: a blocked read returns EINTR
        sigaction(SIGINT, &action, nil)
    }

    /// Whether Ctrl-C was pressed since the last `clear()`.
    public static var isPending: Bool { Interrupt.isRequested }

    /// Forgets earlier presses: call when back at the prompt.
    public static func clear() {
        Interrupt.clear()
        unanswered.store(0, ordering: .relaxed)
    }

    /// Raises the request as the signal handler would (tests and the scripted reader).
    public static func simulate() { Interrupt.request() }
}
