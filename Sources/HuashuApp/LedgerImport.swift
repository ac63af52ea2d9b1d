import Foundation
import HuashuLedger
import HuashuStore

/// `huashu import`: a ledger exported from Excel or WPS into the customers
/// table, all or nothing, reporting every bad row by number and column.
public enum LedgerImport {
    public struct Options: Sendable {
        public var file: String
        public var encoding: String?
        public var dryRun = false
        public var skipBadRows = false

        public init(file: String, encoding: String?, dryRun: Bool, skipBadRows: Bool) {
            self.file = file
            self.encoding = encoding
            self.dryRun = dryRun
            self.skipBadRows = skipBadRows
        }
    }

    /// Imports and returns the report to print; bad rows without `--skip-bad-rows` are a `UserError`.
    public static func run(_ options: Options, database: String, progress: @escaping (String) -> Void) throws(UserError) -> String {
        var encoding: LedgerEncoding?
        if let name = options.encoding {
            guard let known = LedgerEncoding(name: name) else {
                throw UserError("unknown encoding \(name); use utf-8 or gb18030 (gbk)")
            }
            encoding = known
        }
        let bytes = try FileBytes.read(options.file)
        let rows: LedgerRows
        do {
            rows = try LedgerRows(bytes, encoding: encoding)
        } catch {
            throw UserError("\(options.file): \(error.description)")
        }
        let existed = FileManager.default.fileExists(atPath: database)
        // A dry run works on a scratch file when the database does not exist yet (nothing is
        // created) or would have to be migrated to this version's schema (nothing is changed).
        let scratch = NSTemporaryDirectory() + "/huashu-dry-run-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString).sqlite"
        defer { removeDatabase(scratch) }
        var target = database
        if options.dryRun {
            let outdated = existed ? try wrap { try Store.copyIfOutdated(database, to: scratch) } : false
            if !existed || outdated { target = scratch }
        }
        // A database made for this import alone is not left behind when nothing is imported.
        var kept = false
        defer { if !kept && !existed { removeDatabase(database) } }

        let (summary, parse) = try store(rows, into: target, options, progress: progress)
        kept = options.skipBadRows || parse.problems.isEmpty
        var report = ""
        if !parse.problems.isEmpty {
            let shown = PrivateText.shown(parse.problems.prefix(50).map { "\(options.file): \($0)" }.joined(separator: "\n"))
            let more = parse.problems.count > 50 ? "\n… and \(parse.problems.count - 50) more problems" : ""
            guard options.skipBadRows else {
                throw UserError("""
                    \(shown)\(more)
                    \(parse.rejectedRows.count) of \(parse.rejectedRows.count + parse.recordCount) rows have problems; nothing was imported. \
                    Fix them, or import the good rows with --skip-bad-rows (the bad ones go to a CSV for correction).
                    """)
            }
            report += shown + more + "\n"
            if !options.dryRun { report += try writeRejected(parse, beside: options.file) }
        }
        return report + summaryLine(options, count: parse.recordCount, encoding: parse.encoding, summary: summary, skipped: parse.rejectedRows.count)
    }

    /// Writes the file's good rows while it is still being read, in one
    /// transaction that is kept only when the whole file allows it: not on a
    /// dry run, not for a file found unreadable on the way, and with bad rows
    /// only when they are to be skipped.
    private static func store(_ rows: LedgerRows, into database: String, _ options: Options,
                              progress: (String) -> Void) throws(UserError) -> (UpsertSummary, LedgerRows) {
        let store = try openStore(database)
        let feed = LedgerFeed(rows, stopsAtFirstProblem: !options.skipBadRows)
        defer { feed.stop() }
        var reported = 0
        let summary = try wrap {
            try store.upsert(batches: {
                guard let batch = feed.next() else { return nil }
                if batch.rowsRead / LedgerReader.progressInterval > reported {
                    reported = batch.rowsRead / LedgerReader.progressInterval
                    progress("read \(batch.rowsRead) rows…")
                }
                return batch.customers
            }, keep: {
                guard let outcome = try? feed.outcome() else { return false }
                return !options.dryRun && (options.skipBadRows || outcome.problems.isEmpty)
            }, firstLoad: !options.dryRun, merge: keepingColumnsMissingFrom(rows.header))
        }
        do {
            return (summary, try feed.outcome())
        } catch {
            throw UserError("\(options.file): \(error.description)")
        }
    }

