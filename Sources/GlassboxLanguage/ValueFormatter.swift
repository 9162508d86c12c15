import GlassboxTensors

// MARK: - The plain-text form of tensors

/// Writes tensors the way NumPy does, adapted for learners: a shape header (`2×3`), rows in
/// aligned columns, whole numbers without decimals, `…` for the middle of large tensors.
///
///     2×3
///     [[ 1.0000, -2.5000,  3.0000],
///      [ 4.0000,  5.0000,  6.0000]]
///
/// Number style, chosen once per tensor from the elements shown:
/// - all whole and below 10⁸ in magnitude: integers (`[1, 2, 3]`);
/// - otherwise fixed point with the fewest decimals (at most `precision`) that show every element
///   as it rounds at `precision` decimals, the same count for all (NumPy's `maxprec_equal`);
/// - scientific (`1.2346e-05`) when the largest magnitude is ≥ 10⁸ or the smallest nonzero one
///   would round to zero at `precision` decimals.
/// `nan`, `inf` and `-inf` are written as such. The REPL adds colour on top of this text.
public struct ValueFormatter: Sendable {
    /// Digits after the decimal point (`:precision N`), 0…12.
    public var precision: Int
    /// Tensors with more elements than this are summarized.
    public var threshold: Int
    /// Elements kept at each end of a summarized axis.
    public var edgeItems: Int
    /// Rows longer than this wrap onto continuation lines.
    public var lineWidth: Int

    public init(precision: Int = 4, threshold: Int = 1000, edgeItems: Int = 3, lineWidth: Int = 80) {
        self.precision = max(0, min(12, precision))
        self.threshold = max(1, threshold)
        self.edgeItems = max(1, edgeItems)
        self.lineWidth = max(20, lineWidth)
    }

    // MARK: Header and body

    /// `2×3` for a matrix, `3-element` for a vector (`Shape.text`), nil for a number.
    public func header(shape: [Int], isParameter: Bool = false) -> String? {
        guard !shape.isEmpty else { return nil }
        let dims = Shape.text(shape)
        return isParameter ? dims + " param" : dims
    }

    /// The bracketed rows (or the number, for rank 0) of a tensor given row-major.
    public func body(shape: [Int], data: [Float]) -> String {
        // An empty tensor writes its nested brackets only when there are few: `zeros(1e15, 0)`
        // has no elements but 10¹⁵ empty rows (the header still shows its shape), and listing
        // them ran out of memory (found with the fuzz harness).
        if data.isEmpty, !shape.isEmpty, ValueFormatter.bracketCount(shape) > threshold { return "[]" }
        let summarize = data.count > threshold
        // Which indices to show along each axis; nil marks the `…` gap.
        let shown: [[Int?]] = shape.map { n in
            if summarize && n > 2 * edgeItems {
                return Array(0..<edgeItems).map(Optional.some) + [nil] + Array(n - edgeItems..<n).map(Optional.some)
            }
            return Array(0..<n).map(Optional.some)
        }
        var strides = [Int](repeating: 1, count: shape.count)
        if shape.count > 1 {
            for k in stride(from: shape.count - 2, through: 0, by: -1) { strides[k] = strides[k + 1] * shape[k + 1] }
        }
        // Gather the elements that will be shown, then decide the number style from them.
        var visible: [Float] = []
        collect(shown, strides, 0, 0, data, &visible)
        let style = NumberStyle(visible, precision: precision)
        if shape.isEmpty { return style.format(data.first ?? .nan) }
        let width = visible.reduce(1) { max($0, style.format($1).count) }
        var out = ""
        write(shown, strides, axis: 0, offset: 0, data, style, width, indent: 0, into: &out)
        return out
    }

    /// ∏ max(dᵢ, 1): how many innermost rows and empty brackets the nested form of `shape` has
    /// (the element count for a tensor that is not empty); `Int.max` when that overflows.
    static func bracketCount(_ shape: [Int]) -> Int {
        var n = 1
        for d in shape {
            let (p, overflow) = n.multipliedReportingOverflow(by: max(d, 1))
            if overflow { return Int.max }
            n = p
        }
        return n
    }

