import XCTest
import GlassboxLanguage

/// The one "did you mean" source, shared by the language, the REPL's commands and the lessons.
final class SuggestionsTests: XCTestCase {
    func d(_ a: String, _ b: String) -> Int { Suggestions.distance(Array(a), Array(b)) }

    func testDistanceCountsEditsAndNeighbourSwaps() {
        XCTAssertEqual(d("", "abc"), 3)
        XCTAssertEqual(d("abc", ""), 3)
        XCTAssertEqual(d("zeros", "zeros"), 0)
        XCTAssertEqual(d("zeroes", "zeros"), 1, "one deletion")
        XCTAssertEqual(d("hlep", "help"), 1, "a swap of neighbours costs 1")
        XCTAssertEqual(d("kitten", "sitting"), 3)
        XCTAssertEqual(d("ca", "abc"), 3, "optimal string alignment: no edit of a swapped pair")
        XCTAssertEqual(d("softmax", "log_softmax"), 4)
        // Symmetric, and a long text does not need a quadratic table.
        let long = String(repeating: "x = x + 1; ", count: 400)
        XCTAssertEqual(d(long, long + "y"), 1)
        XCTAssertEqual(d("attention", "atention"), d("atention", "attention"))
    }

    func testClosestNameAcceptsLikelyTyposOnly() {
        XCTAssertEqual(Suggestions.closest(to: "zeroes", among: ["zeros", "ones", "randn"]), "zeros")
        XCTAssertEqual(Suggestions.closest(to: "lesons", among: ["lessons", "lesson", "next"]), "lessons", "distance 1 beats 2")
        XCTAssertEqual(Suggestions.closest(to: "cat", among: ["bat", "act"]), "act", "a tie goes to the shorter name, then the first alphabetically")
        XCTAssertEqual(Suggestions.closest(to: "atention", among: ["attention", "adam", "lstm"]), "attention")
        XCTAssertNil(Suggestions.closest(to: "q", among: ["x", "y"]), "one-letter names must match but for case")
        XCTAssertEqual(Suggestions.closest(to: "X", among: ["x", "y"]), "x")
        XCTAssertNil(Suggestions.closest(to: "banana", among: ["zeros", "ones"]))
    }
}
