// MARK: - Parser

/// Recursive-descent parser with one method per precedence level (Crafting Interpreters), in the
/// precedence order Docs/LANGUAGE.md gives (here lowest first):
///
///     comparison  < <= > >= == !=      (not chained)
///     additive    + -                  (left)
///     product     * / @                (left)
///     unary       - +                  (prefix)
///     power       ^                    (right; `-x^2` is `-(x^2)`, `2^-1` is allowed)
///     postfix     f(…)  x[…]  x.name  x'
///     primary     number string name (…) […] {…} if
///
/// Bracket nesting is limited to `maxNesting` and tree height to `maxHeight`, so neither the
/// parser nor the evaluator can recurse without bound on input like `((((((…`.
struct Parser {
    static let maxNesting = 100
    static let maxHeight = 1000

    let source: Source
    let tokens: [Token]
    var p = 0
    var nesting = 0

    init(_ source: Source, tokens: [Token]) {
        self.source = source
        self.tokens = tokens
    }

    /// Parses a whole cell or script.
    static func parse(_ source: Source) throws(Diagnostic) -> [Stmt] {
        var parser = Parser(source, tokens: try Lexer.tokenize(source))
        return try parser.program()
    }

    mutating func program() throws(Diagnostic) -> [Stmt] {
        var statements: [Stmt] = []
        skipTerminators()
        while !atEnd {
            var s = try statement()
            try endOfStatement(&s, closing: nil)
            statements.append(s)
            skipTerminators()
        }
        return statements
    }

    // MARK: - Expressions, lowest precedence first

    mutating func expression() throws(Diagnostic) -> Expr {
        try disjunction()
    }

    /// `a or b or …` (left; short-circuit).
    mutating func disjunction() throws(Diagnostic) -> Expr {
        var lhs = try conjunction()
        while check(.keyword(.or)) {
            advance()
            let rhs = try conjunction()
            lhs = try node(.logical(.or, lhs, rhs), lhs.range.union(rhs.range), children: lhs, rhs)
        }
        return lhs
    }

    /// `a and b and …` (left; short-circuit).
    mutating func conjunction() throws(Diagnostic) -> Expr {
        var lhs = try negation()
        while check(.keyword(.and)) {
            advance()
            let rhs = try negation()
            lhs = try node(.logical(.and, lhs, rhs), lhs.range.union(rhs.range), children: lhs, rhs)
        }
        return lhs
    }

    /// `not a` (prefix, below the comparisons: `not x == 1` is `not (x == 1)`).
    mutating func negation() throws(Diagnostic) -> Expr {
        guard check(.keyword(.not)) else { return try comparison() }
        let start = current.range.start
        advance()
        let operand = try nested { (me: inout Parser) throws(Diagnostic) in try me.negation() }
        return try node(.not(operand), SourceRange(start, operand.range.end), children: operand)
    }

    /// Every way the grammar recurses passes an opening bracket or a prefix operator; each one
    /// counts one level of nesting (see `maxNesting`).
    mutating func enter() throws(Diagnostic) {
        nesting += 1
        if nesting > Parser.maxNesting {
            throw Diagnostic(.depth, "expression nested too deeply (more than \(Parser.maxNesting) levels)",
                             source, current.range)
        }
    }

    mutating func comparison() throws(Diagnostic) -> Expr {
        let lhs = try additive()
        guard let op = comparisonOperator else { return lhs }
        advance()
        let rhs = try additive()
        if comparisonOperator != nil {
            throw Diagnostic(.syntax, "comparisons cannot be chained; compare two values at a time",
                             source, current.range)
        }
        return try binary(op, lhs, rhs)
    }

    var comparisonOperator: BinaryOperator? {
        guard case .symbol(let s) = current.kind else { return nil }
        switch s {
        case .less: return .less
        case .lessEqual: return .lessEqual
        case .greater: return .greater
        case .greaterEqual: return .greaterEqual
        case .equal: return .equal
        case .notEqual: return .notEqual
        default: return nil
        }
    }

