// MARK: - Scripted reader (tests, files, `-e`)

/// Hands out prepared input, like a person typing at a terminal that never lags: the reader for
/// transcript tests, for script files and for `glassbox -e`.
///
/// With an `echo` sink it writes each prompt and the line "typed" after it, so the output reads
/// like a terminal session (`In [1]: x = 1`) and a test can compare a whole transcript.
public final class ScriptedLineReader: LineReader {
    /// One thing the fake user does at a prompt.
    public enum Event: Equatable, Sendable {
        /// Types a line (which may contain newlines, like a bracketed paste) and presses Return.
        case line(String)
        /// Types a line, presses Return, then presses Ctrl-C while that cell runs.
        case lineThenInterrupt(String)
        /// Presses Ctrl-C at the prompt.
        case interrupt
        /// Presses Ctrl-D on an empty line.
        case endOfInput
    }

    private var events: [Event]
    private var position = 0
    private let echo: TextSink?

    /// Every cell handed to `addHistory`, oldest first.
    public private(set) var history: [String] = []
    /// The `prefill` text of every `readLine` call that had one, in order.
    public private(set) var prefills: [String] = []

    public var completer: Completer? = nil
    public let isInteractive: Bool

    /// Called when a `lineThenInterrupt` line has been handed out; the REPL wires it to the
    /// Ctrl-C flag, so the cell sees an interrupt exactly as if the signal had arrived.
    public var onInterruptRequest: (() -> Void)? = nil

    public init(events: [Event], echo: TextSink? = nil, interactive: Bool = true) {
        self.events = events
        self.echo = echo
        self.isInteractive = interactive
    }

    /// Lines of a script or of `-e` code, with no echo and no prompt.
    public convenience init(source: String) {
        var lines = source.split(separator: "\n", omittingEmptySubsequences: false).map {
            Event.line(String($0))
        }
        if source.hasSuffix("\n") { lines.removeLast() }
        self.init(events: lines, echo: nil, interactive: false)
    }

    public func readLine(prompt: Prompt, prefill: String?) -> LineInput {
        if let prefill { prefills.append(prefill) }
        guard position < events.count else {
            echo?.write(prompt.plain + "\n")
            return .endOfInput
        }
        let event = events[position]
        position += 1
        switch event {
        case .line(let text):
            echo?.write(prompt.plain + text + "\n")
            return .line(text)
        case .lineThenInterrupt(let text):
            echo?.write(prompt.plain + text + "\n")
            onInterruptRequest?()
            return .line(text)
        case .interrupt:
            echo?.write(prompt.plain + "^C\n")
            return .interrupted
        case .endOfInput:
            echo?.write(prompt.plain + "\n")
            return .endOfInput
        }
    }

    public func addHistory(_ entry: String) { history.append(entry) }
}
