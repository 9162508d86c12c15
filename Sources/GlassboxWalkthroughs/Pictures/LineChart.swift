import GlassboxLanguage

// MARK: - Line charts

/// A line chart in the terminal, laid out as UnicodePlots.jl's `lineplot`:
///
///            ┌────────────────────────────────────────┐
///      2.5   │⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⣀⠔│
///            │                  …                     │
///      0     │⣀⣀⣀⡠⠤⠤⠒⠒⠊⠉                              │
///            └────────────────────────────────────────┘
///            0                                       29
///
/// Each series is a polyline through its finite points (a NaN or infinity breaks the line);
/// with colour, each series has its own. ASCII terminals get a 1×3-dot canvas of `' - .`.
public struct LineChart {
    public var x: [Float]
    public var series: [[Float]]
    public var title: String?
    /// Height of the plotting area in character rows.
    public var rows: Int = 10
    /// Most character columns for the plotting area.
    public var maxColumns: Int = 60

    public init(x: [Float], series: [[Float]], title: String? = nil) {
        self.x = x
        self.series = series
        self.title = title
    }

    public init(_ plot: PlotValue) {
        self.init(x: plot.x, series: plot.series, title: plot.title)
    }

    /// ANSI colours of the series, in order (blue, red, green, yellow, magenta, cyan).
    static let colours = ["94", "91", "92", "93", "95", "96"]

    public func render(_ options: RenderOptions) -> String {
        let paint = Paint(enabled: options.colour)
        var points: [(x: Float, y: Float)] = []
        for s in series {
            for (xv, yv) in zip(x, s) where xv.isFinite && yv.isFinite { points.append((xv, yv)) }
        }
        var lines: [String] = []
        if let title { lines.append(title) }
        guard let first = points.first else {
            lines.append("(nothing to plot: no finite values)")
            return lines.joined(separator: "\n")
        }
        var (xlo, xhi, ylo, yhi) = (first.x, first.x, first.y, first.y)
        for p in points {
            xlo = min(xlo, p.x); xhi = max(xhi, p.x); ylo = min(ylo, p.y); yhi = max(yhi, p.y)
        }
        if ylo == yhi {
            let pad = ylo == 0 ? 1 : abs(ylo) * 0.1
            ylo -= pad
            yhi += pad
        }
        let top = AxisNumber.text(yhi, span: yhi - ylo), bottom = AxisNumber.text(ylo, span: yhi - ylo)
        let labelWidth = max(top.count, bottom.count) + 1
        let width = max(10, min(maxColumns, options.lineWidth - labelWidth - 3))
        var canvas = DotCanvas(width: width, height: rows, unicode: options.unicode)
        // In Double, so that a range as wide as Float's own (±3·10³⁸) cannot overflow.
        func px(_ v: Float) -> Int {
            xhi == xlo ? canvas.dotWidth / 2 : dot((Double(v) - Double(xlo)) / (Double(xhi) - Double(xlo)), canvas.dotWidth)
        }
        func py(_ v: Float) -> Int { dot((Double(yhi) - Double(v)) / (Double(yhi) - Double(ylo)), canvas.dotHeight) }
        for (k, s) in series.enumerated() {
            var previous: (Int, Int)? = nil
            for (xv, yv) in zip(x, s) {
                guard xv.isFinite, yv.isFinite else { previous = nil; continue }
                let p = (px(xv), py(yv))
                if let q = previous { canvas.line(q.0, q.1, p.0, p.1, series: k) } else { canvas.set(p.0, p.1, series: k) }
                previous = p
            }
        }
        let box = options.unicode ? ("┌", "┐", "└", "┘", "─", "│") : ("+", "+", "+", "+", "-", "|")
        let margin = String(repeating: " ", count: labelWidth + 1)
        lines.append(margin + box.0 + String(repeating: box.4, count: width) + box.1)
        let colourful = series.count > 1
        for r in 0..<rows {
            let label = r == 0 ? top : (r == rows - 1 ? bottom : "")
            let row = canvas.row(r) { k, text in
                colourful || options.colour ? paint.apply(text, LineChart.colours[max(0, k) % LineChart.colours.count]) : text
            }
            lines.append(String(repeating: " ", count: labelWidth - label.count) + label + " " + box.5 + row + box.5)
        }
        lines.append(margin + box.2 + String(repeating: box.4, count: width) + box.3)
        let left = AxisNumber.text(xlo, span: xhi - xlo), right = AxisNumber.text(xhi, span: xhi - xlo)
        let gap = max(1, width + 2 - left.count - right.count)
        lines.append(margin + left + String(repeating: " ", count: gap) + right)
        if series.count > 1 {
            let mark = options.unicode ? "──" : "--"
            let legend = series.indices.map { k in
                paint.apply(mark, LineChart.colours[k % LineChart.colours.count]) + " row \(k)"
            }
            lines.append(margin + legend.joined(separator: "  "))
        }
        return lines.joined(separator: "\n")
    }
}

/// The dot for a position 0…1 along `n` dots (clamped; 0 for anything not finite).
func dot(_ fraction: Double, _ n: Int) -> Int {
    guard fraction.isFinite else { return 0 }
    return Int((min(1, max(0, fraction)) * Double(n - 1)).rounded())
}

// MARK: - Axis labels

enum AxisNumber {
    /// `x` with as many decimals as a range of `span` needs (about three significant digits of
    /// the span), scientific for very large or very small magnitudes.
    static func text(_ x: Float, span: Float) -> String {
        let magnitude = max(abs(x), abs(span))
        if magnitude >= 1e6 || (magnitude < 1e-3 && magnitude > 0) {
            return ValueFormatter(precision: 2).number(x)   // scientific notation at these magnitudes
        }
        var decimals = 0
        var s = max(abs(span), 1e-12)
        while s < 100, decimals < 6 {
            s *= 10
            decimals += 1
        }
        var text = ValueFormatter(precision: decimals).number(x)
        if text == "-0" { text = "0" }
        return text
    }
}
