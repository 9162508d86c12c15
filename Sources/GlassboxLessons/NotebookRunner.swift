import GlassboxLanguage
import GlassboxTensors

// MARK: - Running a whole notebook

/// Something `run --check` found wrong with a notebook.
public struct NotebookProblem: Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// A cell (code, setup or an exercise's solution) failed.
        case cellFailed
        /// A cell printed something other than its recorded output.
        case outputDiffers
        /// An exercise's solution does not pass its own check.
        case solutionFails
        /// An exercise passes before the learner does anything (an earlier cell defines the answer).
        case givenAway
    }

    public let kind: Kind
    public let file: String
    public let line: Int
    /// One line.
    public let message: String
    /// More lines (the error with its caret, both outputs), or nil.
    public let detail: String?

    public var description: String {
        var text = "\(file):\(line): \(message)"
        if let detail { text += "\n" + detail.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n") }
        return text
    }
}

/// What running a notebook found.
public struct NotebookReport: Sendable {
    public let file: String
    public var cellsRun = 0
    public var cellsFailed = 0
    public var outputsCompared = 0
    public var exercisesChecked = 0
    public var problems: [NotebookProblem] = []
    /// Ctrl-C stopped the run.
    public var interrupted = false

    public init(file: String) { self.file = file }

    public var passed: Bool { problems.isEmpty && cellsFailed == 0 && !interrupted }

    /// `12 cells ran, 5 recorded outputs match, 3 exercise solutions pass`.
    public var summary: String {
        var parts = ["\(cellsRun) \(cellsRun == 1 ? "cell" : "cells") ran"]
        if cellsFailed > 0 { parts.append("\(cellsFailed) failed") }
        let outputProblems = problems.filter { $0.kind == .outputDiffers }.count
        parts.append("\(outputsCompared - outputProblems) of \(outputsCompared) recorded outputs match")
        let exerciseProblems = Set(problems.filter { $0.kind == .solutionFails || $0.kind == .givenAway }.map(\.line)).count
        parts.append("\(exercisesChecked - exerciseProblems) of \(exercisesChecked) exercise solutions pass")
        if interrupted { parts.append("interrupted") }
        return parts.joined(separator: ", ")
    }
}

/// What the runner reports as it goes, so a caller can print each cell's output in order.
public enum NotebookEvent {
    case cell(Cell, CellOutcome)
    case exercise(Exercise, CheckResult)
}

/// Runs every cell of a notebook in order — `glassbox run FILE.md` — and, in check mode, also
/// compares recorded outputs and runs and checks every exercise's solution
/// (`glassbox run --check FILE.md`, which CI runs over every lesson).
public enum NotebookRunner {
    public enum Mode: Sendable {
        /// Run the setup and code cells (exercises are the learner's; their solutions do not run).
        case run
        /// Also compare recorded outputs and check every exercise's solution.
        case check
    }

    /// Runs `notebook` with `runner`. The random generator is reseeded with 0 first (what a
    /// fresh `glassbox` process starts with), so recorded random numbers come out the same
    /// whatever ran before.
    public static func run(_ notebook: Notebook, with runner: CellRunner, mode: Mode, reseed: Bool = true,
                           onEvent: ((NotebookEvent) -> Void)? = nil) -> NotebookReport {
        if reseed { RandomSource.seed(0) }
        // Relative paths in load_csv/read_text start from the notebook's folder (as in Jupyter).
        runner.session.directory = TextFile.split(notebook.name).directory
        var report = NotebookReport(file: notebook.name)
        for block in notebook.allBlocks {
            switch block {
            case .prose:
                continue
            case .cell(let cell):
                let outcome = runner.run(cell.source, file: notebook.name, line: cell.line)
                report.cellsRun += 1
                onEvent?(.cell(cell, outcome))
                if outcome.interrupted {
                    report.interrupted = true
                    return report
                }
                if let error = outcome.error {
                    report.cellsFailed += 1
                    if mode == .check {
                        report.problems.append(NotebookProblem(
                            kind: .cellFailed, file: notebook.name, line: cell.line,
                            message: "this \(cell.kind == .setup ? "setup " : "")cell failed", detail: error))
                    }
                } else if mode == .check, let recorded = cell.output {
                    report.outputsCompared += 1
                    if !OutputMatch.matches(recorded: recorded.text, actual: outcome.output) {
                        report.problems.append(outputProblem(cell, recorded, outcome.output, file: notebook.name))
                    }
                }
            case .exercise(let exercise):
                guard mode == .check else { continue }
                if !checkExercise(exercise, runner: runner, file: notebook.name, report: &report, onEvent: onEvent) {
                    return report
                }
            }
        }
        return report
    }

    /// Runs an exercise's solution and checks it; false when Ctrl-C stopped it.
    static func checkExercise(_ exercise: Exercise, runner: CellRunner, file: String, report: inout NotebookReport,
                              onEvent: ((NotebookEvent) -> Void)?) -> Bool {
        report.exercisesChecked += 1
        let session = runner.session
        if session.variables.contains(where: { $0.name == exercise.answer }),
           exercise.check(in: session).passed {
            report.problems.append(NotebookProblem(
                kind: .givenAway, file: file, line: exercise.line,
                message: "exercise `\(exercise.id)` passes before the learner does anything: `\(exercise.answer)` already holds the expected quantity",
                detail: "use another name for the answer, or compute the quantity after the exercise"))
        }
        let outcome = runner.run(exercise.solution, file: file, line: exercise.line)
        if outcome.interrupted {
            report.interrupted = true
            return false
        }
        if let error = outcome.error {
            report.problems.append(NotebookProblem(
                kind: .solutionFails, file: file, line: exercise.line,
                message: "the solution of exercise `\(exercise.id)` failed", detail: error))
            return true
        }
        let result = exercise.check(in: session)
        onEvent?(.exercise(exercise, result))
        if !result.passed {
            report.problems.append(NotebookProblem(
                kind: .solutionFails, file: file, line: exercise.line,
                message: "the solution of exercise `\(exercise.id)` does not pass its own check: \(result.message)",
                detail: "solution: \(exercise.solution)\nexpect:   \(exercise.expect)"))
        }
        return true
    }

    static func outputProblem(_ cell: Cell, _ recorded: RecordedOutput, _ actual: String, file: String) -> NotebookProblem {
        let where_ = OutputMatch.firstDifferingLine(recorded: recorded.text, actual: actual)
            .map { " (first at line \($0) of the output)" } ?? ""
        return NotebookProblem(
            kind: .outputDiffers, file: file, line: recorded.line,
            message: "the cell on line \(cell.line) printed something other than its recorded output\(where_)",
            detail: "recorded:\n" + indented(recorded.text) + "\nnow:\n" + indented(actual.isEmpty ? "(nothing)" : actual))
    }

    static func indented(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
    }
}
