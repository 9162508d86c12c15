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
        Builtin("randperm", [.required("n")], .data,
                "A random permutation of 0, 1, …, n−1 (seeded like `rand`; PyTorch's torch.randperm).",
                example: "seed(0); randperm(5)") { a in
            let n = try a.int(0) ?? 0
            guard n >= 0 else {
                throw RuntimeError(.value, "`n` of randperm must be ≥ 0, got \(n)", a.argumentRange(0))
            }
            try DataBuiltins.checkAllocation(n, shape: [n], op: "randperm")
            // Fisher–Yates, drawing from the session's generator.
            var p = (0..<n).map(Float.init)
            if n > 1 {
                for i in stride(from: n - 1, to: 0, by: -1) {
                    let j = min(Int(RandomSource.uniform() * Float(i + 1)), i)
                    p.swapAt(i, j)
                }
            }
            return .tensor(try Tensor(shape: [n], data: p))
        },
        Builtin("take", [.required("x"), .required("indices"), .optional("axis", "0")], .data,
                "The slices of x at `indices` along `axis`, in that order (NumPy's take); gradients flow back to x.",
                example: "take([[1, 2], [3, 4], [5, 6]], [2, 0])") { a in
            let x = try a.tensor(0)
            let indices = try a.tensor(1)
            let axis = try a.int(2) ?? 0
            return .tensor(try DataBuiltins.take(x, indices, axis: axis, a.argumentRange(1)))
        },
        Builtin("one_hot", [.required("labels"), .required("n")], .data,
                "Row k is 1 in column labels[k] and 0 elsewhere: shape labels.shape + [n] (PyTorch's F.one_hot).",
                example: "one_hot([0, 2, 1], 3)") { a in
            let labels = try a.tensor(0)
            let n = try a.int(1) ?? 0
            guard n >= 1 else {
                throw RuntimeError(.value, "`n` of one_hot must be ≥ 1, got \(n)", a.argumentRange(1))
            }
            for label in labels.toArray() {
                guard let k = wholeNumber(label), k >= 0, k < n else {
                    throw RuntimeError(.value, "one_hot: label \(ValueFormatter().number(label)) is not a class " +
                                       "index in 0…\(n - 1)", a.argumentRange(0))
                }
            }
            // Shape.count: labels.count × n overflowed Int (`one_hot(zeros(2000), 8e15)` trapped).
            try DataBuiltins.checkAllocation(try Shape.count(labels.shape + [n], op: "one_hot"),
                                             shape: labels.shape + [n], op: "one_hot")
            let column = try Ops.reshape(Ops.detach(labels), labels.shape + [1])
            return .tensor(try Ops.equal(column, try Ops.arange(0, Double(n))))
        },
        Builtin("multinomial", [.required("p"), .optional("n", "1")], .data,
                "n class indices drawn (with replacement) with probabilities proportional to p; a row of draws per row of a matrix p (PyTorch's torch.multinomial).",
                example: "seed(0); multinomial([0.1, 0.2, 0.7], 5)") { a in
            let p = try a.tensor(0)
            let n = try a.int(1) ?? 1
            guard n >= 1 else {
                throw RuntimeError(.value, "`n` of multinomial must be ≥ 1, got \(n)", a.argumentRange(1))
            }
            return .tensor(try DataBuiltins.multinomial(p, n, a.argumentRange(0)))
        },
        Builtin("vocab", [.required("text")], .data,
                "The distinct characters of text, sorted, as one string: the alphabet for encode and decode.",
                example: "vocab(\"hello\")") { a in
            let text = try a.string(0)
            return .string(String(Set(text).sorted()))
        },
        Builtin("encode", [.required("text"), .required("vocab")], .data,
                "The index in vocab of each character of text, as a vector.",
                example: "encode(\"hell\", \"ehlo\")") { a in
            let text = try a.string(0)
            let alphabet = Array(try a.string(1))
            var position: [Character: Int] = [:]
            for (i, ch) in alphabet.enumerated() where position[ch] == nil { position[ch] = i }
            var out: [Float] = []
            out.reserveCapacity(text.count)
            for ch in text {
                guard let i = position[ch] else {
                    throw RuntimeError(.value, "encode: the character \(DataBuiltins.quoted(ch)) is not in the vocabulary",
                                       a.argumentRange(0))
                }
                out.append(Float(i))
            }
            return .tensor(try Tensor(shape: [out.count], data: out))
        },
        Builtin("decode", [.required("indices"), .required("vocab")], .data,
                "The characters of vocab at indices, as one string (the inverse of encode).",
                example: "decode([1, 0, 2, 2], \"ehlo\")") { a in
            let indices = try a.tensor(0)
            let alphabet = Array(try a.string(1))
            var out = ""
            for x in indices.toArray() {
                guard let i = wholeNumber(x), i >= 0, i < alphabet.count else {
                    throw RuntimeError(.value, "decode: \(ValueFormatter().number(x)) is not an index into a vocabulary " +
                                       "of \(countText(alphabet.count, "character"))", a.argumentRange(0))
                }
                out.append(alphabet[i])
            }
            return .string(out)
        },
        Builtin("len", [.required("x")], .data,
                "The number of characters of a string, items of a tuple, or rows (first axis) of a tensor.",
                example: "len(\"hello\")") { a in
            switch a.value(0) {
            case .string(let s): return .number(Float(s.count))
            case .tuple(let t): return .number(Float(t.count))
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

// MARK: - Argument readers

extension Arguments {
    /// Where argument `i` is in the source (the whole call when it was not given).
    func argumentRange(_ i: Int) -> SourceRange { ranges[i] ?? call.range }

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
        guard let base = session.directory, !base.isEmpty else { return path }
        return base.hasSuffix("/") ? base + path : base + "/" + path
    }

    /// The whole file as UTF-8 text (invalid bytes become U+FFFD).
    ///
    /// Regular files only: a named pipe, a terminal or `/dev/stdin` would block the session
    /// until someone writes to it (Ctrl-C cannot reach a blocked read), and `/dev/zero` never
    /// ends. The type is checked before the file is opened (opening a device can have effects of
    /// its own) and again on the open file, which is opened non-blocking so that a path swapped
    /// for a pipe in between cannot block either. A file larger than `maxFileBytes` is refused
    /// by its size, before any of it is read.
    static func read(_ path: String, _ session: Session, _ range: SourceRange) throws -> String {
        let resolved = resolve(path, session)
        let shown = resolved == path ? "`\(path)`" : "`\(path)` (\(resolved))"
        guard !path.isEmpty else { throw RuntimeError(.value, "the path is empty", range) }
        func failure(_ verb: String) -> RuntimeError {
            RuntimeError(.value, "cannot \(verb) \(shown): \(String(cString: strerror(errno)))", range)
        }
        func check(_ info: stat) throws {
            guard info.st_mode & S_IFMT == S_IFREG else {
                throw RuntimeError(.value, "\(shown) is \(kind(of: info.st_mode)), not a regular file", range)
            }
            guard info.st_size <= maxFileBytes else {
                throw RuntimeError(.allocation, "\(shown) is \(megabytes(Int(info.st_size))); files of at most " +
                                   "\(maxFileBytes >> 20) MiB can be read", range)
            }
        }
        var info = stat()
        guard stat(resolved, &info) == 0 else { throw failure("open") }
        try check(info)
        let fd = open(resolved, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw failure("open") }
        defer { close(fd) }
        guard fstat(fd, &info) == 0 else { throw failure("read") }
        try check(info)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(info.st_size))
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure("read")
            }
            if n == 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
            // The file grew while it was read.
            if bytes.count > maxFileBytes {
                throw RuntimeError(.allocation, "\(shown) is larger than \(maxFileBytes >> 20) MiB; files of at most " +
                                   "\(maxFileBytes >> 20) MiB can be read", range)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `a directory`, `a pipe`, … for a file type in `st_mode`.
    static func kind(of mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a pipe"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        default: return "a special file"
        }
    }

    /// `70.5 MiB`.
    static func megabytes(_ bytes: Int) -> String {
        let tenths = bytes / (1 << 20 / 10)
        return "\(tenths / 10).\(tenths % 10) MiB"
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

    // MARK: Tensors

    /// NumPy's `take(x, indices, axis)`: result shape x.shape[..<axis] + indices.shape + x.shape[axis+1...].
    static func take(_ x: Tensor, _ indices: Tensor, axis: Int, _ range: SourceRange) throws -> Tensor {
        guard x.rank > 0 else { throw RuntimeError(.type, "take needs a tensor of rank ≥ 1, got a number", range) }
        let ax = try Shape.normalizeAxis(axis, rank: x.rank, op: "take")
        let size = x.shape[ax]
        var picks: [Int] = []
        picks.reserveCapacity(indices.count)
        for value in indices.toArray() {
            guard let i = wholeNumber(value), i >= -size, i < size else {
                throw RuntimeError(.index, "take: index \(ValueFormatter().number(value)) is out of range for axis " +
                                   "\(ax) of size \(size)", range)
            }
            picks.append(i < 0 ? i + size : i)
        }
        let shape = Array(x.shape[..<ax]) + indices.shape + Array(x.shape[(ax + 1)...])
        try checkAllocation(try Shape.count(shape, op: "take"), shape: shape, op: "take")
        if x.requiresGrad && GradMode.isEnabled {
            // Differentiable path: one view per index, stacked (autograd routes gradients back).
            guard !picks.isEmpty else { return try Ops.reshape(Ops.index(x, sliceSpecs(ax, 0, 0)), shape) }
            let slices = try picks.map { i -> Tensor in
                var specs = [IndexSpec](repeating: .all, count: x.rank)
                specs[ax] = .index(i)
                return try Ops.index(x, specs)
            }
            return try Ops.reshape(Ops.stack(slices, axis: ax), shape)
        }
        // Plain copy: x as (outer, size, inner) blocks.
        let outer = x.shape[..<ax].reduce(1, *), inner = x.shape[(ax + 1)...].reduce(1, *)
        let source = x.toArray()
        var out: [Float] = []
        out.reserveCapacity(outer * picks.count * inner)
        for o in 0..<outer {
            for i in picks {
                let start = (o * size + i) * inner
                out.append(contentsOf: source[start..<(start + inner)])
            }
        }
        return try Tensor(shape: shape, data: out)
    }

    private static func sliceSpecs(_ axis: Int, _ start: Int, _ stop: Int) -> [IndexSpec] {
        (0...axis).map { $0 == axis ? .slice(start: start, stop: stop, step: 1) : .all }
    }

    /// Inverse-CDF sampling, one uniform draw per sample, rows of `p` independent.
    static func multinomial(_ p: Tensor, _ n: Int, _ range: SourceRange) throws -> Tensor {
        guard p.rank == 1 || p.rank == 2, p.count > 0 else {
            throw RuntimeError(.shape, "multinomial needs a vector or a matrix of probabilities, got shape " +
                               "\(shapeText(p.shape))", range)
        }
        let categories = p.shape[p.rank - 1]
        let rows = p.rank == 1 ? 1 : p.shape[0]
        // Shape.count: rows × n overflowed Int (`multinomial(ones(2000, 1), 8e15)` trapped).
        let outShape = p.rank == 1 ? [n] : [rows, n]
        try checkAllocation(try Shape.count(outShape, op: "multinomial"), shape: outShape, op: "multinomial")
        let weights = p.toArray()
        var out: [Float] = []
        out.reserveCapacity(rows * n)
        for r in 0..<rows {
            let row = weights[(r * categories)..<((r + 1) * categories)]
            var cumulative: [Double] = []
            cumulative.reserveCapacity(categories)
            var total = 0.0
            for w in row {
                guard w.isFinite, w >= 0 else {
                    throw RuntimeError(.value, "multinomial: probabilities must be finite and ≥ 0, got " +
                                       "\(ValueFormatter().number(w))", range)
                }
                total += Double(w)
                cumulative.append(total)
            }
            guard total > 0 else {
                throw RuntimeError(.value, "multinomial: the probabilities" + (rows > 1 ? " of row \(r)" : "") +
                                   " sum to 0", range)
            }
            for _ in 0..<n {
                let u = Double(RandomSource.uniform()) * total
                // The first category whose cumulative weight exceeds u (never one of weight 0);
                // rounding can leave u at the very top: then the last category of weight > 0.
                let k = cumulative.firstIndex { $0 > u } ?? row.lastIndex { $0 > 0 }.map { $0 - row.startIndex } ?? 0
                out.append(Float(k))
            }
        }
        return try Tensor(shape: p.rank == 1 ? [n] : [rows, n], data: out)
    }

    /// Throws the tensors' allocation error before a Swift array of `count` floats is built.
    static func checkAllocation(_ count: Int, shape: [Int], op: String) throws {
        let limit = Tensor.allocationLimit
        if count > limit / MemoryLayout<Float>.stride {
            throw TensorError.allocationTooLarge(op: op, shape: shape, limit: limit)
        }
    }

    /// A character as messages show it: `"a"`, or its code point when it is invisible.
    static func quoted(_ ch: Character) -> String {
        if ch == "\n" { return "newline" }
        if ch.isWhitespace || ch.unicodeScalars.contains(where: { $0.value < 0x20 }) {
            return ch.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true) }.joined(separator: " ")
        }
        return "\"\(ch)\""
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
