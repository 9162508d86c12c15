// glassbox-bench: times every row of issue #6's table (and a few more) and prints one JSON
// line per row. Arguments select rows by name; none runs them all.
//
//   swift run -c release --package-path Benchmarks glassbox-bench [ROW ...] [--list]
//   glassbox-bench --interleave [--rounds R] ROW ...   rows in turn in one process (Harness.swift)

import GlassboxKernels

Kernels.tuneAllocator()

let rows: [(name: String, run: () -> Measurement)] = kernelRows() + [
    lstmKernelRow("lstm_T64_fwd_bwd", oneProjection: true),
    lstmKernelRow("lstm_T64_fwd_bwd_per_step", oneProjection: false),
    attentionKernelRow(),
    mlpKernelRow(),
    lstmTensorRow(),
    attentionTensorRow(),
    mlpTensorRow(),
] + layerLanguageRows() + languageRows()

var arguments = Array(CommandLine.arguments.dropFirst())
if let flag = arguments.firstIndex(of: "--interleave") {
    arguments.remove(at: flag)
    var rounds = 15
    if let r = arguments.firstIndex(of: "--rounds"), r + 1 < arguments.count {
        rounds = Int(arguments[r + 1]) ?? rounds
        arguments.removeSubrange(r...(r + 1))
    }
    // In the order given: the first row is the one the others are compared with.
    let chosen = arguments.compactMap { name in rows.first { $0.name == name } }
    Interleaved.run(chosen, rounds: rounds)
} else if arguments.contains("--list") {
    for row in rows { print(row.name) }
} else {
    let selected = arguments.isEmpty ? rows : rows.filter { arguments.contains($0.name) }
    for row in selected {
        print(row.run().json)
    }
}
