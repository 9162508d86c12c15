// MARK: - Syntax tree

/// An expression node. Every node carries the span of source it was parsed from, so that any
/// error while evaluating it can point at it, and `explain` can label steps with its text.
public struct Expr: Sendable {
    public var kind: Kind
    public var range: SourceRange
    /// Longest path to a leaf; the parser bounds it so that evaluating never recurses too deeply.
    public var height: Int

    public indirect enum Kind: Sendable {
        case number(Double)
        case string(String)
        case name(String)
        /// `[a, b, c]`: a tensor literal; the elements are stacked along a new first axis.
        case list([Expr])
        /// `(a, b)` or `a, b` at statement level.
        case tuple([Expr])
        case unary(UnaryOperator, Expr)
        case binary(BinaryOperator, Expr, Expr)
        case call(Expr, [Argument])
        case index(Expr, [IndexItem])
        /// `x.shape`, `x.T`, `x.grad`, `opt.t`; the second field is the name's own span.
        case attribute(Expr, String, SourceRange)
        /// `x'`
        case transpose(Expr)
        /// `{ a = 1; a + 1 }`: its value is the value of its last statement.
        case block([Stmt])
        /// `if c { … } else { … }`; without `else` the value is nothing when `c` is false.
        case conditional(Expr, Expr, Expr?)
        /// `a and b`, `a or b`: conditions, short-circuit; 1 or 0.
        case logical(LogicalOperator, Expr, Expr)
        /// `not a`: 1 when a is 0, else 0.
        case not(Expr)
    }

    init(_ kind: Kind, _ range: SourceRange, height: Int = 1) {
        self.kind = kind
        self.range = range
        self.height = height
    }
}

public enum UnaryOperator: String, Sendable {
    case negate = "-", plus = "+"
}

public enum LogicalOperator: String, Sendable {
    case and, or
}

public enum BinaryOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", matmul = "@", power = "^"
    case less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">=", equal = "==", notEqual = "!="

    var isComparison: Bool {
        switch self {
        case .less, .lessEqual, .greater, .greaterEqual, .equal, .notEqual: return true
        default: return false
        }
    }
}

/// One argument of a call: positional (`label == nil`) or keyword (`axis=0`).
public struct Argument: Sendable {
    public var label: String?
    public var labelRange: SourceRange?
    public var value: Expr
}

/// One position inside `x[…]`: a single index (a number, or a tensor: a mask or indices), a
/// slice `start:stop:step`, `None` (a new axis) or `...` (all the axes the others leave).
public enum IndexItem: Sendable {
    case single(Expr)
    case slice(start: Expr?, stop: Expr?, step: Expr?, range: SourceRange)
    case newAxis(SourceRange)
    case ellipsis(SourceRange)

    var range: SourceRange {
        switch self {
        case .single(let e): return e.range
        case .slice(_, _, _, let r), .newAxis(let r), .ellipsis(let r): return r
        }
    }
}

// MARK: - Statements

public struct Stmt: Sendable {
    public var kind: Kind
    public var range: SourceRange
    /// The statement was ended by `;` (the REPL does not show its value).
    public var silenced: Bool

    public enum Kind: Sendable {
        case expression(Expr)
        /// `x = e`, `h, c = e`: the names and their spans.
        case assign([(name: String, range: SourceRange)], Expr)
        case function(FunctionDecl)
        /// `for i in a...b { }`, `for i in a..<b { }`, `for row in X { }`
        case forLoop(variable: String, variableRange: SourceRange, sequence: LoopSequence, body: Expr)
        case whileLoop(condition: Expr, body: Expr)
        /// `explain e`
        case explain(Expr)
        /// `include "models/gpt2.gbx"`: the path as written and its span.
        case include(String, SourceRange)
        /// `x[0, 1:3] = e`, `x += e`, `x[i] -= e`: rebinds a name to a changed copy of its tensor.
        case update(Update)
    }
}

/// An assignment that changes part or all of a variable's tensor by making a new one (value
/// semantics): `name[items] = value`, or with `op`, `name[items] op= value` and `name op= value`.
public struct Update: Sendable {
    public var name: String
    public var nameRange: SourceRange
    /// The index on the left (nil: the whole variable, `x += e`).
    public var items: [IndexItem]?
    /// The left side as written (`x[0, 1:3]`).
    public var targetRange: SourceRange
    /// `+` for `+=` and so on; nil for `=`.
    public var op: BinaryOperator?
    public var value: Expr
}

/// What a `for` loop runs over.
public enum LoopSequence: Sendable {
    case closedRange(Expr, Expr)       // a...b
    case halfOpenRange(Expr, Expr)     // a..<b
    case value(Expr)                   // the first axis of a tensor, or a tuple's items
}

/// `f(x, y=2) = body`
public struct FunctionDecl: Sendable {
    public var name: String
    public var nameRange: SourceRange
    public var parameters: [Parameter]
    public var body: Expr

    public struct Parameter: Sendable {
        public var name: String
        public var range: SourceRange
        public var defaultValue: Expr?
    }
}
