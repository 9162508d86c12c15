@preconcurrency import CLibEdit
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Plain reader (pipes and redirected files)

/// Reads lines from a file descriptor with no prompt, no echo and no line editing: the reader
/// for `glassbox < script.gbx` and `producer | glassbox`. Lines are read as they arrive, so a
/// program that writes a line and waits for the answer gets it.
public final class PlainLineReader: LineReader {
    private let file: UnsafeMutablePointer<FILE>
    private var buffer: UnsafeMutablePointer<CChar>? = nil
    private var capacity: Int = 0
    private var finished = false

    public var completer: Completer? = nil
    public var isInteractive: Bool { false }

    /// Reads from standard input.
    public init() {
        self.file = gb_stdin()
    }

    deinit { free(buffer) }

    public func readLine(prompt: Prompt, prefill: String?) -> LineInput {
        if finished { return .endOfInput }
        errno = 0
        let count = getline(&buffer, &capacity, file)
        guard count >= 0, let buffer else {
            // Ctrl-C while waiting on a pipe interrupts `read`; anything else is the end.
            if errno == EINTR {
                clearerr(file)
                return .interrupted
            }
            finished = true
            return .endOfInput
        }
        let bytes = UnsafeRawBufferPointer(start: buffer, count: count)
        var line = String(decoding: bytes, as: UTF8.self)
        if line.hasSuffix("\n") { line.removeLast() }   // "\r\n" is one Character, so this drops both
        return .line(line)
    }

    public func addHistory(_ entry: String) {}
}
