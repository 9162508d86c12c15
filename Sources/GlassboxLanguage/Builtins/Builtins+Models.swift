#if canImport(Glibc)
import Glibc
#endif
import GlassboxTensors

// MARK: - Named weights, convolutional layers and the transformer's pieces

/// The built-ins the two applications are written with (`Lessons/models/*.gbx`): safetensors
/// weights as a `Weights` value, the convolutional layers of MobileNetV2 (PyTorch's NCHW
/// semantics) and the pieces of GPT-2 that the attention layer does not already have.
extension Builtins {
    /// Largest safetensors file `load` reads (GPT-2 XL in float32 is 6.4 GB; 124M is 0.5 GB).
    static let maxWeightsBytes = 8 << 30

    static let files: [Builtin] = [
        Builtin("load", [.required("path")], .files,
                "The named tensors of a safetensors file (PyTorch's and Hugging Face's format) as weights: `w[\"name\"]`, `keys(w)`, `len(w)`. "
                    + "Every float and integer type becomes float32; paths as for load_csv.",
                example: "save(\"/tmp/glassbox-w.safetensors\", W=ones(2, 3)); w = load(\"/tmp/glassbox-w.safetensors\"); w[\"W\"]") { a in
            let path = try a.string(0)
            let bytes = try DataBuiltins.readBytes(path, a.context.session, a.argumentRange(0), limit: maxWeightsBytes)
            do {
                return .object(Weights(try Safetensors.decode(bytes), origin: path))
            } catch let e as Safetensors.FormatError {
                throw RuntimeError(.value, "`\(path)` cannot be loaded: \(e.message)", a.argumentRange(0))
            } catch let e as TensorError {
                throw RuntimeError.from(e, at: a.argumentRange(0))
            }
        },
        Builtin("save", [.required("path"), .optional("weights", "none"), .keywords("name=tensor")], .files,
                "Writes weights, or tensors given by name, to a safetensors file (float32), atomically: the old file stays whole if anything fails.",
                example: "save(\"/tmp/glassbox-w.safetensors\", W=ones(2, 3), b=zeros(3)); keys(load(\"/tmp/glassbox-w.safetensors\"))") { a in
            let path = try a.string(0)
            var entries: [(name: String, tensor: Tensor)] = []
            switch a.value(1) {
            case nil: break
            case .object(let o as Weights)?: entries = o.names.map { ($0, o[$0]!) }
            case let v?:
                throw RuntimeError(.type, "`weights` of save must be weights (from load), got a \(v.typeName); give tensors by name: save(path, W=W)",
                                   a.argumentRange(1))
            }
            for (label, value, range) in a.named {
                guard case .tensor(let t) = value else {
                    throw RuntimeError(.type, "`\(label)` must be a tensor to be saved, got a \(value.typeName)", range)
                }
                entries.removeAll { $0.name == label }
                entries.append((label, t))
            }
            guard !entries.isEmpty else {
                throw RuntimeError(.arity, "save needs weights or at least one tensor by name: save(\"w.safetensors\", W=W)", a.range,
                                   notes: [a.builtin.signatureNote])
            }
            let bytes = try Safetensors.encode(entries)
            do { try FileIO.writeAtomically(bytes, to: DataBuiltins.resolve(path, a.context.session)) } catch let error as FileError {
                throw RuntimeError(.value, "cannot save `\(path)`: \(error.reason)", a.argumentRange(0))
            }
            return .none
        },
        Builtin("load_image", [.required("path"), .optional("size", "none")], .files,
                "A PNG or JPEG image as a 3×H×W tensor of values in [0, 1]; size= scales the shorter side to size and cuts out the centre size×size (torchvision's Resize + CenterCrop).",
                example: "img = load_image(\"Lessons/data/digit.png\"); img.shape") { a in
            let path = try a.string(0)
            var size: Int? = nil
            if a.value(1) != nil {
                let n = try a.int(1) ?? 0
                guard n >= 1, n <= 8192 else { throw RuntimeError(.value, "size must be between 1 and 8192, got \(n)", a.argumentRange(1)) }
                size = n
            }
            let bytes = try DataBuiltins.readBytes(path, a.context.session, a.argumentRange(0), limit: 256 << 20)
            do {
                return .tensor(try ImageFile.tensor(try ImageFile.decode(bytes), size: size))
            } catch let e as ImageFile.DecodeError {
                throw RuntimeError(.value, "`\(path)` cannot be loaded: \(e.message)", a.argumentRange(0))
            } catch let e as TensorError {
                throw RuntimeError.from(e, at: a.argumentRange(0))
            }
        },
        Builtin("keys", [.required("w")], .files, "The names in weights, sorted, as a tuple of strings.",
                example: "save(\"/tmp/glassbox-w.safetensors\", W=ones(2, 3), b=zeros(3)); keys(load(\"/tmp/glassbox-w.safetensors\"))") { a in
            let w = try weights(a, 0)
            guard let t = TupleValue(w.names.map { .string($0) }) else {
                throw RuntimeError(.allocation, "these weights have too many names to list", a.argumentRange(0))
            }
            return .tuple(t)
        },
        Builtin("params", [.required("w")], .files,
                "The weights with every tensor made trainable (param), except batch norm's buffers (running_mean, running_var, num_batches_tracked), which stay shared so that training updates them; sgd and adam take the result.",
                example: "save(\"/tmp/glassbox-w.safetensors\", W=ones(2, 3)); w = params(load(\"/tmp/glassbox-w.safetensors\")); w[\"W\"]") { a in
            let w = try weights(a, 0)
            let entries = try w.names.map { name -> (name: String, tensor: Tensor) in
                let t = w[name]!
                return (name, Weights.isBuffer(name) ? t : try Ops.param(t))
            }
            return .object(Weights(entries, origin: w.origin))
        },
        Builtin("has", [.required("w"), .required("name")], .files, "1 if weights hold a tensor called name, else 0.",
                example: "save(\"/tmp/glassbox-w.safetensors\", W=ones(2, 3)); has(load(\"/tmp/glassbox-w.safetensors\"), \"W\")") { a in
            .number(try weights(a, 0)[try a.string(1)] == nil ? 0 : 1)
        },
        Builtin("str", [.required("x")], .files,
                "x as a string: a whole number without a decimal point (str(3) is \"3\"), any other value as the notebook shows it.",
                example: "\"features.\" + str(3) + \".conv\"") { a in
            switch a.value(0) {
            case .string(let s)?: return .string(s)
            case .tensor(let t)? where t.count == 1 && t.rank == 0:
                let v = t.scalarValue ?? 0
                if let n = wholeNumber(v), abs(v) < 1e15 { return .string(String(n)) }
                return .string("\(v)")
            case let v?: return .string(a.context.session.format(v))
            case nil: throw RuntimeError(.arity, "`str` is missing its argument `x`", a.range)
            }
        },
    ]

