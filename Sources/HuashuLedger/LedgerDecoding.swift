import CoreFoundation
import Foundation

/// Turns the file's bytes into UTF-8 once, so everything after works on one
/// encoding: the CSV scanner reads bytes, and GB18030 text is converted whole
/// rather than cell by cell.
enum LedgerDecoding {
    /// The file's text as UTF-8, where it starts (after a byte-order mark), and the encoding it was in.
    /// A UTF-8 file is handed back as it is, not copied: a ledger can be tens of megabytes.
    static func utf8(_ bytes: [UInt8], forced: LedgerEncoding?) throws(LedgerFileError) -> (bytes: [UInt8], start: Int, encoding: LedgerEncoding) {
        guard !bytes.isEmpty else { throw LedgerFileError(.empty) }
        if let kind = notCSVKind(bytes) { throw LedgerFileError(.notCSV(kind)) }
        let hasBOM = bytes.starts(with: [0xEF, 0xBB, 0xBF])
        let start = hasBOM ? 3 : 0

        switch forced {
        case .utf8?:
            if let bad = UTF8Check(bytes, from: start).firstInvalid {
                throw LedgerFileError(.undecodable(.utf8, byte: bad + 1, row: CSVScanner.row(atByte: bad, in: bytes)),
                                      hint: "if the file came from Excel on Chinese Windows, try --encoding gb18030")
            }
            return (bytes, start, .utf8)
        case .gb18030?:
            if let text = gb18030ToUTF8(bytes) { return (text, 0, .gb18030) }
            let offset = firstInvalidGB18030(bytes)
            throw LedgerFileError(.undecodable(.gb18030, byte: offset.map { $0 + 1 }, row: offset.map { CSVScanner.row(atByte: $0, in: bytes) }),
                                  hint: "if the file was saved as \"CSV UTF-8\", try --encoding utf-8")
        case nil:
            let check = UTF8Check(bytes, from: start)
            guard let bad = check.firstInvalid else { return (bytes, start, .utf8) }
            // A file that was plainly UTF-8 up to here (a BOM, or several Chinese
            // characters already) has a damaged byte; reading it as GB18030 would
            // only turn the whole file into nonsense.
            if hasBOM || check.multiByteBeforeFirstInvalid >= 4 {
                throw LedgerFileError(.undecodable(.utf8, byte: bad + 1, row: CSVScanner.row(atByte: bad, in: bytes)),
                                      hint: "the text before it is UTF-8, so this byte is probably damaged: retype that cell, or if the file came from Excel on Chinese Windows, try --encoding gb18030")
            }
            if let text = gb18030ToUTF8(bytes) { return (text, 0, .gb18030) }
            let offset = firstInvalidGB18030(bytes) ?? bad
            throw LedgerFileError(.undecodable(nil, byte: offset + 1, row: CSVScanner.row(atByte: offset, in: bytes)),
                                  hint: "save the file again from Excel or WPS as \"CSV UTF-8\"")
        }
    }

    /// Files people pick by mistake: the workbook itself, or Excel's "Unicode text".
    private static func notCSVKind(_ bytes: [UInt8]) -> String? {
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return "an Excel or WPS workbook (.xlsx, a ZIP archive)" }
        if bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { return "an old Excel or WPS workbook (.xls or .et)" }
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

/// One pass over the bytes checking UTF-8 exactly as the standard defines it
/// (no overlong forms, no surrogates, nothing above U+10FFFF), remembering the
/// first bad byte (its offset in the whole array) for the error message.
/// ASCII is skipped eight bytes at a time: ledgers are mostly digits and commas.
struct UTF8Check {
    private(set) var firstInvalid: Int?
    private(set) var multiByteBeforeFirstInvalid = 0

    init(_ bytes: [UInt8], from start: Int = 0) {
        bytes.withUnsafeBufferPointer { check($0, from: start) }
    }

    private mutating func check(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) {
        let n = bytes.count
        let raw = UnsafeRawBufferPointer(bytes)
        var i = start
        while i < n {
            while i + 8 <= n, raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i += 8 }
            guard i < n else { return }
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
