import GlassboxLanguage
import GlassboxTensors

// MARK: - Verdicts

/// How a learner's answer compares with the expected quantity.
public enum Verdict: Equatable, Sendable {
    /// Every element equal.
    case exact
    /// Within the tolerance, not equal; passes.
    case approximate(maxDifference: Double)
    /// Same shape, outside the tolerance (`nan` when one side has a NaN the other has not).
    case wrong(maxDifference: Double)
    /// Shapes differ (`item` is the tuple position when answers are tuples).
    case shapeMismatch(answer: [Int], expected: [Int], item: Int?)
    /// Not the same kind of value (a string where a tensor is expected, tuples of other sizes…).
    case kindMismatch(answer: String, expected: String)
    /// The answer variable is not defined.
    case notDefined(name: String)
    /// Evaluating `:check EXPR` failed; the message is the language's diagnostic.
    case answerFailed(message: String)
    /// The expected quantity could not be computed (usually: a variable it uses was changed).
    case expectationFailed(message: String)

    /// Exact and approximate answers pass.
    public var passed: Bool {
        switch self {
        case .exact, .approximate: return true
        default: return false
        }
    }
}

/// The outcome of `:check`: the verdict and one line saying it in words.
public struct CheckResult: Sendable {
    public let exerciseID: String
    public let verdict: Verdict
    /// `exact`, `approximate (max difference 3.2e-07)`, `wrong (max difference 0.41)`, or a
    /// sentence explaining what does not fit.
    public let message: String
    public var passed: Bool { verdict.passed }
}

// MARK: - Checking an answer

extension Exercise {
    /// Checks the learner's answer — the variable `answer`, or `expression` (`:check EXPR`) —
    /// against `expect`, which is evaluated now, in the same session and by the same kernels.
    public func check(in session: Session, expression: String? = nil) -> CheckResult {
        let subject: String
        let given: Value
        if let expression, !expression.allSatisfy(\.isWhitespace) {
            subject = "`\(expression.trimmingWhitespace())`"
            let run = session.run(expression, name: ":check")
            if let error = run.error {
                return result(.answerFailed(message: error.message), subject: subject)
            }
            guard let value = run.statements.last?.value else {
                return result(.answerFailed(message: "`:check` needs an expression with a value, such as `:check \(answer)`"), subject: subject)
            }
            given = value
        } else {
            subject = "your \(answer)"
            guard let variable = session.variables.first(where: { $0.name == answer }) else {
                return result(.notDefined(name: answer), subject: subject)
            }
            given = variable.value
        }
        let expected = Self.evaluateAside(expect, in: session, name: "the expected value of \(id)")
        if let error = expected.error {
            return result(.expectationFailed(message: error.message), subject: subject)
        }
        guard let expectedValue = expected.statements.last?.value else {
            return result(.expectationFailed(message: "`expect: \(expect)` has no value"), subject: subject)
        }
        return result(Self.compare(given, expectedValue, tolerance: tolerance), subject: subject)
    }

    /// Runs `source` in `session` without leaving a trace in the learner's names: a block such as
    /// `{ u = param(1.5); y2 = u^3; backward(y2); grad(u) }` binds `u` and `y2` at the top level
    /// (blocks share their cell's names), so every binding is put back as it was afterwards —
    /// names it added are removed (a built-in it shadowed comes back), names it rebound get their
    /// value again — and what it prints is dropped.
    ///
    /// What it cannot undo: effects inside the values themselves (`backward` replaces the
    /// gradients of the tensors it reaches, `step(opt)` moves parameters in place) and draws from
    /// the random generator.
    static func evaluateAside(_ source: String, in session: Session, name: String) -> CellResult {
        let before = session.variables
        let printer = session.output
        session.output = { _ in }
        let result = session.run(source, name: name)
        session.output = printer
        let names = Set(before.map(\.name))
        for variable in session.variables where !names.contains(variable.name) {
            session.remove(variable.name)
        }
        for variable in before { session.define(variable.name, variable.value) }
        return result
    }

    private func result(_ verdict: Verdict, subject: String) -> CheckResult {
        CheckResult(exerciseID: id, verdict: verdict, message: Self.describe(verdict, subject: subject))
    }

    // MARK: Comparing values

    /// Compares an answer with the expected value, element by element with the kernels.
    /// Tuples compare item by item; the verdict is the worst item's.
    public static func compare(_ answer: Value, _ expected: Value, tolerance: Tolerance) -> Verdict {
        switch (answer, expected) {
        case (.tensor(let a), .tensor(let e)):
            do {
                return try GradMode.withDisabled { try compare(a, e, tolerance: tolerance) }
            } catch {
                return .answerFailed(message: "could not compare: \(error)")
            }
        case (.tuple(let a), .tuple(let e)):
            guard a.count == e.count else {
                return .kindMismatch(answer: kindText(answer), expected: kindText(expected))
            }
            var worst = Verdict.exact
            for (i, (x, y)) in zip(a.items, e.items).enumerated() {
                var verdict = compare(x, y, tolerance: tolerance)
                if case .shapeMismatch(let sa, let se, nil) = verdict { verdict = .shapeMismatch(answer: sa, expected: se, item: i) }
                if !verdict.passed { return verdict }
                worst = worse(worst, verdict)
            }
            return worst
        case (.string(let a), .string(let e)):
            return a == e ? .exact : .kindMismatch(answer: kindText(answer), expected: kindText(expected))
        default:
            return .kindMismatch(answer: kindText(answer), expected: kindText(expected))
        }
    }

