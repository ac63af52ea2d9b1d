import CCrypto

/// SHA-256, enough to chain the call log: each step's hash covers the previous
/// one, so an edited or deleted row breaks the chain. It runs on every logged
/// step, so it comes from OpenSSL, which uses the CPU's SHA instructions.
enum SHA256 {
    /// The lowercase hex digest of the fields' UTF-8 joined by the unit separator (U+001F);
    /// nil only when OpenSSL cannot allocate memory.
    static func hex(fields: [String]) -> String? {
        var message: [UInt8] = []
        message.reserveCapacity(fields.reduce(0) { $0 + $1.utf8.count + 1 })
        for (index, field) in fields.enumerated() {
            if index > 0 { message.append(0x1F) }
            message.append(contentsOf: field.utf8)
        }
        return digest(message).map(hex)
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: bytes.count * 2) { out in
            for (i, byte) in bytes.enumerated() {
                out[2 * i] = digits[Int(byte >> 4)]
                out[2 * i + 1] = digits[Int(byte & 0x0F)]
            }
            return bytes.count * 2
        }
    }

    /// Fetched once: OpenSSL 3 looks the algorithm up again on every call given `EVP_sha256()`.
    nonisolated(unsafe) private static let algorithm = EVP_MD_fetch(nil, "SHA256", nil) ?? EVP_sha256()

    static func digest(_ message: [UInt8]) -> [UInt8]? {
        var length: UInt32 = 0
        let digest = [UInt8](unsafeUninitializedCapacity: Int(EVP_MAX_MD_SIZE)) { out, count in
            let done = message.withUnsafeBytes { EVP_Digest($0.baseAddress, $0.count, out.baseAddress, &length, algorithm, nil) }
            count = done == 1 ? Int(length) : 0
        }
        return digest.count == 32 ? digest : nil
    }
}
