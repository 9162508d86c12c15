import GlassboxTensors

// MARK: - The safetensors format

/// Hugging Face's safetensors format (github.com/huggingface/safetensors, "Format"): an 8-byte
/// little-endian header length N, N bytes of JSON — `{"name": {"dtype": "F32", "shape": [2, 3],
/// "data_offsets": [begin, end]}, …, "__metadata__": {…}}` — then the raw little-endian data,
/// each tensor's bytes at [begin, end) of it.
///
/// Reading trusts nothing in the file: the header's length, every dtype, shape and offset is
/// checked against the file's real size before anything is allocated, so a truncated, corrupt
/// or lying file gives one message naming what is wrong, never a crash or an allocation the
/// data cannot back. Every floating type (F32, F16, BF16, F64) and the integer and boolean types
/// become float32, as the language's tensors are.
enum Safetensors {
    /// The format's own cap on the header (the reference implementation refuses larger ones).
    static let maxHeaderBytes = 100_000_000

    struct FormatError: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    /// Bytes per element of each dtype the format names.
    static let dtypeSizes: [String: Int] = [
        "F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1,
        "U64": 8, "U32": 4, "U16": 2, "U8": 1, "BOOL": 1,
    ]

    /// The named tensors of a safetensors file's bytes, in the file's header order.
    static func decode(_ bytes: [UInt8]) throws -> [(name: String, tensor: Tensor)] {
        guard bytes.count >= 8 else {
            throw FormatError("it is \(bytes.count) bytes long, shorter than the 8-byte header length: not a safetensors file")
        }
        var n: UInt64 = 0
        for i in 0..<8 { n |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard n <= UInt64(maxHeaderBytes) else {
            throw FormatError("its header claims \(n) bytes, more than the format's limit of \(maxHeaderBytes): not a safetensors file")
        }
        let headerLength = Int(n)
        guard 8 + headerLength <= bytes.count else {
            throw FormatError("its header claims \(headerLength) bytes but the file has only \(bytes.count - 8) after the length: truncated")
        }
        guard let text = String(validating: bytes[8..<(8 + headerLength)], as: UTF8.self) else {
            throw FormatError("its header is not valid UTF-8: corrupt")
        }
        let header: JSONValue
        do { header = try JSONValue.parse(text) } catch {
            throw FormatError("its header is not valid JSON (\(error.description)): corrupt")
        }
        guard let entries = header.objectValue else { throw FormatError("its header is not a JSON object: corrupt") }
        let dataStart = 8 + headerLength
        let dataLength = bytes.count - dataStart
        var result: [(name: String, tensor: Tensor)] = []
        var seen = Set<String>()
        var spans: [(Int, Int, String)] = []
        for (name, entry) in entries where name != "__metadata__" {
            guard seen.insert(name).inserted else { throw FormatError("it names `\(name)` twice") }
            guard let dtype = entry["dtype"]?.stringValue else { throw FormatError("`\(name)` has no dtype") }
            guard let size = dtypeSizes[dtype] else { throw FormatError("`\(name)` has dtype \(dtype), which Glassbox cannot read") }
            guard let shapeItems = entry["shape"]?.arrayValue else { throw FormatError("`\(name)` has no shape") }
            var shape: [Int] = []
            var count = 1
            for item in shapeItems {
                guard let d = item.intValue, d >= 0 else { throw FormatError("`\(name)` has a shape entry that is not a whole number ≥ 0") }
                let (product, overflow) = count.multipliedReportingOverflow(by: d)
                guard !overflow, product <= dataLength else {
                    throw FormatError("`\(name)` claims shape \(shapeItems.map { $0.intValue.map(String.init) ?? "?" }.joined(separator: "×")), more than the file holds")
                }
                shape.append(d)
                count = product
            }
            guard let offsets = entry["data_offsets"]?.arrayValue, offsets.count == 2,
                  let begin = offsets[0].intValue, let end = offsets[1].intValue, begin >= 0, begin <= end else {
                throw FormatError("`\(name)` has no valid data_offsets [begin, end]")
            }
            guard end <= dataLength else {
                throw FormatError("`\(name)` ends at byte \(end) of the data, but the file holds only \(dataLength): truncated")
            }
            guard end - begin == count * size else {
                throw FormatError("`\(name)` has \(end - begin) bytes for \(count) \(dtype) values (\(count * size) expected)")
            }
            spans.append((begin, end, name))
            let base = dataStart + begin
            let tensor = try Tensor.make(shape, op: "load") { out in
                bytes.withUnsafeBufferPointer { raw in convert(raw.baseAddress! + base, dtype, into: out) }
            }
            result.append((name, tensor))
        }
        spans.sort { $0.0 < $1.0 }
        for k in spans.indices.dropFirst() where spans[k].0 < spans[k - 1].1 {
            throw FormatError("the data of `\(spans[k - 1].2)` and `\(spans[k].2)` overlap")
        }
        return result
    }

    /// `out.count` little-endian values of `dtype` at `p`, as floats.
    static func convert(_ p: UnsafePointer<UInt8>, _ dtype: String, into out: UnsafeMutableBufferPointer<Float>) {
        @inline(__always) func u16(_ i: Int) -> UInt16 { UInt16(p[2 * i]) | UInt16(p[2 * i + 1]) << 8 }
        @inline(__always) func u32(_ i: Int, _ s: Int = 4) -> UInt32 {
            UInt32(p[s * i]) | UInt32(p[s * i + 1]) << 8 | UInt32(p[s * i + 2]) << 16 | UInt32(p[s * i + 3]) << 24
        }
        @inline(__always) func u64(_ i: Int) -> UInt64 { UInt64(u32(2 * i)) | UInt64(u32(2 * i + 1)) << 32 }
        let n = out.count
        switch dtype {
        case "F32":
            // Little-endian on every machine Glassbox runs on: a straight copy.
            UnsafeMutableRawPointer(out.baseAddress!).copyMemory(from: p, byteCount: n * 4)
        case "F64": for i in 0..<n { out[i] = Float(Double(bitPattern: u64(i))) }
        case "F16": for i in 0..<n { out[i] = halfToFloat(u16(i)) }
        case "BF16": for i in 0..<n { out[i] = Float(bitPattern: UInt32(u16(i)) << 16) }
        case "I64": for i in 0..<n { out[i] = Float(Int64(bitPattern: u64(i))) }
        case "U64": for i in 0..<n { out[i] = Float(u64(i)) }
        case "I32": for i in 0..<n { out[i] = Float(Int32(bitPattern: u32(i))) }
        case "U32": for i in 0..<n { out[i] = Float(u32(i)) }
        case "I16": for i in 0..<n { out[i] = Float(Int16(bitPattern: u16(i))) }
        case "U16": for i in 0..<n { out[i] = Float(u16(i)) }
        case "I8": for i in 0..<n { out[i] = Float(Int8(bitPattern: p[i])) }
        default: for i in 0..<n { out[i] = Float(p[i]) }   // U8, BOOL
        }
    }

    /// IEEE 754 binary16 → binary32, exactly (subnormals, infinities and NaN included).
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h >> 15) << 31
        let exponent = Int((h >> 10) & 0x1f), mantissa = UInt32(h & 0x3ff)
        if exponent == 0 {
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        }
        if exponent == 31 { return Float(bitPattern: sign | 0x7f80_0000 | mantissa << 13) }
        return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | mantissa << 13)
    }

    /// The safetensors bytes of `entries` (float32, names sorted as the reference writer does),
    /// the header padded with spaces to a multiple of 8 so that the data is aligned.
    static func encode(_ entries: [(name: String, tensor: Tensor)]) throws -> [UInt8] {
        let sorted = entries.sorted { $0.name < $1.name }
        var offset = 0
        var items: [(String, JSONValue)] = []
        for (name, t) in sorted {
            let bytes = t.count * 4
            items.append((name, .object([("dtype", .string("F32")), ("shape", .array(t.shape.map { .number(Double($0)) })),
                                         ("data_offsets", .array([.number(Double(offset)), .number(Double(offset + bytes))]))])))
            offset += bytes
        }
        var header = Array(JSONValue.object(items).line.utf8)
        while (8 + header.count) % 8 != 0 { header.append(0x20) }
        var out: [UInt8] = []
        out.reserveCapacity(8 + header.count + offset)
        var n = UInt64(header.count)
        for _ in 0..<8 { out.append(UInt8(n & 0xff)); n >>= 8 }
        out += header
        for (_, t) in sorted {
            try t.withContiguousElements { values in
                out.append(contentsOf: UnsafeRawBufferPointer(values))
            }
        }
        return out
    }
}
