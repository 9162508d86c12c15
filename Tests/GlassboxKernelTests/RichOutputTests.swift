import Foundation
import GlassboxLanguage
import GlassboxLessons
import GlassboxREPL
import XCTest
@testable import GlassboxKernel

/// MIME bundles without sockets: the `text/plain` is the REPL's text, pictures carry SVG,
/// explanations Markdown and JSON.
final class RichOutputTests: XCTestCase {
    final class Sink: TextSink {
        var text = ""
        func write(_ text: String) { self.text += text }
    }

    func makeREPL() -> REPL {
        REPL(session: Session(), reader: ScriptedLineReader(events: [], interactive: false),
             presentation: .script(fileName: nil), renderer: Renderer(style: .plain), output: Sink(), errors: Sink())
    }

    func value(_ code: String, in repl: REPL) throws -> Value {
        let result = repl.runCell(code).result
        XCTAssertNil(result.error, "\(code): \(String(describing: result.error))")
        return try XCTUnwrap(result.lastValue)
    }

    func testATensorIsTheREPLsText() throws {
        let repl = makeREPL()
        let v = try value("[[1, 2], [3, 4]] * 2", in: repl)
        let bundle = RichOutput.bundle(v, repl: repl, cell: 1)
        XCTAssertEqual(bundle.data.objectValue?.map(\.0), ["text/plain"])
        XCTAssertEqual(bundle.plainText, repl.renderer.value(v, precision: 4))
        XCTAssertTrue(bundle.plainText.contains("[6, 8]"), bundle.plainText)
    }

    func testALineChartIsAnSVGWithOnePolylinePerSeries() throws {
        let plot = try XCTUnwrap(PlotValue(x: [0, 1, 2, 3], series: [[0, 1, 4, 9], [9, 4, .nan, 0]], title: "a < b"))
        let svg = plot.svg()
        XCTAssertTrue(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        XCTAssertTrue(svg.hasSuffix("</svg>"))
        // The second series breaks at its NaN into two runs.
        XCTAssertEqual(svg.components(separatedBy: "<polyline").count - 1, 3)
        XCTAssertTrue(svg.contains("a &lt; b"), "the title is escaped")
        XCTAssertFalse(svg.contains("nan"))
    }

    func testALargeHeatmapIsAveragedDownToAFewCellsASide() throws {
        let n = 300
        let plot = try XCTUnwrap(PlotValue(rows: n, columns: n, matrix: (0..<(n * n)).map { Float($0 % n) }))
        let svg = plot.svg()
        XCTAssertEqual(svg.components(separatedBy: "<rect").count - 1, 1 + PlotValue.maxCells * PlotValue.maxCells)
        XCTAssertTrue(svg.contains("fill=\"#000000\"") && svg.contains("fill=\"#ffffff\""), "the range spans black to white")
        let small = try XCTUnwrap(PlotValue(rows: 1, columns: 2, matrix: [5, 5])).svg()
        XCTAssertEqual(small.components(separatedBy: "<rect").count - 1, 3, "a constant matrix draws without dividing by zero")
    }

    /// imshow's pixels become rects in their own colours; feature maps a grid of grey tiles,
    /// each labelled with its channel.
    func testImagesAndFeatureMapsBecomePixelRects() throws {
        let rgb = try XCTUnwrap(PlotValue(.image, count: 3, rows: 1, columns: 2, pixels: [1, 0, 0, 1, 0, 0]))
        let svg = rgb.svg()
        XCTAssertEqual(svg.components(separatedBy: "<rect").count - 1, 1 + 2)
        XCTAssertTrue(svg.contains("fill=\"#ff0000\"") && svg.contains("fill=\"#00ff00\""), svg)
        let maps = try XCTUnwrap(PlotValue(.maps, count: 3, rows: 2, columns: 2, pixels: [Float](repeating: 0.5, count: 12), labels: [0, 1, 2]))
        let grid = maps.svg()
        XCTAssertEqual(grid.components(separatedBy: "<rect").count - 1, 1 + 12)
        XCTAssertTrue(grid.contains(">c2</text>"))
        let big = try XCTUnwrap(PlotValue(.image, count: 1, rows: 300, columns: 300, pixels: [Float](repeating: 1, count: 90_000)))
        XCTAssertEqual(big.svg().components(separatedBy: "<rect").count - 1, 1 + PlotValue.maxCells * PlotValue.maxCells)
    }

    func testAPlotAlsoHasTheTerminalPicture() throws {
        let repl = makeREPL()
        let bundle = RichOutput.bundle(try value("plot([1, 4, 9])", in: repl), repl: repl, cell: 1)
        let keys = bundle.data.objectValue?.map(\.0) ?? []
        XCTAssertEqual(keys, ["text/plain", "image/svg+xml"])
        XCTAssertTrue(bundle.plainText.contains("┌"), bundle.plainText)
    }

    func testAnExplanationHasMarkdownStepsAndTheTraceJSON() throws {
        let repl = makeREPL()
        let v = try value("x = param([1.0, -2.0]); y = sum(tanh(x)); explain backward(y)", in: repl)
        let bundle = RichOutput.bundle(v, repl: repl, cell: 1)
        let markdown = try XCTUnwrap(bundle.data["text/markdown"]?.stringValue)
        XCTAssertTrue(markdown.hasPrefix("**explain** `backward(y)`"), markdown)
        XCTAssertTrue(markdown.contains("**node"), "group headings: \(markdown)")
        XCTAssertTrue(markdown.contains("- **∂y/∂"), markdown)
        XCTAssertNotNil(bundle.data["application/json"]?.objectValue, "the trace record")
        XCTAssertEqual(bundle.plainText, repl.walkthroughText(v))
    }

    /// A step with a heatmap (a generation step's attention per head) carries it as an SVG image.
    func testAGenerationStepsHeatmapsAreSVGImagesInTheMarkdown() throws {
        let repl = makeREPL()
        let v = try value("""
            seed(1); x = randn(3, 4); g = ones(4); b = zeros(4); E = randn(4, 6)
            explain {
              a = layer_norm(x, g, b)
              y = x + attention(a, a, a, mask=causal_mask(3))
              argmax((layer_norm(y, g, b) @ E)[-1])
            }
            """, in: repl)
        let markdown = try XCTUnwrap(RichOutput.bundle(v, repl: repl, cell: 1).data["text/markdown"]?.stringValue)
        XCTAssertTrue(markdown.contains("**one generation step, summed up**"), markdown)
        let image = try XCTUnwrap(markdown.range(of: "(data:image/svg+xml;base64,"), markdown)
        let encoded = markdown[image.upperBound...].prefix { $0 != ")" }
        let svg = String(decoding: try XCTUnwrap(Data(base64Encoded: String(encoded))), as: UTF8.self)
        XCTAssertTrue(svg.hasPrefix("<svg"), svg)
    }
}
