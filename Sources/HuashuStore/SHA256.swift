import CCrypto

/// SHA-256, enough to chain the call log: each step's hash covers the previous
/// one, so an edited or deleted row breaks the chain. It runs on every logged
/// step, so it comes from OpenSSL, which uses the CPU's SHA instructions, and
/// one hasher keeps its OpenSSL context and message buffer from step to step:
/// setting them up cost more than hashing a step.
final class SHA256 {
    /// Fetched once: OpenSSL 3 looks the algorithm up again on every call given `EVP_sha256()`.
    nonisolated(unsafe) private static let algorithm = EVP_MD_fetch(nil, "SHA256", nil) ?? EVP_sha256()
    private let context = EVP_MD_CTX_new()
    private var message: [UInt8] = []

    deinit { EVP_MD_CTX_free(context) }

    /// The lowercase hex digest of the fields' UTF-8 joined by the unit separator (U+001F);
    /// nil only when OpenSSL cannot allocate memory.
    func hex(fields: [String]) -> String? {
        message.removeAll(keepingCapacity: true)
        for (index, field) in fields.enumerated() {
            if index > 0 { message.append(0x1F) }
            var field = field
            field.withUTF8 { message.append(contentsOf: $0) }
        }
        return digest(message).map(Self.hex)
    }

    /// The same digest over fields given as bytes: `verify` hashes what the file holds, byte for byte,
    /// so a NUL in a note (which C strings would cut short) hashes as it was written.
    func hex(byteFields fields: [ArraySlice<UInt8>]) -> String? {
        digest(byteFields: fields).map(Self.hex)
    }

    /// The raw digest of fields given as bytes, joined by the unit separator.
    func digest(byteFields fields: [ArraySlice<UInt8>]) -> [UInt8]? {
        message.removeAll(keepingCapacity: true)
        for (index, field) in fields.enumerated() {
            if index > 0 { message.append(0x1F) }
            message.append(contentsOf: field)
        }
        return digest(message)
    }

    /// The raw digest of `prefix` (a previous digest, or nothing) and the fields' UTF-8 (nil as empty),
    /// each joined by the unit separator: a logged step's hash, without building byte arrays per field.
    func digest(fields: [String?], after prefix: [UInt8]) -> [UInt8]? {
        message.removeAll(keepingCapacity: true)
        message.append(contentsOf: prefix)
        for field in fields {
            message.append(0x1F)
            guard var field else { continue }
            field.withUTF8 { message.append(contentsOf: $0) }
        }
        return digest(message)
    }

    func digest(_ message: [UInt8]) -> [UInt8]? {
        guard let context, EVP_DigestInit_ex2(context, Self.algorithm, nil) == 1,
              message.withUnsafeBytes({ EVP_DigestUpdate(context, $0.baseAddress, $0.count) }) == 1 else { return nil }
        var length: UInt32 = 0
        let digest = [UInt8](unsafeUninitializedCapacity: Int(EVP_MAX_MD_SIZE)) { out, count in
            count = EVP_DigestFinal_ex(context, out.baseAddress, &length) == 1 ? Int(length) : 0
        }
        return digest.count == 32 ? digest : nil
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
}
