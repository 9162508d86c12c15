// MARK: - Characters ↔ indices

/// A character-level vocabulary: the alphabet of a text, each character's index its position
/// (the first position where a character repeats). `encode` and `decode` are inverse on texts
/// made of the alphabet's characters. Characters are Swift `Character`s (what a reader sees as
/// one character).
public struct CharacterVocabulary: Sendable {
    public let characters: [Character]
    let position: [Character: Int]

    public init(_ alphabet: String) {
        characters = Array(alphabet)
        var position: [Character: Int] = [:]
        for (i, ch) in characters.enumerated() where position[ch] == nil { position[ch] = i }
        self.position = position
    }

    /// The index of each character of `text`, as a vector.
    public func encode(_ text: String) throws -> Tensor {
        var out: [Float] = []
        out.reserveCapacity(text.count)
        for ch in text {
            guard let i = position[ch] else {
                throw TensorError.invalidArgument(op: "encode", message: "the character \(Self.quoted(ch)) is not in the vocabulary")
            }
            out.append(Float(i))
        }
        return try Tensor(shape: [out.count], data: out)
    }

    /// The characters at `indices` (any shape, read in order), as one string.
    public func decode(_ indices: Tensor) throws -> String {
        var out = ""
        for x in indices.toArray() {
            guard let i = wholeNumber(x), i >= 0, i < characters.count else {
                let n = characters.count
                throw TensorError.invalidArgument(
                    op: "decode", message: "\(TensorError.format(x)) is not an index into a vocabulary of \(n) character\(n == 1 ? "" : "s")")
            }
            out.append(characters[i])
        }
        return out
    }

    /// A character as messages show it: `"a"`, or its code point when it is invisible.
    public static func quoted(_ ch: Character) -> String {
        if ch == "\n" { return "newline" }
        if ch.isWhitespace || ch.unicodeScalars.contains(where: { $0.value < 0x20 }) {
            return ch.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true) }.joined(separator: " ")
        }
        return "\"\(ch)\""
    }
}
