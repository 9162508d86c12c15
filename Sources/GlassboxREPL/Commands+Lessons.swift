import GlassboxLanguage
import GlassboxLessons

// MARK: - Lesson commands

extension REPL {
    /// `:lessons`, `:lesson`, `:next`, `:back`, `:check`, `:hint`, `:solution`.
    static func lessonCommands() -> [REPLCommand] {
        [
            REPLCommand(name: "lessons", help: "the lessons, with your progress") { repl, _ in
                repl.listLessons()
            },
            REPLCommand(name: "lesson", arguments: "[N [SECTION]]",
                        help: "open lesson N (where you left off, or at SECTION); alone: where you are") { repl, argument in
                repl.openLesson(argument)
            },
            REPLCommand(name: "next", help: "the lesson's next section") { repl, _ in
                repl.withLesson { $0.next() }
            },
            REPLCommand(name: "back", help: "the lesson's previous section") { repl, _ in
                repl.withLesson { $0.back() }
            },
            REPLCommand(name: "check", arguments: "[EXPR]",
                        help: "check your answer to the exercise (or EXPR): exact, approximate or wrong") { repl, argument in
                repl.withLesson { $0.check(expression: argument.isEmpty ? nil : argument) }
            },
            REPLCommand(name: "hint", help: "one more hint for the exercise") { repl, _ in
                repl.withLesson { $0.hint() }
            },
            REPLCommand(name: "solution", help: "a solution of the exercise, after at least one :check") { repl, _ in
                repl.withLesson { $0.solution() }
            },
        ]
    }

    /// Runs a lesson action and shows its result; a problem when no lesson is open.
    func withLesson(_ action: (LessonPlayer) -> LessonStep) {
        guard let player = notebook.player else {
            problem("no lesson is open; `:lessons` lists them and `:lesson N` opens one")
            return
        }
        show(action(player))
    }

    // MARK: :lessons

    func listLessons() {
        let library: LessonLibrary
        do { library = try notebook.library() } catch {
            problem(error.message)
            return
        }
        let store = notebook.progressStore()
        let style = renderer.style
        var lines = [style.heading("Lessons") + style.header("  (\(library.directory))")]
        let width = library.entries.map(\.title.count).max() ?? 0
        for entry in library.entries {
            let number = entry.number.map { String($0) } ?? "?"
            let pad = String(repeating: " ", count: max(0, 3 - number.count))
            let title = entry.title + String(repeating: " ", count: max(0, width - entry.title.count))
            let state: String
            switch entry.lesson {
            case .failure(let error):
                state = style.error("cannot be read: ") + error.description
            case .success(let lesson):
                state = Self.progressText(store.lesson(entry.key), lesson: lesson, style: style)
            }
            lines.append(pad + style.name(number) + "  " + title + "  " + state)
        }
        if library.entries.isEmpty { lines.append("  (no lesson files)") }
        lines.append("")
        lines.append("`:lesson N` opens lesson N where you left off; `:lesson N 1` starts it from the beginning.")
        for warning in store.takeWarnings() { lines.append(style.warning(warning)) }
        say(lines.joined(separator: "\n"))
    }

    static func progressText(_ p: LessonProgress, lesson: Notebook, style: Style) -> String {
        let exercises = lesson.exercises.count
        let solved = p.exercises.filter { id, e in e.solved && lesson.exercises.contains { $0.id == id } }.count
        let tally = exercises > 0 ? " · \(solved) of \(exercises) exercises" : ""
        if p.finished { return style.success("finished") + tally }
        if p.section == 0 && p.exercises.isEmpty { return style.header("not started") }
        return "section \(p.section) of \(lesson.sections.count)" + tally
    }

    // MARK: :lesson

