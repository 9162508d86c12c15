#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - The lessons directory

/// The lessons in a directory (`Lessons/`): every `.md` file except `README.md`, ordered by
/// the `lesson:` number in its front matter.
public struct LessonLibrary: Sendable {
    /// One lesson file, parsed or not.
    public struct Entry: Sendable {
        /// The file's path.
        public let path: String
        /// The file name without `.md`: the key its progress is kept under.
        public let key: String
        /// The parsed lesson, or why it could not be read.
        public let lesson: Result<Notebook, LessonError>

        /// The lesson number (nil when the file could not be read or has none).
        public var number: Int? { try? lesson.get().frontMatter.lesson }
        public var title: String { (try? lesson.get().title) ?? key }
    }

    public let directory: String
    /// Sorted by lesson number, then by file name; unreadable files last.
    public let entries: [Entry]

    /// Reads every lesson file in `directory`.
    public init(directory: String) throws(LessonError) {
        self.directory = directory
        var entries: [Entry] = []
        for name in try Self.markdownFiles(in: directory) {
            let path = directory + (directory.hasSuffix("/") ? "" : "/") + name
            let key = String(name.dropLast(3))
            let lesson: Result<Notebook, LessonError>
            do {
                let text = try TextFile.read(path)
                lesson = .success(try Notebook.parse(text, name: path))
            } catch {
                lesson = .failure(error)
            }
            entries.append(Entry(path: path, key: key, lesson: lesson))
        }
        self.entries = entries.sorted { a, b in
            switch (a.number, b.number) {
            case (let x?, let y?): return x != y ? x < y : a.key < b.key
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return a.key < b.key
            }
        }
    }

    /// The lesson numbered `number`.
    public func entry(number: Int) -> Entry? { entries.first { $0.number == number } }

    /// The `.md` files of a directory, by name (`README.md` excluded).
    static func markdownFiles(in directory: String) throws(LessonError) -> [String] {
        guard let dir = opendir(directory) else {
            throw LessonError(.notFound, file: directory, "cannot open the lessons directory: \(String(cString: strerror(errno)))")
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard name.hasSuffix(".md"), !name.hasPrefix("."), name.lowercased() != "readme.md" else { continue }
            names.append(name)
        }
        return names.sorted()
    }

    // MARK: Finding the directory

    /// Where the lessons are: `$GLASSBOX_LESSONS`; else a `Lessons` directory beside the
    /// executable or in one of its parents (the repository's, for a build in `.build/…`), or in
    /// `share/glassbox/` next to an installed `bin/`; else `./Lessons`. Nil when none exists.
    public static func standardDirectory() -> String? {
        if let override = getenv("GLASSBOX_LESSONS") {
            let path = String(cString: override)
            return path.isEmpty ? nil : path
        }
        var candidates: [String] = []
        if let executable = executablePath() {
            var dir = TextFile.split(executable).directory
            for _ in 0..<6 {
                candidates.append(dir + "/Lessons")
                candidates.append(dir + "/share/glassbox/Lessons")
                let parent = TextFile.split(dir).directory
                if parent == dir { break }
                dir = parent
            }
        }
        candidates.append("Lessons")
        return candidates.first { TextFile.isDirectory($0) }
    }

    /// The running executable's path (Linux: `/proc/self/exe`).
    static func executablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
