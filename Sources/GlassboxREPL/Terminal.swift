@preconcurrency import CLibEdit
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Output sinks

/// Somewhere text goes: the terminal, a pipe, or a string in a test.
public protocol TextSink: AnyObject {
    func write(_ text: String)
    /// Pushes buffered text out (before a prompt, before a long computation).
    func flush()
}

extension TextSink {
    public func flush() {}
}

/// Standard output or standard error, written through C stdio.
public final class StandardStream: TextSink {
    private let file: UnsafeMutablePointer<FILE>

    /// Standard output.
    public static func output() -> StandardStream { StandardStream(file: gb_stdout()) }
    /// Standard error.
    public static func error() -> StandardStream { StandardStream(file: gb_stderr()) }

    private init(file: UnsafeMutablePointer<FILE>) { self.file = file }

    public func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            _ = fwrite(bytes.baseAddress, 1, bytes.count, file)
        }
    }

    public func flush() { fflush(file) }
}

/// Collects everything written, for tests.
public final class StringSink: TextSink {
    public private(set) var text = ""
    public init() {}
    public func write(_ text: String) { self.text += text }
    /// Returns what was written so far and starts again empty.
    public func take() -> String {
        defer { text = "" }
        return text
    }
}

// MARK: - Terminal facts

/// What the process knows about its terminal, read once at start.
public enum Terminal {
    /// Whether `fd` is a terminal.
    public static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// Whether to colour what goes to `fd`: only on a terminal, never with `NO_COLOR` set to
    /// anything (https://no-color.org), never on `TERM=dumb`.
    public static func wantsColour(fd: Int32, environment: [String: String]? = nil) -> Bool {
        let env: (String) -> String? = { name in
            if let environment { return environment[name] }
            guard let value = getenv(name) else { return nil }
            return String(cString: value)
        }
        if let noColour = env("NO_COLOR"), !noColour.isEmpty { return false }
        if env("TERM") == "dumb" { return false }
        return isTerminal(fd)
    }

    /// The terminal's width in columns, or 80 when it cannot be asked.
    public static func columns(fd: Int32 = STDOUT_FILENO) -> Int {
        var size = winsize()
        if ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let value = getenv("COLUMNS"), let n = Int(String(cString: value)), n > 0 { return n }
        return 80
    }

    /// Makes multibyte input and output follow the user's locale; libedit reads UTF-8 only when
    /// `LC_CTYPE` says so. Without any locale set (a bare container), falls back to C.UTF-8.
    public static func adoptUTF8Locale() {
        setlocale(LC_ALL, "")
        if let codeset = nl_langinfo(nl_item(CODESET)), String(cString: codeset) == "UTF-8" { return }
        if setlocale(LC_CTYPE, "C.UTF-8") == nil { _ = setlocale(LC_CTYPE, "en_US.UTF-8") }
    }
}
