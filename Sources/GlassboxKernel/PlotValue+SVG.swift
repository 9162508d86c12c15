import GlassboxLanguage

// MARK: - Pictures as SVG

extension PlotValue {
    /// The picture as a standalone SVG document, which JupyterLab shows as an image: a line
    /// chart with axes and the y range labelled, or a heatmap of shaded cells (dark low, light
    /// high, as the terminal's shades).
    func svg() -> String {
        switch kind {
        case .line: return lineChartSVG()
        case .heatmap: return heatmapSVG()
        case .image, .maps: return picturesSVG()
        }
    }

    /// An image, or a grid of feature maps, as pixel rects (each averaged down to at most
    /// `maxCells` a side, 32 for maps), grey or RGB.
    private func picturesSVG() -> String {
        let tiles = kind == .image ? 1 : count, channels = kind == .image ? count : 1
        let side = kind == .image ? Self.maxCells : 32
        let r = min(rows, side), c = min(columns, side)
        let perRow = Int(Double(tiles).squareRoot().rounded(.up))
        let gridRows = (tiles + perRow - 1) / perRow
        let m = Self.margin
        let size = min((Self.width - 2 * m) / Double(perRow * (c + 1)), (Self.height - 2 * m) / Double(gridRows * (r + 1)))
        var body: [String] = []
        let plane = rows * columns
        func hex(_ v: Double) -> String {
            let b = min(255, max(0, Int((v * 255).rounded())))
            let h = String(b, radix: 16)
            return h.count == 1 ? "0" + h : h
        }
        for t in 0..<tiles {
            let ox = m + Double((t % perRow) * (c + 1)) * size, oy = m + Double((t / perRow) * (r + 1)) * size
            for i in 0..<r {
                for j in 0..<c {
                    var sums = [Double](repeating: 0, count: channels), n = 0.0
                    for a in (i * rows / r)..<max(i * rows / r + 1, (i + 1) * rows / r) {
                        for b in (j * columns / c)..<max(j * columns / c + 1, (j + 1) * columns / c) {
                            for k in 0..<channels {
                                let v = matrix[(t * channels + k) * plane + a * columns + b]
                                sums[k] += v.isFinite ? Double(v) : 0
                            }
                            n += 1
                        }
                    }
                    let colour = channels == 3 ? sums.map { hex($0 / n) }.joined() : String(repeating: hex(sums[0] / n), count: 3)
                    body.append("<rect x=\"\(Self.number(ox + Double(j) * size))\" y=\"\(Self.number(oy + Double(i) * size))\" width=\"\(Self.number(size))\" height=\"\(Self.number(size))\" fill=\"#\(colour)\"/>")
                }
            }
            if kind == .maps {
                body.append("<text x=\"\(Self.number(ox))\" y=\"\(Self.number(oy - 2))\" font-size=\"10\">c\(labels[t])</text>")
            }
        }
        return document(body)
    }