    /// A ledger updates what it has columns for: a sheet of plates and new
    /// phone numbers must not wipe out the grades, notes and expiry dates of
    /// the customers already stored. Columns Huashu does not know replace the
    /// stored ones only when the file has some.
    static func keepingColumnsMissingFrom(_ header: [String]) -> @Sendable (Customer, Customer) -> Customer {
        let present = Set(header.compactMap(LedgerField.init(header:)))
        let hasExtra = header.contains { cell in
            !cell.trimmingCharacters(in: .whitespaces).isEmpty && LedgerField(header: cell) == nil && cell != LedgerField.problemsColumn
        }
        return { given, stored in
            var c = given
            if !present.contains(.phone) { c.phone = stored.phone }
            if !present.contains(.idNumber) { c.idNumber = stored.idNumber }
            if present.isDisjoint(with: [.gender, .salutation, .idNumber]) { c.honorific = stored.honorific }
            if !present.contains(.model) { c.model = stored.model }
            if !present.contains(.lastInsurer) { c.lastInsurer = stored.lastInsurer }
            if !present.contains(.lastPremium) { c.lastPremium = stored.lastPremium }
            if !present.contains(.commercialExpiry) { c.commercialExpiry = stored.commercialExpiry }
            if !present.contains(.compulsoryExpiry) { c.compulsoryExpiry = stored.compulsoryExpiry }
            if !present.contains(.claims) { c.claims = stored.claims }
            if !present.contains(.violations) { c.violations = stored.violations }
            if !present.contains(.grade) { c.grade = stored.grade }
            if !present.contains(.type) { c.type = stored.type }
            if !present.contains(.agent) { c.agent = stored.agent }
            if !present.contains(.vehicleUse) { c.vehicleUse = stored.vehicleUse }
            if !present.contains(.notes) { c.notes = stored.notes }
            if !hasExtra { c.extra = stored.extra }
            return c
        }
    }

    static func summaryLine(_ options: Options, count: Int, encoding: LedgerEncoding, summary: UpsertSummary, skipped: Int) -> String {
        let verb = options.dryRun ? "would import" : "imported"
        return "\(verb) \(count) customers from \(options.file) (\(encoding.rawValue)): "
            + "\(summary.inserted) new, \(summary.updated) updated, \(summary.unchanged) unchanged"
            + (skipped == 0 ? "" : "; \(skipped) rows skipped") + "\n"
    }

    private static func removeDatabase(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    private static func writeRejected(_ parse: LedgerRows, beside file: String) throws(UserError) -> String {
        let path = (file.hasSuffix(".csv") ? String(file.dropLast(4)) : file) + ".rejected.csv"
        let bytes = parse.correctionCSV()
        try PrivateFile.write(bytes, to: path, what: "the rejected rows")
        return "the \(parse.rejectedRows.count) rejected rows are in \(path), with the problem in the last column\n"
    }
}

extension Customer {
    /// A ledger row as a stored customer; unknown columns kept as JSON.
    init(_ record: LedgerRecord) {
        let extra = record.extra.isEmpty ? nil : (try? JSONSerialization.data(withJSONObject: record.extra, options: [.sortedKeys]))
            .map { String(decoding: $0, as: UTF8.self) }
        self.init(plate: record.plate, name: record.name, honorific: record.honorific, phone: record.phone, idNumber: record.idNumber,
                  model: record.model, lastInsurer: record.lastInsurer, lastPremium: record.lastPremium,
                  commercialExpiry: record.commercialExpiry?.description, compulsoryExpiry: record.compulsoryExpiry?.description,
                  claims: record.claims, violations: record.violations, grade: record.grade, type: record.type, agent: record.agent,
                  vehicleUse: record.vehicleUse, notes: record.notes, extra: extra)
    }
}
