// MARK: - Lexer

/// Turns source text into tokens (Crafting Interpreters' scanner).
///
/// - Numbers: `12`, `1.5`, `.5`, `1.`, `2e-3`; all become float32 values later.
/// - Names: Unicode letters, `_`, digits, subscript digits and combining marks (`α`, `W_ih`, `x₁`, `m̂`).
/// - Strings: `"..."` with `\n \t \" \\`; they may span lines.
/// - `#` starts a comment that runs to the end of the line.
/// - A newline ends a statement, except inside `(` `[` or after an operator or comma that needs
///   more (`x = 1 +` ⏎ `2`). `;` always ends a statement.
/// - `'` right after a value is the transpose; nothing else uses single quotes.
struct Lexer {
    let source: Source
    private let s: [Unicode.Scalar]
    private var i = 0
    private var tokens: [Token] = []
    /// Open brackets, innermost last: newlines are insignificant directly inside `(` and `[`.
    private var brackets: [Symbol] = []

    init(_ source: Source) {
        self.source = source
        self.s = source.scalars
    }

    /// All tokens, ending with `.end`; throws the first lexical error.
    static func tokenize(_ source: Source) throws(Diagnostic) -> [Token] {
        var lexer = Lexer(source)
        return try lexer.run()
    }

    private mutating func run() throws(Diagnostic) -> [Token] {
        while i < s.count {
            let c = s[i]
            let start = i
            switch c {
            case " ", "\t", "\r", "\u{FEFF}", "\u{00A0}":
                i += 1
            case "#":
                while i < s.count, s[i] != "\n" { i += 1 }
            case "\n":
                i += 1
                newline(at: start)
            case ";":
                i += 1
                tokens.append(Token(.terminator(isSemicolon: true), SourceRange(start, i)))
            case "\"":
                try string()
            case "0"..."9":
                number()
            case ".":
                if peek(1).map(isDigit) == true,
                   !(tokens.last?.kind.endsOperand ?? false) || (start > 0 && isSpace(s[start - 1])) {
                    number()
                } else if peek(1) == ".", peek(2) == "." {
                    i += 3; add(.closedRange, start)
                } else if peek(1) == ".", peek(2) == "<" {
                    i += 3; add(.halfOpenRange, start)
                } else if peek(1) == "." {
                    throw error("`..` is not an operator; write `a...b` (inclusive) or `a..<b` (exclusive)", start, start + 2)
                } else {
                    i += 1; add(.dot, start)
                }
            case "'":
                guard tokens.last?.kind.endsOperand == true, start > 0, !isSpace(s[start - 1]) else {
                    throw error("`'` is the transpose and must follow a value (`x'`); strings use double quotes", start, start + 1)
                }
                i += 1; add(.quote, start)
            default:
                if isIdentifierStart(c) {
                    identifier()
                } else {
                    try symbol(c, start)
                }
            }
        }
        // A statement still open at the end ends there.
        tokens.append(Token(.end, SourceRange(s.count, s.count)))
        return tokens
    }

    // MARK: Newlines

    private mutating func newline(at offset: Int) {
        if let open = brackets.last, open == .leftParen || open == .leftBracket { return }
        guard let last = tokens.last else { return }           // leading blank lines
        switch last.kind {
        case .terminator: return                                  // collapse blank lines
        case .symbol(let sym) where sym.continuesLine: return    // `x = 1 +` continues
        default: tokens.append(Token(.terminator(isSemicolon: false), SourceRange(offset, offset + 1)))
        }
    }

    // MARK: Literals

    private mutating func number() {
        let start = i
        var text = ""
        while i < s.count, isDigit(s[i]) { text.unicodeScalars.append(s[i]); i += 1 }
        if i < s.count, s[i] == "." {
            let next = peek(1)
            if let n = next, isDigit(n) {
                text += "."; i += 1
                while i < s.count, isDigit(s[i]) { text.unicodeScalars.append(s[i]); i += 1 }
            } else if next != ".", !(next.map(isIdentifierStart) ?? false) {
                i += 1                                           // `1.` as in NumPy
            }
        }
        if i < s.count, s[i] == "e" || s[i] == "E" {
            var j = i + 1
            var exponent = "e"
            if j < s.count, s[j] == "+" || s[j] == "-" { exponent.unicodeScalars.append(s[j]); j += 1 }
            if j < s.count, isDigit(s[j]) {
                while j < s.count, isDigit(s[j]) { exponent.unicodeScalars.append(s[j]); j += 1 }
                text += exponent
                i = j
            }
        }
        if text.hasPrefix(".") { text = "0" + text }
        tokens.append(Token(.number(Double(text) ?? .nan), SourceRange(start, i)))
    }

