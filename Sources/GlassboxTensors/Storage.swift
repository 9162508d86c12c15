#if canImport(Glibc)
import Glibc
#endif

/// The memory behind one or more tensors: `count` floats allocated in the same block as the
/// object (a `ManagedBuffer`), so a new tensor costs two allocations — this and the `Tensor`.
/// Views share one `Storage`. Class instances never move, so `base` stays valid while the
/// storage is alive.
final class Storage: ManagedBuffer<Int, Float> {

    /// Number of floats (the header).
    @inline(__always) var count: Int { header }

    /// The first element.
    @inline(__always) var base: UnsafeMutablePointer<Float> {
        withUnsafeMutablePointerToElements { $0 }
    }

    /// Tensors of up to this many floats (1 MiB) are never checked against the limit, so that
    /// small ops do not pay for reading it.
    static let alwaysAllowed = 1 << 18

    /// New, uninitialized storage for `count` floats; the caller writes every element.
    /// Checks `count` against `Tensor.allocationLimit` (`shape` and `op` name the error).
    @inline(__always)
    static func allocate(_ count: Int, op: String, shape: [Int]) throws -> Storage {
        if count > alwaysAllowed {
            let limit = Tensor.allocationLimit
            guard count <= limit / MemoryLayout<Float>.stride else {
                throw TensorError.allocationTooLarge(op: op, shape: shape, limit: limit)
            }
        }
        let buffer = Storage.create(minimumCapacity: Swift.max(count, 1)) { _ in count }
        return unsafeDowncast(buffer, to: Storage.self)
    }
}

extension Tensor {
    /// The largest tensor (in bytes) any op may create; larger results throw
    /// `TensorError.allocationTooLarge` instead of exhausting memory. Default: half of physical
    /// memory (`sysconf`), or 4 GiB when that cannot be read. Settable, e.g. by tests. Tensors of
    /// up to 1 MiB are always allowed.
    public static var allocationLimit: Int {
        get { limitStorage }
        set { limitStorage = Swift.max(newValue, 0) }
    }
    // Internal storage: the optimizer then sees every access and drops exclusivity checks.
    nonisolated(unsafe) static var limitStorage: Int = defaultAllocationLimit

    /// Half of physical memory.
    public static let defaultAllocationLimit: Int = {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), pageSize = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, pageSize > 0 else { return 4 << 30 }
        let (bytes, overflow) = pages.multipliedReportingOverflow(by: pageSize)
        return overflow ? Int.max / 2 : bytes / 2
    }()
}
