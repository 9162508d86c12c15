// MARK: - The line-reader protocol

/// What one request for a line of input produced.
public enum LineInput: Equatable, Sendable {
    /// A line of text, without its trailing newline. Pasted multi-line text arrives as one
    /// `line` containing newlines.
    case line(String)
    /// Ctrl-C at the prompt: the line being edited is dropped.
    case interrupted
    /// Ctrl-D on an empty line, or the end of a pipe or a script.
    case endOfInput
}

/// A prompt in two forms: plain text, and the same text with colour escapes (which a line
/// editor must not count towards the prompt's width).
public struct Prompt: Equatable, Sendable {
    public var plain: String
    public var styled: String

    public init(plain: String, styled: String? = nil) {
        self.plain = plain
        self.styled = styled ?? plain
    }

    /// No prompt at all (scripts and pipes).
    public static let none = Prompt(plain: "")
}

/// Where the REPL gets its input: libedit on a terminal (`EditLineReader`), plain `read` for
/// pipes (`PlainLineReader`), a list of prepared lines for tests and files (`ScriptedLineReader`).
///
/// The reader owns everything about typing — editing keys, history, completion, paste — and
/// nothing about what the text means.
public protocol LineReader: AnyObject {
    /// Reads one line after showing `prompt`. `prefill`, when given, is placed in the edit
    /// buffer as if the user had typed it, so they can edit it before pressing Return (lessons
    /// use this to offer a starting formula).
    func readLine(prompt: Prompt, prefill: String?) -> LineInput

    /// Records a finished cell (possibly several lines) in the history, when the reader keeps one.
    func addHistory(_ entry: String)

    /// Completes the word before the cursor; the REPL sets it once variables can change.
    var completer: Completer? { get set }

    /// Whether input comes from a person at a terminal (prompts, colour, line editing).
    var isInteractive: Bool { get }
}

extension LineReader {
    public func readLine(prompt: Prompt) -> LineInput { readLine(prompt: prompt, prefill: nil) }
}
