import GlassboxLanguage
import GlassboxLessons
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Jupyter messages

/// One message of the Jupyter messaging protocol (spec 5.3, "General Message Format"): routing
/// identities, then the delimiter `<IDS|MSG>`, the HMAC signature, and four JSON frames —
/// header, parent header, metadata, content — followed by any binary buffers.
struct Message {
    /// ZeroMQ routing identities of the sender (ROUTER sockets), sent back with the reply.
    var identities: [[UInt8]]
    var header: JSONValue
    var parentHeader: JSONValue
    var metadata: JSONValue
    var content: JSONValue
    var buffers: [[UInt8]] = []

    static let delimiter = Array("<IDS|MSG>".utf8)
    /// The protocol version this kernel speaks, sent in every header.
    static let protocolVersion = "5.3"

    var type: String { header["msg_type"]?.stringValue ?? "" }
    var id: String { header["msg_id"]?.stringValue ?? "" }

    // MARK: Reading

    /// Why a received message was dropped.
    enum Rejection: Error, CustomStringConvertible {
        case noDelimiter, tooFewFrames, badSignature, badJSON(String)

        var description: String {
            switch self {
            case .noDelimiter: return "no <IDS|MSG> delimiter"
            case .tooFewFrames: return "fewer than the five frames after the delimiter"
            case .badSignature: return "bad or missing signature"
            case .badJSON(let frame): return "the \(frame) frame is not a JSON object"
            }
        }
    }

    /// Splits and checks raw frames: a message whose signature does not verify, or whose JSON
    /// frames do not parse as objects, is rejected (the kernel logs it and goes on).
    init(frames: [[UInt8]], signer: MessageSigner) throws(Rejection) {
        guard let split = frames.firstIndex(of: Self.delimiter) else { throw .noDelimiter }
        guard frames.count - split >= 6 else { throw .tooFewFrames }
        let signature = frames[split + 1]
        let parts = Array(frames[(split + 2)..<(split + 6)])
        guard signer.verify(signature, parts) else { throw .badSignature }
        var objects: [JSONValue] = []
        for (part, name) in zip(parts, ["header", "parent_header", "metadata", "content"]) {
            guard let value = JSONValue.parse(frame: part), value.objectValue != nil else { throw .badJSON(name) }
            objects.append(value)
        }
        identities = Array(frames[..<split])
        header = objects[0]
        parentHeader = objects[1]
        metadata = objects[2]
        content = objects[3]
        buffers = Array(frames[(split + 6)...])
        guard header["msg_type"]?.stringValue != nil else { throw .badJSON("header") }
    }

    init(identities: [[UInt8]], header: JSONValue, parentHeader: JSONValue, content: JSONValue) {
        self.identities = identities
        self.header = header
        self.parentHeader = parentHeader
        self.metadata = .object([])
        self.content = content
    }

    // MARK: Writing

    /// The frames to send, signed.
    func frames(signer: MessageSigner) -> [[UInt8]] {
        let parts = [header, parentHeader, metadata, content].map { Array($0.compactText.utf8) }
        return identities + [Self.delimiter, signer.signature(parts)] + parts + buffers
    }
}

// MARK: - Headers

/// Makes headers for the kernel's messages: a fresh `msg_id`, the kernel's session id, the
/// time in ISO 8601 and the protocol version.
struct HeaderFactory: Sendable {
    let session: String
    let username = "glassbox"

    init() { session = Self.uuid() }

    func header(_ type: String) -> JSONValue {
        .object([
            ("msg_id", .string(Self.uuid())),
            ("session", .string(session)),
            ("username", .string(username)),
            ("date", .string(Self.now())),
            ("msg_type", .string(type)),
            ("version", .string(Message.protocolVersion)),
        ])
    }

    /// A random (version 4) UUID.
    static func uuid() -> String {
        var g = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &g) }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        let hex = String(decoding: MessageSigner.hex(bytes), as: UTF8.self)
        let c = Array(hex)
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-" + String(c[16..<20]) + "-" + String(c[20...])
    }

    /// The current UTC time in ISO 8601 with microseconds (`YYYY-MM-DDThh:mm:ss.ffffffZ`), as the protocol's `date` field wants.
    static func now() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var t = ts.tv_sec
        var parts = tm()
        gmtime_r(&t, &parts)
        func pad(_ n: Int, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return pad(Int(parts.tm_year) + 1900, 4) + "-" + pad(Int(parts.tm_mon) + 1, 2) + "-" + pad(Int(parts.tm_mday), 2)
            + "T" + pad(Int(parts.tm_hour), 2) + ":" + pad(Int(parts.tm_min), 2) + ":" + pad(Int(parts.tm_sec), 2)
            + "." + pad(Int(ts.tv_nsec) / 1000, 6) + "Z"
    }
}
