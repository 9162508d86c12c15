import Foundation
import XCTest
import GlassboxLanguage
@testable import GlassboxWalkthroughs

// MARK: - Snapshot files with a record switch

/// Long outputs are kept as text files in `Snapshots/` beside this file and compared line by line.
///
/// Record (or re-record after an intended change) with
///
///     GLASSBOX_RECORD_SNAPSHOTS=1 swift test --filter GlassboxWalkthroughsTests
///
/// and review the diff with `git diff Tests/GlassboxWalkthroughsTests/Snapshots`.
///
/// Numbers may differ by one unit in their last printed digit or by 2·10⁻⁵ relative (the optimized
/// and reference kernels round differently: a value near a rounding boundary prints one unit
/// apart, and Adam's bias correction 1 − β₂ᵗ differs by a few dozen ulps between them);
/// everything else — layout, names, formulas, how many numbers — must match exactly. The values
/// themselves are held to bit-for-bit equality with the built-ins by BitForBitTests.
enum Snapshot {
    static var directory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")
    }

    static var isRecording: Bool {
        let v = ProcessInfo.processInfo.environment["GLASSBOX_RECORD_SNAPSHOTS"] ?? ""
        return !v.isEmpty && v != "0"
    }

    /// Compares `actual` with `Snapshots/<name>.txt` (or writes it when recording).
    static func assert(_ actual: String, named name: String, file: StaticString = #filePath, line: UInt = #line) {
        let url = directory.appendingPathComponent(name + ".txt")
        let text = normalized(actual)
        if isRecording {
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                try text.write(to: url, atomically: true, encoding: .utf8)
            } catch {
                XCTFail("could not record \(url.path): \(error)", file: file, line: line)
            }
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            XCTFail("no snapshot \(name).txt; record it with GLASSBOX_RECORD_SNAPSHOTS=1", file: file, line: line)
            return
        }
        if let difference = firstDifference(expected, text) {
            XCTFail("snapshot \(name).txt differs at line \(difference.line):\n  expected: \(difference.expected)\n"
                    + "  actual:   \(difference.actual)\n(re-record with GLASSBOX_RECORD_SNAPSHOTS=1 if the change is intended)",
                    file: file, line: line)
        }
    }

    /// Trailing spaces removed, one final newline.
    static func normalized(_ text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            String(line.reversed().drop(while: { $0 == " " }).reversed())
        }
        while lines.last == "" { lines.removeLast() }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The first line that differs beyond a last-digit wobble of its numbers.
    static func firstDifference(_ expected: String, _ actual: String) -> (line: Int, expected: String, actual: String)? {
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        for i in 0..<max(e.count, a.count) {
            let el = i < e.count ? String(e[i]) : "<end>"
            let al = i < a.count ? String(a[i]) : "<end>"
            if el != al && !sameUpToLastDigit(el, al) { return (i + 1, el, al) }
        }
        return nil
    }

    /// Lines equal except that numbers written with the same digit count differ by at most one
    /// unit in their last place (or 2·10⁻⁵ of their size).
    static func sameUpToLastDigit(_ x: String, _ y: String) -> Bool {
        let tx = tokens(x), ty = tokens(y)
        guard tx.count == ty.count else { return false }
        for (p, q) in zip(tx, ty) where p != q {
            guard case .number(let u, let decimals) = p, case .number(let v, let decimalsV) = q,
                  decimals == decimalsV else { return false }
            let unit = pow(10.0, -Double(decimals))
            if abs(u - v) > max(unit * 1.0001, 2e-5 * max(abs(u), abs(v))) { return false }
        }
        return true
    }

    enum Token: Equatable {
        case text(String)
        case number(Double, decimals: Int)
    }

    /// Splits a line into numbers (`-1.2345`, `0.5`) and the text between them.
    static func tokens(_ line: String) -> [Token] {
        var out: [Token] = []
        var text = ""
        let chars = Array(line)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            let startsNumber = c.isASCII && c.isNumber || ((c == "-" || c == "−") && i + 1 < chars.count && chars[i + 1].isASCII && chars[i + 1].isNumber)
            if startsNumber {
                var j = i + 1
                var decimals = -1
                while j < chars.count, chars[j].isASCII, chars[j].isNumber || (chars[j] == "." && decimals < 0) {
                    if chars[j] == "." { decimals = 0 } else if decimals >= 0 { decimals += 1 }
                    j += 1
                }
                let literal = String(chars[i..<j]).replacingOccurrences(of: "−", with: "-")
                if let value = Double(literal) {
                    if !text.isEmpty { out.append(.text(text)); text = "" }
                    out.append(.number(value, decimals: max(0, decimals)))
                    i = j
                    continue
                }
            }
            text.append(c)
            i += 1
        }
        if !text.isEmpty { out.append(.text(text)) }
        return out
    }
}
