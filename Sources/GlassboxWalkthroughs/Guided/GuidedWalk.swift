import GlassboxLanguage
import GlassboxTensors

// MARK: - Guided walkthroughs (`:walk NAME`)

/// A short guided tour of one idea: pages of narrative, each followed by Glassbox code that runs
/// in a fresh session with small seeded inputs. The code uses `explain`, so what the tour shows
/// comes from the same engine as every other walkthrough.
public struct GuidedWalk: Sendable {
    /// What `:walk NAME` takes: `forward`, `backward`, `gd`, `adam`, `rnn`, `lstm`, `attention`, `mobilenet`.
    public let name: String
    /// One line for the `:walk` list.
    public let summary: String
    public let pages: [Page]

    public struct Page: Sendable {
        /// Narrative; paragraphs separated by blank lines.
        public let text: String
        /// Glassbox code, one cell (shown, then run); empty for a page of narrative only.
        public let code: String

        public init(_ text: String, code: String = "") {
            self.text = text
            self.code = code
        }
    }

    public init(name: String, summary: String, pages: [Page]) {
        self.name = name
        self.summary = summary
        self.pages = pages
    }
}

/// The guided walkthroughs, in the order `:walk` lists them.
public enum GuidedWalks {
    public static let all: [GuidedWalk] = [forward, backward, gradientDescent, adam, rnn, lstm, attention, mobilenet]

    /// The walk called `name` (or the only one starting with it).
    public static func named(_ name: String) -> GuidedWalk? {
        let key = name.lowercased()
        if let exact = all.first(where: { $0.name == key }) { return exact }
        let prefixed = all.filter { $0.name.hasPrefix(key) }
        return prefixed.count == 1 ? prefixed[0] : nil
    }

    /// What `:walk` prints.
    public static func list() -> String {
        let width = all.map(\.name.count).max() ?? 0
        var lines = ["Guided walkthroughs (:walk NAME):"]
        for w in all {
            lines.append("  " + w.name + String(repeating: " ", count: width - w.name.count + 2) + w.summary)
        }
        return lines.joined(separator: "\n")
    }
}

// MARK: - Running one

/// Runs a guided walk page by page in its own session and lays out what each page shows.
public struct WalkRunner {
    public var options: RenderOptions

    public init(options: RenderOptions = RenderOptions()) { self.options = options }

    /// One piece of output: a page (narrative, its code and what the code showed), or one step
    /// of an explanation inside it (step mode pauses between those too).
    public struct Block: Sendable {
        public enum Kind: Sendable { case page, step }
        public let kind: Kind
        public let text: String
    }

    /// Everything the walk shows, in order, and whether every cell ran without error.
    public func run(_ walk: GuidedWalk) -> (blocks: [Block], ok: Bool) {
        let session = Session()
        session.precision = options.precision
        var printed: [String] = []
        session.output = { printed.append($0) }
        var blocks: [Block] = []
        var ok = true
        let paint = Paint(enabled: options.colour)
        blocks.append(Block(kind: .page, text: text(paint.heading("── :walk \(walk.name) · \(walk.summary)"))))
        for (k, page) in walk.pages.enumerated() {
            var lines: [String] = []
            for paragraph in page.text.split(separator: "\n\n", omittingEmptySubsequences: true) {
                let joined = paragraph.split(separator: "\n").map { String($0).trimmingSpaces() }.joined(separator: " ")
                lines += wrap(text(joined), width: options.lineWidth)
                lines.append("")
            }
            // pieces[0] is the page; an explanation's later steps start pieces of their own.
            var pieces: [[String]] = []
            if !page.code.isEmpty {
                for (i, line) in page.code.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                    lines.append(text(paint.dim(i == 0 ? "» " : "  ") + line))
                }
            }
            while lines.last == "" { lines.removeLast() }
            pieces.append(lines)
            func append(_ s: String) { pieces[pieces.count - 1].append(s) }
            if !page.code.isEmpty {
                printed.removeAll()
                let cells = session.runScript(page.code, name: "walk \(walk.name), page \(k + 1)", stopAtFirstError: true) { cell in
                    for line in printed { append(text(line)) }
                    printed.removeAll()
                    if let error = cell.error {
                        append(text(error.formatted()))
                        return
                    }
                    guard let value = cell.lastValue else { return }
                    switch value {
                    case .explanation(let e):
                        let renderer = ExplainRenderer(options: options, pictures: true)
                        let w = Walkthrough(e, session: session)
                        append(renderer.header(w))
                        for (i, unit) in renderer.units(w).enumerated() {
                            if i == 0 { append(unit) } else { pieces.append([unit]) }
                        }
                        if let footer = renderer.footer(w) { append(footer) }
                    case .plot(let p):
                        append(Pictures.render(p, options: options))
                    default:
                        append(text(session.format(value)))
                    }
                }
                if cells.contains(where: { $0.error != nil }) { ok = false }
            }
            for (i, piece) in pieces.enumerated() {
                blocks.append(Block(kind: i == 0 ? .page : .step, text: piece.joined(separator: "\n")))
            }
        }
        return (blocks, ok)
    }

    func text(_ s: String) -> String { options.unicode ? s : ASCIIMath.transliterate(s) }
}
