@preconcurrency import CLibEdit
#if canImport(Glibc)
import Glibc
#endif

// MARK: - libedit reader (terminals)

/// Line editing on a terminal through libedit: emacs keys, Up/Down through history, Ctrl-R
/// incremental search, Tab completion, bracketed paste of multi-line code, and `~/.editrc`.
///
/// libedit calls back into C function pointers that cannot capture; each callback finds its
/// reader through libedit's client-data slot.
public final class EditLineReader: LineReader {
    let editLine: OpaquePointer
    let history: OpaquePointer
    private var event = HistEvent()
    private let historyFile: HistoryFile?
    private var historyLoaded = false
    private let output: UnsafeMutablePointer<FILE>
    /// The current prompt as a C string, owned here, handed to libedit on request.
    private var promptBuffer: UnsafeMutablePointer<CChar>?

    public var completer: Completer? = nil
    public var isInteractive: Bool { true }

    /// Character that brackets non-printing stretches of the prompt (colour escapes).
    static let promptEscape: CChar = 1
    static let pasteStart = "\u{1B}[200~"
    static let pasteEnd = "\u{1B}[201~"

    /// Opens libedit on standard input/output. Returns nil when libedit cannot start (no
    /// terminal capabilities); the caller falls back to the plain reader.
    public init?(historyFile: HistoryFile?) {
        guard let editLine = el_init("glassbox", gb_stdin(), gb_stdout(), gb_stderr()) else { return nil }
        guard let history = history_init() else {
            el_end(editLine)
            return nil
        }
        self.editLine = editLine
        self.history = history
        self.historyFile = historyFile
        self.output = gb_stdout()

        _ = gb_history_setsize(history, &event, historyFile?.limit ?? 10_000)
        _ = gb_history_setunique(history, &event, 1)

        _ = gb_el_set_editor(editLine, "emacs")
        _ = gb_el_set_signal(editLine, 1)   // libedit restores the terminal around signals, then calls ours
        _ = gb_el_set_hist(editLine, history)
        _ = gb_el_set_clientdata(editLine, Unmanaged.passUnretained(self).toOpaque())
        _ = gb_el_set_prompt_esc(editLine, { editLine in
            EditLineReader.owning(editLine)?.promptBuffer
        }, Self.promptEscape)

        _ = gb_el_add_function(editLine, "gb-complete", "Complete the name before the cursor", { editLine, _ in
            EditLineReader.owning(editLine)?.completeAtCursor() ?? UInt8(CC_ERROR)
        })
        _ = gb_el_add_function(editLine, "gb-paste", "Insert bracketed-paste text", { editLine, _ in
            EditLineReader.owning(editLine)?.insertPaste() ?? UInt8(CC_ERROR)
        })
        _ = gb_el_add_function(editLine, "gb-close", "Insert a closing bracket, dedenting a blank line", { editLine, key in
            EditLineReader.owning(editLine)?.insertClosing(key) ?? UInt8(CC_ERROR)
        })
        _ = gb_el_bind(editLine, "^I", "gb-complete")
        for closer in ["}", "]", ")"] { _ = gb_el_bind(editLine, closer, "gb-close") }
        _ = gb_el_bind(editLine, "^R", "em-inc-search-prev")
        _ = gb_el_bind(editLine, "\\e[200~", "gb-paste")
        _ = el_source(editLine, nil)   // ~/.editrc may rebind any of these
    }

    deinit {
        free(promptBuffer)
        el_end(editLine)
        history_end(history)
    }

    static func owning(_ editLine: OpaquePointer?) -> EditLineReader? {
        guard let editLine, let data = gb_el_get_clientdata(editLine) else { return nil }
        return Unmanaged<EditLineReader>.fromOpaque(data).takeUnretainedValue()
    }

    // MARK: Reading

    public func readLine(prompt: Prompt, prefill: String?) -> LineInput {
        loadHistoryOnce()
        setPrompt(prompt.styled)
        if let prefill, !prefill.isEmpty { el_push(editLine, Self.typedLiterally(prefill)) }
        writeToTerminal("\u{1B}[?2004h")   // bracketed paste on, only while we edit
        fflush(output)
        var count: Int32 = 0
        errno = 0
        let line = el_gets(editLine, &count)
        let readError = errno
        writeToTerminal("\u{1B}[?2004l")
        if InterruptSignal.isPending || (line == nil && readError == EINTR) {
            writeToTerminal("^C\n")
            fflush(output)
            return .interrupted
        }
        guard let line, count > 0 else {
            writeToTerminal("\n")
            fflush(output)
            return .endOfInput
        }
        var text = String(cString: line)
        if text.hasSuffix("\n") { text.removeLast() }
        return .line(text)
    }

    public func addHistory(_ entry: String) {
        guard !entry.allSatisfy(\.isWhitespace) else { return }
        _ = gb_history_enter(history, &event, entry)
        historyFile?.append(entry)
    }

    private func loadHistoryOnce() {
        guard !historyLoaded else { return }
        historyLoaded = true
        historyFile?.load(into: history)
    }

    // MARK: Prompt

    private func setPrompt(_ styled: String) {
        free(promptBuffer)
        promptBuffer = strdup(Self.markingEscapes(styled))
    }

    /// Brackets the prompt's ANSI escape sequences (`ESC [ … letter`) with the prompt-escape
    /// character, so libedit does not count colour codes as columns.
    ///
    /// libedit prints a bracketed stretch together with the one visible character after it (as a
    /// single cell as wide as that character), and drops a stretch that no visible character
    /// follows. So escapes that follow each other share one bracket pair, and a styled prompt
    /// must end in a visible character (ours end in a space).
    static func markingEscapes(_ text: String) -> String {
        let marker = Character(Unicode.Scalar(UInt8(promptEscape)))
        var result = ""
        var inEscape = false
        var bracketOpen = false
        for c in text {
            if c == "\u{1B}" {
                if !bracketOpen { result.append(marker) }
                bracketOpen = true
                inEscape = true
                result.append(c)
            } else if inEscape {
                result.append(c)
                if c.isLetter { inEscape = false }
            } else {
                if bracketOpen { result.append(marker) }
                bracketOpen = false
                result.append(c)
            }
        }
        if bracketOpen { result.append(marker) }
        return result
    }

    /// Text for `el_push` that the editor inserts as is: each control character (a newline in a
    /// multi-line prefill, a tab) is preceded by Ctrl-V, emacs's "insert the next key literally".
    static func typedLiterally(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F { result.unicodeScalars.append("\u{16}") }
            result.unicodeScalars.append(scalar)
        }
        return result
    }

    func writeToTerminal(_ text: String) {
        _ = fputs(text, output)
    }
}
