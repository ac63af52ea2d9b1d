import CoreFoundation
import Foundation

/// Turns the file's bytes into UTF-8 once, so everything after works on one
/// encoding: the CSV scanner reads bytes, and GB18030 text is converted whole
/// rather than cell by cell.
enum LedgerDecoding {
    /// The file's text as UTF-8, where it starts (after a byte-order mark), the encoding it was in,
    /// and, for a long UTF-8 file, the check of its remainder left to be made as it is read.
    /// A UTF-8 file is handed back as it is, not copied: a ledger can be tens of megabytes.
    static func utf8(_ bytes: [UInt8], forced: LedgerEncoding?) throws(LedgerFileError)
        -> (bytes: [UInt8], start: Int, encoding: LedgerEncoding, remainder: UTF8Remainder?) {
        guard !bytes.isEmpty else { throw LedgerFileError(.empty) }
        if let kind = notCSVKind(bytes) { throw LedgerFileError(.notCSV(kind)) }
        let hasBOM = bytes.starts(with: [0xEF, 0xBB, 0xBF])
        let start = hasBOM ? 3 : 0
        let head = UTF8Check(bytes, from: start, upTo: start + UTF8Remainder.headLength)

        switch forced {
        case .utf8?:
            if let bad = head.firstInvalid { throw UTF8Remainder.forcedError(at: bad, in: bytes) }
            return (bytes, start, .utf8, UTF8Remainder(from: head.end, forced: true, in: bytes))
        case .gb18030?:
            if let text = gb18030ToUTF8(bytes) { return (text, 0, .gb18030, nil) }
            let offset = firstInvalidGB18030(bytes)
            throw LedgerFileError(.undecodable(.gb18030, byte: offset.map { $0 + 1 }, row: offset.map { CSVScanner.row(atByte: $0, in: bytes) }),
                                  hint: "if the file was saved as \"CSV UTF-8\", try --encoding utf-8")
        case nil:
            // A file that is plainly UTF-8 (a BOM, or several Chinese characters already)
            // and has a bad byte has a damaged byte: reading it as GB18030 would only turn
            // the whole file into nonsense. So once the head says UTF-8, the rest can be checked later.
            if head.firstInvalid == nil && (hasBOM || head.multiByteBeforeFirstInvalid >= 4) {
                return (bytes, start, .utf8, UTF8Remainder(from: head.end, forced: false, in: bytes))
            }
            let check = head.end == bytes.count || head.firstInvalid != nil ? head : UTF8Check(bytes, from: start)
            guard let bad = check.firstInvalid else { return (bytes, start, .utf8, nil) }
            if hasBOM || check.multiByteBeforeFirstInvalid >= 4 { throw UTF8Remainder.damagedError(at: bad, in: bytes) }
            if let text = gb18030ToUTF8(bytes) { return (text, 0, .gb18030, nil) }
            let offset = firstInvalidGB18030(bytes) ?? bad
            throw LedgerFileError(.undecodable(nil, byte: offset + 1, row: CSVScanner.row(atByte: offset, in: bytes)),
                                  hint: "save the file again from Excel or WPS as \"CSV UTF-8\"")
        }
    }

    /// Files people pick by mistake: the workbook itself, or Excel's "Unicode text".
    private static func notCSVKind(_ bytes: [UInt8]) -> String? {
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return "an Excel or WPS workbook (.xlsx, a ZIP archive)" }
        if bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { return "an old Excel or WPS workbook (.xls or .et), or a workbook saved with a password" }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) { return "UTF-16 text (Excel's \"Unicode text\")" }
        return nil
    }

    private static let gb18030: String.Encoding = {
        let cf = CFStringConvertEncodingToNSStringEncoding(CFStringEncoding(CFStringEncodings.GB_18030_2000.rawValue))
        return String.Encoding(rawValue: cf)
    }()

    /// GBK and GB2312 files decode as GB18030, their superset.
    static func gb18030ToUTF8(_ bytes: [UInt8]) -> [UInt8]? {
        guard let text = String(data: Data(bytes), encoding: gb18030) else { return nil }
        var utf8 = Array(text.utf8)
        if utf8.starts(with: [0xEF, 0xBB, 0xBF]) { utf8.removeFirst(3) }
        return utf8
    }

    /// Where GB18030's byte structure first breaks (one byte below 0x80, two
    /// bytes with a lead 81-FE, or four bytes alternating lead and digit), to
    /// point at the bad byte when Foundation only says "no".
    static func firstInvalidGB18030(_ bytes: [UInt8]) -> Int? {
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 { i += 1; continue }
            guard b >= 0x81, b <= 0xFE, i + 1 < n else { return i }
            let second = bytes[i + 1]
            if (0x40...0x7E).contains(second) || (0x80...0xFE).contains(second) {
                i += 2
            } else if (0x30...0x39).contains(second), i + 3 < n,
                      (0x81...0xFE).contains(bytes[i + 2]), (0x30...0x39).contains(bytes[i + 3]) {
                i += 4
            } else {
                return i
            }
        }
        return nil
    }
}

