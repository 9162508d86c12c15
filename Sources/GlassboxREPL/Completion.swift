// MARK: - Tab completion

/// What Tab offers for the text before the cursor.
public struct Completion: Equatable, Sendable {
    /// The partial word at the end of the text, which the matches extend.
    public var word: String
    /// Every known name that starts with `word`, sorted, without duplicates.
    public var matches: [String]

    public init(word: String, matches: [String]) {
        self.word = word
        self.matches = matches
    }

    /// The longest text every match starts with (at least `word`).
    public var commonPrefix: String {
        guard var prefix = matches.first else { return word }
        for match in matches.dropFirst() {
            while !match.hasPrefix(prefix) { prefix.removeLast() }
        }
        return prefix.count >= word.count ? prefix : word
    }
}

/// Answers Tab: gets the text before the cursor, returns the word there and its completions.
public typealias Completer = (_ textBeforeCursor: String) -> Completion

/// The names Tab can offer, gathered fresh on every press (variables change between cells).
public struct CompletionSource {
    public var variables: () -> [String]
    public var builtins: () -> [String]
    public var keywords: [String]
    public var commands: () -> [String]
    /// Names after a `.` when the value before it is not a variable (`f(x).`): `x.sh` → `shape`.
    public var attributes: [String]
    /// The attributes of the variable named before a `.` (`opt.` → `lr`, `t`), read from its
    /// kind's attribute table; nil for a name that is not a variable.
    public var attributesOfVariable: (String) -> [String]? = { _ in nil }

    public init(
        variables: @escaping () -> [String],
        builtins: @escaping () -> [String],
        keywords: [String],
        commands: @escaping () -> [String],
        attributes: [String]
    ) {
        self.variables = variables
        self.builtins = builtins
        self.keywords = keywords
        self.commands = commands
        self.attributes = attributes
    }

    /// Completes the word that ends `text`:
    /// - `:ti` at the start of a line → `:time` (command names);
    /// - `?so` → `?softmax` (help on built-ins and variables);
    /// - `x.sh` → `x.shape` (attributes);
    /// - otherwise variables, built-ins and keywords.
    public func complete(_ text: String) -> Completion {
        let trimmed = text.drop(while: { $0 == " " || $0 == "\t" })
        if trimmed.hasPrefix(":"), !trimmed.contains(" ") {
            let word = String(trimmed)
            return Completion(word: word, matches: sortedMatches(commands().map { ":" + $0 }, word))
        }
        let word = String(text.reversed().prefix(while: Self.isIdentifierCharacter).reversed())
        let before = text.dropLast(word.count)
        if before.hasSuffix("."), let owner = before.dropLast().last {
            // `x.` and `f(x).` take attributes; `3.` is the start of a number.
            let ownerWord = before.dropLast().reversed().prefix(while: Self.isIdentifierCharacter)
            let ownerIsNumber = !ownerWord.isEmpty && ownerWord.allSatisfy(\.isNumber)
            if (Self.isIdentifierCharacter(owner) && !ownerIsNumber) || owner == ")" || owner == "]" {
                let known = ownerWord.isEmpty ? nil : attributesOfVariable(String(ownerWord.reversed()))
                return Completion(word: word, matches: sortedMatches(known ?? attributes, word))
            }
        }
        if word.isEmpty { return Completion(word: word, matches: []) }
        if word.first?.isNumber == true { return Completion(word: word, matches: []) }
        let names = variables() + builtins() + keywords
        return Completion(word: word, matches: sortedMatches(names, word))
    }

    private func sortedMatches(_ names: [String], _ word: String) -> [String] {
        Array(Set(names.filter { $0.hasPrefix(word) })).sorted()
    }

    /// Letters (any script), digits and `_`, as in the language's identifiers.
    static func isIdentifierCharacter(_ c: Character) -> Bool {
        c.isLetter || c.isNumber || c == "_"
    }
}
