import XCTest
@testable import GlassboxLanguage

final class FormatterTests: XCTestCase {
    let f = ValueFormatter()

    func testNumbers() {
        XCTAssertEqual(f.body(shape: [], data: [3]), "3")
        XCTAssertEqual(f.body(shape: [], data: [-2.5]), "-2.5")
        XCTAssertEqual(f.body(shape: [], data: [1.0 / 3]), "0.3333")
        XCTAssertEqual(f.body(shape: [], data: [0.1]), "0.1")
        XCTAssertEqual(f.body(shape: [], data: [1.2345678e-5]), "1.2346e-05")
        XCTAssertEqual(f.body(shape: [], data: [3e9]), "3.0000e+09")
        XCTAssertEqual(f.body(shape: [], data: [.nan]), "nan")
        XCTAssertEqual(f.body(shape: [], data: [-.infinity]), "-inf")
        XCTAssertEqual(f.number(0.99999), "1")   // rounds at 4 decimals
    }

    func testVectorsAlignAndShareDecimals() {
        XCTAssertEqual(f.body(shape: [3], data: [1, 2, 3]), "[1, 2, 3]")
        XCTAssertEqual(f.body(shape: [3], data: [0.5, 1.25, -10]), "[  0.50,   1.25, -10.00]")
        XCTAssertEqual(f.body(shape: [4], data: [1, .nan, .infinity, -.infinity]), "[   1,  nan,  inf, -inf]")
        XCTAssertEqual(f.body(shape: [0], data: []), "[]")
    }

    func testMatrices() {
        XCTAssertEqual(f.body(shape: [2, 3], data: [1, -2.5, 3, 4, 5, 6]),
                       "[[ 1.0, -2.5,  3.0],\n [ 4.0,  5.0,  6.0]]")
        XCTAssertEqual(f.body(shape: [2, 2, 2], data: [1, 2, 3, 4, 5, 6, 7, 8]),
                       "[[[1, 2],\n  [3, 4]],\n\n [[5, 6],\n  [7, 8]]]")
        XCTAssertEqual(f.body(shape: [2, 0], data: []), "[[],\n []]")
    }

    func testPrecisionSetting() {
        let p2 = ValueFormatter(precision: 2)
        XCTAssertEqual(p2.body(shape: [2], data: [1.0 / 3, 2.0 / 3]), "[0.33, 0.67]")
        let p8 = ValueFormatter(precision: 8)
        XCTAssertEqual(p8.body(shape: [], data: [Float(1.0 / 3)]), "0.33333334")
    }

    func testSummarizesLargeTensors() {
        let v = (0..<2000).map(Float.init)
        XCTAssertEqual(f.body(shape: [2000], data: v), "[   0,    1,    2, …, 1997, 1998, 1999]")
        let m = f.body(shape: [100, 20], data: v)
        XCTAssertEqual(m.split(separator: "\n").map(String.init), [
            "[[   0,    1,    2, …,   17,   18,   19],",
            " [  20,   21,   22, …,   37,   38,   39],",
            " [  40,   41,   42, …,   57,   58,   59],",
            " …,",
            " [1940, 1941, 1942, …, 1957, 1958, 1959],",
            " [1960, 1961, 1962, …, 1977, 1978, 1979],",
            " [1980, 1981, 1982, …, 1997, 1998, 1999]]",
        ])
    }

    func testLongRowsWrap() {
        let v = (0..<40).map { Float($0) + 0.5 }
        let lines = f.body(shape: [40], data: v).split(separator: "\n")
        XCTAssertGreaterThan(lines.count, 1)
        XCTAssertTrue(lines.allSatisfy { $0.count <= 80 })
        XCTAssertTrue(lines[1].hasPrefix(" ") && !lines[1].hasPrefix(" ["), String(lines[1]))
    }

    func testHeader() {
        XCTAssertEqual(f.header(shape: [2, 3]), "2×3")
        XCTAssertEqual(f.header(shape: [4]), "4-element")
        XCTAssertEqual(f.header(shape: [4], isParameter: true), "4-element param")
        XCTAssertNil(f.header(shape: []))
        XCTAssertEqual(f.header(shape: [3, 1], isParameter: true), "3×1 param")
    }
}
