#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The memory behind one or more tensors: `count` floats allocated in the same block as the
/// object (a `ManagedBuffer`), so a new tensor costs two allocations — this and the `Tensor`.
/// Views share one `Storage`. Class instances never move, so `base` stays valid while the
/// storage is alive.
///
/// The first element is 64-byte aligned (a cache line, as PyTorch's CPU allocator aligns): the
/// block holds `alignmentSlack` floats more than `count`, and `base` skips to the first 64-byte
/// boundary. A `ManagedBuffer`'s elements would otherwise start 24 bytes into a 16-byte aligned
/// block, so that every other 32-byte AVX load or store of a kernel split across two cache
/// lines.
///
/// A storage may hold a deferred result (`Deferral`): its elements are computed the first time
/// `base` is read, so that the ops that follow a convolution can join its output stage first.
final class Storage: ManagedBuffer<StorageHeader, Float> {

    /// Number of floats.
    @inline(__always) var count: Int { header.count }

    /// The first element, on a 64-byte boundary, with every element computed: a deferred result
    /// is computed here first.
    @inline(__always) var base: UnsafeMutablePointer<Float> {
        if header.isDeferred { settle() }
        return rawBase
    }

    /// The first element without computing a deferred result (the producer writes through it).
    @inline(__always) var rawBase: UnsafeMutablePointer<Float> {
        withUnsafeMutablePointerToElements { p in
            p + ((-Int(bitPattern: p) & (Storage.alignment - 1)) / MemoryLayout<Float>.stride)
        }
    }

    /// The deferred computation of these elements, nil once they are computed.
    @inline(__always) var deferred: Deferred? { header.deferred }

    /// Marks the elements as computed later by `d`.
    func computeLater(_ d: Deferred) {
        header.deferred = d
        header.isDeferred = true
        Deferral.register(self)
    }

    /// Computes a deferred result now (once: the computation is dropped before it runs, so
    /// that reading `base` inside it is plain).
    @inline(never)
    func settle() {
        guard let d = header.deferred else { return }
        header.deferred = nil
        header.isDeferred = false
        d.run(into: rawBase)
        Deferral.computedSinceCheck = true
    }

    /// The alignment of `base` in bytes: one cache line.
    static let alignment = 64

    /// Floats allocated beyond `count` so that `base` can move up to a 64-byte boundary.
    static let alignmentSlack = alignment / MemoryLayout<Float>.stride - 1

    /// Storage for `count` floats, unchecked and uninitialized.
    @inline(__always)
    static func make(_ count: Int) -> Storage {
        let buffer = Storage.create(minimumCapacity: count + alignmentSlack) { _ in StorageHeader(count: count) }
        return unsafeDowncast(buffer, to: Storage.self)
    }

    /// Tensors of up to this many floats (1 MiB) are never checked against the limits nor
    /// counted in `liveBytes`, so that small ops do not pay for either.
    static let alwaysAllowed = 1 << 18

    /// Bytes held by the live storages of more than `alwaysAllowed` floats: added when one is
    /// allocated, subtracted in its `deinit`.
    static let liveBytes = Atomic<Int>(0)

    /// New, uninitialized storage for `count` floats; the caller writes every element.
    /// Checks `count` against `Tensor.allocationLimit` and the live total against
    /// `Tensor.totalAllocationLimit` (`shape` and `op` name the error).
    @inline(__always)
    static func allocate(_ count: Int, op: String, shape: [Int]) throws -> Storage {
        if count > alwaysAllowed { try reserve(count, op: op, shape: shape) }
        return make(count)
    }