    mutating func additive() throws(Diagnostic) -> Expr {
        var lhs = try product()
        while true {
            let op: BinaryOperator
            if check(.plus) { op = .add } else if check(.minus) { op = .subtract } else { return lhs }
            advance()
            lhs = try binary(op, lhs, try product())
        }
    }

    mutating func product() throws(Diagnostic) -> Expr {
        var lhs = try unary()
        while true {
            let op: BinaryOperator
            if check(.star) { op = .multiply } else if check(.slash) { op = .divide }
            else if check(.at) { op = .matmul } else { return lhs }
            advance()
            lhs = try binary(op, lhs, try unary())
        }
    }

    mutating func unary() throws(Diagnostic) -> Expr {
        let op: UnaryOperator
        if check(.minus) { op = .negate } else if check(.plus) { op = .plus } else { return try power() }
        let start = current.range.start
        advance()
        let operand = try nested { (me: inout Parser) throws(Diagnostic) in try me.unary() }
        return try node(.unary(op, operand), SourceRange(start, operand.range.end), children: operand)
    }

    mutating func power() throws(Diagnostic) -> Expr {
        let base = try postfix()
        guard check(.caret) else { return base }
        advance()
        let exponent = try nested { (me: inout Parser) throws(Diagnostic) in try me.powerOperand() }
        return try binary(.power, base, exponent)
    }

    /// The right side of `^`: may carry its own sign (`2^-1`) and chains to the right (`2^3^2`).
    mutating func powerOperand() throws(Diagnostic) -> Expr {
        if check(.minus) || check(.plus) {
            let op: UnaryOperator = check(.minus) ? .negate : .plus
            let start = current.range.start
            advance()
            let operand = try nested { (me: inout Parser) throws(Diagnostic) in try me.powerOperand() }
            return try node(.unary(op, operand), SourceRange(start, operand.range.end), children: operand)
        }
        return try power()
    }

    mutating func postfix() throws(Diagnostic) -> Expr {
        var e = try primary()
        while true {
            let start = e.range.start
            if check(.leftParen) {
                try enter()
                defer { nesting -= 1 }
                advance()
                let arguments = try callArguments()
                let height = arguments.reduce(e.height) { max($0, $1.value.height) } + 1
                e = try checked(Expr(.call(e, arguments), span(from: start), height: height))
            } else if check(.leftBracket) {
                try enter()
                defer { nesting -= 1 }
                advance()
                let items = try indexItems()
                var height = e.height
                for item in items {
                    switch item {
                    case .single(let x): height = max(height, x.height)
                    case .slice(let a, let b, let c, _):
                        height = max(height, a?.height ?? 0, b?.height ?? 0, c?.height ?? 0)
                    case .newAxis, .ellipsis: break
                    }
                }
                e = try checked(Expr(.index(e, items), span(from: start), height: height + 1))
            } else if match(.dot) {
                guard case .identifier(let name) = current.kind else {
                    throw unexpected("an attribute name after `.` (such as `shape`, `T`, `grad`)")
                }
                let nameRange = current.range
                advance()
                e = try node(.attribute(e, name, nameRange), span(from: start), children: e)
            } else if check(.quote) {
                advance()
                e = try node(.transpose(e), span(from: start), children: e)
            } else {
                return e
            }
        }
    }

    // MARK: - Primary expressions

    mutating func primary() throws(Diagnostic) -> Expr {
        let token = current
        switch token.kind {
        case .number(let v):
            advance()
            return Expr(.number(v), token.range)
        case .string(let s):
            advance()
            return Expr(.string(s), token.range)
        case .identifier(let name):
            advance()
            return Expr(.name(name), token.range)
        case .symbol(.leftParen):
            return try parenthesized()
        case .symbol(.leftBracket):
            return try listLiteral()
        case .symbol(.leftBrace):
            return try block(after: nil)
        case .keyword(.if):
            return try conditional()
        case .keyword(.newAxis):
            throw Diagnostic(.syntax, "`None` is a new axis and is written only inside an index (`x[None, :]`)",
                             source, token.range)
        case .keyword(let k) where k == .for || k == .while || k == .explain:
            throw Diagnostic(.syntax, "`\(k.rawValue)` starts a statement and cannot be used inside an expression",
                             source, token.range, atEnd: false)
        default:
            throw unexpected("a value")
        }
    }

