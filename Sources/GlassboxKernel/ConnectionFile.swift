import GlassboxLanguage
import GlassboxLessons

// MARK: - The connection file

/// What the front end tells the kernel in the file named by `-f` (Jupyter client docs,
/// "Connection files"): the transport, the address, one port per channel, and the signing key.
struct ConnectionFile: Sendable {
    var transport: String
    var ip: String
    var shellPort: Int
    var iopubPort: Int
    var stdinPort: Int
    var controlPort: Int
    var hbPort: Int
    var key: String
    var signatureScheme: String

    init(path: String) throws(KernelError) {
        let text: String
        do { text = try TextFile.read(path) } catch { throw KernelError("cannot read the connection file: \(error.message)") }
        let json: JSONValue
        do { json = try JSONValue.parse(text) } catch { throw KernelError("\(path): not JSON (\(error))") }
        func port(_ name: String) throws(KernelError) -> Int {
            guard let p = json[name]?.intValue, (0...65535).contains(p) else { throw KernelError("\(path): no valid `\(name)`") }
            return p
        }
        transport = json.string("transport", "tcp")
        ip = json.string("ip", "127.0.0.1")
        shellPort = try port("shell_port")
        iopubPort = try port("iopub_port")
        stdinPort = try port("stdin_port")
        controlPort = try port("control_port")
        hbPort = try port("hb_port")
        key = json.string("key")
        signatureScheme = json.string("signature_scheme", "hmac-sha256")
        guard key.isEmpty || signatureScheme == "hmac-sha256" else {
            throw KernelError("\(path): signature scheme `\(signatureScheme)` is not supported (only hmac-sha256)")
        }
    }

    /// `tcp://127.0.0.1:5555`; for `ipc`, the path is `ip-port`, as jupyter_client writes it.
    func endpoint(_ port: Int) -> String {
        transport == "ipc" ? "ipc://\(ip)-\(port)" : "\(transport)://\(ip):\(port)"
    }
}
