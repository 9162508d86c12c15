import Foundation
import XCTest

/// Runs the `glassbox` executable as a shell would — arguments, stdin, stdout, stderr, exit
/// status — for the command-line tests. History and lesson progress are switched off (empty
/// paths) unless `environment` sets them.
enum GlassboxProcess {
    struct Outcome {
        var status: Int32
        var output: String
        var errors: String
    }

    struct MissingBinary: Error {}

    /// The binary built beside this test bundle (`swift test` builds every product first).
    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("glassbox")
    }

    static func run(_ arguments: [String], stdin: String = "", environment: [String: String] = [:]) throws -> Outcome {
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            XCTFail("no glassbox binary at \(binary.path); `swift test` builds it")
            throw MissingBinary()
        }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["GLASSBOX_HISTORY"] = ""
        env["GLASSBOX_PROGRESS"] = ""
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus,
                       output: String(decoding: out, as: UTF8.self), errors: String(decoding: err, as: UTF8.self))
    }
}
