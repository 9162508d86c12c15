import GlassboxLanguage
import GlassboxLessons
import GlassboxREPL
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

// MARK: - stream messages

/// A `TextSink` that sends what is written as `stream` messages on iopub (spec 5.3, "Streams
/// (stdout, stderr, etc)"), as children of the request being served. Text is gathered and
/// sent every few hundredths of a second by a flusher thread (and at the end of each cell), so
/// that a loop printing thousands of lines sends a few messages, not thousands, while a long
/// cell's prints still arrive as it runs.
final class KernelStream: TextSink, @unchecked Sendable {
    let name: String
    let channels: KernelChannels
    private struct Pending {
        var parent: JSONValue = .object([])
        var text = ""
    }
    /// Written by the shell thread, taken by the flusher; the lock is held while publishing, so
    /// that text sent by the flusher can never arrive after a later `execute_result`.
    private let pending = Mutex(Pending())
    /// Microseconds text may wait before it is sent.
    static let interval: UInt32 = 50_000
    /// Bytes that are sent at once, without waiting.
    static let size = 1 << 16

    init(name: String, channels: KernelChannels) {
        self.name = name
        self.channels = channels
    }

    /// The header of the request whose output follows; text still waiting goes out first.
    var parent: JSONValue {
        get { pending.withLock { $0.parent } }
        set {
            flush()
            pending.withLock { $0.parent = newValue }
        }
    }

    func write(_ text: String) {
        let full = pending.withLock { p in
            p.text += text
            return p.text.utf8.count >= Self.size
        }
        if full { flush() }
    }

    func flush() {
        pending.withLock { p in
            guard !p.text.isEmpty else { return }
            channels.publish("stream", .object([("name", .string(name)), ("text", .string(p.text))]), parent: p.parent)
            p.text = ""
        }
    }

    /// Flushes `streams` every `interval` on a thread of its own; while no cell runs, it also
    /// forgets interrupts (signal mode), which are only for a running cell.
    static func startFlusher(_ streams: [KernelStream]) {
        KernelThread.start {
            while true {
                usleep(interval)
                for stream in streams { stream.flush() }
                if !JupyterKernel.isExecuting.load(ordering: .relaxed) { InterruptSignal.clear() }
            }
        }
    }
}
