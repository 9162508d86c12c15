// swift-tools-version: 6.0
//
// Glassbox — a see-through tensor notebook for learning deep learning.
//
// Modules, lowest first; each depends only on those below it (Docs/ARCHITECTURE.md):
//
//   GlassboxKernelsFast   SIMD loops compiled for x86-64-v3 (AVX2 + FMA); pure functions, no state
//   GlassboxKernels       the kernel API: plain reference loops, CPU dispatch, threads, Ctrl-C flag
//   GlassboxTensors       Tensor, broadcasting, views, autograd tape, ops, nn, optimizers, trace hook
//   GlassboxLanguage      lexer, parser, evaluator, values, built-ins table, diagnostics
//   GlassboxWalkthroughs  `explain` steps built from recorded traces; guided walkthroughs; plots
//   GlassboxLessons       lesson / notebook files, exercises, progress
//   GlassboxREPL          line editing (libedit), :commands, rendering
//   GlassboxKernel        the Jupyter kernel: the same session behind ZeroMQ sockets (protocol 5.3)
//   glassbox              the command line
import PackageDescription

// MARK: - Build settings

/// The optimized kernels are compiled for x86-64-v3 (Haswell and later: AVX2, FMA, F16C).
/// Without it `SIMD8<Float>.addingProduct` lowers to a call of `fmaf` per lane.
/// `GlassboxKernels` checks the CPU at run time and falls back to its plain reference loops
/// on machines without AVX2/FMA, so only this module carries the flag.
let fastKernelFlags: [SwiftSetting] = [
    .unsafeFlags(["-Xcc", "-march=x86-64-v3", "-Ounchecked"]),
]

let swift6: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "Glassbox",
    products: [
        .executable(name: "glassbox", targets: ["glassbox"]),
        // Libraries for the benchmark package in Benchmarks/ (it depends on this one by path).
        .library(name: "GlassboxKernels", targets: ["GlassboxKernels", "GlassboxKernelsFast"]),
        .library(name: "GlassboxTensors", targets: ["GlassboxTensors"]),
        .library(name: "GlassboxLanguage", targets: ["GlassboxLanguage"]),
    ],
    // MARK: - Dependencies
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // HMAC-SHA256 signing of Jupyter messages (GlassboxKernel).
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // MARK: - System libraries

        /// libedit (BSD line editing; Debian `libedit-dev`). `el_set` and `history` are C
        /// variadics, which Swift cannot call, so `shim.h` wraps the calls we use.
        .systemLibrary(
            name: "CLibEdit",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),

        /// libzmq (ZeroMQ; Debian `libzmq3-dev`), the transport of the Jupyter kernel.
        .systemLibrary(
            name: "CZeroMQ",
            pkgConfig: "libzmq",
            providers: [.apt(["libzmq3-dev"])]
        ),

        /// libpng and libjpeg-turbo (Debian `libpng-dev`, `libjpeg62-turbo-dev`): `load_image`.
        /// Both report errors by longjmp, which Swift cannot catch, so `shim.h` decodes in C.
        .systemLibrary(
            name: "CImageCodecs",
            path: "Sources/CImageCodecs",
            pkgConfig: "libpng",
            providers: [.apt(["libpng-dev", "libjpeg62-turbo-dev"])]
        ),

        // MARK: - Kernels

        /// AVX intrinsics Swift's SIMD types do not reach (`vsqrtps`), as inline C wrappers;
        /// header only, used by GlassboxKernelsFast alone.
        .systemLibrary(name: "CGlassboxSIMD", path: "Sources/CGlassboxSIMD"),
        .target(name: "GlassboxKernelsFast", dependencies: ["CGlassboxSIMD"], swiftSettings: swift6 + fastKernelFlags),
        /// glibc's `mallopt` (<malloc.h>, not in Swift's Glibc module); header only.
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        .target(name: "GlassboxKernels", dependencies: ["GlassboxKernelsFast", "CMalloc"], swiftSettings: swift6),

        // MARK: - Tensors and autograd

        .target(name: "GlassboxTensors", dependencies: ["GlassboxKernels"], swiftSettings: swift6),

        // MARK: - Language

        .target(name: "GlassboxLanguage", dependencies: ["GlassboxTensors", "CImageCodecs"], swiftSettings: swift6),

        // MARK: - Walkthroughs and lessons

        .target(
            name: "GlassboxWalkthroughs",
            dependencies: ["GlassboxLanguage", "GlassboxTensors"],
            swiftSettings: swift6
        ),
        .target(
            name: "GlassboxLessons",
            dependencies: ["GlassboxWalkthroughs", "GlassboxLanguage", "GlassboxTensors"],
            swiftSettings: swift6
        ),

        // MARK: - REPL and command line

        .target(
            name: "GlassboxREPL",
            dependencies: ["GlassboxLessons", "GlassboxWalkthroughs", "GlassboxLanguage", "CLibEdit"],
            swiftSettings: swift6
        ),
        /// The Jupyter kernel: a front end of the same session as the REPL, speaking the Jupyter
        /// messaging protocol over ZeroMQ.
        .target(
            name: "GlassboxKernel",
            dependencies: [
                "GlassboxREPL", "GlassboxLessons", "GlassboxWalkthroughs", "GlassboxLanguage", "GlassboxKernels",
                "CZeroMQ", .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swift6
        ),
        .executableTarget(
            name: "glassbox",
            dependencies: [
                "GlassboxREPL",
                "GlassboxKernel",
                "GlassboxKernels",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swift6
        ),

        // MARK: - Tests

        .testTarget(name: "GlassboxKernelsTests", dependencies: ["GlassboxKernels", "GlassboxKernelsFast"], swiftSettings: swift6),
        .testTarget(name: "GlassboxTensorsTests", dependencies: ["GlassboxTensors"], resources: [.copy("Fixtures")], swiftSettings: swift6),
        .testTarget(name: "GlassboxLanguageTests", dependencies: ["GlassboxLanguage"], exclude: ["Fixtures/vocabulary.py", "Fixtures/mobilenet_v2", "Fixtures/gpt2", "Fixtures/images"], resources: [.copy("Scripts"), .copy("FuzzRegressions"), .copy("Fixtures/vocabulary.json")], swiftSettings: swift6),
        .testTarget(name: "GlassboxWalkthroughsTests", dependencies: ["GlassboxWalkthroughs"], resources: [.copy("Snapshots")], swiftSettings: swift6),
        .testTarget(name: "GlassboxLessonsTests", dependencies: ["GlassboxLessons"], exclude: ["Scripts"], swiftSettings: swift6),
        .testTarget(name: "GlassboxREPLTests", dependencies: ["GlassboxREPL"], swiftSettings: swift6),
        .testTarget(name: "GlassboxKernelTests", dependencies: ["GlassboxKernel", "GlassboxLessons"], exclude: ["Scripts"], swiftSettings: swift6),
    ]
)