    /// `:lesson`, `:lesson N`, `:lesson N SECTION`.
    func openLesson(_ argument: String) {
        let words = argument.split(whereSeparator: \.isWhitespace).map(String.init)
        if words.isEmpty {
            if let player = notebook.player { return show(player.status()) }
            return listLessons()
        }
        guard words.count <= 2, let number = Int(words[0]) else {
            return problem("`:lesson` takes a lesson number and optionally a section, such as `:lesson 3` or `:lesson 3 2`")
        }
        var section: Int? = nil
        if words.count == 2 {
            guard let s = Int(words[1]), s >= 1 else {
                return problem("the section must be a number from 1, not `\(words[1])`")
            }
            section = s
        }
        let library: LessonLibrary
        do { library = try notebook.library() } catch {
            return problem(error.message)
        }
        guard let entry = library.entry(number: number) else {
            let known = library.entries.compactMap(\.number).map(String.init).joined(separator: ", ")
            return problem("there is no lesson \(number)" + (known.isEmpty ? "" : " (lessons: \(known))"))
        }
        let lesson: Notebook
        switch entry.lesson {
        case .failure(let error): return problem(error.description)
        case .success(let parsed): lesson = parsed
        }
        if let section, section > lesson.sections.count {
            return problem("lesson \(number) has \(lesson.sections.count) sections, not \(section)")
        }
        notebook.player?.leave()   // the new lesson keeps the user's folder to give back, not the old lesson's
        let player = LessonPlayer(lesson: lesson, key: entry.key, runner: SessionCellRunner(session: session),
                                  store: notebook.progressStore())
        let recorder = notebook.recorder
        let precision = { [unowned self] in self.session.precision }
        player.onQuietRun = { cell, outcome in
            recorder.record(cell.source, output: outcome.output, error: outcome.error, kind: cell.kind, precision: precision())
        }
        notebook.player = player
        show(player.start(at: section))
    }

    // MARK: Showing a lesson step

    /// Shows what a lesson said, and puts its code in the next input line.
    func show(_ step: LessonStep) {
        if reader is EditLineReader { lessonTextWidth = Terminal.columns() }   // the window may have been resized
        if !step.lines.isEmpty { say(step.lines.map(render).joined(separator: "\n\n")) }
        if let prefill = step.prefill { prefillNextInput(prefill) }
    }

    /// A lesson line as shown: coloured, and wrapped at word boundaries to `lessonTextWidth`.
    func render(_ line: LessonLine) -> String {
        let style = renderer.style
        let width = lessonTextWidth ?? Int.max
        let wrap = { (text: String) in TextWrapping.plain(text, width: width) }
        switch line {
        case .heading(let title, let section?, let count):
            return style.heading("## " + title) + style.header("  (section \(section) of \(count))")
        case .heading(let title, nil, _):
            return style.heading("# " + title)
        case .prose(let text):
            return TextWrapping.prose(text, width: width).map { line in
                line.kind == .heading ? style.heading(line.text) : line.text
            }.joined(separator: "\n")
        case .exercise(let id, let prompt, let answer, let solved):
            let title = style.heading("Exercise") + " " + style.name(id) + (solved ? " " + style.success("(solved)") : "")
            let body = TextWrapping.prose(prompt, width: width).map(\.text).joined(separator: "\n")
            return title + "\n" + body + "\n" + style.note(wrap("Compute `\(answer)`, then `:check`; `:hint` gives a hint."))
        case .success(let text):
            return style.success(wrap(text))
        case .failure(let text):
            return style.error(wrap(text))
        case .hint(let text, let number, let count):
            let label = "Hint \(number) of \(count): "
            return style.note(label) + TextWrapping.plain(text, width: width, firstLineUsed: label.count)
        case .code(let text):
            return text.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
        case .note(let text):
            return style.note(wrap(text))
        case .warning(let text):
            return style.warning(text)   // holds a diagnostic, whose caret must stay under its column
        }
    }
}

extension Style {
    func success(_ text: String) -> String { paint(text, "32") }    // green
    func warning(_ text: String) -> String { paint(text, "33") }    // yellow
}
