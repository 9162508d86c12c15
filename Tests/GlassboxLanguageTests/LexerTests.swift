import XCTest
@testable import GlassboxLanguage

final class LexerTests: XCTestCase {
    private func kinds(_ text: String) throws -> [Token.Kind] {
        try Lexer.tokenize(Source(text)).map(\.kind)
    }

    func testNumbers() throws {
        XCTAssertEqual(try kinds("12 1.5 .5 2e-3 1E+2 3."),
                       [.number(12), .number(1.5), .number(0.5), .number(0.002), .number(100), .number(3), .end])
    }

    func testRangesAreNotFractions() throws {
        XCTAssertEqual(try kinds("1...5"), [.number(1), .symbol(.closedRange), .number(5), .end])
        XCTAssertEqual(try kinds("0..<n"), [.number(0), .symbol(.halfOpenRange), .identifier("n"), .end])
    }

    func testUnicodeIdentifiers() throws {
        XCTAssertEqual(try kinds("α θ σ W_ih x₁ m̂"),
                       [.identifier("α"), .identifier("θ"), .identifier("σ"), .identifier("W_ih"),
                        .identifier("x₁"), .identifier("m\u{302}"), .end])
    }

    func testKeywordsAndStrings() throws {
        XCTAssertEqual(try kinds(#"for i in "a\"b\n""#),
                       [.keyword(.for), .identifier("i"), .keyword(.in), .string("a\"b\n"), .end])
    }

    func testCommentsAndTerminators() throws {
        XCTAssertEqual(try kinds("x = 1 # one\n\n y = 2; z"),
                       [.identifier("x"), .symbol(.assign), .number(1), .terminator(isSemicolon: false),
                        .identifier("y"), .symbol(.assign), .number(2), .terminator(isSemicolon: true),
                        .identifier("z"), .end])
    }

    func testNewlinesInsideBracketsAndAfterOperatorsContinue() throws {
        XCTAssertEqual(try kinds("f(1,\n2)\nx = 1 +\n2"),
                       [.identifier("f"), .symbol(.leftParen), .number(1), .symbol(.comma), .number(2),
                        .symbol(.rightParen), .terminator(isSemicolon: false), .identifier("x"), .symbol(.assign),
                        .number(1), .symbol(.plus), .number(2), .end])
        // Inside braces newlines separate statements, even within parentheses around the block.
        XCTAssertEqual(try kinds("({a\nb})"),
                       [.symbol(.leftParen), .symbol(.leftBrace), .identifier("a"), .terminator(isSemicolon: false),
                        .identifier("b"), .symbol(.rightBrace), .symbol(.rightParen), .end])
    }

    func testTransposeQuote() throws {
        XCTAssertEqual(try kinds("x' (a)''"),
                       [.identifier("x"), .symbol(.quote), .symbol(.leftParen), .identifier("a"),
                        .symbol(.rightParen), .symbol(.quote), .symbol(.quote), .end])
        XCTAssertThrowsError(try kinds("'abc'")) { error in
            XCTAssertTrue((error as? Diagnostic)?.message.contains("double quotes") == true)
        }
    }

    func testOperators() throws {
        XCTAssertEqual(try kinds("a<=b>=c==d!=e<f>g@h^i ≤ ≠"),
                       [.identifier("a"), .symbol(.lessEqual), .identifier("b"), .symbol(.greaterEqual),
                        .identifier("c"), .symbol(.equal), .identifier("d"), .symbol(.notEqual), .identifier("e"),
                        .symbol(.less), .identifier("f"), .symbol(.greater), .identifier("g"), .symbol(.at),
                        .identifier("h"), .symbol(.caret), .identifier("i"), .symbol(.lessEqual),
                        .symbol(.notEqual), .end])
    }

    func testHelpfulErrors() {
        for (text, fragment) in [("x ** 2", "`^`"), ("a × b", "`@`"), ("x²", "x^2"), ("1..2", "`a...b`"),
                                 ("a % b", "`%`"), ("$", "unexpected character")] {
            XCTAssertThrowsError(try kinds(text), text) { error in
                let message = (error as? Diagnostic)?.message ?? ""
                XCTAssertTrue(message.contains(fragment), "\(text): \(message)")
            }
        }
    }

    func testRangesOfTokens() throws {
        let tokens = try Lexer.tokenize(Source("αβ = 10"))
        XCTAssertEqual(tokens.map(\.range), [SourceRange(0, 2), SourceRange(3, 4), SourceRange(5, 7), SourceRange(7, 7)])
    }
}
