/// One dialogue file's name and raw bytes, as read from disk by the caller.
public struct SourceText: Sendable {
    public let name: String
    public let bytes: [UInt8]

    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }

    public init(name: String, text: String) {
        self.init(name: name, bytes: Array(text.utf8))
    }

    public static let maximumBytes = 2 * 1024 * 1024
    static let maximumLineCharacters = 4000

    /// The lines as byte ranges of `bytes`, a BOM and line ends left out, or the
    /// one diagnostic that stops this file from being read. Every range holds valid UTF-8.
    func lineRanges() -> Result<LineRanges, Diagnostic> {
        if bytes.count > Self.maximumBytes {
            return .failure(Diagnostic(.fileTooLarge, Wording(en: "file is \(bytes.count / 1024) KB; a script file may be at most \(Self.maximumBytes / 1024) KB",
                                                               zh: "文件有 \(bytes.count / 1024) KB，话术文件最大 \(Self.maximumBytes / 1024) KB"),
                                       at: SourceLocation(file: name, line: 1, column: 1),
                                       hint: Wording(en: "split it into several .huashu files", zh: "拆成几个 .huashu 文件")))
        }
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        // Validated in place: a String of the file would be a copy made only to be thrown away.
        guard (try? UTF8Span(validating: body.span)) != nil else {
            return .failure(invalidUTF8Diagnostic(body))
        }
        if Self.isBlank(body) {
            return .failure(Diagnostic(.emptyFile, Wording(en: "file is empty", zh: "文件是空的"), at: SourceLocation(file: name, line: 1, column: 1),
                                       hint: Wording(en: "write a script in it or delete it", zh: "写上话术，或者删掉这个文件")))
        }
        return .success(LineRanges(body: body))
    }

    /// The text as lines, for readers that work on Strings.
    func decodedLines() -> Result<[Substring], Diagnostic> {
        lineRanges().map { ranges in
            let text = String(decoding: bytes, as: UTF8.self)
            let start = text.utf8.startIndex
            return ranges.map { text[text.utf8.index(start, offsetBy: $0.lowerBound)..<text.utf8.index(start, offsetBy: $0.upperBound)] }
        }
    }

    /// Whether every character of valid UTF-8 is whitespace. Scalars are looked at until the first
    /// that is not a space; when it is ASCII it starts a character of its own, so the text is not blank.
    /// Otherwise it might only extend a space, and the characters themselves decide.
    private static func isBlank(_ body: ArraySlice<UInt8>) -> Bool {
        body.withUnsafeBufferPointer { bytes in
            let text = UTF8Text(bytes: bytes)
            guard let first = text.firstOffset(in: text.all, where: { !$0.properties.isWhitespace }) else { return true }
            return bytes[first] >= 0x80 && String(decoding: bytes, as: UTF8.self).allSatisfy(\.isWhitespace)
        }
    }

    private func invalidUTF8Diagnostic(_ body: ArraySlice<UInt8>) -> Diagnostic {
        var line = 1
        var column = 1
        var iterator = body.makeIterator()
        var decoder = UTF8()
        var byteOffset = body.startIndex
        loop: while true {
            let before = byteOffset
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                byteOffset += UTF8.width(scalar)
                if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
            case .emptyInput:
                break loop
            case .error:
                let byte = String(body[before], radix: 16, uppercase: true)
                return Diagnostic(.notUTF8, Wording(en: "file is not UTF-8: byte 0x\(byte) cannot start or continue a character",
                                                    zh: "文件不是 UTF-8 编码：字节 0x\(byte) 不能组成字符"),
                                  at: SourceLocation(file: name, line: line, column: column),
                                  hint: Wording(en: "save the file as UTF-8; files saved as GBK/GB18030 must be converted first",
                                                zh: "把文件另存为 UTF-8；GBK/GB18030 的文件要先转换"))
            }
        }
        return Diagnostic(.notUTF8, Wording(en: "file is not UTF-8", zh: "文件不是 UTF-8 编码"), at: SourceLocation(file: name, line: line, column: column))
    }
}

/// A file's lines as byte ranges, split at LF and CRLF as they are read: scanning bytes spares
/// the grapheme breaking that splitting by Character costs, and a script of fifty thousand lines
/// needs no array of them.
struct LineRanges: Sequence, IteratorProtocol {
    let body: ArraySlice<UInt8>
    private var start: Int?

    init(body: ArraySlice<UInt8>) {
        self.body = body
        start = body.startIndex
    }

    mutating func next() -> Range<Int>? {
        guard let lineStart = start else { return nil }
        let end = body[lineStart...].firstIndex(of: 10)
        start = end.map { $0 + 1 }
        let lineEnd = end ?? body.endIndex
        return lineStart..<(lineEnd > lineStart && body[lineEnd - 1] == 13 ? lineEnd - 1 : lineEnd)
    }
}

/// FNV-1a over every file's name and bytes: cheap, stable, and enough to tell
/// two versions of a script apart in the call log.
enum ContentHash {
    static func of(_ sources: [SourceText]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func feed(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        for source in sources.sorted(by: { $0.name < $1.name }) {
            source.name.split(separator: "/").last.map { $0.utf8.forEach(feed) }
            feed(0)
            source.bytes.forEach(feed)
            feed(0)
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
