import Foundation
import XCTest
import GlassboxLanguage
import GlassboxLessons
@testable import GlassboxKernel

/// The pure parts of the shell requests: history's glob, the name `inspect` looks up, the
/// error names, the connection file and the kernelspec.
final class RequestTests: XCTestCase {
    func testHistoryGlob() {
        func glob(_ p: String, _ s: String) -> Bool { JupyterKernel.glob(Array(p), matches: Array(s)) }
        XCTAssertTrue(glob("1 +*", "1 + 2"))
        XCTAssertTrue(glob("*", ""))
        XCTAssertTrue(glob("a?c", "abc"))
        XCTAssertFalse(glob("a?c", "ac"))
        XCTAssertTrue(glob("*soft*max*", "y = softmax(x)"))
        XCTAssertFalse(glob("1 +*", "x = 1 + 2"), "the pattern covers the whole input")
    }

    func testInspectFindsTheNameAtTheCursorOrTheOpenCall() {
        func name(_ code: String, _ cursor: Int) -> String? { JupyterKernel.name(in: Array(code.unicodeScalars), at: cursor) }
        XCTAssertEqual(name("softmax", 3), "softmax")
        XCTAssertEqual(name("y = softmax(", 12), "softmax")
        XCTAssertEqual(name("sum(exp(x), axis=0", 18), "sum")
        XCTAssertEqual(name("α = 0.1", 1), "α")
        XCTAssertNil(name("1 + ", 4))
    }

    func testErrorNames() {
        XCTAssertEqual(JupyterKernel.errorName(.shape), "ShapeError")
        XCTAssertEqual(JupyterKernel.errorName(.unknownName), "UnknownNameError")
        XCTAssertEqual(JupyterKernel.errorName(.interrupted), "KeyboardInterrupt")
    }

    func testConnectionFile() throws {
        let path = NSTemporaryDirectory() + "glassbox-connection-\(getpid()).json"
        defer { unlink(path) }
        try TextFile.writeAtomically("""
            {"shell_port": 5001, "iopub_port": 5002, "stdin_port": 5003, "control_port": 5004, "hb_port": 5005,
             "ip": "127.0.0.1", "key": "k", "transport": "tcp", "signature_scheme": "hmac-sha256", "kernel_name": "glassbox"}
            """, to: path)
        let c = try ConnectionFile(path: path)
        XCTAssertEqual(c.endpoint(c.shellPort), "tcp://127.0.0.1:5001")
        XCTAssertEqual(c.hbPort, 5005)
        try TextFile.writeAtomically("{\"shell_port\": 1}", to: path)
        XCTAssertThrowsError(try ConnectionFile(path: path)) { error in
            XCTAssertTrue("\(error)".contains("iopub_port"), "\(error)")
        }
        XCTAssertThrowsError(try ConnectionFile(path: path + ".missing"))
    }

    func testKernelSpec() throws {
        let spec = try JSONValue.parse(KernelSpec.json(executable: "/opt/glassbox"))
        XCTAssertEqual(spec["argv"], .array(["/opt/glassbox", "kernel", "-f", "{connection_file}"].map(JSONValue.string)))
        XCTAssertEqual(spec["display_name"]?.stringValue, "Glassbox")
        XCTAssertEqual(spec["language"]?.stringValue, "glassbox")
        XCTAssertEqual(spec["interrupt_mode"]?.stringValue, "message")
        let env = ["HOME": "/home/a"]
        XCTAssertEqual(KernelSpec.kernelsDirectory(user: true, prefix: nil, environment: { env[$0] }), "/home/a/.local/share/jupyter/kernels")
        XCTAssertEqual(KernelSpec.kernelsDirectory(user: false, prefix: "/venv", environment: { env[$0] }), "/venv/share/jupyter/kernels")
        let info = JupyterKernel.languageInfo
        XCTAssertEqual(info["file_extension"]?.stringValue, ".gbx")
        XCTAssertEqual(info["name"]?.stringValue, "glassbox")
    }
}
