import Foundation
import HuashuCalendar
import HuashuLedger
import HuashuStore
import HuashuText

/// `huashu import`: a ledger exported from Excel or WPS into the customers
/// table, all or nothing, reporting every bad row by number and column.
public enum LedgerImport {
    public struct Options: Sendable {
        public var file: String
        public var encoding: String?
        public var dryRun = false
        public var skipBadRows = false
        /// An empty cell erases the stored value (by default it keeps it).
        public var clearEmptyCells = false
        /// The sheet of a workbook to read (by default the first).
        public var sheet: String?

        public init(file: String, encoding: String?, dryRun: Bool, skipBadRows: Bool, clearEmptyCells: Bool = false, sheet: String? = nil) {
            self.file = file
            self.sheet = sheet
            self.encoding = encoding
            self.dryRun = dryRun
            self.skipBadRows = skipBadRows
            self.clearEmptyCells = clearEmptyCells
        }
    }

    /// Imports and returns the report to print; bad rows without `--skip-bad-rows` are a `UserError`.
    public static func run(_ options: Options, database location: StoreLocation, progress: @escaping (String) -> Void) throws(UserError) -> String {
        var encoding: LedgerEncoding?
        if let name = options.encoding {
            guard let known = LedgerEncoding(name: name) else {
                throw UserError("unknown encoding \(name); use utf-8 or gb18030 (gbk)")
            }
            encoding = known
        }
        let database = try deskFile(location)
        let existed = FileManager.default.fileExists(atPath: database)
        // A new file is made and migrated beside the reading of the ledger: nothing in it can be lost, and it is
        // removed when nothing is imported. An existing one is opened (and migrated) only once the ledger's header
        // is found, so that a file refused at once leaves it as it was; a dry run may work on a copy.
        let folder = (database as NSString).deletingLastPathComponent
        var isFolder: ObjCBool = false
        let opening = !options.dryRun && !existed && FileManager.default.fileExists(atPath: folder.isEmpty ? "." : folder, isDirectory: &isFolder)
            && isFolder.boolValue ? StoreOpening(database) : nil
        // A database made for this import alone is not left behind when nothing is imported.
        var kept = false
        defer {
            opening?.finish()
            if !kept && !existed { removeDatabase(database) }
        }
        let bytes = try FileBytes.read(options.file)
        let workbook = LedgerWorkbook.isArchive(bytes)
        if workbook && options.encoding != nil { throw UserError("\(options.file): --encoding is for CSV files; a workbook says its own") }
        if !workbook && options.sheet != nil { throw UserError("\(options.file): --sheet is for a workbook (.xlsx); this file is not one") }
        let rows: LedgerRows
        do {
            rows = workbook ? try LedgerWorkbook.rows(options.file, sheet: options.sheet, today: LocalDay.day(Date()))
                            : try LedgerRows(bytes, encoding: encoding, today: LocalDay.day(Date()))
        } catch {
            throw UserError("\(options.file): \(error.description)")
        }
        // The rows are read from now on, while the database is opened (and made, or migrated) beside them.
        let feed = LedgerFeed(rows, stopsAtFirstProblem: !options.skipBadRows)
        defer { feed.stop() }
        // A dry run works on a scratch file when the database does not exist yet (nothing is
        // created) or would have to be migrated to this version's schema (nothing is changed).
        let scratch = NSTemporaryDirectory() + "/huashu-dry-run-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString).sqlite"
        defer { removeDatabase(scratch) }
        // On a desk of a team, the dry run always works on a copy: it pulls the team ledger into it to compare with.
        let teamDesk = CentralSync.url(option: nil) != nil
        var target = database
        if options.dryRun {
            let copied = existed ? try wrap { try Store.copyIfOutdated(database, to: scratch, always: teamDesk) } : false
            if !existed || copied { target = scratch }
        }

        // On a desk of a team, the import is the team ledger's: reconciled with what central holds, sent up after
        // (a dry run: reconciled the same way, on its copy, and nothing sent).
        // One store for both: a second one opened while the first still migrates a new file would migrate it too.
        let desk: Store
        if let opening { desk = try opening.store() } else { desk = try openStore(.file(target)) }
        let team = try TeamImport(store: desk, dryRun: options.dryRun)
        let (summary, parse) = try store(rows, feed, into: desk, options, progress: progress)
        kept = options.skipBadRows || parse.problems.isEmpty
        var report = ""
        if !parse.held.isEmpty {
            report += parse.held.prefix(50).map { "\(options.file): \(PersonalData.masked($0.description)) (held for review; the vehicle is imported)\n" }.joined()
            if parse.held.count > 50 { report += "… and \(parse.held.count - 50) more cells held for review\n" }
        }
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
        if options.dryRun { report += changeList(summary.changes) + (team?.compared ?? "") }
        if let team, kept, !options.dryRun { report += try team.send() }
        return report + summaryLine(options, count: parse.recordCount, source: parse.sheet.map { "sheet \($0)" } ?? parse.encoding.rawValue, summary: summary, skipped: parse.rejectedRows.count)
    }

