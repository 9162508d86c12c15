import GlassboxTensors
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Evaluation state

/// The state of one running cell: the stack of function locals, the call depth, the stack guard,
/// and — while `explain` records — where in the source the running op came from.
final class Context {
    static let maxCallDepth = 1000

    let session: Session
    /// Locals of the running user functions; each call owns `stack[base ..< base + count]`.
    @exclusivity(unchecked) var stack: [Value?] = []
    @exclusivity(unchecked) var base = 0
    @exclusivity(unchecked) var callDepth = 0
    /// Below this address the native stack is too close to its end to recurse further.
    let stackLimit: UInt

    // While `explain` records (nil otherwise):
    @exclusivity(unchecked) var recorder: ExplainRecorder?
    /// The innermost expression now running an op, and the source it is in.
    @exclusivity(unchecked) var opRange = SourceRange(0, 0)
    @exclusivity(unchecked) var currentSource: Source
    @exclusivity(unchecked) var callStack: [String] = []

    init(session: Session, source: Source) {
        self.session = session
        self.currentSource = source
        self.stackLimit = StackGuard.limitForCurrentThread()
    }

    /// Throws a depth error instead of letting the native stack overflow.
    @inline(__always)
    func checkStack(_ range: SourceRange) throws {
        var marker: UInt8 = 0
        let here = withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
        if here < stackLimit {
            throw RuntimeError(.depth, "too deeply nested (the evaluation ran out of stack)", range)
        }
    }

    /// While recording, remembers which expression is about to run an op.
    @inline(__always)
    func willRunOp(_ range: SourceRange) {
        if recorder != nil { opRange = range }
    }
}

// MARK: - Stack guard

/// Finds where the current thread's stack ends, so that deep recursion becomes an error.
enum StackGuard {
    /// Room kept free below the check for kernels, the runtime and error handling.
    static let reserve: UInt = 256 << 10

    nonisolated(unsafe) private static var cachedThread: pthread_t? = nil
    nonisolated(unsafe) private static var cachedLimit: UInt = 0

    static func limitForCurrentThread() -> UInt {
        let me = pthread_self()
        if let t = cachedThread, pthread_equal(t, me) != 0 { return cachedLimit }
        var limit: UInt = 0
        // pthread_getattr_np is a GNU extension the Glibc module does not import; look it up.
        typealias GetAttr = @convention(c) (pthread_t, UnsafeMutablePointer<pthread_attr_t>) -> Int32
        if let symbol = dlsym(nil, "pthread_getattr_np") {
            let getattr = unsafeBitCast(symbol, to: GetAttr.self)
            var attr = pthread_attr_t()
            if getattr(me, &attr) == 0 {
                var address: UnsafeMutableRawPointer? = nil
                var size = 0
                if pthread_attr_getstack(&attr, &address, &size) == 0, let address {
                    let low = UInt(bitPattern: address)
                    limit = low + min(reserve, UInt(size) / 4)
                }
                pthread_attr_destroy(&attr)
            }
        }
        if limit == 0 {
            // Unknown: assume 512 KiB below here, the smallest stack a thread commonly gets.
            var marker: UInt8 = 0
            let here = withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
            limit = here > (512 << 10) ? here - (512 << 10) + reserve : 0
        }
        cachedThread = me
        cachedLimit = limit
        return limit
    }
}
