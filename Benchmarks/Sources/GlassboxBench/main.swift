// glassbox-bench: times every row of issue #6's table (and a few more) and prints one JSON
// line per row. Arguments select rows by name; none runs them all.
//
//   swift run -c release --package-path Benchmarks glassbox-bench [ROW ...] [--list]

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

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.contains("--list") {
    for row in rows { print(row.name) }
} else {
    let selected = arguments.isEmpty ? rows : rows.filter { arguments.contains($0.name) }
    for row in selected {
        print(row.run().json)
    }
}