    private mutating func string() throws(Diagnostic) {
        let start = i
        i += 1
        var value = String.UnicodeScalarView()
        while true {
            guard i < s.count else {
                throw Diagnostic(.syntax, "unterminated string", source, SourceRange(start, start + 1),
                                 atEnd: true)
            }
            let c = s[i]
            if c == "\"" { i += 1; break }
            if c == "\\" {
                guard i + 1 < s.count else { i += 1; continue }
                let e = s[i + 1]
                switch e {
                case "n": value.append("\n")
                case "t": value.append("\t")
                case "\"": value.append("\"")
                case "\\": value.append("\\")
                default:
                    throw error("unknown escape `\\\(e)` in a string (use \\n, \\t, \\\" or \\\\)", i, i + 2)
                }
                i += 2
            } else {
                value.append(c)
                i += 1
            }
        }
        tokens.append(Token(.string(String(value)), SourceRange(start, i)))
    }

    private mutating func identifier() {
        let start = i
        var name = String.UnicodeScalarView()
        while i < s.count, isIdentifierContinue(s[i]) { name.append(s[i]); i += 1 }
        let text = String(name)
        if let keyword = Keyword(rawValue: text) {
            tokens.append(Token(.keyword(keyword), SourceRange(start, i)))
        } else {
            tokens.append(Token(.identifier(text), SourceRange(start, i)))
        }
    }

    // MARK: Operators

    private mutating func symbol(_ c: Unicode.Scalar, _ start: Int) throws(Diagnostic) {
        func two(_ second: Unicode.Scalar) -> Bool { peek(1) == second }
        switch c {
        case "+":
            if two("=") { i += 2; add(.plusAssign, start) } else { i += 1; add(.plus, start) }
        case "-", "\u{2212}":                                     // also U+2212 MINUS SIGN
            if two("=") { i += 2; add(.minusAssign, start) } else { i += 1; add(.minus, start) }
        case "*":
            if two("*") { throw error("use `^` for powers (`x^2`)", start, start + 2) }
            if two("=") { i += 2; add(.starAssign, start) } else { i += 1; add(.star, start) }
        case "/":
            if two("=") { i += 2; add(.slashAssign, start) } else { i += 1; add(.slash, start) }
        case "@": i += 1; add(.at, start)
        case "^": i += 1; add(.caret, start)
        case "=":
            if two("=") { i += 2; add(.equal, start) } else { i += 1; add(.assign, start) }
        case "!":
            guard two("=") else {
                throw error("there is no `!`; compare with `==` or `!=`", start, start + 1)
            }
            i += 2; add(.notEqual, start)
        case "<":
            if two("=") { i += 2; add(.lessEqual, start) } else { i += 1; add(.less, start) }
        case ">":
            if two("=") { i += 2; add(.greaterEqual, start) } else { i += 1; add(.greater, start) }
        case "≤": i += 1; add(.lessEqual, start)
        case "≥": i += 1; add(.greaterEqual, start)
        case "≠": i += 1; add(.notEqual, start)
        case "…": i += 1; add(.closedRange, start)
        case "(": i += 1; add(.leftParen, start); brackets.append(.leftParen)
        case "[": i += 1; add(.leftBracket, start); brackets.append(.leftBracket)
        case "{": i += 1; add(.leftBrace, start); brackets.append(.leftBrace)
        case ")", "]", "}":
            i += 1
            add(c == ")" ? .rightParen : c == "]" ? .rightBracket : .rightBrace, start)
            if !brackets.isEmpty { brackets.removeLast() }
        case ",": i += 1; add(.comma, start)
        case ":": i += 1; add(.colon, start)
        case "×", "·", "⋅": throw error("use `*` for elementwise products and `@` for matrix products", start, start + 1)
        case "÷": throw error("use `/` for division", start, start + 1)
        case "%": throw error("there is no `%` operator", start, start + 1)
        case "&", "|": throw error("there is no `\(c)` operator; nest `if`s or multiply 0/1 conditions", start, start + 1)
        case "²", "³", "¹", "⁰"..."⁹": throw error("superscripts are not powers here; write `x^2`", start, start + 1)
        case "`": throw error("unexpected backquote", start, start + 1)
        default:
            throw error("unexpected character `\(c)`", start, start + 1)
        }
    }

    // MARK: Helpers

    private mutating func add(_ symbol: Symbol, _ start: Int) {
        tokens.append(Token(.symbol(symbol), SourceRange(start, i)))
    }

    private func peek(_ ahead: Int) -> Unicode.Scalar? {
        i + ahead < s.count ? s[i + ahead] : nil
    }

    private func error(_ message: String, _ start: Int, _ end: Int) -> Diagnostic {
        Diagnostic(.syntax, message, source, SourceRange(start, end))
    }
}

// MARK: - Character classes

@inline(__always) func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }

@inline(__always) private func isSpace(_ c: Unicode.Scalar) -> Bool {
    c == " " || c == "\t" || c == "\n" || c == "\r"
}

/// Letters of any script and `_` start a name.
func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
    if c.isASCII { return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_" }
    switch c.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
    default: return false
    }
}

/// After the first character: also digits, subscript digits (`x₁`) and combining marks (`m̂`).
func isIdentifierContinue(_ c: Unicode.Scalar) -> Bool {
    if isIdentifierStart(c) || isDigit(c) { return true }
    if c.value >= 0x2080 && c.value <= 0x2089 { return true }      // ₀…₉
    switch c.properties.generalCategory {
    case .nonspacingMark, .spacingMark, .decimalNumber, .connectorPunctuation: return true
    default: return false
    }
}
