import GlassboxTensors
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Data, text and sampling

/// Built-ins that real data needs: reading a CSV file or a text, shuffling and picking rows,
/// one-hot codes, sampling from a distribution, characters ↔ indices, and a checked `assert`.
///
/// Paths: a relative path is resolved against `Session.directory` when it is set (the lesson and
/// notebook runner sets it to the folder of the file being run, as Jupyter runs a notebook in its
/// own folder), else against the working directory. Absolute paths are used as they are.
/// Only regular files are read (not a named pipe, a terminal or `/dev/stdin`, which would block),
/// whole, and they may be at most `DataBuiltins.maxFileBytes` (64 MiB) long.
///
/// Text is handled as Swift `Character`s (what a reader sees as one character).
extension Builtins {
    static let data: [Builtin] = [
        Builtin("load_csv", [.required("path"), .optional("skip", "0")], .data,
                "The numbers of a CSV file as a rows×columns tensor, after `skip` header lines; an empty field is nan. " +
                "A relative path starts from the lesson's or notebook's folder (else the working directory).",
                example: "load_csv(\"Lessons/data/iris.csv\", skip=1)") { a in
            let path = try a.string(0)
            let skip = try a.int(1) ?? 0
            guard skip >= 0 else {
                throw RuntimeError(.value, "`skip` of load_csv must be ≥ 0, got \(skip)", a.call.argumentRange(1))
            }
            let text = try DataBuiltins.read(path, a.context.session, a.argumentRange(0))
            return .tensor(try DataBuiltins.parseCSV(text, skip: skip, path: path, a.argumentRange(0)))
        },
        Builtin("read_text", [.required("path")], .data, "The contents of a text file as a string (paths as for load_csv; regular files of up to 64 MiB).",
                example: "read_text(\"Lessons/data/jabberwocky.txt\")") { a in
            .string(try DataBuiltins.read(try a.string(0), a.context.session, a.argumentRange(0)))
        },
        Builtin("read_lines", [.required("path")], .data,
                "The lines of a text file as a tuple of strings, without their line ends (class names, one per line).",
                example: "lines = read_lines(\"Lessons/data/jabberwocky.txt\"); lines[0]") { a in
            let text = try DataBuiltins.read(try a.string(0), a.context.session, a.argumentRange(0))
            // "\r\n" is one Character in Swift: both line ends split.
            var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            if lines.last?.isEmpty == true { lines.removeLast() }
            guard let t = TupleValue(lines.map { .string(String($0)) }) else {
                throw RuntimeError(.allocation, "the file has more than \(TupleValue.maxLeaves) lines; read_text reads it whole", a.argumentRange(0))
            }
            return .tuple(t)
        },
        Builtin("randperm", [.required("n")], .data,
                "A random permutation of 0, 1, …, n−1 (seeded like `rand`; PyTorch's torch.randperm).",
                example: "seed(0); randperm(5)") { a in
            let n = try a.int(0) ?? 0
            guard n >= 0 else {
                throw RuntimeError(.value, "`n` of randperm must be ≥ 0, got \(n)", a.argumentRange(0))
            }
            return .tensor(try Ops.randperm(n))
        },
        Builtin("take", [.required("x"), .required("indices"), .optional("axis", "0")], .data,
                "The slices of x at `indices` along `axis`, in that order (NumPy's take); gradients flow back to x.",
                example: "take([[1, 2], [3, 4], [5, 6]], [2, 0])") { a in
            let x = try a.tensor(0)
            let indices = try a.tensor(1)
            let axis = try a.int(2) ?? 0
            return .tensor(try a.pointing(at: 1) { try Ops.take(x, indices, axis: axis) })
        },
        Builtin("one_hot", [.required("labels"), .required("n")], .data,
                "Row k is 1 in column labels[k] and 0 elsewhere: shape labels.shape + [n] (PyTorch's F.one_hot).",
                example: "one_hot([0, 2, 1], 3)") { a in
            let labels = try a.tensor(0)
            let n = try a.int(1) ?? 0
            guard n >= 1 else {
                throw RuntimeError(.value, "`n` of one_hot must be ≥ 1, got \(n)", a.argumentRange(1))
            }
            return .tensor(try a.pointing(at: 0) { try Ops.oneHot(labels, n) })
        },
        Builtin("multinomial", [.required("p"), .optional("n", "1")], .data,
                "n class indices drawn (with replacement) with probabilities proportional to p; a row of draws per row of a matrix p (PyTorch's torch.multinomial).",
                example: "seed(0); multinomial([0.1, 0.2, 0.7], 5)") { a in
            let p = try a.tensor(0)
            let n = try a.int(1) ?? 1
            guard n >= 1 else {
                throw RuntimeError(.value, "`n` of multinomial must be ≥ 1, got \(n)", a.argumentRange(1))
            }
            guard p.rank == 1 || p.rank == 2, p.count > 0 else {
                throw RuntimeError(.shape, "multinomial needs a vector or a matrix of probabilities, got shape " +
                                   "\(shapeText(p.shape))", a.argumentRange(0))
            }
            return .tensor(try a.pointing(at: 0) { try Ops.multinomial(p, n) })
        },
        Builtin("vocab", [.required("text")], .data,
                "The distinct characters of text, sorted, as one string: the alphabet for encode and decode.",
                example: "vocab(\"hello\")") { a in
            let text = try a.string(0)
            return .string(String(Set(text).sorted()))
        },
        Builtin("encode", [.required("tok"), .required("text")], .data,
                "The token ids of text, as a vector: encode(tok, text) with a tokenizer, or encode(text, chars) with an alphabet from vocab.",
                example: "encode(\"hell\", \"ehlo\")") { a in
            let (tok, text, at) = try tokenizerAndOther(a)
            guard case .string(let s) = text else {
                throw RuntimeError(.type, "encode needs the text as a string, got a \(text.typeName)", a.argumentRange(at))
            }
            return .tensor(try a.pointing(at: at) { try tok.encode(s) })
        },
        Builtin("decode", [.required("tok"), .required("ids")], .data,
                "The text of token ids (the inverse of encode): decode(tok, ids) with a tokenizer, or decode(ids, chars) with an alphabet.",
                example: "decode([1, 0, 2, 2], \"ehlo\")") { a in
            let (tok, ids, at) = try tokenizerAndOther(a)
            guard case .tensor(let t) = ids else {
                throw RuntimeError(.type, "decode needs the ids as a tensor, got a \(ids.typeName)", a.argumentRange(at))
            }
            return .string(try a.pointing(at: at) { try tok.decode(t) })
        },
        Builtin("tokenizer", [.required("vocab"), .optional("merges", "none")], .data,
                "GPT-2's byte-level BPE from Hugging Face's vocab.json and merges.txt (paths as for load_csv), or, given one alphabet string, a character tokenizer.",
                example: "tok = tokenizer(vocab(\"hello\")); encode(tok, \"hole\")") { a in
            let first = try a.string(0)
            guard a.value(1) != nil else { return .object(Tokenizer(.characters(CharacterVocabulary(first)))) }
            let mergesPath = try a.string(1)
            let vocabularyText = try DataBuiltins.read(first, a.context.session, a.argumentRange(0))
            let mergesText = try DataBuiltins.read(mergesPath, a.context.session, a.argumentRange(1))
            let json: JSONValue
            do { json = try JSONValue.parse(vocabularyText) } catch {
                throw RuntimeError(.value, "`\(first)` is not valid JSON (\(error))", a.argumentRange(0))
            }
            do {
                return .object(Tokenizer(.bytePairs(try BytePairEncoding(vocabulary: json, merges: mergesText))))
            } catch let e as BytePairEncoding.LoadError {
                throw RuntimeError(.value, "cannot build the tokenizer: \(e.message)", a.range)
            }
        },
        Builtin("len", [.required("x")], .data,
                "The number of characters of a string, items of a tuple, tensors in weights, or rows (first axis) of a tensor.",
                example: "len(\"hello\")") { a in
            switch a.value(0) {
            case .string(let s): return .number(Float(s.count))
            case .tuple(let t): return .number(Float(t.count))
            case .object(let w as Weights): return .number(Float(w.names.count))
            case .tensor(let t) where t.rank > 0: return .number(Float(t.shape[0]))
            case .tensor:
                throw RuntimeError(.type, "a number has no length (len needs a string, a tuple or a tensor of rank ≥ 1)",
                                   a.argumentRange(0))
            case let v?:
                throw RuntimeError(.type, "len needs a string, a tuple or a tensor, got a \(v.typeName)", a.argumentRange(0))
            case nil:
                throw RuntimeError(.arity, "`len` is missing its argument `x`", a.range)
            }
        },
        Builtin("assert", [.required("condition"), .optional("message", "\"\"")], .data,
                "Fails with `message` unless every element of condition is nonzero (checks in lessons and scripts).",
                example: "assert(sum([1, 2]) == 3, \"the sum\"); print(\"checked\")") { a in
            let c = try a.tensor(0)
            let values = c.toArray()
            guard !values.isEmpty, values.allSatisfy({ $0 != 0 && !$0.isNaN }) else {
                let message: String
                switch a.value(1) {
                case .string(let s)?: message = s
                case let v?: message = a.context.session.format(v)
                case nil: message = ""
                }
                let failed = values.filter { $0 == 0 || $0.isNaN }.count
                let detail = c.rank == 0 ? "" : " (\(failed) of \(countText(values.count, "element")) false)"
                throw RuntimeError(.value, "assertion failed" + (message.isEmpty ? "" : ": \(message)") + detail,
                                   a.argumentRange(0))
            }
            return .none
        },
    ]
}

