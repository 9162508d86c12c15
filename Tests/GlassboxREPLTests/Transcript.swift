import XCTest
import GlassboxLanguage
@testable import GlassboxREPL

/// A REPL session written down as it appears on the terminal: lines after an `In [n]: ` or
/// `...: ` prompt are what the person typed; everything else is what Glassbox printed. The
/// last prompt, left empty, is Ctrl-D. An input of `^C` is Ctrl-C at the prompt.
///
/// `assertTranscript` replays the typed lines through a scripted reader and compares the whole
/// screen, so a test reads like the session it checks (IPython and Julia test their REPLs so).
/// Trailing spaces are not compared (editors strip them from the expected text).
struct Transcript {
    let text: String

    /// What the person typed, in order.
    var events: [ScriptedLineReader.Event] {
        var events: [ScriptedLineReader.Event] = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let promptLines = lines.compactMap(Self.input)
        for (index, input) in promptLines.enumerated() {
            if index == promptLines.count - 1, input.isEmpty { events.append(.endOfInput); break }
            events.append(input == "^C" ? .interrupt : .line(input))
        }
        return events
    }

    /// The typed text of a prompt line, or nil when the line is output.
    static func input(_ line: Substring) -> String? {
        if line.hasPrefix("In ["), let close = line.firstIndex(of: "]"), line[close...].hasPrefix("]:") {
            return String(line[close...].dropFirst(2).dropFirst(1))
        }
        let trimmed = line.drop(while: { $0 == " " })
        if trimmed.hasPrefix("...:"), trimmed.count < line.count { return String(trimmed.dropFirst(5)) }
        return nil
    }

    /// The text with every line's trailing spaces removed and one final newline.
    static func normalized(_ text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            String(line.reversed().drop(while: { $0 == " " }).reversed())
        }
        while lines.last == "" { lines.removeLast() }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// A REPL wired to strings instead of a terminal.
final class Harness {
    let screen = StringSink()
    let errors = StringSink()
    let reader: ScriptedLineReader
    let repl: REPL

    init(_ events: [ScriptedLineReader.Event], presentation: REPL.Presentation = .notebook,
         colour: Bool = false, echo: Bool = true) {
        reader = ScriptedLineReader(events: events, echo: echo ? screen : nil, interactive: presentation == .notebook)
        repl = REPL(session: Session(), reader: reader, presentation: presentation,
                    renderer: Renderer(style: Style(enabled: colour)), output: screen, errors: errors)
        repl.timingMinimumRun = 0.001
    }

    @discardableResult
    func run() -> String {
        repl.run()
        InterruptSignal.clear()
        return screen.text
    }
}

func assertTranscript(_ expected: String, file: StaticString = #filePath, line: UInt = #line) {
    let harness = Harness(Transcript(text: expected).events)
    let actual = Transcript.normalized(harness.run())
    let expected = Transcript.normalized(expected)
    if actual != expected {
        XCTFail("transcript differs\n--- expected\n\(expected)\n--- actual\n\(actual)\n---", file: file, line: line)
    }
}