    mutating func parenthesized() throws(Diagnostic) -> Expr {
        try enter()
        defer { nesting -= 1 }
        let start = current.range.start
        advance()
        if check(.rightParen) {
            throw Diagnostic(.syntax, "empty parentheses `()`", source, SourceRange(start, current.range.end))
        }
        let first = try expression()
        if match(.rightParen) {
            var e = first
            e.range = span(from: start)                        // the span includes the parentheses
            return e
        }
        guard check(.comma) else { throw unexpected("`)` or `,`") }
        var items = [first]
        while match(.comma) {
            if check(.rightParen) { break }
            items.append(try expression())
        }
        try expect(.rightParen, "`)` to close the tuple")
        return try makeTuple(items, span(from: start))
    }

    mutating func listLiteral() throws(Diagnostic) -> Expr {
        try enter()
        defer { nesting -= 1 }
        let start = current.range.start
        advance()
        var items: [Expr] = []
        while !check(.rightBracket) {
            items.append(try expression())
            if !match(.comma) { break }
        }
        try expect(.rightBracket, "`,` or `]` in the tensor literal")
        let height = (items.map(\.height).max() ?? 0) + 1
        return try checked(Expr(.list(items), span(from: start), height: height))
    }

    /// `{ statement; statement … }`; `after` names what must be followed by a block, if anything.
    mutating func block(after: String?) throws(Diagnostic) -> Expr {
        guard check(.leftBrace) else { throw unexpected("`{` after \(after ?? "this")") }
        try enter()
        defer { nesting -= 1 }
        let start = current.range.start
        advance()
        var statements: [Stmt] = []
        skipTerminators()
        while !check(.rightBrace) {
            if atEnd { throw unexpected("`}` to close the block") }
            var s = try statement()
            try endOfStatement(&s, closing: .rightBrace)
            statements.append(s)
            skipTerminators()
        }
        advance()
        let height = statements.map(\.height).max() ?? 0
        return try checked(Expr(.block(statements), span(from: start), height: height + 1))
    }

    mutating func conditional() throws(Diagnostic) -> Expr {
        let start = current.range.start
        advance()
        let condition = try expression()
        let then = try block(after: "the `if` condition")
        // `else` may follow on the next line.
        let save = p
        skipTerminators()
        guard match(.keyword(.else)) else {
            p = save
            return try node(.conditional(condition, then, nil), span(from: start), children: condition, then)
        }
        let otherwise: Expr
        if check(.keyword(.if)) {
            otherwise = try nested { (me: inout Parser) throws(Diagnostic) in try me.conditional() }
        } else {
            otherwise = try block(after: "`else`")
        }
        return try node(.conditional(condition, then, otherwise), span(from: start), children: condition, then, otherwise)
    }

    // MARK: - Calls and indexing

    mutating func callArguments() throws(Diagnostic) -> [Argument] {
        var arguments: [Argument] = []
        while !check(.rightParen) {
            if case .identifier(let label) = current.kind, peekKind(1) == .symbol(.assign) {
                let labelRange = current.range
                advance(); advance()
                if arguments.contains(where: { $0.label == label }) {
                    throw Diagnostic(.keyword, "keyword argument `\(label)` given twice", source, labelRange)
                }
                arguments.append(Argument(label: label, labelRange: labelRange, value: try expression()))
            } else {
                let value = try expression()
                if arguments.contains(where: { $0.label != nil }) {
                    throw Diagnostic(.syntax, "positional arguments must come before keyword arguments",
                                     source, value.range)
                }
                arguments.append(Argument(label: nil, labelRange: nil, value: value))
            }
            if !match(.comma) { break }
        }
        try expect(.rightParen, "`,` or `)` in the argument list")
        return arguments
    }

