import XCTest
@testable import GlassboxLanguage

/// Built-ins and user functions bind their arguments through one `Signature`, so the same
/// mistake reads the same whichever kind of function it was made with.
final class SignatureTests: XCTestCase {
    func testBuiltinsAndUserFunctionsBindWithTheSameMessages() {
        let s = Session()
        _ = s.run("total(x, axis=0, keepdim=0) = sum(x, axis=axis, keepdim=keepdim)")
        for name in ["sum", "total"] {
            XCTAssertEqual(failure("\(name)([1], axs=0)", in: s)?.message,
                           "`\(name)` has no keyword argument `axs`; did you mean `axis`?")
            XCTAssertEqual(failure("\(name)([1], 0, 1, 2)", in: s)?.message, "`\(name)` takes at most 3 arguments, got 4")
            XCTAssertEqual(failure("\(name)()", in: s)?.message, "`\(name)` is missing its argument `x`")
            XCTAssertEqual(failure("\(name)([1], axis=0, axis=0)", in: s)?.message, "keyword argument `axis` given twice")
            XCTAssertEqual(failure("\(name)(axis=0)", in: s)?.notes.first?.hasPrefix("signature: \(name)(x, axis="), true)
        }
        // All parameters required: the count is exact.
        _ = s.run("f(x) = x")
        XCTAssertEqual(failure("f(1, 2)", in: s)?.message, "`f` takes 1 argument, got 2")
        XCTAssertEqual(failure("exp(1, 2)", in: s)?.message, "`exp` takes 1 argument, got 2")
        // A default is evaluated at each call; a keyword may fill a parameter out of order.
        XCTAssertEqual(show("total([[1, 2], [3, 4]], axis=1)", in: s), "2-element\n[3, 7]")
        XCTAssertEqual(show("total([[1, 2], [3, 4]])", in: s), "2-element\n[4, 6]")
    }
}