/// The tokenizer of an encode or decode call and the other argument (with its index): either
/// order works, and a string alphabet stands for a character tokenizer (`encode(text, chars)`,
/// the form lesson 12 uses).
private func tokenizerAndOther(_ a: Arguments) throws -> (Tokenizer, Value, Int) {
    let first = a.value(0), second = a.value(1)
    if case .object(let t as Tokenizer)? = first, let second { return (t, second, 1) }
    if case .object(let t as Tokenizer)? = second, let first { return (t, first, 0) }
    let isEncode = a.builtin.name == "encode"
    // Without a tokenizer: encode(text, chars) and decode(ids, chars).
    guard let first, case .string(let chars)? = second else {
        throw RuntimeError(.type, "\(a.builtin.name) needs a tokenizer (from tokenizer(…)) or an alphabet string: "
                           + (isEncode ? "encode(tok, text) or encode(text, chars)" : "decode(tok, ids) or decode(ids, chars)"), a.range)
    }
    return (Tokenizer(.characters(CharacterVocabulary(chars))), first, 0)
}

// MARK: - Argument readers

extension Arguments {
    /// Where argument `i` is in the source (the whole call when it was not given).
    func argumentRange(_ i: Int) -> SourceRange { ranges[i] ?? call.range }

    /// Runs a tensor op whose errors are about argument `i`: they point at that argument.
    func pointing<T>(at i: Int, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as TensorError { throw RuntimeError.from(e, at: argumentRange(i)) }
    }

