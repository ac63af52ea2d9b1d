import Foundation
import GRDB
import HuashuEngine
@testable import HuashuStore
import Testing

/// At a centre's million customers and ten million steps, what the store runs must be planned through
/// indexes: opening a call costs the same as on an empty file, and the report's figures over the month's
/// calls read one index. The statements are the ones the store really runs, heard as it runs them.
@Suite("Query plans at an insurer's scale")
struct QueryPlanTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("huashu-plans-\(UUID().uuidString)")

    /// Every statement any of the store's connections ran, values written in.
    final class Heard: @unchecked Sendable {
        private let lock = NSLock()
        private var statements: [String] = []

        func add(_ sql: String) { lock.withLock { statements.append(sql) } }
        func take() -> [String] { lock.withLock { defer { statements = [] }; return statements } }
    }

    /// Tables SQLite and GRDB keep for themselves: a row per table or per migration, never a customer's.
    static let bookkeeping = ["sqlite_sequence", "sqlite_master", "sqlite_schema", "grdb_migrations"]

    func plans(_ statements: [String], in store: Store) throws -> [(sql: String, plan: [String])] {
        try statements.filter { sql in
            let verb = sql.prefix { !$0.isWhitespace }.uppercased()
            // The migrator's look at its own table when the store opens is not the call's work.
            return ["SELECT", "INSERT", "UPDATE", "DELETE", "WITH"].contains(verb) && !sql.contains("grdb_migrations")
        }.map { sql in
            (sql, try store.read { db in try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN \(sql)").map { $0["detail"] as String } })
        }
    }

    /// The plan's steps that read a whole table, other than SQLite's own bookkeeping (named as the
    /// statement names it, alias and all: `FROM sqlite_sequence s` is planned as `SCAN s`).
    static func scans(_ plan: [String], of sql: String) -> [String] {
        let words = sql.split(whereSeparator: { $0.isWhitespace || $0 == "(" || $0 == ")" }).map(String.init)
        let own = Set(words.indices.flatMap { i -> [String] in
            guard i > 0, words[i - 1].uppercased() == "FROM", bookkeeping.contains(words[i]) else { return [] }
            return i + 1 < words.count ? [words[i], words[i + 1]] : [words[i]]
        })
        return plan.filter { step in
            step.hasPrefix("SCAN ") && step != "SCAN CONSTANT ROW" && !own.contains(String(step.dropFirst(5).prefix { !$0.isWhitespace }))
        }
    }

    @Test func namingTheCustomerBeginningTheCallAndLoggingItsFirstStepUseIndexesOnly() throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("db.sqlite").path
        let filled = try Store(path: path)
        _ = try filled.upsert((0..<50).map { i in
            Customer(plate: "粤B\(10_000 + i)", name: "客户\(i)", phone: "1380000\(1000 + i)", idNumber: "44030119900101\(1000 + i)")
        })
        try LogChainTests.logCall(filled, customer: 1, note: "上一通")

        let heard = Heard()
        let store = try Store(path: path, busyWait: nil, statements: heard.add)
        for key in [CustomerKey(text: "粤B10007", plate: "粤B10007"), CustomerKey(text: "13800001007", phone: "13800001007"),
                    CustomerKey(text: "440301199001011007", idNumber: "440301199001011007"), CustomerKey(text: "客户7"),
                    CustomerKey(text: "#8")] {
            #expect(try store.findCustomers(key).map(\.plate) == ["粤B10007"], "\(key.text)")
        }
        let log = try store.beginCall(customerID: 8, agent: "小李", scriptVersion: "v",
                                      context: CallContext(customer: CustomerFacts(), agent: "小李", dealer: "店"), training: false, at: Date())
        try log.record(input: nil, step: CallStep(state: CallState(node: "greet"), events: [.entered(node: "greet", stage: "identity")]),
                       stage: "identity", shown: "您好", at: Date(), followUps: [])

        let planned = try plans(heard.take(), in: store)
        let touched = planned.map(\.sql).joined(separator: "\n")
        // Not a test of nothing: the lookups, the follow-ups a new call closes, the call's row and its first step were heard.
        for part in ["customers", "UPDATE follow_ups", "INSERT INTO calls", "INSERT INTO call_steps"] {
            #expect(touched.contains(part), "no statement on \(part) was heard:\n\(touched)")
        }
        for (sql, plan) in planned {
            // A call's row begun fires the report's month triggers (v7-report), which makes the INSERT a statement of
            // several writes: SQLite then plans the foreign-key counter's look at the tables referring to calls, a
            // look it skips while no foreign-key violation is pending (`OP_FkIfZero`), as none ever is here.
            let counter = sql.hasPrefix("INSERT INTO calls") ? Self.referringToCalls : []
            let scans = Self.scans(plan, of: sql).filter { !counter.contains(String($0.dropFirst(5).prefix { !$0.isWhitespace })) }
            #expect(scans.isEmpty, "reads a whole table: \(sql)\n\(plan.joined(separator: "\n"))")
        }
    }

    /// The tables whose rows refer to a call (`REFERENCES calls(id)`).
    static let referringToCalls: Set<String> = ["call_steps", "follow_ups", "call_handler_uses"]

    /// March 2026's kept figures made not to hold the month's calls: the report then counts from the calls.
    static func uncover(_ path: String) throws {
        try Store(path: path).write { db in
            try db.execute(sql: "INSERT INTO report_month_outcomes VALUES ('2026-03-01T00:00:00.000Z', '无人', '', 1, 0, 0)")
        }
    }

    /// The outcome and agent figures read the month's kept rows by their key (v7-report), after one count of the month's
    /// calls from `calls_by_start`; a month they do not cover is read from `calls_by_start` alone, never the calls' rows.
    @Test func theReportsFiguresOverTheMonthsCallsReadOneIndex() throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("db.sqlite").path
        let filled = try Store(path: path)
        _ = try filled.upsert([Customer(plate: "粤B10000", name: "客户", commercialExpiry: "2026-03-10")])
        try LogChainTests.logCall(filled, customer: 1, note: "上一通")

        let heard = Heard()
        let store = try Store(path: path, busyWait: nil, statements: heard.add)
        let window = ReportWindow(firstDay: "2026-03-01", endDay: "2026-04-01", startUTC: "2026-03-01T00:00:00.000Z",
                                  endUTC: "2026-04-01T00:00:00.000Z", today: "2026-03-15", nowLocal: "2026-03-15 10:00",
                                  quietBeforeUTC: "2026-03-12T00:00:00.000Z", agent: nil, handlerIDs: ["price"])
        for covered in [true, false] {
            if !covered { try Self.uncover(path) }
            _ = try store.reportData(window)
            let planned = try plans(heard.take(), in: store)
            let count = planned.filter { $0.sql.contains("FROM report_month_outcomes WHERE month = ") && $0.sql.contains("count(*) FROM calls") }
            #expect(count.count == 1 && count[0].plan.contains { $0.contains("USING COVERING INDEX calls_by_start") }, "\(count)")
            // Its look for rows kept under another time zone's month keys reads a range of each table's key.
            #expect(count.first.map { $0.plan.filter { $0.contains("report_month_") }.allSatisfy { $0.hasPrefix("SEARCH") } } ?? false, "\(count)")
            let figures = planned.filter { ($0.sql.contains("GROUP BY agent") || $0.sql.contains("GROUP BY outcome")) && !$0.sql.contains("report_month_") }
            let kept = planned.filter { $0.sql.contains("GROUP BY report_month_outcomes.outcome") || $0.sql.contains("FROM report_month_customers") }
                .filter { !$0.sql.contains("count(*) FROM calls") }
            #expect((covered ? kept : figures).count == 2, "\(planned.map(\.sql))")
            for (sql, plan) in figures {
                #expect(plan.contains { $0.contains("USING COVERING INDEX calls_by_start") }, "\(sql)\n\(plan.joined(separator: "\n"))")
            }
            for (sql, plan) in kept {
                let read = plan.filter { $0.contains("report_month_") }
                #expect(!read.isEmpty && read.allSatisfy { $0.hasPrefix("SEARCH") && $0.contains("(month=?") },
                        "\(sql)\n\(plan.joined(separator: "\n"))")
            }
        }
    }

    /// The tables a plan step reads: a `SCAN x` names the table or its alias (`FROM calls c` is planned as `SCAN c`).
    static func scannedTables(_ plan: [String], of sql: String) -> [String] {
        let words = sql.split(whereSeparator: { $0.isWhitespace || $0 == "(" || $0 == ")" || $0 == "," }).map(String.init)
        var tables: [String: String] = [:]
        for i in words.indices.dropLast() where ["FROM", "JOIN"].contains(words[i].uppercased()) {
            tables[words[i + 1]] = words[i + 1]
            if i + 2 < words.count { tables[words[i + 2]] = words[i + 1] }
        }
        return scans(plan, of: sql).map { step in
            let name = String(step.dropFirst(5).prefix { !$0.isWhitespace })
            return tables[name] ?? name
        }
    }

    /// Every statement of the monthly report (its figures and its lists of sales, losses and leads) reads the log
    /// through an index: a month's calls, steps and report rows are a range of a key, never the whole table.
    @Test func everyReportQueryReadsTheLogThroughAnIndex() throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("db.sqlite").path
        let filled = try Store(path: path)
        _ = try filled.upsert([Customer(plate: "粤B10000", name: "客户", commercialExpiry: "2026-03-10")])
        try LogChainTests.logCall(filled, customer: 1, note: "上一通")

        let heard = Heard()
        let store = try Store(path: path, busyWait: nil, statements: heard.add)
        let cases: [(agent: String?, covered: Bool)] = [(nil, true), ("小李", true), (nil, false), ("小李", false)]
        for (agent, covered) in cases {
            if !covered && agent == nil { try Self.uncover(path) }
            let window = ReportWindow(firstDay: "2026-03-01", endDay: "2026-04-01", startUTC: "2026-03-01T00:00:00.000Z",
                                      endUTC: "2026-04-01T00:00:00.000Z", today: "2026-03-15", nowLocal: "2026-03-15 10:00",
                                      quietBeforeUTC: "2026-03-12T00:00:00.000Z", agent: agent, handlerIDs: ["price"])
            _ = try store.reportData(window)
            _ = try store.outcomeCalls(window, lost: false, latest: 50)
            _ = try store.outcomeCalls(window, lost: true, latest: nil)
            try store.eachOutcomeCall(window, lost: false) { _ in }
            _ = try store.leads(window)
        }
        let planned = try plans(heard.take(), in: store)
        let touched = planned.map(\.sql).joined(separator: "\n")
        for part in ["call_handler_uses", "GROUP BY outcome", "report_month_outcomes", "report_month_customers", "report_month_handlers", "GROUP BY agent", "follow_ups", "lead_from_call", "'won', 'committed'", "IN ('lost')",
                     "commercial_expiry", "report_customers", "ORDER BY c.started_at ASC"] {
            #expect(touched.contains(part), "no statement with \(part) was heard:\n\(touched)")
        }
        for (sql, plan) in planned {
            let whole = Self.scannedTables(plan, of: sql).filter { ["calls", "call_steps", "call_handler_uses", "follow_ups"].contains($0) || $0.hasPrefix("report_") }
            #expect(whole.isEmpty, "reads all of \(whole): \(sql)\n\(plan.joined(separator: "\n"))")
        }
    }

    /// The check can fail: a lookup that wraps the column in a function is a table scan.
    @Test func aLookupThroughAFunctionIsCaught() throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = try Store(path: folder.appendingPathComponent("db.sqlite").path)
        let planned = try plans(["SELECT * FROM customers WHERE upper(plate) = '粤B10007'"], in: store)
        #expect(Self.scans(planned[0].plan, of: planned[0].sql) == ["SCAN customers"])
    }

    /// And it names the table behind an alias: the report's objections as read before v6 scan every step.
    @Test func aScanOfTheStepsThroughAnAliasIsCaught() throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = try Store(path: folder.appendingPathComponent("db.sqlite").path)
        let planned = try plans(["SELECT s.node, count(*) FROM call_steps s WHERE s.entered IS NOT NULL GROUP BY s.node"], in: store)
        #expect(Self.scannedTables(planned[0].plan, of: planned[0].sql) == ["call_steps"])
    }
}
