import GlassboxTensors

// MARK: - Short numbers in messages

/// `x` with `digits` significant digits, the way a message quotes a difference or a tolerance:
/// `0.41`, `12`, `3.2e-07`, `nan`. Trailing zeros are dropped (`1e-05`, not `1.0e-05`).
/// (Digits come from `NumberText.fixed`, the one fixed-decimal formatter.)
func shortNumber(_ x: Double, digits: Int = 2) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x < 0 ? "-inf" : "inf" }
    if x == 0 { return "0" }
    let sign = x < 0 ? "-" : ""
    var exponent = 0
    var probe = x.magnitude
    while probe >= 10 { probe /= 10; exponent += 1 }
    while probe < 1 { probe *= 10; exponent -= 1 }
    // Rounding to `digits` may carry into a new leading digit (9.96 → 10).
    let scale = NumberText.pow10(digits - 1)
    if (probe * scale).rounded() >= 10 * scale { probe /= 10; exponent += 1 }
    if exponent >= -3 && exponent < 5 {
        let decimals = max(0, digits - 1 - exponent)
        return sign + droppingTrailingZeros(NumberText.fixed(x.magnitude, decimals))
    }
    let mantissa = droppingTrailingZeros(NumberText.fixed(probe, digits - 1))
    let e = abs(exponent)
    return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (e < 10 ? "0" : "") + String(e)
}

private func droppingTrailingZeros(_ text: String) -> String {
    guard text.contains(".") else { return text }
    var t = Substring(text)
    while t.hasSuffix("0") { t = t.dropLast() }
    if t.hasSuffix(".") { t = t.dropLast() }
    return String(t)
}
