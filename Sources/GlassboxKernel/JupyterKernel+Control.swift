import GlassboxKernels
import GlassboxLessons
#if canImport(Glibc)
import Glibc
#endif

// MARK: - The control channel: shutdown and interrupt

extension JupyterKernel {
    /// Serves the control channel on its own thread (spec 5.3, "Kernel shutdown", "Kernel
    /// interrupt"), so that an `interrupt_request` reaches the kernel while the shell thread is
    /// running a cell. The thread touches no session state: an interrupt only raises the flag
    /// that running loops and kernels poll (as Ctrl-C does in the REPL), so the cell stops with
    /// an error and every variable keeps its value.
    func startControl() {
        let channels = self.channels
        KernelThread.start {
            while let request = channels.receive(on: channels.control) {
                channels.status("busy", parent: request.header)
                switch request.type {
                case "interrupt_request":
                    Interrupt.request()
                    channels.reply(to: request, on: channels.control, type: "interrupt_reply", content: .object([("status", .string("ok"))]))
                case "shutdown_request":
                    JupyterKernel.shutDown(request, on: channels.control, channels: channels)
                case "kernel_info_request":
                    channels.reply(to: request, on: channels.control, type: "kernel_info_reply", content: JupyterKernel.kernelInfo)
                default:
                    KernelLog.write("ignored a `\(request.type)` message on control (not a request this kernel knows)")
                }
                channels.status("idle", parent: request.header)
            }
        }
    }

    /// Ends the kernel when the process that started it (the front end) is gone, checking once
    /// a second, as ipykernel's parent poller does: an orphaned kernel would otherwise hold its
    /// ports and memory until someone kills it.
    func startParentWatch() {
        let parent = getppid()
        KernelThread.start {
            while true {
                sleep(1)
                if getppid() != parent {
                    KernelLog.write("the front end that started this kernel is gone; exiting")
                    _exit(0)
                }
            }
        }
    }

    func shutDown(_ request: Message, on socket: ZMQSocket) {
        Self.shutDown(request, on: socket, channels: channels)
    }

    /// Replies to a `shutdown_request` and ends the process. A cell still running is
    /// interrupted first; the pause lets libzmq's I/O thread put the reply and the idle status
    /// on the wire before the process goes (a restart is the front end's to do: it starts a
    /// new kernel).
    static func shutDown(_ request: Message, on socket: ZMQSocket, channels: KernelChannels) {
        Interrupt.request()
        let restart = request.content.bool("restart", false)
        channels.reply(to: request, on: socket, type: "shutdown_reply",
                       content: .object([("status", .string("ok")), ("restart", .bool(restart))]))
        channels.status("idle", parent: request.header)
        usleep(100_000)
        fflush(nil)
        _exit(0)
    }
}
