import Crypto

// MARK: - Message signing

/// Signs and checks Jupyter messages: the signature is the hex HMAC-SHA256, keyed by the
/// connection file's `key`, of the header, parent header, metadata and content frames in that
/// order (Jupyter messaging spec 5.3, "The Wire Protocol"). An empty key means messages are not
/// signed, and the signature frame is empty.
struct MessageSigner: Sendable {
    /// The key's bytes; nil when messages are not signed.
    let key: [UInt8]?

    init(key: String) {
        self.key = key.isEmpty ? nil : Array(key.utf8)
    }

    /// The hex signature of the four frames.
    func signature(_ frames: [[UInt8]]) -> [UInt8] {
        guard let key else { return [] }
        var hmac = HMAC<SHA256>(key: SymmetricKey(data: key))
        for frame in frames { hmac.update(data: frame) }
        return Self.hex(Array(hmac.finalize()))
    }

    /// Whether `signature` is the signature of `frames`, compared in constant time so that the
    /// time taken says nothing about how much of a forged signature was right.
    func verify(_ signature: [UInt8], _ frames: [[UInt8]]) -> Bool {
        guard key != nil else { return true }
        let expected = self.signature(frames)
        guard signature.count == expected.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(signature, expected) { difference |= a ^ b }
        return difference == 0
    }

    static func hex(_ bytes: [UInt8]) -> [UInt8] {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xF)])
        }
        return out
    }
}
