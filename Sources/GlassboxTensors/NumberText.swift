// MARK: - Numbers as text

/// The one place that turns numbers into text for a learner to read, without Foundation or
/// printf: fixed decimals (tensor bodies, timings, exercise feedback), scientific notation, and
/// byte sizes (memory limits, file limits, output caps).
public enum NumberText {
    /// `x` with exactly `decimals` digits after the point, rounded half to even; numbers too large
    /// for that many digits fall back to `scientific`.
    public static func fixed(_ x: Double, _ decimals: Int) -> String {
        let scaled = (x.magnitude * pow10(decimals)).rounded(.toNearestOrEven)
        guard scaled < 9e15 else { return scientific(x, decimals) }
        let n = Int64(scaled)
        let unit = Int64(pow10(decimals))
        var text = String(n / unit)
        if decimals > 0 {
            let fraction = String(n % unit)
            text += "." + String(repeating: "0", count: decimals - fraction.count) + fraction
        }
        return (x.sign == .minus ? "-" : "") + text
    }

    /// `x` as `d.dddde±XX` with `digits` digits after the point.
    public static func scientific(_ x: Double, _ digits: Int) -> String {
        let a = x.magnitude
        guard a > 0 else { return (x.sign == .minus ? "-" : "") + fixed(0, digits) + "e+00" }
        var exponent = 0
        var probe = a
        while probe >= 10 { probe /= 10; exponent += 1 }
        while probe < 1 { probe *= 10; exponent -= 1 }
        // Divide by an exact power of ten once, so the mantissa carries one rounding only.
        var mantissa = exponent >= 0 ? a / pow10(exponent) : a * pow10(-exponent)
        let scale = pow10(digits)
        if (mantissa * scale).rounded() >= 10 * scale { mantissa /= 10; exponent += 1 }
        let e = Swift.abs(exponent)
        let exponentText = (exponent < 0 ? "-" : "+") + (e < 10 ? "0" : "") + String(e)
        return (x.sign == .minus ? "-" : "") + fixed(mantissa, digits) + "e" + exponentText
    }

    /// 10ⁿ; exact for |n| ≤ 22.
    public static func pow10(_ n: Int) -> Double {
        var result = 1.0
        for _ in 0..<Swift.abs(n) { result *= 10 }
        return n >= 0 ? result : 1 / result
    }

    /// `1 GiB`, `2.5 GiB`, `4 MiB`, `512 KiB`, `100 bytes`: the largest unit that fits, with at
    /// most one decimal, rounded down (a limit is never shown larger than it is).
    public static func bytes(_ n: Int) -> String {
        for (unit, shift) in [("GiB", 30), ("MiB", 20), ("KiB", 10)] where n >= 1 << shift {
            let tenths = Int((Double(n) / Double(1 << shift) * 10).rounded(.down))
            return (tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)") + " " + unit
        }
        return n == 1 ? "1 byte" : "\(n) bytes"
    }
}
