import GlassboxTensors

// MARK: - From syntax tree to executable nodes

/// Resolves names (globals to slots, function locals to frame indices), folds literals into
/// constant tensors, and builds the executable `Node` tree (Crafting Interpreters' resolver pass).
struct Compiler {
    let session: Session
    let source: Source
    /// Set while compiling a function body.
    private var function: FunctionScope?
    /// How many blocks, loops or conditionals enclose the statement being compiled.
    private var enclosing = 0

    final class FunctionScope {
        let name: String
        var locals: [String: Int] = [:]
        init(name: String) { self.name = name }
    }

    init(session: Session, source: Source) {
        self.session = session
        self.source = source
    }

    // MARK: Statements

    mutating func statement(_ s: Stmt) throws(Diagnostic) -> Node {
        switch s.kind {
        case .expression(let e):
            return try expression(e)
        case .assign(let targets, let value):
            let v = try expression(value)
            if targets.count == 1 {
                return Assign.make(target(targets[0].name), v, copies: isConstantTensor(v), s.range)
            }
            return AssignTuple(targets.map { target($0.name) }, v, s.range)
        case .function(let decl):
            guard function == nil, enclosing == 0 else {
                throw Diagnostic(.syntax, "functions are defined at the top level, not inside a block, loop or function",
                                 source, decl.nameRange)
            }
            return try define(decl, s.range)
        case .forLoop(let name, _, let sequence, let body):
            let t = target(name)
            enclosing += 1
            defer { enclosing -= 1 }
            let b = try expression(body)
            switch sequence {
            case .closedRange(let lo, let hi), .halfOpenRange(let lo, let hi):
                var inclusive = false
                if case .closedRange = sequence { inclusive = true }
                let binds = Compiler.mayCall(body) || Compiler.reads(name, body)
                return ForRangeNode(t, try expression(lo), try expression(hi), inclusive: inclusive, b,
                                    bindsEachIteration: binds, s.range)
            case .value(let e):
                return ForEachNode(t, try expression(e), b, s.range)
            }
        case .whileLoop(let condition, let body):
            enclosing += 1
            defer { enclosing -= 1 }
            return WhileNode(try expression(condition), try expression(body), s.range)
        case .explain(let e):
            return ExplainNode(try expression(e), s.range)
        case .include(let path, let pathRange):
            guard function == nil, enclosing == 0 else {
                throw Diagnostic(.syntax, "`include` runs a file at the top level, not inside a block, loop or function", source, s.range)
            }
            return IncludeNode(path, pathRange, s.range)
        case .update(let u):
            return try update(u, s.range)
        }
    }

    /// `x[items] = e`, `x[items] op= e`, `x op= e`: the variable is rebound to a new tensor (value
    /// semantics); `x op= e` is `x = x op e`.
    private mutating func update(_ u: Update, _ range: SourceRange) throws(Diagnostic) -> Node {
        let t = target(u.name)
        let current = try expression(Expr(.name(u.name), u.nameRange))
        let value = try expression(u.value)
        guard let items = u.items else {
            // A compound assignment of a whole variable: `op` carries its own errors and explain label.
            guard let op = u.op else { return Assign.make(t, value, copies: isConstantTensor(value), range) }
            return Assign.make(t, BinaryNode.make(op, current, value, range), copies: false, range)
        }
        return UpdateNode(t, current, try indexItems(items), text: source.text(of: u.targetRange), op: u.op, value, range)
    }

    private mutating func indexItems(_ items: [IndexItem]) throws(Diagnostic) -> [IndexNode.Item] {
        var compiled: [IndexNode.Item] = []
        for item in items {
            switch item {
            case .single(let x):
                compiled.append(.single(try expression(x)))
            case .slice(let a, let b, let s, let r):
                compiled.append(.slice(try optional(a), try optional(b), try optional(s), r))
            case .newAxis(let r): compiled.append(.newAxis(r))
            case .ellipsis(let r): compiled.append(.ellipsis(r))
            }
        }
        return compiled
    }

