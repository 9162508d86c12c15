// MARK: - Reading the Markdown format

extension Notebook {
    /// Parses a lesson or notebook. Every rule the text breaks is reported with its line
    /// (`LessonError.Kind.format`); nothing is guessed.
    ///
    /// - Parameter name: the file's path or name, used in messages.
    public static func parse(_ text: String, name: String) throws(LessonError) -> Notebook {
        var parser = NotebookParser(text: text, name: name)
        return try parser.parse()
    }
}

/// A line-by-line reader of the format. Fenced blocks are recognised first (CommonMark rules: up
/// to three spaces of indent, three or more backticks or tildes, closed by at least as many of
/// the same), so a `##` inside a fence never starts a section.
struct NotebookParser {
    let name: String
    /// The file's lines, without line terminators (`\r\n` and `\n` both end a line).
    let lines: [Substring]
    var index = 0

    var frontMatter = FrontMatter()
    var introduction: [Block] = []
    var sections: [Section] = []
    /// The blocks of the part being read (the introduction, then each section).
    var blocks: [Block] = []
    var section: (title: String, line: Int)? = nil
    var prose: [Substring] = []
    var proseStart = 0
    var exerciseIDs: [String: Int] = [:]

    init(text: String, name: String) {
        self.name = name
        var body = Substring(text)
        if body.unicodeScalars.first == "\u{FEFF}" { body = Substring(body.unicodeScalars.dropFirst()) }
        // Swift reads "\r\n" as one Character, so both line ends are named.
        var lines = body.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        if lines.last == "" { lines.removeLast() }
        self.lines = lines
    }

    func error(_ line: Int?, _ message: String) -> LessonError {
        LessonError(.format, file: name, line: line, message)
    }

    // MARK: The whole file

    mutating func parse() throws(LessonError) -> Notebook {
        if let first = lines.first, first.trimmingWhitespace() == "---" {
            try readFrontMatter()
        }
        while index < lines.count {
            let line = lines[index]
            if let fence = Fence(opening: line) {
                try readFence(fence)
            } else if let title = Self.sectionTitle(line) {
                guard !title.isEmpty else { throw error(index + 1, "a `##` section heading needs a title") }
                try finishPart()
                section = (title, index + 1)
                index += 1
            } else {
                if prose.isEmpty { proseStart = index + 1 }
                prose.append(line)
                index += 1
            }
        }
        try finishPart()
        return Notebook(name: name, frontMatter: frontMatter, introduction: introduction, sections: sections)
    }

    /// Ends the introduction or the current section.
    mutating func finishPart() throws(LessonError) {
        flushProse()
        if let section {
            sections.append(Section(title: section.title, line: section.line, blocks: blocks))
        } else {
            introduction = blocks
        }
        blocks = []
    }

    /// Turns the pending prose lines into a block (without leading and trailing blank lines).
    mutating func flushProse() {
        defer { prose = [] }
        var lines = prose[...]
        var start = proseStart
        while let first = lines.first, first.allSatisfy(\.isWhitespace) {
            lines = lines.dropFirst()
            start += 1
        }
        while let last = lines.last, last.allSatisfy(\.isWhitespace) { lines = lines.dropLast() }
        guard !lines.isEmpty else { return }
        blocks.append(.prose(Prose(lines.joined(separator: "\n"), line: start)))
    }

    /// `## Title` (up to three spaces before it; an optional closing run of `#` is dropped), or
    /// nil when the line is not a second-level heading.
    static func sectionTitle(_ line: Substring) -> String? {
        let indent = line.prefix(while: { $0 == " " }).count
        guard indent <= 3 else { return nil }
        let rest = line.dropFirst(indent)
        guard rest.hasPrefix("##"), !rest.hasPrefix("###") else { return nil }
        let after = rest.dropFirst(2)
        guard after.isEmpty || after.first == " " || after.first == "\t" else { return nil }
        var title = after.trimmingWhitespace()
        // CommonMark: a closing sequence of #s preceded by a space is not part of the title.
        let withoutHashes = title.reversed().drop(while: { $0 == "#" })
        if withoutHashes.count < title.count, withoutHashes.first == " " || withoutHashes.isEmpty {
            title = String(withoutHashes.reversed()).trimmingWhitespace()
        }
        return title
    }

    // MARK: Front matter

