import GlassboxLessons
import GlassboxREPL
#if canImport(Glibc)
import Glibc
#endif

// MARK: - stream messages

/// A `TextSink` that sends what is written as `stream` messages on iopub (spec 5.3, "Streams
/// (stdout, stderr, etc)"), as children of the request being served. Text is gathered and sent
/// at most every few hundredths of a second, so that a loop printing thousands of lines sends
/// a few messages, not thousands, yet a long cell's prints still arrive while it runs.
final class KernelStream: TextSink {
    let name: String
    let channels: KernelChannels
    /// The header of the request whose output this is.
    var parent: JSONValue = .object([])
    private var buffer = ""
    private var lastSent = KernelStream.seconds()
    /// Seconds text may wait before it is sent.
    static let interval = 0.05
    /// Bytes that are sent at once, without waiting.
    static let size = 1 << 16

    init(name: String, channels: KernelChannels) {
        self.name = name
        self.channels = channels
    }

    func write(_ text: String) {
        buffer += text
        if buffer.utf8.count >= Self.size || Self.seconds() - lastSent >= Self.interval { flush() }
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        channels.publish("stream", .object([("name", .string(name)), ("text", .string(buffer))]), parent: parent)
        buffer = ""
        lastSent = Self.seconds()
    }

    /// A monotonic clock, in seconds.
    static func seconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
}