    /// Writes the file's good rows while it is still being read, in one
    /// transaction that is kept only when the whole file allows it: not on a
    /// dry run, not for a file found unreadable on the way, and with bad rows
    /// only when they are to be skipped. An update import of a file known to be
    /// kept is committed in batches instead (`isKept`).
    /// `feed`: the rows of `rows`, already being read.
    private static func store(_ rows: LedgerRows, _ feed: LedgerFeed, into store: Store, _ options: Options,
                              progress: (String) -> Void) throws(UserError) -> (UpsertSummary, LedgerRows) {
        var inBatches = false
        if !options.dryRun, try wrap({ try store.hasCustomers() }) { inBatches = try isKept(rows, options) }
        var reported = 0
        let summary = try wrap {
            try store.upsert(batches: {
                guard let batch = feed.next() else { return nil }
                if batch.rowsRead / LedgerReader.progressInterval > reported {
                    reported = batch.rowsRead / LedgerReader.progressInterval
                    progress("read \(batch.rowsRead) rows…")
                }
                return batch.entries
            }, keep: {
                guard let outcome = try? feed.outcome() else { return false }
                return !options.dryRun && (options.skipBadRows || outcome.problems.isEmpty)
            }, firstLoad: !options.dryRun, source: options.file, inBatches: inBatches,
            reconcile: LedgerMerge(header: rows.header, clearingEmptyCells: options.clearEmptyCells).callAsFunction)
        }
        do {
            return (summary, try feed.outcome())
        } catch {
            throw UserError("\(options.file): \(error.description)")
        }
    }

    /// `source`: the file's encoding, or the workbook's sheet.
    /// Reads the whole file once before an update import, which is committed in batches so
    /// that agents' steps are not held up behind it: a batch once committed is not taken
    /// back, so batches start only for a file known to be kept (readable to its end, and
    /// without bad rows unless they are skipped). Otherwise the import is one transaction.
    private static func isKept(_ rows: LedgerRows, _ options: Options) throws(UserError) -> Bool {
        var check = rows
        do {
            while try check.next(rows: LedgerReader.progressInterval) != nil {}
        } catch {
            throw UserError("\(options.file): \(error.description)")
        }
        return options.skipBadRows || check.problems.isEmpty
    }

    static func summaryLine(_ options: Options, count: Int, source: String, summary: UpsertSummary, skipped: Int) -> String {
        let verb = options.dryRun ? "would import" : "imported"
        let changed = summary.updated == 0 ? "" : " (\(summary.changes.count) \(summary.changes.count == 1 ? "field" : "fields") changed)"
        var held: [String] = []
        if summary.heldCells > 0 { held.append("\(summary.heldCells) \(summary.heldCells == 1 ? "cell" : "cells")") }
        if summary.conflicts > 0 { held.append("\(summary.conflicts) \(summary.conflicts == 1 ? "conflict" : "conflicts")") }
        return "\(verb) \(count) customers from \(options.file) (\(source)): "
            + "\(summary.inserted) new, \(summary.updated) updated\(changed), \(summary.unchanged) unchanged"
            + (skipped == 0 ? "" : "; \(skipped) \(skipped == 1 ? "row" : "rows") skipped")
            + (held.isEmpty ? "" : "; \(held.joined(separator: " and ")) held for review (see `huashu review list`)") + "\n"
    }

    /// What a dry run would change in stored customers, one value a line, phone and ID numbers masked.
    static func changeList(_ changes: [FieldChange]) -> String {
        changes.map { change in
            let shown = { (value: String?) in CustomerRecord.shown(value, field: change.field, unmasked: false) }
            return "row \(change.row) \(change.plate) \(change.title): \(shown(change.old)) → \(shown(change.new))\n"
        }.joined()
    }

    private static func removeDatabase(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    private static func writeRejected(_ parse: LedgerRows, beside file: String) throws(UserError) -> String {
        let path = (file.hasSuffix(".csv") ? String(file.dropLast(4)) : file.hasSuffix(".xlsx") ? String(file.dropLast(5)) : file) + ".rejected.csv"
        let bytes = parse.correctionCSV()
        try PrivateFile.write(bytes, to: path, what: "the rejected rows")
        return "the \(parse.rejectedRows.count) rejected rows are in \(path), with the problem in the last column\n"
    }
}
