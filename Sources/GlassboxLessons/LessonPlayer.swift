import GlassboxLanguage
import GlassboxTensors

// MARK: - What a lesson shows

/// One piece of what the learner sees after a lesson action. The REPL decides how it looks
/// (colour, wrapping); the lesson decides what it says.
public enum LessonLine: Equatable, Sendable {
    /// A section heading: `title`, and `section`/`of` for "section 2 of 5" (nil for the lesson's title).
    case heading(String, section: Int?, of: Int)
    /// Markdown prose from the lesson, as written.
    case prose(String)
    /// An exercise reached: its prompt and what to do.
    case exercise(id: String, prompt: String, answer: String, solved: Bool)
    /// A passed check, a good thing.
    case success(String)
    /// A failed check.
    case failure(String)
    /// A hint (`number` of `count`).
    case hint(String, number: Int, count: Int)
    /// Code to show as code (a solution).
    case code(String)
    /// A plain remark from Glassbox (what to do next).
    case note(String)
    /// Something went wrong outside the learner's control (a setup cell failed, progress not saved).
    case warning(String)
}

/// The result of a lesson action: lines to show, and the code to put in the input line next.
public struct LessonStep: Equatable, Sendable {
    public var lines: [LessonLine]
    /// Text for the next prompt's input line, pre-filled and editable (nil: an empty line).
    public var prefill: String?

    public init(lines: [LessonLine] = [], prefill: String? = nil) {
        self.lines = lines
        self.prefill = prefill
    }
}

// MARK: - Playing a lesson

/// Walks a learner through a lesson, J-lab style: each section shows its prose up to the next
/// code cell, which is offered in the input line; running it moves on to the prose after it.
/// At the end of a section, `:next` goes on. Exercises are checked in the learner's session.
///
/// Terminal-free: every action returns a `LessonStep` that the REPL renders. The learner's
/// session is `runner.session`; setup cells (and cells skipped by `:next`) run through `runner`
/// without showing their output.
public final class LessonPlayer {
    public let lesson: Notebook
    /// The key progress is kept under (the file name without `.md`).
    public let key: String
    let runner: CellRunner
    let store: ProgressStore?
    /// The introduction, then each section.
    let parts: [[Block]]

    /// The part on screen: 0 is the introduction, k is section k.
    public private(set) var part = 0
    /// The next block of the part to present.
    var position = 0
    /// The code cell waiting for the learner (block index in the part) and its source.
    var offered: (block: Int, source: String)? = nil
    /// The learner's failed attempt at the offered cell, offered again instead of the original.
    var draft: String? = nil
    /// Code cells that have run, as (part, block).
    var ran: Set<[Int]> = []
    /// Exercises the learner has reached, as (part, block), in order.
    var reached: [[Int]] = []

    /// Hears every cell the lesson runs without showing it (setup, and cells `:next` skips), so
    /// the REPL can record it for `:save`.
    public var onQuietRun: ((Cell, CellOutcome) -> Void)? = nil

    public init(lesson: Notebook, key: String, runner: CellRunner, store: ProgressStore?) {
        self.lesson = lesson
        self.key = key
        self.runner = runner
        self.store = store
        self.parts = [lesson.introduction] + lesson.sections.map(\.blocks)
        // Relative paths in load_csv/read_text start from the lesson's folder (as in Jupyter).
        self.userDirectory = runner.session.directory
        self.lessonDirectory = TextFile.split(lesson.name).directory
        runner.session.directory = lessonDirectory
    }

    /// The session's folder before the lesson opened, which `leave()` gives back: without it,
    /// relative paths at the prompt kept resolving from the lessons folder after the lesson.
    let userDirectory: String?
    /// The lesson file's folder, where the session's relative paths start while it plays.
    let lessonDirectory: String

    /// Gives the session back the folder it had before the lesson, when the lesson ends or the
    /// REPL leaves it (another lesson, `:reset`). Going back into a section takes the lesson's
    /// folder again.
    public func leave() {
        session.directory = userDirectory
    }

    var session: Session { runner.session }
    var sectionCount: Int { lesson.sections.count }
    public var progress: LessonProgress { store?.lesson(key) ?? LessonProgress() }

    /// "Lesson 3, section 2 of 5: The sigmoid".
    public var whereabouts: String {
        let name = lesson.frontMatter.lesson.map { "Lesson \($0)" } ?? lesson.title
        guard part > 0, part <= sectionCount else { return name }
        return "\(name), section \(part) of \(sectionCount): \(lesson.sections[part - 1].title)"
    }