/// The part of a UTF-8 ledger not yet checked, checked a batch of rows at a
/// time as the rows are read (on the reading thread, while earlier rows are
/// stored): a bad byte there fails the whole import just the same. The CSV
/// scanner checks each cell as it decodes it, so the bytes are walked again
/// only for a batch in which a cell was not UTF-8, to find the first bad byte.
struct UTF8Remainder: Sendable {
    /// How much of the file is checked before reading starts: enough to tell UTF-8 from GB18030.
    static let headLength = 1 << 16
    private(set) var checkedUpTo: Int
    let forced: Bool

    /// Nil when the head was the whole file.
    init?(from checked: Int, forced: Bool, in bytes: [UInt8]) {
        guard checked < bytes.count else { return nil }
        checkedUpTo = checked
        self.forced = forced
    }

    /// Checks up to `end` (a row boundary); the error for the first bad byte, if any.
    mutating func check(_ bytes: [UInt8], upTo end: Int) -> LedgerFileError? {
        guard end > checkedUpTo else { return nil }
        let check = UTF8Check(bytes, from: checkedUpTo, upTo: end)
        checkedUpTo = check.end
        guard let bad = check.firstInvalid else { return nil }
        return forced ? Self.forcedError(at: bad, in: bytes) : Self.damagedError(at: bad, in: bytes)
    }

    /// Takes the bytes up to `end` (a row boundary) as checked: the CSV scanner decoded them all without a fault.
    mutating func skip(to end: Int) {
        checkedUpTo = max(checkedUpTo, end)
    }

    static func forcedError(at bad: Int, in bytes: [UInt8]) -> LedgerFileError {
        LedgerFileError(.undecodable(.utf8, byte: bad + 1, row: CSVScanner.row(atByte: bad, in: bytes)),
                        hint: "if the file came from Excel on Chinese Windows, try --encoding gb18030")
    }

    static func damagedError(at bad: Int, in bytes: [UInt8]) -> LedgerFileError {
        LedgerFileError(.undecodable(.utf8, byte: bad + 1, row: CSVScanner.row(atByte: bad, in: bytes)),
                        hint: "the text before it is UTF-8, so this byte is probably damaged: retype that cell, or if the file came from Excel on Chinese Windows, try --encoding gb18030")
    }
}

/// One pass over the bytes checking UTF-8 exactly as the standard defines it
/// (no overlong forms, no surrogates, nothing above U+10FFFF), remembering the
/// first bad byte (its offset in the whole array) for the error message.
/// ASCII is skipped eight bytes at a time: ledgers are mostly digits and commas.
struct UTF8Check {
    private(set) var firstInvalid: Int?
    private(set) var multiByteBeforeFirstInvalid = 0
    /// Where the check stopped: the first character at or after `upTo`, the end, or the bad byte.
    private(set) var end = 0

    init(_ bytes: [UInt8], from start: Int = 0, upTo limit: Int? = nil) {
        bytes.withUnsafeBufferPointer { check($0, from: start, upTo: min(limit ?? $0.count, $0.count)) }
    }

    private mutating func check(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, upTo limit: Int) {
        let n = bytes.count
        let raw = UnsafeRawBufferPointer(bytes)
        var i = start
        defer { end = i }
        while i < limit {
            while i + 8 <= limit, raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i += 8 }
            guard i < limit else { return }
            let b = bytes[i]
            if b < 0x80 { i += 1; continue }
            let length: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE, 0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default:
                firstInvalid = i
                return
            }
            guard i + length <= n, (low...high).contains(bytes[i + 1]) else {
                firstInvalid = i
                return
            }
            var k = 2
            while k < length {
                guard (0x80...0xBF).contains(bytes[i + k]) else {
                    firstInvalid = i
                    return
                }
                k += 1
            }
            multiByteBeforeFirstInvalid += 1
            i += length
        }
    }
}
