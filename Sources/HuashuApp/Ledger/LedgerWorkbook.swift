import Foundation
import HuashuCalendar
import HuashuLedger
import ZIPFoundation

/// Opens a ledger kept as an Excel or WPS workbook (.xlsx): a ZIP archive
/// whose parts `Workbook` reads. Nothing is extracted to disk.
enum LedgerWorkbook {
    /// A part larger than this is refused rather than inflated: a ledger of a million rows
    /// is a few hundred megabytes of sheet XML, a ZIP bomb many gigabytes.
    static let largestPart: UInt64 = 2 << 30

    static func isArchive(_ bytes: [UInt8]) -> Bool {
        bytes.starts(with: [0x50, 0x4B, 0x03, 0x04])
    }

    /// Excel saves a workbook with a password as an OLE compound file, like an old .xls.
    static func isCompoundFile(_ bytes: [UInt8]) -> Bool {
        bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
    }

    /// The rows of the sheet `sheet` (or the first) of the workbook at `path`.
    static func rows(_ path: String, sheet: String?, today: LedgerDate) throws(LedgerFileError) -> LedgerRows {
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw LedgerFileError(.damagedWorkbook("it is not a readable ZIP archive (an .xlsx file is one); it may be cut short or damaged"))
        }
        let workbook = try Workbook { (part: String) throws(LedgerFileError) -> [UInt8]? in
            guard let entry = archive[part] else { return nil }
            guard entry.uncompressedSize <= largestPart else {
                throw LedgerFileError(.damagedWorkbook("its part \(part) would inflate to \(entry.uncompressedSize) bytes"))
            }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(Int(entry.uncompressedSize))
            do {
                _ = try archive.extract(entry, consumer: { chunk in
                    guard UInt64(bytes.count + chunk.count) <= largestPart else { throw Archive.ArchiveError.invalidEntrySize }
                    bytes.append(contentsOf: chunk)
                })
            } catch {
                throw LedgerFileError(.damagedWorkbook("its part \(part) cannot be unpacked (\(error)); the file is probably damaged"))
            }
            return bytes
        }
        return try LedgerRows(workbook.rows(ofSheet: sheet), today: today)
    }
}