    static let width = 640.0, height = 360.0, margin = 48.0
    /// Line colours, one per series (cycled).
    static let colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]

    private func document(_ body: [String]) -> String {
        let w = Self.number(Self.width), h = Self.number(Self.height)
        var lines = ["<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(w)\" height=\"\(h)\" viewBox=\"0 0 \(w) \(h)\" font-family=\"sans-serif\" font-size=\"12\">",
                     "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>"]
        if let title {
            lines.append("<text x=\"\(Self.number(Self.width / 2))\" y=\"20\" text-anchor=\"middle\" font-size=\"14\">\(Self.xml(title))</text>")
        }
        return (lines + body + ["</svg>"]).joined(separator: "\n")
    }

    private func lineChartSVG() -> String {
        let m = Self.margin, plotW = Self.width - 2 * m, plotH = Self.height - 2 * m
        let ys = series.flatMap { $0 }.filter(\.isFinite)
        let xs = x.filter(\.isFinite)
        guard let yMin = ys.min(), let yMax = ys.max(), let xMin = xs.min(), let xMax = xs.max() else { return document([]) }
        let ySpan = yMax > yMin ? Double(yMax - yMin) : 1, xSpan = xMax > xMin ? Double(xMax - xMin) : 1
        func px(_ v: Float) -> Double { m + (Double(v - xMin) / xSpan) * plotW }
        func py(_ v: Float) -> Double { m + plotH - (Double(v - yMin) / ySpan) * plotH }
        var body = [
            "<line x1=\"\(Self.number(m))\" y1=\"\(Self.number(m + plotH))\" x2=\"\(Self.number(m + plotW))\" y2=\"\(Self.number(m + plotH))\" stroke=\"#444\"/>",
            "<line x1=\"\(Self.number(m))\" y1=\"\(Self.number(m))\" x2=\"\(Self.number(m))\" y2=\"\(Self.number(m + plotH))\" stroke=\"#444\"/>",
            "<text x=\"\(Self.number(m - 4))\" y=\"\(Self.number(m + 4))\" text-anchor=\"end\">\(Self.label(yMax))</text>",
            "<text x=\"\(Self.number(m - 4))\" y=\"\(Self.number(m + plotH + 4))\" text-anchor=\"end\">\(Self.label(yMin))</text>",
            "<text x=\"\(Self.number(m))\" y=\"\(Self.number(m + plotH + 16))\" text-anchor=\"middle\">\(Self.label(xMin))</text>",
            "<text x=\"\(Self.number(m + plotW))\" y=\"\(Self.number(m + plotH + 16))\" text-anchor=\"middle\">\(Self.label(xMax))</text>",
        ]
        for (i, ys) in series.enumerated() {
            // Non-finite points break the line, as gaps.
            var runs: [[String]] = [[]]
            for (xv, yv) in zip(x, ys) {
                if xv.isFinite && yv.isFinite { runs[runs.count - 1].append(Self.number(px(xv)) + "," + Self.number(py(yv))) } else { runs.append([]) }
            }
            for run in runs where !run.isEmpty {
                body.append("<polyline fill=\"none\" stroke=\"\(Self.colours[i % Self.colours.count])\" stroke-width=\"1.5\" points=\"\(run.joined(separator: " "))\"/>")
            }
        }
        return document(body)
    }

    /// At most this many cells a side; larger matrices are averaged down to it.
    static let maxCells = 128

    private func heatmapSVG() -> String {
        guard rows > 0, columns > 0 else { return document([]) }
        let r = min(rows, Self.maxCells), c = min(columns, Self.maxCells)
        var cells = [Double](repeating: 0, count: r * c), counts = [Int](repeating: 0, count: r * c)
        for i in 0..<rows {
            for j in 0..<columns {
                let v = matrix[i * columns + j]
                guard v.isFinite else { continue }
                let k = (i * r / rows) * c + j * c / columns
                cells[k] += Double(v)
                counts[k] += 1
            }
        }
        for k in cells.indices where counts[k] > 0 { cells[k] /= Double(counts[k]) }
        let finite = cells.indices.filter { counts[$0] > 0 }.map { cells[$0] }
        let lo = finite.min() ?? 0, hi = finite.max() ?? 1, span = hi > lo ? hi - lo : 1
        let m = Self.margin, size = min((Self.width - 2 * m) / Double(c), (Self.height - 2 * m) / Double(r))
        let left = (Self.width - size * Double(c)) / 2
        var body: [String] = []
        for i in 0..<r {
            for j in 0..<c {
                let k = i * c + j
                let fill: String
                if counts[k] == 0 { fill = "#ff00ff" } else {
                    let level = Int(((cells[k] - lo) / span * 255).rounded())
                    let hex = String(min(255, max(0, level)), radix: 16)
                    let byte = hex.count == 1 ? "0" + hex : hex
                    fill = "#" + byte + byte + byte
                }
                body.append("<rect x=\"\(Self.number(left + Double(j) * size))\" y=\"\(Self.number(m + Double(i) * size))\" width=\"\(Self.number(size))\" height=\"\(Self.number(size))\" fill=\"\(fill)\"/>")
            }
        }
        body.append("<text x=\"\(Self.number(left))\" y=\"\(Self.number(m + Double(r) * size + 16))\">\(Self.label(Float(lo))) … \(Self.label(Float(hi)))</text>")
        return document(body)
    }

    /// Coordinates with two decimals, enough for a 640-pixel picture.
    static func number(_ v: Double) -> String {
        let scaled = (v * 100).rounded() / 100
        return scaled == scaled.rounded() ? String(Int(scaled)) : String(scaled)
    }

    static func label(_ v: Float) -> String { xml(ValueFormatter(precision: 4).format(.number(v))) }

    static func xml(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(ch)
            }
        }
        return out
    }
}