    /// Argument `i` as weights.
    static func weights(_ a: Arguments, _ i: Int) throws -> Weights {
        guard case .object(let o as Weights)? = a.value(i) else {
            throw RuntimeError(.type, "`\(a.builtin.parameters[i].name)` of \(a.builtin.name) must be weights (from load), got a \(a.value(i)?.typeName ?? "nothing")",
                               a.argumentRange(i))
        }
        return o
    }

    static let convolution: [Builtin] = [
        Builtin("conv2d", [.required("x"), .required("W"), .optional("b", "none"), .optional("stride", "1"), .optional("padding", "0"),
                           .optional("dilation", "1"), .optional("groups", "1")], .layer,
                "The 2-D convolution of x (N×C×H×W) with W (out×C/groups×kh×kw), as PyTorch's F.conv2d; groups = C is depthwise. "
                    + "stride, padding and dilation are a number or (rows, columns).",
                example: "conv2d(ones(1, 1, 4, 4), ones(1, 1, 3, 3), padding=1)") { a in
            let b = try a.optionalTensorOrNone(2)
            return .tensor(try a.pointing(at: 0) {
                try Ops.conv2d(try a.tensor(0), try a.tensor(1), bias: b, stride: try a.pair(3) ?? (1, 1), padding: try a.pair(4) ?? (0, 0),
                               dilation: try a.pair(5) ?? (1, 1), groups: try a.int(6) ?? 1)
            })
        },
        Builtin("batch_norm", [.required("x"), .required("running_mean"), .required("running_var"), .optional("gamma", "none"),
                               .optional("beta", "none"), .optional("training", "false"), .optional("momentum", "0.1"), .optional("eps", "1e-5")], .layer,
                "γ·(x − μ)/√(σ² + eps) + β per channel (axis 1; Ioffe & Szegedy 2015): the batch's μ, σ² in training (and the running ones updated), the running ones in eval.",
                example: "batch_norm([[1, 2], [3, 6]], zeros(2), ones(2), training=true)") { a in
            .tensor(try a.pointing(at: 0) {
                try Ops.batchNorm(try a.tensor(0), runningMean: try a.tensor(1), runningVar: try a.tensor(2), gamma: try a.optionalTensorOrNone(3),
                                  beta: try a.optionalTensorOrNone(4), training: try a.flag(5), momentum: try a.float(6) ?? 0.1,
                                  eps: try a.float(7) ?? 1e-5)
            })
        },
        Builtin("max_pool2d", [.required("x"), .required("kernel_size"), .optional("stride", "kernel_size"), .optional("padding", "0"),
                               .optional("dilation", "1")], .layer,
                "The largest value of each window of x (N×C×H×W), as PyTorch's F.max_pool2d.",
                example: "max_pool2d(reshape(arange(16), 1, 1, 4, 4), 2)") { a in
            let k = try a.pair(1) ?? (1, 1)
            return .tensor(try a.pointing(at: 0) {
                try Ops.maxPool2d(try a.tensor(0), kernel: k, stride: try a.pair(2) ?? k, padding: try a.pair(3) ?? (0, 0), dilation: try a.pair(4) ?? (1, 1))
            })
        },
        Builtin("avg_pool2d", [.required("x"), .required("kernel_size"), .optional("stride", "kernel_size"), .optional("padding", "0")], .layer,
                "The mean of each window of x (N×C×H×W), padded zeros counted, as PyTorch's F.avg_pool2d.",
                example: "avg_pool2d(reshape(arange(16), 1, 1, 4, 4), 2)") { a in
            let k = try a.pair(1) ?? (1, 1)
            return .tensor(try a.pointing(at: 0) {
                try Ops.avgPool2d(try a.tensor(0), kernel: k, stride: try a.pair(2) ?? k, padding: try a.pair(3) ?? (0, 0))
            })
        },
        Builtin("adaptive_avg_pool2d", [.required("x"), .required("output_size")], .layer,
                "The mean of each of output_size×output_size bins covering x (N×C×H×W), as PyTorch's F.adaptive_avg_pool2d; 1 is the global average pool.",
                example: "adaptive_avg_pool2d(reshape(arange(16), 1, 1, 4, 4), 1)") { a in
            .tensor(try a.pointing(at: 0) { try Ops.adaptiveAvgPool2d(try a.tensor(0), try a.pair(1) ?? (1, 1)) })
        },
    ]