    private mutating func define(_ decl: FunctionDecl, _ range: SourceRange) throws(Diagnostic) -> Node {
        // Parameters first, then every name the body assigns: these are the function's locals.
        let scope = FunctionScope(name: decl.name)
        for p in decl.parameters { scope.locals[p.name] = scope.locals.count }
        var assigned: [String] = []
        Compiler.collectAssigned(decl.body, into: &assigned)
        for name in assigned where scope.locals[name] == nil { scope.locals[name] = scope.locals.count }

        // Defaults are evaluated in the caller's scope at each call; they are compiled as globals.
        var defaults: [Node?] = []
        for p in decl.parameters { defaults.append(try p.defaultValue.map { e throws(Diagnostic) in try expression(e) }) }

        var inner = self
        inner.function = scope
        inner.enclosing = 0
        let body = try inner.expression(decl.body)
        let f = UserFunction(name: decl.name, parameterNames: decl.parameters.map(\.name), defaults: defaults,
                             body: body, localCount: scope.locals.count, source: source, definitionRange: range)
        return DefineNode(session.slot(decl.name), f, range)
    }

    private func target(_ name: String) -> Target {
        if let function, let i = function.locals[name] { return .local(i, name) }
        return .global(session.slot(name))
    }

    // MARK: Expressions

    mutating func expression(_ e: Expr) throws(Diagnostic) -> Node {
        switch e.kind {
        case .number(let v):
            return Constant(.number(Float(v)), e.range)
        case .string(let s):
            return Constant(.string(s), e.range)
        case .name(let name):
            if let function, let i = function.locals[name] { return LocalGet(i, name, function: function.name, e.range) }
            return GlobalGet(session.slot(name), e.range)
        case .list(let items):
            var nodes: [Node] = []
            for item in items { nodes.append(try expression(item)) }
            return Compiler.foldList(nodes, e.range) ?? ListNode(nodes, e.range)
        case .tuple(let items):
            var nodes: [Node] = []
            for item in items { nodes.append(try expression(item)) }
            return TupleNode(nodes, e.range)
        case .unary(let op, let operand):
            let x = try expression(operand)
            if op == .negate, let c = x as? Constant, case .tensor(let t) = c.value, t.rank == 0, let v = t.scalarValue {
                return Constant(.number(-v), e.range)
            }
            return NegateNode(x, isPlus: op == .plus, e.range)
        case .binary(let op, let lhs, let rhs):
            return BinaryNode.make(op, try expression(lhs), try expression(rhs), e.range)
        case .call(let callee, let arguments):
            let f = try expression(callee)
            var nodes: [Node] = []
            for a in arguments { nodes.append(try expression(a.value)) }
            return CallNode(f, nodes, labels: arguments.map(\.label), labelRanges: arguments.map(\.labelRange), e.range)
        case .index(let base, let items):
            let b = try expression(base)
            return IndexNode(b, try indexItems(items), e.range)
        case .attribute(let base, let name, let nameRange):
            return AttributeNode(try expression(base), name, nameRange, e.range)
        case .transpose(let x):
            return TransposeNode(try expression(x), e.range)
        case .block(let statements):
            enclosing += 1
            defer { enclosing -= 1 }
            var nodes: [Node] = []
            for s in statements { nodes.append(try statement(s)) }
            // `{ x = x + 1 }` is just its statement (a loop body runs it without the block).
            if nodes.count == 1 { return nodes[0] }
            return Block(nodes, e.range)
        case .conditional(let c, let then, let otherwise):
            let cond = try expression(c)
            enclosing += 1
            defer { enclosing -= 1 }
            return IfNode(cond, try expression(then), try optional(otherwise), e.range)
        case .logical(let op, let lhs, let rhs):
            return LogicalNode(op, try expression(lhs), try expression(rhs), e.range)
        case .not(let operand):
            return NotNode(try expression(operand), e.range)
        }
    }

    private mutating func optional(_ e: Expr?) throws(Diagnostic) -> Node? {
        guard let e else { return nil }
        return try expression(e)
    }

    // MARK: Literal folding

    private func isConstantTensor(_ n: Node) -> Bool {
        if let c = n as? Constant, case .tensor = c.value { return true }
        return false
    }

