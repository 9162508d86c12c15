import GlassboxLanguage

// MARK: - Images in the terminal

/// Pixels averaged down to a size the terminal can show, and drawn as text. With colour, each
/// character is the half-block `▀` whose foreground is the upper pixel and background the lower
/// one, in 24-bit colour (`ESC[38;2;r;g;bm`, `ESC[48;2;r;g;bm`): a character cell is about twice
/// as tall as it is wide, so two pixels a cell keep them square. Without colour, the two pixels'
/// luminance (ITU-R BT.601: 0.299 R + 0.587 G + 0.114 B) picks a shade, `░▒▓█` or the ASCII ramp
/// ` .:-=+*#%@`.
struct PixelGrid {
    /// Rows × columns pixels, each `channels` values in [0, 1] (1 grey, 3 RGB).
    var rows: Int, columns: Int, channels: Int
    var values: [Float]

    /// `channels` planes of rows × columns from `data` (plane-major, as C×H×W), box-averaged to
    /// `outRows` × `outColumns`; non-finite values count as 0.
    init(data: ArraySlice<Float>, channels: Int, rows: Int, columns: Int, outRows: Int, outColumns: Int) {
        self.rows = outRows; self.columns = outColumns; self.channels = channels
        values = [Float](repeating: 0, count: outRows * outColumns * channels)
        let base = data.startIndex, plane = rows * columns
        for i in 0..<outRows {
            let r0 = i * rows / outRows, r1 = max(r0 + 1, (i + 1) * rows / outRows)
            for j in 0..<outColumns {
                let c0 = j * columns / outColumns, c1 = max(c0 + 1, (j + 1) * columns / outColumns)
                let n = Float((r1 - r0) * (c1 - c0))
                for k in 0..<channels {
                    var s: Float = 0
                    for r in r0..<r1 {
                        for c in c0..<c1 {
                            let v = data[base + k * plane + r * columns + c]
                            s += v.isFinite ? min(1, max(0, v)) : 0
                        }
                    }
                    values[(i * outColumns + j) * channels + k] = s / n
                }
            }
        }
    }

    /// The size, at most `maxColumns` × `maxRows` pixels, that keeps the picture's proportions.
    static func fit(rows: Int, columns: Int, maxRows: Int, maxColumns: Int) -> (rows: Int, columns: Int) {
        let scale = min(1, Double(maxColumns) / Double(columns), Double(maxRows) / Double(rows))
        return (max(1, Int((Double(rows) * scale).rounded())), max(1, Int((Double(columns) * scale).rounded())))
    }

    func rgb(_ i: Int, _ j: Int) -> (Float, Float, Float) {
        let p = (i * columns + j) * channels
        return channels == 3 ? (values[p], values[p + 1], values[p + 2]) : (values[p], values[p], values[p])
    }

    func luminance(_ i: Int, _ j: Int) -> Float {
        let (r, g, b) = rgb(i, j)
        return 0.299 * r + 0.587 * g + 0.114 * b
    }

    static let unicodeShades: [Character] = [" ", "░", "▒", "▓", "█"]
    static let asciiShades: [Character] = [" ", ".", ":", "-", "=", "+", "*", "#", "%", "@"]

    /// One line of text per two pixel rows, each exactly `columns` characters wide on screen.
    func lines(_ options: RenderOptions) -> [String] {
        func byte(_ v: Float) -> Int { min(255, max(0, Int((v * 255).rounded()))) }
        var out: [String] = []
        for i in stride(from: 0, to: rows, by: 2) {
            var line = ""
            for j in 0..<columns {
                if options.colour && options.unicode {
                    let (r, g, b) = rgb(i, j)
                    line += "\u{1B}[38;2;\(byte(r));\(byte(g));\(byte(b))m"
                    if i + 1 < rows {
                        let (r2, g2, b2) = rgb(i + 1, j)
                        line += "\u{1B}[48;2;\(byte(r2));\(byte(g2));\(byte(b2))m▀"
                    } else {
                        line += "\u{1B}[49m▀"
                    }
                } else {
                    let v = i + 1 < rows ? (luminance(i, j) + luminance(i + 1, j)) / 2 : luminance(i, j)
                    let shades = options.unicode ? Self.unicodeShades : Self.asciiShades
                    line.append(shades[min(shades.count - 1, max(0, Int(v * Float(shades.count))))])
                }
            }
            if options.colour && options.unicode { line += "\u{1B}[0m" }
            out.append(line)
        }
        return out
    }
}

