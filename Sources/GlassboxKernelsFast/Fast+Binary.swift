// Arithmetic between a matrix and a row vector broadcast along it (bias adds, layer scales):
// y[r, c] = a[r, c] ∘ b[c] (or b[c] ∘ a[r, c]). The same-shape and scalar cases are simple
// enough that the reference loops vectorize on their own; this one does not (its reference
// goes through a switch per element).

extension Fast {
    /// The four arithmetic operations (the subset of `BinaryOp` that has a fast loop).
    public enum Arithmetic: Sendable {
        case add, sub, mul, div
    }

    @inline(__always)
    static func apply(_ op: Arithmetic, _ x: V8, _ y: V8) -> V8 {
        switch op {
        case .add: return x + y
        case .sub: return x - y
        case .mul: return x * y
        case .div: return x / y
        }
    }

    @inline(__always)
    static func apply(_ op: Arithmetic, _ x: Float, _ y: Float) -> Float {
        switch op {
        case .add: return x + y
        case .sub: return x - y
        case .mul: return x * y
        case .div: return x / y
        }
    }

    /// y[r, c] = a[r, c] ∘ b[c], or b[c] ∘ a[r, c] with `rowOnLeft`.
    /// Shapes: y, a: [rows × cols]; b: [cols]. y may alias a.
    public static func binaryRow(
        _ op: Arithmetic, _ y: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>,
        _ b: UnsafePointer<Float>, rowOnLeft: Bool, rows: Int, cols: Int
    ) {
        switch (op, rowOnLeft) {
        // One specialized loop per case, so the operation is not chosen per element.
        case (.add, _): rowLoop(y, a, b, rows, cols) { x, r in x + r }
        case (.mul, _): rowLoop(y, a, b, rows, cols) { x, r in x * r }
        case (.sub, false): rowLoop(y, a, b, rows, cols) { x, r in x - r }
        case (.sub, true): rowLoop(y, a, b, rows, cols) { x, r in r - x }
        case (.div, false): rowLoop(y, a, b, rows, cols) { x, r in x / r }
        case (.div, true): rowLoop(y, a, b, rows, cols) { x, r in r / x }
        }
    }

    @inline(__always)
    static func rowLoop(
        _ y: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
        _ rows: Int, _ cols: Int, _ f: (V8, V8) -> V8
    ) {
        for r in 0..<rows {
            let yr = y + r * cols, ar = a + r * cols
            var c = 0
            while c + 8 <= cols {
                store(f(load(ar + c), load(b + c)), yr + c)
                c += 8
            }
            if c < cols {
                let n = cols - c
                storePartial(f(loadPartial(ar + c, n), loadPartial(b + c, n, fill: 1)), yr + c, n)
            }
        }
    }
}

// MARK: - Same shape

extension Fast {
    /// y[i] = a[i] ∘ b[i] for i < count (AVX2, 16 lanes per iteration). y may alias a or b.
    public static func binary(
        _ op: Arithmetic, _ y: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>,
        _ b: UnsafePointer<Float>, count: Int
    ) {
        switch op {
        case .add: zipLoop(y, a, b, count) { $0 + $1 }
        case .sub: zipLoop(y, a, b, count) { $0 - $1 }
        case .mul: zipLoop(y, a, b, count) { $0 * $1 }
        case .div: zipLoop(y, a, b, count) { $0 / $1 }
        }
    }

    @inline(__always)
    static func zipLoop(
        _ y: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
        _ count: Int, _ f: (V8, V8) -> V8
    ) {
        var i = 0
        while i + 16 <= count {
            let r0 = f(load(a + i), load(b + i)), r1 = f(load(a + i + 8), load(b + i + 8))
            store(r0, y + i)
            store(r1, y + i + 8)
            i += 16
        }
        while i + 8 <= count {
            store(f(load(a + i), load(b + i)), y + i)
            i += 8
        }
        if i < count {
            let n = count - i
            storePartial(f(loadPartial(a + i, n), loadPartial(b + i, n, fill: 1)), y + i, n)
        }
    }
}