    static let transformer: [Builtin] = [
        Builtin("embedding", [.required("ids"), .required("W")], .layer,
                "Row ids[k] of W for each id (PyTorch's F.embedding): shape ids.shape + [W.shape[1]]; gradients go back to the rows used.",
                example: "embedding([2, 0], [[1, 1], [2, 2], [3, 3]])") { a in
            let ids = try a.tensor(0), w = try a.tensor(1)
            guard w.rank == 2 else {
                throw RuntimeError(.shape, "the embedding table W must be a matrix (ids × features), got shape \(shapeText(w.shape))", a.argumentRange(1))
            }
            return .tensor(try a.pointing(at: 0) { try Ops.take(w, ids, axis: 0) })
        },
        Builtin("split_heads", [.required("x"), .required("n_head")], .layer,
                "(…, T, n_head·d) → (…, n_head, T, d): the heads of multi-head attention as an axis (Vaswani et al. 2017, §3.2.2).",
                example: "split_heads(reshape(arange(8), 2, 4), 2).shape") { a in
            let x = try a.tensor(0), h = try a.int(1) ?? 1
            guard x.rank >= 2, h >= 1, x.shape[x.rank - 1] % h == 0 else {
                throw RuntimeError(.shape, "split_heads needs x of shape (…, T, C) with C divisible by n_head = \(h), got \(shapeText(x.shape))",
                                   a.argumentRange(0))
            }
            let r = x.rank, t = x.shape[r - 2], c = x.shape[r - 1]
            let lead = Array(x.shape.dropLast(2))
            let y = try Ops.reshape(x, lead + [t, h, c / h])
            var axes = Array(0..<lead.count)
            axes += [lead.count + 1, lead.count, lead.count + 2]
            return .tensor(try Ops.permute(y, axes))
        },
        Builtin("merge_heads", [.required("x")], .layer,
                "(…, n_head, T, d) → (…, T, n_head·d): the inverse of split_heads (the heads' outputs side by side).",
                example: "merge_heads(split_heads(reshape(arange(8), 2, 4), 2))") { a in
            let x = try a.tensor(0)
            guard x.rank >= 3 else {
                throw RuntimeError(.shape, "merge_heads needs x of shape (…, n_head, T, d), got \(shapeText(x.shape))", a.argumentRange(0))
            }
            let r = x.rank, h = x.shape[r - 3], t = x.shape[r - 2], d = x.shape[r - 1]
            let lead = Array(x.shape.dropLast(3))
            var axes = Array(0..<lead.count)
            axes += [lead.count + 1, lead.count, lead.count + 2]
            return .tensor(try Ops.reshape(try Ops.permute(x, axes), lead + [t, h * d]))
        },
        Builtin("sample", [.required("logits"), .optional("temperature", "1"), .optional("top_k", "0"), .optional("top_p", "1")], .data,
                "One id drawn from softmax(logits/temperature) after keeping the top_k largest and the smallest set of probability ≥ top_p "
                    + "(Holtzman et al. 2020); temperature 0 is argmax. Seeded like rand; one id per row of a matrix.",
                example: "seed(0); sample([1, 2, 3], temperature=0.5, top_k=2)") { a in
            let logits = try a.tensor(0)
            let t = try a.float(1) ?? 1, k = try a.int(2) ?? 0, p = try a.float(3) ?? 1
            guard t >= 0, t.isFinite else { throw RuntimeError(.value, "temperature must be ≥ 0, got \(t)", a.argumentRange(1)) }
            guard k >= 0 else { throw RuntimeError(.value, "top_k must be ≥ 0 (0 keeps every id), got \(k)", a.argumentRange(2)) }
            guard p > 0, p <= 1 else { throw RuntimeError(.value, "top_p must be in (0, 1], got \(p)", a.argumentRange(3)) }
            guard (logits.rank == 1 || logits.rank == 2), logits.count > 0 else {
                throw RuntimeError(.shape, "sample needs a vector of logits (or a matrix, one row per draw), got shape \(shapeText(logits.shape))",
                                   a.argumentRange(0))
            }
            let v = logits.shape[logits.rank - 1]
            let values = logits.toArray()
            var ids: [Float] = []
            for row in 0..<(values.count / v) {
                let slice = Array(values[(row * v)..<((row + 1) * v)])
                let draw = Sampling.draw(slice, temperature: t, topK: k, topP: p)
                if Trace.listener != nil {
                    try a.pointing(at: 0) { try Sampling.report(try Tensor(shape: [v], data: slice), draw, temperature: t, topK: k, topP: p) }
                }
                ids.append(Float(draw.id))
            }
            if logits.rank == 1 { return .number(ids[0]) }
            return .tensor(try Tensor(shape: [ids.count], data: ids))
        },
    ]
}

