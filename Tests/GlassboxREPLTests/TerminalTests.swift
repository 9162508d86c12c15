import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The `glassbox` binary in a real terminal — tmux — typed at with `send-keys` and read back with
/// `capture-pane`, as Docs/TESTING.md does by hand. This is where libedit's redrawing shows:
/// the other REPL tests use the scripted reader, which has no screen. Skipped without tmux.
final class TerminalTests: XCTestCase {
    /// A tmux server of our own for each test, so nothing touches the user's sessions and no test
    /// meets the previous test's server while it shuts down (`kill-server` does not wait for that).
    let socket = "glassbox-test-\(getpid())-\(UUID().uuidString.prefix(8))"
    var directory = ""

    var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("glassbox")
    }

    let lesson = """
        ---
        title: Terminal
        lesson: 1
        sources:
          - none needed
        ---

        # 1. Terminal

        ## Three lines

        A paragraph long enough that a terminal sixty columns wide must wrap it, and it must do so between words.

        ```glassbox
        apple = 1
        banana = apple + 1
        cherry = banana * 2
        ```
        """

    override func setUpWithError() throws {
        guard tmuxPath() != nil else { throw XCTSkip("tmux is not installed") }
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw XCTSkip("no glassbox binary at \(binary.path)")
        }
        directory = NSTemporaryDirectory() + "glassbox-terminal-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try lesson.write(toFile: directory + "/01-terminal.md", atomically: true, encoding: .utf8)
    }

    override func tearDown() {
        _ = try? tmux(["kill-server"])
        if !directory.isEmpty { try? FileManager.default.removeItem(atPath: directory) }
    }

    // MARK: tmux

    func tmuxPath() -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = String(dir) + "/tmux"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// Runs a tmux command; with `output`, returns what it printed.
    ///
    /// Spawned with `posix_spawn` and reaped with `waitpid`, not with Foundation's `Process`: the
    /// server that `new-session` forks keeps the descriptors it inherited, and `Process` then
    /// waits for the server too — for good.
    @discardableResult
    func tmux(_ arguments: [String], output: Bool = false) throws -> String {
        struct SpawnFailed: Error {}
        let outputPath = directory + "/tmux-output"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output ? outputPath : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let path = tmuxPath() ?? "/usr/bin/tmux"
        let argv: [UnsafeMutablePointer<CChar>?] = ([path, "-L", socket] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, path, &actions, nil, argv, environ) == 0 else { throw SpawnFailed() }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        lastStatus = status
        guard output else { return "" }
        return (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    }

    func start(width: Int, arguments: String) throws {
        let env = "GLASSBOX_HISTORY=\(directory)/history GLASSBOX_PROGRESS=\(directory)/progress.json "
            + "GLASSBOX_LESSONS=\(directory) NO_COLOR=1"
        let command = "env \(env) timeout --foreground 120 \(binary.path) \(arguments); sleep 30"
        // A loaded machine can lose the first start; the session must exist before anything is typed.
        for _ in 0..<3 {
            try tmux(["new-session", "-d", "-s", "t", "-x", "\(width)", "-y", "30", command])
            if try tmuxSucceeds(["has-session", "-t", "t"]) { return }
            Thread.sleep(forTimeInterval: 0.5)
        }
        XCTFail("tmux could not start a session")
    }

    /// The wait status of the last tmux command.
    var lastStatus: Int32 = 0

    func tmuxSucceeds(_ arguments: [String]) throws -> Bool {
        try tmux(arguments)
        return lastStatus == 0
    }

    func keys(_ keys: String...) throws { try tmux(["send-keys", "-t", "t"] + keys) }

    /// The screen's lines, trailing spaces and trailing empty lines removed.
    func screen() throws -> [String] {
        var lines = try tmux(["capture-pane", "-p", "-t", "t"], output: true).split(separator: "\n", omittingEmptySubsequences: false)
            .map { String($0.reversed().drop(while: { $0 == " " }).reversed()) }
        while lines.last == "" { lines.removeLast() }
        return lines
    }

    /// Polls the screen until `condition` holds (the machine may be slow); fails after 20 s.
    func waitFor(_ what: String, file: StaticString = #filePath, line: UInt = #line,
                 _ condition: ([String]) -> Bool) throws -> [String] {
        let deadline = Date().addingTimeInterval(20)
        var lines = try screen()
        while !condition(lines) {
            if Date() > deadline {
                XCTFail("timed out waiting for \(what); the screen:\n" + lines.joined(separator: "\n"), file: file, line: line)
                return lines
            }
            Thread.sleep(forTimeInterval: 0.1)
            lines = try screen()
        }
        return lines
    }

    /// The lines from the last `In [n]:` prompt to the end of the screen.
    func input(_ lines: [String]) -> [String] {
        guard let start = lines.lastIndex(where: { $0.hasPrefix("In [") }) else { return [] }
        return Array(lines[start...])
    }

    // MARK: Tests

    /// A pre-filled cell of several lines is redrawn in place when edited: no copy of an old line
    /// stays on the screen (libedit's echo of a typed newline used to leave it one row off).
    func testAMultiLinePrefilledCellEditsInPlace() throws {
        try start(width: 60, arguments: "lesson 1")
        let offered = ["In [1]: apple = 1", "banana = apple + 1", "cherry = banana * 2"]
        _ = try waitFor("the offered cell") { input($0) == offered }

        try keys("Left", "BSpace")                           // "* 2" → "*2"
        let edited = ["In [1]: apple = 1", "banana = apple + 1", "cherry = banana *2"]
        _ = try waitFor("the edited last line") { input($0) == edited }

        try keys("C-a", "Right", "Right", "Right", "Right", "Right", "Right", "Right", "Right", "7")   // on the first line
        _ = try waitFor("the edited first line") {
            input($0) == ["In [1]: apple = 71", "banana = apple + 1", "cherry = banana *2"]
        }

        try keys("C-e", "Up")                                  // no history yet: nothing changes
        try keys("C-u")                                        // clears the whole cell
        var lines = try waitFor("an empty input line") { input($0) == ["In [1]:"] }
        XCTAssertEqual(lines.filter { $0.contains("cherry") }, [], "a line of the cleared cell stayed on the screen")

        try keys("C-y", "Enter")                               // the killed text back, and run it
        lines = try waitFor("the cell to run") { $0.contains { $0.hasPrefix("In [2]:") } }
        XCTAssertTrue(lines.contains("cherry = banana *2"), lines.joined(separator: "\n"))
        XCTAssertTrue(lines.contains { $0.hasPrefix("End of the lesson") }, lines.joined(separator: "\n"))
    }

    /// Lesson prose, notes and the greeting are wrapped between words at the terminal's width.
    func testLessonTextWrapsBetweenWords() throws {
        try start(width: 60, arguments: "lesson 1")
        let lines = try waitFor("the lesson") { input($0).count == 3 }
        for expected in [
            ["Glassbox \(glassboxVersion()) — tensors you can see through. :help for", "help, Ctrl-D to quit."],
            ["A paragraph long enough that a terminal sixty columns wide", "must wrap it, and it must do so between words."],
            ["The next cell is in your input line: Return runs it (edit it",
             "first if you like); Ctrl-U clears the line to type something", "else."],
        ] {
            XCTAssertTrue(lines.indices.contains { i in Array(lines[i...].prefix(expected.count)) == expected },
                          "missing \(expected) in\n" + lines.joined(separator: "\n"))
        }
    }

    func glassboxVersion() -> String {
        let process = Process()
        process.executableURL = binary
        process.arguments = ["--version"]
        let output = Pipe()
        process.standardOutput = output
        guard (try? process.run()) != nil else { return "?" }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            .split(separator: " ").last.map(String.init) ?? "?"
    }
}