    mutating func readFrontMatter() throws(LessonError) {
        guard let end = lines.indices.dropFirst().first(where: {
            let t = lines[$0].trimmingWhitespace()
            return t == "---" || t == "..."
        }) else {
            throw error(1, "the front matter opened by `---` on line 1 is never closed by another `---` line")
        }
        var seen: Set<String> = []
        var listKey: (key: String, line: Int)? = nil
        var listItems: [String] = []

        func finishList(_ parser: inout NotebookParser) throws(LessonError) {
            guard let (key, line) = listKey else { return }
            try parser.setFrontMatter(key, items: listItems, line: line)
            listKey = nil
            listItems = []
        }

        for i in 1..<end {
            let line = lines[i]
            let trimmed = line.trimmingWhitespace()
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            if trimmed.hasPrefix("- ") || trimmed == "-" {
                guard listKey != nil else {
                    throw error(i + 1, "list item `\(trimmed)` does not belong to a key (write `key:` on the line above)")
                }
                listItems.append(Self.unquoted(trimmed.dropFirst().trimmingWhitespace()))
                continue
            }
            try finishList(&self)
            guard let colon = line.firstIndex(of: ":"), line.first?.isWhitespace == false else {
                throw error(i + 1, "expected `key: value` in the front matter, found `\(trimmed)`")
            }
            let key = line[..<colon].trimmingWhitespace()
            let value = line[line.index(after: colon)...].trimmingWhitespace()
            guard Self.isKey(key) else { throw error(i + 1, "`\(key)` is not a front-matter key (letters, digits, `_`, `-`)") }
            guard seen.insert(key).inserted else { throw error(i + 1, "`\(key)` appears twice in the front matter") }
            if value.isEmpty {
                listKey = (key, i + 1)
            } else {
                try setFrontMatter(key, value: Self.unquoted(value), line: i + 1)
            }
        }
        try finishList(&self)
        index = end + 1
    }

    mutating func setFrontMatter(_ key: String, value: String, line: Int) throws(LessonError) {
        switch key {
        case "title": frontMatter.title = value
        case "summary": frontMatter.summary = value
        case "sources": frontMatter.sources = [value]
        case "lesson":
            guard let n = Int(value), n >= 0 else {
                throw error(line, "`lesson` must be a whole number, not `\(value)`")
            }
            frontMatter.lesson = n
        default: frontMatter.fields.append(.init(key: key, value: value))
        }
    }

    mutating func setFrontMatter(_ key: String, items: [String], line: Int) throws(LessonError) {
        if key == "sources" {
            frontMatter.sources = items
        } else if items.count == 1 || items.isEmpty {
            try setFrontMatter(key, value: items.first ?? "", line: line)
        } else {
            guard !["title", "summary", "lesson"].contains(key) else {
                throw error(line, "`\(key)` takes one value, not a list")
            }
            frontMatter.fields.append(.init(key: key, value: items.joined(separator: "; ")))
        }
    }

    static func isKey(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, first.properties.isAlphabetic || first == "_" else { return false }
        return key.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" }
    }

    /// `"text"` or `'text'` without its quotes (YAML's quoting, enough for titles with a colon).
    static func unquoted(_ value: String) -> String {
        guard value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first else {
            return value
        }
        let inner = value.dropFirst().dropLast()
        return first == "\"" ? inner.replacingEscapedQuotes() : String(inner)
    }

    // MARK: Fenced blocks

    mutating func readFence(_ fence: Fence) throws(LessonError) {
        let openLine = index + 1
        guard let close = lines.indices.dropFirst(index + 1).first(where: { fence.isClosed(by: lines[$0]) }) else {
            if fence.isGlassbox || ["output", "exercise"].contains(fence.language) {
                throw error(openLine, "the ```\(fence.info) block opened here is never closed")
            }
            // An unclosed fence of another language runs to the end of the file (CommonMark).
            if prose.isEmpty { proseStart = openLine }
            prose.append(contentsOf: lines[index...])
            index = lines.count
            return
        }
        let content = lines[(index + 1)..<close].map { fence.removingIndent($0) }
        defer { index = close + 1 }
        switch fence.language {
        case "glassbox":
            flushProse()
            let kind: Cell.Kind
            switch fence.options {
            case []: kind = .code
            case ["setup"]: kind = .setup
            default:
                throw error(openLine, "unknown option `\(fence.options.joined(separator: " "))` for a glassbox cell; the only option is `setup`")
            }
            let source = Self.trimmedLines(content)
            guard !source.isEmpty else { throw error(openLine, "this ```glassbox cell is empty") }
            blocks.append(.cell(Cell(kind: kind, source: source, line: openLine + 1)))
        case "output":
            try attachOutput(content, line: openLine)
        case "exercise":
            flushProse()
            let exercise = try ExerciseParser.parse(content, firstLine: openLine + 1, fenceLine: openLine, file: name)
            if let earlier = exerciseIDs[exercise.id] {
                throw error(openLine, "exercise id `\(exercise.id)` is already used by the exercise on line \(earlier)")
            }
            exerciseIDs[exercise.id] = openLine
            blocks.append(.exercise(exercise))
        default:
            if prose.isEmpty { proseStart = openLine }
            prose.append(contentsOf: lines[index...close])
        }
    }

