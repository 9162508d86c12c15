#if canImport(Glibc)
import Glibc
#endif

// MARK: - Clock

/// Monotonic time in seconds (`clock_gettime(CLOCK_MONOTONIC)`).
func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// CPU time of the whole process (all threads) in seconds (`CLOCK_PROCESS_CPUTIME_ID`): on a
/// shared machine it does not count the time spent waiting for a core.
func cpuNow() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

// MARK: - Measurement

/// One benchmark row's timing: seconds per call of the work.
struct Measurement {
    var name: String
    var median: Double
    var min: Double
    /// Median CPU seconds per call (all threads together).
    var cpu: Double
    var samples: Int
    var iterationsPerSample: Int
    /// Floating-point operations per call, when the row is a matmul (for GFLOPS).
    var flops: Double?
    /// Every sample's time per call, sorted: the spread behind the median.
    var sampleTimes: [Double] = []

    var json: String {
        var s = "{\"name\": \"\(name)\", \"median_s\": \(median), \"min_s\": \(min), \"cpu_s\": \(cpu), "
        s += "\"samples\": \(samples), \"iterations\": \(iterationsPerSample)"
        if let flops { s += ", \"flops\": \(flops)" }
        if !sampleTimes.isEmpty { s += ", \"samples_s\": [" + sampleTimes.map { "\($0)" }.joined(separator: ", ") + "]" }
        return s + "}"
    }
}

/// Times `body` the same way `Benchmarks/compare.py` times NumPy: one warm-up call, then warm
/// calls for a quarter of `sampleSeconds` to find the time per call, then `samples` samples of
/// enough calls to last `sampleSeconds` each; reports the median and the minimum time per call.
func measure(
    _ name: String, flops: Double? = nil, samples: Int = 15, sampleSeconds: Double = 0.02,
    _ body: @escaping () -> Void
) -> Measurement {
    if Interleaved.collecting {
        Interleaved.bodies.append((name: name, flops: flops, body: body))
        return Measurement(name: name, median: 0, min: 0, cpu: 0, samples: 0, iterationsPerSample: 0, flops: flops)
    }
    body()   // warm-up: first-touch page faults, lazily built state, cold caches
    // Calibration on warm calls, for at least a quarter of a sample: timed from the warm-up
    // call alone, a row whose first call is slow (first touch of scratch memory) would get
    // samples of one or two calls.
    // The median call, so that the warm-up's after-effects (a slow second call) do not count.
    var start = now()
    var callTimes: [Double] = []
    repeat {
        let t = now()
        body()
        callTimes.append(now() - t)
    } while now() - start < sampleSeconds / 4
    let once = max(callTimes.sorted()[callTimes.count / 2], 1e-9)
    let iterations = max(1, Int(sampleSeconds / once))
    var times: [Double] = [], cpuTimes: [Double] = []
    for _ in 0..<samples {
        let cpuStart = cpuNow()
        start = now()
        for _ in 0..<iterations { body() }
        times.append((now() - start) / Double(iterations))
        cpuTimes.append((cpuNow() - cpuStart) / Double(iterations))
    }
    times.sort()
    cpuTimes.sort()
    return Measurement(
        name: name, median: times[times.count / 2], min: times[0], cpu: cpuTimes[cpuTimes.count / 2], samples: samples,
        iterationsPerSample: iterations, flops: flops, sampleTimes: times)
}

// MARK: - Data

/// Deterministic inputs (SplitMix64), uniform in [lo, hi).
func randomArray(_ count: Int, seed: UInt64, _ lo: Float = -1, _ hi: Float = 1) -> [Float] {
    var state = seed
    var out = [Float](repeating: 0, count: count)
    for i in 0..<count {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        out[i] = lo + (hi - lo) * Float(z >> 40) * 0x1p-24
    }
    return out
}

/// Keeps a result alive so the optimizer cannot drop the work that made it.
@inline(never)
func blackHole<T>(_ x: T) { _ = x }

// MARK: - Interleaved rows

/// `glassbox-bench --interleave [--rounds R] ROW...`: the rows are set up once, in one process,
/// and then timed in turn — a few samples of each, R rounds, the order reversed every other
/// round — so that a change in the machine's speed (tens of percent from minute to minute on a
/// shared VM) falls on all of them alike. Prints one JSON line per row: the median over rounds
/// of the row's fastest sample, and the median over rounds of its ratio to the first row's.
/// Used by `overhead.py` (issue #6, item 5: the language against the kernels).
enum Interleaved {
    /// While true, `measure` keeps each row's body here instead of timing it.
    nonisolated(unsafe) static var collecting = false
    nonisolated(unsafe) static var bodies: [(name: String, flops: Double?, body: () -> Void)] = []

    static func run(_ rows: [(name: String, run: () -> Measurement)], rounds: Int, samples: Int = 5) {
        collecting = true
        for row in rows { _ = row.run() }
        collecting = false
        let timed = bodies
        var best = [[Double]](repeating: [], count: timed.count)
        for round in 0..<Swift.max(rounds, 1) {
            let order = round % 2 == 0 ? Array(timed.indices) : Array(timed.indices.reversed())
            for i in order {
                best[i].append(measure(timed[i].name, samples: samples, timed[i].body).min)
            }
        }
        func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }
        for (i, entry) in timed.enumerated() {
            let ratio = median(zip(best[i], best[0]).map { $0 / $1 })
            let perRound = zip(best[i], best[0]).map { String(Double(Int($0 / $1 * 1000 + 0.5)) / 1000) }.joined(separator: ", ")
            print("{\"name\": \"\(entry.name)\", \"min_s\": \(median(best[i])), \"ratio_to_first\": \(ratio), "
                  + "\"ratios\": [\(perRound)], \"rounds\": \(best[i].count)}")
        }
    }
}