    /// Text for the input line at the next prompt: the offered cell (or the learner's failed
    /// attempt at it) while one waits, else nil. The REPL asks before every prompt.
    public var pendingInput: String? { offered.map { draft ?? $0.source } }

    // MARK: Starting

    /// Opens the lesson: at `section` (1-based) when given, else where the learner left off
    /// (the beginning for a new or finished lesson). Cells of earlier sections run first,
    /// unseen, so that the variables they define exist. The random generator is reseeded with 0
    /// (as in a fresh `glassbox`), so the numbers match the lesson's recorded outputs.
    public func start(at section: Int? = nil) -> LessonStep {
        RandomSource.seed(0)
        var lines: [LessonLine] = []
        let saved = progress
        var target = section ?? (saved.finished ? 0 : saved.section)
        target = min(max(0, target), sectionCount)
        if !lesson.introduction.contains(where: Self.isHeading) {
            lines.append(.heading(lesson.title, section: nil, of: sectionCount))
        }
        if target > 1 {
            let count = catchUp(before: target, lines: &lines)
            let how = section == nil ? "Welcome back: resuming at" : "Starting at"
            lines.append(.note("\(how) section \(target) of \(sectionCount)" + (count > 0 ? " (the \(count) cells of the earlier sections ran first, so their variables exist)." : ".")))
            let entered = enter(target)
            return step(lines + entered.lines + Self.howTo(entered), prefill: entered.prefill)
        }
        let entered = enter(0)
        return step(lines + entered.lines + Self.howTo(entered), prefill: entered.prefill)
    }

    /// Said once, when the lesson opens with a cell in the input line.
    static func howTo(_ step: LessonStep) -> [LessonLine] {
        guard let prefill = step.prefill, !prefill.hasPrefix(":") else { return [] }
        return [.note("The next cell is in your input line: Return runs it (edit it first if you like); Ctrl-U clears the line to type something else.")]
    }

    static func isHeading(_ block: Block) -> Bool {
        if case .prose(let p) = block { return p.text.hasPrefix("# ") }
        return false
    }

    /// Runs, unseen, every cell of the parts before `target`.
    func catchUp(before target: Int, lines: inout [LessonLine]) -> Int {
        var count = 0
        for p in 0..<min(target, parts.count) {
            count += runRemaining(inPart: p, lines: &lines)
        }
        return count
    }

    /// Runs, unseen, the cells of part `p` that have not run yet (commands are left out: they
    /// define no variables). Returns how many ran.
    func runRemaining(inPart p: Int, lines: inout [LessonLine]) -> Int {
        var count = 0
        for (i, block) in parts[p].enumerated() {
            guard case .cell(let cell) = block, !ran.contains([p, i]) else { continue }
            if cell.source.trimmingWhitespace().hasPrefix(":") { continue }
            runQuietly(cell, at: [p, i], lines: &lines)
            count += 1
        }
        return count
    }

    func runQuietly(_ cell: Cell, at ref: [Int], lines: inout [LessonLine]) {
        let outcome = runner.run(cell.source, file: lesson.name, line: cell.line)
        ran.insert(ref)
        onQuietRun?(cell, outcome)
        if let error = outcome.error {
            lines.append(.warning("a \(cell.kind == .setup ? "setup " : "")cell of the lesson (line \(cell.line)) failed:\n\(error)"))
        }
    }

    // MARK: Moving through a section

    /// Shows part `p` from its start.
    func enter(_ p: Int) -> LessonStep {
        session.directory = lessonDirectory
        part = p
        position = 0
        offered = nil
        draft = nil
        var lines: [LessonLine] = []
        if p > 0 { lines.append(.heading(lesson.sections[p - 1].title, section: p, of: sectionCount)) }
        if p > 0 { store?.update(key) { $0.section = p } }
        let rest = advance()
        return step(lines + rest.lines, prefill: rest.prefill)
    }

    /// Presents blocks from `position` up to the next code cell, which it offers.
    func advance() -> LessonStep {
        var lines: [LessonLine] = []
        let blocks = parts[part]
        while position < blocks.count {
            let index = position
            position += 1
            switch blocks[index] {
            case .prose(let prose):
                lines.append(.prose(prose.text))
            case .cell(let cell) where cell.kind == .setup:
                runQuietly(cell, at: [part, index], lines: &lines)
            case .cell(let cell):
                offered = (index, cell.source)
                return step(lines, prefill: cell.source)
            case .exercise(let e):
                if !reached.contains([part, index]) { reached.append([part, index]) }
                lines.append(.exercise(id: e.id, prompt: e.prompt, answer: e.answer, solved: progress.exercises[e.id]?.solved ?? false))
            }
        }
        // The introduction flows straight into the first section.
        if part == 0, sectionCount > 0 {
            let next = enter(1)
            return step(lines + next.lines, prefill: next.prefill)
        }
        return step(lines + endOfPart(), prefill: openExercises().isEmpty && part < sectionCount ? ":next" : nil)
    }

