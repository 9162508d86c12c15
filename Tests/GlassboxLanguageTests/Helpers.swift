import XCTest
@testable import GlassboxLanguage
import GlassboxTensors

extension XCTestCase {
    /// Runs `text` in `session` and returns the plain-text form of the last value, or
    /// "error: message" if the cell failed.
    func show(_ text: String, in session: Session, file: StaticString = #filePath, line: UInt = #line) -> String {
        let result = session.run(text)
        if let e = result.error { return "error: " + e.message }
        guard let v = result.statements.last?.value else { return "" }
        return session.format(v)
    }

    /// The diagnostic a cell fails with (nil when it succeeds).
    func failure(_ text: String, in session: Session) -> Diagnostic? {
        session.run(text).error
    }
}