    /// An output block belongs to the code cell right above it (only blank lines between).
    mutating func attachOutput(_ content: [Substring], line: Int) throws(LessonError) {
        guard prose.allSatisfy({ $0.allSatisfy(\.isWhitespace) }) else {
            throw error(line, "an ```output block must come right after the ```glassbox cell it belongs to (there is text between them)")
        }
        prose = []
        guard case .cell(var cell)? = blocks.last else {
            throw error(line, "an ```output block must come right after a ```glassbox cell")
        }
        guard cell.kind == .code else {
            throw error(line, "a ```glassbox setup cell is hidden, so it cannot have an ```output block")
        }
        guard cell.output == nil else {
            throw error(line, "the cell on line \(cell.line) already has an ```output block")
        }
        var text = content.joined(separator: "\n")
        while text.hasSuffix("\n") { text.removeLast() }
        cell.output = RecordedOutput(text, line: line + 1)
        blocks[blocks.count - 1] = .cell(cell)
    }

    /// The lines joined, without leading and trailing blank lines.
    static func trimmedLines(_ lines: [Substring]) -> String {
        var slice = lines[...]
        while let first = slice.first, first.allSatisfy(\.isWhitespace) { slice = slice.dropFirst() }
        while let last = slice.last, last.allSatisfy(\.isWhitespace) { slice = slice.dropLast() }
        return slice.joined(separator: "\n")
    }
}

// MARK: - Fences

/// An opening code fence: ```` ```glassbox setup ```` or `~~~ text`.
struct Fence {
    let character: Character
    let length: Int
    let indent: Int
    /// The whole info string (`glassbox setup`).
    let info: String
    /// Its first word, lowercased (`glassbox`).
    let language: String
    /// The words after the first (`["setup"]`).
    let options: [String]

    init?(opening line: Substring) {
        indent = line.prefix(while: { $0 == " " }).count
        guard indent <= 3 else { return nil }
        let rest = line.dropFirst(indent)
        guard let c = rest.first, c == "`" || c == "~" else { return nil }
        length = rest.prefix(while: { $0 == c }).count
        guard length >= 3 else { return nil }
        character = c
        info = rest.dropFirst(length).trimmingWhitespace()
        // CommonMark: a backtick fence's info string may not contain a backtick (that is inline code).
        if c == "`", info.contains("`") { return nil }
        let words = info.split(whereSeparator: \.isWhitespace).map(String.init)
        language = words.first?.lowercased() ?? ""
        options = Array(words.dropFirst())
    }

    var isGlassbox: Bool { language == "glassbox" }

    func isClosed(by line: Substring) -> Bool {
        let spaces = line.prefix(while: { $0 == " " }).count
        guard spaces <= 3 else { return false }
        let rest = line.dropFirst(spaces)
        let run = rest.prefix(while: { $0 == character }).count
        return run >= length && rest.dropFirst(run).allSatisfy(\.isWhitespace)
    }

    /// A content line without the fence's own indent (CommonMark).
    func removingIndent(_ line: Substring) -> Substring {
        var line = line
        var n = indent
        while n > 0, line.first == " " {
            line = line.dropFirst()
            n -= 1
        }
        return line
    }
}

extension Substring {
    /// `\"` as `"` and `\\` as `\` (the escapes a double-quoted front-matter value needs).
    func replacingEscapedQuotes() -> String {
        var out = ""
        var escaped = false
        for c in self {
            if escaped { out.append(c); escaped = false } else if c == "\\" { escaped = true } else { out.append(c) }
        }
        if escaped { out.append("\\") }
        return out
    }
}
