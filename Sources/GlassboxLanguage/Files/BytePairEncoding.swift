import GlassboxTensors

// MARK: - GPT-2's byte-level BPE

/// GPT-2's tokenizer (Radford et al. 2019; OpenAI's `encoder.py`), byte-pair encoding after
/// Sennrich et al. 2016: text is split into pieces by GPT-2's pattern, each piece's UTF-8 bytes
/// become printable characters through the byte-to-unicode table, and adjacent symbols are merged
/// by the rank of their pair in `merges.txt`, lowest first, until no ranked pair is left; the
/// final symbols are looked up in `vocab.json`. Decoding maps ids to their symbols, the symbols'
/// characters back to bytes, and the bytes to text with invalid UTF-8 replaced by U+FFFD (as
/// `encoder.py`'s `errors="replace"`).
///
/// Symbols are kept as vocabulary ids throughout, so a merge is one dictionary lookup of an
/// (id, id) pair; each distinct piece's ids are cached.
final class BytePairEncoding: @unchecked Sendable {
    /// Token strings by id (empty where an id is unused).
    let tokens: [String]
    let ids: [String: Int]
    /// (left id, right id) → (rank, merged id).
    let merges: [UInt64: (rank: Int, id: Int)]
    /// The merges in rank order, as symbol strings (for `explain`).
    let mergeList: [(String, String)]
    /// The vocabulary id of each byte's single-character symbol.
    let byteIDs: [Int]
    /// The byte each table character stands for.
    let byteOf: [Character: UInt8]
    /// Each byte's printable character.
    let charOf: [Character]
    private var cache: [String: [Int]] = [:]
    static let cacheLimit = 100_000

    struct LoadError: Error { let message: String }

    /// GPT-2's `bytes_to_unicode`: printable Latin-1 bytes stand for themselves; the other 68
    /// (controls, space, …) map to U+0100 onwards in byte order, so that every byte is a visible
    /// character and no symbol is whitespace.
    static let byteTable: [Character] = {
        var printable = Array(0x21...0x7e) + Array(0xa1...0xac) + Array(0xae...0xff)
        var chars = printable
        var n = 0
        for b in 0..<256 where !printable.contains(b) {
            printable.append(b)
            chars.append(256 + n)
            n += 1
        }
        var table = [Character](repeating: " ", count: 256)
        for (b, c) in zip(printable, chars) { table[b] = Character(Unicode.Scalar(UInt32(c))!) }
        return table
    }()

