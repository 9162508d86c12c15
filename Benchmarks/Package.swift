// swift-tools-version: 6.0
//
// Glassbox benchmarks: a separate package so that the root build and `swift test` stay fast.
// It depends on the root package by path. Run from the repository root:
//
//   swift run -c release --package-path Benchmarks glassbox-bench            # every row
//   python3 Benchmarks/compare.py                                            # side by side with NumPy
//
// Docs/PERFORMANCE.md explains the harness and why it is a plain executable.
import PackageDescription

let package = Package(
    name: "GlassboxBenchmarks",
    products: [
        .executable(name: "glassbox-bench", targets: ["GlassboxBench"]),
    ],
    dependencies: [
        .package(name: "Glassbox", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "GlassboxBench",
            dependencies: [
                .product(name: "GlassboxKernels", package: "Glassbox"),
                .product(name: "GlassboxTensors", package: "Glassbox"),
                .product(name: "GlassboxLanguage", package: "Glassbox"),
            ],
            path: "Sources/GlassboxBench",
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