extension Weights {
    /// Batch norm's running statistics and step count: state that training updates, not parameters.
    static func isBuffer(_ name: String) -> Bool {
        name.hasSuffix("running_mean") || name.hasSuffix("running_var") || name.hasSuffix("num_batches_tracked")
    }
}

extension Arguments {
    /// The `params...` of an optimizer: tensors as given, and the trainable tensors of weights.
    func restParameters() throws -> [Tensor] {
        var out: [Tensor] = []
        for (v, r) in zip(rest, restRanges) {
            if case .object(let w as Weights) = v {
                out += w.names.compactMap { w[$0] }.filter(\.isParameter)
                if !w.names.contains(where: { w[$0]!.isParameter }) {
                    throw RuntimeError(.value, "these weights hold no parameters; params(w) makes them trainable", r)
                }
            } else {
                out.append(try asTensor(v, r, "argument of \(builtin.name)"))
            }
        }
        return out
    }

    /// A size given as one whole number (both axes) or as (rows, columns); nil when left out.
    func pair(_ i: Int) throws -> (Int, Int)? {
        guard let v = value(i) else { return nil }
        let name = "`\(builtin.parameters[i].name)` of \(builtin.name)"
        func whole(_ x: Float) throws -> Int {
            guard let n = wholeNumber(x) else {
                throw RuntimeError(.value, "\(name) must be whole numbers, got \(ValueFormatter().number(x))", argumentRange(i))
            }
            return n
        }
        switch v {
        case .tensor(let t) where t.count == 1: let n = try whole(t.scalarValue ?? t.toArray()[0]); return (n, n)
        case .tensor(let t) where t.rank == 1 && t.count == 2: let e = t.toArray(); return (try whole(e[0]), try whole(e[1]))
        case .tuple(let items) where items.count == 2:
            guard case .tensor(let x) = items[0], case .tensor(let y) = items[1], let a = x.scalarValue, let b = y.scalarValue else { break }
            return (try whole(a), try whole(b))
        default: break
        }
        throw RuntimeError(.type, "\(name) must be a number or a pair (rows, columns), got \(v.typeName == "tensor" ? "a tensor of \(shapeText(v.tensor?.shape ?? []))" : "a \(v.typeName)")",
                           argumentRange(i))
    }
}

