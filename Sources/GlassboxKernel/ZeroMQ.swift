import CZeroMQ
#if canImport(Glibc)
import Glibc
#endif

// MARK: - ZeroMQ

/// What went wrong setting up the kernel's sockets or reading its connection file.
public struct KernelError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }

    /// The last libzmq error, as text (`zmq_strerror`).
    static func zmq(_ what: String) -> KernelError {
        KernelError("\(what): \(String(cString: zmq_strerror(zmq_errno())))")
    }
}

/// A libzmq context: the I/O threads every socket of the kernel shares.
final class ZMQContext: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    init() throws(KernelError) {
        guard let handle = zmq_ctx_new() else { throw .zmq("zmq_ctx_new") }
        self.handle = handle
    }
}

/// One ZeroMQ socket. libzmq sockets are not thread-safe: each is used by one thread, or under
/// a lock (the kernel's iopub socket, which the shell and control threads both publish on).
final class ZMQSocket: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    let name: String

    /// `type` is `ZMQ_ROUTER`, `ZMQ_PUB` or `ZMQ_REP`.
    init(_ context: ZMQContext, type: Int32, name: String) throws(KernelError) {
        guard let handle = zmq_socket(context.handle, type) else { throw .zmq("zmq_socket(\(name))") }
        self.handle = handle
        self.name = name
        // Unsent messages are dropped after a second at close, so that exiting never hangs.
        var linger: Int32 = 1000
        zmq_setsockopt(handle, ZMQ_LINGER, &linger, MemoryLayout<Int32>.size)
    }

    /// Binds to `endpoint` (`tcp://127.0.0.1:5555`, `ipc:///tmp/x`).
    func bind(_ endpoint: String) throws(KernelError) {
        guard zmq_bind(handle, endpoint) == 0 else { throw .zmq("cannot bind the \(name) socket to \(endpoint)") }
    }

    /// Receives one multipart message, waiting for it; a signal arriving meanwhile (Ctrl-C in
    /// signal interrupt mode) only restarts the wait. Nil when the socket fails for good.
    func receive() -> [[UInt8]]? {
        var frames: [[UInt8]] = []
        while true {
            var message = zmq_msg_t()
            zmq_msg_init(&message)
            defer { zmq_msg_close(&message) }
            if zmq_msg_recv(&message, handle, 0) < 0 {
                if zmq_errno() == EINTR { continue }
                return nil
            }
            let size = zmq_msg_size(&message)
            if size > 0, let data = zmq_msg_data(&message) {
                frames.append(Array(UnsafeRawBufferPointer(start: data, count: size)))
            } else {
                frames.append([])
            }
            if zmq_msg_more(&message) == 0 { return frames }
        }
    }

    /// Whether a message is waiting, after at most `timeout` milliseconds (-1: forever).
    func poll(timeout: Int) -> Bool {
        var item = zmq_pollitem_t(socket: handle, fd: -1, events: Int16(ZMQ_POLLIN), revents: 0)
        let n = zmq_poll(&item, 1, timeout)
        return n > 0 && item.revents & Int16(ZMQ_POLLIN) != 0
    }

    /// Sends `frames` as one multipart message. False when the socket failed.
    @discardableResult
    func send(_ frames: [[UInt8]]) -> Bool {
        for (i, frame) in frames.enumerated() {
            let flags = i + 1 < frames.count ? ZMQ_SNDMORE : 0
            while true {
                let sent = frame.withUnsafeBytes { zmq_send(handle, $0.baseAddress, $0.count, flags) }
                if sent >= 0 { break }
                if zmq_errno() == EINTR { continue }
                return false
            }
        }
        return true
    }
}
