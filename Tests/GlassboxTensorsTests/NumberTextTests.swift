import XCTest
@testable import GlassboxTensors

/// The one number formatter and the one shape spelling.
final class NumberTextTests: XCTestCase {
    func testFixedScientificAndBytes() {
        XCTAssertEqual(NumberText.fixed(1.5, 2), "1.50")
        XCTAssertEqual(NumberText.fixed(-0.125, 2), "-0.12")
        XCTAssertEqual(NumberText.fixed(2, 0), "2")
        XCTAssertEqual(NumberText.scientific(123456, 2), "1.23e+05")
        XCTAssertEqual(NumberText.scientific(0.00042, 1), "4.2e-04")
        XCTAssertEqual(NumberText.bytes(1 << 30), "1 GiB")
        XCTAssertEqual(NumberText.bytes(5 << 29), "2.5 GiB")
        XCTAssertEqual(NumberText.bytes(4 << 20), "4 MiB")
        XCTAssertEqual(NumberText.bytes(512 << 10), "512 KiB")
        XCTAssertEqual(NumberText.bytes(100), "100 bytes")
        XCTAssertEqual(NumberText.bytes(1), "1 byte")
    }

    func testShapesHaveOneSpellingEverywhere() {
        XCTAssertEqual(Shape.text([2, 3]), "2×3")
        XCTAssertEqual(Shape.text([2, 3, 4]), "2×3×4")
        XCTAssertEqual(Shape.text([3, 0]), "3×0")
        // A vector says what its number is: a bare `3` above `[2, 4, 6]` read as the value.
        XCTAssertEqual(Shape.text([3]), "3-element")
        XCTAssertEqual(Shape.text([0]), "0-element")
        XCTAssertEqual(Shape.text([]), "scalar")
        XCTAssertEqual("\(TensorError.shapeMismatch(op: "add", [2, 3], [4]))", "add: shapes 2×3 and 4-element do not match")
        XCTAssertEqual("\(TensorError.allocationTooLarge(op: "zeros", shape: [], limit: 4 << 30))",
                       "zeros: a tensor of shape scalar would exceed the memory limit of 4 GiB")
    }
}
