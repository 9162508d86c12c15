import XCTest
@testable import GlassboxLanguage
import GlassboxTensors

/// `load_image` against what Pillow decodes from the same files (`Fixtures/images/make_images.py`):
/// PNG greyscale and RGBA, JPEG, and torchvision's Resize + CenterCrop; broken files give one line.
final class ImageTests: XCTestCase {
    static let folder: String = {
        var url = URL(fileURLWithPath: #filePath)
        url.deleteLastPathComponent()
        return url.path + "/Fixtures/images"
    }()

    func session() -> Session {
        let s = Session()
        s.directory = Self.folder
        _ = s.run("e = load(\"expected.safetensors\")")
        return s
    }

    func testImagesDecodeAsPillowDecodesThem() {
        let s = session()
        XCTAssertEqual(show("d = load_image(\"digit.png\"); d.shape", in: s), show("[3, 8, 8]", in: s))
        XCTAssertEqual(show("max(abs(d - e[\"digit\"]))", in: s), "0", "greyscale PNG, every channel")
        XCTAssertEqual(show("max(abs(load_image(\"photo.jpg\") - e[\"photo\"]))", in: s), "0", "the same libjpeg")
        // Half-transparent pixels over white; Pillow's value and ours differ by rounding at most.
        XCTAssertEqual(show("max(abs(load_image(\"alpha.png\") - e[\"alpha\"])) < 2 / 255", in: s), "1")
    }

    func testResizeAndCentreCropAsTorchvision() {
        let s = session()
        XCTAssertEqual(show("p = load_image(\"photo.jpg\", size=24); p.shape", in: s), show("[3, 24, 24]", in: s))
        // Pillow rounds to 8 bits between its two passes; we keep floats: within 1/255.
        XCTAssertEqual(show("max(abs(p - e[\"photo.24\"])) <= 1.01 / 255", in: s), "1")
        XCTAssertEqual(show("min(p) >= 0 and max(p) <= 1", in: s), "1")
    }

    func testBrokenImagesGiveOneLine() throws {
        let s = session()
        XCTAssertEqual(failure("load_image(\"make_images.py\")", in: s)?.message,
                       "`make_images.py` cannot be loaded: it is neither a PNG nor a JPEG file")
        let dir = NSTemporaryDirectory() + "glassbox-images-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let jpeg = try Data(contentsOf: URL(fileURLWithPath: Self.folder + "/photo.jpg"))
        try jpeg.prefix(600).write(to: URL(fileURLWithPath: dir + "/cut.jpg"))
        let png = try Data(contentsOf: URL(fileURLWithPath: Self.folder + "/digit.png"))
        try png.prefix(60).write(to: URL(fileURLWithPath: dir + "/cut.png"))
        XCTAssertEqual(failure("load_image(\"\(dir)/cut.jpg\")", in: s)?.message,
                       "`\(dir)/cut.jpg` cannot be loaded: not a readable JPEG: Invalid JPEG file structure: missing SOS marker")
        XCTAssertEqual(failure("load_image(\"\(dir)/cut.png\")", in: s)?.message,
                       "`\(dir)/cut.png` cannot be loaded: not a readable PNG: read beyond end of data")
        XCTAssertEqual(failure("load_image(\"digit.png\", size=0)", in: s)?.message, "size must be between 1 and 8192, got 0")
    }
}