    /// `[[1, 2], [3, 4]]` becomes one constant tensor, built once.
    static func foldList(_ nodes: [Node], _ range: SourceRange) -> Node? {
        var shape: [Int]? = nil
        var data: [Float] = []
        for n in nodes {
            guard let c = n as? Constant, case .tensor(let t) = c.value else { return nil }
            if let s = shape, s != t.shape { return nil }
            shape = t.shape
            data.append(contentsOf: t.toArray())
        }
        guard let t = try? Tensor(shape: [nodes.count] + (shape ?? []), data: data) else { return nil }
        return Constant(.tensor(t), range)
    }

    // MARK: Facts about syntax trees

    /// Names assigned anywhere in `e` (assignments, loop variables), not looking into nested
    /// function definitions (which are an error anyway).
    static func collectAssigned(_ e: Expr, into names: inout [String]) {
        visit(e) { s in
            switch s.kind {
            case .assign(let targets, _): names.append(contentsOf: targets.map(\.name))
            case .forLoop(let v, _, _, _): names.append(v)
            case .update(let u): names.append(u.name)
            default: break
            }
        }
    }

    /// Whether evaluating `e` may call a function or explain (and so read any global).
    static func mayCall(_ e: Expr) -> Bool {
        var found = false
        visitExpressions(e) { x in
            if case .call = x.kind { found = true }
        }
        visit(e) { s in if case .explain = s.kind { found = true } }
        return found
    }

    /// Whether `e` reads the name.
    static func reads(_ name: String, _ e: Expr) -> Bool {
        var found = false
        visitExpressions(e) { x in
            if case .name(let n) = x.kind, n == name { found = true }
        }
        return found
    }

    /// Calls `body` for every statement inside `e`.
    static func visit(_ e: Expr, _ body: (Stmt) -> Void) {
        visitExpressions(e) { x in
            if case .block(let statements) = x.kind { for s in statements { body(s) } }
        }
    }

    /// Calls `body` for `e` and every expression inside it, statements included.
    static func visitExpressions(_ e: Expr, _ body: (Expr) -> Void) {
        body(e)
        switch e.kind {
        case .number, .string, .name: break
        case .list(let items), .tuple(let items): for i in items { visitExpressions(i, body) }
        case .unary(_, let x), .attribute(let x, _, _), .transpose(let x), .not(let x): visitExpressions(x, body)
        case .binary(_, let a, let b), .logical(_, let a, let b): visitExpressions(a, body); visitExpressions(b, body)
        case .call(let f, let args):
            visitExpressions(f, body)
            for a in args { visitExpressions(a.value, body) }
        case .index(let b, let items):
            visitExpressions(b, body)
            visitItems(items, body)
        case .block(let statements):
            for s in statements { visitStatement(s, body) }
        case .conditional(let c, let t, let o):
            visitExpressions(c, body); visitExpressions(t, body)
            if let o { visitExpressions(o, body) }
        }
    }

    private static func visitItems(_ items: [IndexItem], _ body: (Expr) -> Void) {
        for item in items {
            switch item {
            case .single(let x): visitExpressions(x, body)
            case .slice(let a, let b, let c, _):
                for x in [a, b, c].compactMap({ $0 }) { visitExpressions(x, body) }
            case .newAxis, .ellipsis: break
            }
        }
    }

    private static func visitStatement(_ s: Stmt, _ body: (Expr) -> Void) {
        switch s.kind {
        case .update(let u):
            body(Expr(.name(u.name), u.nameRange))
            if let items = u.items { visitItems(items, body) }
            visitExpressions(u.value, body)
        case .expression(let e), .assign(_, let e), .explain(let e): visitExpressions(e, body)
        case .function(let f): visitExpressions(f.body, body)
        case .forLoop(_, _, let seq, let b):
            switch seq {
            case .closedRange(let lo, let hi), .halfOpenRange(let lo, let hi):
                visitExpressions(lo, body); visitExpressions(hi, body)
            case .value(let v): visitExpressions(v, body)
            }
            visitExpressions(b, body)
        case .whileLoop(let c, let b): visitExpressions(c, body); visitExpressions(b, body)
        case .include: break
        }
    }
}