// MARK: - Sampling

/// How `sample` and `gpt2_generate` pick the next token, step by step so that `explain` can show
/// each stage: the logits divided by the temperature, the top-k cut, the softmax, the top-p
/// (nucleus) cut of Holtzman et al. 2020 and the renormalized distribution, then one uniform
/// draw u from the seeded generator landing in the bucket of the cumulative distribution.
enum Sampling {
    struct Draw {
        var id: Int
        /// The probabilities after every cut (0 for the ids cut away).
        var probabilities: [Float]
        var u: Float
        /// logits / temperature, and the softmax after the top-k cut (before top-p): what
        /// `explain sample(…)` shows of the stages.
        var scaled: [Float] = []
        var afterTopK: [Float] = []
    }

    static func draw(_ logits: [Float], temperature: Float, topK: Int, topP: Float) -> Draw {
        let n = logits.count
        if temperature == 0 {
            var best = 0
            for i in 1..<max(1, n) where logits[i] > logits[best] || (logits[best].isNaN && !logits[i].isNaN) { best = i }
            var p = [Float](repeating: 0, count: n)
            p[best] = 1
            return Draw(id: best, probabilities: p, u: 0)
        }
        var z = logits.map { $0 / temperature }
        let scaled = z
        if topK > 0 && topK < n {
            let kth = z.sorted(by: >)[topK - 1]
            z = z.map { $0 >= kth ? $0 : -.infinity }
        }
        let m = z.max() ?? 0
        var p = z.map { m.isFinite ? Float(exp(Double($0 - m))) : 1 }
        var total = p.reduce(0, +)
        p = p.map { $0 / total }
        let afterTopK = p
        if topP < 1 {
            // Keep the most likely ids until their probability reaches top_p (at least one).
            let order = (0..<n).sorted { (i: Int, j: Int) -> Bool in p[i] > p[j] || (p[i] == p[j] && i < j) }
            var kept = Set<Int>(), cumulative: Float = 0
            for i in order {
                kept.insert(i)
                cumulative += p[i]
                if cumulative >= topP { break }
            }
            for i in 0..<n where !kept.contains(i) { p[i] = 0 }
            total = p.reduce(0, +)
            p = p.map { $0 / total }
        }
        let u = RandomSource.uniform()
        var cumulative: Float = 0
        var id = (0..<n).last { p[$0] > 0 } ?? 0
        for i in 0..<n where p[i] > 0 {
            cumulative += p[i]
            if u < cumulative { id = i; break }
        }
        return Draw(id: id, probabilities: p, u: u, scaled: scaled, afterTopK: afterTopK)
    }

    /// Reports one draw to `explain` (OpSpec `sample`): inputs the logits, output the id;
    /// intermediates `scaled`, `after_top_k`, `probabilities`, `cumulative`; attributes the
    /// settings and the uniform draw `u`.
    static func report(_ logits: Tensor, _ draw: Draw, temperature: Float, topK: Int, topP: Float) throws {
        guard let listener = Trace.listener else { return }
        let n = draw.probabilities.count
        func tensor(_ xs: [Float]) throws -> Tensor { try Tensor(shape: [xs.count], data: xs) }
        var cumulative = [Float](repeating: 0, count: n), c: Float = 0
        for i in 0..<n { c += draw.probabilities[i]; cumulative[i] = c }
        var intermediates: [(name: String, value: Tensor)] = []
        if !draw.scaled.isEmpty {
            intermediates.append(("scaled", try tensor(draw.scaled)))
            intermediates.append(("after_top_k", try tensor(draw.afterTopK)))
        }
        intermediates.append(("probabilities", try tensor(draw.probabilities)))
        intermediates.append(("cumulative", try tensor(cumulative)))
        listener.opDidRun(OpEvent(op: .sample, inputs: [logits], outputs: [try Tensor(shape: [], data: [Float(draw.id)])],
                                  intermediates: intermediates,
                                  attributes: [("temperature", "\(temperature)"), ("top_k", "\(topK)"), ("top_p", "\(topP)"),
                                               ("u", "\(draw.u)"), ("id", "\(draw.id)")]))
    }
}
