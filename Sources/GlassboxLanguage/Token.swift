// MARK: - Tokens

/// One token of Glassbox source, with the span it came from.
public struct Token: Equatable, Sendable {
    public var kind: Kind
    public var range: SourceRange

    public enum Kind: Equatable, Sendable {
        case number(Double)
        case string(String)
        case identifier(String)
        case keyword(Keyword)
        case symbol(Symbol)
        /// A statement terminator: a newline outside `(` `[`, or (with `isSemicolon`) a `;`.
        case terminator(isSemicolon: Bool)
        case end
    }

    public init(_ kind: Kind, _ range: SourceRange) {
        self.kind = kind
        self.range = range
    }
}

/// Reserved words. They cannot be used as names.
public enum Keyword: String, CaseIterable, Sendable {
    case `for`, `in`, `if`, `else`, `while`, explain
    /// Logical operators on conditions (Python's spelling), lower than the comparisons.
    case and, or, not
    /// `include "file.gbx"`: runs a Glassbox file in the session.
    case include
    /// `None` inside an index: a new axis of size 1 (`x[None, :]`), as in NumPy.
    case newAxis = "None"
}

/// Operators and punctuation.
public enum Symbol: String, CaseIterable, Sendable {
    case plus = "+", minus = "-", star = "*", slash = "/", at = "@", caret = "^"
    case quote = "'"
    case assign = "="
    /// Compound assignment: `x += e` rebinds `x` to `x + e` (also on an index, `x[i] += e`).
    case plusAssign = "+=", minusAssign = "-=", starAssign = "*=", slashAssign = "/="
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case leftParen = "(", rightParen = ")", leftBracket = "[", rightBracket = "]"
    case leftBrace = "{", rightBrace = "}"
    case comma = ",", colon = ":", dot = "."
    case closedRange = "...", halfOpenRange = "..<"

    /// A line that ends with one of these continues on the next line (`x = 1 +` ⏎ `2`).
    var continuesLine: Bool {
        switch self {
        case .plus, .minus, .star, .slash, .at, .caret, .assign, .plusAssign, .minusAssign, .starAssign,
             .slashAssign, .equal, .notEqual, .less,
             .lessEqual, .greater, .greaterEqual, .comma, .colon, .dot, .closedRange, .halfOpenRange,
             .leftParen, .leftBracket, .leftBrace:
            return true
        case .quote, .rightParen, .rightBracket, .rightBrace:
            return false
        }
    }
}

extension Token.Kind {
    /// How the token reads in a message: `+`, `name`, "end of input".
    var described: String {
        switch self {
        case .number: return "a number"
        case .string: return "a string"
        case .identifier(let name): return "`\(name)`"
        case .keyword(let k): return "`\(k.rawValue)`"
        case .symbol(let s): return "`\(s.rawValue)`"
        case .terminator(let semicolon): return semicolon ? "`;`" : "end of line"
        case .end: return "end of input"
        }
    }

    /// True for tokens after which `'` is a transpose (the end of an operand).
    var endsOperand: Bool {
        switch self {
        case .number, .string, .identifier: return true
        case .symbol(let s): return s == .rightParen || s == .rightBracket || s == .quote || s == .rightBrace
        default: return false
        }
    }
}
