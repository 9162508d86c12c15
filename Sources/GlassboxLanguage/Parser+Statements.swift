// MARK: - Statements

/// The statement level of `Parser`: assignments and updates (`x = …`, `x[i] += …`), function
/// definitions, `for` and `while` loops, `explain`, and where a statement ends.
extension Parser {

    mutating func statement() throws(Diagnostic) -> Stmt {
        let start = current.range.start
        switch current.kind {
        case .keyword(.for): return try forLoop()
        case .keyword(.while):
            advance()
            let condition = try expression()
            let body = try block(after: "the `while` condition")
            return Stmt(kind: .whileLoop(condition: condition, body: body), range: span(from: start), silenced: false)
        case .keyword(.explain):
            advance()
            let e = try expression()
            return Stmt(kind: .explain(e), range: span(from: start), silenced: false)
        case .keyword(.include):
            advance()
            guard case .string(let path) = current.kind else { throw unexpected("a file name in quotes after `include`") }
            let pathRange = current.range
            advance()
            return Stmt(kind: .include(path, pathRange), range: span(from: start), silenced: false)
        default: break
        }
        var first = try expression()
        if let op = compoundOperator {
            let symbol = current
            advance()
            return try update(first, op: op, value: try expression(), symbol, span(from: start))
        }
        if check(.comma) {
            var items = [first]
            while match(.comma) {
                if check(.assign) || isTerminator || atEnd { break }
                items.append(try expression())
            }
            first = try makeTuple(items, SourceRange(start, previousEnd))
        }
        guard check(.assign) else {
            return Stmt(kind: .expression(first), range: first.range, silenced: false)
        }
        let equals = current
        advance()
        var value = try expression()
        if check(.comma) {
            var items = [value]
            while match(.comma) {
                if isTerminator || atEnd { break }
                items.append(try expression())
            }
            value = try makeTuple(items, value.range.union(SourceRange(value.range.start, previousEnd)))
        }
        let range = span(from: start)
        switch first.kind {
        case .name(let name):
            return Stmt(kind: .assign([(name, first.range)], value), range: range, silenced: false)
        case .index:
            return try update(first, op: nil, value: value, equals, range)
        case .tuple(let items):
            var targets: [(name: String, range: SourceRange)] = []
            for item in items {
                guard case .name(let name) = item.kind else { throw notAssignable(item, equals) }
                targets.append((name, item.range))
            }
            return Stmt(kind: .assign(targets, value), range: range, silenced: false)
        case .call(let callee, let arguments):
            guard case .name(let name) = callee.kind else { throw notAssignable(first, equals) }
            var parameters: [FunctionDecl.Parameter] = []
            for argument in arguments {
                if let label = argument.label, let labelRange = argument.labelRange {
                    parameters.append(.init(name: label, range: labelRange, defaultValue: argument.value))
                } else if case .name(let p) = argument.value.kind {
                    if parameters.contains(where: { $0.defaultValue != nil }) {
                        throw Diagnostic(.syntax, "parameters without a default value must come before those with one",
                                         source, argument.value.range)
                    }
                    parameters.append(.init(name: p, range: argument.value.range, defaultValue: nil))
                } else {
                    throw Diagnostic(.syntax, "a parameter must be a name (`f(x, y) = …`)", source, argument.value.range)
                }
            }
            var seen = Set<String>()
            for parameter in parameters where !seen.insert(parameter.name).inserted {
                throw Diagnostic(.syntax, "parameter `\(parameter.name)` appears twice", source, parameter.range)
            }
            let decl = FunctionDecl(name: name, nameRange: callee.range, parameters: parameters, body: value)
            return Stmt(kind: .function(decl), range: range, silenced: false)
        default:
            throw notAssignable(first, equals)
        }
    }

    /// `+` for `+=` and its siblings at the current token.
    private var compoundOperator: BinaryOperator? {
        guard case .symbol(let s) = current.kind else { return nil }
        switch s {
        case .plusAssign: return .add
        case .minusAssign: return .subtract
        case .starAssign: return .multiply
        case .slashAssign: return .divide
        default: return nil
        }
    }

    /// `name[items] = value`, `name[items] op= value` or `name op= value` (an `Update`).
    func update(_ target: Expr, op: BinaryOperator?, value: Expr, _ symbol: Token,
                        _ range: SourceRange) throws(Diagnostic) -> Stmt {
        var items: [IndexItem]? = nil
        var base = target
        if case .index(let b, let i) = target.kind {
            base = b
            items = i
        }
        guard case .name(let name) = base.kind else { throw notAssignable(target, symbol) }
        let update = Update(name: name, nameRange: base.range, items: items, targetRange: target.range, op: op, value: value)
        return Stmt(kind: .update(update), range: range, silenced: false)
    }

    func notAssignable(_ target: Expr, _ equals: Token) -> Diagnostic {
        let hint: String
        if case .index = target.kind {
            hint = "assign to an index of a variable, all at once (`x[0, 1] = v`, not `x[0][1] = v`)"
        } else if case .symbol(let s) = equals.kind, s != .assign {
            hint = "`\(s.rawValue)` changes a variable (`x \(s.rawValue) 1`) or an index of one (`x[0] \(s.rawValue) 1`)"
        } else {
            hint = "assign to a name (`x = …`), to names (`h, c = …`), or define a function (`f(x) = …`)"
        }
        return Diagnostic(.syntax, "cannot assign to this expression; \(hint)", source, target.range)
    }

    private mutating func forLoop() throws(Diagnostic) -> Stmt {
        let start = current.range.start
        advance()
        guard case .identifier(let name) = current.kind else {
            throw unexpected("a loop variable name after `for`")
        }
        let variableRange = current.range
        advance()
        guard match(.keyword(.in)) else { throw unexpected("`in` after the loop variable") }
        let first = try expression()
        let sequence: LoopSequence
        if match(.symbol(.closedRange)) {
            sequence = .closedRange(first, try expression())
        } else if match(.symbol(.halfOpenRange)) {
            sequence = .halfOpenRange(first, try expression())
        } else {
            sequence = .value(first)
        }
        let body = try block(after: "the `for` header")
        return Stmt(kind: .forLoop(variable: name, variableRange: variableRange, sequence: sequence, body: body),
                    range: span(from: start), silenced: false)
    }

    /// After a statement: a terminator, the closing brace of the enclosing block, or the end.
    mutating func endOfStatement(_ s: inout Stmt, closing: Symbol?) throws(Diagnostic) {
        if case .terminator(let semicolon) = current.kind {
            s.silenced = semicolon
            return
        }
        if atEnd { return }
        if let closing, check(closing) { return }
        if check(.rightParen) || check(.rightBracket) || check(.rightBrace) {
            throw Diagnostic(.syntax, "unmatched \(current.kind.described)", source, current.range)
        }
        throw Diagnostic(.syntax, "unexpected \(current.kind.described) after the end of a statement; " +
                         "separate statements with a newline or `;`", source, current.range)
    }
}

extension Stmt {
    /// Height of the tallest expression in the statement.
    var height: Int {
        switch kind {
        case .expression(let e), .explain(let e), .assign(_, let e): return e.height
        case .function(let f): return f.body.height
        case .forLoop(_, _, let seq, let body):
            switch seq {
            case .closedRange(let a, let b), .halfOpenRange(let a, let b): return max(a.height, b.height, body.height)
            case .value(let v): return max(v.height, body.height)
            }
        case .whileLoop(let c, let b): return max(c.height, b.height)
        case .update(let u): return u.value.height
        case .include: return 1
        }
    }
}
