import GlassboxKernels
import GlassboxLanguage
import GlassboxLessons
import GlassboxREPL
#if canImport(Glibc)
import Glibc
#endif

// MARK: - The notebook kernel

/// `glassbox kernel -f CONNECTION.json`: a Jupyter kernel (messaging protocol 5.3) for the
/// Glassbox language. It is another front end of the same session the REPL drives: cells run
/// in a `Session` through a `REPL` (so numbering, `_` and `Out`, `:commands`, `?name` help and
/// completion are the prompt's own), and only the showing differs — values become
/// `execute_result` messages with a MIME bundle, `print` lines `stream` messages, errors
/// `error` messages whose traceback is the caret diagnostic.
///
/// Threads: the shell channel is served on the calling thread, which also runs the cells; the
/// control channel (shutdown, interrupt), the heartbeat, the stream flusher and the watch on
/// the parent process have a thread each.
public final class JupyterKernel {
    let channels: KernelChannels
    let repl: REPL
    /// `print` lines and `:command` text, sent as `stream` messages named stdout.
    let stdout: KernelStream
    /// Problems with a `:command`, sent as a `stream` named stderr.
    let stderr: KernelStream
    /// Every numbered cell (run with `store_history`), for `history_request`.
    var history: [HistoryEntry] = []
    /// The requests that were waiting when a cell failed with `stop_on_error`, taken off the
    /// socket just before its reply went out: the front end sent them not knowing of the failure.
    var queuedBehindFailure: [Message] = []

    /// Reads the connection file and binds the five sockets.
    public init(connectionFile path: String) throws(KernelError) {
        let connection = try ConnectionFile(path: path)
        let channels = try KernelChannels(connection)
        self.channels = channels
        stdout = KernelStream(name: "stdout", channels: channels)
        stderr = KernelStream(name: "stderr", channels: channels)
        repl = REPL(session: Session(), reader: ScriptedLineReader(events: [], interactive: false),
                    presentation: .script(fileName: nil), renderer: Renderer(style: .plain),
                    output: stdout, errors: stderr)
    }

    /// Serves requests until a shutdown request ends the process, or the shell socket fails
    /// (then returns 1).
    public func run() -> Int32 {
        // Signal interrupt mode: SIGINT sets the flag long loops poll, as Ctrl-C at the prompt.
        InterruptSignal.install()
        channels.startHeartbeat()
        startControl()
        startParentWatch()
        KernelStream.startFlusher([stdout, stderr])
        channels.status("starting", parent: .object([]))
        while let request = channels.receive(on: channels.shell) {
            serve(request)
            if !queuedBehindFailure.isEmpty { abortQueuedCells() }
        }
        KernelLog.write("the shell socket failed; stopping")
        return 1
    }

    /// One shell request, between `status: busy` and `status: idle`.
    func serve(_ request: Message) {
        channels.status("busy", parent: request.header)
        defer { channels.status("idle", parent: request.header) }
        switch request.type {
        case "execute_request":
            execute(request)
        case "kernel_info_request": reply(request, "kernel_info_reply", Self.kernelInfo)
        case "complete_request": reply(request, "complete_reply", complete(request.content))
        case "inspect_request": reply(request, "inspect_reply", inspect(request.content))
        case "is_complete_request": reply(request, "is_complete_reply", isComplete(request.content))
        case "history_request": reply(request, "history_reply", historyReply(request.content))
        case "comm_info_request": reply(request, "comm_info_reply", .object([("status", .string("ok")), ("comms", .object([]))]))
        case "shutdown_request": shutDown(request, on: channels.shell)
        case "comm_open", "comm_msg", "comm_close":
            break   // Glassbox has no widgets: comms are accepted and ignored, as the spec allows.
        default:
            KernelLog.write("ignored a `\(request.type)` message on shell (not a request this kernel knows)")
        }
    }

    /// After a failed cell with `stop_on_error` (once its idle status is out), the cells that
    /// were queued behind it (Run All sends every cell at once) are answered `aborted` without
    /// running, as ipykernel answers them, so that no cell runs on a state the failure left
    /// unfinished. Other requests among them are served as usual. A cell sent after the
    /// failure's reply arrived is not among them, so it runs.
    func abortQueuedCells() {
        let queued = queuedBehindFailure
        queuedBehindFailure = []
        for request in queued {
            guard request.type == "execute_request" else { serve(request); continue }
            channels.status("busy", parent: request.header)
            reply(request, "execute_reply", .object([("status", .string("aborted")),
                                                     ("execution_count", .number(Double(repl.cellNumber - 1)))]))
            channels.status("idle", parent: request.header)
        }
    }

    func reply(_ request: Message, _ type: String, _ content: JSONValue) {
        channels.reply(to: request, on: channels.shell, type: type, content: content)
    }
}

/// One entry of the kernel's history: session 1, the execution count, the input and the
/// output's plain text (nil when the cell showed nothing).
struct HistoryEntry {
    var line: Int
    var input: String
    var output: String?
}