/// What `imshow` returned: the picture, fitted to the terminal, with a line saying what it is.
public struct ImagePicture {
    public var plot: PlotValue
    /// Most lines of text the picture takes (two pixel rows each).
    public var maxLines = 32

    public init(_ plot: PlotValue) { self.plot = plot }

    public func render(_ options: RenderOptions) -> String {
        var lines: [String] = []
        if let title = plot.title { lines.append(title) }
        let size = PixelGrid.fit(rows: plot.rows, columns: plot.columns, maxRows: 2 * maxLines, maxColumns: options.lineWidth)
        let grid = PixelGrid(data: plot.matrix[...], channels: plot.count, rows: plot.rows, columns: plot.columns,
                             outRows: size.rows, outColumns: size.columns)
        lines += grid.lines(options)
        var caption = "\(plot.count == 3 ? "RGB" : "grey") \(plot.rows)×\(plot.columns)"
        if size.rows != plot.rows || size.columns != plot.columns { caption += ", shown at \(size.rows)×\(size.columns)" }
        if let s = plot.scaledFrom {
            caption += ", values scaled from [\(AxisNumber.text(s.lo, span: s.hi - s.lo)), \(AxisNumber.text(s.hi, span: s.hi - s.lo))]"
        }
        lines.append(options.unicode ? caption : ASCIIMath.transliterate(caption))
        return lines.joined(separator: "\n")
    }
}

/// What `feature_maps` returned: small pictures of each channel side by side, labelled by their
/// channel number, each scaled to its own range (dark low, bright high).
public struct FeatureMapGrid {
    public var plot: PlotValue
    /// Most pixels a side of one map.
    public var maxTile = 16

    public init(_ plot: PlotValue) { self.plot = plot }

    public func render(_ options: RenderOptions) -> String {
        var lines: [String] = []
        if let title = plot.title { lines.append(title) }
        let tile = PixelGrid.fit(rows: plot.rows, columns: plot.columns, maxRows: maxTile, maxColumns: maxTile)
        // Room for the label "c123" under a narrow map.
        let width = max(tile.columns, String(plot.labels.last ?? 0).count + 1)
        let perRow = max(1, (options.lineWidth + 1) / (width + 1))
        let plane = plot.rows * plot.columns
        for start in stride(from: 0, to: plot.count, by: perRow) {
            let maps = start..<min(plot.count, start + perRow)
            let label = maps.map { k -> String in
                let text = "c\(plot.labels[k])"
                return text + String(repeating: " ", count: width - text.count)
            }
            lines.append(label.joined(separator: " "))
            let drawn = maps.map { k in
                PixelGrid(data: plot.matrix[(k * plane)..<((k + 1) * plane)], channels: 1, rows: plot.rows, columns: plot.columns,
                          outRows: tile.rows, outColumns: tile.columns).lines(options)
            }
            let pad = String(repeating: " ", count: width - tile.columns)
            for r in 0..<drawn[0].count {
                lines.append(drawn.map { $0[r] + pad }.joined(separator: " "))
            }
        }
        var caption = "\(plot.count) feature map\(plot.count == 1 ? "" : "s") of \(plot.rows)×\(plot.columns)"
        if tile.rows != plot.rows || tile.columns != plot.columns { caption += ", shown at \(tile.rows)×\(tile.columns)" }
        caption += "; each scaled to its own range, dark low, bright high"
        lines.append(options.unicode ? caption : ASCIIMath.transliterate(caption))
        return lines.joined(separator: "\n")
    }
}
