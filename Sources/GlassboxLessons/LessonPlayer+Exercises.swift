// MARK: - Exercises in a lesson: :check, :hint, :solution

extension LessonPlayer {
    /// The exercise `:check`, `:hint` and `:solution` are about: the first unsolved one the
    /// learner has reached in this section, else the last one reached in it, else the last one
    /// reached anywhere.
    public func currentExercise() -> Exercise? {
        let here = reached.filter { $0[0] == part }
        let pick = here.first(where: { ref in !(exercise(at: ref).map { isSolved($0) } ?? true) }) ?? here.last ?? reached.last
        return pick.flatMap(exercise(at:))
    }

    func exercise(at ref: [Int]) -> Exercise? {
        guard case .exercise(let e)? = parts[ref[0]].dropFirst(ref[1]).first else { return nil }
        return e
    }

    func isSolved(_ e: Exercise) -> Bool { progress.exercises[e.id]?.solved ?? false }

    /// Exercises reached in this section and not solved yet.
    func openExercises() -> [Exercise] {
        reached.filter { $0[0] == part }.compactMap(exercise(at:)).filter { !isSolved($0) }
    }

    /// `:check` or `:check EXPR`: compares the learner's answer with the expected quantity.
    /// Every comparison counts as a try (so `:solution` becomes available); a check that could
    /// not compare anything (the answer is not defined yet) does not.
    public func check(expression: String? = nil) -> LessonStep {
        guard let e = currentExercise() else {
            return step([.note("There is no exercise in this part of the lesson yet.")], prefill: pendingInput)
        }
        let result = e.check(in: session, expression: expression)
        let counts: Bool
        switch result.verdict {
        case .notDefined, .answerFailed, .expectationFailed: counts = false
        default: counts = true
        }
        let wasSolved = isSolved(e)
        if counts {
            store?.update(key) { lesson in
                lesson.exercises[e.id, default: ExerciseProgress()].tries += 1
                if result.passed { lesson.exercises[e.id, default: ExerciseProgress()].solved = true }
            }
        }
        var lines: [LessonLine] = []
        if result.passed {
            lines.append(.success("✓ `\(e.id)`: \(result.message)" + (wasSolved ? "" : " — solved.")))
            if let next = openExercises().first {
                lines.append(.note("Next: exercise `\(next.id)` (compute `\(next.answer)`)."))
            } else if offered == nil, position >= parts[part].count, part < sectionCount {
                lines.append(.note(Self.goOn(to: lesson.sections[part].title, prefilled: true)))
                return step(lines, prefill: ":next")
            }
        } else {
            lines.append(.failure("✗ `\(e.id)`: \(result.message)"))
            if counts {
                let p = progress.exercises[e.id] ?? ExerciseProgress()
                if p.hintsShown < e.hints.count {
                    lines.append(.note("`:hint` gives a hint (\(e.hints.count - p.hintsShown) left)."))
                } else {
                    lines.append(.note("`:solution` shows a solution."))
                }
            }
        }
        return step(lines, prefill: pendingInput)
    }

    /// `:hint`: the next hint of the current exercise.
    public func hint() -> LessonStep {
        guard let e = currentExercise() else {
            return step([.note("There is no exercise in this part of the lesson yet.")], prefill: pendingInput)
        }
        let shown = progress.exercises[e.id]?.hintsShown ?? 0
        guard !e.hints.isEmpty else {
            return step([.note("Exercise `\(e.id)` has no hints. " + solutionAdvice(e))], prefill: pendingInput)
        }
        guard shown < e.hints.count else {
            return step([.hint(e.hints[e.hints.count - 1], number: e.hints.count, count: e.hints.count),
                         .note("That was the last hint. " + solutionAdvice(e))], prefill: pendingInput)
        }
        store?.update(key) { $0.exercises[e.id, default: ExerciseProgress()].hintsShown = shown + 1 }
        return step([.hint(e.hints[shown], number: shown + 1, count: e.hints.count)], prefill: pendingInput)
    }

    func solutionAdvice(_ e: Exercise) -> String {
        (progress.exercises[e.id]?.tries ?? 0) > 0
            ? "`:solution` shows a solution."
            : "After a first `:check`, `:solution` shows a solution."
    }

    /// `:solution`: a solution of the current exercise, after at least one try. It is also put
    /// in the input line, so Return runs it.
    public func solution() -> LessonStep {
        guard let e = currentExercise() else {
            return step([.note("There is no exercise in this part of the lesson yet.")], prefill: pendingInput)
        }
        guard (progress.exercises[e.id]?.tries ?? 0) > 0 else {
            return step([.note("Try `:check` at least once first — a wrong answer counts. `:hint` gives a hint.")], prefill: pendingInput)
        }
        store?.update(key) { $0.exercises[e.id, default: ExerciseProgress()].sawSolution = true }
        return step([.note("A solution of `\(e.id)` (it is in your input line; Return runs it, then `:check`):"), .code(e.solution)],
                    prefill: e.solution)
    }
}
