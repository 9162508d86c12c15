// MARK: - Notebooks and lessons

/// A lesson or a saved notebook: a Markdown file with fenced `glassbox` cells.
///
/// The format (Docs/LESSONS.md) reads as ordinary Markdown on a code host: front matter between
/// `---` lines, an introduction, `##` sections, and fenced blocks — ```` ```glassbox ```` code
/// cells, ```` ```glassbox setup ```` hidden setup cells, ```` ```output ```` recorded outputs and
/// ```` ```exercise ```` blocks. Everything else is prose and is shown as written.
///
/// A lesson is a notebook with a `lesson:` number; `:save` writes a notebook with none. Both run
/// with `glassbox run`, and `glassbox run --check` also compares recorded outputs and checks
/// every exercise's solution (`NotebookRunner`).
public struct Notebook: Sendable {
    /// Where the notebook came from (a path, or a name such as `<session>`), for messages.
    public var name: String
    public var frontMatter: FrontMatter
    /// What comes before the first `##` heading (usually the `# Title` line and a paragraph).
    public var introduction: [Block]
    public var sections: [Section]

    public init(name: String, frontMatter: FrontMatter = FrontMatter(), introduction: [Block] = [], sections: [Section] = []) {
        self.name = name
        self.frontMatter = frontMatter
        self.introduction = introduction
        self.sections = sections
    }

    /// The title from the front matter, else the first `# ` heading, else the file's name.
    public var title: String {
        if let title = frontMatter.title, !title.isEmpty { return title }
        for case .prose(let prose) in introduction {
            for line in prose.text.split(separator: "\n") where line.hasPrefix("# ") {
                return String(line.dropFirst(2)).trimmingWhitespace()
            }
        }
        return name
    }

    /// The introduction followed by every section's blocks, in file order.
    public var allBlocks: [Block] { introduction + sections.flatMap(\.blocks) }

    /// Every code and setup cell, in file order.
    public var cells: [Cell] {
        allBlocks.compactMap { if case .cell(let cell) = $0 { return cell } else { return nil } }
    }

    /// Every exercise, in file order.
    public var exercises: [Exercise] {
        allBlocks.compactMap { if case .exercise(let e) = $0 { return e } else { return nil } }
    }
}

// MARK: - Front matter

/// The `key: value` lines between the opening `---` lines.
public struct FrontMatter: Sendable, Equatable {
    public var title: String?
    /// The lesson's number; nil for a notebook that is not a lesson.
    public var lesson: Int?
    public var summary: String?
    /// Citations for the formulas the lesson uses.
    public var sources: [String]
    /// Any other keys, in file order (kept when a notebook is written back).
    public var fields: [Field]

    public struct Field: Sendable, Equatable {
        public var key: String
        public var value: String
        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    public init(title: String? = nil, lesson: Int? = nil, summary: String? = nil, sources: [String] = [], fields: [Field] = []) {
        self.title = title
        self.lesson = lesson
        self.summary = summary
        self.sources = sources
        self.fields = fields
    }

    public var isEmpty: Bool { title == nil && lesson == nil && summary == nil && sources.isEmpty && fields.isEmpty }
}

// MARK: - Sections and blocks

/// A `## Heading` and everything up to the next one. `:next` and `:back` move between sections.
public struct Section: Sendable {
    public var title: String
    /// The line of the heading (1-based).
    public var line: Int
    public var blocks: [Block]

    public init(title: String, line: Int, blocks: [Block] = []) {
        self.title = title
        self.line = line
        self.blocks = blocks
    }

    /// The code cells (not setup cells) of the section, in order.
    public var codeCells: [Cell] {
        blocks.compactMap { if case .cell(let c) = $0, c.kind == .code { return c } else { return nil } }
    }
}

/// One piece of a notebook.
public enum Block: Sendable {
    /// Markdown shown as written (paragraphs, lists, other fenced blocks).
    case prose(Prose)
    /// A `glassbox` or `glassbox setup` cell, with its recorded output if one follows it.
    case cell(Cell)
    /// An `exercise` block.
    case exercise(Exercise)
}

/// Markdown text, with the line it starts on.
public struct Prose: Sendable, Equatable {
    public var text: String
    public var line: Int

    public init(_ text: String, line: Int = 0) {
        self.text = text
        self.line = line
    }
}

/// A fenced cell of Glassbox code.
public struct Cell: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// ```` ```glassbox ````: shown to the learner, offered in the input line, run on Return.
        case code
        /// ```` ```glassbox setup ````: runs, unseen, when the lesson reaches it.
        case setup
    }

    public var kind: Kind
    /// The code, without the fence lines.
    public var source: String
    /// The line of the first line of code (the one after the opening fence), 1-based.
    public var line: Int
    /// The ```` ```output ```` block that follows the cell, if any.
    public var output: RecordedOutput?

    public init(kind: Kind = .code, source: String, line: Int = 0, output: RecordedOutput? = nil) {
        self.kind = kind
        self.source = source
        self.line = line
        self.output = output
    }
}

/// What a code cell printed when the notebook was written, as `glassbox run` prints it.
public struct RecordedOutput: Sendable, Equatable {
    public var text: String
    /// The line of the first line of output, 1-based.
    public var line: Int

    public init(_ text: String, line: Int = 0) {
        self.text = text
        self.line = line
    }
}

// MARK: - Small string helpers

extension StringProtocol {
    /// The text without leading and trailing whitespace (spaces, tabs, newlines).
    func trimmingWhitespace() -> String {
        let start = drop(while: \.isWhitespace)
        return String(start.reversed().drop(while: \.isWhitespace).reversed())
    }
}
