import XCTest
import GlassboxLanguage
import GlassboxTensors
@testable import GlassboxWalkthroughs

/// `imshow` and `feature_maps`: what the built-ins return and how the terminal draws it.
final class ImagePictureTests: XCTestCase {
    func plot(_ code: String, _ s: Session = Session(), file: StaticString = #filePath, line: UInt = #line) throws -> PlotValue {
        let result = s.run(code)
        XCTAssertNil(result.error, "\(code): \(String(describing: result.error))", file: file, line: line)
        guard case .plot(let p)? = result.lastValue else {
            XCTFail("\(code) gave no picture", file: file, line: line)
            throw XCTSkip()
        }
        return p
    }

    /// A 2×2 RGB image: red, green / blue, white. With colour, one line of two half-blocks, the
    /// upper pixel as the foreground and the lower as the background, in 24-bit colour.
    func testTruecolourHalfBlocksCarryTheUpperAndLowerPixels() throws {
        let p = try plot("imshow([[[1, 0], [0, 1]], [[0, 1], [0, 1]], [[0, 0], [1, 1]]])")
        XCTAssertEqual(p.kind, .image)
        XCTAssertEqual([p.count, p.rows, p.columns], [3, 2, 2])
        XCTAssertNil(p.scaledFrom)
        let text = ImagePicture(p).render(RenderOptions(colour: true))
        let lines = text.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 2)
        XCTAssertEqual(lines[0], "\u{1B}[38;2;255;0;0m\u{1B}[48;2;0;0;255m▀\u{1B}[38;2;0;255;0m\u{1B}[48;2;255;255;255m▀\u{1B}[0m")
        XCTAssertEqual(lines[1], "RGB 2×2")
    }

    /// Without colour: one shade per pair of pixel rows by luminance, full block for white,
    /// blank for black; in ASCII the ramp ` .:-=+*#%@`.
    func testShadesFollowLuminanceAndASCIIHasItsOwnRamp() throws {
        let p = try plot("imshow([[0, 1], [0, 1], [0.5, 0.5]])")
        XCTAssertEqual(p.count, 1)
        let lines = ImagePicture(p).render(RenderOptions()).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[0], " █")
        XCTAssertEqual(lines[1], "▒▒")
        let ascii = ImagePicture(p).render(RenderOptions(unicode: false)).split(separator: "\n").map(String.init)
        XCTAssertEqual(ascii[0], " @")
        XCTAssertEqual(ascii[1], "++")
        XCTAssertTrue(ascii.allSatisfy { $0.unicodeScalars.allSatisfy(\.isASCII) }, ascii.joined(separator: "\n"))
    }

    /// Values outside [0, 1] (a normalised image) are stretched from their range, and the
    /// caption says so; a picture wider than the terminal is averaged down, keeping its shape.
    func testScalingAndFittingAreShownInTheCaption() throws {
        let p = try plot("imshow(reshape(linspace(-2, 2, 3 * 64 * 200), 3, 64, 200), title=\"wide\")")
        XCTAssertEqual(try XCTUnwrap(p.scaledFrom).lo, -2)
        XCTAssertEqual(try XCTUnwrap(p.scaledFrom).hi, 2)
        XCTAssertEqual(p.matrix.min(), 0)
        XCTAssertEqual(p.matrix.max(), 1)
        let text = ImagePicture(p).render(RenderOptions(lineWidth: 80))
        let lines = text.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "wide")
        XCTAssertTrue(lines.last!.contains("RGB 64×200, shown at 26×80, values scaled from [-2, 2]"), lines.last!)
        XCTAssertEqual(lines.count, 1 + 13 + 1)
        XCTAssertTrue(lines[1..<14].allSatisfy { $0.count == 80 })
    }

    /// feature_maps: each map scaled to its own range, labelled with its channel, as many side
    /// by side as the width allows.
    func testFeatureMapsGridLabelsAndScalesEachMap() throws {
        let s = Session()
        XCTAssertNil(s.run("x = zeros(1, 6, 4, 4); x[0, 2] = reshape(linspace(10, 20, 16), 4, 4); x[0, 5] = -ones(4, 4)").error)
        let p = try plot("feature_maps(x, n=5)", s)
        XCTAssertEqual(p.kind, .maps)
        XCTAssertEqual([p.count, p.rows, p.columns], [5, 4, 4])
        XCTAssertEqual(p.labels, [0, 1, 2, 3, 4])
        XCTAssertEqual(p.matrix[2 * 16], 0)
        XCTAssertEqual(p.matrix[2 * 16 + 15], 1)
        XCTAssertEqual(p.matrix[0], 0.5)          // a flat map shows mid-grey
        let lines = FeatureMapGrid(p).render(RenderOptions(lineWidth: 40)).split(separator: "\n").map(String.init)
        // Eight maps of 4 columns fit in 40; five fit on the first row of tiles.
        XCTAssertEqual(lines[0], "c0   c1   c2   c3   c4  ")
        XCTAssertEqual(lines.count, 1 + 2 + 1)
        XCTAssertTrue(lines.last!.hasPrefix("5 feature maps of 4×4"), lines.last!)
        let narrow = FeatureMapGrid(p).render(RenderOptions(lineWidth: 40, colour: true))
        XCTAssertTrue(narrow.contains("\u{1B}[38;2;"))
    }

    func testBadInputGetsAOneLineError() {
        let s = Session()
        for (code, message) in [("imshow(zeros(2, 4, 4))", "imshow needs an image H×W or 3×H×W"),
                                ("imshow(zeros(4))", "imshow needs"),
                                ("feature_maps(zeros(4, 4))", "feature_maps needs C×H×W"),
                                ("feature_maps(zeros(2, 3, 3), n=0)", "n must be at least 1"),
                                ("imshow(zeros(3, 2, 2), title=3)", "a title must be a string")] {
            let error = s.run(code).error
            XCTAssertTrue(error?.message.contains(message) ?? false, "\(code): \(String(describing: error))")
        }
        // NaN pixels draw as black rather than failing.
        XCTAssertNil(s.run("imshow([[nan, 1], [0, inf]])").error)
    }

    func testJSONCarriesShapeAndData() throws {
        let p = try plot("feature_maps(ones(1, 2, 1, 3))")
        let json = JSON.plot(p)
        guard case .object(let top) = json, case .object(let fields)? = top.first?.1 else { return XCTFail("\(json)") }
        XCTAssertEqual(fields.map(\.0), ["kind", "shape", "data", "channels"])
    }
}
