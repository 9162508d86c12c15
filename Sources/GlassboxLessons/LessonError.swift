// MARK: - Errors

/// A notebook or lesson file that cannot be read, written or understood. The message names the
/// problem and the line, as a compiler would: `03-activations.md:42: error: unclosed ``` fence`.
public struct LessonError: Error, Equatable, CustomStringConvertible, Sendable {
    public enum Kind: String, Sendable {
        /// The Markdown breaks a rule of the format (Docs/LESSONS.md).
        case format
        /// A file could not be read or written (the message carries the system's reason).
        case file
        /// No lesson with that number, or no lessons directory.
        case notFound
    }

    public let kind: Kind
    /// The file (or notebook name) the problem is in.
    public let file: String
    /// 1-based line, when the problem has one.
    public let line: Int?
    public let message: String

    public init(_ kind: Kind, file: String, line: Int? = nil, _ message: String) {
        self.kind = kind
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        let location = line.map { "\(file):\($0)" } ?? file
        return "\(location): error: \(message)"
    }
}
