import GlassboxLanguage

// MARK: - A learner's progress

/// How far a learner got in one exercise.
public struct ExerciseProgress: Equatable, Sendable {
    /// `:check`s so far; `:solution` needs at least one.
    public var tries = 0
    /// Hints shown so far (`:hint` shows the next).
    public var hintsShown = 0
    public var solved = false
    public var sawSolution = false

    public init(tries: Int = 0, hintsShown: Int = 0, solved: Bool = false, sawSolution: Bool = false) {
        self.tries = tries
        self.hintsShown = hintsShown
        self.solved = solved
        self.sawSolution = sawSolution
    }
}

/// How far a learner got in one lesson.
public struct LessonProgress: Equatable, Sendable {
    /// The section the learner is in (0-based); `glassbox lesson N` resumes there.
    public var section = 0
    /// Every section has been reached.
    public var finished = false
    /// By exercise id.
    public var exercises: [String: ExerciseProgress] = [:]

    public init(section: Int = 0, finished: Bool = false, exercises: [String: ExerciseProgress] = [:]) {
        self.section = section
        self.finished = finished
        self.exercises = exercises
    }

    public var solvedCount: Int { exercises.values.filter(\.solved).count }
}

/// Everything the progress file holds, by lesson key (the lesson file's name without `.md`).
public struct Progress: Equatable, Sendable {
    public static let formatVersion = 1
    public var lessons: [String: LessonProgress] = [:]

    public init(lessons: [String: LessonProgress] = [:]) { self.lessons = lessons }

    // MARK: JSON form

    ///     {"version": 1, "lessons": {"03-activations": {"section": 2, "finished": false,
    ///       "exercises": {"sigmoid-derivative": {"tries": 2, "hints": 1, "solved": true, "saw_solution": false}}}}}
    public var json: JSONValue {
        .object([
            ("version", .number(Double(Self.formatVersion))),
            ("lessons", .object(lessons.keys.sorted().map { key in
                let lesson = lessons[key] ?? LessonProgress()
                return (key, .object([
                    ("section", .number(Double(lesson.section))),
                    ("finished", .bool(lesson.finished)),
                    ("exercises", .object(lesson.exercises.keys.sorted().map { id in
                        let e = lesson.exercises[id] ?? ExerciseProgress()
                        return (id, .object([
                            ("tries", .number(Double(e.tries))),
                            ("hints", .number(Double(e.hintsShown))),
                            ("solved", .bool(e.solved)),
                            ("saw_solution", .bool(e.sawSolution)),
                        ]))
                    })),
                ]))
            })),
        ])
    }

    /// Reads the JSON form. Anything that is not the shape above is an error (the file is then
    /// treated as damaged); unknown keys are ignored, so a newer file still loads.
    public init(json: JSONValue) throws(ProgressFormatError) {
        guard case .object = json else { throw ProgressFormatError("the file does not hold a JSON object") }
        guard let lessons = json["lessons"]?.objectValue else { throw ProgressFormatError("there is no `lessons` object") }
        for (key, value) in lessons {
            guard case .object = value else { throw ProgressFormatError("lesson `\(key)` is not an object") }
            var lesson = LessonProgress()
            lesson.section = max(0, value["section"]?.intValue ?? 0)
            lesson.finished = value["finished"]?.boolValue ?? false
            for (id, e) in value["exercises"]?.objectValue ?? [] {
                guard case .object = e else { throw ProgressFormatError("exercise `\(id)` of lesson `\(key)` is not an object") }
                lesson.exercises[id] = ExerciseProgress(
                    tries: max(0, e["tries"]?.intValue ?? 0),
                    hintsShown: max(0, e["hints"]?.intValue ?? 0),
                    solved: e["solved"]?.boolValue ?? false,
                    sawSolution: e["saw_solution"]?.boolValue ?? false)
            }
            self.lessons[key] = lesson
        }
    }
}

/// A progress file that is valid JSON but not the expected shape.
public struct ProgressFormatError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ message: String) { description = message }
}
