// MARK: - A canvas of dots drawn with characters

/// A grid of character cells, each holding a few dots: 2×4 with Unicode braille (U+2800–U+28FF,
/// as UnicodePlots.jl and plotext draw), 1×3 with ASCII (`'`, `-`, `.` and their stacks) on
/// terminals that are not UTF-8. Lines between points are drawn with Bresenham's algorithm in
/// dot coordinates; a cell remembers the last series drawn in it, for colour.
struct DotCanvas {
    /// Size in character cells.
    let width: Int, height: Int
    let unicode: Bool
    /// Dots per cell across and down.
    var cellWidth: Int { unicode ? 2 : 1 }
    var cellHeight: Int { unicode ? 4 : 3 }
    /// Size in dots.
    var dotWidth: Int { width * cellWidth }
    var dotHeight: Int { height * cellHeight }

    private var bits: [UInt8]
    private var owner: [Int]

    init(width: Int, height: Int, unicode: Bool) {
        self.width = max(1, width)
        self.height = max(1, height)
        self.unicode = unicode
        bits = Array(repeating: 0, count: self.width * self.height)
        owner = Array(repeating: -1, count: self.width * self.height)
    }

    /// Braille dot numbering: bit for the dot at column c (0, 1) and row r (0…3) of a cell.
    private static let brailleBit: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]

    /// Turns on the dot at (x, y), y counted from the top; dots outside are ignored.
    mutating func set(_ x: Int, _ y: Int, series: Int = 0) {
        guard x >= 0, y >= 0, x < dotWidth, y < dotHeight else { return }
        let cell = (y / cellHeight) * width + x / cellWidth
        let bit: UInt8 = unicode ? DotCanvas.brailleBit[x % 2][y % 4] : UInt8(1 << (y % 3))
        bits[cell] |= bit
        owner[cell] = series
    }

    /// A straight line of dots from (x0, y0) to (x1, y1), both ends included (Bresenham).
    mutating func line(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, series: Int = 0) {
        var x = x0, y = y0
        let dx = abs(x1 - x0), dy = -abs(y1 - y0)
        let sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
        var error = dx + dy
        var guardSteps = dx - dy + 2   // a line never takes more steps than this
        while guardSteps > 0 {
            set(x, y, series: series)
            if x == x1 && y == y1 { break }
            let e2 = 2 * error
            if e2 >= dy { error += dy; x += sx }
            if e2 <= dx { error += dx; y += sy }
            guardSteps -= 1
        }
    }

    /// The characters of row `r` (top first), each cell coloured by `paint(series, text)`.
    func row(_ r: Int, paint: (Int, String) -> String) -> String {
        var out = ""
        for c in 0..<width {
            let i = r * width + c
            let ch = character(bits[i])
            out += bits[i] == 0 ? ch : paint(owner[i], ch)
        }
        return out
    }

    private func character(_ b: UInt8) -> String {
        if unicode {
            return b == 0 ? " " : Unicode.Scalar(0x2800 + UInt32(b)).map { String(Character($0)) } ?? " "
        }
        // ASCII: bit 0 top, bit 1 middle, bit 2 bottom.
        switch b {
        case 0: return " "
        case 1: return "'"
        case 2: return "-"
        case 4: return "."
        case 5: return ":"
        default: return "|"
        }
    }
}