    /// Equal shapes required (a 3×1 answer for a 3-element quantity is a mistake worth naming, even
    /// though they broadcast). Then, with d = |a − e| where they differ (NaN equals NaN):
    /// exact when no element differs; approximate when every d ≤ t + t·|e|; otherwise wrong.
    static func compare(_ a: Tensor, _ e: Tensor, tolerance: Tolerance) throws -> Verdict {
        guard a.shape == e.shape else { return .shapeMismatch(answer: a.shape, expected: e.shape, item: nil) }
        if a.count == 0 { return .exact }
        // same = 1 where a == e, or where both are NaN.
        let bothNaN = try Ops.mul(Ops.notEqual(a, a), Ops.notEqual(e, e))
        let same = try Ops.add(Ops.equal(a, e), bothNaN)
        if try Ops.min(same).scalarValue == 1 { return .exact }
        let difference = try Ops.select(same, Ops.zeros(a.shape), Ops.abs(Ops.sub(a, e)))
        // A NaN on one side only: no number measures that difference.
        if try Ops.max(Ops.notEqual(difference, difference)).scalarValue == 1 { return .wrong(maxDifference: .nan) }
        let largest = Double(try Ops.max(difference).scalarValue ?? .nan)
        guard case .within(let t) = tolerance, largest.isFinite else { return .wrong(maxDifference: largest) }
        let bound = try Ops.add(Ops.full(Float(t), []), Ops.mul(Ops.full(Float(t), []), Ops.abs(e)))
        let inside = try Ops.min(Ops.lessEqual(difference, bound)).scalarValue == 1
        return inside ? .approximate(maxDifference: largest) : .wrong(maxDifference: largest)
    }

    static func worse(_ a: Verdict, _ b: Verdict) -> Verdict {
        switch (a, b) {
        case (.exact, _): return b
        case (_, .exact): return a
        case (.approximate(let x), .approximate(let y)): return .approximate(maxDifference: max(x, y))
        default: return a
        }
    }

    static func kindText(_ value: Value) -> String {
        switch value {
        case .tensor(let t): return t.rank == 0 ? "a number" : "a tensor of shape \(shapeText(t.shape))"
        case .tuple(let t): return "a tuple of \(t.count)"
        case .none: return "nothing"
        default: return "a \(value.typeName)"
        }
    }

    // MARK: Saying it in words

    static func describe(_ verdict: Verdict, subject: String) -> String {
        switch verdict {
        case .exact:
            return "exact"
        case .approximate(let d):
            return "approximate (max difference \(shortNumber(d)))"
        case .wrong(let d) where d.isNaN:
            return "wrong (\(subject) has nan where the expected quantity has a number, or the other way round)"
        case .wrong(let d):
            return "wrong (max difference \(shortNumber(d)))"
        case .shapeMismatch(let a, let e, let item):
            let who = item.map { "item [\($0)] of \(subject)" } ?? subject
            return "\(who) \(shapePhrase(a)) but the expected quantity \(shapePhrase(e)): \(shapeAdvice(a, e, subject: subject))"
        case .kindMismatch(let a, let e):
            return "\(subject) is \(a) but the expected quantity is \(e)"
        case .notDefined(let name):
            return "`\(name)` is not defined yet: compute it (`\(name) = …`), then `:check` (or `:check EXPR`)"
        case .answerFailed(let message):
            return "\(subject) could not be evaluated: \(message)"
        case .expectationFailed(let message):
            return "the expected quantity could not be computed (\(message)); did a variable the exercise uses change? `:lesson` re-runs the section's cells"
        }
    }

    static func shapePhrase(_ shape: [Int]) -> String {
        shape.isEmpty ? "is a single number" : "has shape \(shapeText(shape))"
    }

    /// A likely reason for a shape mismatch, in words.
    static func shapeAdvice(_ a: [Int], _ e: [Int], subject: String) -> String {
        let na = a.reduce(1, *), ne = e.reduce(1, *)
        if a.isEmpty { return "a sum, mean or max may have reduced it to one number too early" }
        if e.isEmpty { return "the exercise asks for one number (reduce with sum, mean or max?)" }
        if a.count >= 2, a == e.reversed() { return "it looks transposed (try \(subject.hasPrefix("your ") ? String(subject.dropFirst(5)) : "it")')" }
        if na == ne { return "the same \(na) numbers arranged differently (check reshape and the order of axes)" }
        if na > ne {
            if let n = e.last, e.count == 1, a == [n, n] {
                return "\(na) numbers instead of \(ne): a \(shapeText([n])) vector and a \(shapeText([n, 1])) broadcast to \(shapeText(a)); check which operand has the extra axis"
            }
            return "\(na) numbers instead of \(ne): an unintended broadcast, or a missing reduction (sum, mean)?"
        }
        return "\(na) numbers instead of \(ne): a reduction over the wrong axis, or a missing axis?"
    }
}

/// `3×1`, `scalar`: shapes in feedback, spelled as everywhere else (`Shape.text`).
func shapeText(_ shape: [Int]) -> String { Shape.text(shape) }