    /// One number as `body` would write it for a tensor holding only that number.
    public func number(_ value: Float) -> String {
        NumberStyle([value], precision: precision).format(value)
    }

    // MARK: Layout

    private func collect(_ shown: [[Int?]], _ strides: [Int], _ axis: Int, _ offset: Int,
                         _ data: [Float], _ out: inout [Float]) {
        if axis == shown.count {
            if offset < data.count { out.append(data[offset]) }
            return
        }
        for i in shown[axis] {
            if let i { collect(shown, strides, axis + 1, offset + i * strides[axis], data, &out) }
        }
    }

    private func write(_ shown: [[Int?]], _ strides: [Int], axis: Int, offset: Int, _ data: [Float],
                       _ style: NumberStyle, _ width: Int, indent: Int, into out: inout String) {
        let rank = shown.count
        out += "["
        if axis == rank - 1 {
            // The innermost axis: one row of numbers, wrapped at lineWidth.
            var column = indent + 1
            var first = true
            for i in shown[axis] {
                let item: String
                if let i {
                    let text = offset + i < data.count ? style.format(data[offset + i]) : "?"
                    item = String(repeating: " ", count: max(0, width - text.count)) + text
                } else {
                    item = "…"
                }
                if !first {
                    out += ","
                    column += 1
                    if column + 1 + item.count + 2 > lineWidth {
                        out += "\n" + String(repeating: " ", count: indent + 1)
                        column = indent + 1
                    } else {
                        out += " "
                        column += 1
                    }
                }
                out += item
                column += item.count
                first = false
            }
            out += "]"
            return
        }
        let separator = "," + String(repeating: "\n", count: max(1, rank - axis - 1))
        var first = true
        for i in shown[axis] {
            if !first { out += separator + String(repeating: " ", count: indent + 1) }
            if let i {
                write(shown, strides, axis: axis + 1, offset: offset + i * strides[axis], data, style, width,
                      indent: indent + 1, into: &out)
            } else {
                out += "…"
            }
            first = false
        }
        out += "]"
    }
}

// MARK: - Number style

/// How every number of one tensor is written, decided once from the numbers shown.
struct NumberStyle {
    enum Mode { case integer, fixed(decimals: Int), scientific(digits: Int) }
    let mode: Mode

    init(_ values: [Float], precision: Int) {
        var maxAbs: Double = 0
        var minNonzero = Double.infinity
        var allWhole = true
        for v in values where v.isFinite {
            let a = Double(v).magnitude
            maxAbs = max(maxAbs, a)
            if a > 0 { minNonzero = min(minNonzero, a) }
            if v != v.rounded(.towardZero) { allWhole = false }
        }
        if allWhole && maxAbs < 1e8 {
            mode = .integer
        } else if maxAbs >= 1e8 || minNonzero < NumberText.pow10(-precision) / 2 {
            mode = .scientific(digits: precision)
        } else {
            // The fewest decimals that write each value as it rounds at `precision` decimals.
            var decimals = 0
            let scale = NumberText.pow10(precision)
            for v in values where v.isFinite {
                var n = (Double(v).magnitude * scale).rounded(.toNearestOrEven)
                var d = precision
                while d > decimals, n.truncatingRemainder(dividingBy: 10) == 0 { n /= 10; d -= 1 }
                decimals = max(decimals, d)
                if decimals == precision { break }
            }
            mode = .fixed(decimals: decimals)
        }
    }

    func format(_ v: Float) -> String {
        if v.isNaN { return "nan" }
        if v.isInfinite { return v < 0 ? "-inf" : "inf" }
        let x = Double(v)
        switch mode {
        case .integer:
            return (x.sign == .minus ? "-" : "") + String(Int64(x.magnitude))
        case .fixed(let decimals):
            return NumberText.fixed(x, decimals)
        case .scientific(let digits):
            return NumberText.scientific(x, digits)
        }
    }
}
