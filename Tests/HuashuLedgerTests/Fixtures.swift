import CoreFoundation
import Foundation
import HuashuLedger

/// Ledger files built in the tests themselves, the way Excel and WPS write them.
enum Fixture {
    /// Rows joined with CRLF (Excel's line end) behind a UTF-8 BOM ("CSV UTF-8").
    static func excelUTF8(_ rows: [String], lineEnd: String = "\r\n", bom: Bool = true) -> [UInt8] {
        let text = rows.map { $0 + lineEnd }.joined()
        return (bom ? [0xEF, 0xBB, 0xBF] : []) + Array(text.utf8)
    }

    /// Rows as plain "CSV" saved by Excel on Chinese Windows: GB18030 (GBK), CRLF, no BOM.
    static func excelGB18030(_ rows: [String]) -> [UInt8] {
        let text = rows.map { $0 + "\r\n" }.joined()
        let encoding = String.Encoding(rawValue: CFStringConvertEncodingToNSStringEncoding(
            CFStringEncoding(CFStringEncodings.GB_18030_2000.rawValue)))
        guard let data = text.data(using: encoding) else { return [] }
        return Array(data)
    }

    /// Valid ID numbers (GB 11643 check digits worked out independently):
    /// the 17th digit is odd for a man, even for a woman.
    static let manID = "440301199003071230"
    static let womanID = "11010519491231002X"
    static let oldManID = "440301900307123"

    /// The smallest header every file needs.
    static let minimalHeader = "客户姓名,车牌号"

    static func read(_ rows: [String], encoding: LedgerEncoding? = nil) throws(LedgerFileError) -> LedgerParse {
        try LedgerReader.read(excelUTF8(rows), encoding: encoding)
    }

    /// The one record of a file with a header and one data row; nil (and the
    /// problems printed by the failing expectation) when the row was rejected.
    static func single(header: String, row: String) throws(LedgerFileError) -> LedgerRecord? {
        let parse = try read([header, row])
        return parse.records.first
    }

    static func problems(header: String, rows: [String]) throws(LedgerFileError) -> [String] {
        let parse = try read([header] + rows)
        // Rejected rows' problems and held cells alike: each says what is wrong and where.
        return (parse.problems + parse.records.flatMap(\.held)).sorted { $0.row < $1.row }.map(\.description)
    }
}

/// SplitMix64: reproducible "random" bytes for the robustness tests.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