    /// How the text says to go on when the input line already holds `:next`: typing `:next`
    /// there too made `:next:next`, so it says to press Enter instead.
    static func goOn(to title: String, prefilled: Bool) -> String {
        prefilled ? "Press Enter to go on to “\(title)” (the line holds `:next`)." : "`:next` goes on to “\(title)”."
    }

    /// What to say when a section has been shown to its end.
    func endOfPart() -> [LessonLine] {
        var lines: [LessonLine] = []
        let open = openExercises()
        if let first = open.first {
            lines.append(.note("Exercise `\(first.id)` is open: compute `\(first.answer)`, then `:check` (`:hint` for a hint)."))
        }
        if part >= sectionCount {
            store?.update(key) { $0.finished = true }
            leave()
            let solved = progress.solvedCount, total = lesson.exercises.count
            lines.append(.note("End of the lesson (\(solved) of \(total) exercises solved). `:lessons` lists the others; `:back` goes back a section."))
        } else {
            let goOn = Self.goOn(to: lesson.sections[part].title, prefilled: open.isEmpty)
            lines.append(.note("End of section \(part) of \(sectionCount). " + goOn))
        }
        return lines
    }

    /// The learner ran a cell (the REPL calls this after every cell). When a cell is offered and
    /// this one is it — as offered or edited — the lesson moves on; a cell that failed is offered
    /// again as the learner typed it. Any other cell (exploring) leaves the lesson where it is.
    public func learnerRan(_ source: String, succeeded: Bool) -> LessonStep? {
        guard let offer = offered, Self.resembles(source, offer.source) || source == draft else { return nil }
        guard succeeded else {
            draft = source
            return step([.note("The lesson waits for this cell: fix it and press Return (`:next` skips the section).")], prefill: source)
        }
        ran.insert([part, offer.block])
        offered = nil
        draft = nil
        return advance()
    }

    /// Whether `typed` is the offered cell, possibly edited: equal up to spaces, or within an
    /// edit distance of half the longer text.
    static func resembles(_ typed: String, _ offered: String) -> Bool {
        let a = typed.filter { !$0.isWhitespace }, b = offered.filter { !$0.isWhitespace }
        if a == b { return true }
        let longer = max(a.count, b.count)
        // The distance is at least the difference in length; and a long paste is not an edit
        // worth an O(n²) comparison.
        guard abs(a.count - b.count) * 2 <= longer, longer <= 4000 else { return false }
        return Suggestions.distance(Array(a), Array(b)) * 2 <= longer
    }

    /// `:next`: the next section. Cells of this section that have not run yet run first,
    /// unseen, so that the next section finds the variables it expects.
    public func next() -> LessonStep {
        guard part < sectionCount else {
            return step([.note("This is the last section of the lesson. `:lessons` lists the others.")], prefill: pendingInput)
        }
        var lines: [LessonLine] = []
        let count = runRemaining(inPart: part, lines: &lines)
        if count > 0 {
            lines.append(.note("(Ran the \(count == 1 ? "cell" : "\(count) cells") of this section you had not run.)"))
        }
        let entered = enter(part + 1)
        return step(lines + entered.lines, prefill: entered.prefill)
    }

    /// `:back`: the previous section, from its start (variables keep their current values).
    public func back() -> LessonStep {
        guard part > 1 else {
            let entered = enter(min(1, sectionCount))
            return step([.note("This is the first section; here it is again from the start.")] + entered.lines, prefill: entered.prefill)
        }
        return enter(part - 1)
    }

    /// `:lesson` while a lesson is open: where the learner is and what is waiting.
    public func status() -> LessonStep {
        var lines: [LessonLine] = [.note(whereabouts + ".")]
        if let e = currentExercise() {
            let p = progress.exercises[e.id] ?? ExerciseProgress()
            lines.append(.note("Exercise `\(e.id)`: " + (p.solved ? "solved." : "open (\(p.tries) \(p.tries == 1 ? "try" : "tries"), \(p.hintsShown) of \(e.hints.count) hints).")))
        }
        return step(lines, prefill: pendingInput)
    }

    func step(_ lines: [LessonLine], prefill: String? = nil) -> LessonStep {
        var lines = lines
        for warning in store?.takeWarnings() ?? [] { lines.append(.warning(warning)) }
        return LessonStep(lines: lines, prefill: prefill)
    }
}