    /// The large-tensor path of `allocate`: both limits, then `count` floats counted as live.
    @inline(never)
    static func reserve(_ count: Int, op: String, shape: [Int]) throws {
        let limit = Tensor.allocationLimit
        guard count <= limit / MemoryLayout<Float>.stride else {
            throw TensorError.allocationTooLarge(op: op, shape: shape, limit: limit)
        }
        let bytes = count * MemoryLayout<Float>.stride
        let total = Tensor.totalAllocationLimit
        let inUse = liveBytes.add(bytes, ordering: .relaxed).newValue
        if inUse > total {
            liveBytes.subtract(bytes, ordering: .relaxed)
            throw TensorError.outOfTensorMemory(op: op, shape: shape, inUse: inUse - bytes, limit: total)
        }
    }

    deinit {
        // The same test as `allocate`: exactly the storages it counted are uncounted.
        let count = header.count
        if count > Storage.alwaysAllowed {
            Storage.liveBytes.subtract(count * MemoryLayout<Float>.stride, ordering: .relaxed)
        }
    }
}

extension Tensor {
    /// The largest tensor (in bytes) any op may create; larger results throw
    /// `TensorError.allocationTooLarge` instead of exhausting memory. Default: half of the
    /// machine's memory (`Tensor.memorySize`). Settable, e.g. by tests. Tensors of up to 1 MiB are
    /// always allowed.
    public static var allocationLimit: Int {
        get { limitStorage }
        set { limitStorage = Swift.max(newValue, 0) }
    }
    // Internal storage: the optimizer then sees every access and drops exclusivity checks.
    nonisolated(unsafe) static var limitStorage: Int = defaultAllocationLimit

    /// The most bytes all live tensors of more than 1 MiB may hold together; an op whose result
    /// would pass it throws `TensorError.outOfTensorMemory` (naming what is in use) instead of
    /// growing until the system kills the process — e.g. a loop that keeps every intermediate
    /// alive through autograd. Default: three quarters of the machine's memory, leaving the rest
    /// to small tensors, the interpreter, the temporary copies printing makes, and other programs.
    /// Settable, e.g. by tests.
    public static var totalAllocationLimit: Int {
        get { totalLimitStorage }
        set { totalLimitStorage = Swift.max(newValue, 0) }
    }
    nonisolated(unsafe) static var totalLimitStorage: Int = defaultTotalAllocationLimit

    /// Bytes held right now by live tensors of more than 1 MiB (views count their storage once).
    public static var liveTensorBytes: Int { Storage.liveBytes.load(ordering: .relaxed) }

    /// Half of `memorySize`.
    public static let defaultAllocationLimit: Int = memorySize / 2

    /// Three quarters of `memorySize`.
    public static let defaultTotalAllocationLimit: Int = memorySize / 4 * 3

    /// The memory this process may use: physical memory (`sysconf`), or the control group's limit
    /// when that is smaller (a container started with `--memory`, where physical memory is the
    /// host's and the kernel would kill the process long before it ran out); 8 GiB when neither
    /// can be read.
    public static let memorySize: Int = {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), pageSize = sysconf(Int32(_SC_PAGESIZE))
        var bytes = 8 << 30
        if pages > 0, pageSize > 0 {
            let (product, overflow) = pages.multipliedReportingOverflow(by: pageSize)
            bytes = overflow ? Int.max / 2 : product
        }
        // cgroup v2, then v1 ("max" or a huge number when there is no limit).
        for file in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
            if let limit = readNumber(file), limit > 0 { bytes = Swift.min(bytes, limit) }
        }
        return bytes
    }()

    /// The decimal number at the start of a small file, or nil.
    private static func readNumber(_ path: String) -> Int? {
        guard let text = try? FileIO.readText(path, limit: 1 << 12) else { return nil }
        return Int(text.prefix { $0.isNumber })
    }
}

/// A storage's header: its size and, while its elements wait to be computed, how.
struct StorageHeader {
    let count: Int
    var deferred: Deferred?
    /// `deferred != nil`, as a plain flag: `base` tests it on every read without touching the
    /// reference count of the computation.
    var isDeferred: Bool

    init(count: Int) {
        self.count = count
        self.deferred = nil
        self.isDeferred = false
    }
}
