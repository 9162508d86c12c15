import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The kernel API: the only place in Glassbox with loops over tensor elements.
///
/// Conventions (as in llm.c): buffers are contiguous row-major `Float`; arguments go
/// outputs → saved-for-backward → inputs → dimensions; gradients carry a `d` prefix.
/// Every public kernel has a plain reference version in `Reference` and, where it pays,
/// an optimized one in `GlassboxKernelsFast`; `Kernels` chooses between them.
public enum Kernels {}

// MARK: - CPU features

extension Kernels {
    /// Whether the CPU has the instructions `GlassboxKernelsFast` is compiled for (AVX2, FMA).
    /// Read once from `/proc/cpuinfo`; `GLASSBOX_KERNELS=reference` forces the reference loops.
    public static let cpuHasAVX2FMA: Bool = {
        guard let text = readSmallFile("/proc/cpuinfo") else { return false }
        guard let flagsLine = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
        else { return false }
        let flags = Set(flagsLine.split(separator: " ").map(String.init))
        return flags.contains("avx2") && flags.contains("fma")
    }()

    /// True when the optimized loops run; false selects the plain reference loops everywhere.
    public static let useFast: Bool = {
        if let choice = getenv("GLASSBOX_KERNELS"), String(cString: choice) == "reference" {
            return false
        }
        return cpuHasAVX2FMA
    }()
}

/// Reads a small text file with plain POSIX calls (no Foundation in the kernel module).
func readSmallFile(_ path: String) -> String? {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n <= 0 { break }
        bytes.append(contentsOf: chunk[0..<n])
        if bytes.count > 4 << 20 { break }
    }
    return String(decoding: bytes, as: UTF8.self)
}

// MARK: - Interrupts

/// Ctrl-C: the REPL's signal handler sets the flag; long loops and long kernels poll it.
///
/// A kernel that sees the flag stops early and leaves its output partly written; the tensor op
/// that called it checks `Interrupt.isRequested` afterwards and throws, so no partial result
/// ever reaches a variable. The REPL clears the flag once it is back at the prompt.
public enum Interrupt {
    static let flag = Atomic<Bool>(false)

    /// Called from the signal handler (async-signal-safe: one atomic store).
    @inline(__always) public static func request() { flag.store(true, ordering: .relaxed) }
    @inline(__always) public static var isRequested: Bool { flag.load(ordering: .relaxed) }
    @inline(__always) public static func clear() { flag.store(false, ordering: .relaxed) }
}
