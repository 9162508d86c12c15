import GlassboxLanguage

// MARK: - Language rows

/// The interpreter's own cost (issue #3): `x = x + 1` on a 4-element tensor, run as a Glassbox
/// loop, per iteration. Target ≤ 0.5 µs (Python + NumPy: about 0.7 µs per `a + b`).
/// Each sample runs one cell of 100 000 iterations; parsing and compiling the cell is included
/// but amounts to well under 0.1 ns per iteration.
func languageRows() -> [(name: String, run: () -> Measurement)] { [
    ("language_x_plus_1", {
        let iterations = 100_000
        let session = Session()
        _ = session.run("x = zeros(4)")
        let cell = "for i in 1...\(iterations) { x = x + 1 }"
        var m = measure("language_x_plus_1", samples: 15, sampleSeconds: 0.05) { _ = session.run(cell) }
        m.median /= Double(iterations)
        m.min /= Double(iterations)
        m.cpu /= Double(iterations)
        m.iterationsPerSample *= iterations
        return m
    }),
    // What the language adds to `glassbox -e '1'` (target ≤ 20 ms in all): a fresh session with
    // every built-in bound, then one cell parsed, compiled, run and formatted.
    ("language_session_start", {
        measure("language_session_start", samples: 15) {
            let session = Session()
            if let v = session.run("1").lastValue { blackHole(session.format(v)) }
        }
    }),
] }