    init(vocabulary: JSONValue, merges text: String) throws {
        guard let entries = vocabulary.objectValue else { throw LoadError(message: "the vocabulary is not a JSON object of token → id") }
        var ids: [String: Int] = [:]
        var largest = -1
        for (token, value) in entries {
            guard let id = value.intValue, id >= 0, id < 10_000_000 else {
                throw LoadError(message: "the id of \(JSON.string(token)) is not a whole number in 0 ..< 10000000")
            }
            ids[token] = id
            largest = max(largest, id)
        }
        var tokens = [String](repeating: "", count: largest + 1)
        for (token, id) in ids { tokens[id] = token }
        let table = BytePairEncoding.byteTable
        var byteIDs: [Int] = []
        for b in 0..<256 {
            guard let id = ids[String(table[b])] else {
                throw LoadError(message: "the vocabulary lacks the symbol of byte \(b) (\(table[b])): not a byte-level BPE vocabulary")
            }
            byteIDs.append(id)
        }
        var merges: [UInt64: (rank: Int, id: Int)] = [:]
        var list: [(String, String)] = []
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let l = line.hasSuffix("\r") ? line.dropLast() : line
            if l.isEmpty || (lineNumber == 1 && l.hasPrefix("#version")) { continue }
            let parts = l.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw LoadError(message: "line \(lineNumber) of the merges is not two symbols separated by one space")
            }
            let a = String(parts[0]), b = String(parts[1])
            guard let ia = ids[a], let ib = ids[b], let im = ids[a + b] else {
                throw LoadError(message: "line \(lineNumber) of the merges (\(a) \(b)) uses a symbol the vocabulary lacks")
            }
            let key = UInt64(ia) << 32 | UInt64(ib)
            if merges[key] == nil { merges[key] = (list.count, im) }
            list.append((a, b))
        }
        self.tokens = tokens
        self.ids = ids
        self.merges = merges
        self.mergeList = list
        self.byteIDs = byteIDs
        self.charOf = table
        var byteOf: [Character: UInt8] = [:]
        for (b, c) in table.enumerated() { byteOf[c] = UInt8(b) }
        self.byteOf = byteOf
    }

    var vocabularySize: Int { tokens.count }

    // MARK: Encoding

    /// The ids of `text`.
    func encode(_ text: String) -> [Int] {
        var out: [Int] = []
        for piece in BytePairEncoding.pieces(text) { out += encodePiece(piece) }
        return out
    }

    /// One pre-tokenized piece as `explain encode` shows it: its text, each merge in the order
    /// applied (rank, the two symbols' tokens, the merged token) and its ids.
    struct ExplainedPiece {
        var text: String
        var merges: [(rank: Int, left: String, right: String, merged: String)]
        var ids: [Int]
    }

    /// `encode` with every piece's merges recorded (uncached: the merges are what is wanted).
    func encodeExplained(_ text: String) -> [ExplainedPiece] {
        BytePairEncoding.pieces(text).map { piece in
            var symbols = piece.utf8.map { byteIDs[Int($0)] }
            var merges: [(rank: Int, left: String, right: String, merged: String)] = []
            merge(&symbols, steps: { rank, left, right, _ in
                let l = self.token(left), r = self.token(right)
                merges.append((rank, l, r, l + r))
            })
            return ExplainedPiece(text: String(piece), merges: merges, ids: symbols)
        }
    }

    /// The vocabulary's text of one id (byte-level symbols: `Ġ` is a space).
    func token(_ id: Int) -> String { id >= 0 && id < tokens.count ? tokens[id] : "?" }

    /// The ids of one pre-tokenized piece (cached).
    func encodePiece(_ piece: Substring) -> [Int] {
        let key = String(piece)
        if let hit = cache[key] { return hit }
        var symbols = key.utf8.map { byteIDs[Int($0)] }
        merge(&symbols, steps: nil)
        if cache.count >= BytePairEncoding.cacheLimit { cache.removeAll(keepingCapacity: true) }
        cache[key] = symbols
        return symbols
    }

    /// Merges the lowest-ranked adjacent pair, every occurrence of it left to right, until no pair
    /// is ranked; `steps` hears each merge (rank, the two symbols, the symbols after it).
    func merge(_ symbols: inout [Int], steps: ((Int, Int, Int, [Int]) -> Void)?) {
        while symbols.count >= 2 {
            var best = Int.max, bestPair: UInt64 = 0
            for i in 0..<(symbols.count - 1) {
                let key = UInt64(symbols[i]) << 32 | UInt64(symbols[i + 1])
                if let m = merges[key], m.rank < best { best = m.rank; bestPair = key }
            }
            if best == Int.max { return }
            let merged = merges[bestPair]!.id
            let left = Int(bestPair >> 32), right = Int(bestPair & 0xffff_ffff)
            var next: [Int] = []
            next.reserveCapacity(symbols.count)
            var i = 0
            while i < symbols.count {
                if i + 1 < symbols.count && symbols[i] == left && symbols[i + 1] == right {
                    next.append(merged)
                    i += 2
                } else {
                    next.append(symbols[i])
                    i += 1
                }
            }
            symbols = next
            steps?(best, left, right, symbols)
        }
    }

    // MARK: Decoding

    /// The text of `ids`: their symbols' bytes as UTF-8, invalid sequences as U+FFFD. Nil when an
    /// id is outside the vocabulary (its index is returned in `bad`).
    func decode(_ ids: [Int]) -> (text: String?, bad: Int?) {
        var bytes: [UInt8] = []
        for (k, id) in ids.enumerated() {
            guard id >= 0, id < tokens.count, !tokens[id].isEmpty else { return (nil, k) }
            for ch in tokens[id] {
                if let b = byteOf[ch] { bytes.append(b) } else { bytes += Array(String(ch).utf8) }
            }
        }
        return (String(decoding: bytes, as: UTF8.self), nil)
    }

    // MARK: GPT-2's pre-tokenization

    /// The pieces of `text` by GPT-2's pattern, exactly as `encoder.py` writes it:
    ///
    ///     's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
    ///
    /// tried in that order at each position: a contraction; an optional space and a run of
    /// letters, of numbers, or of other characters; a run of whitespace that is not followed by a
    /// non-space (so that the last space of a run goes with the next word); any whitespace run.
    static func pieces(_ text: String) -> [Substring] {
        let scalars = text.unicodeScalars
        var out: [Substring] = []
        var i = scalars.startIndex
        let end = scalars.endIndex
        func at(_ k: String.UnicodeScalarView.Index) -> Unicode.Scalar? { k < end ? scalars[k] : nil }
        while i < end {
            let c = scalars[i]
            let next = scalars.index(after: i)
            // 's 't 're 've 'm 'll 'd
            if c == "'", let d = at(next) {
                var stop: String.UnicodeScalarView.Index? = nil
                if d == "s" || d == "t" || d == "m" || d == "d" { stop = scalars.index(after: next) }
                else if let e = at(scalars.index(after: next)),
                        (d == "r" && e == "e") || (d == "v" && e == "e") || (d == "l" && e == "l") {
                    stop = scalars.index(next, offsetBy: 2)
                }
                if let stop {
                    out.append(Substring(scalars[i..<stop]))
                    i = stop
                    continue
                }
            }
            // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`
            let start = c == " " && next < end ? next : i
            if let first = at(start) {
                let kind = category(first)
                if kind != .space {
                    var k = scalars.index(after: start)
                    while k < end, category(scalars[k]) == kind { k = scalars.index(after: k) }
                    out.append(Substring(scalars[i..<k]))
                    i = k
                    continue
                }
            }
            // `\s+(?!\S)` then `\s+`
            var k = i
            while k < end, category(scalars[k]) == .space { k = scalars.index(after: k) }
            if k < end, scalars.index(after: i) < k {
                k = scalars.index(before: k)   // leave the last space for the word after it
            }
            out.append(Substring(scalars[i..<k]))
            i = k
        }
        return out
    }

    enum Category { case letter, number, space, other }

    /// \p{L}, \p{N}, \s (Unicode White_Space) or anything else.
    static func category(_ s: Unicode.Scalar) -> Category {
        if s.value < 0x80 {
            switch s.value {
            case 0x41...0x5a, 0x61...0x7a: return .letter
            case 0x30...0x39: return .number
            case 0x09...0x0d, 0x20: return .space
            default: return .other
            }
        }
        let p = s.properties
        switch p.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return .letter
        case .decimalNumber, .letterNumber, .otherNumber: return .number
        default: return p.isWhitespace ? .space : .other
        }
    }
}
