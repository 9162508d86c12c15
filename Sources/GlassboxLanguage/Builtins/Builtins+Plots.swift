import GlassboxTensors

// MARK: - Plot values (data only)

/// What `plot(…)` and `heatmap(…)` return: the numbers to draw and nothing else. Drawing them
/// (braille line charts, shaded heatmaps, ASCII on terminals that are not UTF-8) belongs to
/// GlassboxWalkthroughs, which the REPL calls; the plain-text form is one line describing it.
public struct PlotValue: Sendable {
    public enum Kind: String, Sendable {
        /// A line chart of one or more series over shared x coordinates.
        case line
        /// A matrix drawn as shaded cells.
        case heatmap
    }

    public let kind: Kind
    /// Line chart: the x coordinates (0, 1, 2, … when not given).
    public let x: [Float]
    /// Line chart: each series' y values, as many as `x`.
    public let series: [[Float]]
    /// Heatmap: the matrix, row-major, `rows × columns`.
    public let rows: Int
    public let columns: Int
    public let matrix: [Float]
    public let title: String?

    /// A line chart; nil when a series' length differs from `x`'s.
    public init?(x: [Float], series: [[Float]], title: String? = nil) {
        guard series.allSatisfy({ $0.count == x.count }) else { return nil }
        self.kind = .line
        self.x = x
        self.series = series
        self.rows = 0
        self.columns = 0
        self.matrix = []
        self.title = title
    }

    /// A heatmap; nil when `matrix` does not hold `rows × columns` values.
    public init?(rows: Int, columns: Int, matrix: [Float], title: String? = nil) {
        guard rows >= 0, columns >= 0, rows * columns == matrix.count else { return nil }
        self.kind = .heatmap
        self.x = []
        self.series = []
        self.rows = rows
        self.columns = columns
        self.matrix = matrix
        self.title = title
    }

    /// `line plot: 2 series of 30 points` / `heatmap: 4×4`, with the title.
    public var summary: String {
        let what: String
        switch kind {
        case .line: what = "line plot: \(series.count) series of \(x.count) point\(x.count == 1 ? "" : "s")"
        case .heatmap: what = "heatmap: \(rows)×\(columns)"
        }
        return title.map { "\(what) — \($0)" } ?? what
    }
}

// MARK: - plot, heatmap

extension Builtins {
    /// Most points or cells a picture takes (the terminal shows far fewer; this bounds memory).
    static let maxPlotValues = 1_000_000

    static let plots: [Builtin] = [
        Builtin("plot", [.required("a"), .optional("b", "none"), .optional("title", "none")], .utility,
                "A line chart in the terminal (braille dots): plot(y), or plot(x, y); a 2-D y draws one line per row.",
                example: "plot(linspace(0, 1, 20) ^ 2)", signature: "plot(y) or plot(x, y, title=)") { a in
            let first = try a.tensor(0)
            let second = try a.optionalTensor(1)
            let y = second ?? first
            let yIndex = second == nil ? 0 : 1
            guard y.rank == 1 || y.rank == 2, y.count > 0 else {
                throw RuntimeError(.shape, "plot needs y as a vector (or one row per line), got a tensor of shape \(shapeText(y.shape))",
                                   a.ranges[yIndex] ?? a.range)
            }
            guard y.count <= maxPlotValues else {
                throw RuntimeError(.value, "too many points to plot (\(y.count); at most \(maxPlotValues))", a.ranges[yIndex] ?? a.range)
            }
            let n = y.shape[y.rank - 1]
            let data = y.toArray()
            let series = stride(from: 0, to: data.count, by: n).map { Array(data[$0..<($0 + n)]) }
            var x = (0..<n).map(Float.init)
            if second != nil {
                guard first.rank == 1, first.count == n else {
                    throw RuntimeError(.shape, "plot(x, y) needs x with one value per point: x has shape \(shapeText(first.shape)), "
                                       + "y has shape \(shapeText(y.shape))", a.ranges[0] ?? a.range)
                }
                x = first.toArray()
            }
            guard let value = PlotValue(x: x, series: series, title: try plotTitle(a, 2)) else {
                throw RuntimeError(.shape, "plot: x and y have different lengths", a.range)
            }
            return .plot(value)
        },
        Builtin("heatmap", [.required("M"), .optional("title", "none")], .utility,
                "A matrix as shaded cells with a colour scale (attention weights, weight matrices).",
                example: "heatmap(softmax(randn(4, 4)))") { a in
            let m = try a.tensor(0)
            guard m.rank == 1 || m.rank == 2, m.count > 0 else {
                throw RuntimeError(.shape, "heatmap needs a matrix (or a vector), got a tensor of shape \(shapeText(m.shape))",
                                   a.ranges[0] ?? a.range)
            }
            guard m.count <= maxPlotValues else {
                throw RuntimeError(.value, "too many cells for a heatmap (\(m.count); at most \(maxPlotValues))", a.ranges[0] ?? a.range)
            }
            let rows = m.rank == 2 ? m.shape[0] : 1, columns = m.shape[m.rank - 1]
            guard let value = PlotValue(rows: rows, columns: columns, matrix: m.toArray(), title: try plotTitle(a, 1)) else {
                throw RuntimeError(.shape, "heatmap: the matrix does not match its shape", a.range)
            }
            return .plot(value)
        },
    ]

    /// The `title=` argument, which must be a string.
    private static func plotTitle(_ a: Arguments, _ i: Int) throws -> String? {
        guard let v = a.value(i) else { return nil }
        guard case .string(let s) = v else {
            throw RuntimeError(.type, "a title must be a string, got a \(v.typeName)", a.ranges[i] ?? a.range)
        }
        return s
    }
}
