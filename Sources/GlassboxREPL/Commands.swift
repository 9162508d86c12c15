import GlassboxLanguage

// MARK: - `:command` table

/// One REPL command: `:name ARGUMENTS`. Commands are entries in a table rather than cases of a
/// switch, so later features (`:step`, `:walk`, `:lesson`, `:save`, `:export`) add themselves
/// with `CommandTable.register` without touching the dispatcher.
public struct REPLCommand {
    /// The name after the colon: `time` for `:time`.
    public var name: String
    /// Other names that run it: `q` and `exit` for `:quit`.
    public var aliases: [String]
    /// How the arguments are written in help: `EXPR`, `[N]`, or empty.
    public var arguments: String
    /// One line for `:help`.
    public var help: String
    /// Runs the command with the text after its name (trimmed; empty when there is none).
    public var run: (REPL, String) -> Void

    public init(
        name: String, aliases: [String] = [], arguments: String = "", help: String,
        run: @escaping (REPL, String) -> Void
    ) {
        self.name = name
        self.aliases = aliases
        self.arguments = arguments
        self.help = help
        self.run = run
    }

    /// `:time EXPR`, as the command is written in help.
    public var usage: String { arguments.isEmpty ? ":" + name : ":" + name + " " + arguments }
}

/// The commands a REPL knows, in the order `:help` lists them.
public struct CommandTable {
    public private(set) var commands: [REPLCommand] = []

    public init(_ commands: [REPLCommand] = []) {
        for command in commands { register(command) }
    }

    /// Adds a command, replacing one of the same name.
    public mutating func register(_ command: REPLCommand) {
        if let index = commands.firstIndex(where: { $0.name == command.name }) {
            commands[index] = command
        } else {
            commands.append(command)
        }
    }

    /// Every name and alias, for Tab completion.
    public var names: [String] { commands.flatMap { [$0.name] + $0.aliases } }

    /// What `:word` means.
    public enum Lookup {
        case found(REPLCommand)
        case ambiguous([String])
        case unknown(suggestion: String?)
    }

    /// Finds a command by exact name or alias, else by a prefix only one command has
    /// (`:prec 3` is `:precision 3`).
    public func lookup(_ word: String) -> Lookup {
        if let exact = commands.first(where: { $0.name == word || $0.aliases.contains(word) }) {
            return .found(exact)
        }
        let byPrefix = commands.filter { $0.name.hasPrefix(word) }
        if byPrefix.count == 1 { return .found(byPrefix[0]) }
        if byPrefix.count > 1 { return .ambiguous(byPrefix.map(\.name)) }
        return .unknown(suggestion: Suggestions.closest(to: word, among: commands.map(\.name)))
    }
}

/// Splits `:name rest of line` into the name and its argument text.
///
/// A command typed twice — `:next:next` or `:next :next` — is the command once: a lesson
/// leaves `:next` in the input line, and a learner who types `:next` as well doubles it.
func splitCommand(_ line: String) -> (name: String, argument: String) {
    let body = line.drop(while: { $0 == " " || $0 == "\t" }).dropFirst()   // the ':'
    var name = String(body.prefix(while: { !$0.isWhitespace }))
    var argument = body.dropFirst(name.count).trimmingWhitespace()
    let parts = name.split(separator: ":", omittingEmptySubsequences: false)
    if parts.count > 1, !parts[0].isEmpty, parts.allSatisfy({ $0 == parts[0] }) { name = String(parts[0]) }
    if !name.isEmpty {
        let words = argument.split(whereSeparator: \.isWhitespace)
        if !words.isEmpty, words.allSatisfy({ $0 == ":" + name }) { argument = "" }
    }
    return (name, argument)
}

// MARK: - Small helpers

extension StringProtocol {
    func trimmingWhitespace() -> String {
        let start = drop(while: \.isWhitespace)
        return String(start.reversed().drop(while: \.isWhitespace).reversed())
    }
}
