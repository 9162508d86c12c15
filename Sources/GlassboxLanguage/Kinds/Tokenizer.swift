import GlassboxTensors

// MARK: - Tokenizers

/// What `tokenizer("vocab.json", "merges.txt")` returns: GPT-2's byte-level BPE
/// (`BytePairEncoding`), or a character vocabulary (`tokenizer(chars)` with the alphabet that
/// `vocab(text)` gives). `encode(tok, text)` and `decode(tok, ids)` work the same for both.
public final class Tokenizer: ValueKind {
    enum Method {
        case bytePairs(BytePairEncoding)
        case characters(CharacterVocabulary)
    }
    let method: Method

    init(_ method: Method) { self.method = method }

    public var typeName: String { "tokenizer" }

    /// The number of token ids, 0 ..< size.
    public var size: Int {
        switch method {
        case .bytePairs(let b): return b.vocabularySize
        case .characters(let c): return c.characters.count
        }
    }

    var kindText: String {
        switch method {
        case .bytePairs(let b): return "byte-level BPE, \(Weights.grouped(b.vocabularySize)) tokens, \(Weights.grouped(b.mergeList.count)) merges"
        case .characters(let c): return "characters, \(c.characters.count) of them"
        }
    }

    public func text(_ formatter: ValueFormatter) -> String { "tokenizer: \(kindText)" }

    public var json: JSONValue {
        switch method {
        case .bytePairs(let b):
            return .object([("tokenizer", .string("bpe")), ("vocabulary", .number(Double(b.vocabularySize))),
                            ("merges", .number(Double(b.mergeList.count)))])
        case .characters(let c):
            return .object([("tokenizer", .string("characters")), ("characters", .string(String(c.characters)))])
        }
    }

    public static let attributes = AttributeTable<Tokenizer>([
        Attribute("size", "the number of tokens (ids 0 ..< size)") { t, _ in .number(Float(t.size)) },
    ])

    /// `tok[id]`: the token's text (its symbol for BPE, where Ġ stands for a space).
    public func element(_ key: Value, _ access: IndexAccess) throws -> Value {
        guard case .tensor(let t) = key, let x = t.scalarValue, let id = wholeNumber(x), id >= 0, id < size else {
            throw RuntimeError(.index, "a tokenizer is indexed by a token id in 0 ..< \(size)", access.keyRange)
        }
        switch method {
        case .bytePairs(let b): return .string(b.tokens[id])
        case .characters(let c): return .string(String(c.characters[id]))
        }
    }

    public var variablesSummary: String { kindText }

    /// The text of one token (for BPE its bytes decoded; U+FFFD where they end mid-character), or
    /// nil for an id outside the vocabulary.
    public func tokenText(_ id: Int) -> String? {
        guard id >= 0, id < size else { return nil }
        switch method {
        case .bytePairs(let b): return b.decode([id]).text
        case .characters(let c): return String(c.characters[id])
        }
    }

    // MARK: Encoding and decoding

    func encode(_ text: String) throws -> Tensor {
        if let listener = Trace.listener, case .bytePairs(let b) = method {
            // Under `explain`: the same merges, with each piece's reported (OpSpec `encode`).
            let pieces = b.encodeExplained(text)
            var attributes: [(name: String, value: String)] = []
            var intermediates: [(name: String, value: Tensor)] = []
            for (k, piece) in pieces.enumerated() {
                attributes.append(("piece \(k)", piece.text))
                for m in piece.merges { attributes.append(("merge \(k)", "\(m.left) + \(m.right) → \(m.merged) (rank \(m.rank))")) }
                intermediates.append(("ids \(k)", try Tensor(shape: [piece.ids.count], data: piece.ids.map(Float.init))))
            }
            let all = pieces.flatMap(\.ids)
            let ids = try Tensor(shape: [all.count], data: all.map(Float.init))
            listener.opDidRun(OpEvent(op: .encode, inputs: [], outputs: [ids], intermediates: intermediates, attributes: attributes))
            return ids
        }
        switch method {
        case .bytePairs(let b): return try Tensor(shape: [0], data: []).replacing(b.encode(text))
        case .characters(let c): return try c.encode(text)
        }
    }

    func decode(_ ids: Tensor) throws -> String {
        switch method {
        case .characters(let c): return try c.decode(ids)
        case .bytePairs(let b):
            var list: [Int] = []
            for x in ids.toArray() {
                guard let i = wholeNumber(x) else {
                    throw TensorError.invalidArgument(op: "decode", message: "\(ValueFormatter().number(x)) is not a token id")
                }
                list.append(i)
            }
            let (text, bad) = b.decode(list)
            if let text { return text }
            throw TensorError.invalidArgument(op: "decode", message: "\(list[bad ?? 0]) is not a token id of this vocabulary (0 ..< \(b.vocabularySize))")
        }
    }
}

extension Tensor {
    /// A vector of `ids` (the receiver only names the type).
    fileprivate func replacing(_ ids: [Int]) throws -> Tensor {
        try Tensor(shape: [ids.count], data: ids.map(Float.init))
    }
}
