import XCTest
@testable import GlassboxREPL

/// Tab completion decides what to offer from the text before the cursor alone.
final class CompletionTests: XCTestCase {
    let source = CompletionSource(
        variables: { ["x", "xs", "α", "W_ih"] },
        builtins: { ["zeros", "zip_like", "softmax", "sigmoid", "sum"] },
        keywords: ["for", "if", "in"],
        commands: { ["time", "help", "vars", "quit"] },
        attributes: ["shape", "T", "grad", "t"]
    )

    func testCompletesBuiltinsAndVariables() {
        XCTAssertEqual(source.complete("y = so"), Completion(word: "so", matches: ["softmax"]))
        XCTAssertEqual(source.complete("s"), Completion(word: "s", matches: ["sigmoid", "softmax", "sum"]))
        XCTAssertEqual(source.complete("x + x"), Completion(word: "x", matches: ["x", "xs"]))
        XCTAssertEqual(source.complete("f(W_"), Completion(word: "W_", matches: ["W_ih"]))
    }

    func testUnicodeNames() {
        XCTAssertEqual(source.complete("β = α"), Completion(word: "α", matches: ["α"]))
    }

    func testCommandsOnlyAtTheStart() {
        XCTAssertEqual(source.complete(":t"), Completion(word: ":t", matches: [":time"]))
        XCTAssertEqual(source.complete("  :"), Completion(word: ":", matches: [":help", ":quit", ":time", ":vars"]))
        // After the command name, names again: `:time so` → softmax.
        XCTAssertEqual(source.complete(":time so"), Completion(word: "so", matches: ["softmax"]))
    }

    func testAttributesAfterADot() {
        XCTAssertEqual(source.complete("x.sh"), Completion(word: "sh", matches: ["shape"]))
        XCTAssertEqual(source.complete("f(x)."), Completion(word: "", matches: ["T", "grad", "shape", "t"]))
        // `3.` starts a number: nothing to complete.
        XCTAssertEqual(source.complete("y = 3."), Completion(word: "", matches: []))
    }

    /// After a variable's name, the attributes of its kind (read from the value's attribute table).
    func testAttributesOfAVariableComeFromItsKind() {
        var source = self.source
        source.attributesOfVariable = { $0 == "opt" ? ["t", "lr"] : nil }
        XCTAssertEqual(source.complete("opt."), Completion(word: "", matches: ["lr", "t"]))
        XCTAssertEqual(source.complete("opt.l"), Completion(word: "l", matches: ["lr"]))
        XCTAssertEqual(source.complete("x.sh"), Completion(word: "sh", matches: ["shape"]), "not a variable: the fallback list")
    }

    func testHelpPrefix() {
        XCTAssertEqual(source.complete("?sig"), Completion(word: "sig", matches: ["sigmoid"]))
    }

    func testNothingAfterDigitsOrSpace() {
        XCTAssertEqual(source.complete("x = 12"), Completion(word: "12", matches: []))
        XCTAssertEqual(source.complete("x + "), Completion(word: "", matches: []))
    }

    func testCommonPrefix() {
        XCTAssertEqual(Completion(word: "s", matches: ["sigmoid", "sign"]).commonPrefix, "sig")
        XCTAssertEqual(Completion(word: "s", matches: ["softmax", "sum"]).commonPrefix, "s")
        XCTAssertEqual(Completion(word: "α", matches: ["αβ"]).commonPrefix, "αβ")
    }

    func testColumnsFitTheWidth() {
        let text = EditLineReader.columns(["alpha", "beta", "gamma", "delta"], width: 16)
        XCTAssertEqual(text, "alpha  beta\ngamma  delta\n")
    }
}
