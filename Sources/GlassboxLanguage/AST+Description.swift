// MARK: - Printing syntax trees

/// S-expressions that show how a tree was grouped: `x + 2 * y` → `(+ x (* 2 y))`.
/// Used by the parser tests and handy when debugging precedence.
extension Expr: CustomStringConvertible {
    public var description: String {
        switch kind {
        case .number(let v): return formatLiteral(v)
        case .string(let s): return "\"\(s)\""
        case .name(let n): return n
        case .list(let items): return "[" + items.map(\.description).joined(separator: " ") + "]"
        case .tuple(let items): return "(tuple " + items.map(\.description).joined(separator: " ") + ")"
        case .unary(let op, let e): return "(\(op == .negate ? "neg" : "pos") \(e))"
        case .binary(let op, let l, let r): return "(\(op.rawValue) \(l) \(r))"
        case .call(let f, let args):
            let list = args.map { a in a.label.map { "\($0)=\(a.value)" } ?? a.value.description }
            return "(call \(f)" + list.map { " " + $0 }.joined() + ")"
        case .index(let e, let items):
            return "(index \(e)" + items.map { " " + $0.description }.joined() + ")"
        case .attribute(let e, let name, _): return "(. \(e) \(name))"
        case .transpose(let e): return "(' \(e))"
        case .block(let statements): return "{" + statements.map(\.description).joined(separator: "; ") + "}"
        case .conditional(let c, let t, let e):
            return "(if \(c) \(t)" + (e.map { " \($0)" } ?? "") + ")"
        case .logical(let op, let l, let r): return "(\(op.rawValue) \(l) \(r))"
        case .not(let e): return "(not \(e))"
        }
    }
}

extension IndexItem: CustomStringConvertible {
    public var description: String {
        switch self {
        case .single(let e): return e.description
        case .slice(let a, let b, let c, _):
            return (a?.description ?? "") + ":" + (b?.description ?? "") + (c.map { ":\($0)" } ?? "")
        case .newAxis: return "None"
        case .ellipsis: return "..."
        }
    }
}

extension Stmt: CustomStringConvertible {
    public var description: String {
        switch kind {
        case .expression(let e): return e.description
        case .assign(let targets, let e): return "(= \(targets.map(\.name).joined(separator: ",")) \(e))"
        case .function(let f):
            let params = f.parameters.map { p in p.defaultValue.map { "\(p.name)=\($0)" } ?? p.name }
            return "(def \(f.name)(\(params.joined(separator: ","))) \(f.body))"
        case .forLoop(let v, _, let seq, let body):
            let s: String
            switch seq {
            case .closedRange(let a, let b): s = "\(a)...\(b)"
            case .halfOpenRange(let a, let b): s = "\(a)..<\(b)"
            case .value(let e): s = e.description
            }
            return "(for \(v) \(s) \(body))"
        case .whileLoop(let c, let b): return "(while \(c) \(b))"
        case .explain(let e): return "(explain \(e))"
        case .include(let path, _): return "(include \"\(path)\")"
        case .update(let u):
            let target = u.items.map { "(index \(u.name)" + $0.map { " " + $0.description }.joined() + ")" } ?? u.name
            return "(\(u.op?.rawValue ?? "")= \(target) \(u.value))"
        }
    }
}

/// Numbers as typed, without a trailing `.0` for whole values.
func formatLiteral(_ v: Double) -> String {
    if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
    return String(v)
}
