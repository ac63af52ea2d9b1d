import Testing
@testable import HuashuStore

/// The call log's chain is only as good as its hash: known digests, and the
/// message lengths where padding spills into a second block.
@Suite struct SHA256Tests {
    @Test func knownDigests() {
        #expect(SHA256().digest([]).map(SHA256.hex) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256().digest(Array("abc".utf8)).map(SHA256.hex) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test(arguments: [
        (55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
        (56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
        (64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
    ])
    func paddingBoundaries(length: Int, expected: String) {
        #expect(SHA256().digest(Array(repeating: UInt8(ascii: "a"), count: length)).map(SHA256.hex) == expected)
    }

    @Test func fieldsAreJoinedByTheUnitSeparator() {
        let fields = ["1", "2", String(repeating: "话术", count: 40), String(repeating: "x", count: 55)]
        #expect(SHA256().hex(fields: fields) == "166d55c45563590c25162d2636d19cabc245e48aaf0a16e0b0f4fb76b282caab")
    }

    /// A hasher is reused for every step of a call: what it hashed before must not leak into the next digest.
    @Test func aReusedHasherStartsAfresh() {
        let hasher = SHA256()
        #expect(hasher.hex(fields: ["1", "2", String(repeating: "话术", count: 40)]) != nil)
        #expect(hasher.digest(Array("abc".utf8)).map(SHA256.hex) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hasher.digest([]).map(SHA256.hex) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }
}