    /// A string argument.
    func string(_ i: Int) throws -> String {
        guard let v = values[i] else {
            throw RuntimeError(.arity, "`\(builtin.name)` is missing its argument `\(builtin.parameters[i].name)`",
                               call.range, notes: ["signature: \(builtin.signature)"])
        }
        guard case .string(let s) = v else {
            throw RuntimeError(.type, "`\(builtin.parameters[i].name)` of \(builtin.name) must be a string, " +
                               "got a \(v.typeName)", argumentRange(i))
        }
        return s
    }
}

// MARK: - Implementation

enum DataBuiltins {
    /// Largest file `load_csv` and `read_text` read.
    static let maxFileBytes = 64 << 20

    // MARK: Files

    /// `path` resolved against the session's directory (or the working directory).
    static func resolve(_ path: String, _ session: Session) -> String {
        if path.hasPrefix("/") { return path }
        // `~/…` is the home folder, as a shell writes it.
        if path == "~" || path.hasPrefix("~/"), let home = getenv("HOME").map({ String(cString: $0) }), !home.isEmpty {
            return home + path.dropFirst()
        }
        guard let base = session.directory, !base.isEmpty else { return path }
        return base.hasSuffix("/") ? base + path : base + "/" + path
    }

    /// The whole file as UTF-8 text (invalid bytes become U+FFFD), read through the one file
    /// layer (`FileIO.readText`): regular files only — a named pipe, a terminal or `/dev/stdin`
    /// would block the session, `/dev/zero` never ends — and at most `maxFileBytes`, refused by
    /// its size before any of it is read. The messages name the path as the learner wrote it.
    static func read(_ path: String, _ session: Session, _ range: SourceRange) throws -> String {
        String(decoding: try readBytes(path, session, range, limit: maxFileBytes), as: UTF8.self)
    }

