import GlassboxLanguage
import GlassboxLessons
#if canImport(Glibc)
import Glibc
#endif

// MARK: - The kernelspec

/// `glassbox kernel install [--user] [--prefix DIR]`: writes `kernels/glassbox/kernel.json`
/// where Jupyter looks for kernels (Jupyter client docs, "Kernel specs"), so that JupyterLab,
/// `jupyter console --kernel glassbox` and `nbclient` start this binary as the kernel of
/// notebooks whose kernelspec names `glassbox` (the `.ipynb` files `:export` writes).
public enum KernelSpec {
    /// The kernelspec's name, as exported notebooks name it.
    public static let name = "glassbox"

    /// `kernel.json` for the binary at `executable`. Interrupts come as messages on the control
    /// channel (the kernel also honours SIGINT, for front ends that send the signal).
    public static func json(executable: String) -> String {
        JSONValue.object([
            ("argv", .array([.string(executable), .string("kernel"), .string("-f"), .string("{connection_file}")])),
            ("display_name", .string("Glassbox")),
            ("language", .string("glassbox")),
            ("interrupt_mode", .string("message")),
            ("metadata", .object([("debugger", .bool(false))])),
        ]).text()
    }

    /// The folder holding kernelspecs: `$JUPYTER_DATA_DIR/kernels` or
    /// `~/.local/share/jupyter/kernels` for `--user`, `PREFIX/share/jupyter/kernels` for
    /// `--prefix`, else the system-wide `/usr/local/share/jupyter/kernels`.
    public static func kernelsDirectory(user: Bool, prefix: String?, environment: (String) -> String? = Self.environment) -> String {
        if let prefix { return prefix + "/share/jupyter/kernels" }
        if user {
            if let data = environment("JUPYTER_DATA_DIR"), !data.isEmpty { return data + "/kernels" }
            if let xdg = environment("XDG_DATA_HOME"), !xdg.isEmpty { return xdg + "/jupyter/kernels" }
            return (environment("HOME") ?? "") + "/.local/share/jupyter/kernels"
        }
        return "/usr/local/share/jupyter/kernels"
    }

    /// Writes the kernelspec for the running binary; returns the folder written.
    public static func install(user: Bool, prefix: String?) throws(KernelError) -> String {
        guard let executable = runningExecutable() else { throw KernelError("cannot find the path of the glassbox binary (/proc/self/exe)") }
        let directory = kernelsDirectory(user: user, prefix: prefix) + "/" + name
        do {
            try TextFile.makeDirectory(directory)
            try TextFile.writeAtomically(json(executable: executable), to: directory + "/kernel.json")
        } catch {
            throw KernelError(error.message + (user || prefix != nil ? "" : " (try `glassbox kernel install --user`)"))
        }
        return directory
    }

    /// The absolute path of this process's binary.
    static func runningExecutable() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }
}
