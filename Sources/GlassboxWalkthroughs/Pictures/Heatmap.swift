import GlassboxLanguage

// MARK: - Heatmaps

/// A matrix as shaded cells, two characters per entry, with row and column numbers and a scale:
///
///        0 1 2 3
///     0  ██░░
///     1  ▓▓██
///     scale  ░ 0.02  ▒ 0.26  ▓ 0.50  █ 0.98   · −∞/nan
///
/// Unicode terminals get the shades `░▒▓█` (and, with colour, a 24-step grey-to-yellow ramp of
/// 256-colour backgrounds); ASCII terminals get ` .:-=+*#%@`. A matrix wider or taller than
/// the terminal is shown in blocks, each cell the mean of the entries it covers.
public struct Heatmap {
    public var rows: Int, columns: Int
    public var data: [Float]
    public var title: String?
    /// Most rows shown before blocks are averaged.
    public var maxRows: Int = 32

    public init(rows: Int, columns: Int, data: [Float], title: String? = nil) {
        self.rows = rows
        self.columns = columns
        self.data = data
        self.title = title
    }

    public init(_ plot: PlotValue) {
        self.init(rows: plot.rows, columns: plot.columns, data: plot.matrix, title: plot.title)
    }

    static let unicodeShades: [String] = [" ", "░", "▒", "▓", "█"]
    static let asciiShades: [String] = [" ", ".", ":", "-", "=", "+", "*", "#", "%", "@"]
    /// xterm-256 colours from dark blue through teal and green to yellow (viridis-like).
    static let ramp: [Int] = [17, 18, 19, 20, 25, 24, 30, 31, 37, 36, 35, 41, 71, 77, 113, 149, 185, 184, 220, 226]

    public func render(_ options: RenderOptions) -> String {
        var lines: [String] = []
        if let title { lines.append(title) }
        guard rows > 0, columns > 0, data.count == rows * columns else {
            lines.append("(empty heatmap)")
            return lines.joined(separator: "\n")
        }
        let rowLabelWidth = String(rows - 1).count + 1
        let maxColumns = max(4, (options.lineWidth - rowLabelWidth - 2) / 2)
        let (shownRows, rowStep) = Heatmap.blocks(rows, limit: maxRows)
        let (shownColumns, columnStep) = Heatmap.blocks(columns, limit: maxColumns)
        // Block means (NaN if a block holds no finite value; −∞ kept when the whole block is −∞).
        var cells = [Float](repeating: 0, count: shownRows * shownColumns)
        for r in 0..<shownRows {
            for c in 0..<shownColumns {
                var sum: Float = 0, n = 0
                var allNegInf = true
                for i in (r * rowStep)..<min(rows, (r + 1) * rowStep) {
                    for j in (c * columnStep)..<min(columns, (c + 1) * columnStep) {
                        let v = data[i * columns + j]
                        if v.isFinite { sum += v; n += 1 }
                        if v != -.infinity { allNegInf = false }
                    }
                }
                cells[r * shownColumns + c] = n > 0 ? sum / Float(n) : (allNegInf ? -.infinity : .nan)
            }
        }
        let finite = cells.filter(\.isFinite)
        let lo = finite.min() ?? 0, hi = finite.max() ?? 0
        let shades = options.unicode ? Heatmap.unicodeShades : Heatmap.asciiShades
        let levels = options.colour && options.unicode ? Heatmap.ramp.count : shades.count - 1
        func level(_ v: Float) -> Int {
            guard hi > lo else { return levels - 1 }
            let fraction = (Double(v) - Double(lo)) / (Double(hi) - Double(lo))
            return fraction.isFinite ? min(levels - 1, max(0, Int(fraction * Double(levels)))) : 0
        }
        let blank = options.unicode ? "··" : "xx"
        func cell(_ v: Float) -> String {
            guard v.isFinite else { return blank }
            if options.colour && options.unicode {
                return "\u{1B}[48;5;\(Heatmap.ramp[level(v)])m  \u{1B}[0m"
            }
            // Shades 1…n: the smallest value still shows a light shade, so the grid stays visible.
            let s = shades[1 + level(v)]
            return s + s
        }
        let pad = String(repeating: " ", count: rowLabelWidth + 1)
        if columnStep == 1 {
            lines.append(pad + (0..<shownColumns).map { String($0 % 10) }.joined(separator: " "))
        }
        for r in 0..<shownRows {
            let label = rowStep == 1 ? String(r) : ""
            let row = (0..<shownColumns).map { cell(cells[r * shownColumns + $0]) }.joined()
            lines.append(String(repeating: " ", count: rowLabelWidth - label.count) + label + " " + row)
        }
        // The scale: which shade stands for which value.
        var scale: [String] = []
        let steps = options.colour && options.unicode ? 5 : levels
        for k in 0..<steps {
            let v = hi == lo ? lo : Float(Double(lo) + (Double(hi) - Double(lo)) * Double(k) / Double(max(1, steps - 1)))
            scale.append(cell(v) + " " + AxisNumber.text(v, span: hi - lo))
        }
        var legend = "scale " + scale.joined(separator: "  ")
        if cells.contains(where: { !$0.isFinite }) { legend += "  " + blank + " −∞/nan" }
        lines.append(options.unicode ? legend : ASCIIMath.transliterate(legend))
        if rowStep > 1 || columnStep > 1 {
            lines.append("(\(rows)×\(columns) in \(rowStep)×\(columnStep) blocks: each cell is a block's mean)")
        }
        return lines.joined(separator: "\n")
    }

    /// How many cells to show for `n` entries at most `limit` at a time, and how many entries each covers.
    static func blocks(_ n: Int, limit: Int) -> (count: Int, step: Int) {
        guard n > limit else { return (n, 1) }
        let step = (n + limit - 1) / limit
        return ((n + step - 1) / step, step)
    }
}

// MARK: - Any plot value

/// Draws what `plot`, `heatmap`, `imshow` and `feature_maps` returned.
public enum Pictures {
    public static func render(_ plot: PlotValue, options: RenderOptions) -> String {
        switch plot.kind {
        case .line: return LineChart(plot).render(options)
        case .heatmap: return Heatmap(plot).render(options)
        case .image: return ImagePicture(plot).render(options)
        case .maps: return FeatureMapGrid(plot).render(options)
        }
    }
}
