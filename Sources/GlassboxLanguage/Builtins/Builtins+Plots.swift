import GlassboxTensors

// MARK: - Plot values (data only)

/// What `plot(…)`, `heatmap(…)`, `imshow(…)` and `feature_maps(…)` return: the numbers to draw and nothing else. Drawing them
/// (braille line charts, shaded heatmaps, ASCII on terminals that are not UTF-8) belongs to
/// GlassboxWalkthroughs, which the REPL calls; the plain-text form is one line describing it.
public struct PlotValue: Sendable {
    public enum Kind: String, Sendable {
        /// A line chart of one or more series over shared x coordinates.
        case line
        /// A matrix drawn as shaded cells.
        case heatmap
        /// A picture: `count` channels (1 grey, 3 RGB) of rows × columns pixels, values in [0, 1].
        case image
        /// `count` feature maps of rows × columns, each scaled to [0, 1] on its own, drawn as a grid
        /// labelled by `labels` (their channel numbers).
        case maps
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
    /// Image: channels (1 or 3); feature maps: how many maps. 0 for line charts and heatmaps.
    public let count: Int
    /// Feature maps: each map's channel number in the layer.
    public let labels: [Int]
    /// Image: the range the values were scaled from to reach [0, 1], when they were outside it.
    public let scaledFrom: (lo: Float, hi: Float)?

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
        self.count = 0
        self.labels = []
        self.scaledFrom = nil
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
        self.count = 0
        self.labels = []
        self.scaledFrom = nil
    }

    /// A picture (channels × rows × columns in [0, 1]) or a grid of feature maps; nil when the
    /// values do not fill the shape or the kind is not one of the two.
    public init?(_ kind: Kind, count: Int, rows: Int, columns: Int, pixels: [Float], labels: [Int] = [],
                 scaledFrom: (lo: Float, hi: Float)? = nil, title: String? = nil) {
        guard kind == .image || kind == .maps, count > 0, rows > 0, columns > 0,
              count * rows * columns == pixels.count, kind == .image ? (count == 1 || count == 3) : labels.count == count
        else { return nil }
        self.kind = kind
        self.x = []
        self.series = []
        self.rows = rows
        self.columns = columns
        self.matrix = pixels
        self.title = title
        self.count = count
        self.labels = labels
        self.scaledFrom = scaledFrom
    }

    /// `line plot: 2 series of 30 points` / `heatmap: 4×4`, with the title.
    public var summary: String {
        let what: String
        switch kind {
        case .line: what = "line plot: \(series.count) series of \(x.count) point\(x.count == 1 ? "" : "s")"
        case .heatmap: what = "heatmap: \(rows)×\(columns)"
        case .image: what = "image: \(count == 3 ? "RGB" : "grey") \(rows)×\(columns)"
        case .maps: what = "feature maps: \(count) of \(rows)×\(columns)"
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

    static let pictures: [Builtin] = [
        Builtin("imshow", [.required("img"), .optional("title", "none")], .utility,
                "An image in the terminal: H×W (grey) or 3×H×W (RGB, as load_image gives), truecolor half-blocks where the terminal has colour, shades otherwise. Values outside [0, 1] are scaled from their range.",
                example: "imshow(rand(3, 8, 8))", signature: "imshow(img, title=)") { a in
            let t = try a.tensor(0)
            var shape = t.shape
            if shape.count == 4 && shape[0] == 1 { shape.removeFirst() }
            if shape.count == 2 { shape.insert(1, at: 0) }
            guard shape.count == 3, shape[0] == 1 || shape[0] == 3, t.count > 0 else {
                throw RuntimeError(.shape, "imshow needs an image H×W or 3×H×W (or 1×3×H×W), got a tensor of shape \(shapeText(t.shape))",
                                   a.ranges[0] ?? a.range)
            }
            guard t.count <= maxPlotValues * 3 else {
                throw RuntimeError(.value, "the image is too large to show (\(t.count) values; at most \(maxPlotValues * 3))", a.ranges[0] ?? a.range)
            }
            var data = t.toArray()
            let finite = data.filter(\.isFinite)
            let lo = finite.min() ?? 0, hi = finite.max() ?? 1
            var scaled: (lo: Float, hi: Float)? = nil
            if lo < 0 || hi > 1 || shape[0] == 1 && hi > lo {
                // Grey pictures are stretched to their range (as matplotlib's imshow); colour ones only when outside [0, 1].
                if lo != 0 || hi != 1 { scaled = (lo, hi) }
                let span = hi > lo ? hi - lo : 1
                for i in data.indices { data[i] = (data[i] - lo) / span }
            }
            guard let value = PlotValue(.image, count: shape[0], rows: shape[1], columns: shape[2], pixels: data,
                                        scaledFrom: scaled, title: try plotTitle(a, 1)) else {
                throw RuntimeError(.shape, "imshow: the image does not match its shape", a.range)
            }
            return .plot(value)
        },
        Builtin("feature_maps", [.required("x"), .optional("n", "16"), .optional("title", "none")], .utility,
                "A layer's feature maps as a grid of small pictures: the first n channels of C×H×W (or 1×C×H×W), each scaled to its own range.",
                example: "feature_maps(conv2d(rand(1, 1, 8, 8), randn(4, 1, 3, 3)))", signature: "feature_maps(x, n=16, title=)") { a in
            let t = try a.tensor(0)
            var shape = t.shape
            if shape.count == 4 && shape[0] == 1 { shape.removeFirst() }
            guard shape.count == 3, t.count > 0 else {
                throw RuntimeError(.shape, "feature_maps needs C×H×W (or one image 1×C×H×W), got a tensor of shape \(shapeText(t.shape))",
                                   a.ranges[0] ?? a.range)
            }
            let n = try a.int(1) ?? 16
            guard n >= 1 else { throw RuntimeError(.value, "n must be at least 1, got \(n)", a.ranges[1] ?? a.range) }
            let c = min(n, shape[0]), plane = shape[1] * shape[2]
            guard c * plane <= maxPlotValues else {
                throw RuntimeError(.value, "too many values to draw (\(c * plane); at most \(maxPlotValues))", a.ranges[0] ?? a.range)
            }
            let all = Array(t.toArray().prefix(c * plane))
            var data = [Float](repeating: 0, count: c * plane)
            for k in 0..<c {
                let map = all[(k * plane)..<((k + 1) * plane)]
                let finite = map.filter(\.isFinite)
                let lo = finite.min() ?? 0, hi = finite.max() ?? 0, span = hi > lo ? hi - lo : 1
                for (i, v) in map.enumerated() { data[k * plane + i] = hi > lo ? (v - lo) / span : (v.isFinite ? 0.5 : v) }
            }
            guard let value = PlotValue(.maps, count: c, rows: shape[1], columns: shape[2], pixels: data,
                                        labels: Array(0..<c), title: try plotTitle(a, 2)) else {
                throw RuntimeError(.shape, "feature_maps: the maps do not match their shape", a.range)
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
