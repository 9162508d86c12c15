// MARK: - Exercises

/// A formula exercise: the learner computes one named quantity, and `:check` compares it with
/// the expected quantity — an expression the kernels evaluate in the learner's own session,
/// never a number written into the lesson (Karpathy's "backprop ninja" style: one quantity at a
/// time, answered with exact / approximate / wrong and the max difference).
///
/// ```exercise
/// id: sigmoid-derivative
/// prompt: Compute ds = σ′(x) for the x above.
/// answer: ds
/// expect: (sigmoid(x + 1e-3) - sigmoid(x - 1e-3)) / 2e-3
/// tolerance: 1e-4
/// hint: σ′ is a product of two terms.
/// hint: σ′(x) = σ(x)·(1 − σ(x)).
/// solution: ds = sigmoid(x) * (1 - sigmoid(x))
/// ```
public struct Exercise: Sendable, Equatable {
    /// Unique within the notebook; progress is kept under it.
    public var id: String
    /// What to compute, shown when the lesson reaches the exercise.
    public var prompt: String
    /// The variable the learner defines (`:check EXPR` checks an expression instead).
    public var answer: String
    /// The expected quantity, as Glassbox code evaluated in the session when checking.
    public var expect: String
    public var tolerance: Tolerance
    /// Shown one at a time by `:hint`.
    public var hints: [String]
    /// Code that defines `answer`; `:solution` shows it after a first `:check`, and
    /// `glassbox run --check` runs it and checks it.
    public var solution: String
    /// The line of the opening fence, 1-based.
    public var line: Int

    public init(id: String, prompt: String, answer: String, expect: String, tolerance: Tolerance = .standard,
                hints: [String] = [], solution: String, line: Int = 0) {
        self.id = id
        self.prompt = prompt
        self.answer = answer
        self.expect = expect
        self.tolerance = tolerance
        self.hints = hints
        self.solution = solution
        self.line = line
    }
}

/// How close an answer must be to count.
public enum Tolerance: Sendable, Equatable, CustomStringConvertible {
    /// Every element equal (NaN matches NaN).
    case exact
    /// |answer − expected| ≤ t + t·|expected| for every element (NumPy's `allclose` with
    /// `atol = rtol = t`), so one number serves both large and small quantities.
    case within(Double)

    /// `1e-5`: float32 arithmetic done in a different order stays well inside it.
    public static let standard = Tolerance.within(1e-5)

    /// How the exercise block writes it: `exact` or the number.
    public var description: String {
        switch self {
        case .exact: return "exact"
        case .within(let t): return shortNumber(t)
        }
    }
}
