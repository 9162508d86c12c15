import GlassboxLanguage
import CZeroMQ
import GlassboxLessons
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

// MARK: - The five channels

/// The kernel's sockets, bound to the ports of the connection file (Jupyter messaging spec
/// 5.3, "Introduction"): `shell` (ROUTER) for requests, `control` (ROUTER) for shutdown and
/// interrupt, served on its own thread so that they reach a kernel that is busy running a
/// cell, `iopub` (PUB) for everything a cell shows and the busy/idle status, `stdin` (ROUTER)
/// for input requests, and `heartbeat` (REP), an echo on its own thread.
final class KernelChannels: @unchecked Sendable {
    let context: ZMQContext
    let shell: ZMQSocket
    let control: ZMQSocket
    let stdin: ZMQSocket
    let heartbeat: ZMQSocket
    private let iopub: ZMQSocket
    /// The shell and control threads both publish on iopub; a socket takes one thread at a time.
    private let iopubLock = Mutex<Void>(())
    let signer: MessageSigner
    let headers = HeaderFactory()

    init(_ connection: ConnectionFile) throws(KernelError) {
        context = try ZMQContext()
        shell = try ZMQSocket(context, type: ZMQ_ROUTER, name: "shell")
        control = try ZMQSocket(context, type: ZMQ_ROUTER, name: "control")
        stdin = try ZMQSocket(context, type: ZMQ_ROUTER, name: "stdin")
        iopub = try ZMQSocket(context, type: ZMQ_PUB, name: "iopub")
        heartbeat = try ZMQSocket(context, type: ZMQ_REP, name: "heartbeat")
        try shell.bind(connection.endpoint(connection.shellPort))
        try control.bind(connection.endpoint(connection.controlPort))
        try stdin.bind(connection.endpoint(connection.stdinPort))
        try iopub.bind(connection.endpoint(connection.iopubPort))
        try heartbeat.bind(connection.endpoint(connection.hbPort))
        signer = MessageSigner(key: connection.key)
    }

    // MARK: Receiving

    /// The next well-formed, correctly signed message on `socket`; anything else is dropped
    /// with a log line. Nil when the socket has failed for good.
    func receive(on socket: ZMQSocket) -> Message? {
        while let frames = socket.receive() {
            if let message = decode(frames, from: socket) { return message }
        }
        return nil
    }

    /// The messages already waiting on `socket`, without waiting for more (bad ones dropped).
    func waiting(on socket: ZMQSocket) -> [Message] {
        var messages: [Message] = []
        while socket.poll(timeout: 0), let frames = socket.receive() {
            if let message = decode(frames, from: socket) { messages.append(message) }
        }
        return messages
    }

    private func decode(_ frames: [[UInt8]], from socket: ZMQSocket) -> Message? {
        do {
            return try Message(frames: frames, signer: signer)
        } catch {
            KernelLog.write("dropped a message on \(socket.name): \(error)")
            return nil
        }
    }

    // MARK: Sending

    /// Sends the reply to `request` on the socket it came from, addressed to its sender.
    func reply(to request: Message, on socket: ZMQSocket, type: String, content: JSONValue) {
        let message = Message(identities: request.identities, header: headers.header(type),
                              parentHeader: request.header, content: content)
        if !socket.send(message.frames(signer: signer)) { KernelLog.write("could not send \(type) on \(socket.name)") }
    }

    /// Publishes a message on iopub, as a child of `parent` (the request's header).
    func publish(_ type: String, _ content: JSONValue, parent: JSONValue) {
        let message = Message(identities: [Array("kernel.\(type)".utf8)], header: headers.header(type),
                              parentHeader: parent, content: content)
        let frames = message.frames(signer: signer)
        iopubLock.withLock { _ in
            if !iopub.send(frames) { KernelLog.write("could not publish \(type)") }
        }
    }

    /// `status` busy or idle, which front ends wait for around every request.
    func status(_ state: String, parent: JSONValue) {
        publish("status", .object([("execution_state", .string(state))]), parent: parent)
    }

    // MARK: Heartbeat

    /// Echoes every heartbeat ping back as it came, on a thread of its own, so that a front end
    /// sees the kernel alive even while a cell runs.
    func startHeartbeat() {
        KernelThread.start { [self] in
            while let ping = heartbeat.receive() {
                heartbeat.send(ping)
            }
        }
    }
}

// MARK: - Threads and logging

/// A detached POSIX thread running one closure (the control channel, the heartbeat).
enum KernelThread {
    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    static func start(_ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let made = pthread_create(&thread, nil, { argument in
            guard let argument else { return nil }
            Unmanaged<Body>.fromOpaque(argument).takeRetainedValue().run()
            return nil
        }, box)
        if made == 0 {
            pthread_detach(thread)
        } else {
            Unmanaged<Body>.fromOpaque(box).release()
            KernelLog.write("could not start a thread (error \(made))")
        }
    }
}

/// The kernel's log: one line per event on standard error, which Jupyter shows in the
/// terminal that started it (a notebook's own output goes over iopub).
enum KernelLog {
    static func write(_ line: String) {
        let text = Array("glassbox kernel: \(line)\n".utf8)
        _ = text.withUnsafeBytes { Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}
