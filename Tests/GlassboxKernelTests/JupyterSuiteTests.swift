import Foundation
import GlassboxLanguage
import GlassboxLessons
import XCTest

/// Certifies the kernel with Jupyter's own tools, run by `Scripts/kernel_suite.py` against the
/// built binary: jupyter_kernel_test's protocol suite with this kernel's interrupt, robustness
/// and rich-output checks, and every lesson, exported to `.ipynb`, executed by nbclient on the
/// glassbox kernel and compared with the lesson's recorded outputs by the matcher `glassbox run
/// --check` uses. Needs python3 with jupyter_client, jupyter_kernel_test and nbclient (`.ci/run`
/// installs them); without them the tests are skipped.
final class JupyterSuiteTests: XCTestCase {
    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let script = here.appendingPathComponent("Scripts/kernel_suite.py").path
    static let lessons = here.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Lessons").path

    /// The binary built beside this test bundle (`swift test` builds every product first).
    static var binary: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("glassbox").path
    }

    func testJupyterKernelTestSuite() throws {
        try requirePython()
        let (status, output) = try python([Self.script, "suite", Self.binary])
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains("test_history") && output.contains("test_interrupt_signal_mode"), output)
        XCTAssertFalse(output.contains("FAIL") || output.contains("ERROR:"), output)
    }

    func testEveryLessonRunsInJupyterAsRunCheckRunsIt() throws {
        try requirePython()
        let fm = FileManager.default
        let files = try fm.contentsOfDirectory(atPath: Self.lessons).filter { $0.hasSuffix(".md") && $0.first?.isNumber == true }.sorted()
        XCTAssertGreaterThanOrEqual(files.count, 12)
        let work = fm.temporaryDirectory.appendingPathComponent("glassbox-lessons-\(getpid())")
        let exported = work.appendingPathComponent("in"), executed = work.appendingPathComponent("out")
        try fm.createDirectory(at: exported, withIntermediateDirectories: true)
        try fm.createDirectory(at: executed, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: work) }

        var notebooks: [(String, Notebook)] = []
        for file in files {
            let notebook = try Notebook.parse(try TextFile.read(Self.lessons + "/" + file), name: file)
            let name = String(file.dropLast(3)) + ".ipynb"
            try TextFile.writeAtomically(notebook.jupyter().text(), to: exported.appendingPathComponent(name).path)
            notebooks.append((name, notebook))
        }
        let (status, output) = try python([Self.script, "notebooks", Self.binary, Self.lessons, executed.path]
                                          + notebooks.map { exported.appendingPathComponent($0.0).path })
        XCTAssertEqual(status, 0, output)

        var compared = 0
        for (name, notebook) in notebooks {
            let json = try JSONValue.parse(try TextFile.read(executed.appendingPathComponent(name).path))
            let codeCells = (json["cells"]?.arrayValue ?? []).filter { $0["cell_type"]?.stringValue == "code" }
            XCTAssertEqual(codeCells.count, notebook.cells.count, name)
            for (cell, ran) in zip(notebook.cells, codeCells) {
                let outputs = ran["outputs"]?.arrayValue ?? []
                let errors = outputs.filter { $0["output_type"]?.stringValue == "error" }
                XCTAssertTrue(errors.isEmpty, "\(name), cell on line \(cell.line): \(errors)")
                guard let recorded = cell.output else { continue }
                let actual = Self.text(of: outputs)
                XCTAssertTrue(OutputMatch.matches(recorded: recorded.text, actual: actual),
                              "\(name), cell on line \(cell.line): recorded\n\(recorded.text)\nbut the kernel showed\n\(actual)")
                compared += 1
            }
        }
        XCTAssertGreaterThan(compared, 20, "recorded outputs compared")
    }

    /// What a code cell showed, as `glassbox run` prints it: streams as written, each value's
    /// `text/plain` on its own lines.
    static func text(of outputs: [JSONValue]) -> String {
        func joined(_ v: JSONValue?) -> String {
            if let s = v?.stringValue { return s }
            return (v?.arrayValue ?? []).compactMap(\.stringValue).joined()
        }
        var text = ""
        for output in outputs {
            switch output["output_type"]?.stringValue {
            case "stream": text += joined(output["text"])
            case "execute_result", "display_data": text += joined(output["data"]?["text/plain"]) + "\n"
            default: break
            }
        }
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    // MARK: Python

    func requirePython() throws {
        let (status, output) = try python(["-c", "import jupyter_client, jupyter_kernel_test, nbclient, nbformat"])
        if status != 0 {
            throw XCTSkip("python3 with jupyter_client, jupyter_kernel_test and nbclient is needed (.ci/run installs them): \(output)")
        }
    }

    /// Runs python3 with `arguments`; standard output and error go to one file, not a pipe, so
    /// that a kernel the script started cannot hold the test up by keeping a pipe open.
    func python(_ arguments: [String]) throws -> (Int32, String) {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("glassbox-kernel-suite-\(getpid())-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let handle = try FileHandle(forWritingTo: log)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try handle.close()
        return (process.terminationStatus, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }
}
