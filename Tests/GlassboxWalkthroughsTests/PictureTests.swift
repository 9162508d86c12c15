import XCTest
import GlassboxLanguage
import GlassboxTensors
@testable import GlassboxWalkthroughs

/// The braille canvas, line charts and heatmaps, in Unicode and in ASCII.
final class PictureTests: XCTestCase {
    func testBrailleDotsFollowTheUnicodeNumbering() {
        var canvas = DotCanvas(width: 2, height: 1, unicode: true)
        canvas.set(0, 0)          // dot 1
        canvas.set(1, 3)          // dot 8
        canvas.set(2, 1)          // second cell, dot 2
        let row = canvas.row(0) { _, s in s }
        XCTAssertEqual(row.unicodeScalars.map(\.value), [0x2800 + 0x01 + 0x80, 0x2800 + 0x02])
        canvas.set(99, 99)        // outside: ignored
        XCTAssertEqual(canvas.row(0) { _, s in s }, row)
    }

    func testLinesAreContinuous() {
        var canvas = DotCanvas(width: 10, height: 5, unicode: true)
        canvas.line(0, 19, 19, 0)
        // Every character column has a dot on the diagonal.
        for c in 0..<10 {
            let column = (0..<5).map { canvas.row($0) { _, s in s } }.map { Array($0)[c] }
            XCTAssertTrue(column.contains { $0 != " " }, "column \(c)")
        }
    }

    func testLineChartLayoutAndRange() {
        let x = (0..<30).map(Float.init)
        let chart = LineChart(x: x, series: [x.map { $0 * $0 }], title: "squares")
        let text = chart.render(RenderOptions(lineWidth: 80))
        let lines = text.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "squares")
        XCTAssertTrue(lines[1].hasSuffix("┐") && lines[1].contains("┌"))
        XCTAssertTrue(lines[2].hasPrefix(" 841 │"), lines[2])
        XCTAssertTrue(lines[11].hasPrefix("   0 │"), lines[11])
        XCTAssertTrue(lines.last?.hasSuffix("29") ?? false)
        XCTAssertTrue(lines.allSatisfy { $0.count <= 80 })
        // The lowest row has the first points; the top row the last.
        XCTAssertNotEqual(lines[11].dropFirst(6).first, " ")
        XCTAssertEqual(lines[2].dropFirst(6).first, " ")
    }

    func testLineChartSkipsNonFiniteValuesAndSurvivesAFlatLine() {
        let chart = LineChart(x: [0, 1, 2, 3], series: [[1, .nan, .infinity, 1]])
        let text = chart.render(RenderOptions())
        XCTAssertTrue(text.contains("│"))
        let empty = LineChart(x: [0, 1], series: [[.nan, .nan]]).render(RenderOptions())
        XCTAssertTrue(empty.contains("nothing to plot"))
    }

    func testExtremeRangesDoNotOverflow() {
        let chart = LineChart(x: [-3e38, 3e38], series: [[-3e38, 3e38]]).render(RenderOptions())
        XCTAssertTrue(chart.contains("│"))
        let map = Heatmap(rows: 1, columns: 3, data: [-3e38, 0, 3e38]).render(RenderOptions(colour: true))
        XCTAssertTrue(map.contains("scale"))
        let s = Session()
        XCTAssertNil(s.run("plot([-3e38, 3e38, nan, inf])").error)
    }

    func testASCIIFallback() {
        let x = (0..<20).map(Float.init)
        let chart = LineChart(x: x, series: [x.map { sin($0 / 3) }]).render(RenderOptions(unicode: false))
        XCTAssertTrue(chart.unicodeScalars.allSatisfy(\.isASCII))
        XCTAssertTrue(chart.contains("+---"))
        let map = Heatmap(rows: 2, columns: 2, data: [0, 1, 2, -.infinity]).render(RenderOptions(unicode: false))
        XCTAssertTrue(map.unicodeScalars.allSatisfy(\.isASCII), map)
    }

    func testHeatmapShadesGrowWithTheValue() {
        let map = Heatmap(rows: 1, columns: 4, data: [0, 1, 2, 3]).render(RenderOptions())
        let lines = map.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[0], "   0 1 2 3")
        XCTAssertEqual(lines[1], " 0 ░░▒▒▓▓██")
        XCTAssertTrue(lines[2].hasPrefix("scale ░░ 0"))
        XCTAssertTrue(lines[2].hasSuffix("██ 3"))
    }

    func testHeatmapMarksMaskedCellsAndAveragesLargeMatrices() {
        let masked = Heatmap(rows: 2, columns: 2, data: [0, -.infinity, 0.5, 0.5]).render(RenderOptions())
        XCTAssertTrue(masked.contains("··"))
        XCTAssertTrue(masked.contains("−∞/nan"))
        let big = Heatmap(rows: 100, columns: 100, data: (0..<10_000).map { Float($0 % 100) })
            .render(RenderOptions(lineWidth: 60))
        XCTAssertTrue(big.contains("100×100 in 4×4 blocks"), big)
        XCTAssertTrue(big.split(separator: "\n").allSatisfy { $0.count <= 60 })
    }

    func testColourUsesTheRampAndResets() {
        let map = Heatmap(rows: 1, columns: 2, data: [0, 1]).render(RenderOptions(colour: true))
        XCTAssertTrue(map.contains("\u{1B}[48;5;"))
        XCTAssertTrue(map.contains("\u{1B}[0m"))
    }

    func testPlotAndHeatmapBuiltInsReturnData() throws {
        let s = Session()
        let r = s.run("plot([1, 4, 9], title=\"squares\")")
        guard case .plot(let p)? = r.lastValue else { return XCTFail("\(String(describing: r.error))") }
        XCTAssertEqual(p.kind, .line)
        XCTAssertEqual(p.x, [0, 1, 2])
        XCTAssertEqual(p.series, [[1, 4, 9]])
        XCTAssertEqual(p.title, "squares")
        XCTAssertEqual(s.format(.plot(p)), "line plot: 1 series of 3 points — squares")
        guard case .plot(let q)? = s.run("plot([0, 0.5, 1], [[1, 2, 3], [3, 2, 1]])").lastValue else { return XCTFail() }
        XCTAssertEqual(q.x, [0, 0.5, 1])
        XCTAssertEqual(q.series.count, 2)
        guard case .plot(let m)? = s.run("heatmap([[1, 2], [3, 4]])").lastValue else { return XCTFail() }
        XCTAssertEqual([m.rows, m.columns], [2, 2])
        XCTAssertEqual(m.matrix, [1, 2, 3, 4])
        XCTAssertEqual(JSON.value(.plot(m)), "{\"plot\": {\"kind\": \"heatmap\", \"shape\": [2, 2], \"data\": [[1, 2], [3, 4]]}}")
    }

    func testPlotBuiltInsRejectBadInputWithAMessage() {
        let s = Session()
        XCTAssertEqual(s.run("plot(zeros(2, 2, 2))").error?.message,
                       "plot needs y as a vector (or one row per line), got a tensor of shape 2×2×2")
        XCTAssertEqual(s.run("plot([1, 2, 3], [1, 2])").error?.message,
                       "plot(x, y) needs x with one value per point: x has shape 3-element, y has shape 2-element")
        XCTAssertEqual(s.run("heatmap(1)").error?.message, "heatmap needs a matrix (or a vector), got a tensor of shape scalar")
        XCTAssertEqual(s.run("plot([1, 2], title=3)").error?.message, "a title must be a string, got a number")
    }
}