    /// The whole file's bytes, at most `limit` of them (refused by size before reading), with the
    /// same rules and messages as `read`.
    static func readBytes(_ path: String, _ session: Session, _ range: SourceRange, limit: Int) throws -> [UInt8] {
        let resolved = resolve(path, session)
        let shown = resolved == path ? "`\(path)`" : "`\(path)` (\(resolved))"
        guard !path.isEmpty else { throw RuntimeError(.value, "the path is empty", range) }
        do {
            return try FileIO.readBytes(resolved, limit: limit)
        } catch {
            switch error.kind {
            case .system: throw RuntimeError(.value, "cannot open \(shown): \(error.reason)", range)
            case .notRegularFile:
                var what = error.reason.hasPrefix("it is ") ? String(error.reason.dropFirst(6)) : error.reason
                if !what.hasSuffix("not a regular file") { what += ", not a regular file" }
                throw RuntimeError(.value, "\(shown) is \(what)", range)
            case .tooLarge: throw RuntimeError(.allocation, "\(shown) \(error.reason)", range)
            }
        }
    }

    /// Numbers separated by commas, one row per line; blank lines are ignored; an empty field is
    /// nan (a missing value); every row must have as many fields as the first.
    static func parseCSV(_ text: String, skip: Int, path: String, _ range: SourceRange) throws -> Tensor {
        var values: [Float] = []
        var columns: Int? = nil
        var rows = 0
        var lineNumber = 0
        // "\r\n" is one Character in Swift: both line ends split.
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            if lineNumber <= skip { continue }
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            if let columns, fields.count != columns {
                throw RuntimeError(.value, "`\(path)` line \(lineNumber) has \(countText(fields.count, "field")), " +
                                   "earlier lines have \(columns)", range)
            }
            columns = fields.count
            for (i, field) in fields.enumerated() {
                let trimmed = field.trimmingSpaces()
                if trimmed.isEmpty { values.append(.nan); continue }
                guard let x = Float(trimmed) else {
                    throw RuntimeError(.value, "`\(path)` line \(lineNumber), field \(i + 1): `\(trimmed.prefix(40))` " +
                                       "is not a number" + (lineNumber == 1 ? " (a header? use skip=1)" : ""), range)
                }
                values.append(x)
            }
            rows += 1
            try checkAllocation(values.count, shape: [rows, columns ?? 0], op: "load_csv")
        }
        guard let columns, rows > 0 else {
            throw RuntimeError(.value, "`\(path)` has no rows of numbers" + (skip > 0 ? " after skipping \(skip)" : ""), range)
        }
        return try Tensor(shape: [rows, columns], data: values)
    }

    /// Throws the tensors' allocation error before a Swift array of `count` floats is built.
    static func checkAllocation(_ count: Int, shape: [Int], op: String) throws {
        let limit = Tensor.allocationLimit
        if count > limit / MemoryLayout<Float>.stride {
            throw TensorError.allocationTooLarge(op: op, shape: shape, limit: limit)
        }
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return s
    }
}
