// swift-tools-version: 6.0
//
// Glassbox fuzzing: a libFuzzer target over the lexer, parser and evaluator (`Session.run`).
// A separate package, because a fuzzer executable has no `main` (libFuzzer supplies it) and so
// cannot be built by a plain `swift build` of the root package. It depends on the root by path.
// From the repository root (Docs/TESTING.md, "Fuzzing", has the whole recipe):
//
//   swift build -c release --package-path Fuzz -Xswiftc -sanitize=fuzzer,address
//   mkdir -p Fuzz/corpus && SWIFT_BACKTRACE=enable=no Fuzz/.build/release/glassbox-fuzz \
//       -dict=Fuzz/glassbox.dict -max_len=2048 -timeout=10 -rss_limit_mb=3072 \
//       Fuzz/corpus Fuzz/seeds
import PackageDescription

let package = Package(
    name: "GlassboxFuzz",
    products: [
        .executable(name: "glassbox-fuzz", targets: ["GlassboxFuzz"]),
    ],
    dependencies: [
        .package(name: "Glassbox", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "GlassboxFuzz",
            dependencies: [
                .product(name: "GlassboxLanguage", package: "Glassbox"),
                .product(name: "GlassboxTensors", package: "Glassbox"),
                .product(name: "GlassboxKernels", package: "Glassbox"),
            ],
            path: "Sources/GlassboxFuzz",
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