    mutating func indexItems() throws(Diagnostic) -> [IndexItem] {
        var items: [IndexItem] = []
        repeat {
            if check(.rightBracket) { break }
            if check(.keyword(.newAxis)) {
                items.append(.newAxis(current.range))
                advance()
                continue
            }
            if check(.closedRange), peekKind(1) == .symbol(.comma) || peekKind(1) == .symbol(.rightBracket) {
                items.append(.ellipsis(current.range))
                advance()
                continue
            }
            let start = current.range.start
            var startExpr: Expr? = nil
            if !check(.colon) { startExpr = try expression() }
            if match(.colon) {
                var stop: Expr? = nil, step: Expr? = nil
                if !check(.colon) && !check(.comma) && !check(.rightBracket) { stop = try expression() }
                if match(.colon), !check(.comma) && !check(.rightBracket) { step = try expression() }
                items.append(.slice(start: startExpr, stop: stop, step: step, range: SourceRange(start, previousEnd)))
            } else if let e = startExpr {
                items.append(.single(e))
            }
        } while match(.comma)
        try expect(.rightBracket, "`,` or `]` in the index")
        if items.isEmpty {
            throw Diagnostic(.syntax, "an index needs at least one position (`x[0]`, `x[:, 1]`)", source,
                             SourceRange(tokens[p - 2].range.start, previousEnd))
        }
        return items
    }

    // MARK: - Node building with height limits

    func binary(_ op: BinaryOperator, _ lhs: Expr, _ rhs: Expr) throws(Diagnostic) -> Expr {
        try node(.binary(op, lhs, rhs), lhs.range.union(rhs.range), children: lhs, rhs)
    }

    func node(_ kind: Expr.Kind, _ range: SourceRange, children: Expr?...) throws(Diagnostic) -> Expr {
        let height = children.reduce(0) { max($0, $1?.height ?? 0) } + 1
        return try checked(Expr(kind, range, height: height))
    }

    func makeTuple(_ items: [Expr], _ range: SourceRange) throws(Diagnostic) -> Expr {
        try checked(Expr(.tuple(items), range, height: (items.map(\.height).max() ?? 0) + 1))
    }

    func checked(_ e: Expr) throws(Diagnostic) -> Expr {
        if e.height > Parser.maxHeight {
            throw Diagnostic(.depth, "expression too deep (more than \(Parser.maxHeight) operations in a chain); " +
                             "split it over several statements", source, e.range)
        }
        return e
    }

    /// Runs a recursive step with the nesting counter raised (unary and power chains).
    mutating func nested(_ body: (inout Parser) throws(Diagnostic) -> Expr) throws(Diagnostic) -> Expr {
        try enter()
        defer { nesting -= 1 }
        return try body(&self)
    }

    // MARK: - Token helpers

    var current: Token { tokens[p] }
    var atEnd: Bool { if case .end = tokens[p].kind { return true } else { return false } }
    var isTerminator: Bool { if case .terminator = current.kind { return true } else { return false } }
    var previousEnd: Int { p > 0 ? tokens[p - 1].range.end : 0 }

    func peekKind(_ ahead: Int) -> Token.Kind {
        tokens[min(p + ahead, tokens.count - 1)].kind
    }

    mutating func advance() { if p < tokens.count - 1 { p += 1 } }

    func check(_ symbol: Symbol) -> Bool { current.kind == .symbol(symbol) }
    func check(_ kind: Token.Kind) -> Bool { current.kind == kind }

    mutating func match(_ symbol: Symbol) -> Bool { match(.symbol(symbol)) }
    mutating func match(_ kind: Token.Kind) -> Bool {
        guard current.kind == kind else { return false }
        advance()
        return true
    }

    mutating func expect(_ symbol: Symbol, _ what: String) throws(Diagnostic) {
        guard match(symbol) else { throw unexpected(what) }
    }

    mutating func skipTerminators() {
        while case .terminator = current.kind { advance() }
    }

    func span(from start: Int) -> SourceRange { SourceRange(start, previousEnd) }

    /// "expected X, found Y"; flagged as running out of input when Y is the end.
    func unexpected(_ expected: String) -> Diagnostic {
        let token = current
        if case .end = token.kind {
            return Diagnostic(.syntax, "expected \(expected), found the end of the input", source,
                              SourceRange(token.range.start, token.range.start + 1), atEnd: true)
        }
        return Diagnostic(.syntax, "expected \(expected), found \(token.kind.described)", source, token.range)
    }
}
