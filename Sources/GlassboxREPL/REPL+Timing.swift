import GlassboxTensors
import GlassboxLanguage
#if canImport(Glibc)
import Glibc
#endif

// MARK: - :time

extension REPL {
    /// `:time EXPR`, after IPython's `%timeit`: find a loop count whose run takes at least
    /// 0.2 s (1, 2, 5, 10, 20, 50, … loops), then time 7 such runs and report the median time
    /// per loop, with the fastest. Stops early on an error, on Ctrl-C, or once 10 s have passed
    /// (keeping the runs done so far).
    ///
    /// As `%timeit` compiles its statement once, the loops run inside the language —
    /// `for __timeit in 1...N { EXPR }`, parsed once — so a tiny expression is not timed mostly
    /// as parsing. Code that cannot sit in a block falls back to one `Session.run` per loop.
    func time(_ code: String) {
        guard !code.isEmpty else {
            return problem("`:time` needs code to time, as in `:time A @ B`")
        }
        // One plain run first: errors show as they would in a cell.
        guard timeLoops(code, 1, inLanguageLoop: false) != nil else { return }
        let inLanguageLoop: Bool
        switch session.run(Self.languageLoop(code, 1), name: ":time").error {
        case nil: inLanguageLoop = true
        case let error? where error.kind == .syntax: inLanguageLoop = false
        case let error?:
            showTimingError(error)
            return
        }
        session.remove(Self.loopVariable)

        let minimumRun = timingMinimumRun, runs = 7, budget = 10.0
        let started = monotonicSeconds()
        var loops = 1
        var perLoop: [Double] = []
        // Calibrate: the first run long enough also counts as the first sample.
        while true {
            guard let seconds = timeLoops(code, loops, inLanguageLoop: inLanguageLoop) else { return }
            if seconds >= minimumRun || loops >= 1_000_000_000 {
                perLoop.append(seconds / Double(loops))
                break
            }
            loops = Self.nextLoopCount(after: loops)
        }
        while perLoop.count < runs, monotonicSeconds() - started < budget {
            guard let seconds = timeLoops(code, loops, inLanguageLoop: inLanguageLoop) else { return }
            perLoop.append(seconds / Double(loops))
        }
        let sorted = perLoop.sorted()
        let median = sorted.count % 2 == 1
            ? sorted[sorted.count / 2]
            : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        let runWord = sorted.count == 1 ? "run" : "runs"
        let loopWord = loops == 1 ? "loop" : "loops"
        say("\(Self.duration(median)) per loop (median of \(sorted.count) \(runWord), \(loops) \(loopWord) each; "
            + "fastest \(Self.duration(sorted[0])))")
    }

    /// The loop variable of `languageLoop`, unbound again after each run.
    static let loopVariable = "__timeit"

    /// `code` run `count` times by the language itself.
    static func languageLoop(_ code: String, _ count: Int) -> String {
        "for \(loopVariable) in 1...\(count) {\n\(code)\n}"
    }

    /// Runs `code` `count` times; the seconds it took, or nil (error shown) when a run failed.
    private func timeLoops(_ code: String, _ count: Int, inLanguageLoop: Bool) -> Double? {
        if inLanguageLoop {
            if InterruptSignal.isPending { return timingInterrupted() }
            let start = monotonicSeconds()
            let result = session.run(Self.languageLoop(code, count), name: ":time")
            let seconds = monotonicSeconds() - start
            session.remove(Self.loopVariable)
            if let error = result.error { return showTimingError(error) }
            return seconds
        }
        let start = monotonicSeconds()
        for _ in 0..<count {
            // Code too small to poll the flag itself still stops on Ctrl-C between runs.
            if InterruptSignal.isPending { return timingInterrupted() }
            let result = session.run(code, name: ":time")
            if let error = result.error { return showTimingError(error) }
        }
        return monotonicSeconds() - start
    }

    private func timingInterrupted() -> Double? {
        startBelowEchoedInterrupt()
        problem("`:time` interrupted")
        return nil
    }

    @discardableResult
    private func showTimingError(_ error: Diagnostic) -> Double? {
        if error.kind == .interrupted { startBelowEchoedInterrupt() }
        let sink = isNotebook ? output : errors
        sink.write(renderer.diagnostic(error, cellName: ":time") + "\n")
        return nil
    }

    /// 1, 2, 5, 10, 20, 50, …
    static func nextLoopCount(after loops: Int) -> Int {
        var decade = 1
        while decade * 10 <= loops { decade *= 10 }
        switch loops / decade {
        case 1: return 2 * decade
        case 2...4: return 5 * decade
        default: return 10 * decade
        }
    }

    /// Three significant digits in ns, µs, ms or s.
    static func duration(_ seconds: Double) -> String {
        let (value, unit): (Double, String) =
            seconds < 1e-6 ? (seconds * 1e9, "ns")
            : seconds < 1e-3 ? (seconds * 1e6, "µs")
            : seconds < 1 ? (seconds * 1e3, "ms")
            : (seconds, "s")
        let decimals = value >= 100 ? 0 : value >= 10 ? 1 : 2
        return NumberText.fixed(value, decimals) + " " + unit
    }
}

/// Seconds on the monotonic clock.
func monotonicSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}
