import GlassboxLanguage
import GlassboxTensors

// MARK: - Showing a tensor inside a walkthrough

/// How a step shows its tensor: small ones in full (the notebook's plain-text form), large ones
/// as shape, min, max, mean and the top-left corner.
struct TensorDisplay {
    var precision: Int
    var lineWidth: Int
    /// Tensors with at most this many elements (and at most `fullRows` rows) are shown in full.
    var fullLimit: Int
    var fullRows = 12

    /// `2×3` (`Shape.text`, the spelling of shapes everywhere); empty for a number.
    static func shape(_ t: Tensor) -> String {
        t.rank == 0 ? "" : Shape.text(t.shape)
    }

    /// The lines that show `t`, for a block indented by `indent` columns.
    func lines(_ t: Tensor, indent: Int) -> [String] {
        var f = ValueFormatter(precision: precision)
        f.lineWidth = max(20, lineWidth - indent)
        if t.count <= fullLimit && (t.rank < 2 || t.shape[t.rank - 2] <= fullRows) {
            return split(f.body(shape: t.shape, data: t.toArray()))
        }
        let data = t.toArray()
        var lo = Float.infinity, hi = -Float.infinity, sum = 0.0, finite = 0
        var nonFinite = 0
        for x in data {
            if x.isFinite {
                lo = Swift.min(lo, x)
                hi = Swift.max(hi, x)
                sum += Double(x)
                finite += 1
            } else {
                nonFinite += 1
            }
        }
        var stats = "min \(f.number(lo))  max \(f.number(hi))  mean \(f.number(Float(sum / Double(Swift.max(1, finite)))))"
        if finite == 0 { stats = "no finite values" }
        if nonFinite > 0 { stats += "  (\(nonFinite) not finite)" }
        var out = ["\(TensorDisplay.shape(t)) \(t.count) values: " + stats]
        let (cornerShape, corner) = TensorDisplay.corner(t, data)
        out.append("top-left corner:")
        out += split(f.body(shape: cornerShape, data: corner)).map { "  " + $0 }
        return out
    }

    /// The first rows and columns of the first matrix of `t` (a vector's first elements).
    static func corner(_ t: Tensor, _ data: [Float], rows: Int = 3, columns: Int = 6) -> ([Int], [Float]) {
        if t.rank <= 1 { return ([Swift.min(t.count, columns)], Array(data.prefix(columns))) }
        let r = t.shape[t.rank - 2], c = t.shape[t.rank - 1]
        let nr = Swift.min(r, rows), nc = Swift.min(c, columns)
        var out: [Float] = []
        for i in 0..<nr {
            for j in 0..<nc where i * c + j < data.count { out.append(data[i * c + j]) }
        }
        return ([nr, nc], out)
    }

    private func split(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }
}
